"""办件查询 as rules: every way in, what is refused and with which words, who may type an ID number,
late answers, what a card removal and a session end leave behind, and the slip."""

from __future__ import annotations

import pytest

from kiosk.api.errors import Unavailable
from kiosk.api.models import CASE_STATUS_CODES, CaseStatus
from kiosk.demo import demo_cards
from kiosk.demo_api import DEMO_IDENTITIES
from kiosk.flows import cases as words
from kiosk.flows.cases import STATUS_WORDS, STEP_WORDS, CasesFlow, Stage, Way, grouped_id
from kiosk.validators import id_check_char

WANG = DEMO_IDENTITIES[0]                       # 王建国, 37010419900307751X, phone ...1234, four cases
CASE_1 = "3701042026000000001"                  # his completed 个体工商户设立登记, 自取
CASE_4 = "3701042026000000004"                  # his case sent by post
NOBODY = "37010419800101123" + id_check_char("37010419800101123")    # valid, no cases


def msgid(flow: CasesFlow) -> str:
    return flow.message.msgid if flow.message is not None else ""


def by_card(deps, card=None) -> CasesFlow:
    card = card or demo_cards()[0]
    deps.session.set_identity(card)               # the app does this when the reader reports the card
    flow = CasesFlow(deps)
    flow.start()
    assert flow.busy and deps.runner.run_all() == 1
    return flow


def helper(deps) -> CasesFlow:
    deps.staff_mode = lambda: "helper"
    deps.reader_ok = lambda: False
    flow = CasesFlow(deps)
    flow.start()
    flow.open_manual_id()
    assert flow.stage == Stage.MANUAL_ID
    return flow


def type_in(flow: CasesFlow, method: str, text: str) -> None:
    """Key by key, as the keypad reports its value."""
    for i in range(1, len(text) + 1):
        getattr(flow, method)(text[:i])


def case(flow: CasesFlow, case_no: str):
    return next(c for c in flow.cases if c.case_no == case_no)


# ---------------------------------------------------------------- ways in


def test_card_list_detail_print_finish(deps):
    flow = by_card(deps)
    assert flow.stage == Stage.LIST and flow.way == Way.CARD and flow.message is None
    assert flow.greeting().render("zh_CN") == "您好，王**"
    assert len(flow.cases) == 4 and all(c.case_no.startswith("370104") for c in flow.cases)
    lines = [m.render("zh_CN") for m in flow.summary(case(flow, CASE_1))]
    assert lines[0] == f"办件编号 {CASE_1}" and lines[1] == "状态：已办结" and lines[2].startswith("提交日期：2")

    flow.open_case(case(flow, CASE_1), from_list=True)
    assert flow.stage == Stage.DETAIL
    rows = {key: (v if isinstance(v, str) else v.render("zh_CN")) for key, v in flow.rows()}
    assert rows["办件编号"] == CASE_1 and rows["当前状态"] == "已办结"
    assert rows["申请人"] == "王**" and rows["证件号码"] == "3701**********751X"
    assert rows["领取方式"] == "窗口自取：道德街便民服务中心 综合服务区 综合窗口"
    steps = flow.timeline()
    assert [s.status for s in steps] == ["已提交", "受理", "审查", "决定", "办结"]
    assert [s.latest for s in steps] == [False] * 4 + [True]
    assert flow.case_url() == flow.case.url and flow.case.url.endswith(CASE_1)   # the case's online page

    flow.print_slip()
    receipt, kind, summary = deps.print_slip[-1]
    assert kind == "case" and summary == f"case {CASE_1}"
    paper = receipt.to_json()
    assert CASE_1 in paper and "办件进度查询单" in paper and "2026-06-01 10:00" in paper
    assert WANG.id_number not in paper and WANG.name not in paper

    flow.finish()
    tx = deps.finished[-1]
    assert (tx.kind, tx.reference, tx.service_code) == ("case", CASE_1, "370104-SCJG-001")
    assert flow.stage == Stage.START and flow.case is None and flow.cases == []
    assert deps.session.identity is not None        # the card is still on the reader


