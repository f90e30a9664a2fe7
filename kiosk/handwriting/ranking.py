"""Candidate lists from several views of one character -> one list, GBK only, level-1 hanzi first among
close scores (as the 拼音 keyboard orders its candidates: kiosk.pinyin_ime.gbk_level).

Zinnia's score is an SVM margin, comparable across calls on the same model. A character's score is its
mean over the views; where a view did not list it, that view's lowest listed score stands in (it scored
at most that). Level-1 hanzi get LEVEL1_BONUS added: a rarely used level-2 look-alike (玢 for 的, 茭 for
是) must beat a common character clearly to come first. Measured on Make Me a Hanzi medians
(bench/handwriting.py): the bonus adds about 2 points of top-5 on level-1 hanzi (85.7 -> 87.5 % clean,
84.5 -> 86.3 % wobbled); level-2 hanzi then reach 83 % top-5 where raw Zinnia reaches 88 %. Level-1
hanzi are the usual 99.7 % of modern text, and the 拼音 keyboard orders them the same way.
"""

from __future__ import annotations

from collections.abc import Sequence

from kiosk.pinyin_ime import gbk_level

#: Added to the score of GB2312 level-1 hanzi; scores of a right answer are typically -0.3..+1.0 and the
#: runners-up -0.4..-0.8, so this reorders only close calls.
LEVEL1_BONUS = 0.3


def merge(views: Sequence[Sequence[tuple[str, float]]], n: int, level1_bonus: float = LEVEL1_BONUS) -> list[str]:
    """Up to n characters, best first, from (character, score) lists of the same character seen differently."""
    views = [dict(v) for v in views if v]
    if not views:
        return []
    floors = [min(v.values()) for v in views]
    scored = []
    for ch in set().union(*views):
        level = gbk_level(ch) if len(ch) == 1 else None
        if level is None:
            continue  # not GBK: the receipt printer and the app font cannot show it
        mean = sum(v.get(ch, f) for v, f in zip(views, floors, strict=True)) / len(views)
        scored.append((mean + (level1_bonus if level == 0 else 0.0), ch))
    # Ties (rare with float margins) in code order, so the same strokes always give the same list.
    scored.sort(key=lambda t: (-t[0], t[1]))
    return [ch for _, ch in scored[:n]]
