"""One turn of Kivy's frame loop (kivy.base.EventLoop.idle, Kivy 2.3) done step by step, timed in parts:

- sleep: Clock.idle(), the wait that holds the loop at maxfps (not work);
- python: everything the UI thread does in Python between the sleep and the draw: Clock events
  (answers posted back by the worker pool, layouts, Label texture renders, canvas updates), input
  dispatch, kv rule syncs, tick_draw (the triggers run just before drawing);
- gl: Window on_draw + on_flip (walking the canvas tree, issuing GL, the buffer swap). On this machine
  it is software GL (llvmpipe under Xvfb); a real GPU would change this part and not the first.

The steps are those of EventLoop.idle(), in its order, so a frame here is a frame of the real loop.
"""

from __future__ import annotations

import cProfile
import gc
import time
from dataclasses import dataclass, field


@dataclass
class Frame:
    start: float          # perf_counter when the frame's work began (after the sleep)
    python_ms: float
    gl_ms: float          # 0.0 when nothing needed drawing
    end: float
    gc_ms: float = 0.0    # garbage collections on any thread while the frame's Python part ran
    gc_gen: int = -1      # the oldest generation collected then (-1: none)


class _Collections:
    """Garbage collections (time, generation) as gc reports them, to tell a frame made long by a
    collection from one made long by the screen's own work."""

    def __init__(self) -> None:
        self.ms, self.gen, self._t = 0.0, -1, 0.0
        gc.callbacks.append(self._callback)

    def _callback(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._t = time.perf_counter()
        else:
            self.ms += (time.perf_counter() - self._t) * 1000
            self.gen = max(self.gen, info.get("generation", -1))

    def take(self) -> tuple[float, int]:
        out, self.ms, self.gen = (self.ms, self.gen), 0.0, -1
        return out


_collections = _Collections()


@dataclass
class SplitLoop:
    frames: list[Frame] = field(default_factory=list)
    recording: bool = False
    #: bench/frames.py --profile: the Python part of each recorded frame over this many ms is kept as a
    #: cProfile (the profiler slows the frame it watches: read the functions, not the times).
    profile_over: float = 0.0
    profiles: list[tuple[float, float, cProfile.Profile]] = field(default_factory=list)

    def step(self) -> Frame:
        from kivy.base import EventLoop
        from kivy.clock import Clock
        from kivy.lang import Builder

        Clock.pre_idle()
        ts = Clock.time()
        current = Clock.idle()                # the maxfps sleep
        prof = cProfile.Profile() if self.profile_over and self.recording else None
        if prof is not None:
            prof.enable()
        _collections.take()
        t1 = time.perf_counter()
        Clock.post_idle(ts, current)          # Clock events of this frame
        if not EventLoop.quit:
            EventLoop.dispatch_input()
        if not EventLoop.quit:
            Builder.sync()
        if not EventLoop.quit:
            Clock.tick_draw()
        if not EventLoop.quit:
            Builder.sync()
        t2 = time.perf_counter()
        gc_ms, gc_gen = _collections.take()
        if prof is not None:
            prof.disable()
            if (t2 - t1) * 1000 > self.profile_over:
                self.profiles.append((t1, (t2 - t1) * 1000, prof))
        window = EventLoop.window
        if not EventLoop.quit and window and window.canvas.needs_redraw:
            window.dispatch("on_draw")
            window.dispatch("on_flip")
        t3 = time.perf_counter()
        f = Frame(t1, (t2 - t1) * 1000, (t3 - t2) * 1000, t3, gc_ms, gc_gen)
        if self.recording:
            self.frames.append(f)
        return f


def pct(values: list[float], q: float) -> float:
    v = sorted(values)
    if not v:
        return 0.0
    return v[min(len(v) - 1, int(round(q * (len(v) - 1))))]
