"""排队取号 as rules: business hours, one number per confirm, back through the levels, late answers."""

from __future__ import annotations

import re
from datetime import datetime

from kiosk import hours
from kiosk.api.errors import Unavailable
from kiosk.flows.ticket import NO_SUCH_ITEM, NOT_TAKEN_NETWORK, Stage, TicketFlow

CLOSED = datetime(2026, 6, 6, 10, 0, tzinfo=hours.TZ)      # a Saturday


def started(deps, code: str = "") -> TicketFlow:
    flow = TicketFlow(deps)
    flow.start(code)
    assert flow.busy and deps.runner.run_all() == 1
    return flow


def test_choose_confirm_take_print_finish(deps, server):
    flow = started(deps)
    changes = []
    flow.subscribe(lambda: changes.append(flow.stage))
    cats = dict(flow.categories())
    assert len(cats) == 9 and sum(cats.values()) == 62
    flow.choose_category("市场监管")
    assert flow.stage == Stage.ITEMS and all(s.category == "市场监管" for s in flow.items())
    flow.choose_service(next(s for s in flow.items() if s.name == "个体工商户设立登记"))
    assert flow.stage == Stage.CONFIRM and changes[-1] == Stage.CONFIRM
    key = flow.idempotency_key
    flow.take_number()
    flow.take_number()                      # a second tap while the first is on its way: ignored
    assert len(deps.runner.pending) == 1
    deps.runner.run_all()
    assert flow.stage == Stage.TICKET and re.fullmatch(r"A\d{3}", flow.ticket.number)
    assert len(server.received("tickets")) >= 1
    receipt, kind, summary = deps.print_slip[-1]
    assert kind == "ticket" and flow.ticket.number in summary and flow.printed_job == 1
    number = flow.ticket.number
    # The same confirm's key gives the same number: a retry never takes a second one.
    assert deps.api().create_ticket(flow.service.code, idempotency_key=key).number == number
    flow.finish()
    tx = deps.finished[-1]
    assert (tx.kind, tx.reference, tx.service_code) == ("ticket", number, "370104-SCJG-001")
    assert flow.stage == Stage.CATEGORIES and flow.ticket is None and flow.idempotency_key == ""


def test_from_the_guide_goes_straight_to_confirm(deps):
    flow = started(deps, "370104-MZJ-005")
    assert flow.stage == Stage.CONFIRM and flow.service.code == "370104-MZJ-005"
    assert flow.back() is False             # 返回 leaves for the guide item they came from


def test_unknown_code_says_so_and_shows_the_list(deps):
    flow = started(deps, "NO-SUCH-CODE")
    assert flow.stage == Stage.CATEGORIES and flow.message.msgid == NO_SUCH_ITEM


def test_back_walks_up_one_level_at_a_time(deps):
    flow = started(deps)
    flow.choose_category("民政")
    flow.choose_service(flow.items()[0])
    assert flow.back() and flow.stage == Stage.ITEMS and flow.service is None
    assert flow.back() and flow.stage == Stage.CATEGORIES and flow.category == ""
    assert flow.back() is False


def test_closed_hours_say_when_in_both_languages(deps):
    deps.now = lambda: CLOSED
    flow = TicketFlow(deps)
    flow.start()
    assert flow.stage == Stage.CLOSED and not deps.runner.pending
    zh = "\n".join(m.render("zh_CN") for m in flow.closed_lines)
    assert zh == "现在不是取号时间。取号时间：周一至周五 9:00-12:00，13:00-17:00\n下次可以取号：6月8日 周一 9:00"
    assert "\n".join(m.render("en") for m in flow.closed_lines).endswith("Mon 8 Jun 9:00")


def test_network_down_then_retry_gives_one_number(deps, server):
    flow = started(deps)
    flow.choose_category("民政")
    flow.choose_service(flow.items()[0])
    key = flow.idempotency_key
    flow.take_number()
    deps.runner.pending[0].fail(Unavailable("connection refused"))
    assert flow.stage == Stage.CONFIRM and not flow.busy and flow.message.msgid == NOT_TAKEN_NETWORK
    before = len(server.received("tickets"))
    flow.take_number()                      # the same confirm step: the same key
    assert flow.idempotency_key == key
    deps.runner.run_all()
    assert flow.stage == Stage.TICKET and len(server.received("tickets")) == before + 1


def test_a_late_answer_for_a_list_left_behind_is_dropped(deps):
    flow = TicketFlow(deps)
    flow.start()
    first = deps.runner.pending[0]
    flow.start()                            # the citizen came back: a new request
    deps.runner.pending[-1].run()
    categories = flow.categories()
    first.fail(Unavailable("late"))         # the old request's failure arrives last
    assert flow.message is None and flow.categories() == categories


def test_reset_forgets_the_number(deps):
    flow = started(deps, "370104-MZJ-005")
    flow.take_number()
    deps.runner.run_all()
    assert flow.ticket is not None
    flow.reset()
    assert flow.ticket is None and flow.service is None and flow.stage == Stage.CATEGORIES
