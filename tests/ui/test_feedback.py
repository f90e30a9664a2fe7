"""诉求反馈 end to end against the demo API and the simulated printer: the tracking number is on the
screen and on the receipt at once, the record reaches the API with the same number (also after an
outage), the outbox failing is said plainly, and 完成 leads to 好差评."""

from __future__ import annotations

from kivy.core.window import Window
from kivyhelp import (
    advance_frames,
    draw,
    every_look,
    press,
    print_dialog,
    run_for,
    screenshot,
    set_window,
    tap,
    wait_until,
)

from kiosk.api.models import is_tracking_no
from kiosk.demo_api.seed import ENTERPRISES
from kiosk.outbox import OutboxUnavailable
from screens.widgets import find_overflows

PHONE = "13912345678"


def type_on(scr, text: str, touch: bool = True) -> None:
    """Type on the screen's keypad; touch=False calls the key's own handler (what its on_release does),
    to keep the slower software-GL frames for the one test that types everything by touch."""
    for ch in text:
        if touch:
            press(scr.keypad.key_widget(ch))
        else:
            scr.keypad.press(ch)
    advance_frames(1)


def fill_until_review(app, uscc: str | None = None, touch: bool = True, until: str = "review"):
    app.go("feedback")
    scr = app.screen("feedback")
    advance_frames(3)
    press(scr.buttons["融资信贷"])
    press(scr.buttons["贷款难"])
    assert scr.step == "phrases", scr.step
    assert not scr.ids.next_button.opacity == 0 and scr.ids.next_button.disabled   # nothing ticked yet
    press(scr.buttons["缺少抵押担保"])
    press(scr.buttons["情况比较紧急"])
    assert scr.buttons["缺少抵押担保"].text.startswith("✓")
    press(scr.ids.next_button)
    assert scr.step == "phone"
    type_on(scr, PHONE[:-1], touch)
    assert scr.ids.next_button.disabled
    type_on(scr, PHONE[-1], touch)
    press(scr.ids.next_button)
    assert scr.step == "uscc"
    if uscc:
        type_on(scr, uscc, touch)
        press(scr.ids.next_button)
    else:
        press(scr.ids.skip_button)
    if until != "extra":
        assert scr.step == "extra"                  # the free-text step, optional: 跳过
        press(scr.ids.skip_button)
    assert scr.step == until
    return scr


def submit(scr):
    press(scr.ids.next_button)
    wait_until(lambda: scr.step == "done", 10, "the tracking number")
    return scr.tracking_no


def close_print_dialog(sim, jobs_before: int):
    wait_until(lambda: len(sim.jobs) > jobs_before, 20, "the receipt to print")
    wait_until(lambda: print_dialog() is not None and print_dialog().status == "printed", 30, "dialog printed")
    tap(print_dialog().ids.close_button)


def test_feedback_end_to_end(demo_app):
    app = demo_app
    api = app.services.demo.api_server
    sim = app.services.demo.printer_sim
    uscc = ENTERPRISES[1].uscc
    scr = fill_until_review(app, uscc)
    texts = [w.text for w in scr.ids.body.children]
    assert any("139****5678" in t for t in texts)            # masked on the review
    assert not any(PHONE in t for t in texts)
    jobs = len(sim.jobs)
    tn = submit(scr)
    assert is_tracking_no(tn)
    assert scr.buttons["tracking_no"].text == tn              # shown large
    assert scr.buttons["tracking_no"].font_size == app.sz.huge
    close_print_dialog(sim, jobs)
    transcript = sim.jobs[-1].transcript
    assert tn in transcript and "诉求受理回执" in transcript and "融资信贷" in transcript
    assert PHONE not in transcript
    wait_until(lambda: any(r["tracking_no"] == tn for r in api.received("feedback")), 10, "delivery")
    rec = next(r for r in api.received("feedback") if r["tracking_no"] == tn)
    assert rec["category"] == "融资信贷"
    assert rec["content"] == "问题类型：贷款难。情况：缺少抵押担保；情况比较紧急。"
    assert rec["phone"] == PHONE and rec["enterprise_uscc"] == uscc
    assert rec["terminal_id"] == app.cfg.terminal.id
    press(scr.ids.next_button)                                # 完成 -> 好差评
    assert app.current_screen == "evaluation"
    tx = app.session.transactions[-1]
    assert (tx.kind, tx.reference, tx.service_name) == ("feedback", tn, "诉求反馈")
    app.home()
    advance_frames(2)
    assert scr.step == "category" and scr.phone == "" and scr.tracking_no == ""


