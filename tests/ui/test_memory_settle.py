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
