"""Bench: handwriting recognition on real strokes written by someone else, ours vs raw Zinnia.

    python bench/handwriting.py [--limit N] [--level2 N]

The stroke medians of Make Me a Hanzi (npm hanzi-writer-data, installed by scripts/setup.sh) for the
3,755 GB2312 level-1 hanzi, each recognised
  - clean: the medians as they are (1024 box, y flipped to downwards), and
  - wobbled: as a hand puts them on a 400 x 400 touch pad (tests/handwriting/strokedata.wobble: size,
    aspect, rotation, shear, position, dense points with drift and jitter; seeded per character),
by kiosk.handwriting.recognize and by raw Zinnia in the same run (same model; fed the points as they
are, box = the 1024 box or the pad). Also a sample of level-2 hanzi, to show what putting level-1 first
costs them. Time per character: wall and CPU of the calling thread, p50/p95. Asserts nothing
(targets: top-5 >= 90 % clean and hardly less wobbled, <= 20 ms per character).

The recogniser's rules and constants (kiosk.handwriting.reorder, CONFIDENT_GAP) were found on a tuning
subset, every 7th level-1 hanzi in code order (537); top-5 is reported for it and for the other 3,218
apart, so what was tuned on can be told from what was not.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "handwriting"))

import strokedata  # noqa: E402
from _summary import summary  # noqa: E402  (bench/ is on sys.path when run as a script)

import kiosk.handwriting as hw  # noqa: E402
from kiosk.handwriting import preprocess, ranking, reorder  # noqa: E402

#: Every TUNING_STEP-th level-1 hanzi (code order) is the tuning subset.
TUNING_STEP = 7


def raw(rec, strokes, box: int) -> list[str]:
    pts = [[(round(x), round(y)) for x, y in s] for s in strokes]
    return [c for c, _ in rec.classify(pts, box, box, 10)]


class Tally:
    def __init__(self) -> None:
        self.n = self.top1 = self.top5 = 0
        self.hits5: dict[str, bool] = {}
        self.wall: list[float] = []
        self.cpu: list[float] = []

    def add(self, ch: str, fn) -> None:
        w0, c0 = time.perf_counter(), time.thread_time()
        out = fn()
        self.cpu.append((time.thread_time() - c0) * 1000)
        self.wall.append((time.perf_counter() - w0) * 1000)
        self.n += 1
        self.top1 += out[:1] == [ch]
        self.top5 += ch in out[:5]
        self.hits5[ch] = ch in out[:5]

    def acc(self) -> tuple[float, float]:
        return 100 * self.top1 / self.n, 100 * self.top5 / self.n

    def ms(self) -> tuple[float, float, float]:
        q = statistics.quantiles(self.wall, n=20)
        return statistics.median(self.wall), q[18], statistics.median(self.cpu)


def ablation(rec, chars: list[str]) -> None:
    """What each step adds: the same characters through the steps of recognize() one at a time."""
    fit_only = preprocess.View(margin=0.15, centre="box", spacing=0, smooth=0)
    views = {"fit": fit_only, "first": hw.VIEWS[0], "second": hw.VIEWS[1]}
    lists: dict[tuple[str, str, str], list[tuple[str, float]]] = {}
    for ch in chars:
        clean = strokedata.load(ch)
        for kind, strokes, size in (("clean", clean, 1024),
                                    ("wobbled", strokedata.wobble(clean, random.Random(f"wobble {ch}")), strokedata.PAD)):
            cleaned = preprocess.clean(strokes)
            for name, view in views.items():
                lists[(name, kind, ch)] = rec.classify(preprocess.prepare(cleaned, size, size, view), 300, 300, hw.NBEST)
    def without_gate(fn):
        saved, hw.CONFIDENT_GAP = hw.CONFIDENT_GAP, math.inf
        try:
            return fn()
        finally:
            hw.CONFIDENT_GAP = saved

    whole: dict[tuple[str, str, str], list[str]] = {}
    fired = {rule.__name__: 0 for rule in reorder.RULES}
    for ch in chars:
        clean = strokedata.load(ch)
        for rule in reorder.RULES:
            fired[rule.__name__] += rule(preprocess.clean(clean)) is not None
        for kind, strokes, size in (("clean", clean, 1024),
                                    ("wobbled", strokedata.wobble(clean, random.Random(f"wobble {ch}")), strokedata.PAD)):
            whole[("views", kind, ch)] = without_gate(lambda s=strokes, z=size: hw.recognize(s, z, z, 5, reorder_strokes=False))
            whole[("order", kind, ch)] = without_gate(lambda s=strokes, z=size: hw.recognize(s, z, z, 5))
            whole[("gate", kind, ch)] = hw.recognize(strokes, size, size, 5)
    steps = [("box fit only (bounding box to the model's 300 box, aspect kept)", ["fit"], 0.0),
             ("+ even resampling and smoothing", ["first"], 0.0),
             ("+ level-1 first among close scores", ["first"], ranking.LEVEL1_BONUS),
             ("+ second view merged", "views", None),
             ("+ stroke-order views where a rule fires (kiosk.handwriting.reorder)", "order", None),
             ("+ a confident first view answers alone (= recognize())", "gate", None)]
    print(f"step by step, {len(chars)} level-1 hanzi (seeded sample), top-1 / top-5:")
    for label, names, bonus in steps:
        row = []
        for kind in ("clean", "wobbled"):
            t1 = t5 = 0
            for ch in chars:
                if isinstance(names, str):
                    out = whole[(names, kind, ch)]
                else:
                    out = ranking.merge([lists[(n, kind, ch)] for n in names], 5, bonus)
                t1 += out[:1] == [ch]
                t5 += ch in out
            row.append(f"{kind} {100 * t1 / len(chars):5.1f} / {100 * t5 / len(chars):5.1f} %")
        print(f"  {label:72s} {'   '.join(row)}")
    print("  stroke-order rules firing on the clean medians: "
          + ", ".join(f"{name} {k} ({100 * k / len(chars):.0f} %)" for name, k in fired.items()))
    # Why the rest fail: try each misses' strokes with one adjacent pair swapped. Make Me a Hanzi follows
    # the standard stroke order; where the model's writers used another, Zinnia (which compares stroke
    # by stroke) cannot match it.
    misses = [ch for ch in chars if ch not in whole[("gate", "clean", ch)]]
    fixed = 0
    for ch in misses:
        st = strokedata.load(ch)
        fixed += any(ch in hw.recognize(st[:i] + [st[i + 1], st[i]] + st[i + 2:], 1024, 1024, n=5)
                     for i in range(len(st) - 1))
    print(f"  clean misses in top-5: {len(misses)}; of them put in the top-5 by swapping one adjacent pair of "
          f"strokes: {fixed} ({100 * fixed / max(1, len(misses)):.0f} %) - stroke order, not shape")


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--limit", type=int, default=0, help="only the first N level-1 characters of a seeded shuffle")
    p.add_argument("--level2", type=int, default=600, help="level-2 characters sampled (seeded)")
    p.add_argument("--ablation", type=int, default=600, help="level-1 characters (seeded) for the step-by-step table")
    args = p.parse_args()
    rec = hw._get()
    load_before = os.getloadavg()[0]
    chars = strokedata.level1_chars()
    if args.limit:
        chars = random.Random(15).sample(chars, args.limit)
    runs = {k: Tally() for k in ("ours clean", "raw clean", "ours wobbled", "raw wobbled")}
    pad = strokedata.PAD
    for ch in chars:
        clean = strokedata.load(ch)
        wob = strokedata.wobble(clean, random.Random(f"wobble {ch}"))
        runs["raw clean"].add(ch, lambda c=clean: raw(rec, c, 1024))
        runs["ours clean"].add(ch, lambda c=clean: hw.recognize(c, 1024, 1024))
        runs["raw wobbled"].add(ch, lambda w=wob: raw(rec, w, pad))
        runs["ours wobbled"].add(ch, lambda w=wob: hw.recognize(w, pad, pad))
    l2 = {k: Tally() for k in ("ours", "raw")}
    for ch in random.Random(16).sample(strokedata.level2_chars(), args.level2) if args.level2 else []:
        clean = strokedata.load(ch)
        l2["raw"].add(ch, lambda c=clean: raw(rec, c, 1024))
        l2["ours"].add(ch, lambda c=clean: hw.recognize(c, 1024, 1024))

    print(f"{len(chars)} GB2312 level-1 hanzi, Make Me a Hanzi medians (hanzi-writer-data "
          f"{strokedata.DATA_VERSION}); model {rec.path} ({rec.size} characters); views {len(hw.VIEWS)} "
          f"(the first alone when its best leads by > {hw.CONFIDENT_GAP}), + the same in another stroke order "
          f"where a rule fires")
    for name, t in runs.items():
        a1, a5 = t.acc()
        p50, p95, cpu = t.ms()
        print(f"{name:13s} top-1 {a1:5.1f} %  top-5 {a5:5.1f} %   {p50:5.1f} ms p50, {p95:5.1f} ms p95, "
              f"CPU {cpu:4.1f} ms p50")
    tuning = set(strokedata.level1_chars()[::TUNING_STEP])
    for name, t in runs.items():
        parts = []
        for label, inside in (("tuning subset", True), ("the rest", False)):
            hits = [hit for ch, hit in t.hits5.items() if (ch in tuning) == inside]
            if hits:
                parts.append(f"{label} ({len(hits)}) {100 * sum(hits) / len(hits):5.1f} %")
        print(f"{name:13s} top-5 on " + ", ".join(parts))
    for kind in ("clean", "wobbled"):
        o1, o5 = runs[f"ours {kind}"].acc()
        r1, r5 = runs[f"raw {kind}"].acc()
        print(f"{kind}: ours/raw top-1 {o1 / r1:.3f}, top-5 {o5 / r5:.3f}; errors in top-5 "
              f"{100 - o5:.1f} % vs {100 - r5:.1f} %")
    oc5, ow5 = runs["ours clean"].acc()[1], runs["ours wobbled"].acc()[1]
    rc5, rw5 = runs["raw clean"].acc()[1], runs["raw wobbled"].acc()[1]
    p50, p95, cpu = runs["ours wobbled"].ms()
    rp50 = runs["raw wobbled"].ms()[0]
    print(f"time per character (wobbled): ours {p50:.1f} ms p50 / {p95:.1f} ms p95 vs raw {rp50:.1f} ms, "
          f"ratio {p50 / rp50:.2f} (one model call per view); load average {load_before:.1f} at the start, "
          f"{os.getloadavg()[0]:.1f} at the end on {os.cpu_count()} CPUs (wall time counts waiting for a CPU, "
          f"CPU time does not)")
    print(f"tuned on the tuning subset only (every {TUNING_STEP}th level-1 hanzi in code order): the "
          f"stroke-order rules and CONFIDENT_GAP; top-5 on it and on the rest above")
    if args.level2:
        o1, o5 = l2["ours"].acc()
        r1, r5 = l2["raw"].acc()
        print(f"{args.level2} level-2 hanzi, clean (cost of level-1 first): ours top-1 {o1:.1f} % top-5 {o5:.1f} %,"
              f" raw top-1 {r1:.1f} % top-5 {r5:.1f} %")
    if args.ablation:
        ablation(rec, random.Random(17).sample(strokedata.level1_chars(), args.ablation))
    summary("handwriting top-5, clean", f"{oc5:.1f} %", f"raw Zinnia {rc5:.1f} %", oc5 / rc5, ">= 90 %", oc5 >= 90)
    summary("handwriting top-5, wobbled", f"{ow5:.1f} %", f"raw Zinnia {rw5:.1f} %", ow5 / rw5,
            ">= 90 % clean, hardly less wobbled", oc5 >= 90 and ow5 >= oc5 - 2)
    summary("handwriting time per character", f"{p50:.1f} ms p50, {p95:.1f} ms p95 (CPU {cpu:.1f} ms)",
            f"raw Zinnia {rp50:.1f} ms", p50 / rp50, "<= 20 ms", p50 <= 20)
    return 0


if __name__ == "__main__":
    sys.exit(main())
