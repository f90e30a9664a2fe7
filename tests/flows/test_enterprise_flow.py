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


def test_by_name_lists_matches_and_a_tap_shows_the_same_card(deps):
    from kiosk.api.models import ENTERPRISE_NAME_QUERY_MAX
    from kiosk.flows.enterprise import NAME_MAX

    assert NAME_MAX == ENTERPRISE_NAME_QUERY_MAX
    flow = EnterpriseFlow(deps)
    flow.by_name()
    assert flow.stage == Stage.NAME and flow.matches == []
    flow.search_name("店")
    assert flow.message.msgid == "请至少写两个字" and not deps.runner.pending
    flow.search_name(" 小吃店 ")
    assert flow.busy and flow.name == "小吃店"
    flow.search_name("再点一次")                   # while searching: ignored
    assert len(deps.runner.pending) == 1
    deps.runner.run_all()
    assert [m.uscc for m in flow.matches] == [KNOWN.uscc]
    assert flow.message.msgid == "找到 {n} 家企业，请点选" and flow.message.values == {"n": 1}
    flow.choose("91370104MA3Z0Z0Z0X")              # not among the matches: nothing happens
    assert not deps.runner.pending
    flow.choose(KNOWN.uscc)
    deps.runner.run_all()
    assert flow.stage == Stage.RESULT and flow.enterprise.uscc == KNOWN.uscc
    card = dict(flow.rows())
    flow_by_code = EnterpriseFlow(deps)
    flow_by_code.typed(KNOWN.uscc)
    deps.runner.run_all()
    assert card == dict(flow_by_code.rows())       # the same card as the lookup by code
    assert flow.back() and flow.stage == Stage.NAME and [m.uscc for m in flow.matches] == [KNOWN.uscc]
    assert flow.back() and flow.stage == Stage.INPUT and flow.matches == [] and flow.name == ""
    assert flow.back() is False


def test_by_name_nothing_found_bad_words_and_network(deps):
    flow = EnterpriseFlow(deps)
    flow.by_name()
    flow.search_name("没有这家企业")
    deps.runner.run_all()
    assert flow.matches == [] and flow.level == "error" and "换几个字" in flow.message.msgid
    flow.search_name("店" * 51)
    assert flow.level == "error" and "太长" in flow.message.msgid and not deps.runner.pending
    flow.search_name("小吃😀")
    assert flow.level == "error" and not deps.runner.pending
    flow.search_name("济南")
    deps.runner.pending[0].fail(Unavailable("down"))
    assert flow.message.msgid == "网络异常，请稍后再试" and not flow.busy and flow.stage == Stage.NAME
    flow.search_name("济南")
    late = deps.runner.pending[-1]
    flow.reset()                                   # the session ended meanwhile
    late.run()
    assert flow.stage == Stage.INPUT and flow.matches == [] and flow.name == ""
