"""办件查询 in a window, against the demo API, the ID-card reader simulator and the printer simulator:
what only a window shows — taps and card events reach the flow, its state becomes widgets (lists, rows,
keypads, buttons that come and go), the layout fits in every orientation, language and elder mode, and
no widget keeps anything personal after a card removal or a session end. The rules themselves (ways in,
validation, helper-only ID typing, late answers, the slip's masking, 404 vs network words) are tested
without a window in tests/flows/test_cases_flow.py."""

import kivyhelp
import pytest
from kivyhelp import run_for, tap, wait_until

from kiosk.demo_api import DEMO_IDENTITIES

WANG = DEMO_IDENTITIES[0]                       # 王建国, 37010419900307751X, phone ...1234
CASE_1 = "3701042026000000001"                  # his completed 个体工商户设立登记, 自取



@pytest.fixture
def demo_app(shared_demo_app):
    """The cases of this module share one demo app, reset and checked clean before each
    (tests/ui/conftest.py: shared_demo_app)."""
    return shared_demo_app


@pytest.fixture(autouse=True)
def _settle(request):
    # Let pending label updates (from the last language switch) run while the app still exists.
    if "demo_app" in request.fixturenames:
        request.getfixturevalue("demo_app")
    yield
    run_for(0.1)


def shoot_all(app, name):
    kivyhelp.shoot_all(app, f"cases-{name}")


def open_screen(app):
    tile = next(t for t in app.screen("home").ids.tiles.children if t.target == "cases")
    tap(tile)
    assert app.sm.current == "cases"
    scr = app.screen("cases")
    assert scr.stage == "start"
    return scr


def type_on(pad, text):
    for ch in text:
        tap(pad.key_widget(ch))


def all_text(scr):
    """Every text the screen holds, on every stage (not only the one on show)."""
    texts = [scr.greeting, scr.message, scr.id_display, scr.case_no_display, scr.last4_display]
    for stage in scr.ids.stages.screens:
        for w in stage.walk():
            texts.append(str(getattr(w, "text", "")))
            texts.append(str(getattr(w, "value", "")))
    return "\n".join(texts)


def settled(scr, stage):
    """At `stage`, with no query running and the stage switch finished (the screen manager ignores
    touches during a switch; a person is never that fast, a test is)."""
    return scr.stage == stage and not scr.busy and not scr.ids.stages.transition.is_active


def tap_case(scr, case_no):
    btn = next(b for b in scr.ids.case_list.children if case_no in b.text)
    scr.ids.case_list.parent.scroll_to(btn, padding=0, animate=False)
    run_for(0.05)
    tap(btn)
    assert scr.stage == "detail"


def insert_card(app, scr):
    tap(scr.ids.demo_button)
    wait_until(lambda: settled(scr, "list"), 15, "the case list")


