"""证照打印 in a window, against the demo API, the ID-card reader simulator, the receipt-printer
simulator and the demo's real private cupsd (a cups-pdf queue): a card read opens the list, a tap
the page preview, another prints — the PDF that comes out of CUPS is A4, its QR decodes to the
verification URL and the 自助打印 mark carries this terminal and the time. Faults seen on screen:
a disabled or refusing queue (said before choosing, with 呼叫帮办), a held job (words, and a helper
prints it again). Screenshots of the list, the preview and the result in both orientations,
languages and elder mode. The rules are tested without a window in tests/flows/test_licences_flow.py."""

from __future__ import annotations

import re
from datetime import datetime

import kivyhelp
import pytest
from a4.pdfcheck import decode_qr, is_a4, page_sizes
from flows.test_licences_flow import mark_distances, page_images
from kivyhelp import press, run_for, tap, wait_until

from kiosk import hours
from kiosk.demo_api import DEMO_IDENTITIES

WANG = DEMO_IDENTITIES[0]                       # 王建国: his 个体工商户's 营业执照 and 食品经营许可证
CASE_1 = "3701042026000000001"                  # his completed 个体工商户设立登记, 自取


@pytest.fixture
def demo_app(shared_demo_app):
    app = shared_demo_app
    cupsd = app.services.demo.cupsd
    assert cupsd is not None and app.services.a4 is not None, "the demo's private cupsd did not start"
    try:
        yield app
    finally:
        # What a case did to the demo queue is undone for the next one (the app reset does not know CUPS).
        cupsd.lp("lpadmin", "-p", cupsd.queue, "-o", "job-hold-until-default=no-hold")
        cupsd.lp("cupsenable", cupsd.queue)
        cupsd.lp("cupsaccept", cupsd.queue)
        run_for(0.1)


def settled(scr, stage: str) -> bool:
    return scr.stage == stage and not scr.busy and not scr.ids.stages.transition.is_active


def open_screen(app):
    tile = next(t for t in app.screen("home").ids.tiles.children if t.target == "licences")
    tap(tile)
    assert app.sm.current == "licences"
    scr = app.screen("licences")
    assert scr.stage == "start"
    return scr


def insert_card(scr) -> None:
    tap(scr.ids.demo_button)
    wait_until(lambda: settled(scr, "list") and scr.printer_state in ("ready", "not_ready", "none"), 20,
               "the licence list and the printer's state")


def row(scr, lid: str):
    return next(r for r in scr.ids.licence_list.children if r.licence.id == lid)


def open_preview(scr, lid: str) -> None:
    press(row(scr, lid).ids.button)             # scrolled into view only when the list is longer than it
    wait_until(lambda: settled(scr, "preview"), 20, "the preview")


def print_it(app, scr) -> None:
    tap(scr.ids.print_button)
    assert scr.stage == "printing"
    wait_until(lambda: settled(scr, "result"), 90, "the licence job to end")
    if scr.result_ok == "ok":
        close_slip_dialog()


def close_slip_dialog() -> None:
    """The slip's print dialog (the app's, as for every slip): once printed, closed as a person would."""
    from kivy.core.window import Window

    from screens.dialogs.print_dialog import PrintDialog

    wait_until(lambda: any(isinstance(w, PrintDialog) for w in Window.children), 10, "the slip's dialog")
    dialog = next(w for w in Window.children if isinstance(w, PrintDialog))
    wait_until(lambda: dialog.status == "printed", 20, "the slip to print")
    tap(dialog.ids.close_button)
    run_for(0.1)


