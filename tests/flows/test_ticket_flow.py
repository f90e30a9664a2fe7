"""排队取号 as rules: one queue, a general ticket by itself after the countdown, a common item in one tap,
绿色通道, business hours only when configured, one number per request, back through the levels."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, time, timedelta

from fixed_clock import FixedClock

from kiosk import hours
from kiosk.api.errors import Unavailable
from kiosk.config import HoursSection
from kiosk.flows.ticket import AUTO_SECONDS, NO_SUCH_ITEM, NOT_TAKEN_NETWORK, PRINTER_DOWN, Stage, TicketFlow

from .conftest import OPEN

CLOSED = datetime(2026, 6, 6, 10, 0, tzinfo=hours.TZ)      # a Saturday
CENTER_HOURS = HoursSection(weekdays=(1, 2, 3, 4, 5), periods=((time(9, 0), time(12, 0)), (time(13, 0), time(17, 0))))


def started(deps, code: str = "") -> TicketFlow:
    flow = TicketFlow(deps)
    flow.start(code)
    assert flow.busy and deps.runner.run_all() == 1
    return flow


def test_the_countdown_takes_a_general_ticket_by_itself(deps, server):
    clock = deps.now = FixedClock(OPEN)
    flow = started(deps)
    assert flow.stage == Stage.START and flow.seconds_left() == AUTO_SECONDS
    clock.at += timedelta(seconds=AUTO_SECONDS - 1)
    flow.tick()
    assert not deps.runner.pending and flow.seconds_left() == 1
    clock.at += timedelta(seconds=1)
    flow.tick()
    flow.tick()                             # ticks while the request is on its way: one request
    assert len(deps.runner.pending) == 1 and flow.seconds_left() == 0
    deps.runner.run_all()
    t = flow.ticket
    assert flow.stage == Stage.TICKET and re.fullmatch(r"A\d{3}", t.number) and not t.priority
    assert (t.service_code, t.wait_area, t.window) == (None, "综合服务区", "综合窗口")
    receipt, kind, summary = deps.print_slip[-1]
    slip = flow.slip()
    assert kind == "ticket" and t.number in summary and slip["service"] == "" and slip["url"] == t.status_url
    assert server.received("tickets")[-1]["service_code"] is None
    flow.finish()
    tx = deps.finished[-1]
    assert (tx.kind, tx.reference, tx.service_code) == ("ticket", t.number, "")


def test_elder_mode_waits_twice_as_long(deps):
    deps.elder = lambda: True
    flow = started(deps)
    assert flow.seconds_left() == 2 * AUTO_SECONDS


def test_a_common_item_in_one_tap(deps, server):
    flow = started(deps)
    popular = flow.popular()
    assert [s.popular for s in popular] == list(range(1, len(popular) + 1)) and popular[0].name == "个体工商户设立登记"
    flow.choose_popular(popular[0])
    flow.choose_popular(popular[1])         # a second tap while the first is on its way: ignored
    assert len(deps.runner.pending) == 1
    deps.runner.run_all()
    t = flow.ticket
    assert flow.stage == Stage.TICKET and t.service_code == "370104-SCJG-001" and t.delegable
    slip = flow.slip()
    assert slip["service"] == "个体工商户设立登记" and slip["delegable"] and slip["wait_area"] == "综合服务区"
    # The request's key gives the same number: a retry never takes a second one.
    assert deps.api().create_ticket("370104-SCJG-001", idempotency_key=flow.idempotency_key).number == t.number
    assert flow.seconds_left() == 0


def test_priority_is_chosen_on_the_start_stage_and_restarts_the_countdown(deps, server):
    clock = deps.now = FixedClock(OPEN)
    flow = started(deps)
    clock.at += timedelta(seconds=5)
    flow.toggle_priority()
    assert flow.priority and flow.seconds_left() == AUTO_SECONDS      # time to pick an item as well
    flow.take_general()
    deps.runner.run_all()
    assert flow.ticket.priority and flow.ticket.number.startswith("V")
    assert server.received("tickets")[-1]["priority"] is True


def test_other_items_stop_the_countdown_and_back_returns_to_start(deps):
    clock = deps.now = FixedClock(OPEN)
    flow = started(deps)
    flow.other_items()
    assert flow.stage == Stage.CATEGORIES and flow.seconds_left() == 0
    cats = dict(flow.categories())
    assert len(cats) == 9 and sum(cats.values()) == 62
    flow.choose_category("民政")
    flow.choose_service(flow.items()[0])
    assert flow.back() and flow.stage == Stage.ITEMS and flow.service is None
    assert flow.back() and flow.stage == Stage.CATEGORIES and flow.category == ""
    assert flow.back() and flow.stage == Stage.START
    clock.at += timedelta(seconds=60)
    flow.tick()
    assert not deps.runner.pending           # no general ticket behind the back of someone choosing
    assert flow.back() is False


def test_choose_confirm_take_with_priority(deps, server):
    flow = started(deps)
    flow.other_items()
    flow.choose_category("市场监管")
    assert flow.stage == Stage.ITEMS and all(s.category == "市场监管" for s in flow.items())
    flow.choose_service(next(s for s in flow.items() if s.name == "个体工商户变更登记"))
    assert flow.stage == Stage.CONFIRM
    general_key = flow.idempotency_key
    flow.toggle_priority()
    assert flow.idempotency_key != general_key   # another request: another key
    flow.take_number()
    flow.take_number()
    assert len(deps.runner.pending) == 1
    deps.runner.run_all()
    assert flow.stage == Stage.TICKET and flow.ticket.number.startswith("V")
    assert flow.ticket.service_name == "个体工商户变更登记" and flow.printed_job == 1
    flow.finish()
    assert deps.finished[-1].service_code == "370104-SCJG-002"
    assert flow.stage == Stage.START and flow.ticket is None and flow.idempotency_key == "" and not flow.priority


def test_from_the_guide_goes_straight_to_confirm(deps):
    flow = started(deps, "370104-MZJ-005")
    assert flow.stage == Stage.CONFIRM and flow.service.code == "370104-MZJ-005" and flow.seconds_left() == 0
    assert flow.back() is False             # 返回 leaves for the guide item they came from


def test_unknown_code_says_so_and_shows_the_list(deps):
    flow = started(deps, "NO-SUCH-CODE")
    assert flow.stage == Stage.CATEGORIES and flow.message.msgid == NO_SUCH_ITEM


def test_no_hours_configured_means_no_closed_screen(deps):
    deps.now = lambda: CLOSED               # a Saturday: the center's hours are not known here
    assert deps.cfg.hours is None
    flow = started(deps)
    assert flow.stage == Stage.START


def test_closed_hours_say_when_in_both_languages(deps):
    deps.cfg = replace(deps.cfg, hours=CENTER_HOURS)
    deps.now = lambda: CLOSED
    flow = TicketFlow(deps)
    flow.start()
    assert flow.stage == Stage.CLOSED and not deps.runner.pending and flow.seconds_left() == 0
    zh = "\n".join(m.render("zh_CN") for m in flow.closed_lines)
    assert zh == "现在不是取号时间。取号时间：周一至周五 9:00-12:00，13:00-17:00\n下次可以取号：6月8日 周一 9:00"
    assert "\n".join(m.render("en") for m in flow.closed_lines).endswith("Mon 8 Jun 9:00")
    deps.now = lambda: OPEN
    flow.start()
    assert flow.stage == Stage.START


def test_printer_down_takes_no_number(deps):
    printer = [False]
    deps.printer_ok = lambda: printer[0]
    clock = deps.now = FixedClock(OPEN)
    flow = started(deps)
    clock.at += timedelta(seconds=AUTO_SECONDS)
    flow.tick()
    assert not deps.runner.pending and flow.message.msgid == PRINTER_DOWN and flow.stage == Stage.START
    printer[0] = True
    flow.take_general()
    deps.runner.run_all()
    assert flow.stage == Stage.TICKET


def test_network_down_then_retry_gives_one_number(deps, server):
    flow = started(deps)
    flow.other_items()
    flow.choose_category("民政")
    flow.choose_service(flow.items()[0])
    key = flow.idempotency_key
    flow.take_number()
    deps.runner.pending[0].fail(Unavailable("connection refused"))
    assert flow.stage == Stage.CONFIRM and not flow.busy and flow.message.msgid == NOT_TAKEN_NETWORK
    before = len(server.received("tickets"))
    flow.take_number()                      # the same request: the same key
    assert flow.idempotency_key == key
    deps.runner.run_all()
    assert flow.stage == Stage.TICKET and len(server.received("tickets")) == before + 1


def test_a_failed_general_ticket_is_retried_with_the_same_key(deps):
    flow = started(deps)
    flow.take_general()
    key = flow.idempotency_key
    deps.runner.pending[0].fail(Unavailable("timeout"))
    assert flow.stage == Stage.START and flow.message.msgid == NOT_TAKEN_NETWORK
    flow.take_general()
    assert flow.idempotency_key == key
    deps.runner.run_all()
    assert flow.stage == Stage.TICKET


def test_a_late_answer_for_a_list_left_behind_is_dropped(deps):
    flow = TicketFlow(deps)
    flow.start()
    first = deps.runner.pending[0]
    flow.start()                            # the citizen came back: a new request
    deps.runner.pending[-1].run()
    popular = flow.popular()
    first.fail(Unavailable("late"))         # the old request's failure arrives last
    assert flow.message is None and flow.popular() == popular


def test_reset_forgets_the_number(deps):
    flow = started(deps, "370104-MZJ-005")
    flow.toggle_priority()
    flow.take_number()
    deps.runner.run_all()
    assert flow.ticket is not None
    flow.reset()
    assert flow.ticket is None and flow.service is None and flow.stage == Stage.START and not flow.priority


def test_opened_before_the_network_is_up_it_loads_when_the_network_comes(deps):
    """A citizen who opens 取号 in the first second after start-up (the services not ready yet) saw
    "网络异常" and no common items until they came back; now the items come when the network does."""
    from dataclasses import replace as _replace

    ready = _replace(deps, reference=lambda: None)
    flow = TicketFlow(ready)
    flow.start()
    assert flow.stage == Stage.START and flow.popular() == [] and not ready.runner.pending
    assert flow.message is not None
    flow.deps = deps                         # the services are up now
    flow.network_ready()
    assert flow.busy and deps.runner.run_all() == 1
    assert flow.popular() and flow.message is None
    flow.network_ready()                     # already loaded: nothing more is asked
    assert not deps.runner.pending
