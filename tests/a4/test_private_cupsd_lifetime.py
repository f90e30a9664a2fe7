"""The demo's private cupsd never outlives the process that started it, even one killed with SIGKILL
(which stops nothing on its way out): a newcomer's laptop must not collect cupsd processes."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest
from processes import ended, gone

from drivers.a4.private_cupsd import missing_parts

ROOT = Path(__file__).resolve().parents[2]




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
        assert not ended(cupsd)
        owner.send_signal(signal.SIGKILL)
        owner.wait()
        assert gone(cupsd, 15), "cupsd outlived the process that started it"
    finally:
        owner.kill()
        owner.wait()
        owner.stdout.close()
