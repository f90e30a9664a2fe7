"""Cold start to the first frame of the home screen, against a bare Kivy app showing one Label with the
same font, both measured here in the same run. Target: ratio <= 1.5. Prints figures; asserts nothing.

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


from _summary import summary  # noqa: E402  (bench/ is on sys.path when run as a script)


def time_to_frame(mode: str) -> float:
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, str(PROBE), mode, "--exit-after-frame"], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    for line in proc.stdout:
        if line.startswith("FRAME"):
            elapsed = time.perf_counter() - started
            break
    else:
        raise RuntimeError(f"{mode}: no frame")
    proc.wait(timeout=30)
    return elapsed


def run(n: int = 5) -> dict:
    time_to_frame("bare")           # warm the page cache for both
    bare = [time_to_frame("bare") for _ in range(n)]
    kiosk = [time_to_frame("kiosk") for _ in range(n)]
    b, k = statistics.median(bare), statistics.median(kiosk)
    return {"bare_s": b, "kiosk_s": k, "ratio": k / b}


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("-n", type=int, default=5)
    r = run(p.parse_args().n)
    print(f"first frame: bare Label {r['bare_s']:.2f} s, kiosk home {r['kiosk_s']:.2f} s, "
          f"ratio {r['ratio']:.2f} (target <= 1.5)")
    summary("startup: first frame", f"{r['kiosk_s']:.2f} s", f"bare Label {r['bare_s']:.2f} s", r["ratio"],
            "ratio <= 1.5", r["ratio"] <= 1.5)


if __name__ == "__main__":
    main()
