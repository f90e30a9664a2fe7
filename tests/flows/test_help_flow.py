"""呼叫帮办 as rules: the HelpRequestCreate body validated before it enters a real outbox (a refused one
never does, and the citizen is sent to the desk), one call per session within RESEND_AFTER, the words
for each state of the call, and a delivery that reaches the flow."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import timedelta

from kiosk.flows.help import REASON, RESEND_AFTER, SCREEN_LIMIT, WORDS, HelpFlow, Status
from kiosk.i18n import Msg


def test_the_call_is_stored_sent_and_said(deps, outbox, server):
    flow = HelpFlow(deps)
    delivered: list[tuple[str, str]] = []
    done = threading.Event()
    outbox.on_delivered(lambda kind, key, _resp: (delivered.append((kind, key)), done.set()))
    assert flow.call("feedback", online=True) is True
    assert flow.status == Status.SENDING and flow.message == Msg(WORDS[Status.SENDING])
    deps.runner.run_all()
    assert flow.key and flow.status == Status.SENDING and outbox.depth() == 1
    assert deps.session.active                           # calling for help is the citizen's session
    outbox.start()
    assert done.wait(10), "the help request was not delivered"
    for kind, key in delivered:
        flow.delivered(kind, key)
    assert flow.status == Status.DELIVERED
    assert flow.message.render("zh_CN") == "已通知工作人员，请在这里稍候。"
    rec = next(r for r in server.received("help_requests") if r["idempotency_key"] == flow.key)
    assert (rec["screen"], rec["reason"], rec["terminal_id"]) == ("feedback", REASON, deps.cfg.terminal.id)


def test_a_second_press_within_the_time_does_not_call_twice(deps, outbox):
    flow = HelpFlow(deps)
    t0 = deps.now()
    flow.call("home")
    deps.runner.run_all()
    deps.now = lambda: t0 + timedelta(seconds=RESEND_AFTER - 1)
    assert flow.call("cases") is False and not deps.runner.pending and outbox.depth() == 1
    deps.now = lambda: t0 + timedelta(seconds=RESEND_AFTER + 1)
    assert flow.call("cases") is True
    deps.runner.run_all()
    assert outbox.depth() == 2
    deps.session.end("test")                             # the next person calls for themselves
    assert flow.call("home") is True


def test_offline_the_call_is_queued_and_said_so(deps, outbox):
    flow = HelpFlow(deps)
    flow.call("home", online=False)
    deps.runner.run_all()
    assert flow.status == Status.QUEUED and "网络恢复后" in flow.message.render("zh_CN")
    assert outbox.depth() == 1


def test_a_body_the_contract_refuses_never_enters_the_outbox(deps, outbox):
    """A terminal id the contract refuses (here: none at all) must not become a call that never
    arrives: nothing is stored and the citizen is sent to the desk at once."""
    deps.cfg = replace(deps.cfg, terminal=replace(deps.cfg.terminal, id=None))
    flow = HelpFlow(deps)
    flow.call("home")
    assert not deps.runner.pending and outbox.depth() == 0
    assert flow.status == Status.FAILED
    assert flow.message.render("zh_CN") == "暂时无法自动通知，请到服务台找工作人员。"
    assert flow.message.render("en").startswith("The staff cannot be called automatically")
    assert flow.call("home") is True                     # a failed call may be tried again at once


def test_a_long_screen_name_is_clipped_to_the_contract_not_refused(deps, outbox, server):
    flow = HelpFlow(deps)
    done = threading.Event()
    outbox.on_delivered(lambda *_a: done.set())
    flow.call("x" * 100)
    deps.runner.run_all()
    assert outbox.depth() == 1 and SCREEN_LIMIT == 60
    outbox.start()
    assert done.wait(10), "the help request was not delivered"
    rec = next(r for r in server.received("help_requests") if r["idempotency_key"] == flow.key)
    assert rec["screen"] == "x" * 60


def test_no_outbox_sends_to_the_desk(deps):
    flow = HelpFlow(deps)
    flow.call("home")
    deps.runner.run_all()
    assert flow.status == Status.FAILED


def test_delivery_before_the_answer_and_reset(deps, outbox):
    flow = HelpFlow(deps)
    flow.call("home")
    call = deps.runner.pending[0]
    flow.delivered("evaluation", "other")                # not ours
    call.run()
    key = flow.key
    flow.reset()
    assert flow.status == Status.SENDING and flow.key == ""
    flow.call("home")                                    # a reset forgets the last call
    deps.runner.pending[0].run()
    flow.delivered("help_request", key)                  # an older call's delivery: not this one
    assert flow.status == Status.SENDING
    flow.delivered("help_request", flow.key)
    assert flow.status == Status.DELIVERED
