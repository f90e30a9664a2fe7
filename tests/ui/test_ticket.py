"""排队取号 end to end against the demo API and the simulated printer, in a real window. The clock is always
replaced (kiosk.hours.now), so the tests do not depend on the day or hour they run, and the countdown to a
general ticket moves only when a test moves the clock."""

from datetime import datetime, time, timedelta

import kivyhelp
import pytest
from fixed_clock import FixedClock
from kivyhelp import run_for, wait_until

from kiosk import hours
from kiosk.config import HoursSection
from kiosk.flows.ticket import AUTO_SECONDS

OPEN = datetime(2026, 6, 1, 10, 0, tzinfo=hours.TZ)        # a Monday morning
CLOSED = datetime(2026, 6, 6, 10, 0, tzinfo=hours.TZ)      # a Saturday


@pytest.fixture
def clock(demo_app, monkeypatch):
    c = FixedClock(OPEN)
    monkeypatch.setattr(hours, "now", c)
    yield c
    demo_app.home()         # the ticket screen stops its clock before the real time comes back


@pytest.fixture(autouse=True)
def _settle(demo_app):
    # Let pending label updates (from the last language switch) run while the app still exists.
    yield
    run_for(0.1)


class Taps(list):
    """Real taps (kivyhelp.tap), counted."""

    def __call__(self, widget) -> None:
        self.append(getattr(widget, "text", ""))
        kivyhelp.tap(widget)


def shoot_all(app, name):
    kivyhelp.shoot_all(app, f"ticket-{name}")


def home_tile(app):
    return next(t for t in app.screen("home").ids.tiles.children if t.target == "ticket")


def open_screen(app, tap):
    tap(home_tile(app))
    assert app.sm.current == "ticket"
    scr = app.screen("ticket")
    wait_until(lambda: scr.ids.popular_grid.children, 15, "the common items")
    return scr


def button(grid, text):
    return next(b for b in grid.children if b.text.startswith(text))


def printed(app, n):
    sim = app.services.demo.printer_sim
    wait_until(lambda: len(sim.jobs) == n, 20, "the ticket to print")
    return sim.jobs[-1].transcript


def close_print_dialog():
    from kivy.core.window import Window

    from screens.dialogs.print_dialog import PrintDialog
    wait_until(lambda: any(isinstance(w, PrintDialog) for w in Window.children), 30, "print dialog")
    dialog = next(w for w in Window.children if isinstance(w, PrintDialog))
    wait_until(lambda: dialog.status == "printed", 30, "print dialog")
    kivyhelp.tap(dialog.ids.close_button)


def test_one_tap_from_home_prints_a_general_ticket(demo_app, clock):
    tap = Taps()
    scr = open_screen(demo_app, tap)
    assert scr.stage == "start" and scr.ids.countdown.text == f"不选事项也可以：{int(AUTO_SECONDS)} 秒后自动取号"
    shoot_all(demo_app, "start")
    clock.at += timedelta(seconds=AUTO_SECONDS)          # nobody chose anything: the countdown runs out
    transcript = printed(demo_app, 1)
    assert len(tap) == 1                                  # 取号 on the home screen, nothing else
    wait_until(lambda: scr.stage == "ticket" and not scr.ids.stages.transition.is_active, 15, "ticket")
    number = scr.ids.number.text
    assert number.startswith("A") and number in transcript and "未选事项，到窗口说明即可" in transcript
    assert "等候区域：综合服务区" in transcript and "办理窗口：综合窗口" in transcript
    assert f"[QR {scr.ticket.status_url}]" in transcript
    assert scr.ids.ticket_window.text == "请在综合服务区等候叫号，到综合窗口办理"
    assert scr.ids.ticket_service.text == "未选事项，到窗口说明即可"
    assert scr.ids.ticket_qr.data == scr.ticket.status_url
    close_print_dialog()
    kivyhelp.tap(scr.ids.done_button)
    tx = demo_app.session.transactions[-1]
    assert (tx.kind, tx.reference, tx.service_code) == ("ticket", number, "")


def test_two_taps_from_home_print_a_ticket_with_a_common_item(demo_app, clock):
    tap = Taps()
    scr = open_screen(demo_app, tap)
    tap(button(scr.ids.popular_grid, "个体工商户设立登记"))
    transcript = printed(demo_app, 1)
    assert len(tap) == 2
    wait_until(lambda: scr.stage == "ticket" and not scr.ids.stages.transition.is_active, 15, "ticket")
    number = scr.ids.number.text
    assert number in transcript and "办理业务：个体工商户设立登记" in transcript
    assert "代办服务：本事项可申请帮代办" in transcript
    assert scr.ids.ticket_delegable.text == "本事项可申请帮代办"
    assert scr.ids.ticket_waiting.text.startswith("前面还有 ")
    close_print_dialog()
    shoot_all(demo_app, "number")
    kivyhelp.tap(scr.ids.done_button)
    tx = demo_app.session.transactions[-1]
    assert (tx.kind, tx.reference, tx.service_code) == ("ticket", number, "370104-SCJG-001")
    assert scr.ticket is None and scr.stage == "start"


