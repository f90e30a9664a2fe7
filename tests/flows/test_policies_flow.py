"""政策与补贴 as rules: the subsidies the center helps with, each saying who qualifies, how much and what
to bring, linking to its service item's guide and to 取号; offline from the cache; the printout."""

from __future__ import annotations

from kiosk.api.errors import Unavailable
from kiosk.flows.policies import PoliciesFlow, Stage
from kiosk.receipts.layout import LineOp, layout

SUBSIDIES = ("社保补贴", "招录高校毕业生一次性奖补", "一次性就业补贴", "创业补贴", "市、区级扶持资金")


def loaded(deps) -> PoliciesFlow:
    flow = PoliciesFlow(deps)
    flow.start()
    assert flow.stage == Stage.LOADING and deps.runner.run_all() == 1
    assert flow.stage == Stage.LIST
    return flow


def test_the_subsidies_the_center_helps_with_are_listed(deps):
    flow = loaded(deps)
    titles = [p.title for p in flow.shown()]
    for name in SUBSIDIES:
        assert any(name in t for t in titles), name
    assert all("历下" not in p.department for p in flow.shown())


def test_a_policy_says_who_how_much_what_and_links_to_its_guide_and_a_ticket(deps, client):
    flow = loaded(deps)
    p = next(p for p in flow.shown() if "创业补贴" in p.title)
    flow.open(p)
    assert flow.stage == Stage.DETAIL
    sections = {heading: [x if isinstance(x, str) else x.render("zh_CN") for x in lines]
                for heading, lines in flow.sections(p)}
    assert sections["谁可以申请"] == [f"{i}. {c}" for i, c in enumerate(p.eligibility, 1)]
    assert sections["补贴标准"] == [p.amount] and p.amount
    assert sections["申请材料"] == [f"{i}. {m}" for i, m in enumerate(p.materials, 1)]
    links = flow.links(p)
    assert [(screen, params) for _l, screen, params in links] == [
        ("guide", {"service_code": p.service_code}), ("ticket", {"service_code": p.service_code})]
    item = next(s for s in client.services() if s.code == p.service_code)
    assert item.name == "一次性创业补贴"                 # the link leads to the item that takes it


def test_a_policy_without_an_item_offers_a_plain_ticket(deps):
    flow = loaded(deps)
    p = next(p for p in flow.shown() if "扶持资金" in p.title)
    assert p.service_code is None
    assert [(msgid, screen, params) for msgid, screen, params in flow.links(p)] == [("取号咨询", "ticket", {})]


def test_the_printout_carries_what_the_screen_shows(deps):
    flow = loaded(deps)
    p = next(p for p in flow.shown() if "社保补贴" in p.title)
    flow.open(p)
    flow.print_entry()
    receipt, kind, summary = deps.print_slip[-1]
    assert kind == "policy" and p.id in summary
    paper = "".join(op.text for op in layout(receipt) if isinstance(op, LineOp))
    for heading, lines in flow.sections(p):
        assert heading in paper
        for line in lines:
            text = line if isinstance(line, str) else line.render("zh_CN")
            assert text in paper, text
    assert not deps.finished                          # information, not a transaction


def test_back_goes_up_from_a_detail_then_leaves(deps):
    flow = loaded(deps)
    flow.open(flow.shown()[0])
    assert flow.back() and flow.stage == Stage.LIST and flow.entry is None
    assert flow.back() is False


def test_offline_keeps_the_list_as_stale_and_with_nothing_says_error(deps):
    flow = loaded(deps)
    flow.start()
    deps.runner.pending[0].fail(Unavailable("down"))
    assert flow.stage == Stage.LIST and flow.stale and flow.entries
    fresh = PoliciesFlow(deps)
    deps.reference = lambda: None
    fresh.start()
    assert fresh.stage == Stage.ERROR and fresh.error is not None


def test_a_late_answer_after_reset_keeps_nothing_personal_and_reset_goes_to_the_list(deps):
    flow = loaded(deps)
    flow.open(flow.shown()[1])
    flow.reset()
    assert flow.stage == Stage.LIST and flow.entry is None


def test_the_same_list_again_does_not_redraw(deps):
    flow = loaded(deps)
    flow.open(flow.shown()[0])
    calls: list[int] = []
    flow.subscribe(lambda: calls.append(1))
    flow.start()                                      # every visit asks again
    calls.clear()
    assert deps.runner.run_all() == 1
    assert calls == [] and flow.stage == Stage.DETAIL  # nothing moved under the citizen's finger
