"""Logging for the terminal: a rotating file under the data directory, the console, Kivy's logger routed
into the same handlers, and a filter that masks ID numbers and phone numbers in every record.

The mask runs on the fully formatted message (arguments and exception text included), so nothing
personal reaches a file even when a caller forgets to mask.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
import threading
from pathlib import Path
from types import TracebackType

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
    install_excepthooks()
    return log_path


def _log_uncaught(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None,
                  where: str) -> None:
    logging.getLogger("kiosk.uncaught").critical("uncaught exception in %s", where, exc_info=(exc_type, exc, tb))


def _sys_hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    _log_uncaught(exc_type, exc, tb, "the main thread")


def _thread_hook(args: threading.ExceptHookArgs) -> None:
    if args.exc_type is SystemExit:  # what the default hook ignores too
        return
    name = args.thread.name if args.thread is not None else "a thread"
    _log_uncaught(args.exc_type, args.exc_value or args.exc_type(), args.exc_traceback, f"thread {name}")


def install_excepthooks() -> None:
    """Uncaught exceptions, in the main thread or any other, go through the masked log instead of
    Python's default hooks, which print the message (an ID number in it too) straight to stderr and
    from there into the journal."""
    sys.excepthook = _sys_hook
    threading.excepthook = _thread_hook


def audit(role: str, action: str, detail: str = "") -> None:
    """One audit line: who (role), what; the time comes from the log format."""
    logging.getLogger(AUDIT).info("role=%s action=%s%s", role, action, f" detail={detail}" if detail else "")
