"""政策与补贴 driven by touch against the demo API and the simulated printer: list → detail → QR → print,
offline from the cache, and the printer-out state."""

from kivyhelp import shoot_all, tap, wait_until

from screens.widgets import KButton, KLabel


def button(scr, contains: str):
    found = [w for w in scr.walk(restrict=True) if isinstance(w, KButton) and contains in w.text
             and w.get_root_window() is not None]
    assert found, f"no button with {contains!r} on screen"
    return found[0]


def texts(scr) -> str:
    return "\n".join(w.text for w in scr.walk(restrict=True) if isinstance(w, KLabel)
                     and w.get_root_window() is not None)


def open_from_home(app, target: str):
    tile = next(t for t in app.screen("home").ids.tiles.children if t.target == target)
    tap(tile)
    assert app.sm.current == target
    scr = app.screen(target)
    wait_until(lambda: scr.state == "list", 15, f"{target} loaded")
    return scr


def test_list_detail_qr_print(demo_app):
    from kivy.core.window import Window

    from screens.dialogs.print_dialog import PrintDialog

    scr = open_from_home(demo_app, "policies")
    assert len(scr._entries) == 6
    shoot_all(demo_app, "policies-list")
    tap(button(scr, "一次性创业补贴申领指南"))
    assert scr.state == "detail"
    shown = texts(scr)
    assert "正常经营12个月以上" in shown and "发布部门：槐荫区人力资源和社会保障局" in shown
    qr = [w for w in scr.walk(restrict=True) if type(w).__name__ == "QRCode"]
    assert qr and "一次性创业补贴申领指南" in qr[0].data      # no link published: the text itself
    shoot_all(demo_app, "policies-detail")
    sim = demo_app.services.demo.printer_sim
    before = len(sim.jobs)
    tap(button(scr, "打印"))
    wait_until(lambda: len(sim.jobs) == before + 1, 20, "the policy to print")
    transcript = sim.jobs[-1].transcript.replace("\n", "")   # the printer wraps lines
    assert "一次性创业补贴申领指南" in transcript and "正常经营12个月以上" in transcript
    wait_until(lambda: any(isinstance(w, PrintDialog) and w.status == "printed" for w in Window.children),
               10, "print dialog says printed")
    tap(next(w for w in Window.children if isinstance(w, PrintDialog)).ids.close_button)
    assert demo_app.session.transactions == []          # information, not a transaction
    tap(button(scr, "返回列表"))
    assert scr.state == "list"


def test_policy_link_becomes_the_qr_and_is_printed(demo_app):
    from kiosk.api.models import Policy

    scr = open_from_home(demo_app, "policies")
    p = scr._entries[0]
    linked = Policy(**{**p.model_dump(), "url": "https://zwfw.demo.invalid/policy/P001"})
    assert scr.qr(linked) == ("https://zwfw.demo.invalid/policy/P001", "手机扫码查看政策原文")
    receipt = scr.receipt(linked)
    assert any(getattr(b, "data", "") == "https://zwfw.demo.invalid/policy/P001" for b in receipt.blocks)


def test_offline_after_one_load_shows_the_cache_as_stale(demo_app):
    scr = open_from_home(demo_app, "policies")
    demo_app.services.demo.api_server.faults.error_rate = 1.0
    tap(demo_app.root.ids.home_button)
    scr._entries = []          # a fresh start of the screen: only the on-disk cache can answer now
    open_from_home(demo_app, "policies")
    wait_until(lambda: scr._stale, 20, "policies from the cache")
    assert "可能不是最新" in texts(scr) and len(scr._entries) == 6
    shoot_all(demo_app, "policies-stale")


def test_api_down_and_nothing_cached(demo_app):
    demo_app.services.demo.api_server.faults.error_rate = 1.0
    tap(next(t for t in demo_app.screen("home").ids.tiles.children if t.target == "policies"))
    scr = demo_app.screen("policies")
    assert "正在加载…" in texts(scr)
    wait_until(lambda: scr.state == "error", 20, "the error state")
    assert "暂时无法获取信息" in texts(scr)
    assert button(scr, "呼叫帮办") and button(scr, "重试")
    shoot_all(demo_app, "policies-error")


def test_printer_out_disables_print_and_says_why(demo_app):
    scr = open_from_home(demo_app, "policies")
    tap(button(scr, "创业担保贷款"))
    demo_app.services.demo.printer_sim.set_paper("out")
    wait_until(lambda: not demo_app.printer_ok, 10, "printer state")
    btn = button(scr, "打印")
    assert btn.disabled and "打印机暂不可用" in btn.text
    demo_app.services.demo.printer_sim.set_paper("ok")
    wait_until(lambda: not button(scr, "打印").disabled, 10, "printer back")