def test_a_card_read_on_another_screen_is_looked_up_on_arrival_and_results_stay_on_return(deps):
    flow = by_card(deps)                            # start() found the identity in the session
    flow.open_case(flow.cases[0], from_list=True)
    flow.start()                                    # back from the print dialog or 好差评
    assert not deps.runner.pending and flow.stage == Stage.DETAIL


def test_mailed_case_and_a_url_give_words_and_a_qr(deps):
    flow = by_card(deps)
    flow.open_case(case(flow, CASE_4).model_copy(update={"url": "https://zwfw.example.gov.cn/c/4"}), True)
    rows = dict(flow.rows())
    assert rows["领取方式"].render("zh_CN") == "邮寄：中国邮政EMS，运单号 1189654320107"
    assert rows["领取方式"].render("en") == "By post: 中国邮政EMS, tracking number 1189654320107"
    assert flow.case_url() == flow.slip()["url"] == "https://zwfw.example.gov.cn/c/4"
    assert flow.back() and flow.stage == Stage.LIST and flow.case is None
    assert flow.back() is False                     # the list is this screen's top: the app goes back


def test_case_number_and_phone_digits(deps, server):
    flow = CasesFlow(deps)
    flow.start()
    flow.open_case_no()
    assert flow.stage == Stage.CASE_NO and not flow.case_no_ok()
    type_in(flow, "type_case_no", "12345")
    assert flow.message is None                     # too short to judge yet
    flow.type_case_no("12345#")
    assert msgid(flow) == words.BAD_CASE_NO and flow.message_level == "error" and not flow.case_no_ok()
    flow.case_no_next()
    assert flow.stage == Stage.CASE_NO              # no next step with a wrong number
    flow.type_case_no("")
    type_in(flow, "type_case_no", CASE_1)
    assert flow.case_no_ok() and flow.message is None
    flow.case_no_next()
    assert flow.stage == Stage.LAST4 and flow.last4_display() == "_ _ _ _"

    flow.type_last4("12a4")                         # not digits: refused before any request
    assert msgid(flow) == words.BAD_LAST4 and not deps.runner.pending
    flow.type_last4("")
    type_in(flow, "type_last4", "9999")             # wrong phone digits
    assert flow.busy and msgid(flow) == words.LOADING
    deps.runner.run_all()
    assert flow.stage == Stage.LAST4 and flow.last4_typed == "" and flow.message_level == "error"
    assert msgid(flow) == words.NO_CASE_BY_NUMBER
    assert flow.message.render("en").startswith("No case was found")

    type_in(flow, "type_last4", WANG.phone[-4:])
    deps.runner.run_all()
    assert flow.stage == Stage.DETAIL and flow.case.case_no == CASE_1 and not flow.from_list
    assert flow.greeting() is None and flow.back() is False     # no list on this path
    flow.card_removed()                              # no card found it: a card leaving changes nothing
    assert flow.stage == Stage.DETAIL and flow.case is not None
    flow.finish()
    assert deps.finished[-1].reference == CASE_1 and flow.case is None


# ---------------------------------------------------------------- a typed ID number: helpers only


def test_only_a_helper_may_type_an_id_number(deps):
    deps.reader_ok = lambda: False
    flow = CasesFlow(deps)
    flow.start()
    assert not flow.may_type_id() and not flow.offers_typed_id()
    assert flow.reader_words() == words.READER_GONE      # pointed at the case number, not the keypad
    flow.open_manual_id()
    assert flow.stage == Stage.START and msgid(flow) == words.HELPER_ONLY
    type_in(flow, "type_id", WANG.id_number)            # typed anyway: validated, never looked up
    assert msgid(flow) == words.HELPER_ONLY and not deps.runner.pending
    assert deps.session.manual_id_number is None and flow.cases == []

    deps.staff_mode = lambda: "technician"
    assert not flow.may_type_id()
    deps.staff_mode = lambda: "helper"
    assert flow.offers_typed_id() and flow.reader_words() == words.READER_GONE_HELPER
    deps.reader_ok = lambda: True                       # the reader works: the card is the way in
    assert flow.may_type_id() and not flow.offers_typed_id() and flow.reader_words() == words.PLACE_CARD


