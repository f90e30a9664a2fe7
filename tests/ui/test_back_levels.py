"""The footer's 返回 goes one level up inside a screen before it leaves it: someone who opened one
item too many expects 返回 to undo that, not to lose their place (and an elderly user will not find
the in-screen 返回列表 button first)."""

from kivyhelp import advance_frames, tap, wait_until

from kiosk.demo_api.seed import ENTERPRISES


def back(app) -> None:
    tap(app.root.ids.back_button)
    advance_frames(2)


def test_guide_detail_items_categories_then_home(demo_app):
    app = demo_app
    app.go("guide")
    scr = app.screen("guide")
    wait_until(lambda: scr.state == "categories", 15, "catalogue loaded")
    category = scr.categories()[0][0]
    scr.open_category(category)
    item = next(i for i in scr.flow.items if i.category == category)
    scr.open_item(item)
    advance_frames(2)
    back(app)
    assert (app.current_screen, scr.state) == ("guide", "items")
    back(app)
    assert (app.current_screen, scr.state) == ("guide", "categories")
    back(app)
    assert app.current_screen == "home"


def test_policy_detail_back_to_the_list(demo_app):
    app = demo_app
    app.go("policies")
    scr = app.screen("policies")
    wait_until(lambda: scr.state == "list", 15, "policies loaded")
    scr.open(scr.flow.entries[0])
    back(app)
    assert (app.current_screen, scr.state) == ("policies", "list")
    back(app)
    assert app.current_screen == "home"


def test_ticket_confirm_items_categories_start(demo_app, monkeypatch):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from kiosk import hours

    monkeypatch.setattr(hours, "now", lambda: datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    app = demo_app
    app.go("ticket")
    scr = app.screen("ticket")
    wait_until(lambda: scr.stage == "start" and scr.flow.services, 15, "services loaded")
    scr.other_items()
    svc = scr.flow.services[0]
    scr.choose_category(svc.category)
    scr.choose_service(svc)
    assert scr.stage == "confirm"
    back(app)
    assert (app.current_screen, scr.stage) == ("ticket", "items")
    back(app)
    assert (app.current_screen, scr.stage) == ("ticket", "categories")
    back(app)
    assert (app.current_screen, scr.stage) == ("ticket", "start")
    back(app)
    assert app.current_screen == "home"


def test_feedback_steps_back(kiosk_app):
    app = kiosk_app
    app.go("feedback")
    scr = app.screen("feedback")
    scr.choose_category("融资信贷")
    scr.choose_problem("贷款难")
    back(app)
    assert (app.current_screen, scr.step) == ("feedback", "type")
    back(app)
    assert (app.current_screen, scr.step) == ("feedback", "category")
    back(app)
    assert app.current_screen == "home"


def test_enterprise_card_back_to_the_keypad(demo_app):
    app = demo_app
    app.go("enterprise")
    scr = app.screen("enterprise")
    advance_frames(2)
    for ch in ENTERPRISES[0].uscc:
        scr.ids.keypad.press(ch)
    wait_until(lambda: scr.stage == "result", 15, "the enterprise's card")
    back(app)
    assert (app.current_screen, scr.stage) == ("enterprise", "input")
    back(app)
    assert app.current_screen == "home"
