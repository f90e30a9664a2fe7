"""The handwriting pad's rules, without a window: the strokes of the character being written, the
candidates for them, asked of kiosk.handwriting off the UI thread, and when 手写 is offered at all.

    pad = HandwritingPad(runner)           # the app's worker; ManualRunner in tests
    pad.probe()                            # once: is Zinnia with its model there? (off the UI thread)
    pad.begin(x, y); pad.extend(x, y)…; pad.end()   # a stroke, pad pixels, y downwards
    pad.recognise(width, height)           # the widget calls it shortly after the finger lifts
    pad.take("张")                          # a candidate tapped: returns it, the pad is clear again

Only the answer for the strokes on the pad now is taken: starting a new stroke, 重写 or a newer
request drops the answer still on its way (Flow._call's guard, and _drop_pending on a new stroke).
What is written is never logged or spoken: it is the citizen's text.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from kiosk.flows.base import Flow, Runner
from kiosk.handwriting import HandwritingInputError, HandwritingUnavailable

log = logging.getLogger(__name__)

#: Candidates asked for and shown (two rows of five big buttons).
CANDIDATES = 10
#: A stroke keeps at most this many points (a finger resting on the glass keeps reporting).
MAX_POINTS = 2000
#: Strokes one character may have; more is a scribble and starts to cost recognition time.
MAX_STROKES = 40

Point = tuple[float, float]
Recognise = Callable[[Sequence[Sequence[Point]], float, float, int], list[str]]
Probe = Callable[[], bool]


def _recognise(strokes: Sequence[Sequence[Point]], width: float, height: float, n: int) -> list[str]:
    from kiosk.handwriting import recognize

    return recognize(strokes, width, height, n=n)


def _probe() -> bool:
    from kiosk.handwriting import available

    return available()


class HandwritingPad(Flow):
    def __init__(self, runner: Runner, recognise: Recognise = _recognise, probe: Probe = _probe) -> None:
        super().__init__(runner)
        self._recognise_fn = recognise
        self._probe_fn = probe
        self.available: bool | None = None      # None: not known yet (手写 stays hidden until True)
        self.strokes: list[list[Point]] = []
        self.candidates: list[str] = []
        self._writing = False                   # a finger is down

    # ------------------------------------------------------------ is 手写 there

    def probe(self) -> None:
        """Ask once whether recognition can work here (loading the model is file I/O: not on the UI
        thread). The answer comes through the runner; a missing library or model is logged by
        kiosk.handwriting with its reason, and once more here, saying what the citizen is left with."""
        if self.available is not None:
            return

        def answered(ok: bool) -> None:
            self._set_available(bool(ok), "" if ok else "libzinnia or its model is missing (see the line above)")

        def failed(exc: BaseException) -> None:
            self._set_available(False, f"{type(exc).__name__}: {exc}")

        # Not through _call: the probe must not count as a recognition request (or drop one).
        self._runner.submit(self._probe_fn, answered, failed)

    def _set_available(self, ok: bool, why: str) -> None:
        if self.available is False and not ok:
            return
        self.available = ok
        if not ok:
            log.warning("handwriting pad hidden, 拼音 only: %s", why)
        self._changed()

    # ------------------------------------------------------------ writing

    def begin(self, x: float, y: float) -> None:
        """A finger touches the pad: a new stroke, and any answer for the strokes before it is stale."""
        self._drop_pending()
        self.busy = False
        self._writing = True
        if len(self.strokes) >= MAX_STROKES:
            return
        self.strokes.append([(float(x), float(y))])

    def extend(self, x: float, y: float) -> None:
        if self._writing and self.strokes and len(self.strokes[-1]) < MAX_POINTS:
            p = (float(x), float(y))
            if self.strokes[-1][-1] != p:
                self.strokes[-1].append(p)

    def end(self) -> None:
        self._writing = False

    def recognise(self, width: float, height: float) -> None:
        """Candidates for the strokes on the pad now (the widget calls this shortly after a lift)."""
        if self._writing or self.available is False:
            return
        if not self.strokes:
            self._drop_pending()
            self.candidates, self.busy = [], False
            self._changed()
            return
        snapshot = [list(s) for s in self.strokes]
        fn, n = self._recognise_fn, CANDIDATES
        self.busy = True
        self._call(lambda: fn(snapshot, width, height, n), self._recognised, self._failed)

    def _recognised(self, candidates: list[str]) -> None:
        self.busy = False
        self.candidates = list(candidates)[:CANDIDATES]
        self._changed()

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        self.candidates = []
        if isinstance(exc, HandwritingUnavailable):
            self._set_available(False, str(exc))
            return
        if isinstance(exc, HandwritingInputError):
            log.error("handwriting pad sent what recognize() refuses: %s", exc)
        else:
            log.error("handwriting recognition failed: %s", type(exc).__name__)
        self._changed()

    # ------------------------------------------------------------ the buttons

    def take(self, candidate: str) -> str:
        """A candidate tapped: the character to insert; the pad is clear for the next one."""
        if candidate not in self.candidates:
            return ""
        self.clear()
        return candidate

    def undo_stroke(self) -> bool:
        """退格 while writing takes back the last stroke (True); on an empty pad it is the field's (False)."""
        if not self.strokes:
            return False
        self.strokes.pop()
        self._drop_pending()
        self.candidates = [] if not self.strokes else self.candidates
        self.busy = False
        self._changed()
        return True

    def clear(self) -> None:
        """重写, or after a candidate was taken."""
        self._drop_pending()
        self.strokes, self.candidates, self.busy, self._writing = [], [], False, False
        self._changed()

    def reset(self) -> None:
        super().reset()
        self.clear()
