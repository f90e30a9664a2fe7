"""查询反馈 as rules: a complete number before the query, the answer from the demo API, not found told
apart from a network fault, typing again clears the last answer, late answers dropped."""

from __future__ import annotations

import uuid

import pytest

from kiosk.api.errors import Unavailable
from kiosk.flows.feedback_status import PREFIX, FeedbackStatusFlow, Problem, Stage
from kiosk.i18n import Msg

CONTENT = "问题类型：审批时间长。情况：希望加快审批进度。"


@pytest.fixture
def stored(client, outbox, deps) -> str:
    """A feedback delivered to the demo API: its tracking number."""
    tn = outbox.new_tracking_no(deps.cfg.terminal.id, deps.now())
    client.send_outbox("feedback", {"tracking_no": tn, "category": "政务服务", "content": CONTENT,
                                    "terminal_id": deps.cfg.terminal.id}, uuid.uuid4().hex)
    return tn


@pytest.fixture
def reply_delay(server):
    """Sets how long the demo API takes to reply (seconds), for one test."""
    was = server.state.reply_delay
    yield lambda seconds: setattr(server.state, "reply_delay", seconds)
    server.state.reply_delay = was


def typed(deps, number: str) -> FeedbackStatusFlow:
    flow = FeedbackStatusFlow(deps)
    flow.start()
    assert flow.number == PREFIX and not flow.ready()
    flow.type(number)
    return flow


def test_the_reply_is_shown(deps, stored, reply_delay):
    reply_delay(0)
    flow = typed(deps, stored[:-1])
    assert not flow.ready() and flow.hint().msgid.startswith("受理编号共18位")
    flow.query()
    assert not deps.runner.pending                      # an incomplete number is not asked for
    flow.type(stored)
    assert flow.ready() and flow.hint() == Msg("编号完整，请按“查询”")
    flow.query()
    assert flow.busy and not flow.ready() and flow.hint() == Msg("正在查询，请稍候…")
    deps.runner.run_all()
    assert flow.stage == Stage.RESULT and flow.result.tracking_no == stored
    rows = dict(flow.result_rows())
    assert rows["受理编号"] == stored and rows["办理状态"] == Msg("已回复")
    assert "已转交相关部门核实处理" in flow.reply() and flow.replied_at() is not None
    flow.again()
    assert flow.stage == Stage.ENTER and flow.number == PREFIX and flow.result is None


def test_before_the_reply_it_says_so(deps, stored, reply_delay):
    reply_delay(3600)
    flow = typed(deps, stored)
    flow.query()
    deps.runner.run_all()
    assert flow.reply() == Msg("正在办理，请耐心等待") and flow.replied_at() is None


def test_not_found_and_network_trouble_are_different_answers(deps, stored):
    unknown = stored[:-4] + "9999"
    flow = typed(deps, unknown)
    flow.query()
    deps.runner.run_all()
    assert flow.stage == Stage.ENTER and flow.problem == Problem.NOT_FOUND
    assert flow.hint().msgid.startswith("未查询到该受理编号")
    flow.query()
    deps.runner.pending[0].fail(Unavailable("connection refused"))
    assert flow.problem == Problem.UNAVAILABLE and isinstance(flow.failure, Unavailable)
    assert flow.hint().msgid.startswith("网络异常") and flow.ready()
    flow.type(unknown[:-1])                             # typing again clears the last answer
    assert flow.problem == Problem.NONE and flow.failure is None


def test_no_api_is_network_trouble(deps):
    deps.api = lambda: None
    flow = typed(deps, "FK20261126JT010007")
    flow.query()
    deps.runner.run_all()
    assert flow.problem == Problem.UNAVAILABLE


def test_a_number_given_on_arrival_and_a_late_answer_after_the_session_ended(deps, stored):
    flow = FeedbackStatusFlow(deps)
    flow.start(stored.lower())
    assert flow.number == stored and flow.ready()
    flow.query()
    late = deps.runner.pending[0]
    flow.reset()                                        # the citizen left
    late.run()
    assert flow.stage == Stage.ENTER and flow.result is None and flow.number == PREFIX and not flow.busy
