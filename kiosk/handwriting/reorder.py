"""Another stroke order for the same strokes, where writers commonly differ from the standard order.

Zinnia's features are stroke by stroke (stroke 1 against the model's stroke 1, and so on), so the right
shape written in another order than the model's writers used scores like another character. The
standard order (现代汉语通用字笔顺规范) and the hands the model learnt from differ in a few common
components; these rules rewrite strokes into the model's order, by geometry only (no table of
characters), so they work for every character with such a component. They were found by looking at misses on the tuning subset of bench/handwriting.py
(every 7th level-1 hanzi), whose figures are reported apart from the rest:

- walk_first: the walking enclosures 辶 and 廴 are written last in the standard order (过 = 寸 then
  辶), but first by the model's writers (辶 then 寸), as many people write them.
- frame_closed_early: the open frame 匚 is closed last in the standard order (区 = 一, 㐅, ㄴ), right after
  its top by the model's writers (一, ㄴ, 㐅).
- vertical_first: a long vertical stroke written right after a stroke lying to its right at the same
  height is put first (阝: ㇌ then 丨 in the standard order, 丨 first in the model; 忄: 丶丶丨 -> 丶丨丶),
  the left-to-right rule applied within a component.

For a close call, recognize() gives the model the rewritten strokes as more views and merges their
candidates with those of the original order (kiosk.handwriting.ranking), so a rule that fires where it should not costs little: the original
order is still there. Measured: bench/handwriting.py.
"""

from __future__ import annotations

from collections.abc import Sequence

Point = tuple[float, float]
Box = tuple[float, float, float, float]

#: A vertical stroke spans at least this share of the character's size, and leans at most this much.
VERTICAL_MIN_SPAN = 0.25
VERTICAL_MAX_LEAN = 0.35
#: How far (share of the character's size) a stroke may reach left of a vertical and still lie right of it.
RIGHT_TOLERANCE = 0.03


def bbox(points: Sequence[Point]) -> Box:
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def walk_first(strokes: list[list[Point]]) -> list[list[Point]] | None:
    """辶 (dot, ㇋, sweep) or 廴 (㇋, sweep) written last, moved before the strokes they enclose; None
    if the strokes do not end that way. Seen as: a last stroke sweeping along the bottom from the left to
    the right side, after a narrow stroke down the left side, maybe after a small dot above it."""
    if len(strokes) < 3:
        return None
    x0, y0, x1, y1 = bbox([p for s in strokes for p in s])
    w, h = max(x1 - x0, 1e-9), max(y1 - y0, 1e-9)

    def nx(x: float) -> float:
        return (x - x0) / w

    def ny(y: float) -> float:
        return (y - y0) / h

    (lx0, ly0), (lx1, ly1) = strokes[-1][0], strokes[-1][-1]
    if not (nx(lx1) - nx(lx0) > 0.4 and nx(lx1) > 0.7 and ny(ly0) > 0.6 and ny(ly1) > 0.6):
        return None  # the last stroke is no sweep along the bottom
    px0, py0, px1, py1 = bbox(strokes[-2])
    pw = nx(px1) - nx(px0)
    if not (pw < 0.35 and nx(px1) < 0.5 and ny(py1) > 0.6 and abs(nx(lx0) - nx(px0)) < 0.2 + pw):
        return None  # no narrow stroke down the left side that the sweep starts from
    k = 2
    if len(strokes) >= 4:
        dx0, dy0, dx1, dy1 = bbox(strokes[-3])
        if max(nx(dx1) - nx(dx0), ny(dy1) - ny(dy0)) < 0.2 and ny(dy1) < ny(py0) + 0.05 \
                and nx(dx0) < nx(px1) + 0.1:
            k = 3  # 辶's dot
    walk, rest = strokes[-k:], strokes[:-k]
    # Strokes wholly left of the enclosure (钅 in 链) stay before it.
    i = 0
    while i < len(rest) and bbox(rest[i])[2] <= px0 + 0.05 * w:
        i += 1
    return rest[:i] + walk + rest[i:]


def frame_closed_early(strokes: list[list[Point]]) -> list[list[Point]] | None:
    """匚's closing ㄴ moved from last to second; None if the strokes do not begin with a top bar and end
    with a stroke from the top left corner down the left side and along the bottom to the right."""
    if len(strokes) < 3:
        return None
    x0, y0, x1, y1 = bbox([p for s in strokes for p in s])
    w, h = max(x1 - x0, 1e-9), max(y1 - y0, 1e-9)
    top, last = strokes[0], strokes[-1]
    (tx0, ty0), (tx1, ty1) = top[0], top[-1]
    if not ((tx1 - tx0) > 0.5 * w and (ty0 - y0) < 0.25 * h and (ty1 - y0) < 0.25 * h):
        return None
    (lx0, ly0), (lx1, ly1) = last[0], last[-1]
    corner = any((x - x0) < 0.25 * w and (y - y0) > 0.75 * h for x, y in last)
    if not (corner and (lx0 - x0) < 0.25 * w and (ly0 - y0) < 0.25 * h and (lx1 - x0) > 0.7 * w
            and (ly1 - y0) > 0.75 * h):
        return None
    return [top, last] + strokes[1:-1]


def vertical_first(strokes: list[list[Point]]) -> list[list[Point]] | None:
    """Each long vertical stroke swapped with the stroke before it if that one lies to its right at the
    same height; None if there is none."""
    x0, y0, x1, y1 = bbox([p for s in strokes for p in s])
    size = max(x1 - x0, y1 - y0, 1e-9)
    out = list(strokes)
    changed = False
    i = 0
    while i < len(out) - 1:
        a, b = out[i], out[i + 1]
        (bx0, by0), (bx1, by1) = b[0], b[-1]
        ax0, ay0, _, ay1 = bbox(a)
        vertical = by1 - by0 > VERTICAL_MIN_SPAN * size and abs(bx1 - bx0) < VERTICAL_MAX_LEAN * (by1 - by0)
        if vertical and ax0 > min(bx0, bx1) - RIGHT_TOLERANCE * size and ay1 > by0 and ay0 < by1:
            out[i], out[i + 1] = b, a
            changed = True
            i += 2  # a stroke moves once
        else:
            i += 1
    return out if changed else None


RULES = (walk_first, frame_closed_early, vertical_first)


def everyday_order(strokes: list[list[Point]]) -> list[list[Point]] | None:
    """strokes rewritten by every rule that applies (in turn), or None if none does."""
    out, changed = strokes, False
    for rule in RULES:
        alt = rule(out)
        if alt is not None:
            out, changed = alt, True
    return out if changed else None
