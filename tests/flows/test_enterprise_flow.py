"""企业信息查询 as rules: the live check while typing, the search at the 18th character, the card with
the legal representative masked, 404 told apart from the network, late answers after 返回."""

from __future__ import annotations

from kiosk.api.errors import Unavailable
from kiosk.demo_api.seed import ENTERPRISES
from kiosk.flows.enterprise import EnterpriseFlow, Stage, grouped
from kiosk.validators import USCC_ALPHABET, uscc_check_char

KNOWN = ENTERPRISES[0]


def other_valid_code() -> str:
    body = "91370104MA3Z0Z0Z0"[:17].replace("Z", "9")
    return body + uscc_check_char(body)


def test_typing_checks_live_and_searches_when_whole(deps):
    flow = EnterpriseFlow(deps)
    flow.typed(KNOWN.uscc[:5])
    assert flow.message.msgid == "还差 {n} 位" and flow.message.values == {"n": 13} and flow.level == "info"
    assert flow.display() == grouped(KNOWN.uscc[:5]) and not deps.runner.pending
    flow.typed(KNOWN.uscc)
    assert flow.busy and len(deps.runner.pending) == 1
    deps.runner.run_all()
    assert flow.stage == Stage.RESULT and flow.enterprise.uscc == KNOWN.uscc
    rows = dict(flow.rows())
    assert rows["法定代表人"] != KNOWN.legal_representative and rows["法定代表人"][0] == KNOWN.legal_representative[0]


def test_letters_that_never_occur_and_a_wrong_check_char(deps):
    flow = EnterpriseFlow(deps)
    bad = next(c for c in "IOSVZ" if c not in USCC_ALPHABET)
    flow.typed("91" + bad)
    assert flow.level == "error" and "I、O、S、V、Z" in flow.message.msgid
    flow.typed("91A")
    assert "地区代码" in flow.message.msgid
    wrong = KNOWN.uscc[:17] + ("0" if KNOWN.uscc[17] != "0" else "1")
    flow.typed(wrong)
    assert flow.level == "error" and "校验码" in flow.message.msgid and not deps.runner.pending


def test_unknown_code_and_network_are_told_apart(deps):
    flow = EnterpriseFlow(deps)
    flow.typed(other_valid_code())
    deps.runner.run_all()
    assert flow.stage == Stage.INPUT and flow.message.msgid == "未查询到该企业，请核对代码"
    flow.new_search()
    flow.typed(KNOWN.uscc)
    deps.runner.pending[0].fail(Unavailable("down"))
    assert flow.message.msgid == "网络异常，请稍后再试" and not flow.busy


def test_back_during_a_search_drops_the_late_card(deps):
    flow = EnterpriseFlow(deps)
    flow.typed(KNOWN.uscc)
    late = deps.runner.pending[0]
    assert flow.back() is False             # still typing: 返回 leaves the screen
    flow.reset()                            # the session ended meanwhile
    late.run()
    assert flow.enterprise is None and flow.stage == Stage.INPUT and flow.code == ""


def test_print_card_queues_a_slip_without_the_full_name(deps):
    flow = EnterpriseFlow(deps)
    flow.typed(KNOWN.uscc)
    deps.runner.run_all()
    flow.print_card()
    receipt, kind, summary = deps.print_slip[-1]
    assert kind == "enterprise" and KNOWN.uscc in summary
    assert KNOWN.legal_representative not in repr(receipt.__dict__)
    assert flow.back() and flow.stage == Stage.INPUT and flow.enterprise is None
