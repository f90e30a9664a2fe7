"""The heartbeat's load figures from /proc agree with psutil's (which the diagnostics screen uses)."""

from __future__ import annotations

import os
import time

import psutil

from kiosk.proc_stats import CpuMeter, rss_mb


def _spin(seconds: float) -> None:
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


def test_rss_is_what_psutil_says():
    block = bytearray(30 * 2**20)           # touched: resident
    for i in range(0, len(block), 4096):
        block[i] = 1
    ours, theirs = rss_mb(), psutil.Process().memory_info().rss / 2**20
    assert ours is not None and abs(ours - theirs) < 2, (ours, theirs)
    assert ours > 30


def test_cpu_of_a_busy_process_is_its_cpu_time_over_the_wall_time():
    """Compared with the process's own clocks over the same span (a loaded machine stretches the wall
    time: the share then falls, for both)."""
    meter = CpuMeter()
    cpu0, wall0 = time.process_time(), time.monotonic()
    _spin(0.4)
    busy = meter.process()
    expected = 100 * (time.process_time() - cpu0) / (time.monotonic() - wall0)
    machine = meter.machine()
    assert abs(busy - expected) < 8, (busy, expected)       # os.times() counts in 10 ms ticks
    assert machine is not None and machine >= expected / os.cpu_count() * 0.8, (machine, expected)
    time.sleep(0.3)
    assert meter.process() < 15             # asleep since the last reading


def test_the_first_machine_reading_covers_the_time_since_the_meter_was_made():
    meter = CpuMeter()
    assert 0.0 <= meter.machine() <= 100.0
