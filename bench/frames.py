"""UI frame gaps during slow API calls, against the same app idle on the same screen in the same run.

One process: the real app in demo mode (simulators, demo API on 127.0.0.1), the Kivy loop at 60 fps.
A Clock callback scheduled every frame records its timestamps; a gap is the time between two of them,
i.e. how long the UI could not answer a touch. For each flow (enterprise lookup, case list by ID number,
service guide load) the screen is first left idle (baseline), then the demo API gets --latency seconds
before every answer and the flow's call is made; gaps are recorded from the call until its answer is on
screen, plus a short tail. A third baseline redraws the unchanged screen every frame: what drawing
one frame costs here, so gaps from drawing can be told from gaps from waiting. Target: max gap <= 50 ms during the slow calls. Prints; asserts nothing.

    xvfb-run -a python bench/frames.py [--latency 2] [--idle 2]
"""

from __future__ import annotations

import argparse
import sys
import time

from _demo_app import start_demo_app  # first: it sets Kivy's environment (bench/ is on sys.path)

JIANGUO = "92370104MA3C8K1N6B"          # an enterprise in the demo data
FPS = 60


class FrameClock:
    """Timestamps of every frame (a Clock callback each frame), kept only while recording."""

    def __init__(self) -> None:
        from kivy.clock import Clock

        self.stamps: list[float] = []
        self.recording = False
        self.redraw = False                  # force a full redraw every frame (the drawing baseline)
        self._ev = Clock.schedule_interval(self._tick, 0)

    def _tick(self, _dt) -> None:
        if self.recording:
            self.stamps.append(time.perf_counter())
        if self.redraw:
            from kivy.core.window import Window

            Window.canvas.ask_update()

    def record(self, seconds: float = 0.0, until=None, timeout: float = 20.0, tail: float = 0.3) -> list[float]:
        """Run the Kivy loop; return the gaps (ms) between frames over `seconds`, or until `until()` + tail."""
        from kivy.base import EventLoop

        self.stamps = []
        self.recording = True
        start = time.perf_counter()
        end = start + (seconds if until is None else timeout)
        done_at = None
        while True:
            EventLoop.idle()                 # Clock.tick() keeps the loop at maxfps
            now = time.perf_counter()
            if until is not None and done_at is None and until():
                done_at = now
            if (done_at is not None and now >= done_at + tail) or now >= end:
                break
        self.recording = False
        if until is not None and done_at is None:
            raise RuntimeError("the flow did not finish in time")
        s = self.stamps
        self.done_at = done_at
        self.ends = s[1:]                  # when each gap ended (perf_counter)
        return [(b - a) * 1000 for a, b in zip(s, s[1:], strict=False)]

    def stop(self) -> None:
        self._ev.cancel()


from _summary import summary  # noqa: E402  (bench/ is on sys.path when run as a script)


