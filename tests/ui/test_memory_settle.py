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