def test_priority_is_chosen_on_the_ticket_screen(demo_app, clock):
    tap = Taps()
    scr = open_screen(demo_app, tap)
    tap(scr.ids.priority_button)
    assert scr.priority and scr.ids.priority_button.text == "已选绿色通道（点此取消）"
    shoot_all(demo_app, "priority-chosen")
    tap(scr.ids.general_button)
    transcript = printed(demo_app, 1)
    assert len(tap) == 3
    wait_until(lambda: scr.stage == "ticket" and not scr.ids.stages.transition.is_active, 15, "ticket")
    assert scr.ids.number.text.startswith("V") and "排队凭条（绿色通道）" in transcript
    close_print_dialog()
    shoot_all(demo_app, "priority-number")


def test_other_items_and_from_the_guide(demo_app, clock):
    tap = Taps()
    scr = open_screen(demo_app, tap)
    tap(scr.ids.other_button)
    assert scr.stage == "categories" and len(scr.ids.category_grid.children) == 9
    assert scr.ids.countdown.text == ""
    shoot_all(demo_app, "categories")
    tap(button(scr.ids.category_grid, "民政"))
    shoot_all(demo_app, "items")
    demo_app.home()
    demo_app.go("ticket", service_code="370104-MZJ-005")
    wait_until(lambda: scr.stage == "confirm" and not scr.ids.stages.transition.is_active, 15, "confirm")
    assert scr.service.code == "370104-MZJ-005"
    assert scr.ids.confirm_service.text == scr.service.name
    assert scr.ids.confirm_window.text == "办理窗口：综合服务区 综合窗口"
    assert scr.ids.confirm_department.text == "审批部门：槐荫区民政局"
    shoot_all(demo_app, "confirm")
    demo_app.set_language("en")
    run_for(0.05)
    assert scr.ids.confirm_service.text == scr.service.name_en
    assert scr.ids.take_button.text == "Take a number"
    demo_app.set_language("zh_CN")


def test_no_hours_configured_no_closed_screen(demo_app, clock):
    clock.at = CLOSED
    assert demo_app.cfg.hours is None
    demo_app.go("ticket")
    scr = demo_app.screen("ticket")
    assert scr.stage == "start"
    wait_until(lambda: scr.ids.popular_grid.children, 15, "the common items")


def test_outside_configured_hours_says_when(demo_app, clock):
    from dataclasses import replace

    clock.at = CLOSED
    deps = demo_app.flow_deps()
    deps.cfg = replace(deps.cfg, hours=HoursSection(weekdays=(1, 2, 3, 4, 5),
                                                    periods=((time(9, 0), time(12, 0)), (time(13, 0), time(17, 0)))))
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
    kivyhelp.tap(scr.ids.closed_home)
    assert demo_app.sm.current == "home"


def test_network_down_then_retry_gives_one_number(demo_app, clock):
    tap = Taps()
    scr = open_screen(demo_app, tap)
    tap(scr.ids.other_button)
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
    assert scr.ids.number.text.startswith("A")
    assert len(demo_app.services.demo.api_server.received("tickets")) == 1


def test_printer_out_stops_ticketing(demo_app, clock):
    demo_app.services.demo.printer_sim.set_paper("out")
    wait_until(lambda: not demo_app.printer_ok, 10, "printer state")
    tile = home_tile(demo_app)
    assert tile.disabled and "打印机暂不可用" in tile.text
    demo_app.go("ticket")
    scr = demo_app.screen("ticket")
    wait_until(lambda: scr.ids.popular_grid.children, 15, "the common items")
    assert scr.ids.notice.text == "打印机暂不可用，暂时不能取号，请联系工作人员。"
    assert scr.ids.general_button.disabled
    clock.at += timedelta(seconds=AUTO_SECONDS)          # the countdown runs out: still no number
    run_for(0.6)
    assert scr.stage == "start" and not demo_app.services.demo.api_server.received("tickets")
    demo_app.home()
    demo_app.go("ticket", service_code="370104-SCJG-001")
    wait_until(lambda: scr.stage == "confirm" and not scr.ids.stages.transition.is_active, 15, "confirm")
    assert scr.ids.take_button.disabled


def test_api_down_uses_the_cached_list_and_says_it_may_be_old(demo_app, clock):
    scr = open_screen(demo_app, Taps())                   # the list is fetched (and cached) once
    demo_app.home()
    faults = demo_app.services.demo.api_server.faults
    faults.error_rate = 1.0
    demo_app.go("ticket")
    wait_until(lambda: not scr.busy and scr.ids.popular_grid.children, 20, "the list from the cache")
    assert scr.stage == "start"
    assert scr.ids.stale_note.text == "事项列表可能不是最新"
    faults.reset()


def test_api_down_without_a_cached_list(demo_app, clock):
    faults = demo_app.services.demo.api_server.faults
    faults.error_rate = 1.0
    cache_dir = demo_app.services.reference.cache
    path = cache_dir._path("services")
    if path.exists():
        path.unlink()
    demo_app.go("ticket")
    scr = demo_app.screen("ticket")
    wait_until(lambda: not scr.busy, 20, "the list to fail")
    assert scr.ids.message.text == "网络异常，暂时不能取号，请稍后再试"
    assert not scr.ids.popular_grid.children
    shoot_all(demo_app, "no-list")
    faults.reset()
