"""企业信息查询 end to end against the demo API: typed on the USCC keypad, checked live, card shown and
printed; a mistyped code, an unknown enterprise and a dead network each get their own plain message."""

import kivyhelp
import pytest
from kivyhelp import run_for, screenshot, tap, wait_until

from kiosk.demo_api.seed import make_uscc

JIANGUO = "92370104MA3C8K1N6B"          # 济南市槐荫区建国小吃店 in the demo data



@pytest.fixture
def demo_app(shared_demo_app):
    """The cases of this module share one demo app, reset and checked clean before each
    (tests/ui/conftest.py: shared_demo_app)."""
    return shared_demo_app


def open_screen(app):
    home = app.screen("home")
    tile = next(t for t in home.ids.tiles.children if t.target == "enterprise")
    tap(tile)
    assert app.sm.current == "enterprise"
    return app.screen("enterprise")


def type_code(scr, code):
    pad = scr.ids.keypad
    for ch in code:
        tap(pad.key_widget(ch))
    assert pad.value.endswith(code)


def clear(scr):
    tap(scr.ids.keypad.key_widget("清空"))
    assert scr.code == ""


@pytest.fixture(autouse=True)
def _settle(demo_app):
    # Let pending label updates (from the last language switch) run while the app still exists.
    yield
    run_for(0.1)


def shoot_all(app, name):
    kivyhelp.shoot_all(app, f"enterprise-{name}")


def test_lookup_show_and_print(demo_app):
    scr = open_screen(demo_app)
    type_code(scr, JIANGUO[:11])
    assert scr.ids.display.text == "92 370104 MA3______ _"
    assert scr.ids.message.text == "还差 7 位"
    shoot_all(demo_app, "typing")
    type_code(scr, JIANGUO[11:])
    wait_until(lambda: scr.stage == "result" and not scr.ids.stages.transition.is_active, 15, "enterprise card")
    assert scr.ids.name.text == "济南市槐荫区建国小吃店"
    values = {r.ids.k.text: r.ids.v.text for r in scr.ids.rows.children}
    assert values["法定代表人"] == "王**"           # masked on screen
    assert values["登记状态"] == "存续"
    assert values["经营范围"].startswith("小餐饮")
    shoot_all(demo_app, "card")

    sim = demo_app.services.demo.printer_sim
    tap(scr.ids.print_button)
    wait_until(lambda: len(sim.jobs) == 1, 20, "the simulator to print")
    transcript = sim.jobs[-1].transcript
    assert "济南市槐荫区建国小吃店" in transcript and JIANGUO in transcript
    assert "王建国" not in transcript and "王**" in transcript

    from kivy.core.window import Window

    from screens.dialogs.print_dialog import PrintDialog
    wait_until(lambda: any(isinstance(w, PrintDialog) for w in Window.children), 30, "print dialog")
    dialog = next(w for w in Window.children if isinstance(w, PrintDialog))
    wait_until(lambda: dialog.status == "printed", 30, "print dialog")
    tap(dialog.ids.close_button)
    tap(scr.ids.again_button)
    assert scr.stage == "input" and scr.code == "" and scr.enterprise is None


def test_mistyped_and_unknown_codes(demo_app):
    scr = open_screen(demo_app)
    type_code(scr, JIANGUO[:-1] + "F")             # wrong check character
    assert scr.ids.message.text == "统一社会信用代码有误，请核对（第18位是校验码）"
    assert scr.ids.search_button.disabled and scr.stage == "input"
    shoot_all(demo_app, "mistyped")
    clear(scr)
    type_code(scr, "92A")                          # a letter where the region code goes
    assert "只能是数字" in scr.ids.message.text
    clear(scr)

    unknown = make_uscc("91", "370104", "MA3Z0Z0Z".replace("Z", "0"))
    type_code(scr, unknown)
    wait_until(lambda: not scr.busy, 15, "lookup")
    assert scr.stage == "input"
    assert scr.ids.message.text == "未查询到该企业，请核对代码"
    demo_app.set_language("en")
    assert scr.ids.message.text == "No enterprise was found with this code. Please check it."
    demo_app.set_language("zh_CN")


