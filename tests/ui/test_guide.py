"""事项指南 driven by touch against the demo API and the simulated printer: categories → items → detail,
pinyin search on the A-Z keypad, the printed 一次性告知单, offline from the cache, and no cache at all."""

from kivyhelp import run_for, shoot_all, tap, wait_until

from screens.widgets import KButton, KLabel


def buttons(scr, contains: str) -> list:
    return [w for w in scr.walk(restrict=True) if isinstance(w, KButton) and contains in w.text
            and w.get_root_window() is not None]


def button(scr, contains: str):
    found = buttons(scr, contains)
    assert found, f"no button with {contains!r} on screen"
    return found[0]


def texts(scr) -> str:
    return "\n".join(w.text for w in scr.walk(restrict=True) if isinstance(w, KLabel)
                     and w.get_root_window() is not None)


def open_guide(app):
    home = app.screen("home")
    tile = next(t for t in home.ids.tiles.children if t.target == "guide")
    tap(tile)
    scr = app.screen("guide")
    assert app.sm.current == "guide"
    return scr


def type_letters(scr, letters: str) -> None:
    for ch in letters:
        tap(scr.ids.keypad.key_widget(ch))


def test_category_item_detail(demo_app):
    scr = open_guide(demo_app)
    wait_until(lambda: scr.state == "categories", 15, "catalogue loaded")
    assert len(scr.flow.items) == 62
    assert "可能不是最新" not in texts(scr)
    shoot_all(demo_app, "guide-categories")
    tap(button(scr, "民政"))
    assert scr.state == "items"
    first = scr.ids.rows.children[-2]           # under the heading: the category's first item
    name = first.text.split("\n")[0]
    tap(first)
    assert scr.state == "detail"
    shown = texts(scr)
    assert name in shown and "申请材料" in shown and "申请人居民身份证" in shown
    assert "法定办结时限" in shown and "办理窗口：综合服务区 综合窗口" in shown
    qr = [w for w in scr.walk(restrict=True) if type(w).__name__ == "QRCode"]
    assert qr and qr[0].data.startswith("https://zwfw.demo.invalid/item/370104-MZJ-")
    tap(button(scr, "返回列表"))
    assert scr.state == "items"
    tap(button(scr, "返回事项类别"))
    assert scr.state == "categories"


def test_pinyin_search_print_checklist_and_finish(demo_app, monkeypatch):
    from datetime import datetime

    from kivy.core.window import Window

    from kiosk import hours

    # Business hours decide what the ticket screen shows; a Monday morning, whatever the clock says.
    monkeypatch.setattr(hours, "now", lambda: datetime(2026, 6, 1, 10, 0, tzinfo=hours.TZ))

    from screens.dialogs.print_dialog import PrintDialog

    scr = open_guide(demo_app)
    wait_until(lambda: scr.state == "categories", 15, "catalogue loaded")
    type_letters(scr, "GTG")
    assert scr.state == "search"
    tap(scr.ids.keypad.key_widget("S"))
    assert scr.query == "GTGS"
    assert "拼音首字母：GTGS" in texts(scr)
    hit = button(scr, "个体工商户设立登记")
    shoot_all(demo_app, "guide-search")
    type_letters(scr, "QQQ")
    assert "没有找到相关事项" in texts(scr)
    assert buttons(scr, "个体工商户") == []
    shoot_all(demo_app, "guide-search-none")
    for _ in range(3):
        tap(scr.ids.keypad.key_widget("删除"))
    hit = button(scr, "个体工商户设立登记")
    tap(hit)
    assert scr.state == "detail" and scr.flow.item.name == "个体工商户设立登记"
    assert "经营场所使用证明（复印件1份）：房产证或租赁合同" in texts(scr)
    ticket = buttons(scr, "取号办理")
    from screens import SCREENS

    assert "ticket" in SCREENS
    tap(ticket[0])                       # the guide hands the ticket screen the item's code
    assert demo_app.sm.current == "ticket"
    wait_until(lambda: demo_app.screen("ticket").stage == "confirm", 15, "the item's confirm step")
    demo_app.back()                      # they came for this item: 返回 is the guide again, not a list
    assert demo_app.sm.current == "guide" and scr.state == "detail"
    assert buttons(scr, "完成") == []             # only after printing
    sim = demo_app.services.demo.printer_sim
    before = len(sim.jobs)
    tap(button(scr, "打印材料清单"))
    wait_until(lambda: len(sim.jobs) == before + 1, 20, "the checklist to print")
    transcript = sim.jobs[-1].transcript
    assert "一次性告知单" in transcript and "个体工商户设立登记" in transcript
    assert "经营场所使用证明（复印件1份）：房产证或租赁合同" in transcript.replace("\n", "")   # as on screen
    wait_until(lambda: any(isinstance(w, PrintDialog) and w.status == "printed" for w in Window.children),
               10, "print dialog says printed")
    dialog = next(w for w in Window.children if isinstance(w, PrintDialog))
    tap(dialog.ids.close_button)
    shoot_all(demo_app, "guide-detail-printed")
    tap(button(scr, "完成"))
    tx = demo_app.session.transactions[-1]
    assert (tx.kind, tx.reference, tx.service_code, tx.service_name) == (
        "checklist", "370104-SCJG-001", "370104-SCJG-001", "个体工商户设立登记")