def test_card_list_detail_print_finish(demo_app):
    scr = open_screen(demo_app)
    assert scr.ids.reader_state.text == "请将身份证放在读卡区"
    shoot_all(demo_app, "start")
    insert_card(demo_app, scr)
    assert scr.ids.greeting.text == "您好，王**"
    rows = scr.ids.case_list.children
    assert len(rows) == 4
    assert all("办件编号 370104" in b.text for b in rows)
    shoot_all(demo_app, "list")

    # A case's URL (its online page) becomes a QR.
    from screens.widgets import QRCode
    tap_case(scr, "3701042026000000004")
    url = "https://zwfw.example.gov.cn/case/3701042026000000004"
    scr.flow.open_case(scr.case.model_copy(update={"url": url}), from_list=True)
    assert [q.data for q in scr.ids.qr_box.children if isinstance(q, QRCode)] == [url]
    scr.flow.open_case(scr.case.model_copy(update={"url": None}), from_list=True)
    assert not scr.ids.qr_box.children                      # no URL: no QR
    tap(demo_app.root.ids.back_button)                      # the footer's 返回 reaches the flow too
    run_for(0.05)
    assert demo_app.current_screen == "cases" and scr.stage == "list" and len(scr.ids.case_list.children) == 4

    tap_case(scr, CASE_1)
    values = {r.ids.k.text: r.ids.v.text for r in scr.ids.case_rows.children}
    assert values["办件编号"] == CASE_1
    assert values["当前状态"] == "已办结"
    assert values["申请人"] == "王**" and values["证件号码"] == "3701**********751X"
    assert values["领取方式"] == "窗口自取：道德街便民服务中心 综合服务区 综合窗口"
    assert len(scr.ids.timeline.children) == 5               # 已提交 → 办结
    assert [q.data for q in scr.ids.qr_box.children if isinstance(q, QRCode)] == [scr.case.url]
    shoot_all(demo_app, "detail")

    sim = demo_app.services.demo.printer_sim
    tap(scr.ids.print_button)
    wait_until(lambda: len(sim.jobs) == 1, 20, "the slip to print")
    transcript = sim.jobs[-1].transcript
    assert CASE_1 in transcript and "办件进度查询单" in transcript
    assert "下一步：已办结，请来领取结果" in transcript.replace("\n", "")
    assert WANG.id_number not in transcript and WANG.name not in transcript

    from kivy.core.window import Window

    from screens.dialogs.print_dialog import PrintDialog
    wait_until(lambda: any(isinstance(w, PrintDialog) for w in Window.children), 30, "print dialog")
    dialog = next(w for w in Window.children if isinstance(w, PrintDialog))
    wait_until(lambda: dialog.status == "printed", 30, "printed")
    tap(dialog.ids.close_button)

    tap(scr.ids.done_button)
    tx = demo_app.session.transactions[-1]
    assert (tx.kind, tx.reference, tx.service_code) == ("case", CASE_1, "370104-SCJG-001")
    assert scr.case is None and CASE_1 not in all_text(scr)


def next_step_texts(scr) -> list[str]:
    return [w.text for w in reversed(scr.ids.next_step.children)]


def test_case_detail_opens_with_the_next_step(demo_app):
    """补正, 办结 自取, 办结 邮寄, 不予受理: the next step is the first thing under the case's name, above
    the rows and the timeline, in every orientation, language and elder mode."""
    from kiosk.demo import demo_cards

    scr = open_screen(demo_app)
    insert_card(demo_app, scr)
    corr = next(c for c in scr.flow.cases if c.status_code == "CORRECTION")
    tap_case(scr, corr.case_no)
    run_for(0.1)
    shown = next_step_texts(scr)
    assert shown[0] == "需要补充材料" and f"请带上：{corr.correction.materials[0]}" in shown
    assert scr.ids.next_step.y > scr.ids.case_rows.top > scr.ids.timeline.top   # above the rest
    shoot_all(demo_app, "detail-correction")
    sim = demo_app.services.demo.printer_sim
    before = len(sim.jobs)
    tap(scr.ids.print_button)
    wait_until(lambda: len(sim.jobs) == before + 1, 20, "the slip to print")
    paper = sim.jobs[-1].transcript.replace("\n", "")
    assert "下一步：需要补充材料" in paper and corr.correction.materials[0] in paper
    from kivy.core.window import Window

    from screens.dialogs.print_dialog import PrintDialog
    wait_until(lambda: any(isinstance(w, PrintDialog) and w.status == "printed" for w in Window.children),
               30, "printed")
    tap(next(w for w in Window.children if isinstance(w, PrintDialog)).ids.close_button)

    tap(scr.ids.back_to_list)
    collect = next(c for c in scr.flow.cases if c.status_code == "COMPLETED" and c.delivery.method == "自取")
    tap_case(scr, collect.case_no)
    assert next_step_texts(scr)[:3] == ["已办结，请来领取结果", f"领取地点：{collect.delivery.place}",
                                        f"领取时间：{collect.delivery.hours}"]
    shoot_all(demo_app, "detail-collect")

    # 李秀英's cases (her card is the demo's second): one posted, one not accepted.
    li = demo_cards()[1]
    theirs = demo_app.services.api.cases_by_id_number(li.id_number)
    mailed = next(c for c in theirs if c.status_code == "COMPLETED" and c.delivery.method == "邮寄")
    scr.flow.open_case(mailed, from_list=False)
    run_for(0.05)
    assert next_step_texts(scr)[:3] == ["结果已邮寄，请留意查收", f"快递公司：{mailed.delivery.carrier}",
                                        f"运单号：{mailed.delivery.tracking_no}"]
    shoot_all(demo_app, "detail-mailed")
    rejected = next(c for c in theirs if c.status_code == "REJECTED")
    scr.flow.open_case(rejected, from_list=False)
    run_for(0.05)
    assert next_step_texts(scr) == ["不予受理", f"原因：{rejected.rejection.reason}",
                                    f"有疑问请咨询：{rejected.rejection.contact}"]
    shoot_all(demo_app, "detail-rejected")
    demo_app.set_language("en")
    run_for(0.1)
    assert next_step_texts(scr)[0] == "Not accepted"          # the words follow the language
    demo_app.set_language("zh_CN")
    run_for(0.1)


