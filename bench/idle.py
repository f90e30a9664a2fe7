"""Idle cost of the home screen in demo mode: CPU (% of one core) and RSS after warm-up, beside the
bare one-Label app measured in the same run. Targets: <= 2 % CPU, <= 250 MB RSS. Prints; asserts nothing.

    python bench/idle.py [--seconds 10]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

import psutil

PROBE = Path(__file__).with_name("_frame_probe.py")


from _summary import summary  # noqa: E402  (bench/ is on sys.path when run as a script)


def measure(mode: str, seconds: float, warmup: float = 4.0) -> dict:
    proc = subprocess.Popen([sys.executable, str(PROBE), mode], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    try:
        for line in proc.stdout:
            if line.startswith("FRAME"):
                break
        time.sleep(warmup)
        ps = psutil.Process(proc.pid)
        tree = [ps, *ps.children(recursive=True)]
        cpu0 = sum(sum(p.cpu_times()[:2]) for p in tree)
        t0 = time.perf_counter()
        time.sleep(seconds)
        cpu1 = sum(sum(p.cpu_times()[:2]) for p in tree)
        wall = time.perf_counter() - t0
        return {"cpu_pct": 100 * (cpu1 - cpu0) / wall, "rss_mb": ps.memory_info().rss / 2**20,
                "threads": ps.num_threads()}
    finally:
        proc.kill()
        proc.wait()


def run(seconds: float = 10.0) -> dict:
    return {"bare": measure("bare", seconds), "kiosk": measure("kiosk", seconds)}


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--seconds", type=float, default=10.0)
    r = run(p.parse_args().seconds)
    for name, m in r.items():
        print(f"{name:6s} idle CPU {m['cpu_pct']:.1f} % of one core, RSS {m['rss_mb']:.0f} MB, "
              f"{m['threads']} threads")
    print(f"kiosk/bare CPU ratio {r['kiosk']['cpu_pct'] / max(r['bare']['cpu_pct'], 0.01):.2f}; "
          f"targets: <= 2 % CPU, <= 250 MB RSS")
    k, b = r["kiosk"], r["bare"]
    summary("idle: CPU", f"{k['cpu_pct']:.1f} % of a core", f"bare {b['cpu_pct']:.1f} %",
            k["cpu_pct"] / max(b["cpu_pct"], 0.01), "<= 2 %", k["cpu_pct"] <= 2)
    summary("idle: RSS", f"{k['rss_mb']:.0f} MB", f"bare {b['rss_mb']:.0f} MB", k["rss_mb"] / b["rss_mb"],
            "<= 250 MB", k["rss_mb"] <= 250)


if __name__ == "__main__":
    main()
