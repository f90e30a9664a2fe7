"""好差评 as rules: nothing preselected, a 差评 needs a reason — the rule of EvaluationCreate, asked by
the flow, and a refused body never enters the real outbox while the citizen is told why — reasons and
phone belong to a 差评 only, and each transaction is evaluated once."""

from __future__ import annotations

import logging

import pytest

from kiosk.api.models import EvaluationCreate
from kiosk.flows.evaluation import (
    BAD_COMMENT,
    BAD_PHONE,
    COMMENT_LIMIT,
    NEEDS_REASON,
    NOT_STORED,
    EvaluationFlow,
    Stage,
    needs_reasons,
)
from kiosk.i18n import Msg
from kiosk.session import Transaction

PHONE = "13912345678"


def opened(deps, kind: str = "ticket", ref: str = "A023", code: str = "", name: str = "排队取号"):
    tx = Transaction(kind=kind, reference=ref, service_code=code, service_name=name)
    flow = EvaluationFlow(deps)
    flow.start(tx)
    return flow, tx


def test_nothing_is_preselected(deps):
    flow, _tx = opened(deps)
    assert flow.stage == Stage.CHOOSE and flow.level == 0 and not flow.ready and flow.hint is None
    assert flow.reason_choices() == ()
    assert flow.subject().render("zh_CN") == "本次办理：排队取号　编号：A023"
    flow.submit()
    assert not deps.runner.pending


def test_satisfied_is_stored_and_arrives(deps, outbox, server):
    flow, tx = opened(deps, "case", "DDJ-20261103-0042", "370104-001-01", "个体工商户设立登记")
    flow.choose_level(4)
    assert flow.ready and flow.hint is None and flow.reason_choices() == ()
    flow.submit()
    flow.submit()                                       # a second tap while it is stored: ignored
    assert len(deps.runner.pending) == 1 and flow.busy and not flow.ready
    deps.runner.run_all()
    assert flow.stage == Stage.THANKS and tx.evaluated and flow.key and outbox.depth() == 1
    assert flow.subject() is None
    outbox.start()
    assert outbox.flush(10)
    rec = next(r for r in server.received("evaluations") if r["idempotency_key"] == flow.key)
    assert rec["level"] == 4 and rec["case_no"] == "DDJ-20261103-0042" and rec.get("transaction_id") is None
    assert rec["service_code"] == "370104-001-01" and rec["channel"] == "自助终端"
    assert rec["reasons"] == [] and rec.get("phone") is None
    assert outbox.dead_letters() == []


def test_a_bad_rating_without_a_reason_is_refused_before_the_outbox(deps, outbox, caplog):
    """The model's rule, in one place: the flow learns from EvaluationCreate that 不满意 needs a reason,
    says so, and a submit anyway stores nothing."""
    flow, tx = opened(deps, "feedback", "FK20261126JT010007", "", "诉求反馈")
    flow.choose_level(2)
    assert flow.is_bad() and flow.reason_choices() and not flow.ready
    assert flow.hint == Msg(NEEDS_REASON)
    assert flow.hint.render("en") == "Please choose at least one reason"
    with caplog.at_level(logging.WARNING, "kiosk.flows.invalid"):
        flow.submit()
    assert not deps.runner.pending and outbox.depth() == 0 and not tx.evaluated
    assert flow.take_alert() == Msg(NEEDS_REASON) and flow.stage == Stage.CHOOSE
    assert "evaluation refused before the outbox: (model):value_error" in caplog.text


def test_which_levels_are_a_bad_rating_is_the_models_answer():
    for level in range(1, 6):
        refused = False
        try:
            EvaluationCreate(level=level, transaction_id="t:1", terminal_id="T")
        except ValueError:
            refused = True
        assert needs_reasons(level) is refused
    assert [lv for lv in range(1, 6) if needs_reasons(lv)] == [1, 2]     # GB/T 39734: 1 and 2 are 差评


def test_a_bad_rating_carries_its_reasons_in_order_and_the_phone(deps, outbox, server):
    flow, _tx = opened(deps, "feedback", "FK20261126JT010007", "", "诉求反馈")
    flow.choose_level(2)
    flow.toggle_reason("多次跑腿")
    flow.toggle_reason("办事效率低")
    flow.toggle_reason("服务态度差")
    flow.toggle_reason("服务态度差")                     # ticked and unticked
    assert flow.ready and flow.hint is None
    flow.enter_phone()
    assert flow.stage == Stage.PHONE and not flow.ready
    flow.phone_done("1391234567")                        # 10 digits: not taken
    assert flow.stage == Stage.PHONE and not flow.phone_ok("1391234567")
    flow.phone_done(PHONE)
    assert flow.stage == Stage.CHOOSE and flow.phone == PHONE and flow.ready
    assert flow.phone_shown() == "139****5678"
    flow.submit()
    deps.runner.run_all()
    outbox.start()
    assert outbox.flush(10)
    rec = next(r for r in server.received("evaluations") if r["idempotency_key"] == flow.key)
    assert rec["level"] == 2 and rec["reasons"] == ["办事效率低", "多次跑腿"]
    assert rec["phone"] == PHONE and rec["transaction_id"] == "feedback:FK20261126JT010007"


