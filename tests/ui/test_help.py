"""呼叫帮办 from the footer: the call reaches the demo API with the screen the citizen was on, the
screen says so, a second press does not call twice, and "不需要了" returns to where the citizen was."""

from __future__ import annotations

from kivyhelp import advance_frames, every_look, run_for, screenshot, set_window, tap, wait_until

from screens.widgets import find_overflows


def test_help_request_reaches_the_api_and_back_returns(demo_app):
    app = demo_app
    api = app.services.demo.api_server
    app.go("feedback")
    tap(app.root.ids.help_button)
    scr = app.screen("help")
    assert app.current_screen == "help"
    assert scr.ids.message.text == "工作人员马上就到，请稍候"
    wait_until(lambda: len(api.received("help_requests")) == 1, 10, "help request at the API")
    rec = api.received("help_requests")[0]
    assert rec["screen"] == "feedback" and rec["terminal_id"] == app.cfg.terminal.id
    wait_until(lambda: scr.status == "delivered", 10, "delivered status")
    assert scr.ids.status_label.text == "已通知工作人员，请在这里稍候。"
    run_for(0.3)
    assert 0.0 < scr.pulse <= 1.0                     # the pulse is running
    tap(app.root.ids.help_button)                      # pressed again: no second call
    run_for(0.5)
    assert len(api.received("help_requests")) == 1
    tap(scr.ids.cancel_button)
    assert app.current_screen == "feedback"
    assert scr._anim is None                           # no animation left running off screen


def test_help_while_the_api_is_down_is_queued_then_delivered(demo_app):
    app = demo_app
    api = app.services.demo.api_server
    api.faults.error_rate = 1.0
    app.services._check_api()
    wait_until(lambda: not app.api_ok, 10, "api down")
    tap(app.root.ids.help_button)
    scr = app.screen("help")
    wait_until(lambda: scr.status == "queued", 10, "queued status")
    assert "网络恢复后" in scr.ids.status_label.text
    assert api.received("help_requests") == []
    api.faults.reset()
    app.services.outbox.retry_now()
    wait_until(lambda: len(api.received("help_requests")) == 1, 15, "late delivery")
    assert api.received("help_requests")[0]["screen"] == "home"


def test_help_without_outbox_says_go_to_the_desk(kiosk_app):
    app = kiosk_app
    tap(app.root.ids.help_button)
    scr = app.screen("help")
    wait_until(lambda: scr.status == "failed", 5, "failed status")
    assert scr.ids.status_label.text == "暂时无法自动通知，请到服务台找工作人员。"
    app.set_language("en")
    assert scr.ids.status_label.text == "The staff cannot be called automatically right now. Please go to the service desk."
    tap(scr.ids.cancel_button)
    assert app.current_screen == "home"


def test_screenshots(kiosk_app):
    app = kiosk_app
    tap(app.root.ids.help_button)
    scr = app.screen("help")
    for orient, lang, elder in every_look(app):
        for status in ("delivered", "queued"):
            scr.status = status
            advance_frames(3)
            assert find_overflows(app.root) == [], (status, orient, lang, elder)
        screenshot(f"help-{orient}-{lang}{'-elder' if elder else ''}")
    set_window((1920, 1080))