def test_english_shows_english_names(demo_app):
    scr = open_guide(demo_app)
    wait_until(lambda: scr.state == "categories", 15, "catalogue loaded")
    type_letters(scr, "GTGSHSLDJ")
    tap(button(scr, "个体工商户设立登记"))
    demo_app.set_language("en")           # switched while the detail is on screen
    run_for(0.05)
    shown = texts(scr)
    assert "Registration of an individual business" in shown
    assert "Documents to bring" in shown and "个体工商户设立登记" in shown
    assert button(scr, "Print the list of documents")


def test_printer_out_disables_print_and_says_why(demo_app):
    scr = open_guide(demo_app)
    wait_until(lambda: scr.state == "categories", 15, "catalogue loaded")
    type_letters(scr, "GTGSHSLDJ")
    tap(button(scr, "个体工商户设立登记"))
    demo_app.services.demo.printer_sim.set_paper("out")
    wait_until(lambda: not demo_app.printer_ok, 10, "printer state")
    btn = button(scr, "打印材料清单")
    assert btn.disabled and "打印机暂不可用" in btn.text
    shoot_all(demo_app, "guide-detail-no-printer")
    demo_app.services.demo.printer_sim.set_paper("ok")
    wait_until(lambda: not button(scr, "打印材料清单").disabled, 10, "printer back")


def test_offline_after_one_load_shows_the_cache_as_stale(demo_app):
    scr = open_guide(demo_app)
    wait_until(lambda: scr.state == "categories", 15, "catalogue loaded")
    demo_app.services.demo.api_server.faults.error_rate = 1.0
    tap(demo_app.root.ids.home_button)
    scr.flow.items = []          # a fresh start of the screen: only the on-disk cache can answer now
    open_guide(demo_app)
    wait_until(lambda: scr.state == "categories" and scr.flow.stale, 20, "catalogue from the cache")
    assert "可能不是最新" in texts(scr) and len(scr.flow.items) == 62
    assert button(scr, "市场监管")
    shoot_all(demo_app, "guide-stale")
    type_letters(scr, "GTGS")
    assert button(scr, "个体工商户设立登记")


def test_api_down_and_nothing_cached_says_so_with_a_way_forward(demo_app):
    demo_app.services.demo.api_server.faults.error_rate = 1.0
    scr = open_guide(demo_app)
    assert scr.state in ("loading", "error")
    wait_until(lambda: scr.state == "error", 20, "the error state")
    shown = texts(scr)
    assert "暂时无法获取信息" in shown
    assert button(scr, "呼叫帮办") and button(scr, "重试")
    shoot_all(demo_app, "guide-error")
    demo_app.services.demo.api_server.faults.reset()
    tap(button(scr, "重试"))
    wait_until(lambda: scr.state == "categories", 15, "loaded after retry")
    assert not scr.flow.stale


def test_the_catalogue_comes_by_itself_when_the_network_comes_back(demo_app):
    """Nothing cached and the central API unreachable: the error state; when the API answers again the
    catalogue loads without anyone pressing 重试 (a citizen may just stand there)."""
    api = demo_app.services.demo.api_server
    api.stop()
    scr = open_guide(demo_app)
    wait_until(lambda: scr.state == "error" and not demo_app.api_ok, 20, "the error state, the API down")
    api.start()
    wait_until(lambda: scr.state == "categories", 20, "the catalogue, without a tap")
    assert not scr.flow.stale and len(scr.flow.items) == 62 and "暂时无法获取信息" not in texts(scr)


def test_loading_state_is_shown_while_the_api_is_slow(demo_app):
    demo_app.services.demo.api_server.faults.latency = 1.0
    scr = open_guide(demo_app)
    assert scr.state == "loading" and "正在加载…" in texts(scr)
    shoot_all(demo_app, "guide-loading")
    demo_app.services.demo.api_server.faults.latency = 0.0
    wait_until(lambda: scr.state == "categories", 20, "catalogue loaded")


def test_session_end_resets_the_guide(demo_app):
    scr = open_guide(demo_app)
    wait_until(lambda: scr.state == "categories", 15, "catalogue loaded")
    type_letters(scr, "GT")
    tap(button(scr, "个体工商户设立登记"))
    tap(demo_app.root.ids.home_button)
    assert scr.query == "" and scr.state == "categories" and scr.flow.item is None