def test_card_removed_clears_the_view(demo_app):
    scr = open_screen(demo_app)
    insert_card(demo_app, scr)
    tap_case(scr, CASE_1)
    tap(scr.ids.back_to_list)
    assert scr.stage == "list" and not scr.ids.case_rows.children
    tap_case(scr, CASE_1)
    demo_app.demo_toggle_card()                              # take the card away
    wait_until(lambda: scr.stage == "start", 15, "the place-card state")
    assert scr.ids.note.text == "身份证已取走，查询结果已清除。"
    assert demo_app.session.identity is None
    text = all_text(scr)
    assert "王" not in text and "3701042026" not in text


def test_card_removed_while_another_screen_shows_clears_too(demo_app):
    scr = open_screen(demo_app)
    insert_card(demo_app, scr)
    demo_app.go("enterprise")                               # the session goes on elsewhere
    demo_app.demo_toggle_card()
    wait_until(lambda: demo_app.session.identity is None, 15, "the card to leave")
    assert scr.flow.cases == [] and "3701042026" not in all_text(scr)
    demo_app.back()
    assert demo_app.sm.current == "cases" and scr.stage == "start"
    assert scr.ids.reader_state.text == "请将身份证放在读卡区"


def test_by_case_number_and_phone_digits(demo_app):
    scr = open_screen(demo_app)
    tap(scr.ids.case_no_button)
    assert scr.stage == "case_no" and scr.ids.case_next.disabled
    type_on(scr.ids.case_keypad, CASE_1)
    shoot_all(demo_app, "case-number")
    tap(scr.ids.case_next)
    assert scr.stage == "last4"
    type_on(scr.ids.last4_keypad, "9999")                   # wrong phone digits
    wait_until(lambda: not scr.busy, 15, "the lookup")
    assert scr.ids.message.text == "未查询到办件，请核对办件编号和手机号后四位"
    assert scr.stage == "last4" and scr.ids.last4_keypad.value == ""
    shoot_all(demo_app, "last4")
    type_on(scr.ids.last4_keypad, WANG.phone[-4:])
    wait_until(lambda: settled(scr, "detail"), 15, "the case")
    assert scr.case.case_no == CASE_1
    assert scr.ids.back_to_list.parent is None               # no list on this path
    shoot_all(demo_app, "detail-by-number")


def test_reader_gone_citizen_is_sent_to_case_number_not_id_entry(demo_app):
    scr = open_screen(demo_app)
    demo_app.services.demo.reader_sim.unplug()
    wait_until(lambda: not demo_app.reader_ok, 15, "reader state")
    assert scr.ids.reader_state.text == "读卡器暂不可用，请用办件编号查询，或呼叫帮办"
    assert "manual_button" not in [k for k, w in scr.ids.items() if w.parent is not None]


