"""Strokes as a finger leaves them on a touch pad -> strokes in the shape the Zinnia model knows.

Zinnia's features are positions relative to the box it is told the character was written in: a
character written small in a corner, or on a wide landscape pad, looks like another character to it.
So the character's bounding box is scaled (aspect kept) to fill the model's box less a margin, and
centred. Zinnia describes each stroke by the vertices of a simplified polyline, so jitter and doubled
points from a touch screen add vertices a hand did not mean: strokes are resampled at even spacing and
lightly smoothed. bench/handwriting.py --ablation measures what each step adds."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

#: The box strokes are given to the model in. Zinnia divides by it, so its size matters less than the margin.
MODEL_BOX = 300
#: Points a stroke may carry into the recogniser; more are thinned (a 10 000-point scribble stays cheap).
MAX_POINTS_PER_STROKE = 2000
#: Strokes a character may have; the most in GB2312 has 30-odd, more is a scribble.
MAX_STROKES = 64
#: Coordinates beyond this are garbage from the input layer, not a finger on a pad (and would overflow).
MAX_COORD = 1e6
#: A character is taken to span at least this share of the pad's shorter side, so a dot (丶) or a short
#: dash is not blown up to a stroke across the whole box.
MIN_SPAN = 0.25

Point = tuple[float, float]


def clean(strokes: Iterable[Iterable[Sequence[float]]]) -> list[list[Point]]:
    """Finite (x, y) points only, consecutive duplicates dropped, empty strokes left out."""
    out: list[list[Point]] = []
    for stroke in strokes:
        pts: list[Point] = []
        if not isinstance(stroke, Iterable):
            continue
        for p in stroke:
            try:
                x, y = float(p[0]), float(p[1])
            except (TypeError, ValueError, IndexError):
                continue
            if not (math.isfinite(x) and math.isfinite(y)) or abs(x) > MAX_COORD or abs(y) > MAX_COORD:
                continue
            if not pts or pts[-1] != (x, y):
                pts.append((x, y))
        if pts:
            if len(pts) > MAX_POINTS_PER_STROKE:
                step = len(pts) / MAX_POINTS_PER_STROKE
                pts = [pts[int(i * step)] for i in range(MAX_POINTS_PER_STROKE)] + [pts[-1]]
            out.append(pts)
        if len(out) >= MAX_STROKES:
            break
    return out


def fit_box(strokes: list[list[Point]], box: float = MODEL_BOX, margin: float = 0.1, min_span: float = 0.0,
            centre: str = "box") -> list[list[Point]]:
    """Scale the character's bounding box to fill box (minus a margin on each side), aspect kept, and put
    its centre (centre="box": of the bounding box; "mass": the mean of its points) in the box's centre."""
    xs = [x for s in strokes for x, _ in s]
    ys = [y for s in strokes for _, y in s]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    span = max(x1 - x0, y1 - y0, min_span)
    inner = box * (1 - 2 * margin)
    scale = inner / span if span > 0 else 1.0
    if centre == "mass":
        cx, cy = sum(xs) / len(xs), sum(ys) / len(ys)
    else:
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    return [[((x - cx) * scale + box / 2, (y - cy) * scale + box / 2) for x, y in s] for s in strokes]


def path_length(stroke: list[Point]) -> float:
    return sum(math.hypot(bx - ax, by - ay) for (ax, ay), (bx, by) in zip(stroke, stroke[1:], strict=False))


def resample(stroke: list[Point], spacing: float) -> list[Point]:
    """Points every `spacing` along the stroke's path, first and last kept."""
    if len(stroke) < 2:
        return list(stroke)
    out = [stroke[0]]
    carry = 0.0  # path length since the last emitted point
    for (ax, ay), (bx, by) in zip(stroke, stroke[1:], strict=False):
        seg = math.hypot(bx - ax, by - ay)
        if seg == 0:
            continue
        t = spacing - carry
        while t <= seg:
            out.append((ax + (bx - ax) * t / seg, ay + (by - ay) * t / seg))
            t += spacing
        carry = seg - (t - spacing)
    if out[-1] != stroke[-1]:
        out.append(stroke[-1])
    return out


def smooth(stroke: list[Point], passes: int = 1) -> list[Point]:
    """A [1 2 1]/4 moving average over inner points; the ends stay where the pen went down and up."""
    pts = stroke
    for _ in range(passes):
        if len(pts) < 3:
            return pts
        pts = [pts[0]] + [((a[0] + 2 * b[0] + c[0]) / 4, (a[1] + 2 * b[1] + c[1]) / 4)
                          for a, b, c in zip(pts, pts[1:], pts[2:], strict=False)] + [pts[-1]]
    return pts


def to_ints(strokes: list[list[Point]], box: int = MODEL_BOX) -> list[list[tuple[int, int]]]:
    """Integer points clamped to the box (Zinnia takes ints), consecutive duplicates dropped again."""
    out = []
    for s in strokes:
        pts: list[tuple[int, int]] = []
        for x, y in s:
            p = (min(box, max(0, round(x))), min(box, max(0, round(y))))
            if not pts or pts[-1] != p:
                pts.append(p)
        out.append(pts)
    return out



@dataclass(frozen=True)
class View:
    """One way of presenting strokes to the model; recognize() merges the candidates of a few."""
    margin: float = 0.1
    centre: str = "box"
    spacing: float = 20.0   # resampling step in model-box units (300 box); 0: keep the points
    smooth: int = 2         # passes of the [1 2 1] filter


def prepare(strokes: list[list[Point]], width: float, height: float, view: View) -> list[list[tuple[int, int]]]:
    """Cleaned strokes (see clean) from a width x height pad -> integer strokes in the model's box."""
    s = fit_box(strokes, MODEL_BOX, view.margin, MIN_SPAN * min(width, height), view.centre)
    if view.spacing:
        # A scribble's path can be very long: wider spacing keeps it to MAX_POINTS_PER_STROKE points.
        s = [resample(st, max(view.spacing, path_length(st) / MAX_POINTS_PER_STROKE)) for st in s]
    if view.smooth:
        s = [smooth(st, view.smooth) for st in s]
    return to_ints(s)
