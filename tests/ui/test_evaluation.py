"""好差评 after a transaction: no level preselected, 满意 arrives at the demo API, a 差评 needs a reason
and carries its reasons and phone, 跳过 goes home, each transaction is evaluated once, and the
thanks screen goes home by itself."""

from __future__ import annotations

from kivyhelp import advance_frames, draw, every_look, press, screenshot, set_window, tap, wait_until

from kiosk.session import Transaction
from screens.widgets import find_overflows

PHONE = "13912345678"


def open_eval(app, kind="ticket", ref="A023", code="", name="排队取号"):
    app.go("home")
    app.finish_transaction(kind, ref, code, name)
    assert app.current_screen == "evaluation"
    advance_frames(3)
    return app.screen("evaluation"), app.session.transactions[-1]


def test_satisfied_arrives_at_the_api(demo_app):
    app = demo_app
    api = app.services.demo.api_server
    scr, tx = open_eval(app, "case", "DDJ-20261103-0042", "370104-001-01", "个体工商户设立登记")
    assert scr.level == 0 and scr.ids.submit_button.disabled          # nothing preselected
    assert all(b.kind == "tile" for b in scr.buttons.values())
    assert "★★★★☆" in scr.buttons["满意"].text and "满意" in scr.buttons["满意"].text
    tap(scr.buttons["满意"])
    assert scr.level == 4 and "reasons" not in scr.buttons and "phone" not in scr.buttons
    tap(scr.ids.submit_button)
    wait_until(lambda: scr.step == "thanks", 10, "thanks")
    assert tx.evaluated
    wait_until(lambda: len(api.received("evaluations")) == 1, 10, "evaluation at the API")
    rec = api.received("evaluations")[0]
    assert rec["level"] == 4 and rec["case_no"] == "DDJ-20261103-0042"
    assert rec["service_code"] == "370104-001-01" and rec["channel"] == "自助终端"
    assert rec["reasons"] == [] and rec.get("phone") is None
    wait_until(lambda: app.current_screen == "home", 6, "home after the thanks")
    assert scr.tx is None and scr.level == 0


def test_a_comment_written_by_hand_reaches_the_api(demo_app):
    app = demo_app
    api = app.services.demo.api_server
    scr, tx = open_eval(app)
    tap(scr.buttons["满意"])
    tap(scr.buttons["comment"])
    assert scr.step == "comment" and scr.ids.skip_button.text == "取消"
    entry = scr.entry
    wait_until(lambda: entry.handwriting_available, 10, "the handwriting model")
    assert entry.target is scr.comment_box and entry.shown == "handwriting"
    pad = entry.pad
    draw(pad.ids.square, "明")
    wait_until(lambda: "明" in pad.visible_candidates(), 10, "明 among the candidates")
    press(pad.candidate_widget("明"))
    assert scr.comment_box.text == "明"
    screenshot("evaluation-comment-handwriting")
    tap(scr.ids.submit_button)                        # 确定
    assert scr.step == "choose" and "明" in scr.buttons["comment"].text and scr.level == 4
    tap(scr.ids.submit_button)                        # 提交评价
    wait_until(lambda: any(r.get("comment") == "明" for r in api.received("evaluations")), 10, "the comment")
    # The outbox may deliver before the UI thread has taken the "stored" answer: wait for it too.
    wait_until(lambda: tx.evaluated, 5, "the transaction marked evaluated")


def test_bad_rating_needs_a_reason_and_carries_reasons_and_phone(demo_app):
    app = demo_app
    api = app.services.demo.api_server
    scr, tx = open_eval(app, "feedback", "FK20261126JT010007", "", "诉求反馈")
    tap(scr.buttons["不满意"])
    assert scr.ids.submit_button.disabled and scr.ids.hint.text == "请至少选择一项不满意的原因"
    tap(scr.buttons["办事效率低"])
    tap(scr.buttons["多次跑腿"])
    assert scr.buttons["多次跑腿"].text.startswith("✓")
    tap(scr.buttons["phone"])
    assert scr.step == "phone"
    for d in PHONE:
        tap(scr.keypad.key_widget(d))
    tap(scr.ids.submit_button)                        # 确定
    assert scr.step == "choose" and "139****5678" in scr.buttons["phone"].text
    tap(scr.ids.submit_button)                        # 提交评价
    wait_until(lambda: len(api.received("evaluations")) == 1, 10, "evaluation at the API")
    rec = api.received("evaluations")[0]
    assert rec["level"] == 2 and rec["reasons"] == ["办事效率低", "多次跑腿"]
    assert rec["phone"] == PHONE and rec["transaction_id"] == "feedback:FK20261126JT010007"
    tap(scr.ids.submit_button)                        # 完成 on the thanks screen
    assert app.current_screen == "home"


def test_choosing_good_after_bad_drops_reasons_and_phone(kiosk_app):
    """The body's side is in tests/flows/test_evaluation_flow.py; here: the reasons and the phone
    leave the screen, and 提交评价 can be pressed."""
    app = kiosk_app
    scr, _tx = open_eval(app)
    tap(scr.buttons["非常不满意"])
    tap(scr.buttons["服务态度差"])
    assert "服务态度差" in scr.buttons and "phone" in scr.buttons and not scr.ids.submit_button.disabled
    tap(scr.buttons["基本满意"])
    assert "服务态度差" not in scr.buttons and "phone" not in scr.buttons
    assert scr.reasons == [] and scr.level == 3 and not scr.ids.submit_button.disabled


def test_skip_goes_home_without_sending(demo_app):
    app = demo_app
    scr, tx = open_eval(app)
    tap(scr.ids.skip_button)
    assert app.current_screen == "home" and not tx.evaluated
    assert app.services.demo.api_server.received("evaluations") == []


def test_an_evaluated_transaction_is_not_evaluated_again(kiosk_app):
    app = kiosk_app
    tx = Transaction(kind="ticket", reference="A001", evaluated=True)
    app.go("evaluation", tx=tx)
    advance_frames(3)
    scr = app.screen("evaluation")
    assert scr.step == "thanks" and "满意" not in scr.buttons


def test_screenshots(kiosk_app):
    from kiosk.flows.evaluation import Stage

    app = kiosk_app
    scr, tx = open_eval(app, "feedback", "FK20261126JT010007", "", "诉求反馈")
    f = scr.flow

    def show(state: str) -> None:
        f.start(Transaction(kind=tx.kind, reference=tx.reference, service_name=tx.service_name))
        if state in ("bad", "phone"):
            f.choose_level(1)
        if state == "bad":
            f.toggle_reason("服务态度差")
            f.enter_phone()
            f.phone_done(PHONE)
        elif state == "phone":
            scr.enter_phone()
        elif state == "comment":
            f.choose_level(4)
            scr.enter_comment()
        elif state == "thanks":
            f.stage = Stage.THANKS
            scr._show()

    for orient, lang, elder in every_look(app):
        suffix = f"{orient}-{lang}{'-elder' if elder else ''}"
        for state in ("choose", "bad", "phone", "comment", "thanks"):
            show(state)
            advance_frames(3)
            assert scr.step == ("choose" if state == "bad" else state)
            assert find_overflows(app.root) == [], (state, suffix)
            if state in ("choose", "bad", "comment") or (lang == "zh_CN" and not elder):
                screenshot(f"evaluation-{state}-{suffix}")
    set_window((1920, 1080))
