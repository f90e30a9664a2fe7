"""就业驿站 as rules: the station's posts with the employer's public number whole, filters by district
and type, the station's services, and the printout."""

from __future__ import annotations

from kiosk.flows.jobs import STATION_SERVICES, JobsFlow
from kiosk.flows.policies import Stage
from kiosk.receipts.layout import LineOp, layout


def loaded(deps) -> JobsFlow:
    flow = JobsFlow(deps)
    flow.start()
    assert deps.runner.run_all() == 1 and flow.stage == Stage.LIST
    return flow


def test_filters_by_district_and_type(deps):
    flow = loaded(deps)
    every = flow.shown()
    assert len(every) == len(flow.entries) >= 6
    assert flow.districts()[0] == "槐荫区" and len(flow.districts()) >= 2
    assert {"全职", "兼职", "公益性岗位"} <= set(flow.types())
    flow.set_district("槐荫区")
    assert flow.shown() and all(j.district == "槐荫区" for j in flow.shown())
    assert len(flow.shown()) < len(every)
    flow.set_type("全职")
    both = flow.shown()
    assert both and all(j.district == "槐荫区" and j.type == "全职" for j in both)
    flow.set_district("槐荫区")                        # a second tap clears the district
    assert flow.district == "" and all(j.type == "全职" for j in flow.shown())
    assert len(flow.shown()) > len(both)
    flow.set_district("天桥区")
    flow.set_type("兼职")
    assert flow.shown() == [] and flow.empty_words().msgid == "没有符合条件的岗位，请换个条件"
    flow.reset()
    assert flow.shown() == every                       # the next citizen sees every post


def test_the_employer_number_is_shown_and_printed_whole(deps):
    flow = loaded(deps)
    j = next(j for j in flow.shown() if j.title == "软件测试工程师")
    assert "*" not in j.contact
    flow.open(j)
    facts = [x.render("zh_CN") for x in dict(flow.sections(j))["岗位信息"]]
    assert f"联系电话：{j.contact}" in facts and "岗位类型：全职" in facts
    data, _caption = flow.qr(j)
    assert j.contact in data
    flow.print_entry()
    receipt, kind, _summary = deps.print_slip[-1]
    paper = "".join(op.text for op in layout(receipt) if isinstance(op, LineOp))
    assert kind == "job" and j.contact in paper and j.employer in paper and j.requirements in paper
    assert "就业驿站" in paper


def test_every_post_and_the_station_services_have_words_in_both_languages(deps):
    from kiosk.i18n import render

    flow = loaded(deps)
    for lang in ("zh_CN", "en"):
        assert all(render(s, lang) for s in STATION_SERVICES)
        for j in flow.entries:
            for _h, lines in flow.sections(j):
                assert all("{" not in (x if isinstance(x, str) else x.render(lang)) for x in lines)
    assert all(j.district and j.type for j in flow.entries)
