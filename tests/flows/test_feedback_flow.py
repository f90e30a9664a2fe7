"""诉求反馈 as rules: the steps and their checks, the free-text step (citizen or helper), the FeedbackCreate body
validated before it enters a real outbox (a refused one never does, and the citizen is told), the
tracking number and the slip, and a broken outbox said plainly with the form kept."""

from __future__ import annotations

import logging

import pytest

from kiosk.api.models import FeedbackCreate, is_tracking_no
from kiosk.demo_api.seed import ENTERPRISES
from kiosk.flows.feedback import NOT_STORED, REFUSED, REFUSED_FIELD, FeedbackFlow, Step
from kiosk.i18n import Msg

PHONE = "13912345678"
USCC = ENTERPRISES[1].uscc


def at_review(deps, uscc: str = "", helper: bool = False, texts: dict | None = None) -> FeedbackFlow:
    flow = FeedbackFlow(deps)
    flow.set_staff_mode("helper" if helper else "")
    flow.start()
    flow.choose_category("融资信贷")
    flow.choose_problem("贷款难")
    assert flow.nav().next_enabled is False             # nothing ticked yet
    flow.toggle_phrase("情况比较紧急")
    flow.toggle_phrase("缺少抵押担保")
    flow.next()
    assert flow.step == Step.PHONE
    flow.next(PHONE)
    assert flow.step == Step.USCC
    if uscc:
        flow.next(uscc)
    else:
        flow.skip_uscc()
    assert flow.step == Step.EXTRA
    if helper or texts:
        flow.next(texts=texts or {})
    else:
        assert flow.nav().skip
        flow.skip()
    assert flow.step == Step.REVIEW, flow.step
    return flow


def test_submit_gives_the_number_the_slip_and_the_record(deps, outbox, server):
    flow = at_review(deps, USCC)
    flow.submit()
    flow.submit()                               # a second tap while it is being stored: ignored
    assert flow.busy and len(deps.runner.pending) == 1 and flow.nav().next_label == "正在提交，请稍候…"
    assert flow.back() is True and flow.step == Step.REVIEW     # 返回 waits for the number
    deps.runner.run_all()
    tn = flow.tracking_no
    assert flow.step == Step.DONE and is_tracking_no(tn) and tn.startswith("FK20260601")   # the flow's clock
    assert flow.idempotency_key and outbox.depth() == 1
    receipt, kind, summary = deps.print_slip[-1]
    assert kind == "feedback" and tn in summary and flow.printed_job == 1
    slip = flow.slip()
    assert slip["tracking_number"] == tn and slip["time"] == "2026-06-01 10:00"
    assert "缺少抵押担保；情况比较紧急" in slip["summary"]      # in the order offered, not the order tapped
    outbox.start()
    assert outbox.flush(10)
    rec = next(r for r in server.received("feedback") if r["tracking_no"] == tn)
    assert rec["content"] == "问题类型：贷款难。情况：缺少抵押担保；情况比较紧急。"
    assert (rec["category"], rec["phone"], rec["enterprise_uscc"]) == ("融资信贷", PHONE, USCC)
    assert rec["terminal_id"] == deps.cfg.terminal.id and rec["idempotency_key"] == flow.idempotency_key
    assert outbox.dead_letters() == []
    assert flow.next() is False                 # 完成: to 好差评
    tx = deps.finished[-1]
    assert (tx.kind, tx.reference, tx.service_name) == ("feedback", tn, "诉求反馈")
    assert flow.next() is True                  # 完成 again: home, no second evaluation
    assert len(deps.finished) == 1


