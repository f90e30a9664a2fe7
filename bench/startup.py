"""Cold start to the first frame of the home screen (demo mode, and a terminal configuration: ports
absent, demo API off), against a bare Kivy app showing one Label with the same font, all measured here
in the same run, interleaved, medians of -n runs. Target: ratio <= 1.3. Prints figures; asserts nothing.
Beside the wall time, the CPU seconds the process spent until its first frame (the probe reports them):
on a shared, loaded machine the wall time swings by half, the CPU time much less.

    python bench/startup.py [-n 5]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

PROBE = Path(__file__).with_name("_frame_probe.py")


from _bytecode import compile_sources  # noqa: E402  (bench/ is on sys.path when run as a script)
from _summary import summary  # noqa: E402

CPU: dict[str, list[float]] = {}     # CPU seconds to the first frame, by run key (the probe says them)


def time_to_frame(mode: str, probe: Path = PROBE, key: str | None = None) -> float:
    started = time.perf_counter()
    # A session of its own: what the kiosk starts after its first frame (demo mode's API and devices
    # processes, its private cupsd) is found by the session and waited for below.
    proc = subprocess.Popen([sys.executable, str(probe), mode, "--exit-after-frame"], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, start_new_session=True)
    for line in proc.stdout:
        if line.startswith("FRAME"):
            elapsed = time.perf_counter() - started
            words = line.split()
            if key is not None and len(words) > 1:
                CPU.setdefault(key, []).append(float(words[1]))
            break
    else:
        raise RuntimeError(f"{mode}: no frame")
    proc.wait(timeout=30)
    settle(proc.pid)
    return elapsed


def settle(session: int, timeout: float = 15.0) -> None:
    """Wait until every process of the probe's session has ended. Demo mode starts its API and devices
    processes after the first frame; they stop when the kiosk is gone, but they were still starting up
    (importing, ~0.5 s of a core) while the next probe ran: the run after each demo-mode run (the
    terminal cfg's, in the interleaved order) shared the machine with them. What is left at the timeout
    is killed."""
    import os
    import signal

    import psutil

    def left() -> list[psutil.Process]:
        found = []
        for p in psutil.process_iter():
            try:
                if os.getsid(p.pid) == session and p.status() != psutil.STATUS_ZOMBIE:
                    found.append(p)
            except (ProcessLookupError, PermissionError, psutil.Error):
                pass
        return found

    end = time.monotonic() + timeout
    while left() and time.monotonic() < end:
        time.sleep(0.05)
    for p in left():
        try:
            os.kill(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


MODES = ("bare", "kiosk", "terminal")


def run(n: int = 5, before: Path | None = None) -> dict[str, list[float]]:
    """First-frame times by mode; with `before` (another checkout holding this bench's probe), its
    kiosk modes too, as "before kiosk" / "before terminal", interleaved with these."""
    runs = [(m, m, PROBE) for m in MODES]
    if before is not None:
        runs += [(f"before {m}", m, before / "bench" / PROBE.name) for m in MODES[1:]]
    for _key, mode, probe in runs:
        time_to_frame(mode, probe)  # warm the page cache for all
    times: dict[str, list[float]] = {key: [] for key, *_ in runs}
    for _ in range(n):
        for key, mode, probe in runs:   # interleaved: a busy moment on the machine hits all alike
            times[key].append(time_to_frame(mode, probe, key))
    return times


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("-n", type=int, default=5)
    p.add_argument("--before", type=Path, default=None,
                   help="a checkout of the code before a change (bench/_frame_probe.py copied into it)")
    a = p.parse_args()
    compile_sources()
    if a.before is not None:
        compile_sources(a.before)
    times = run(a.n, a.before)
    med = {m: statistics.median(t) for m, t in times.items()}
    b = med["bare"]
    names = [("bare", "bare Label"), ("kiosk", "home, demo mode"), ("terminal", "home, terminal cfg")]
    names += [(f"before {m}", f"{n} (before)") for m, n in names[1:] if f"before {m}" in med]
    for mode, name in names:
        print(f"first frame, {name:27s}: median {med[mode]:.2f} s of {len(times[mode])} "
              f"({', '.join(f'{t:.2f}' for t in times[mode])}); ratio to bare {med[mode] / b:.2f}")
    if CPU.get("bare"):
        # Less at the mercy of a loaded machine than the wall time: the work done for the first frame.
        cb = statistics.median(CPU["bare"])
        for mode, name in names:
            if CPU.get(mode):
                c = statistics.median(CPU[mode])
                print(f"CPU to first frame, {name:20s}: median {c:.2f} s (all threads); ratio to bare {c / cb:.2f}")
    for mode, name in (("kiosk", "demo mode"), ("terminal", "terminal cfg")):
        ratio = med[mode] / b
        summary(f"startup: first frame, {name}", f"{med[mode]:.2f} s", f"bare Label {b:.2f} s", ratio,
                "ratio <= 1.3", ratio <= 1.3)


if __name__ == "__main__":
    main()
