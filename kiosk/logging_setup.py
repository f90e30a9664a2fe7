"""Logging for the terminal: a rotating file under the data directory, the console, Kivy's logger routed
into the same handlers, and a filter that masks ID numbers and phone numbers in every record.

The mask runs on the fully formatted message (arguments and exception text included), so nothing
personal reaches a file even when a caller forgets to mask.
"""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from kiosk.privacy import mask_text

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
AUDIT = "kiosk.audit"


class MaskingFilter(logging.Filter):
    """Replaces msg with the masked, fully formatted message (args folded in)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not lose the record
            message = f"{record.msg!r} {record.args!r}"
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_text(record.exc_text)
        record.msg, record.args = mask_text(message), None
        return True


def setup_logging(data_dir: Path | None, level: str = "INFO", console: bool = True) -> Path | None:
    """Install the handlers on the root logger; returns the log file path (None without a data dir)."""
    root = logging.getLogger()
    for h in list(root.handlers):
        if getattr(h, "_kiosk", False):
            root.removeHandler(h)
            h.close()
    root.setLevel(level)
    formatter = logging.Formatter(LOG_FORMAT)
    handlers: list[logging.Handler] = []
    log_path = None
    if data_dir is not None:
        log_dir = Path(data_dir) / "logs"
        log_dir.mkdir(parents=True, exist_ok=True)
        log_path = log_dir / "kiosk.log"
        handlers.append(logging.handlers.RotatingFileHandler(log_path, maxBytes=5_000_000, backupCount=10,
                                                             encoding="utf-8"))
    if console:
        handlers.append(logging.StreamHandler())
    for h in handlers:
        h._kiosk = True  # type: ignore[attr-defined]
        h.setFormatter(formatter)
        h.addFilter(MaskingFilter())
        root.addHandler(h)
    return log_path


def route_kivy_logger() -> None:
    """Kivy logs to its own 'kivy' logger with its own handlers; send it through ours instead."""
    from kivy.logger import Logger

    for h in list(Logger.handlers):
        Logger.removeHandler(h)
    Logger.propagate = True


def audit(role: str, action: str, detail: str = "") -> None:
    """One audit line: who (role), what; the time comes from the log format."""
    logging.getLogger(AUDIT).info("role=%s action=%s%s", role, action, f" detail={detail}" if detail else "")
