"""排队取号 end to end against the demo API and the simulated printer. The clock is always replaced
(kiosk.hours.now), so the tests do not depend on the day or hour they run."""

import re
from datetime import datetime

import kivyhelp
import pytest
from kivyhelp import run_for, tap, wait_until

from kiosk import hours

OPEN = datetime(2026, 6, 1, 10, 0, tzinfo=hours.TZ)        # a Monday morning
CLOSED = datetime(2026, 6, 6, 10, 0, tzinfo=hours.TZ)      # a Saturday


@pytest.fixture
def open_now(monkeypatch):
    monkeypatch.setattr(hours, "now", lambda: OPEN)


@pytest.fixture(autouse=True)
def _settle(demo_app):
    # Let pending label updates (from the last language switch) run while the app still exists.
    yield
    run_for(0.1)


def shoot_all(app, name):
    kivyhelp.shoot_all(app, f"ticket-{name}")


def open_screen(app):
    tile = next(t for t in app.screen("home").ids.tiles.children if t.target == "ticket")
    tap(tile)
    assert app.sm.current == "ticket"
    scr = app.screen("ticket")
    wait_until(lambda: scr.ids.category_grid.children, 15, "categories")
    return scr


def button(grid, text):
    return next(b for b in grid.children if b.text.startswith(text))


def test_choose_confirm_take_print_finish(demo_app, open_now):
    scr = open_screen(demo_app)
    assert len(scr.ids.category_grid.children) == 9
    shoot_all(demo_app, "categories")
    tap(button(scr.ids.category_grid, "市场监管"))
    assert scr.stage == "items"
    shoot_all(demo_app, "items")
    tap(button(scr.ids.item_grid, "个体工商户设立登记"))
    assert scr.stage == "confirm"
    assert scr.ids.confirm_window.text == "办理窗口：A区 1-3号窗口"
    key = scr.idempotency_key
    shoot_all(demo_app, "confirm")

    sim = demo_app.services.demo.printer_sim
    tap(scr.ids.take_button)
    scr.take_number()                       # a second tap while the first is on its way: ignored
    wait_until(lambda: scr.stage == "ticket" and not scr.ids.stages.transition.is_active, 15, "ticket")
    number = scr.ids.number.text
    assert re.fullmatch(r"A\d{3}", number)
    assert scr.ids.ticket_window.text == "办理窗口：A区 1-3号窗口"
    assert scr.ids.ticket_waiting.text.startswith("前面还有 ")
    # The same confirm screen's key asks the server again: the same number, not a second one.
    again = demo_app.services.api.create_ticket(scr.service.code, idempotency_key=key)
    assert again.number == number
    wait_until(lambda: len(sim.jobs) == 1, 20, "the ticket to print")     # printed without asking
    assert number in sim.jobs[-1].transcript and "个体工商户设立登记" in sim.jobs[-1].transcript
    from kivy.core.window import Window

    from screens.dialogs.print_dialog import PrintDialog
    wait_until(lambda: any(isinstance(w, PrintDialog) for w in Window.children), 10, "print dialog")
    dialog = next(w for w in Window.children if isinstance(w, PrintDialog))
    wait_until(lambda: dialog.status == "printed", 10, "print dialog")
    tap(dialog.ids.close_button)
    shoot_all(demo_app, "number")

    tap(scr.ids.done_button)
    tx = demo_app.session.transactions[-1]
    assert (tx.kind, tx.reference, tx.service_code) == ("ticket", number, "370104-SCJG-001")
    assert scr.ticket is None and scr.stage == "categories"


def test_from_the_guide_with_a_service_code(demo_app, open_now):
    demo_app.go("ticket", service_code="370104-MZJ-005")
    scr = demo_app.screen("ticket")
    wait_until(lambda: scr.stage == "confirm" and not scr.ids.stages.transition.is_active, 15, "confirm")
    assert scr.service.code == "370104-MZJ-005"
    assert scr.ids.confirm_service.text == scr.service.name
    demo_app.set_language("en")
    run_for(0.05)
    assert scr.ids.confirm_service.text == scr.service.name_en
    assert scr.ids.take_button.text == "Take a number"
    demo_app.set_language("zh_CN")