def test_choosing_good_after_bad_drops_reasons_and_phone(deps):
    flow, _tx = opened(deps)
    flow.choose_level(1)
    flow.toggle_reason("服务态度差")
    flow.enter_phone()
    flow.phone_done(PHONE)
    flow.choose_level(3)
    body = flow.request()
    assert (body.level, body.reasons, body.phone) == (3, [], None)
    assert flow.reasons == [] and flow.phone == ""


def test_a_phone_the_contract_refuses_never_enters_the_outbox(deps, outbox):
    flow, tx = opened(deps)
    flow.choose_level(1)
    flow.toggle_reason("其他")
    flow.phone = "12345678901"                          # past the keypad's check somehow
    flow.submit()
    assert not deps.runner.pending and outbox.depth() == 0 and not tx.evaluated
    assert flow.take_alert() == Msg(BAD_PHONE) and flow.stage == Stage.CHOOSE


def test_each_transaction_is_evaluated_once(deps, outbox):
    flow, tx = opened(deps)
    flow.choose_level(5)
    flow.submit()
    deps.runner.run_all()
    assert tx.evaluated and outbox.depth() == 1
    flow.start(tx)                                      # the same transaction again
    assert flow.stage == Stage.THANKS
    flow.submit()
    again = EvaluationFlow(deps)
    again.start(tx)                                     # even from a fresh start
    assert again.stage == Stage.THANKS and again.level == 0
    again.submit()
    assert not deps.runner.pending and outbox.depth() == 1


@pytest.mark.parametrize("broken", ["closed", "missing"])
def test_an_outbox_that_cannot_store_is_said(deps, outbox, broken):
    flow, tx = opened(deps)
    if broken == "closed":
        outbox.close()
    else:
        deps.outbox = lambda: None
    flow.choose_level(4)
    flow.submit()
    deps.runner.run_all()
    assert flow.take_alert() == Msg(NOT_STORED) and not tx.evaluated
    assert flow.stage == Stage.CHOOSE and flow.ready and flow.level == 4


def test_an_optional_comment_reaches_the_api(deps, outbox, server):
    """Any level may carry a comment, written on its own page: cleaned, checked where it is written
    (an unprintable character, too long), cancel keeps the one before, and it arrives as written."""
    flow, _tx = opened(deps)
    flow.choose_level(5)
    assert flow.request().comment == ""                 # none unless written
    flow.enter_comment()
    assert flow.stage == Stage.COMMENT and not flow.ready
    assert not flow.comment_done("工作人员很耐心😀")
    assert flow.stage == Stage.COMMENT and flow.comment_error is not None
    from kiosk.error_words import error_words

    assert "😀" in error_words(flow.comment_error).render("zh_CN")
    assert not flow.comment_done("好" * (COMMENT_LIMIT + 1)) and flow.stage == Stage.COMMENT
    assert COMMENT_LIMIT == 500
    assert flow.comment_done("  工作人员很耐心，\n\n\n谢谢  ")
    assert flow.stage == Stage.CHOOSE and flow.comment == "工作人员很耐心，\n\n谢谢" and flow.ready
    flow.enter_comment()
    flow.comment_cancel()                               # 取消 keeps what was there
    assert flow.comment == "工作人员很耐心，\n\n谢谢" and flow.stage == Stage.CHOOSE
    flow.choose_level(1)                                # a 差评 keeps the comment (it is not a reason)
    flow.toggle_reason("其他")
    assert flow.request().comment == flow.comment
    flow.submit()
    deps.runner.run_all()
    outbox.start()
    assert outbox.flush(10)
    rec = next(r for r in server.received("evaluations") if r["idempotency_key"] == flow.key)
    assert rec["comment"] == "工作人员很耐心，\n\n谢谢" and rec["level"] == 1


def test_a_comment_the_contract_refuses_never_enters_the_outbox(deps, outbox):
    flow, tx = opened(deps)
    flow.choose_level(4)
    flow.comment = "好" * (COMMENT_LIMIT + 1)            # past the page's check somehow
    flow.submit()
    assert not deps.runner.pending and outbox.depth() == 0 and not tx.evaluated
    assert flow.take_alert() == Msg(BAD_COMMENT)
    assert Msg(BAD_COMMENT).render("en") != Msg(BAD_COMMENT).render("zh_CN")


def test_a_new_transaction_starts_afresh_and_reset_forgets(deps):
    flow, _tx = opened(deps)
    flow.choose_level(1)
    flow.toggle_reason("其他")
    flow.start(Transaction(kind="ticket", reference="A024"))
    assert flow.level == 0 and flow.reasons == [] and flow.tx.reference == "A024"
    flow.choose_level(2)
    flow.enter_comment()
    flow.comment_done("意见")
    flow.reset()
    assert flow.tx is None and flow.level == 0 and flow.stage == Stage.CHOOSE and not flow.ready
    assert flow.comment == "" and flow.comment_error is None
