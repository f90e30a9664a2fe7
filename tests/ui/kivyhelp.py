"""Helpers for in-process Kivy UI tests (imported by tests/ui/conftest.py and the tests)."""

from __future__ import annotations

import time
from pathlib import Path

from kivy.base import EventLoop

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"


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


def tap(widget, hold: float = 0.0) -> None:
    from kivy.tests.common import UnitTestTouch

    advance_frames(1)            # pending layouts settle first, or the touch lands where a widget was
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


def press(widget) -> None:
    """Tap a widget the way a person would: scroll it into view first if it sits in a scroll view."""
    from kivy.uix.scrollview import ScrollView

    p = widget.parent
    while p is not None and p is not p.parent:
        if isinstance(p, ScrollView):
            if p.viewport_size[1] > p.height:
                p.scroll_to(widget, padding=10, animate=False)
                advance_frames(1)
            break
        p = p.parent
    tap(widget)


def set_window(size: tuple[int, int]) -> None:
    from kivy.core.window import Window

    Window.size = size
    advance_frames(3)


def screenshot(name: str) -> Path:
    from kivy.core.window import Window

    ARTIFACTS.mkdir(exist_ok=True)
    advance_frames(2)
    made = Window.screenshot(name=str(ARTIFACTS / f"{name}.png"))
    # Kivy appends a counter; keep a stable name for people looking at the artifacts.
    out = ARTIFACTS / f"{name}.png"
    Path(made).replace(out)
    return out



def make_app(cfg=None, services=None):
    from kivy.core.window import Window

    from screens.app import KioskApp

    EventLoop.ensure_window()
    Window.size = (1920, 1080)
    app = KioskApp(cfg=cfg, services=services)
    app._run_prepare()
    advance_frames(3)
    return app


def stop_app(app) -> None:
    from kivy.app import App
    from kivy.core.window import Window

    advance_frames(2)        # let pending label updates run while the app still exists
    app.dispatch("on_stop")
    for child in Window.children[:]:
        Window.remove_widget(child)
    App._running_app = None
    advance_frames(1)




def shoot_all(app, name: str) -> None:
    """Every orientation × language × elder mode: nothing overflows, and a screenshot of each."""
    from screens.widgets import find_overflows

    for size, orient in (((1920, 1080), "landscape"), ((1080, 1920), "portrait")):
        set_window(size)
        for lang in ("zh_CN", "en"):
            app.set_language(lang)
            for elder in (False, True):
                app.set_elder(elder)
                run_for(0.05)
                assert find_overflows(app.root) == [], (name, orient, lang, elder)
                screenshot(f"{name}-{orient}-{lang}{'-elder' if elder else ''}")
    app.set_language("zh_CN")
    app.set_elder(False)
    set_window((1920, 1080))