def test_a_helper_types_an_id_number_checked_as_typed(deps):
    flow = helper(deps)
    type_in(flow, "type_id", WANG.id_number[:6])
    assert msgid(flow) == words.ID_TO_GO and flow.message.render("zh_CN") == "还差 12 位"
    assert grouped_id(flow.id_typed) == "370104"
    flow.type_id("3701X")                               # X only as the last character
    assert msgid(flow) == words.BAD_ID and flow.message_level == "error"
    flow.type_id(WANG.id_number[:17] + "2")             # wrong check character
    assert msgid(flow) == words.BAD_ID and not deps.runner.pending
    flow.type_id(WANG.id_number[:17])
    flow.type_id(WANG.id_number[:17] + "x")             # lower case from a keyboard: the same number
    assert flow.id_typed == WANG.id_number and flow.busy
    deps.runner.run_all()
    assert flow.stage == Stage.LIST and len(flow.cases) == 4 and flow.way == Way.TYPED_ID
    assert flow.greeting().render("zh_CN") == "身份证号 3701**********751X 的办件"
    assert grouped_id(flow.id_typed) == "370104 19900307 751X"
    assert deps.session.manual_id_number == WANG.id_number


def test_the_helper_leaving_mid_number_stops_the_lookup(deps):
    flow = helper(deps)
    type_in(flow, "type_id", WANG.id_number[:17])
    deps.staff_mode = lambda: ""
    flow.type_id(WANG.id_number)
    assert msgid(flow) == words.HELPER_ONLY and not deps.runner.pending


# ---------------------------------------------------------------- late answers


def test_a_late_list_for_a_person_who_moved_on_is_dropped(deps):
    deps.session.set_identity(demo_cards()[0])
    flow = CasesFlow(deps)
    flow.start()
    lookup = deps.runner.pending[0]
    flow.open_case_no()                             # they chose the case number instead
    assert not flow.busy
    lookup.run()
    assert flow.stage == Stage.CASE_NO and flow.cases == []


def test_a_late_failure_does_not_overwrite_the_newer_answer(deps):
    flow = CasesFlow(deps)
    flow.start()
    flow.open_case_no()
    type_in(flow, "type_case_no", CASE_1)
    flow.case_no_next()
    type_in(flow, "type_last4", WANG.phone[-4:])
    first = deps.runner.pending[0]
    flow.card_inserted(demo_cards()[0])             # a card put down meanwhile: the newer question
    deps.runner.pending[-1].run()
    first.fail(Unavailable("late"))
    assert flow.stage == Stage.LIST and len(flow.cases) == 4 and flow.message is None


def test_a_card_taken_away_during_the_lookup_leaves_nothing(deps):
    deps.session.set_identity(demo_cards()[0])
    flow = CasesFlow(deps)
    flow.start()
    lookup = deps.runner.pending[0]
    deps.session.clear_identity()                   # the app, as the reader reports the removal
    flow.card_removed()
    lookup.run()
    assert flow.stage == Stage.START and flow.cases == [] and not flow.busy
    assert flow.note.msgid == words.CARD_TAKEN


# ---------------------------------------------------------------- identity wiping


def secrets_held(flow: CasesFlow) -> list[str]:
    held = repr(vars(flow)) + repr([flow.greeting(), flow.message, flow.rows()])
    return [s for s in (WANG.id_number, WANG.name, "王**", CASE_1, WANG.id_number[-4:]) if s in held]


