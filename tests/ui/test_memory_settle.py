"""Between citizens the app runs Python's full garbage collection and freezes what survives (so the
collections during a session walk only that session's objects, not every widget of the kiosk); never
while someone is at the terminal."""

from __future__ import annotations

import gc

from kivyhelp import wait_until


def test_a_session_end_collects_and_freezes_on_the_untouched_home_screen(kiosk_app):
    app = kiosk_app
    gc.unfreeze()
    app.go("guide")                       # a citizen
    app.end_session("test")               # leaves: home, nobody here
    assert app.current_screen == "home" and not app.session.active
    wait_until(lambda: gc.get_freeze_count() > 0, 10, "the collection between citizens")
    assert app._settle_ev is None


def test_no_collection_while_someone_is_at_the_terminal(kiosk_app):
    app = kiosk_app
    app.go("guide")
    assert app.session.active
    gc.unfreeze()
    app._settle_memory()                  # due, but a citizen is here: nothing happens
    assert gc.get_freeze_count() == 0
    app.end_session("test")
    app.go("guide")                       # the next citizen came before it ran: it is skipped
    app._settle_memory()
    assert gc.get_freeze_count() == 0


def test_the_unattended_home_screen_gives_back_what_its_minute_redraw_freed(kiosk_app, monkeypatch):
    """The clock's minute redraws the idle home screen: what drawing it freed goes back to the system
    a moment later (it was held until the next citizen left); while someone is here, not."""
    from kivyhelp import run_for

    import screens.app as app_module

    released: list[bool] = []
    monkeypatch.setattr(app_module, "release_freed_memory", lambda: released.append(True) or True)
    app = kiosk_app
    app.go("guide")
    app.end_session("test")
    wait_until(lambda: app._settle_ev is None, 10, "the collection between citizens")
    released.clear()
    app.now_text = "2026年11月30日 星期一 12:15"          # the minute changes (the clock puts it back
    run_for(app_module.RELEASE_AFTER_REDRAW / 2)            # within a second: a change too)
    assert released == []                                   # the frame is drawn first
    wait_until(lambda: released, 5, "memory given back after the minute's redraw")
    app.go("guide")                                         # a citizen: the minute passes, nothing else
    given = len(released)
    app.now_text = "2026年11月30日 星期一 12:16"
    run_for(app_module.RELEASE_AFTER_REDRAW + 1.5)
    assert len(released) == given


def open_an_item(guide) -> None:
    """The guide's first category, and the first item in it."""
    guide.open_category(guide.categories()[0][0])
    guide.open_item(next(i for i in guide.flow.items if i.category == guide.flow.category))


def test_a_citizen_who_came_within_the_pause_gets_the_last_sessions_garbage_collected(kiosk_app):
    """Someone arrived before the collection between citizens ran (a card read as the last one left):
    the full collection waits for their session's end, but what the last session left in cycles (not
    the frozen kiosk) is collected at once, so their session does not run on top of it."""
    import weakref

    class Node:
        pass

    def garbage_cycle() -> weakref.ref:
        a, b = Node(), Node()
        a.other, b.other = b, a
        return weakref.ref(a)

    app = kiosk_app
    app.go("guide")
    app.end_session("test")
    wait_until(lambda: gc.get_freeze_count() > 0, 10, "the collection between citizens")
    frozen_garbage = garbage_cycle()      # frozen, then dropped: only a full collection sees it
    gc.freeze()
    app.go("guide")                       # a citizen
    young_garbage = garbage_cycle()
    app._settle_memory()                  # due as they came
    assert young_garbage() is None
    assert frozen_garbage() is not None   # the frozen kiosk was not walked (nor unfrozen)
    assert gc.get_freeze_count() > 0
    app.end_session("test")
    wait_until(lambda: frozen_garbage() is None, 10, "the full collection after their session")


def test_nothing_one_citizen_saw_is_left_frozen_for_the_next_citizens_session(demo_app):
    """What a screen draws for a citizen goes at the session end or stays in use: a widget the
    collection between citizens froze and the next session threw away is garbage only the next full
    collection finds (it held ~3 MB over a session, and a session's peak sets the arenas Python keeps)."""
    from kivy.uix.widget import Widget
    from kivyhelp import run_for

    from screens import SCREENS

    app = demo_app
    citizen_screens = [n for n in SCREENS if n not in ("home", "pin", "staff", "diagnostics", "evaluation")]

    def a_citizen() -> None:
        for name in citizen_screens:
            app.go(name)
            run_for(0.05)
            if name == "guide":
                scr = app.screen("guide")
                wait_until(lambda scr=scr: scr.state == "categories", 15, "the service guide")
                open_an_item(scr)
                run_for(0.05)
            if name in ("cases", "licences"):
                app.staff_mode = "helper"     # a helper beside them, then gone: buttons come and go
                run_for(0.05)
                app.staff_mode = ""
        app.end_session("test")

    a_citizen()
    wait_until(lambda: gc.get_freeze_count() > 0 and app._settle_ev is None, 10, "the collection between citizens")
    a_citizen()
    app._settle_ev.cancel()               # looked at before it runs
    app._settle_ev = None
    gc.collect()                          # this session's own garbage: not what is asked
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        gc.unfreeze()
        gc.collect()
        left = [w for w in gc.garbage if Widget in type(w).__mro__]     # type(): proxies of dead referents too
        named = sorted(f"{type(w).__name__} {getattr(w, 'text', '')[:20]!r}" for w in left)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    del left
    assert named == []


def test_a_drawing_the_next_visit_replaces_goes_at_the_session_end_one_it_shows_again_stays(demo_app):
    """The guide's item goes with the session (the next citizen starts at the categories); the categories
    themselves stay, drawn once for many citizens."""
    from kivyhelp import run_for

    app = demo_app
    app.go("guide")
    scr = app.screen("guide")
    wait_until(lambda: scr.state == "categories", 15, "the service guide")
    run_for(0.05)
    grid = list(scr.ids.rows.children)
    app.end_session("test")
    assert list(scr.ids.rows.children) == grid              # the categories: kept
    app.go("guide")
    run_for(0.05)
    assert list(scr.ids.rows.children) == grid
    open_an_item(scr)
    run_for(0.05)
    assert scr.ids.actions.children                         # the item's buttons
    app.end_session("test")                 # from the guide itself: the categories are drawn at once
    assert scr.ids.actions.children == []
    assert [type(w).__name__ for w in scr.ids.rows.children] == [type(w).__name__ for w in grid]
    app.go("guide")
    open_an_item(scr)
    run_for(0.05)
    app.go("policies")                      # the session ends elsewhere: the item is not drawn again
    app.end_session("test")
    assert scr.ids.rows.children == [] and scr.ids.actions.children == []