def test_feedback_while_the_api_is_down_arrives_after_recovery(demo_app):
    app = demo_app
    api = app.services.demo.api_server
    api.faults.error_rate = 1.0
    scr = fill_until_review(app, touch=False)
    tn = submit(scr)
    assert is_tracking_no(tn)
    run_for(0.5)
    assert not any(r.get("tracking_no") == tn for r in api.received("feedback"))
    api.faults.reset()
    app.services.outbox.retry_now()
    wait_until(lambda: any(r["tracking_no"] == tn for r in api.received("feedback")), 15, "late delivery")
    rec = next(r for r in api.received("feedback") if r["tracking_no"] == tn)
    assert "enterprise_uscc" not in rec or rec["enterprise_uscc"] is None


def test_outbox_unavailable_is_said_and_the_form_stays(demo_app, monkeypatch):
    app = demo_app

    def broken(*_a, **_k):
        raise OutboxUnavailable("disk full")

    monkeypatch.setattr(app.services.outbox, "enqueue_feedback", broken)
    scr = fill_until_review(app, touch=False)
    press(scr.ids.next_button)
    from screens.widgets import Dialog

    wait_until(lambda: any(isinstance(w, Dialog) for w in Window.children), 10, "error dialog")
    dialog = next(w for w in Window.children if isinstance(w, Dialog))
    assert "暂时无法保存" in dialog.message and dialog.cancel_text == "呼叫帮办"
    assert scr.step == "review" and scr.phone == PHONE and scr.phrases   # nothing lost
    tap(dialog.ids.cancel)
    assert app.current_screen == "help"
    app.back()
    assert app.current_screen == "feedback" and scr.step == "review"


def type_keys(box, text: str) -> None:
    """A hardware keyboard (or a system IME committing text): focus by touch, then text events."""
    press(box)
    assert box.focus, "the text box did not take the keyboard focus"
    for ch in text:
        Window.dispatch("on_textinput", ch)
    advance_frames(1)


