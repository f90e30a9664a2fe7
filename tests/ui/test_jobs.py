"""就业驿站 driven by touch against the demo API and the simulated printer: list → detail → QR → print,
offline from the cache, and the printer-out state."""

from kivyhelp import run_for, tap, wait_until
from test_policies import button, open_from_home, shoot_all, texts


def test_list_detail_qr_print(demo_app):
    from kivy.core.window import Window

    from screens.dialogs.print_dialog import PrintDialog

    scr = open_from_home(demo_app, "jobs")
    assert len(scr._entries) == 6
    shoot_all(demo_app, "jobs-list")
    tap(button(scr, "软件测试工程师"))
    assert scr.state == "detail"
    shown = texts(scr)
    for part in ("招聘单位：山东泉城数字科技有限公司", "薪资待遇：6000-9000元/月", "工作地点：槐荫区经十路",
                 "岗位要求：计算机相关专业，1年以上经验", "联系电话：0531-8812****", "招聘人数：2人"):
        assert part in shown, part
    qr = [w for w in scr.walk(restrict=True) if type(w).__name__ == "QRCode"]
    assert qr and "0531-8812****" in qr[0].data and "软件测试工程师" in qr[0].data
    shoot_all(demo_app, "jobs-detail")
    demo_app.set_language("en")
    run_for(0.05)
    assert "Employer: 山东泉城数字科技有限公司" in texts(scr)
    demo_app.set_language("zh_CN")
    run_for(0.05)
    sim = demo_app.services.demo.printer_sim
    before = len(sim.jobs)
    tap(button(scr, "打印"))
    wait_until(lambda: len(sim.jobs) == before + 1, 20, "the job post to print")
    transcript = sim.jobs[-1].transcript.replace("\n", "")   # the printer wraps lines
    assert "软件测试工程师" in transcript and "山东泉城数字科技有限公司" in transcript
    assert "0531-8812****" in transcript
    wait_until(lambda: any(isinstance(w, PrintDialog) and w.status == "printed" for w in Window.children),
               10, "print dialog says printed")
    tap(next(w for w in Window.children if isinstance(w, PrintDialog)).ids.close_button)
    assert demo_app.session.transactions == []
    tap(button(scr, "返回列表"))
    assert scr.state == "list"


def test_offline_after_one_load_shows_the_cache_as_stale(demo_app):
    scr = open_from_home(demo_app, "jobs")
    demo_app.services.demo.api_server.faults.error_rate = 1.0
    tap(demo_app.root.ids.home_button)
    scr._entries = []
    open_from_home(demo_app, "jobs")
    wait_until(lambda: scr._stale, 20, "jobs from the cache")
    assert "可能不是最新" in texts(scr) and len(scr._entries) == 6
    tap(button(scr, "社区网格员"))
    assert "道德街街道办事处" in texts(scr)
    shoot_all(demo_app, "jobs-stale-detail")


def test_api_down_and_nothing_cached(demo_app):
    demo_app.services.demo.api_server.faults.error_rate = 1.0
    tap(next(t for t in demo_app.screen("home").ids.tiles.children if t.target == "jobs"))
    scr = demo_app.screen("jobs")
    wait_until(lambda: scr.state == "error", 20, "the error state")
    assert "暂时无法获取信息" in texts(scr) and button(scr, "呼叫帮办")
    demo_app.services.demo.api_server.faults.reset()
    tap(button(scr, "重试"))
    wait_until(lambda: scr.state == "list", 15, "loaded after retry")


def test_printer_out_disables_print_and_says_why(demo_app):
    scr = open_from_home(demo_app, "jobs")
    tap(button(scr, "厨师"))
    demo_app.services.demo.printer_sim.set_paper("out")
    wait_until(lambda: not demo_app.printer_ok, 10, "printer state")
    btn = button(scr, "打印")
    assert btn.disabled and "打印机暂不可用" in btn.text
    demo_app.services.demo.printer_sim.set_paper("ok")
    wait_until(lambda: not button(scr, "打印").disabled, 10, "printer back")