@pytest.mark.parametrize("spoil, words", [
    (lambda f: setattr(f, "phone", "12345678901"), REFUSED_FIELD["phone"]),
    (lambda f: setattr(f, "extra", {"contact_name": "王" * 41}), REFUSED_FIELD["contact_name"]),
    (lambda f: setattr(f, "phrases", []), REFUSED),
], ids=["phone", "contact_name", "no_content"])
def test_a_body_the_contract_refuses_never_enters_the_outbox(deps, outbox, caplog, spoil, words):
    """Whatever got into the draft past the steps, FeedbackCreate refuses it here, while the citizen is
    still there: no record, no tracking number, the words on screen, the form kept."""
    flow = at_review(deps)
    spoil(flow)
    with pytest.raises(Exception) as refused:
        flow.request()
    assert type(refused.value).__name__ == "ValidationError"
    with caplog.at_level(logging.WARNING, "kiosk.flows.invalid"):
        flow.submit()
    assert not deps.runner.pending and outbox.depth() == 0 and outbox.dead_letters() == []
    assert flow.step == Step.REVIEW and not flow.busy and flow.tracking_no == "" and deps.print_slip == []
    alert = flow.take_alert()
    assert alert == Msg(words) and flow.take_alert() is None             # said once
    assert alert.render("en") != alert.render("zh_CN")                    # and in English too
    assert "feedback refused before the outbox" in caplog.text and "12345678901" not in caplog.text


def test_phone_and_uscc_are_checked_at_their_steps(deps):
    flow = FeedbackFlow(deps)
    flow.choose_category("其他")
    flow.choose_problem("其他问题")
    flow.toggle_phrase("希望工作人员联系我")
    flow.next()
    assert flow.entry_hint("139") == "请输入11位手机号码"
    assert flow.entry_hint("12345678901") == "号码有误，请核对后重新输入"
    assert not flow.nav("12345678901").next_enabled and flow.nav(PHONE).next_enabled
    flow.next("12345678901")
    assert flow.step == Step.PHONE and flow.phone == ""
    flow.next(PHONE)
    bad = USCC[:-1] + ("0" if USCC[-1] != "0" else "1")
    assert flow.entry_hint(bad) == "代码有误，请核对后重新输入" and not flow.nav(bad).next_enabled
    assert flow.entry_hint(USCC[:5]) == "请输入18位统一社会信用代码，没有可以跳过"
    assert flow.nav().skip and flow.entry_length() == 18
    flow.next(bad)
    assert flow.step == Step.USCC
    flow.previous()
    assert flow.step == Step.PHONE and flow.phone == PHONE


def test_back_walks_the_steps_and_leaves_from_the_first(deps):
    flow = FeedbackFlow(deps)
    flow.choose_category("融资信贷")
    flow.choose_problem("贷款难")
    flow.toggle_phrase("缺少抵押担保")
    assert flow.back() and flow.step == Step.TYPE and flow.phrases == []   # the ticks go with their step
    assert flow.back() and flow.step == Step.CATEGORY
    assert flow.back() is False
    assert flow.step_label() == Msg("第 {n} 步，共 {total} 步", n=1, total=7)


def test_a_citizen_writes_details_and_a_name_or_skips(deps, outbox, server):
    """The free-text step is the citizen's too: details and a contact name (no enterprise name: the
    USCC names it), optional, with 跳过; the department reads that the citizen wrote it."""
    flow = at_review(deps)
    assert flow.extra is None
    flow.previous()
    assert flow.step == Step.EXTRA and flow.step_label().render("zh_CN") == "第 6 步，共 7 步"
    assert [f.name for f in flow.extra_fields()] == ["details", "contact_name"]
    assert flow.prompt() == "如需补充说明，可以手写或拼音输入（可不填，按“跳过”）"
    nav = flow.nav()
    assert nav.skip and nav.next and nav.next_enabled and nav.prev
    flow.next(texts={"details": "门口路灯坏了" + "😀", "contact_name": "张三"})
    assert flow.step == Step.EXTRA and set(flow.extra_errors) == {"details"}     # said where it was written
    flow.next(texts={"details": "门口路灯坏了", "contact_name": "张三", "enterprise_name": "不该出现"})
    assert flow.step == Step.REVIEW and flow.extra == {"details": "门口路灯坏了", "contact_name": "张三"}
    rows = {label: parts for label, parts in flow.review_rows()}
    assert rows["补充说明"] == ["门口路灯坏了"] and rows["联系人姓名"] == ["张*"] and "企业名称" not in rows
    flow.submit()
    deps.runner.run_all()
    outbox.start()
    assert outbox.flush(10)
    rec = next(r for r in server.received("feedback") if r["tracking_no"] == flow.tracking_no)
    assert rec["content"].endswith("。补充说明：门口路灯坏了") and "帮办" not in rec["content"]
    assert rec["contact_name"] == "张三" and rec.get("enterprise_name") is None
    # 跳过 after writing: nothing of it is sent.
    flow = at_review(deps, texts={"details": "写了又不要"})
    assert flow.extra == {"details": "写了又不要"}
    flow.previous()
    flow.skip()
    assert flow.step == Step.REVIEW and flow.extra is None and "写了" not in flow.content()