def test_helper_types_free_text_for_the_citizen(demo_app):
    """Helper mode adds a step where the 帮办专员 types details and names; the citizen alone never sees
    it. Unprintable characters are named where they are typed; the text reaches the department whole,
    and the slip shows the phone inside it masked."""
    app = demo_app
    api = app.services.demo.api_server
    sim = app.services.demo.printer_sim
    app.enter_staff_mode("helper")
    scr = fill_until_review(app, touch=False, until="extra")
    assert scr.ids.step_label.text == "第 6 步，共 7 步"
    details = "店面在二楼，电话13812345678也可联系"
    type_keys(scr.inputs["details"], details + "😀")
    press(scr.buttons["keyboard"])                           # the on-screen 拼音 keyboard
    kb = scr.keyboard
    assert kb is not None and kb.get_root_window() is not None
    press(scr.inputs["contact_name"])
    assert scr.inputs["contact_name"].focus
    run_for(0.1)
    view = scr.ids.scroll
    for w in (scr.inputs["contact_name"], kb):          # both in view: the helper sees what is typed
        bottom, top = w.to_window(w.x, w.y)[1], w.to_window(w.x, w.top)[1]
        v_bottom, v_top = view.to_window(view.x, view.y)[1], view.to_window(view.x, view.top)[1]
        assert v_bottom - 1 <= bottom and top <= v_top + 1, (type(w).__name__, bottom, top, v_bottom, v_top)
    body = scr.ids.body.children
    assert body.index(kb) == body.index(scr.inputs["contact_name"]) - 1, "the keyboard is not under the field"
    for key in "wang":
        tap(kb.key_widget(key))
    tap(kb.candidate_widget("王"))
    assert scr.inputs["contact_name"].text == "王" and scr.inputs["details"].text.startswith(details)
    type_keys(scr.inputs["contact_name"], "小明")
    type_keys(scr.inputs["enterprise_name"], "济南示例商贸有限公司")
    screenshot("feedback-extra-helper")
    press(scr.buttons["keyboard"])
    assert kb.parent is None, "the keyboard stays after it was closed"
    press(scr.ids.next_button)
    assert scr.step == "extra", "an unprintable character was accepted"
    shown = [w.text for w in scr.ids.body.children]
    assert any("无法打印的字符：😀" in t for t in shown)
    scr.inputs["details"].do_backspace()
    press(scr.ids.next_button)
    assert scr.step == "review"
    shown = " ".join(w.text for w in scr.ids.body.children)
    assert "王**" in shown and "王小明" not in shown and "138****5678" in shown
    jobs = len(sim.jobs)
    tn = submit(scr)
    close_print_dialog(sim, jobs)
    slip = sim.jobs[-1].transcript
    assert "二楼" in slip and "13812345678" not in slip
    wait_until(lambda: any(r["tracking_no"] == tn for r in api.received("feedback")), 10, "delivery")
    rec = next(r for r in api.received("feedback") if r["tracking_no"] == tn)
    assert rec["content"].endswith(f"补充说明（帮办专员代填）：{details}")
    assert rec["contact_name"] == "王小明" and rec["enterprise_name"] == "济南示例商贸有限公司"
    app.leave_staff_mode("test")
    advance_frames(2)
    assert all(box.text == "" for box in scr.inputs.values()), "the helper's text outlived the session"
    assert scr.extra is None
    scr = fill_until_review(app, touch=False, until="extra")      # a citizen alone: their own fields
    assert set(scr.inputs) >= {"details", "contact_name"} and scr.inputs["enterprise_name"].parent is None


def write_with_pad(entry, ch: str) -> None:
    """A finger writes ch on the handwriting pad; the right candidate is tapped."""
    pad = entry.pad
    draw(pad.ids.square, ch)
    wait_until(lambda: ch in pad.visible_candidates(), 10, f"{ch} among the candidates")
    press(pad.candidate_widget(ch))


def test_a_citizen_writes_details_and_a_name_by_hand(demo_app):
    """No helper: the free-text step offers details and a contact name with the 手写 / 拼音 entry
    under the field touched; a real character written with a finger goes into the field, and the
    record reaches the API with it."""
    app = demo_app
    api = app.services.demo.api_server
    scr = fill_until_review(app, touch=False, until="extra")
    assert scr.ids.step_label.text == "第 6 步，共 7 步" and "手写" in scr.ids.prompt.text
    assert not scr.ids.skip_button.disabled and not scr.ids.next_button.disabled   # optional
    assert "enterprise_name" not in scr.inputs or scr.inputs["enterprise_name"].parent is None
    entry = scr.entry
    wait_until(lambda: entry.handwriting_available, 10, "the handwriting model")
    body = scr.ids.body.children
    assert entry.target is scr.inputs["details"] and entry.shown == "handwriting"
    assert body.index(entry) == body.index(scr.inputs["details"]) - 1, "the entry is not under the field"
    write_with_pad(entry, "明")
    write_with_pad(entry, "王")
    assert scr.inputs["details"].text == "明王"
    press(scr.inputs["contact_name"])                  # the entry follows the field touched
    advance_frames(2)
    body = scr.ids.body.children
    assert entry.target is scr.inputs["contact_name"]
    assert body.index(entry) == body.index(scr.inputs["contact_name"]) - 1
    write_with_pad(entry, "王")
    write_with_pad(entry, "明")
    assert scr.inputs["contact_name"].text == "王明" and scr.inputs["details"].text == "明王"
    screenshot("feedback-extra-citizen-handwriting")
    press(scr.ids.next_button)
    assert scr.step == "review"
    shown = " ".join(w.text for w in scr.ids.body.children)
    assert "补充说明：明王" in shown and "王*" in shown and "王明" not in shown     # the name masked
    tn = submit(scr)
    wait_until(lambda: any(r["tracking_no"] == tn for r in api.received("feedback")), 10, "delivery")
    rec = next(r for r in api.received("feedback") if r["tracking_no"] == tn)
    assert rec["content"].endswith("补充说明：明王") and rec["contact_name"] == "王明"


