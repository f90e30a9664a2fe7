"""Idle cost of the home screen: CPU (% of one core) and RSS after warm-up, in demo mode and in a
terminal configuration (ports absent, central API unreachable, demo API off), each beside the bare
one-Label Kivy app measured in the same run. The three are measured in turn, --repeat times, and the
medians reported. Targets: CPU <= 1.3x bare, RSS <= 1.2x bare. Prints; asserts nothing.
Demo mode runs the demo central API and the simulated devices in processes of their own, as the real API
and devices are: their RSS is printed apart, their CPU counts (every child's does) and is printed apart too.
Each kiosk mode is measured twice: idle after start-up, and idle after one receipt has been printed ("+receipt": a terminal prints within minutes of starting and then runs for weeks, so that is its
steady state; in the terminal cfg, which has no printer here, the receipt is built only).

    python bench/idle.py [--seconds 60] [--repeat 3] [--before DIR]

A window of 60 s holds exactly one change of the header's clock (HH:MM), the one thing that redraws the idle
kiosk: in software GL that full-frame redraw costs ~0.15 s of CPU (Mesa's llvmpipe threads), which a 10-s
window caught one time in six, and a median of three such windows sometimes (2.5 % instead of 0.7 %). The
bare app has no clock. A terminal's GPU draws that frame for next to nothing.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

import psutil

PROBE = Path(__file__).with_name("_frame_probe.py")
MODES = ("bare", "kiosk", "terminal", "kiosk+receipt", "terminal+receipt")
NAMES = {"bare": "bare Kivy", "kiosk": "demo mode", "terminal": "terminal cfg",
         "kiosk+receipt": "demo, after a receipt", "terminal+receipt": "terminal, after a receipt"}


from _bytecode import compile_sources  # noqa: E402  (bench/ is on sys.path when run as a script)
from _summary import summary  # noqa: E402


def measure(mode: str, seconds: float, warmup: float = 5.0, probe: Path = PROBE) -> dict:
    mode, _, receipt = mode.partition("+")
    proc = subprocess.Popen([sys.executable, str(probe), mode] + (["--receipt"] if receipt else []),
                            stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    try:
        for line in proc.stdout:
            if line.startswith("READY"):       # first frame drawn and (kiosk) services started, + 2 s
                break
        time.sleep(warmup)
        ps = psutil.Process(proc.pid)
        tree = {ps.pid: ps}

        def cpu() -> tuple[float, float]:
            # The kiosk's own children (a voice synthesiser) count; one that ended keeps its last figure.
            for child in ps.children(recursive=True):
                tree.setdefault(child.pid, child)
            for pid, p in tree.items():
                try:
                    last[pid] = sum(p.cpu_times()[:2])
                except psutil.NoSuchProcess:
                    pass
            main = next((t.user_time + t.system_time for t in ps.threads() if t.id == ps.pid), 0.0)
            return sum(last.values()), main, sum(v for pid, v in last.items() if pid != ps.pid)

        last: dict[int, float] = {}

        (c0, m0, k0), t0 = cpu(), time.perf_counter()
        time.sleep(seconds)
        (c1, m1, k1), wall = cpu(), time.perf_counter() - t0
        children = 0
        for child in ps.children(recursive=True):       # demo mode: the demo API, the A4 demo's cupsd
            try:
                children += child.memory_info().rss
            except psutil.NoSuchProcess:
                pass
        return {"cpu_pct": 100 * (c1 - c0) / wall, "main_pct": 100 * (m1 - m0) / wall,
                "child_cpu_pct": 100 * (k1 - k0) / wall,
                "rss_mb": ps.memory_info().rss / 2**20, "threads": ps.num_threads(),
                "child_rss_mb": children / 2**20}
    finally:
        proc.kill()
        proc.wait()


def run(seconds: float = 60.0, repeat: int = 3, before: Path | None = None) -> dict[str, dict]:
    plan = [(m, m, PROBE) for m in MODES]
    if before is not None:                   # the code before a change, this bench's probe copied in
        plan += [(f"before {m}", m, before / "bench" / PROBE.name) for m in MODES[1:]]
    runs: dict[str, list[dict]] = {key: [] for key, *_ in plan}
    for _ in range(repeat):
        for key, mode, probe in plan:        # interleaved: a noisy minute hits all alike
            runs[key].append(measure(mode, seconds, probe=probe))
    return {m: {k: statistics.median(r[k] for r in rs) for k in rs[0]} for m, rs in runs.items()}


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--seconds", type=float, default=60.0)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--before", type=Path, default=None, help="a checkout of the code before a change")
    a = p.parse_args()
    compile_sources()
    if a.before is not None:
        compile_sources(a.before)
    r = run(a.seconds, a.repeat, a.before)
    print(f"medians of {a.repeat} runs of {a.seconds:.0f} s each, from 7 s after start-up had finished (services ready, "
          "voice prompts made; +receipt: one receipt printed), on the home screen")
    b = r["bare"]
    for mode in r:
        m = r[mode]
        name = NAMES.get(mode) or f"{NAMES[mode.split()[-1]]} (before)"
        print(f"{name:27s} idle CPU {m['cpu_pct']:.2f} % of one core (UI thread {m['main_pct']:.2f} %"
              + (f", its child processes {m['child_cpu_pct']:.2f} %" if m["child_cpu_pct"] else "") + "), "
              f"RSS {m['rss_mb']:.0f} MB, {m['threads']:.0f} threads; vs bare CPU {m['cpu_pct'] / b['cpu_pct']:.2f}x,"
              f" RSS {m['rss_mb'] / b['rss_mb']:.2f}x"
              + (f"; its child processes (not counted) RSS {m['child_rss_mb']:.0f} MB" if m["child_rss_mb"] else ""))
    for mode in MODES[1:]:
        k = r[mode]
        cpu_ratio, rss_ratio = k["cpu_pct"] / max(b["cpu_pct"], 0.01), k["rss_mb"] / b["rss_mb"]
        summary(f"idle CPU, {NAMES[mode]}", f"{k['cpu_pct']:.2f} % of a core", f"bare {b['cpu_pct']:.2f} %",
                cpu_ratio, "<= 1.3x bare", cpu_ratio <= 1.3)
        summary(f"idle RSS, {NAMES[mode]}", f"{k['rss_mb']:.0f} MB", f"bare {b['rss_mb']:.0f} MB", rss_ratio,
                "<= 1.2x bare", rss_ratio <= 1.2)


if __name__ == "__main__":
    main()