def test_card_removal_wipes_what_the_card_found(deps):
    flow = by_card(deps)
    flow.open_case(case(flow, CASE_1), from_list=True)
    changes = []
    flow.subscribe(lambda: changes.append(flow.stage))
    flow.card_removed()
    assert changes == [Stage.START] and flow.note.render("zh_CN") == "身份证已取走，查询结果已清除。"
    assert deps.session.identity is None and deps.session.id_number is None
    assert flow.case is None and flow.cases == [] and flow.greeting() is None
    assert secrets_held(flow) == []
    flow.card_removed()                             # told twice (the app and the service): no change
    assert changes == [Stage.START]


def test_session_end_wipes_a_typed_number_and_its_list(deps):
    flow = helper(deps)
    type_in(flow, "type_id", WANG.id_number)
    deps.runner.run_all()
    flow.open_case(flow.cases[0], from_list=True)
    assert secrets_held(flow)                        # the check can see them while they are shown
    flow.reset()
    assert flow.stage == Stage.START and deps.session.manual_id_number is None
    assert flow.id_typed == "" and flow.note is None and flow.message is None
    assert secrets_held(flow) == []


# ---------------------------------------------------------------- the slip


def test_the_slip_masks_names_and_numbers_even_if_the_api_did_not(deps):
    flow = by_card(deps)
    whole = case(flow, CASE_1).model_copy(update={"applicant_masked": WANG.name,
                                                  "applicant_id_masked": WANG.id_number})
    flow.open_case(whole, from_list=True)
    slip = flow.slip()
    assert slip["applicant_name"] == "王**" and slip["applicant_id"] == "3701**********751X"
    assert slip["time"] == "2026-06-01 10:00" and slip["center_name"] == deps.cfg.terminal.center_name
    assert slip["timeline"][-1][1].startswith("办结 ")
    rows = dict(flow.rows())
    assert rows["申请人"] == "王**" and rows["证件号码"] == "3701**********751X"
    flow.print_slip()
    paper = deps.print_slip[-1][0].to_json()
    assert WANG.id_number not in paper and WANG.name not in paper


# ---------------------------------------------------------------- words for answers and faults


def test_no_cases_and_a_network_fault_are_told_apart(deps, server):
    flow = helper(deps)
    type_in(flow, "type_id", NOBODY)
    deps.runner.run_all()
    assert flow.stage == Stage.LIST and flow.cases == [] and msgid(flow) == words.NO_CASES
    assert flow.message_level == "info"             # an answer, not a fault
    try:
        server.faults.error_rate = 1.0
        flow.retry()
        deps.runner.run_all()
        assert msgid(flow) == words.NETWORK_DOWN and flow.message_level == "error"
        assert flow.stage == Stage.LIST              # the list stage carries the retry button
        server.faults.reset()
        server.faults.garbage = True                 # the server answers, but not the contract
        flow.retry()
        deps.runner.run_all()
        assert msgid(flow) == words.FAILED
    finally:
        server.faults.reset()
    flow.retry()
    deps.runner.run_all()
    assert msgid(flow) == words.NO_CASES


def test_a_network_fault_by_case_number_keeps_the_digits_step(deps, server):
    flow = CasesFlow(deps)
    flow.open_case_no()
    type_in(flow, "type_case_no", CASE_1)
    flow.case_no_next()
    try:
        server.faults.error_rate = 1.0
        type_in(flow, "type_last4", WANG.phone[-4:])
        deps.runner.run_all()
    finally:
        server.faults.reset()
    assert flow.stage == Stage.LAST4 and msgid(flow) == words.NETWORK_DOWN
    assert flow.last4_typed == WANG.phone[-4:]       # not a wrong number: 重新查询 asks again
    flow.retry()
    deps.runner.run_all()
    assert flow.stage == Stage.DETAIL and flow.case.case_no == CASE_1


def test_no_api_yet_says_network_without_a_request(deps):
    deps.api = lambda: None                         # before the services started, or none configured
    flow = CasesFlow(deps)
    flow.card_inserted(demo_cards()[0])
    assert msgid(flow) == words.NETWORK_DOWN and not flow.busy and not deps.runner.pending