def test_bad_phone_and_uscc_are_refused(kiosk_app):
    app = kiosk_app
    app.go("feedback")
    scr = app.screen("feedback")
    advance_frames(3)
    press(scr.buttons["其他"])
    press(scr.buttons["其他问题"])
    press(scr.buttons["希望工作人员联系我"])
    press(scr.ids.next_button)
    type_on(scr, "12345678901", touch=False)
    assert scr.ids.next_button.disabled and "有误" in scr.hint.text
    press(scr.keypad.key_widget("清空"))
    assert scr.keypad.value == ""
    type_on(scr, PHONE, touch=False)
    press(scr.ids.next_button)
    good = ENTERPRISES[0].uscc
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    type_on(scr, bad, touch=False)
    assert scr.ids.next_button.disabled and "有误" in scr.hint.text
    press(scr.ids.prev_button)
    assert scr.step == "phone" and scr.keypad.value == PHONE


def test_a_body_the_contract_refuses_is_said_and_not_stored(kiosk_app):
    """The window's part of the rule (tests/flows/test_feedback_flow.py has the rest): 确认提交 reaches
    the flow, and its refusal is a dialog in words, with the form still there behind it."""
    from screens.widgets import Dialog

    app = kiosk_app
    scr = fill_until_review(app, touch=False)
    scr.flow.phone = "12345678901"                 # past the keypad somehow: the model refuses it
    press(scr.ids.next_button)
    advance_frames(2)
    dialog = next(w for w in Window.children if isinstance(w, Dialog))
    assert dialog.message.startswith("联系电话有误，无法提交") and dialog.cancel_text == "呼叫帮办"
    assert scr.step == "review" and scr.tracking_no == "" and not scr.busy
    tap(dialog.ids.ok)
    advance_frames(2)


STATES = ("category", "type", "phrases", "phone", "uscc", "review", "done")


def test_screenshots(kiosk_app):
    from kiosk.flows.feedback import Step

    app = kiosk_app
    app.go("feedback")
    scr = app.screen("feedback")
    f = scr.flow
    f.category, f.problem, f.phrases = "水电气暖", "停水停电", ["经常停水停电", "影响正常经营"]
    f.phone, f.uscc, f.tracking_no = PHONE, ENTERPRISES[0].uscc, "FK20261126JT010007"
    for orient, lang, elder in every_look(app):
        for state in STATES:
            f.step = Step(state)
            scr._show()
            advance_frames(3)
            assert find_overflows(app.root) == [], (state, orient, lang, elder)
            if state in ("uscc", "done") or (lang == "zh_CN" and not elder):
                screenshot(f"feedback-{state}-{orient}-{lang}{'-elder' if elder else ''}")
    set_window((1920, 1080))


# ---------------------------------------------------------------- 查询反馈 (feedback_status)