def stats(gaps: list[float]) -> tuple[float, float, float, int]:
    g = sorted(gaps)
    if not g:
        return 0.0, 0.0, 0.0, 0
    p99 = g[min(len(g) - 1, int(round(0.99 * (len(g) - 1))))]
    return g[len(g) // 2], p99, g[-1], len(g)


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--latency", type=float, default=2.0, help="demo API delay before every answer (s)")
    p.add_argument("--idle", type=float, default=2.0, help="baseline seconds idle on each screen")
    args = p.parse_args()

    from kivyhelp import stop_app, wait_until

    from kiosk.demo import demo_cards

    app, services = start_demo_app(maxfps=FPS, name="frames")
    faults = services.demo.api_server.faults
    id_number = demo_cards()[0].id_number
    clock = FrameClock()

    # Each flow: (screen, prepare the screen idle, start the slow call, the answer is on screen).
    def ent_prepare():
        app.go("enterprise")
        return app.screen("enterprise")

    def cases_prepare():
        app.go("cases")
        scr = app.screen("cases")
        app.staff_mode = "helper"                    # only a helper may type an ID number
        scr.open_manual_id()
        return scr

    def guide_prepare():
        app.go("guide")
        scr = app.screen("guide")
        wait_until(lambda: scr.state == "categories", 15, "catalogue (fast)")
        return scr

    flows = [
        ("enterprise lookup", ent_prepare, lambda s: s.typed(JIANGUO), lambda s: s.stage == "result"),
        ("case list by ID", cases_prepare, lambda s: s.typed_id(id_number), lambda s: s.stage == "list"),
        # A citizen opening 办事指南 again: the catalogue is fetched (slowly) while the cached one shows.
        ("guide catalogue load", guide_prepare,
         lambda s: (app.go("home"), app.go("guide"), setattr(s, "_bench_loaded", s._fetched_at)),
         lambda s: s._fetched_at != getattr(s, "_bench_loaded", None) and s.state == "categories"),
    ]
    rows = []
    detail: list[str] = []
    all_wait: list[float] = []
    all_idle: list[float] = []
    all_slow: list[float] = []
    for name, prepare, start, done in flows:
        faults.reset()
        app.end_session("bench")
        app.staff_mode = ""                               # each flow starts with a citizen at the terminal
        scr = prepare()
        clock.record(0.5)                                 # settle (the screen's first draw)
        idle = clock.record(args.idle)
        clock.redraw = True
        redraw = clock.record(1.0)
        clock.redraw = False
        faults.latency = args.latency
        t0 = time.perf_counter()
        start(scr)
        slow = clock.record(until=lambda s=scr, d=done: d(s), timeout=args.latency + 15)
        took = time.perf_counter() - t0
        # Gaps that ended before the answer was on screen (the wait), and the rest (drawing the answer).
        answer_at = clock.done_at
        # The first gap holds the tap's own work and the "正在查询" frame; the waiting ones follow it.
        waiting = [g for g, e in list(zip(slow, clock.ends, strict=True))[1:] if e < answer_at - 0.001]
        drawing = [g for g, e in zip(slow, clock.ends, strict=True) if e >= answer_at - 0.001]
        top = sorted(zip(slow, clock.ends, strict=True), reverse=True)[:3]
        detail.append(f"  {name}: largest gaps " + ", ".join(
            f"{g:.0f} ms at {1000 * (e - t0):+.0f} ms" for g, e in top)
            + f"; answer on screen at {1000 * (answer_at - t0):+.0f} ms; the tap's frame "
              f"{slow[0] if slow else 0:.0f} ms, max while waiting {max(waiting, default=0):.0f} ms "
              f"({len(waiting)} frames), while drawing the answer {max(drawing, default=0):.0f} ms")
        all_wait.extend(waiting)
        faults.reset()
        rows.append((name, stats(idle), stats(slow), took, stats(redraw)))
        all_idle += idle
        all_slow += slow
    clock.stop()
    app.end_session("bench")
    stop_app(app)

    print(f"frame gaps (ms) at maxfps {FPS}, demo API latency {args.latency:.1f} s, baseline idle "
          f"{args.idle:.1f} s on the same screen; target max gap <= 50 ms during slow calls")
    print(f"{'flow':22s} {'idle p50':>8s} {'p99':>6s} {'max':>6s}   {'slow p50':>8s} {'p99':>6s} {'max':>6s}"
          f"  {'frames':>6s} {'call s':>6s}  max/idle-max  redraw p50/max")
    for name, (ip50, ip99, imax, _n), (sp50, sp99, smax, sn), took, (rp50, _r99, rmax, _rn) in rows:
        print(f"{name:22s} {ip50:8.1f} {ip99:6.1f} {imax:6.1f}   {sp50:8.1f} {sp99:6.1f} {smax:6.1f}"
              f"  {sn:6d} {took:6.2f}  {smax / max(imax, 0.1):12.2f}  {rp50:6.0f}/{rmax:.0f}")
    print("redraw = the same screen, unchanged, redrawn every frame: what one full frame costs on this "
          "machine (software GL under Xvfb)")
    print("\n".join(detail))
    ip50, ip99, imax, _ = stats(all_idle)
    sp50, sp99, smax, _ = stats(all_slow)
    print(f"all flows: idle p99 {ip99:.1f} max {imax:.1f}; during slow calls p99 {sp99:.1f} max {smax:.1f}; "
          f"ratio p99 {sp99 / max(ip99, 0.1):.2f}, max {smax / max(imax, 0.1):.2f}; "
          f"max gap <= 50 ms: {'yes' if smax <= 50 else 'no'}")
    summary("UI frame gap during slow API calls", f"max {smax:.0f} ms, p99 {sp99:.0f} ms",
            f"idle max {imax:.0f} ms", smax / max(imax, 0.1), "max <= 50 ms", smax <= 50)
    wp50, wp99, wmax, wn = stats(all_wait)
    print(f"between the tap's frame and the answer's (the loop waiting on the API, {wn} frames): p99 {wp99:.1f} "
          f"max {wmax:.1f} ms; vs idle p99 {wp99 / max(ip99, 0.1):.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
