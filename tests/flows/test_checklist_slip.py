"""The materials checklist (一次性告知单) prints exactly what the guide's screen lists, for every one of
the 62 items: the same lines, in the same order, with the same counts (二寸照片 ×3 prints as three) and
the same 只需出示 marks. The slip is laid out as the printer lays it out (80 mm, Chinese line breaks) and
read back; the screen's lines are the flow's, in Chinese."""

from __future__ import annotations

import re

import pytest

from kiosk.flows.guide import GuideFlow, Stage, detail_sections, material_words
from kiosk.receipts import templates
from kiosk.receipts.layout import LineOp, layout


@pytest.fixture
def items(deps):
    flow = GuideFlow(deps)
    flow.start()
    assert deps.runner.run_all() == 1 and flow.stage == Stage.CATEGORIES
    assert len(flow.items) == 62
    return flow, flow.items


def screen_material_lines(item) -> list[str]:
    """The lines under 申请材料 on the guide's detail, as the screen renders them in Chinese."""
    sections = {title.msgid: lines for title, lines in detail_sections(item)}
    return [line.render("zh_CN") for line in sections["申请材料"]]


def slip_material_lines(receipt) -> list[str]:
    """The material lines of the printed slip, unwrapped: a wrapped line continues on the next printed
    line(s), and each material starts with its number."""
    texts = [op.text for op in layout(receipt) if isinstance(op, LineOp)]
    start = texts.index("一、申请材料") + 1
    end = next(i for i, t in enumerate(texts) if i > start and t in ("二、办理条件", "三、办理须知"))
    lines: list[str] = []
    for t in texts[start:end]:
        if re.match(r"^[0-9]+\. ", t) and (not lines or t.startswith(f"{len(lines) + 1}. ")):
            lines.append(t)
        else:
            lines[-1] += t
    return lines


def test_the_slip_prints_the_screen_lines_for_all_62_items(deps, items):
    flow, every = items
    checked = 0
    for item in every:
        flow.open_item(item)
        flow.print_checklist()
        receipt, kind, _summary = deps.print_slip[-1]
        assert kind == "checklist"
        assert slip_material_lines(receipt) == screen_material_lines(item), item.name
        checked += 1
    assert checked == 62


def test_counts_and_shown_only_marks_are_worded_once(items):
    _flow, every = items
    materials = [(item, m) for item in every for m in item.materials]
    photo3 = next(m for _i, m in materials if m.name == "二寸免冠照片" and m.copies == 3)
    assert material_words(2, photo3).render("zh_CN") == "2. 二寸免冠照片（原件3张）"
    shown_only = next(m for _i, m in materials if m.copies == 0 and m.form.value == "原件")
    assert "只需出示" in material_words(1, shown_only).render("zh_CN")
    both = next(m for _i, m in materials if m.form.value == "原件及复印件" and m.copies)
    assert f"原件出示，复印件{both.copies}份" in material_words(1, both).render("zh_CN")
    for _item, m in materials:
        zh = material_words(1, m).render("zh_CN")
        en = material_words(1, m).render("en")
        assert "{" not in zh + en and f"{m.name} (" in en         # English brackets around the count
        if m.copies and m.form.value != "电子材料":
            assert str(m.copies) in zh and str(m.copies) in en        # the count is on screen and paper


def test_a_wrapped_long_line_still_compares_whole(deps, items):
    """The comparison reads wrapped lines back: a material longer than the paper is one line again."""
    flow, every = items
    item = every[0]
    long = item.model_copy(update={"materials": [item.materials[0].model_copy(
        update={"notes": "现场核验，不留存复印件；" * 6})]})
    receipt = templates.materials_checklist({"name": long.name, "material_lines": screen_material_lines(long)})
    texts = [op.text for op in layout(receipt) if isinstance(op, LineOp)]
    assert sum(1 for t in texts if "现场核验" in t) > 1                  # it did wrap
    assert slip_material_lines(receipt) == screen_material_lines(long)