# ---------------------------------------------------------------- the reader


def test_a_card_that_could_not_be_read_is_told_each_time(deps):
    failures = [0]
    deps.card_read_failures = lambda: failures[0]
    flow = CasesFlow(deps)
    flow.start()
    flow.check_reader()
    assert flow.note is None
    failures[0] += 1
    flow.check_reader()
    assert flow.note.msgid == words.PLACE_AGAIN
    flow.reset()                                    # the next citizen; their card fails the same way
    assert flow.note is None
    failures[0] += 1
    flow.check_reader()
    assert flow.note.msgid == words.PLACE_AGAIN
    flow.reset()
    deps.reader_ok = lambda: False                  # the reader itself is gone: the banner says so
    failures[0] += 1
    flow.check_reader()
    assert flow.note is None


@pytest.mark.parametrize("status", list(CaseStatus))
def test_every_status_has_plain_words_in_both_languages(status):
    from kiosk.i18n import Msg

    for msgid_ in (STATUS_WORDS[CASE_STATUS_CODES[status]], STEP_WORDS[status]):
        assert Msg(msgid_).render("en") != msgid_


# ---------------------------------------------------------------- the next step first


def paper_lines(receipt) -> list[str]:
    """The slip's printed text lines, as the 80 mm paper wraps them."""
    from kiosk.receipts.layout import LineOp, layout

    return [op.text for op in layout(receipt) if isinstance(op, LineOp)]


def by_status(deps, person: int, status: CaseStatus, method: str | None = None) -> CasesFlow:
    flow = by_card(deps, demo_cards()[person])
    c = next(c for c in flow.cases if c.status == status and (method is None or c.delivery.method == method))
    flow.open_case(c, from_list=True)
    return flow


def shown(flow: CasesFlow, lang: str = "zh_CN") -> list[str]:
    step = flow.next_step()
    return [step.title.render(lang)] + [m.render(lang) for m in step.lines]


def printed_step(deps, flow: CasesFlow) -> str:
    flow.print_slip()
    receipt = deps.print_slip[-1][0]
    text = "".join(paper_lines(receipt))              # a long line wraps on paper: compare unwrapped
    assert any(b.type == "qr" and b.data == flow.case.url for b in receipt.blocks)
    return text


def test_correction_says_what_to_bring_where_and_by_when_on_screen_and_slip(deps):
    flow = by_status(deps, 0, CaseStatus.CORRECTION)
    corr = flow.case.correction
    assert corr is not None and corr.materials and corr.deadline is not None
    lines = shown(flow)
    assert lines[0] == "需要补充材料"
    for m in corr.materials:
        assert f"请带上：{m}" in lines
    assert f"送到：{corr.place}" in lines and "综合窗口" in corr.place
    assert f"请在 {corr.deadline.isoformat()} 前送到，逾期需重新申请。" in lines
    assert all("{" not in line for line in shown(flow, "en")) and shown(flow, "en")[0] == "Please bring more documents"
    paper = printed_step(deps, flow)
    assert "下一步：需要补充材料" in paper
    for line in lines[1:]:
        assert line.replace(" ", "") in paper.replace(" ", ""), line
    assert flow.slip()["next_step"] == lines
    # The next step is printed before the history: it is what the citizen came for.
    texts = paper_lines(deps.print_slip[-1][0])
    assert texts.index("办理进程") > next(i for i, t in enumerate(texts) if t.startswith("下一步："))


def test_completed_for_collection_says_where_and_when(deps):
    flow = by_status(deps, 0, CaseStatus.COMPLETED, "自取")
    d = flow.case.delivery
    assert d.place and d.hours
    lines = shown(flow)
    assert lines[:3] == ["已办结，请来领取结果", f"领取地点：{d.place}", f"领取时间：{d.hours}"]
    paper = printed_step(deps, flow).replace(" ", "")
    assert f"领取时间：{d.hours}".replace(" ", "") in paper and "下一步：已办结，请来领取结果" in paper