def test_reader_gone_manual_id_entry_by_a_helper(demo_app):
    demo_app.staff_mode = "helper"          # a helper has checked the person's document
    scr = open_screen(demo_app)
    demo_app.services.demo.reader_sim.unplug()
    wait_until(lambda: not demo_app.reader_ok, 15, "reader state")
    assert scr.ids.reader_state.text == "读卡器暂不可用，请手动输入身份证号码"
    assert "demo_button" not in [k for k, w in scr.ids.items() if w.parent is not None]
    tap(scr.ids.manual_button)
    assert scr.stage == "manual_id"
    pad = scr.ids.id_keypad
    type_on(pad, WANG.id_number[:17] + "2")                 # wrong check character
    assert scr.ids.message.text == "号码有误，请核对"
    assert scr.stage == "manual_id" and scr.ids.id_display.text == "370104 19900307 7512"
    shoot_all(demo_app, "manual-id")
    tap(pad.key_widget("删除"))
    type_on(pad, "X")
    wait_until(lambda: settled(scr, "list"), 15, "the case list")
    assert scr.ids.greeting.text == "身份证号 3701**********751X 的办件"
    assert len(scr.ids.case_list.children) == 4

    # 重新查询 reaches the flow; a network fault is said on the list stage, in red.
    faults = demo_app.services.demo.api_server.faults
    faults.error_rate = 1.0
    try:
        tap(scr.ids.list_retry)
        wait_until(lambda: not scr.busy, 20, "the failure")
        assert scr.ids.message.text == "网络异常，请稍后再试" and scr.message_level == "error"
        shoot_all(demo_app, "network-down")
    finally:
        faults.reset()


def test_unreadable_card_asks_to_place_it_again(demo_app):
    scr = open_screen(demo_app)
    sim = demo_app.services.demo.reader_sim
    sim.set_fault("read_error")
    demo_app.demo_toggle_card()
    wait_until(lambda: scr.ids.note.text == "没有读出身份证信息，请重新放置身份证", 15, "the read error")
    assert scr.stage == "start"


def test_after_wipe_no_identity_data_is_reachable(demo_app):
    scr = open_screen(demo_app)
    insert_card(demo_app, scr)
    tap_case(scr, CASE_1)
    demo_app.end_session("test")
    assert demo_app.sm.current == "home"
    assert demo_app.session.identity is None and demo_app.session.id_number is None
    assert scr.case is None and scr.flow.cases == [] and scr.flow.greeting() is None
    text = all_text(scr)
    for secret in ("王", WANG.id_number, WANG.id_number[-4:], "3701042026", "3701**"):
        assert secret not in text, secret
    assert scr.stage == "start"



def test_reused_tiles_and_lines_keep_nothing_of_the_last_citizen(demo_app):
    """The list's tiles and the detail's lines are reused from one answer to the next (screens.widgets
    RowPool): those that left the screen at the session end hold nothing of the citizen either."""
    scr = open_screen(demo_app)
    insert_card(demo_app, scr)
    tap_case(scr, CASE_1)
    pools = scr._pools()
    kept = [w for pool in pools.values() for w in pool.rows]
    assert len(pools["list"].rows) == 4 and pools["rows"].rows and pools["steps"].rows
    demo_app.end_session("test")
    texts = [scr._qr.data, scr._qr_caption.text]
    for w in kept:
        texts += [w.text for w in w.walk() if hasattr(w, "text")]
        texts += [str(getattr(w, "key", "")), str(getattr(w, "value", ""))]
    text = "\n".join(texts)
    for secret in ("王", WANG.id_number, WANG.id_number[-4:], "3701042026", "3701**", "个体工商户"):
        assert secret not in text, secret
    assert all(w.parent is None and w.case is None for w in pools["list"].rows)
    assert scr._qr.texture is None


def test_upright_after_landscape_the_start_cards_keep_no_room_of_landscapes(demo_app):
    """The fillers that stretch the start cards' contents to the top in landscape take no room upright,
    however often the kiosk turned: a constant `height: 0` was applied once, and the 没有带身份证？ card
    kept the ~260 px landscape had given its filler."""
    from kivy.factory import Factory

    scr = open_screen(demo_app)
    start = scr.ids.stages.get_screen("start")
    try:
        for orient, *_ in kivyhelp.every_look(demo_app):
            run_for(0.05)
            fillers = [w for w in start.walk() if isinstance(w, Factory.LandscapeFiller)]
            assert fillers
            if orient == "portrait":
                assert all(w.height == 0 for w in fillers), [w.height for w in fillers]
    finally:
        demo_app.set_language("zh_CN")
        demo_app.set_elder(False)