def test_card_list_preview_print_result(demo_app, tmp_path):
    app = demo_app
    scr = open_screen(app)
    insert_card(scr)
    assert scr.ids.greeting.text == "您好，王**，以下是您的证照"
    assert scr.printer_state == "ready" and scr.ids.printer_label.text == "证照打印机正常，可以打印"
    assert sorted(r.licence.id for r in scr.ids.licence_list.children) == ["L0001", "L0002"]
    assert "92370104MA3C8K1N6B" in row(scr, "L0001").ids.button.text
    assert "只能自助打印一次" in row(scr, "L0002").ids.button.text
    assert WANG.id_number not in str([r.ids.button.text for r in scr.ids.licence_list.children])

    open_preview(scr, "L0001")
    (page,) = scr.ids.pages.children
    assert page.texture is not None and abs(page.ratio - 297 / 210) < 0.01
    assert scr.ids.licence_title.text == "营业执照（副本）" and not scr.ids.print_button.disabled

    sim = app.services.demo.printer_sim
    before = set(app.services.demo.cupsd.out_dir.glob("licence-*-job_*.pdf"))
    print_it(app, scr)
    assert scr.result_ok == "ok" and scr.ids.result_title.text == "打印完成"

    # The slip, with the terminal and the time that the mark on the page carries.
    wait_until(lambda: len(sim.jobs) == 1, 20, "the slip to print")
    slip = sim.jobs[-1].transcript
    assert "证照自助打印凭条" in slip and "营业执照（副本）" in slip and app.cfg.terminal.id in slip
    found = re.search(r"打印时间\D*(\d{4}-\d\d-\d\d)\s*(\d\d:\d\d)", slip)
    assert found, slip
    when = datetime.strptime(" ".join(found.groups()),
                             "%Y-%m-%d %H:%M").replace(tzinfo=hours.TZ)

    # What came out of CUPS: the PDF a newcomer opens in DATA_DIR/a4-pdf.
    # Printed, it left CUPS with its document (no copy of the licence stays in the spool).
    cupsd, a4 = app.services.demo.cupsd, app.services.a4
    assert a4.recent_jobs() == []
    (out,) = set(cupsd.out_dir.glob("licence-*-job_*.pdf")) - before
    assert out.name.startswith("licence-L0001")      # cups-pdf names it by the job's title: no name there
    assert [is_a4(s) for s in page_sizes(out)] == [True]
    assert decode_qr(out) == [row(scr, "L0001").licence.verify_url]
    (picture,) = page_images(out, tmp_path)
    picture = picture.resize((2480, 3508))
    right, other_terminal, other_time = mark_distances(picture, when, app.cfg.terminal.id, "OTHER-T99",
                                                       when.replace(hour=(when.hour + 1) % 24))
    assert other_terminal > 3 * right and other_time > 3 * right, (right, other_terminal, other_time)

    assert scr.ids.result_other.text == "完成" and scr.flow.licence is not None, scr.ids.result_other.text
    tap(scr.ids.result_other)                       # 完成 → 好差评
    run_for(0.1)
    assert app.current_screen == "evaluation"


def test_screens_fit_in_every_orientation_language_and_elder_mode(demo_app):
    app = demo_app
    scr = open_screen(app)
    kivyhelp.shoot_all(app, "licences-start")
    insert_card(scr)
    kivyhelp.shoot_all(app, "licences-list")
    open_preview(scr, "L0001")
    kivyhelp.shoot_all(app, "licences-preview")
    print_it(app, scr)
    assert scr.result_ok == "ok"
    kivyhelp.shoot_all(app, "licences-result")


@pytest.mark.parametrize("fault", ["cupsdisable", "cupsreject"])
def test_a_queue_that_cannot_print_is_said_before_choosing(demo_app, fault):
    app = demo_app
    cupsd = app.services.demo.cupsd
    cupsd.lp(fault, cupsd.queue)
    scr = open_screen(app)
    insert_card(scr)
    assert scr.printer_state == "not_ready"
    assert scr.ids.printer_label.text.startswith("证照打印机暂时不能使用")
    assert "综合窗口" in scr.ids.printer_label.text
    helper_button = next(c for c in scr.ids.printer_line.children if c is not scr.ids.printer_label)
    assert helper_button.text == "呼叫帮办" and helper_button.width > 100
    if fault == "cupsdisable":
        kivyhelp.shoot_all(app, "licences-list-printer-down")
    open_preview(scr, "L0001")
    assert scr.ids.print_button.disabled and scr.ids.preview_printer.text == scr.ids.printer_label.text
    assert app.services.a4.recent_jobs() == [] or all(j.state == "completed" for j in app.services.a4.recent_jobs())
    # One 呼叫帮办 on the preview (the bar's), not two with one meaning.
    helpers = [w for w in app.root.walk() if getattr(w, "text", "") == "呼叫帮办" and w.get_root_window()]
    assert helpers == [app.root.ids.help_button]
    tap(app.root.ids.help_button)
    run_for(0.1)
    assert app.current_screen == "help"


