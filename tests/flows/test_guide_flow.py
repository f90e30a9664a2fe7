"""事项指南 as rules: levels and 返回, pinyin search, offline with the cache, the checklist and 完成."""

from __future__ import annotations

from kiosk.api.errors import Unavailable
from kiosk.flows.guide import GuideFlow, Stage, checklist_data, detail_sections


def loaded(deps) -> GuideFlow:
    flow = GuideFlow(deps)
    flow.start()
    assert flow.stage == Stage.LOADING and deps.runner.run_all() == 1
    assert flow.stage == Stage.CATEGORIES
    return flow


def test_categories_items_detail_and_back_up_the_levels(deps):
    flow = loaded(deps)
    assert sum(n for _c, n in flow.categories()) == 62
    flow.open_category("市场监管")
    assert flow.stage == Stage.ITEMS and flow.category_items()
    flow.open_item(flow.category_items()[0])
    assert flow.stage == Stage.DETAIL
    assert flow.back() and flow.stage == Stage.ITEMS
    assert flow.back() and flow.stage == Stage.CATEGORIES
    assert flow.back() is False              # no level left: the app leaves the guide


def test_search_by_pinyin_initials_and_clear_by_back(deps):
    flow = loaded(deps)
    flow.set_query("GTGS")
    assert flow.stage == Stage.SEARCH
    assert any(i.name == "个体工商户设立登记" for i in flow.found())
    flow.open_item(flow.found()[0])
    flow.up()
    assert flow.stage == Stage.SEARCH and flow.query == "GTGS"
    assert flow.back() and flow.query == "" and flow.stage == Stage.CATEGORIES


def test_offline_first_visit_is_an_error_with_retry(deps):
    flow = GuideFlow(deps)
    flow.start()
    deps.runner.pending[0].fail(Unavailable("down"))
    assert flow.stage == Stage.ERROR and isinstance(flow.error, Unavailable)
    flow.retry()
    deps.runner.run_all()
    assert flow.stage == Stage.CATEGORIES


def test_a_failure_after_a_load_keeps_the_list_and_says_stale(deps):
    flow = loaded(deps)
    flow.start()
    deps.runner.pending[0].fail(Unavailable("down"))
    assert flow.stage == Stage.CATEGORIES and flow.stale and len(flow.items) == 62


def test_checklist_prints_then_finish_goes_to_evaluation(deps):
    flow = loaded(deps)
    flow.set_query("GTGS")
    item = next(i for i in flow.found() if i.name == "个体工商户设立登记")
    flow.open_item(item)
    assert not flow.can_finish                # information only, until the checklist is printed
    flow.print_checklist()
    _receipt, kind, summary = deps.print_slip[-1]
    assert kind == "checklist" and item.code in summary and flow.can_finish
    flow.finish()
    tx = deps.finished[-1]
    assert (tx.kind, tx.reference, tx.service_name) == ("checklist", item.code, item.name)
    assert not flow.can_finish


def test_details_render_in_both_languages(deps):
    flow = loaded(deps)
    item = next(i for i in flow.items if i.materials and i.promised_days == 0)
    sections = detail_sections(item)
    zh = [line if isinstance(line, str) else line.render("zh_CN") for _t, lines in sections for line in lines]
    en = [line if isinstance(line, str) else line.render("en") for _t, lines in sections for line in lines]
    assert any("即办" in line for line in zh) and any("same day" in line for line in en), en
    assert any("（" in line for line in zh) and not any("（" in line for line in en)
    assert all("{" not in line for line in zh + en)
    data = checklist_data(item, "道德街街道便民服务中心")
    assert data["promised_days"] is None and len(data["material_lines"]) == len(item.materials)


def test_ticket_is_offered_only_with_network_and_printer(deps):
    flow = loaded(deps)
    assert flow.ticket_blocker(True, True) is None
    assert flow.ticket_blocker(False, True).msgid == "网络暂不可用"
    assert flow.ticket_blocker(True, False).msgid == "打印机暂不可用"


def test_the_network_coming_back_loads_an_error_or_stale_list_by_itself(deps):
    flow = GuideFlow(deps)
    flow.start()
    deps.runner.pending[0].fail(Unavailable("down"))
    assert flow.stage == Stage.ERROR
    flow.network_ready()                     # nobody pressed 重试: the network came back
    assert flow.stage == Stage.LOADING and deps.runner.run_all() == 1
    assert flow.stage == Stage.CATEGORIES and flow.error is None
    flow.start()
    deps.runner.pending[0].fail(Unavailable("down again"))
    assert flow.stale
    flow.network_ready()
    assert deps.runner.run_all() == 1 and not flow.stale and flow.stage == Stage.CATEGORIES
    flow.network_ready()                     # fresh: nothing more is asked
    assert not deps.runner.pending
