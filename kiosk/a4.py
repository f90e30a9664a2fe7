"""The A4 printer the config names: `open_a4(cfg)` gives an `A4Printer`, or None when `[a4] queue` is "".

pycups is imported here, on first use, not when the kiosk starts: a terminal whose libcups or pycups is
missing still starts, and its A4 printer reports `a4.unavailable` (diagnostics says why) instead.
"""

from __future__ import annotations

import logging

from drivers.a4 import A4Job, A4Printer, A4Status, A4Unavailable
from kiosk.assets import FONT_PATH
from kiosk.config import SIMULATOR, Config

log = logging.getLogger(__name__)


class UnreachableA4:
    """Stands in for a configured A4 printer whose driver cannot load: every call says why."""

    def __init__(self, queue: str, detail: str) -> None:
        self.queue = queue
        self.detail = detail

    def _fail(self, *_: object, **__: object):
        raise A4Unavailable(self.detail)

    def status(self) -> A4Status:
        return self._fail()

    def submit(self, pdf: bytes, title: str) -> int:
        return self._fail()

    def job(self, job_id: int) -> A4Job:
        return self._fail()

    def wait(self, job_id: int, timeout: float) -> A4Job:
        return self._fail()

    def recent_jobs(self, limit: int = 10) -> list[A4Job]:
        return self._fail()

    def test_page(self) -> int:
        return self._fail()

    def release(self, job_id: int) -> None:
        return self._fail()

    def reprint(self, job_id: int) -> int:
        return self._fail()


def open_a4(cfg: Config) -> A4Printer | None:
    """The terminal's A4 printer, or None when it has none. In demo mode call this after DemoParts.start(),
    which replaces queue "sim" by its private queue (or by "" when no private cupsd can run here)."""
    queue = cfg.a4.queue
    if not queue:
        return None
    if queue == SIMULATOR:
        return UnreachableA4(queue, "the demo's private cupsd was not started")
    try:
        from drivers.a4.cups_printer import CupsPrinter
    except ImportError as exc:
        log.error("a4: the CUPS driver cannot load (%s); install pycups and libcups2", exc)
        return UnreachableA4(queue, f"CUPS driver not installed: {exc}")
    return CupsPrinter(queue, server=cfg.a4.server or None, terminal_id=cfg.terminal.id,
                       font_path=str(FONT_PATH))