def test_a_held_job_is_said_and_a_helper_prints_it_again(demo_app):
    app = demo_app
    cupsd = app.services.demo.cupsd
    scr = open_screen(app)
    insert_card(scr)
    open_preview(scr, "L0001")
    cupsd.lp("lpadmin", "-p", cupsd.queue, "-o", "job-hold-until-default=indefinite")
    print_it(app, scr)
    assert scr.result_ok == "failed" and scr.ids.result_title.text == "没有打印成功"
    assert "工作人员可以为您重新打印" in scr.ids.result_words.text
    assert scr.ids.reprint_button.parent is None                # a citizen has no reprint button
    assert scr.ids.result_other.text == "呼叫帮办"
    kivyhelp.shoot_all(app, "licences-result-failed")

    held = app.services.a4.recent_jobs(1)[0]
    assert held.state == "held"
    cupsd.lp("lpadmin", "-p", cupsd.queue, "-o", "job-hold-until-default=no-hold")
    app.staff_mode = "helper"                                    # as the PIN gate leaves it
    scr.flow._changed()
    assert scr.ids.reprint_button.parent is not None
    tap(scr.ids.reprint_button)
    wait_until(lambda: settled(scr, "result") and scr.result_ok == "ok", 90, "the reprint")
    close_slip_dialog()
    # The held job itself printed (no second job), then left CUPS with its document.
    assert app.services.a4.recent_jobs() == []
    assert list(cupsd.out_dir.glob(f"licence-*-job_{held.job_id}.pdf"))


def test_a_finished_case_leads_to_its_licence(demo_app):
    app = demo_app
    tile = next(t for t in app.screen("home").ids.tiles.children if t.target == "cases")
    tap(tile)
    cases = app.screen("cases")
    tap(cases.ids.demo_button)
    wait_until(lambda: cases.stage == "list" and not cases.busy, 15, "the case list")
    btn = next(b for b in cases.ids.case_list.children if CASE_1 in b.text)
    cases.ids.case_list.parent.scroll_to(btn, padding=0, animate=False)
    run_for(0.05)
    tap(btn)
    assert cases.ids.licence_button.parent is not None
    tap(cases.ids.licence_button)
    run_for(0.05)
    assert app.current_screen == "licences"
    scr = app.screen("licences")
    wait_until(lambda: settled(scr, "list"), 20, "the licence list")
    assert row(scr, "L0001").highlight and not row(scr, "L0002").highlight


def test_the_card_taken_away_clears_the_screen(demo_app):
    app = demo_app
    scr = open_screen(app)
    insert_card(scr)
    open_preview(scr, "L0001")
    app.demo_toggle_card()                                       # the card leaves the reader
    wait_until(lambda: scr.stage == "start", 15, "the screen to clear")
    assert scr.ids.note.text == "身份证已取走，证照信息已清除。"
    assert list(scr.ids.licence_list.children) == [] and scr.flow.preview == [] and scr.greeting == ""


def test_the_demo_card_button_is_whole_above_the_footer_in_every_look(demo_app):
    """In elder mode, landscape, the start card's pictogram pushed the demo's 放置身份证 button under the
    footer (only its top edge showed)."""
    app = demo_app
    scr = open_screen(app)
    try:
        for look in kivyhelp.every_look(app):
            run_for(0.05)
            btn = scr.ids.demo_button
            _x, bottom = btn.to_window(btn.x, btn.y)
            _x, floor = scr.to_window(scr.x, scr.y)
            assert bottom >= floor - 1, (look, bottom, floor)
    finally:
        app.set_language("zh_CN")
        app.set_elder(False)


def test_cards_side_by_side_start_at_the_same_height(demo_app):
    """Landscape shows the licences two by two: a card of fewer lines beside a longer one starts level with
    it (it was set at the row's bottom); upright, one a row, each is as tall as its words."""
    app = demo_app
    scr = open_screen(app)
    insert_card(scr)
    try:
        for size in ((1920, 1080), (1080, 1920)):
            for elder in (False, True):
                kivyhelp.set_window(size)
                app.set_elder(elder)
                run_for(0.1)
                grid = scr.ids.licence_list
                cards = list(reversed(grid.children))          # in the order shown
                assert len(cards) >= 2
                heights = {round(c.ids.button.height) for c in cards}
                assert len(heights) > 1, "the demo's two licences should differ in length"
                for i in range(0, len(cards), grid.cols):
                    pair = cards[i:i + grid.cols]
                    assert len({round(c.ids.button.top) for c in pair}) == 1, (size, elder)
                for c in cards:
                    assert c.ids.button.top <= c.top + 1 and c.ids.button.y >= c.y - 1, (size, elder)
                    if grid.cols == 1:
                        assert c.height == pytest.approx(c.size_hint_min_y, abs=1), (size, elder)
    finally:
        app.set_elder(False)
        kivyhelp.set_window((1920, 1080))