def test_the_helper_types_every_field(deps, outbox, server):
    details = "店面在二楼，电话13812345678也可联系"
    flow = at_review(deps, helper=False)
    flow.set_staff_mode("helper")
    flow.previous()
    assert flow.step == Step.EXTRA and flow.step_label().render("zh_CN") == "第 6 步，共 7 步"
    assert [f.name for f in flow.extra_fields()] == ["details", "contact_name", "enterprise_name"]
    assert flow.prompt() == "帮办专员代为填写（均可不填）"
    flow.next(texts={"details": details + "😀", "contact_name": "王小明"})
    assert flow.step == Step.EXTRA and set(flow.extra_errors) == {"details"}
    from kiosk.error_words import error_words

    assert "无法打印的字符：😀" in error_words(flow.extra_errors["details"]).render("zh_CN")
    flow.next(texts={"details": f"  {details}\n\n", "contact_name": "王小明", "enterprise_name": "济南示例商贸有限公司"})
    assert flow.step == Step.REVIEW and flow.extra_errors == {}
    rows = {label: parts for label, parts in flow.review_rows()}
    assert rows["联系人姓名"] == ["王**"] and rows["补充说明"] == ["店面在二楼，电话138****5678也可联系"]
    assert rows["联系电话"] == ["139****5678"] and rows["企业信用代码"] == [Msg("未填写")]
    flow.submit()
    deps.runner.run_all()
    assert "13812345678" not in flow.slip()["summary"] and "二楼" in flow.slip()["summary"]
    outbox.start()
    assert outbox.flush(10)
    rec = next(r for r in server.received("feedback") if r["tracking_no"] == flow.tracking_no)
    assert rec["content"].endswith(f"补充说明（帮办专员代填）：{details}")
    assert rec["contact_name"] == "王小明" and rec["enterprise_name"] == "济南示例商贸有限公司"
    # Helper mode ends while on the free-text step: the citizen stays there, with their own fields.
    flow.reset()
    assert flow.extra is None and flow.tracking_no == "" and flow.extra_by_helper is False
    flow = at_review(deps, helper=True, texts={"details": "x"})
    flow.previous()
    flow.set_staff_mode("")
    assert flow.step == Step.EXTRA and [f.name for f in flow.extra_fields()] == ["details", "contact_name"]


def test_the_contact_name_limit_is_the_models(deps):
    from kiosk.flows.feedback import EXTRA_FIELDS
    from kiosk.flows.invalid import max_length

    limit = next(f.limit for f in EXTRA_FIELDS if f.name == "contact_name")
    assert limit == max_length(FeedbackCreate, "contact_name") == 40


def test_a_broken_outbox_is_said_and_the_form_stays(deps, outbox, caplog):
    flow = at_review(deps)
    outbox.close()                              # the database cannot be written any more
    with caplog.at_level(logging.ERROR):
        flow.submit()
        deps.runner.run_all()
    assert flow.take_alert() == Msg(NOT_STORED)
    assert flow.step == Step.REVIEW and not flow.busy and flow.tracking_no == ""
    assert flow.phone == PHONE and flow.phrases and flow.nav().next_enabled     # 确认提交 can be pressed again
    assert "feedback could not be stored" in caplog.text           # for the technician
    deps.outbox = lambda: None                  # the API part never started
    flow.submit()
    deps.runner.run_all()
    assert flow.take_alert() == Msg(NOT_STORED) and flow.step == Step.REVIEW


def test_reset_forgets_everything(deps, outbox):
    flow = at_review(deps, USCC)
    flow.submit()
    deps.runner.run_all()
    flow.reset()
    assert (flow.step, flow.category, flow.problem, flow.phrases, flow.phone, flow.uscc, flow.tracking_no,
            flow.idempotency_key, flow.extra, flow.finished) == (Step.CATEGORY, "", "", [], "", "", "", "", None,
                                                                  False)