def test_completed_by_post_gives_carrier_and_tracking_number(deps):
    flow = by_status(deps, 1, CaseStatus.COMPLETED, "邮寄")
    d = flow.case.delivery
    lines = shown(flow)
    assert lines[:3] == ["结果已邮寄，请留意查收", f"快递公司：{d.carrier}", f"运单号：{d.tracking_no}"]
    assert shown(flow, "en")[2] == f"Tracking number: {d.tracking_no}"
    assert f"运单号：{d.tracking_no}" in printed_step(deps, flow)


def test_rejected_gives_the_reason_and_whom_to_ask(deps):
    flow = by_status(deps, 1, CaseStatus.REJECTED)
    rej = flow.case.rejection
    assert rej is not None
    assert shown(flow) == ["不予受理", f"原因：{rej.reason}", f"有疑问请咨询：{rej.contact}"]
    paper = printed_step(deps, flow)
    assert "12345" in rej.contact and f"有疑问请咨询：{rej.contact}" in paper


def test_the_next_step_follows_the_facts_when_the_api_leaves_some_out(deps):
    flow = by_status(deps, 1, CaseStatus.REJECTED)
    bare = flow.case.model_copy(update={"rejection": None})
    flow.open_case(bare, True)
    lines = shown(flow)
    assert lines[1] == f"原因：{bare.steps[-1].note}"            # the decision's own note
    assert lines[2] == "有疑问请咨询：综合服务区 综合窗口"          # one window takes the questions
    flow = by_status(deps, 0, CaseStatus.CORRECTION)
    flow.open_case(flow.case.model_copy(update={"correction": None}), True)
    assert shown(flow) == ["需要补充材料", "请到综合服务区 综合窗口询问需要补充的材料。"]
    flow = by_status(deps, 0, CaseStatus.COMPLETED, "自取")
    no_hours = flow.case.delivery.model_copy(update={"hours": None, "place": None})
    flow.open_case(flow.case.model_copy(update={"delivery": no_hours}), True)
    assert not any(line.startswith("领取时间") for line in shown(flow))    # never an invented time
    assert "领取地点：综合服务区 综合窗口" in shown(flow)
    flow = by_status(deps, 0, CaseStatus.REVIEW)
    assert shown(flow)[0] == "正在办理，您不需要做什么"


@pytest.mark.parametrize("status", list(CaseStatus))
def test_every_status_has_a_next_step_without_placeholders(deps, status):
    flow = by_card(deps)
    c = flow.cases[0].model_copy(update={"status": status, "status_code": CASE_STATUS_CODES[status],
                                         "delivery": None, "correction": None, "rejection": None})
    flow.open_case(c, True)
    for lang in ("zh_CN", "en"):
        assert all(line and "{" not in line for line in shown(flow, lang)), (status, lang)


def test_a_case_without_a_url_prints_no_qr(deps):
    flow = by_card(deps)
    flow.open_case(flow.cases[0].model_copy(update={"url": None}), True)
    assert flow.case_url() == "" and flow.slip()["url"] is None
    flow.print_slip()
    assert not any(b.type == "qr" for b in deps.print_slip[-1][0].blocks)


def test_a_finished_case_collected_at_the_window_offers_its_licence_for_a_card_only(deps):
    flow = by_card(deps)
    flow.open_case(case(flow, CASE_1), from_list=True)      # 办结, 自取
    assert flow.offers_licences()
    flow.open_case(case(flow, CASE_4), from_list=True)      # sent by post
    assert not flow.offers_licences()
    flow.open_case(case(flow, CASE_1).model_copy(update={"status_code": "DECISION"}), from_list=True)
    assert not flow.offers_licences()                        # not finished yet
    flow.open_case(case(flow, CASE_1), from_list=True)
    flow.way = words.Way.CASE_NO                              # found by number + phone digits: no card
    assert not flow.offers_licences()
