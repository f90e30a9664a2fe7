"""Handwriting recognition for citizens (手写输入): strokes in, candidate characters out, offline.

    from kiosk.handwriting import recognize, HandwritingUnavailable
    recognize([[(10, 20), (90, 22)]], width=300, height=300)  -> ['一', '二', …]

Zinnia (libzinnia0) with Debian's simplified-Chinese model (tegaki-zinnia-simplified-chinese, the 6,763
GB2312 hanzi) does the recognising; kiosk.handwriting.preprocess puts the strokes into the shape the
model was trained on, and kiosk.handwriting.ranking merges what the model says about a few views of the
same strokes, GBK only, level-1 hanzi first among close scores. Where the first view leaves it a close
call, the strokes are also shown in the order the model's writers used where that differs from the
standard order (kiosk.handwriting.reorder: 辶 first, 匚 closed early, 阝/忄 vertical first). Figures:
bench/handwriting.py.

No window needed. The model is opened once per process, on first use, and shared by all threads
(Recognizer serialises calls). A missing library or model raises HandwritingUnavailable on every call;
the screen shows 手写输入暂不可用 and keeps the 拼音 keyboard.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Iterable, Sequence

from kiosk.handwriting import preprocess, ranking, reorder
from kiosk.handwriting.preprocess import View
from kiosk.handwriting.zinnia import HandwritingUnavailable, Recognizer

__all__ = ["HandwritingInputError", "HandwritingUnavailable", "VIEWS", "available", "configure", "recognize"]

log = logging.getLogger(__name__)

#: The views merged for a close call: the bounding box centred, and the centre of mass centred with
#: a wider margin. Measured (bench/handwriting.py --ablation): the second view adds about a point of
#: top-5 on wobbled strokes for a second model call; a third added less than half a point.
VIEWS: tuple[View, ...] = (View(margin=0.15, centre="box"), View(margin=0.2, centre="mass"))
#: The first view's best score leading its second by more than this is taken as is: the other views
#: (and the stroke-order views) changed the top-5 of almost none of these on the tuning subset, so the
#: time goes to the close calls. Zinnia's scores are SVM margins (right answers typically -0.3..+1.0).
CONFIDENT_GAP = 0.5
#: Candidates asked of the model per view: enough for the merge and the level-1 reordering to work on.
NBEST = 40
MAX_N = 100


class HandwritingInputError(ValueError):
    """recognize() was called with a pad size or n that cannot be right (a caller's bug, not the hand's)."""


_lock = threading.Lock()
_recognizer: Recognizer | None = None
_failure: HandwritingUnavailable | None = None
_model_path: str | None = None


def configure(model_path: str | None) -> None:
    """Use this model file (None: $KIOSK_ZINNIA_MODEL or Debian's). Takes effect at the next recognize()."""
    global _recognizer, _failure, _model_path
    with _lock:
        old, _recognizer, _failure, _model_path = _recognizer, None, None, model_path
    if old is not None:
        old.close()


def _get() -> Recognizer:
    global _recognizer, _failure
    with _lock:
        if _recognizer is not None:
            return _recognizer
        if _failure is not None:
            raise _failure  # logged once, when it happened; no retry per stroke
        try:
            _recognizer = Recognizer(_model_path)
        except HandwritingUnavailable as e:
            _failure = e
            log.error("handwriting unavailable: %s", e)
            raise
        log.info("handwriting: zinnia model %s, %d characters", _recognizer.path, _recognizer.size)
        return _recognizer


def _confident(candidates: Sequence[tuple[str, float]]) -> bool:
    return len(candidates) >= 2 and candidates[0][1] - candidates[1][1] > CONFIDENT_GAP


def available() -> bool:
    """Whether recognize() can work here (loads the model if it is not loaded yet)."""
    try:
        _get()
    except HandwritingUnavailable:
        return False
    return True


def recognize(strokes: Iterable[Iterable[Sequence[float]]], width: float, height: float, n: int = 10,
              views: Sequence[View] = VIEWS, reorder_strokes: bool = True) -> list[str]:
    """Up to n candidate characters, best first, for strokes of (x, y) points (y downwards) written on a
    width x height pad. Points that are not finite numbers are dropped; no usable point gives [].
    Raises HandwritingUnavailable (library or model missing) and HandwritingInputError (strokes not
    a sequence, bad width, height or n). reorder_strokes=False leaves out the stroke-order view (for
    measuring what it adds)."""
    if not (isinstance(n, int) and 1 <= n <= MAX_N):
        raise HandwritingInputError(f"n must be an int in 1..{MAX_N}, not {n!r}")
    try:
        w, h = float(width), float(height)
    except (TypeError, ValueError):
        raise HandwritingInputError(f"pad size must be numbers, not {width!r} x {height!r}") from None
    if not (math.isfinite(w) and math.isfinite(h) and w > 0 and h > 0):
        raise HandwritingInputError(f"pad size must be positive, not {width!r} x {height!r}")
    if not isinstance(strokes, Iterable):
        raise HandwritingInputError(f"strokes must be lists of (x, y) points, not {type(strokes).__name__}")
    rec = _get()
    cleaned = preprocess.clean(strokes)
    if not cleaned:
        return []
    nbest = max(NBEST, n)
    box = preprocess.MODEL_BOX

    def classify(st: list[list[preprocess.Point]], view: View) -> list[tuple[str, float]]:
        return rec.classify(preprocess.prepare(st, w, h, view), box, box, nbest)

    if not views:
        return []
    lists = [classify(cleaned, views[0])]
    if _confident(lists[0]):
        return ranking.merge(lists, n)  # most characters: one model call
    lists += [classify(cleaned, v) for v in views[1:]]
    # The strokes in the order the model's writers used (kiosk.handwriting.reorder), where a rule fires,
    # seen the same ways; merged with the original order, so a rule that fires wrongly costs little.
    alt = reorder.everyday_order(cleaned) if reorder_strokes else None
    if alt is not None:
        lists += [classify(alt, v) for v in views]
    return ranking.merge(lists, n)
