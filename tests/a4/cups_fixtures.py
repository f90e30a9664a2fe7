"""Fixtures for a real CUPS: a private cupsd (drivers.a4.private_cupsd) for the whole test session, and a
fresh cups-pdf queue per test, so a test that disables or rejects its queue leaves the next one alone.

tests/conftest.py imports these (as `a4.cups_fixtures`: tests/ is on sys.path), so any test can ask for `a4_queue` / `a4_printer`. cupsd is started on
first use only; no test run touches the machine's own CUPS.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from drivers.a4.private_cupsd import PrivateCupsd, missing_parts

FONT = Path(__file__).resolve().parents[2] / "assets" / "fonts" / "NotoSansSC-Kiosk.otf"
TERMINAL_ID = "JN-A4-TEST"
_queues = itertools.count(1)


@dataclass
class A4Queue:
    """One cups-pdf queue on the session's private cupsd."""

    name: str
    cupsd: PrivateCupsd

    @property
    def server(self) -> str:
        return self.cupsd.socket

    def lp(self, tool: str, *args: str) -> str:
        return self.cupsd.lp(tool, *args).stdout

    def fault(self, *messages: str, exit_code: int = 0) -> None:
        """What this queue's printer reports during its next jobs (PrivateCupsd.set_fault)."""
        self.cupsd.set_fault(self.name, *messages, exit_code=exit_code)

    def pdf_of(self, job_id: int, timeout: float = 60.0) -> Path:
        """The PDF cups-pdf wrote for this job, once it is complete (cups-pdf names it "…job_ID.pdf" and
        fills it in place: wait until CUPS says the job completed)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            state = self.lp("lpstat", "-W", "completed", "-o", self.name)
            found = list(self.cupsd.out_dir.glob(f"*job_{job_id}.pdf"))
            if f"{self.name}-{job_id} " in state and found and found[0].stat().st_size > 0:
                return found[0]
            time.sleep(0.1)
        raise AssertionError(f"no PDF for job {job_id} in {self.cupsd.out_dir}: "
                             f"{sorted(p.name for p in self.cupsd.out_dir.iterdir())}")


@pytest.fixture(scope="session")
def private_cupsd() -> Iterator[PrivateCupsd]:
    missing = missing_parts()
    if missing:
        pytest.fail("a real cupsd is needed (bash scripts/setup.sh installs it): missing " + ", ".join(missing))
    cupsd = PrivateCupsd(queue="a4-session")
    cupsd.start()
    try:
        yield cupsd
    finally:
        cupsd.stop()


@pytest.fixture
def a4_queue(private_cupsd: PrivateCupsd) -> Iterator[A4Queue]:
    name = f"a4-test-{next(_queues)}"
    private_cupsd.add_queue(name)
    try:
        yield A4Queue(name, private_cupsd)
    finally:
        if private_cupsd.running:
            private_cupsd.lp("lpadmin", "-x", name)


@pytest.fixture
def a4_printer(a4_queue: A4Queue):
    from drivers.a4.cups_printer import CupsPrinter

    return CupsPrinter(a4_queue.name, server=a4_queue.server, terminal_id=TERMINAL_ID, font_path=str(FONT))