def test_network_down_says_so_and_retry_works(demo_app):
    scr = open_screen(demo_app)
    faults = demo_app.services.demo.api_server.faults
    faults.error_rate = 1.0
    type_code(scr, JIANGUO)
    wait_until(lambda: not scr.busy, 20, "lookup to fail")
    assert scr.ids.message.text == "网络异常，请稍后再试"
    assert scr.stage == "input"
    faults.reset()
    tap(scr.ids.search_button)                     # the way forward: try again
    wait_until(lambda: scr.stage == "result" and not scr.ids.stages.transition.is_active, 15, "enterprise card")


def test_printer_out_disables_print(demo_app):
    scr = open_screen(demo_app)
    type_code(scr, JIANGUO)
    wait_until(lambda: scr.stage == "result" and not scr.ids.stages.transition.is_active, 15, "enterprise card")
    demo_app.services.demo.printer_sim.set_paper("out")
    wait_until(lambda: not demo_app.printer_ok, 10, "printer state")
    assert scr.ids.print_button.disabled
    assert scr.ids.print_button.text == "打印机暂不可用"


def test_wipe_forgets_the_code_and_card(demo_app):
    scr = open_screen(demo_app)
    type_code(scr, JIANGUO)
    wait_until(lambda: scr.stage == "result" and not scr.ids.stages.transition.is_active, 15, "enterprise card")
    demo_app.end_session("test")
    assert scr.code == "" and scr.enterprise is None and scr.stage == "input"
    assert scr.ids.keypad.value == "" and not scr.ids.rows.children


def test_slow_network_shows_please_wait_not_a_frozen_screen(demo_app):
    scr = open_screen(demo_app)
    demo_app.services.demo.api_server.faults.latency = 1.0
    type_code(scr, JIANGUO)
    assert scr.busy and scr.ids.message.text == "正在查询，请稍候…"
    assert scr.ids.keypad.disabled and scr.ids.search_button.disabled
    screenshot("enterprise-waiting")
    wait_until(lambda: scr.stage == "result", 15, "enterprise card")
    demo_app.services.demo.api_server.faults.reset()


def test_search_by_name_written_by_hand_shows_the_card(demo_app):
    """No code at hand: 按名称查询, 小吃 written with a finger on the pad (real strokes, 小 then 吃),
    the one match tapped, the same card as the lookup by code."""
    from kivyhelp import advance_frames, draw, press

    scr = open_screen(demo_app)
    tap(scr.ids.by_name_button)
    wait_until(lambda: scr.stage == "name" and not scr.ids.stages.transition.is_active, 5, "the name page")
    entry = scr.entry
    wait_until(lambda: entry.handwriting_available, 10, "the handwriting model")
    assert entry.target is scr.ids.name_box and entry.shown == "handwriting"
    assert scr.ids.name_message.text == "请写出企业名称中的几个字，如“小吃店”"
    pad = entry.pad
    for ch in "小吃":
        draw(pad.ids.square, ch)
        wait_until(lambda ch=ch: ch in pad.visible_candidates(), 10, f"{ch} among the candidates")
        press(pad.candidate_widget(ch))
    assert scr.ids.name_box.text == "小吃"
    tap(scr.ids.name_search_button)
    wait_until(lambda: JIANGUO in scr.match_buttons, 10, "the matches")
    assert list(scr.match_buttons) == [JIANGUO] and "济南市槐荫区建国小吃店" in scr.match_buttons[JIANGUO].text
    assert scr.ids.name_message.text == "找到 1 家企业，请点选"
    shoot_all(demo_app, "by-name")
    press(scr.match_buttons[JIANGUO])
    wait_until(lambda: scr.stage == "result" and not scr.ids.stages.transition.is_active, 15, "enterprise card")
    assert scr.ids.name.text == "济南市槐荫区建国小吃店"
    values = {r.ids.k.text: r.ids.v.text for r in scr.ids.rows.children}
    assert values["统一社会信用代码"] == JIANGUO
    demo_app.back()                                   # 返回: the matches again
    advance_frames(2)
    assert scr.stage == "name" and list(scr.match_buttons) == [JIANGUO]
    demo_app.end_session("test")
    assert scr.ids.name_box.text == "" and scr.stage == "input" and scr.match_buttons == {}
