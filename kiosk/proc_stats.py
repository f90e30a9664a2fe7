"""The heartbeat's load figures from /proc, without psutil.

psutil costs an always-running kiosk about 1 MB resident for three numbers it reports once a minute; the
technician's diagnostics screen, which shows much more, still uses it (imported there when opened).
Elsewhere than Linux each figure is None: the heartbeat's contract allows it.
"""

from __future__ import annotations

import os
import threading
import time

_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def rss_mb() -> float | None:
    """This process's resident set in MB."""
    try:
        with open("/proc/self/statm", "rb") as f:
            return round(int(f.read().split()[1]) * _PAGE / 2**20, 1)
    except (OSError, ValueError, IndexError):
        return None


def _machine_times() -> tuple[int, int] | None:
    """(busy, total) jiffies of all CPUs since boot."""
    try:
        with open("/proc/stat", "rb") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    total = sum(fields[:8])             # guest time is already inside user and nice
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)        # idle + iowait
    return total - idle, total


class CpuMeter:
    """CPU use since the previous reading, as psutil's cpu_percent(interval=None) gives it: the first
    reading of a meter says 0.0. machine(): % of all CPUs; process(): % of one CPU (may pass 100)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._machine = _machine_times()
        t = os.times()
        self._process = (t.user + t.system, time.monotonic())

    def machine(self) -> float | None:
        now = _machine_times()
        with self._lock:
            before, self._machine = self._machine, now
        if now is None or before is None or now[1] <= before[1]:
            return None if now is None else 0.0
        return round(100.0 * (now[0] - before[0]) / (now[1] - before[1]), 1)

    def process(self) -> float:
        t = os.times()
        now = (t.user + t.system, time.monotonic())
        with self._lock:
            before, self._process = self._process, now
        wall = now[1] - before[1]
        return round(100.0 * (now[0] - before[0]) / wall, 1) if wall > 0 else 0.0
