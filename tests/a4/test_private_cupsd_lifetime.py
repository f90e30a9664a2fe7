"""The demo's private cupsd never outlives the process that started it, even one killed with SIGKILL
(which stops nothing on its way out): a newcomer's laptop must not collect cupsd processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from drivers.a4.private_cupsd import missing_parts

ROOT = Path(__file__).resolve().parents[2]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:                                          # a zombie is gone for our purpose
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


def test_cupsd_goes_when_the_process_that_started_it_is_killed():
    missing = missing_parts()
    if missing:
        pytest.fail("a real cupsd is needed (bash scripts/setup.sh installs it): missing " + ", ".join(missing))
    owner = subprocess.Popen(
        [sys.executable, "-c",
         "import time\n"
         "from drivers.a4.private_cupsd import PrivateCupsd\n"
         "c = PrivateCupsd(queue='orphan-test')\n"
         "c.start()\n"
         "print(c._proc.pid, flush=True)\n"
         "time.sleep(120)\n"],
        cwd=str(ROOT), stdout=subprocess.PIPE, text=True)
    try:
        line = owner.stdout.readline()
        assert line.strip().isdigit(), f"the private cupsd did not start: {line!r}"
        cupsd = int(line)
        assert _alive(cupsd)
        owner.send_signal(signal.SIGKILL)
        owner.wait()
        deadline = time.monotonic() + 15
        while _alive(cupsd) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(cupsd), "cupsd outlived the process that started it"
    finally:
        owner.kill()
        owner.wait()
        owner.stdout.close()