def test_outside_business_hours_says_when(demo_app, monkeypatch):
    monkeypatch.setattr(hours, "now", lambda: CLOSED)
    demo_app.go("ticket")
    scr = demo_app.screen("ticket")
    assert scr.stage == "closed"
    assert scr.ids.closed_label.text == ("现在不是取号时间。取号时间：周一至周五 9:00-12:00，13:00-17:00\n"
                                         "下次可以取号：6月8日 周一 9:00")
    shoot_all(demo_app, "closed")
    demo_app.set_language("en")
    assert scr.ids.closed_label.text.startswith(
        "Queue numbers are not given out now. Opening hours: Mon-Fri 9:00-12:00, 13:00-17:00\n")
    assert scr.ids.closed_label.text.endswith("Mon 8 Jun 9:00")
    demo_app.set_language("zh_CN")
    tap(scr.ids.closed_home)
    assert demo_app.sm.current == "home"


def test_network_down_then_retry_gives_one_number(demo_app, open_now):
    scr = open_screen(demo_app)
    tap(button(scr.ids.category_grid, "民政"))
    tap(scr.ids.item_grid.children[-1])
    key = scr.idempotency_key
    faults = demo_app.services.demo.api_server.faults
    faults.error_rate = 1.0
    tap(scr.ids.take_button)
    wait_until(lambda: not scr.busy, 20, "the request to fail")
    assert scr.stage == "confirm"
    assert scr.ids.message.text == "网络异常，没有取到号，请稍后再试"
    shoot_all(demo_app, "network-down")
    # The failed request itself marks the API down: no second try into a dead network...
    wait_until(lambda: not demo_app.api_ok, 5, "the API state to follow the failure")
    assert scr.ids.take_button.disabled
    faults.reset()
    # ...and the button comes back by itself once the API answers again (the health check while down).
    wait_until(lambda: demo_app.api_ok, 10, "the API back")
    tap(scr.ids.take_button)                # retry with the same key
    wait_until(lambda: scr.stage == "ticket" and not scr.ids.stages.transition.is_active, 15, "ticket")
    assert scr.idempotency_key == key
    assert scr.ids.number.text.startswith("C")


def test_printer_out_stops_ticketing(demo_app, open_now):
    demo_app.services.demo.printer_sim.set_paper("out")
    wait_until(lambda: not demo_app.printer_ok, 10, "printer state")
    tile = next(t for t in demo_app.screen("home").ids.tiles.children if t.target == "ticket")
    assert tile.disabled and "打印机暂不可用" in tile.text
    demo_app.go("ticket", service_code="370104-SCJG-001")
    scr = demo_app.screen("ticket")
    wait_until(lambda: scr.stage == "confirm" and not scr.ids.stages.transition.is_active, 15, "confirm")
    assert scr.ids.notice.text == "打印机暂不可用，暂时不能取号，请联系工作人员。"
    assert scr.ids.take_button.disabled


def test_api_down_uses_the_cached_list_and_says_it_may_be_old(demo_app, open_now):
    scr = open_screen(demo_app)                 # the list is fetched (and cached) once
    tap(scr.ids.category_grid.children[-1])
    demo_app.home()
    faults = demo_app.services.demo.api_server.faults
    faults.error_rate = 1.0
    demo_app.go("ticket")
    wait_until(lambda: not scr.busy and scr.ids.category_grid.children, 20, "the list from the cache")
    assert scr.stage == "categories"
    assert scr.ids.stale_note.text == "事项列表可能不是最新"
    faults.reset()


def test_api_down_without_a_cached_list(demo_app, open_now):
    faults = demo_app.services.demo.api_server.faults
    faults.error_rate = 1.0
    cache_dir = demo_app.services.reference.cache
    for name in ("services",):
        path = cache_dir._path(name)
        if path.exists():
            path.unlink()
    demo_app.go("ticket")
    scr = demo_app.screen("ticket")
    wait_until(lambda: not scr.busy, 20, "the list to fail")
    assert scr.ids.message.text == "网络异常，暂时不能取号，请稍后再试"
    assert not scr.ids.category_grid.children
    shoot_all(demo_app, "no-list")
    faults.reset()
