"""Waiting for a process to end, for the tests of the demo's helper processes (API, devices, cupsd)."""

from __future__ import annotations

import os
import time
from pathlib import Path


def ended(pid: int) -> bool:
    """The process is gone, or a zombie nobody reaped yet (an orphan's parent here may be an init that
    never reaps): either way it runs no more. Our own child is reaped on the way."""
    try:
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return True
    except ChildProcessError:
        pass
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return True


def gone(pid: int, within: float) -> bool:
    """Whether the process ended within `within` seconds (polled)."""
    end = time.monotonic() + within
    while not ended(pid):
        if time.monotonic() >= end:
            return False
        time.sleep(0.05)
    return True