def _stored_feedback(app) -> str:
    """A feedback submitted on this terminal, delivered to the demo API through the outbox."""
    payload = {"category": "政务服务", "content": "问题类型：审批时间长。情况：希望加快审批进度。",
               "phone": PHONE, "terminal_id": app.cfg.terminal.id}
    _key, tn = app.services.outbox.enqueue_feedback(payload, app.cfg.terminal.id)
    api = app.services.demo.api_server
    wait_until(lambda: any(r["tracking_no"] == tn for r in api.received("feedback")), 10, "delivery")
    return tn


def test_feedback_status_shows_the_reply(demo_app):
    app = demo_app
    app.services.demo.api_server.state.reply_delay = 0     # the demo API replies at once
    tn = _stored_feedback(app)
    app.go("feedback_status")
    scr = app.screen("feedback_status")
    advance_frames(2)
    assert scr.keypad.value == "FK" and scr.ids.query_button.disabled
    for ch in tn[2:]:
        press(scr.keypad.key_widget(ch))
    assert scr.number.text == tn and not scr.ids.query_button.disabled
    press(scr.ids.query_button)
    wait_until(lambda: scr.step == "result", 10, "the answer")
    texts = [w.text for w in scr.ids.body.children]
    assert any(t == "办理状态：已回复" for t in texts)
    assert "已转交相关部门核实处理" in scr.hint.text
    press(scr.ids.again_button)
    assert scr.step == "enter" and scr.keypad.value == "FK"
    app.home()
    advance_frames(2)


def test_feedback_status_before_the_reply_and_unknown_and_network_error(demo_app):
    app = demo_app
    api = app.services.demo.api_server
    api.state.reply_delay = 3600
    tn = _stored_feedback(app)
    app.go("feedback_status", tracking_no=tn)
    scr = app.screen("feedback_status")
    advance_frames(2)
    press(scr.ids.query_button)
    wait_until(lambda: scr.step == "result", 10, "the answer")
    assert scr.hint.text == "正在办理，请耐心等待"
    press(scr.ids.again_button)
    unknown = tn[:-4] + ("9999" if not tn.endswith("9999") else "9998")
    type_on(scr, unknown[2:], touch=False)
    press(scr.ids.query_button)
    wait_until(lambda: scr.error == "not_found", 10, "not found")
    assert scr.hint.text.startswith("未查询到该受理编号")
    api.faults.error_rate = 1.0
    press(scr.ids.query_button)
    wait_until(lambda: scr.error == "unavailable", 15, "network error")
    assert scr.hint.text.startswith("网络异常") and "未查询到" not in scr.hint.text
    api.faults.reset()
    app.home()
    advance_frames(2)
    assert scr.keypad.value == "FK"          # wiped


def test_feedback_status_screenshots(kiosk_app):
    from datetime import datetime

    from kiosk.api.models import FeedbackStatus
    from kiosk.flows.feedback_status import Problem, Stage

    app = kiosk_app
    app.go("feedback_status")
    scr = app.screen("feedback_status")
    f = scr.flow
    reply = FeedbackStatus(tracking_no="FK20261126JT010007", status="已回复",
                           submitted_at=datetime(2026, 11, 26, 9, 30), department="道德街街道经济发展办公室",
                           reply="您反映的“融资信贷”问题已转交相关部门核实处理，网格员将与您联系。感谢您的反馈。",
                           replied_at=datetime(2026, 11, 27, 10, 0))
    for orient, lang, elder in every_look(app):
        suffix = f"{orient}-{lang}{'-elder' if elder else ''}"
        f.stage, f.result, f.problem = Stage.ENTER, None, Problem.NOT_FOUND
        f.number = f._queried = "FK20261126JT010007"
        scr._show()
        advance_frames(3)
        assert find_overflows(app.root) == [], ("enter", suffix)
        screenshot(f"feedback_status-enter-{suffix}")
        f.stage, f.result, f.problem = Stage.RESULT, reply, Problem.NONE
        scr._show()
        advance_frames(3)
        assert find_overflows(app.root) == [], ("result", suffix)
        screenshot(f"feedback_status-result-{suffix}")
    set_window((1920, 1080))
