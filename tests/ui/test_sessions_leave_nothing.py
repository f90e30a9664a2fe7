"""Weeks of use (issue 16): citizen after citizen through the flows in a real window leaves the kiosk's
long-lived objects as it found them. A binding made on the app, the window or the translator at each
visit (instead of once), a widget or a print dialog kept after its session, or a cache without a bound
grows here with the number of sessions; bench/soak.py measures the same over 1,000 sessions."""

from __future__ import annotations

import gc

import pytest
from kivyhelp import advance_frames, wait_until

JIANGUO = "92370104MA3C8K1N6B"          # an enterprise in the demo data


@pytest.fixture
def demo_app(shared_demo_app):
    return shared_demo_app


def bindings(obj) -> int:
    """Observers of every property and event of one EventDispatcher."""
    return sum(len(obj.get_property_observers(name)) for name in [*obj.properties(), *obj.events()])


def footprint(app) -> dict[str, int]:
    from kivy.core.window import Window
    from kivy.uix.widget import Widget

    from screens import widgets
    from screens.tr import tr

    gc.unfreeze()               # the app freezes what survives a session end: count those too
    gc.collect()
    return {
        "app bindings": bindings(app),
        "window bindings": bindings(Window),
        "window children": len(Window.children),
        "kv observers (tr)": len(tr._observers),
        # a weak proxy's isinstance() asks its widget, which may be gone: its type first
        "live widgets": sum(type(o).__name__ not in ("WeakProxy", "ProxyType") and isinstance(o, Widget)
                            for o in gc.get_objects()),
        "job watchers": len(app._job_watchers),
        "text advance fonts": len(widgets._ADVANCES),
    }


def citizen(app, id_number: str) -> None:
    """One person: an enterprise looked up, a case list and a case, the guide, a printed queue ticket
    and 好差评, then 首页 (the session ends)."""
    from kivy.core.window import Window

    from screens.dialogs.print_dialog import PrintDialog

    app.go("enterprise")
    scr = app.screen("enterprise")
    scr.typed(JIANGUO)
    wait_until(lambda: scr.stage == "result", 15, "enterprise card")
    app.go("cases")
    scr = app.screen("cases")
    app.staff_mode = "helper"                    # only a helper may type an ID number
    try:
        scr.open_manual_id()
        scr.typed_id(id_number)
        wait_until(lambda: scr.stage == "list", 15, "case list")
    finally:
        app.staff_mode = ""
    if scr.flow.cases:
        scr.open_case(scr.flow.cases[0], True)
        wait_until(lambda: scr.stage == "detail", 15, "case detail")
    app.go("guide")
    scr = app.screen("guide")
    wait_until(lambda: scr.state == "categories", 15, "catalogue")
    cats = scr.categories()
    scr.open_category(cats[0][0])
    advance_frames(2)
    app.go("ticket")
    scr = app.screen("ticket")
    wait_until(lambda: scr.stage == "start" and not scr.flow.busy, 15, "ticket start")
    # 取号 again, as a person would, when the printer's status was briefly unknown (a status
    # poll that went unanswered on a loaded machine): the flow refuses a number while the
    # printer is not ready.
    wait_until(lambda: scr.stage == "ticket" or bool(scr.take_general()), 30, "ticket taken")
    wait_until(lambda: any(isinstance(w, PrintDialog) and w.status == "printed" for w in Window.children),
               30, "ticket printed")
    scr.finish()
    wait_until(lambda: app.current_screen == "evaluation", 15, "好差评")
    app.home()
    # The print dialog was left open for the session end to close, as a citizen who walks off does.
    assert not any(isinstance(w, PrintDialog) for w in Window.children)
    # Between two citizens: the home screen untouched until the collection between citizens has run.
    wait_until(lambda: app._settle_ev is None, 10, "the collection between citizens")
    advance_frames(2)


def test_sessions_leave_bindings_widgets_and_caches_as_they_found_them(demo_app):
    from kiosk.demo import demo_cards

    app = demo_app
    ids = [c.id_number for c in demo_cards()]
    # Every citizen the same path: a screen shows other widgets after another path (the ticket screen's
    # lists), which is not growth.
    for i in range(2):                          # first visits build the screens and fill the caches
        citizen(app, ids[i % len(ids)])
    before = footprint(app)
    for i in range(4):
        citizen(app, ids[i % len(ids)])
    after = footprint(app)
    assert after == before
