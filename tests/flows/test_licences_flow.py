"""证照打印 as rules, without a window: the real demo API on 127.0.0.1, a ManualRunner, a fixed clock.
Who may list what (the card read in this session, a helper's USCC), the policies (window-only,
once-only), the preview off the UI thread, the A4 printer asked before the citizen chooses, and what a
card removal or a session end leaves behind."""

from __future__ import annotations

import struct

import pytest

from kiosk.api.models import PrintPolicy
from kiosk.demo import demo_cards
from kiosk.demo_api import ENTERPRISES
from kiosk.flows import licences as words
from kiosk.flows.licences import LicencesFlow, Printer, Stage, Way

WANG, LI, ZHANG, LIU, CHEN = demo_cards()
HOME = next(e for e in ENTERPRISES if e.name == "济南道德家政服务有限公司")


def msgid(flow: LicencesFlow) -> str:
    return flow.message.msgid if flow.message is not None else ""


def by_card(deps, card=WANG) -> LicencesFlow:
    deps.session.set_identity(card)                # the app does this when the reader reports the card
    flow = LicencesFlow(deps)
    flow.start()
    assert flow.busy and deps.runner.run_all() >= 1
    return flow


def lic(flow: LicencesFlow, lid: str):
    return next(x for x in flow.licences if x.id == lid)


def type_in(flow: LicencesFlow, text: str) -> None:
    for i in range(1, len(text) + 1):
        flow.type_uscc(text[:i])


# ---------------------------------------------------------------- who


def test_without_a_card_nothing_is_listed_and_a_citizen_cannot_type_a_uscc(deps):
    flow = LicencesFlow(deps)
    flow.start()
    assert flow.stage == Stage.START and msgid(flow) == words.PLACE_CARD and not deps.runner.pending
    flow.open_uscc()
    assert flow.stage == Stage.START and msgid(flow) == words.HELPER_ONLY and not deps.runner.pending


def test_the_card_lists_the_persons_and_their_businesss_licences_masked(deps):
    flow = by_card(deps)
    assert flow.stage == Stage.LIST and flow.way == Way.CARD and flow.message is None
    assert [x.id for x in flow.licences] == ["L0001", "L0002"]
    assert flow.greeting().values["name"] == "王**"
    chen = by_card(deps, CHEN)
    (row,) = chen.rows()
    assert CHEN.id_number[4:14] not in row.lines[0].values["no"] and row.licence.holder == "陈*"


def test_a_helper_lists_a_business_by_its_uscc(deps):
    deps.staff_mode = lambda: "helper"
    flow = LicencesFlow(deps)
    flow.start()
    flow.open_uscc()
    assert flow.stage == Stage.USCC
    type_in(flow, HOME.uscc[:-1] + ("0" if HOME.uscc[-1] != "0" else "1"))     # wrong check character
    assert msgid(flow) == words.BAD_USCC and not deps.runner.pending
    type_in(flow, HOME.uscc)
    assert flow.busy and deps.runner.run_all() >= 1
    assert flow.stage == Stage.LIST and flow.way == Way.HELPER
    assert [x.id for x in flow.licences] == ["L0005", "L0006"]
    assert flow.greeting().values["uscc"] == HOME.uscc


def test_a_helper_who_left_while_typing_lists_nothing(deps):
    mode = ["helper"]
    deps.staff_mode = lambda: mode[0]
    flow = LicencesFlow(deps)
    flow.start()
    flow.open_uscc()
    type_in(flow, HOME.uscc[:-1])
    mode[0] = ""
    flow.type_uscc(HOME.uscc)
    assert msgid(flow) == words.HELPER_ONLY and not deps.runner.pending and flow.licences == []


# ---------------------------------------------------------------- policies


def test_window_only_is_listed_but_not_fetched_or_printed(deps):
    flow = by_card(deps, LIU)
    (row,) = flow.rows()
    assert row.licence.print_policy == PrintPolicy.WINDOW_ONLY and row.blocked.msgid == words.WINDOW_ONLY
    assert row.highlight is False
    flow.open_preview(row.licence)
    assert flow.stage == Stage.LIST and not deps.runner.pending and msgid(flow) == words.WINDOW_ONLY


def test_once_only_printed_already_is_refused_and_says_where_instead(deps):
    flow = by_card(deps)
    once = lic(flow, "L0002")
    assert flow.blocked(once) is None
    assert any(m.msgid == words.ONCE_ONLY for m in next(r for r in flow.rows() if r.licence is once).lines)
    flow.licences = [once.model_copy(update={"printed_count": 1})]
    (row,) = flow.rows()
    assert row.blocked.msgid == words.ONCE_DONE
    flow.open_preview(row.licence)
    assert not deps.runner.pending and flow.stage == Stage.LIST


def test_the_licence_of_the_case_the_citizen_came_from_is_marked(deps):
    deps.session.set_identity(WANG)
    flow = LicencesFlow(deps)
    flow.start(case_no="3701042026000000001")
    deps.runner.run_all()
    assert [r.highlight for r in flow.rows()] == [True, False]


# ---------------------------------------------------------------- preview and the printer


def test_the_preview_is_made_off_the_ui_thread_as_png_pages(deps):
    flow = by_card(deps)
    flow.open_preview(lic(flow, "L0001"))
    assert flow.busy and flow.stage == Stage.LIST and msgid(flow) == words.PREVIEW_LOADING
    assert deps.runner.run_all() == 1                # fetch + rasterise: one call through the runner
    assert flow.stage == Stage.PREVIEW and len(flow.preview) == 1
    png = flow.preview[0]
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert abs(height / width - 297 / 210) < 0.01    # an A4 page


def test_without_an_a4_printer_the_list_says_where_licences_are_printed(deps):
    flow = by_card(deps)                             # deps.a4() is None: [a4] queue = ""
    assert flow.printer == Printer.NONE and flow.printer_words.msgid == words.NO_PRINTER
    assert flow.printer_words.values["place"].msgid == words.WINDOW
    flow.open_preview(lic(flow, "L0001"))
    deps.runner.run_all()
    assert flow.stage == Stage.PREVIEW and not flow.can_print()
    flow.print_licence()
    assert flow.stage == Stage.PREVIEW and flow.message.msgid == words.NO_PRINTER and not deps.runner.pending


# ---------------------------------------------------------------- leaving


def test_the_card_taken_away_wipes_the_list_and_a_late_answer_is_dropped(deps):
    deps.session.set_identity(WANG)
    flow = LicencesFlow(deps)
    flow.start()
    flow.card_removed()
    assert flow.stage == Stage.START and flow.note.msgid == words.CARD_TAKEN
    deps.runner.run_all()                            # the list's answer arrives after the card left
    assert flow.licences == [] and flow.stage == Stage.START and deps.session.identity is None


def test_reset_forgets_everything(deps):
    flow = by_card(deps)
    flow.open_preview(lic(flow, "L0001"))
    deps.runner.run_all()
    flow.reset()
    assert (flow.stage, flow.licences, flow.preview, flow.licence, flow.way, flow.greeting()) == \
        (Stage.START, [], [], None, None, None)
    assert deps.session.identity is None and flow._pdf == b"" and flow._id_number == ""


@pytest.mark.parametrize("back_from", [Stage.PREVIEW])
def test_back_goes_up_one_level(deps, back_from):
    flow = by_card(deps)
    flow.open_preview(lic(flow, "L0001"))
    deps.runner.run_all()
    assert flow.stage == back_from and flow.back() is True and flow.stage == Stage.LIST and flow.preview == []
    assert flow.back() is False
