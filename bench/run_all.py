"""Run every benchmark and write one Markdown report (bench/RESULTS.md) with their figures and ratios.

Each benchmark measures its own baseline in the same run and prints its figures; this collects what
they print. Not part of the test suite.

    xvfb-run -a -s "-screen 0 1920x1080x24" python bench/run_all.py [--quick] [--only frames,soak]
"""

from __future__ import annotations

import argparse
import platform
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from _summary import PREFIX  # noqa: E402

BENCHES = [
    ("startup", ["startup.py", "-n", "9"], ["startup.py", "-n", "2"],
     "first frame of the home screen (demo mode, terminal configuration) vs a bare Kivy Label app, "
     "interleaved, medians (target ratio <= 1.3)"),
    ("idle", ["idle.py", "--seconds", "60", "--repeat", "3"], ["idle.py", "--seconds", "5", "--repeat", "1"],
     "idle CPU and RSS on the home screen after start-up, demo mode and terminal configuration, vs the bare "
     "Kivy app (targets CPU <= 1.3x, RSS <= 1.2x bare)"),
    ("idcard", ["idcard.py"], ["idcard.py", "--rounds", "5"],
     "card read vs serial wire-time floor at 115200 (target <= 1.10), record decode (<= 1 ms)"),
    ("printer", ["printer.py"], ["printer.py"],
     "bytes and serial seconds per receipt at 9600/115200, native vs image QR (ticket <= 1 KB)"),
    ("api", ["api.py"], ["api.py", "-n", "100"], "case lookup p50/p95 over loopback vs /v1/health"),
    ("frames", ["frames.py", "--latency", "2", "--idle", "2"], ["frames.py", "--latency", "2", "--idle", "1"],
     "every citizen flow while the demo API answers in 2 s: the UI thread's Python part of each frame apart "
     "from GL draw+swap, first use and again (targets p99 <= 16 ms, max <= 50 ms)"),
    ("voice", ["voice.py"], ["voice.py", "-n", "20"],
     "say() to the player running: cached fixed prompt vs synthesised on the spot (target <= 300 ms)"),
    ("soak", ["soak.py", "--sessions", "1000", "--warmup", "100", "--size", "960x540"],
     ["soak.py", "--sessions", "80", "--warmup", "100", "--every", "20", "--size", "480x270"],
     "scripted citizen sessions, the demo API in its own process: RSS growth, fds, threads, Kivy objects"),
    ("bundle", ["bundle.py", "--build", "--deb"], ["bundle.py"],
     "installed size of the production bundle from kiosk.spec (target <= 60 MB)"),
    ("handwriting", ["handwriting.py"], ["handwriting.py", "--limit", "300", "--level2", "100"],
     "top-1/top-5 over the 3,755 GB2312 level-1 hanzi (Make Me a Hanzi medians), clean and wobbled, "
     "vs raw Zinnia; ms per character (targets: top-5 >= 90 %, <= 20 ms)"),
]


def read_sections(path: Path) -> dict[str, tuple[str, str, str, float]]:
    """The sections of an earlier RESULTS.md, so a partial run keeps the figures it did not redo."""
    out: dict[str, tuple[str, str, str, float]] = {}
    if not path.exists():
        return out
    for part in path.read_text(encoding="utf-8").split("\n## ")[1:]:
        name, _, rest = part.partition("\n\n")
        head, _, body = rest.partition("\n\n```\n")
        what, _, took = head.rpartition(" (")
        try:
            seconds = float(took.rstrip(" s)"))
        except ValueError:
            seconds = 0.0
        out[name.strip()] = (name.strip(), what, body.rsplit("\n```", 1)[0], seconds)
    return out


def summary_table(rows: list[tuple[str, str, str, float]]) -> list[str]:
    """The one table: every benchmark's headline figures (their SUMMARY lines), each beside the baseline
    measured in the same run and the ratio between them."""
    out = ["| benchmark | figure | baseline (same run) | ratio | target | met |",
           "|---|---|---|---:|---|---|"]
    for _name, _what, text, _took in rows:
        for line in text.splitlines():
            if line.startswith(PREFIX):
                cells = line[len(PREFIX):].split("|")
                if len(cells) == 6:
                    out.append("| " + " | ".join(cells) + " |")
    return [*out, ""] if len(out) > 2 else []


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--quick", action="store_true", help="fewer rounds (a smoke run)")
    p.add_argument("--only", default="", help="comma-separated names; the others keep their last section")
    p.add_argument("--take", action="append", default=[], metavar="NAME=FILE",
                   help="a benchmark's output saved from a run of its own (an hour-long soak), as its section")
    args = p.parse_args()
    taken = dict(t.split("=", 1) for t in args.take)
    only = {n for n in args.only.split(",") if n}
    previous = read_sections(HERE / "RESULTS.md") if only else {}
    rows = []
    ran = [name for name, *_ in BENCHES if not only or name in only or name in taken] or ["nothing"]
    for name, full, quick, what in BENCHES:
        if name in taken:
            text = Path(taken[name]).read_text(encoding="utf-8").strip()
            rows.append((name, what, text, 0.0))
            continue
        if only and name not in only:
            if name in previous:
                rows.append(previous[name])
            continue
        script = HERE / (quick if args.quick else full)[0]
        if not script.exists():
            rows.append((name, what, "not available in this checkout", 0.0))
            continue
        cmd = [sys.executable, str(HERE / (quick if args.quick else full)[0]), *(quick if args.quick else full)[1:]]
        started = time.perf_counter()
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
        took = time.perf_counter() - started
        out = r.stdout.strip() or r.stderr.strip()[-500:]
        if r.returncode != 0:
            out = f"FAILED (exit {r.returncode}): {out}"
        rows.append((name, what, out, took))
        print(f"== {name} ({took:.0f} s)\n{out}\n", flush=True)
    lines = ["# Benchmark results\n",
             f"{datetime.now():%Y-%m-%d %H:%M}, {platform.node()}, Python {platform.python_version()}, "
             f"{'quick' if args.quick else 'full'} run"
             f"{' of ' + ', '.join(sorted(ran)) + ' (other sections kept from the run before)' if only else ''}. "
             "Each figure's baseline was measured in the same run as the figure.\n"]
    longer = HERE / "soak-long.txt"
    long_text = longer.read_text(encoding="utf-8").strip() if longer.exists() else ""
    if any(name == "soak" and out.strip() == long_text for name, _what, out, _took in rows):
        long_text = ""          # the soak section is that run already (--take soak=...): not twice
    lines += summary_table([*rows, ("soak-long", "", long_text, 0.0)])
    for name, what, out, took in rows:
        # SUMMARY lines stay in the sections: a partial run (--only) rebuilds the table from them.
        lines.append(f"## {name}\n\n{what} ({took:.0f} s)\n\n```\n{out}\n```\n")
    if long_text:
        lines.append(f"## soak (longer run, kept in {longer.name})\n\n```\n{long_text}\n```\n")
    (HERE / "RESULTS.md").write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {HERE / 'RESULTS.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
