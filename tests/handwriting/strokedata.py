"""Real strokes written by someone else, for the handwriting tests and bench/handwriting.py.

The stroke medians of Make Me a Hanzi, as the npm package hanzi-writer-data ships them (one JSON per
character; Arphic Public License, used here as test data only). scripts/setup.sh installs the pinned
version into .cache/hanzi-writer-data; $HANZI_WRITER_DATA points elsewhere.

Medians are in a 1024 box with y upwards and the baseline at 900 - y (hanzi-writer draws them with
scale(1, -1) translate(0, -900)); `load` gives them y downwards as kiosk.handwriting.recognize takes them.

`wobble` makes them look like a hand on a touch pad: drawn at some size and place in the pad, slightly
rotated and sheared, each stroke sampled densely (as a touch screen reports) with a slow drift and
point jitter. Seeded: the same rng gives the same strokes.
"""

from __future__ import annotations

import json
import math
import os
import random
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA_VERSION = "2.0.1"
#: The pad the wobbled characters are written on, in pixels (the size a screen widget would have).
PAD = 400


def data_dir() -> Path:
    env = os.environ.get("HANZI_WRITER_DATA")
    return Path(env) if env else ROOT / ".cache" / "hanzi-writer-data" / "node_modules" / "hanzi-writer-data"


def level1_chars() -> list[str]:
    """The 3,755 GB2312 level-1 hanzi in code order (B0A1..D7F9)."""
    out = []
    for hi in range(0xB0, 0xD8):
        for lo in range(0xA1, 0xFF):
            if hi == 0xD7 and lo > 0xF9:
                break
            out.append(bytes((hi, lo)).decode("gb2312"))
    return out


def level2_chars() -> list[str]:
    """The 3,008 GB2312 level-2 hanzi in code order (D8A1..F7FE)."""
    out = []
    for hi in range(0xD8, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                out.append(bytes((hi, lo)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return out


@cache
def load(ch: str) -> list[list[tuple[float, float]]]:
    """The medians of ch, y downwards, in the 1024 box. FileNotFoundError if the data lacks ch."""
    with open(data_dir() / f"{ch}.json", encoding="utf-8") as f:
        medians = json.load(f)["medians"]
    return [[(float(x), 900.0 - float(y)) for x, y in stroke] for stroke in medians]


def _dense(stroke: list[tuple[float, float]], step: float) -> list[tuple[float, float]]:
    out = [stroke[0]]
    for (ax, ay), (bx, by) in zip(stroke, stroke[1:], strict=False):
        n = max(1, int(math.hypot(bx - ax, by - ay) / step))
        out += [(ax + (bx - ax) * i / n, ay + (by - ay) * i / n) for i in range(1, n + 1)]
    return out


def wobble(strokes: list[list[tuple[float, float]]], rng: random.Random,
           pad: int = PAD) -> list[list[tuple[float, float]]]:
    """strokes (1024 box) as a hand would put them on a pad x pad touch pad: size 55-90 % of the pad,
    aspect +-15 %, rotation +-8 deg, shear +-0.15, off-centre up to 10 % of the pad, a point every
    ~1 % of the pad, a slow drift of ~1 % and a jitter of ~0.5 % of the pad per point."""
    size = pad * rng.uniform(0.55, 0.9)
    aspect = rng.uniform(0.85, 1.15)
    sx, sy = size / 1024 * aspect, size / 1024 / aspect
    rot = math.radians(rng.uniform(-8, 8))
    shear = rng.uniform(-0.15, 0.15)
    cx = pad / 2 + rng.uniform(-0.1, 0.1) * pad
    cy = pad / 2 + rng.uniform(-0.1, 0.1) * pad
    cos, sin = math.cos(rot), math.sin(rot)
    out = []
    for stroke in strokes:
        pts = _dense(stroke, 10.0)  # ~1 % of the 1024 box
        # A slow drift: a random walk that is pulled back, so the stroke bends a little, not zigzags.
        dx = dy = 0.0
        wob = []
        for x, y in pts:
            dx = 0.8 * dx + rng.gauss(0, 0.004 * pad)
            dy = 0.8 * dy + rng.gauss(0, 0.004 * pad)
            u, v = (x - 512) * sx, (y - 450) * sy
            u += shear * v
            u, v = u * cos - v * sin, u * sin + v * cos
            wob.append((cx + u + dx + rng.gauss(0, 0.005 * pad), cy + v + dy + rng.gauss(0, 0.005 * pad)))
        out.append(wob)
    return out
