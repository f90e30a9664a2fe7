"""Helpers for in-process Kivy UI tests (imported by tests/ui/conftest.py and the tests)."""

from __future__ import annotations

import math
import time
from pathlib import Path

from kivy.base import EventLoop

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"


#: Frames are laid out, textured and touched but rendered only for screenshots: a full frame costs over
#: 100 ms of software GL at 1920x1080 here, and nothing but a screenshot looks at the pixels.
_render = False


def _unless_rendering(*_args) -> bool:
    return not _render              # True ends the event before the window draws or swaps


def render_frames(on: bool) -> None:
    """Render (and swap) every frame from now on, or stop rendering them."""
    global _render
    from kivy.core.window import Window

    _render = on
    if on:
        Window.canvas.ask_update()


def advance_frames(n: int = 1) -> None:
    for _ in range(n):
        EventLoop.idle()


def run_for(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        EventLoop.idle()
        time.sleep(0.005)


def wait_until(predicate, timeout: float = 5.0, message: str = "condition") -> None:
    end = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {message}")
        EventLoop.idle()
        time.sleep(0.005)


def _touchable(widget) -> bool:
    """A person's finger would reach the widget now: no dialog lies over it (one that is closing still
    takes every touch until it is gone) and no scroll view around it is still moving (a touch on a moving
    list stops the list instead of pressing what is under the finger)."""
    from kivy.core.window import Window
    from kivy.uix.modalview import ModalView
    from kivy.uix.scrollview import ScrollView

    top = widget
    while top.parent is not None and top.parent is not Window and top.parent is not top:
        top = top.parent
    for child in Window.children:            # the topmost first, as the window hands out touches
        if child is top:
            break
        if isinstance(child, ModalView):
            return False
    p = widget.parent
    while p is not None and p is not p.parent:
        if isinstance(p, ScrollView) and any(abs(getattr(e, "velocity", 0) or 0) > 1e-3
                                             for e in (p.effect_x, p.effect_y) if e is not None):
            return False
        p = p.parent
    return True


def dialogs_settled() -> bool:
    """No dialog is fading in or out: what a person sees after a tap has stopped moving."""
    from kivy.core.window import Window
    from kivy.uix.modalview import ModalView

    return not any(isinstance(c, ModalView) and (not c._is_open or c._anim_alpha < 1) for c in Window.children)


def print_dialog():
    """The print dialog on screen, or None."""
    from kivy.core.window import Window

    from screens.dialogs.print_dialog import PrintDialog

    return next((w for w in Window.children if isinstance(w, PrintDialog)), None)


def tap(widget, hold: float = 0.0) -> None:
    from kivy.tests.common import UnitTestTouch

    advance_frames(1)            # pending layouts settle first, or the touch lands where a widget was
    wait_until(lambda: _touchable(widget), 10, f"{getattr(widget, 'text', widget)!r} to be free to touch")
    if widget.get_root_window() is None:
        chain, w = [], widget
        while w is not None and len(chain) < 15:
            chain.append(type(w).__name__)
            w = w.parent
        raise AssertionError(f"{getattr(widget, 'text', widget)!r} is not on screen (parents: {chain})")
    assert not getattr(widget, "disabled", False), f"{getattr(widget, 'text', widget)!r} is disabled"
    x, y = widget.to_window(*widget.center)
    assert widget.width > 1 and widget.height > 1, f"{getattr(widget, 'text', widget)!r} is not laid out yet"
    t = UnitTestTouch(x, y)
    t.touch_down()
    advance_frames(1)
    if hold:
        run_for(hold)
    t.touch_up()
    advance_frames(2)
    # Frames cost next to nothing when they are not rendered, so a dialog's 0.1 s fade spans many of
    # them: wait for it as a person waits for the screen to stop moving.
    wait_until(dialogs_settled, 5, "dialogs to finish opening or closing")


def press(widget) -> None:
    """Tap a widget the way a person would: scroll it into view first if it sits in a scroll view."""
    _into_view(widget)
    tap(widget)


def _into_view(widget) -> None:
    from kivy.uix.scrollview import ScrollView

    p = widget.parent
    while p is not None and p is not p.parent:
        if isinstance(p, ScrollView):
            if p.viewport_size[1] > p.height:
                p.scroll_to(widget, padding=10, animate=False)
                advance_frames(1)
            break
        p = p.parent


def densify(stroke, step: float):
    out = [stroke[0]]
    for (ax, ay), (bx, by) in zip(stroke, stroke[1:], strict=False):
        n = max(1, int(math.hypot(bx - ax, by - ay) / step))
        out += [(ax + (bx - ax) * i / n, ay + (by - ay) * i / n) for i in range(1, n + 1)]
    return out


def draw(square, ch: str) -> None:
    """Write ch on the square with a finger: each median stroke scaled into the square (80 % of it,
    centred), a touch down, moves every few pixels, a touch up, in window coordinates."""
    from kivy.tests.common import UnitTestTouch

    from tests.handwriting import strokedata

    if not (strokedata.data_dir() / "package.json").exists():
        raise AssertionError(f"hanzi-writer-data missing at {strokedata.data_dir()}: run `bash scripts/setup.sh`")
    _into_view(square)
    x0, y0 = square.to_window(square.x, square.y)
    size = square.width * 0.8
    margin = square.width * 0.1
    for stroke in strokedata.load(ch):
        pts = [(x0 + margin + x / 1024 * size, y0 + square.height - margin - (y + 124) / 1024 * size)
               for x, y in stroke]
        pts = densify(pts, 6)
        t = UnitTestTouch(*pts[0])
        t.touch_down()
        for i, p in enumerate(pts[1:]):
            t.touch_move(*p)
            if i % 8 == 0:
                advance_frames(1)
        t.touch_up()
        advance_frames(1)


def set_window(size: tuple[int, int]) -> None:
    from kivy.core.window import Window

    Window.size = size
    advance_frames(3)


def screenshot(name: str) -> Path:
    from kivy.core.window import Window
    from PIL import Image

    ARTIFACTS.mkdir(exist_ok=True)
    advance_frames(1)               # layouts and textures settle in a frame that is not drawn
    out = ARTIFACTS / f"{name}.png"
    # A loaded CI machine sometimes handed back an all-black picture of a window that was fine (seen on
    # demo-print-dialog in three CI runs, never locally): a picture nobody can look at is drawn again.
    for _attempt in range(3):
        render_frames(True)
        try:
            advance_frames(2)       # drawn frames: the last is what the screenshot reads
            made = Window.screenshot(name=str(ARTIFACTS / f"{name}.png"))
        finally:
            render_frames(False)
        # Kivy appends a counter; keep a stable name for people looking at the artifacts.
        Path(made).replace(out)
        with Image.open(out) as picture:
            if any(high > 0 for _low, high in picture.convert("RGB").getextrema()):
                return out
    raise AssertionError(f"screenshot {name}: the window read back all black three times")



def _bind_render_gate(window) -> None:
    if not getattr(window, "_test_render_gate", False):
        window.fbind("on_draw", _unless_rendering)
        window.fbind("on_flip", _unless_rendering)
        window._test_render_gate = True


def make_app(cfg=None, services=None):
    from kivy.core.window import Window

    from screens.app import KioskApp

    EventLoop.ensure_window()
    _bind_render_gate(Window)
    Window.size = (1920, 1080)
    app = KioskApp(cfg=cfg, services=services)
    app._run_prepare()
    advance_frames(3)
    return app


def start_demo_app(cfg, services=None, wait_api: bool = True):
    """The real KioskApp in demo mode for cfg, once its services started and its devices (and the API
    unless told not to) are ready."""
    from kiosk.services import Services

    services = services or Services(cfg, demo_in_process=True)   # tests reach into the server
    app = make_app(services.cfg, services)
    try:
        wait_until(lambda: services.ready.is_set(), 20, "services to start")
        # The app's *_ok flags start True (nothing known yet): wait for what the devices answered.
        wait_until(lambda: services.can("printer") and services.can("reader") and app.printer_ok
                   and app.reader_ok and (not wait_api or (services.can("api") and app.api_ok)), 10,
                   "devices ready")
    except BaseException:
        stop_app(app)
        raise
    # What a fresh app starts with, for reset_demo_app to put back.
    app._fresh = {"outbox_base_delay": services.outbox.base_delay if services.outbox is not None else None,
                  "language": app.lang, "elder": app.elder}
    return app


def reset_demo_app(app) -> None:
    """Between two cases sharing one demo app: put back what a case may have changed (the session,
    the simulators, the demo API's faults, test hooks), wait until the devices are ready again, then
    check that nothing of the last case is left for the next one to see. Every wait is on a condition."""
    from kivy.core.window import Window

    svc, demo = app.services, app.services.demo
    psim, rsim, api = demo.printer_sim, demo.reader_sim, demo.api_server
    if psim is not None:
        psim.set_paper("ok")                   # also ends a set_paper_out_after
        psim.set_cover_open(False)
        psim.set_offline(False)
        psim.set_mute(False)
        psim.set_stalled(False)
        psim.drop_replies(0)
        psim.replug()                          # a no-op when plugged
    if rsim is not None:
        rsim.set_fault(None)
        rsim.remove_card()
        rsim.replug()
        rsim.reseed(0)                         # the same line noise a fresh simulator makes (seed 0)
    demo._next_card = 0                        # the demo button puts the first demo card, as in a fresh app
    if api is not None:
        if api._server is None:                # a case stopped it and failed before starting it again
            api.start()
        api.faults.reset()
    if svc.printq is not None:
        svc.printq._fault = None
    if svc.outbox is not None:
        svc.outbox.base_delay = app._fresh["outbox_base_delay"]
    if svc.reference is not None:              # a fresh app has no reference lists on disk yet
        for cached in svc.reference.cache.dir.glob("*.json"):
            cached.unlink()
    if app.staff_mode:
        app.leave_staff_mode("test")
    app.end_session("test")
    set_window((1920, 1080))

    wait_until(lambda: app.api_ok and app.printer_ok and app.reader_ok and svc.can("api")
               and svc.can("printer") and svc.can("reader"), 20, "devices ready again")
    if svc.card is not None:
        wait_until(lambda: not svc.card.card_present, 10, "the reader to see no card")
    if svc.outbox is not None:
        svc.outbox.retry_now()
        wait_until(lambda: svc.outbox.depth() == 0, 20, "the outbox to empty")
    if svc.printq is not None:
        wait_until(lambda: svc.printq.pending() == [], 30, "the print queue to empty")
    app.end_session("test")                    # anything that came in while waiting goes too
    # Screens went back to their first stage; a fresh app shows them there at rest, not mid-switch.
    wait_until(lambda: not any(sm.transition.is_active for sm in _screen_managers(app)), 10,
               "the screens to come to rest")
    advance_frames(3)
    if psim is not None:
        psim.forget_jobs()

    # Nothing of the last case is left.
    assert app.current_screen == "home" and app.sm.current == "home", app.current_screen
    assert not app.session.active and app.session.identity is None and app.session.id_number is None
    assert app.staff_mode == "" and app.lang == app._fresh["language"] and app.elder == app._fresh["elder"]
    assert [type(w).__name__ for w in Window.children if w is not app.root] == []
    assert list(app.root.ids.banners.children) == [] and app.banners == []
    if svc.reference is not None:
        assert list(svc.reference.cache.dir.iterdir()) == []
    if psim is not None:
        assert psim.jobs == [] and psim.torn_jobs == 0
    if rsim is not None:
        assert rsim.card is None and rsim.fault is None
    if api is not None:
        assert api._server is not None and api.faults == type(api.faults)()


# The one demo app shared by the cases of a module, if any: (key, app). A window holds one app at a time,
# so a test that starts its own app stops this one first (tests/ui/conftest.py).
_SHARED: list = []


def shared_app(key: str, make_cfg):
    """The app shared under `key` (started from make_cfg() when there is none), reset by reset_demo_app
    so that the case sees what a fresh app shows."""
    if _SHARED and (_SHARED[0][0] != key or _SHARED[0][1]._turned):
        # A window turned to portrait and back leaves layouts a fresh app does not have (the start
        # stage of 办件查询, laid out while not on show, keeps a zero width): such a case hands on no app.
        stop_shared_app()
    if not _SHARED:
        from kivy.core.window import Window

        app = start_demo_app(make_cfg())
        app._turned = False

        def turned(_window, size) -> None:
            if tuple(size) != (1920, 1080):
                app._turned = True

        Window.bind(size=turned)
        app._unbind_turned = lambda: Window.unbind(size=turned)
        _SHARED.append((key, app))
    app = _SHARED[0][1]
    reset_demo_app(app)
    return app


def stop_shared_app() -> None:
    if _SHARED:
        _key, app = _SHARED.pop()
        app._unbind_turned()
        stop_app(app)


def _screen_managers(app) -> list:
    from kivy.uix.screenmanager import ScreenManager

    return [w for scr in [app.sm, *app.sm.screens] for w in scr.walk(restrict=True)
            if isinstance(w, ScreenManager)]


def stop_app(app) -> None:
    from kivy.app import App
    from kivy.core.window import Window

    advance_frames(2)        # let pending label updates run while the app still exists
    app.dispatch("on_stop")
    for child in Window.children[:]:
        Window.remove_widget(child)
    App._running_app = None
    advance_frames(1)




def every_look(app):
    """Each orientation × language × elder mode in turn, set on the app: yields (orientation, lang, elder)."""
    for size, orient in (((1920, 1080), "landscape"), ((1080, 1920), "portrait")):
        set_window(size)
        for lang in ("zh_CN", "en"):
            app.set_language(lang)
            for elder in (False, True):
                app.set_elder(elder)
                yield orient, lang, elder


def shoot_all(app, name: str) -> None:
    """Every orientation × language × elder mode: nothing overflows, and a screenshot of each."""
    from screens.widgets import find_overflows

    for orient, lang, elder in every_look(app):
        run_for(0.05)
        assert find_overflows(app.root) == [], (name, orient, lang, elder)
        screenshot(f"{name}-{orient}-{lang}{'-elder' if elder else ''}")
    app.set_language("zh_CN")
    app.set_elder(False)
    set_window((1920, 1080))
