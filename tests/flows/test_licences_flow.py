"""证照打印 as rules, without a window: the real demo API on 127.0.0.1, a ManualRunner, a fixed clock.
Who may list what (the card read in this session, a helper's USCC), the policies (window-only,
once-only), the preview off the UI thread, the A4 printer asked before the citizen chooses, and what a
card removal or a session end leaves behind."""

from __future__ import annotations

import struct
import subprocess

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


# ---------------------------------------------------------------- printing through a real CUPS
# A private cupsd with a cups-pdf queue per test (tests/a4/cups_fixtures.py): the job goes through CUPS
# and comes out as a PDF, which is opened and looked at like a person would.


def with_printer(deps, a4_printer, card=WANG) -> LicencesFlow:
    deps.a4 = lambda: a4_printer
    flow = by_card(deps, card)
    assert flow.printer == Printer.READY and flow.printer_words.msgid == words.PRINTER_READY
    return flow


def preview(flow: LicencesFlow, deps, lid: str) -> None:
    flow.open_preview(lic(flow, lid))
    deps.runner.run_all()
    assert flow.stage == Stage.PREVIEW


def mark_distances(page, when, terminal_id: str, other: str, other_when) -> tuple[float, float, float]:
    """How far the printed page's mark is from the mark for (terminal_id, when) and from two that differ
    in one part: another terminal, another time. Measured where the two drawings differ (a glyph or
    two, so blur from CUPS' re-encoding counts the same for both), as the mean grey difference
    (0..255), at the best of small shifts; both at the mark's own 300 dpi."""
    from PIL import Image, ImageChops, ImageFilter, ImageStat

    from kiosk.licence_pages import PRINT_DPI, draw_mark, mark_box, mark_text

    def drawn(text: str) -> Image.Image:
        ref = Image.new("L", page.size, 255)
        draw_mark(ref, text, PRINT_DPI)
        return ref

    text = mark_text(terminal_id, when)
    box = mark_box(page.size, text, PRINT_DPI)
    grey = page.convert("L")
    right = drawn(text).crop(box)
    out = []
    for wrong_text in (mark_text(other, when), mark_text(terminal_id, other_when)):
        wrong = drawn(wrong_text).crop(box)
        where = ImageChops.difference(right, wrong).point(lambda v: 255 if v > 64 else 0).filter(ImageFilter.MaxFilter(5))
        assert where.getbbox() is not None

        def dist(ref: Image.Image, dx: int, dy: int, where=where) -> float:
            shifted = grey.crop((box[0] + dx, box[1] + dy, box[2] + dx, box[3] + dy))
            return ImageStat.Stat(ImageChops.difference(shifted, ref), mask=where).mean[0]

        shift = min(((dx, dy) for dx in range(-4, 5) for dy in range(-4, 5)), key=lambda d: dist(right, *d))
        out.append((dist(right, *shift), dist(wrong, *shift)))
    (r1, w1), (r2, w2) = out
    return max(r1, r2), w1, w2


def page_images(pdf_path, tmp_path) -> list:
    """The page pictures inside the printed PDF, pixel for pixel as the kiosk made them (poppler's
    pdfimages): rendering the page again would move the mark by a fraction of a pixel."""
    from PIL import Image

    subprocess.run(["pdfimages", "-png", str(pdf_path), str(tmp_path / "img")], check=True, timeout=60)
    out = []
    for p in sorted(tmp_path.glob("img-*.png")):
        with Image.open(p) as img:
            out.append(img.convert("RGB"))
    return out


def licence_pdfs(a4_queue) -> set:
    """The licence PDFs cups-pdf has written ("<job title>-job_<id>.pdf"; the session's cupsd is shared)."""
    return set(a4_queue.cupsd.out_dir.glob("licence-*-job_*.pdf"))


def test_print_end_to_end_a4_qr_mark_slip_and_record(deps, outbox, server, a4_printer, a4_queue, tmp_path):
    from a4.pdfcheck import decode_qr, is_a4, page_sizes
    from PIL import Image

    from .conftest import OPEN

    before = licence_pdfs(a4_queue)
    flow = with_printer(deps, a4_printer)
    preview(flow, deps, "L0001")
    assert flow.can_print()
    flow.print_licence()
    assert flow.stage == Stage.PRINTING and flow.busy and msgid(flow) == words.PRINTING
    deps.runner.run_all()                          # status, mark, submit; then the wait; then the record
    assert flow.stage == Stage.RESULT and flow.result_ok is True, flow.result_words
    assert [m.msgid for m in flow.result_words] == [words.PRINTED]

    # Printed, then gone from CUPS with its document: no copy of the licence stays in the spool.
    assert a4_printer.recent_jobs() == []
    (out,) = licence_pdfs(a4_queue) - before
    assert out.name.startswith("licence-L0001")      # cups-pdf names it by the job's title: no name in CUPS' logs
    job_id = int(out.stem.rsplit("_", 1)[1])
    assert not list((a4_queue.cupsd.dir / "spool").glob(f"d{job_id:05d}-*"))
    assert [is_a4(s) for s in page_sizes(out)] == [True]
    assert decode_qr(out) == [lic(flow, "L0001").verify_url]
    terminal = deps.cfg.terminal.id
    (page,) = page_images(out, tmp_path)
    assert abs(page.width - 2480) <= 2 and abs(page.height - 3508) <= 2      # A4 at the mark's 300 dpi
    page = page.resize((2480, 3508), Image.LANCZOS)   # ghostscript (in cups-pdf) resampled it by a pixel
    right, other_terminal, other_time = mark_distances(page, OPEN, terminal, "OTHER-T99", OPEN.replace(hour=11))
    # The mark with this terminal's id and the time is on the page: it matches far better than the
    # same mark with another terminal or another hour would.
    assert other_terminal > 3 * right and other_time > 3 * right, (right, other_terminal, other_time)

    (receipt, kind, summary) = deps.print_slip[-1]
    assert kind == "licence" and summary == "licence L0001"
    slip = str(receipt.__dict__)
    assert "证照自助打印凭条" in slip and terminal in slip and "济南市槐荫区建国小吃店" in slip

    outbox.start()
    assert outbox.flush(10)
    (record,) = [r for r in server.received("licence_prints") if r["terminal_id"] == terminal]
    assert (record["licence_id"], record["outcome"], record["via"], record["job_id"]) == \
        ("L0001", "printed", "card", job_id)
    assert record["holder_id_masked"] == "3701**********751X" and WANG.id_number not in str(record)


def test_a_document_cups_will_not_remove_is_the_technicians_to_know_not_the_citizens(
        deps, a4_printer, a4_queue, caplog):
    from drivers.a4 import A4Unavailable

    class KeepsDocuments:
        """The real printer, except that cupsd refuses to remove a job (as one busy restarting would)."""

        def __getattr__(self, name):
            return getattr(a4_printer, name)

        def forget(self, job_id):
            raise A4Unavailable(f"forget {job_id}: cupsd not reachable")

    flow = with_printer(deps, KeepsDocuments())
    preview(flow, deps, "L0001")
    flow.print_licence()
    deps.runner.run_all()
    assert flow.result_ok is True and [m.msgid for m in flow.result_words] == [words.PRINTED]
    assert deps.print_slip and deps.print_slip[-1][1] == "licence"
    assert any("could not be removed from CUPS" in r.getMessage() and r.levelname == "WARNING"
               for r in caplog.records)


def test_once_only_prints_once_then_is_refused(deps, a4_printer, a4_queue):
    flow = with_printer(deps, a4_printer)
    assert lic(flow, "L0002").printed_count == 0
    preview(flow, deps, "L0002")
    flow.print_licence()
    deps.runner.run_all()
    assert flow.result_ok is True
    flow.back_to_list()
    deps.runner.run_all()
    once = next(r for r in flow.rows() if r.licence.id == "L0002")
    assert once.blocked.msgid == words.ONCE_DONE
    flow.open_preview(once.licence)
    assert not deps.runner.pending and flow.stage == Stage.LIST


@pytest.mark.parametrize("fault", ["cupsdisable", "cupsreject"])
def test_a_stopped_or_refusing_queue_is_said_before_choosing(deps, a4_printer, a4_queue, fault):
    a4_queue.lp(fault, a4_queue.name)
    deps.a4 = lambda: a4_printer
    flow = by_card(deps)
    assert flow.printer == Printer.NOT_READY and flow.stage == Stage.LIST
    assert flow.printer_words.msgid == words.PRINTER_DOWN
    assert flow.printer_words.values["place"].msgid == words.WINDOW
    preview(flow, deps, "L0001")
    assert not flow.can_print()
    flow.print_licence()
    assert flow.stage == Stage.PREVIEW and flow.message == flow.printer_words and not deps.runner.pending
    assert a4_printer.recent_jobs() == []          # nothing sent, nothing half-printed


def test_a_held_job_is_said_recorded_and_a_helper_prints_it_again(deps, outbox, server, a4_printer, a4_queue):
    mode = [""]
    deps.staff_mode = lambda: mode[0]
    audit: list = []
    deps.audit = lambda what, detail="": audit.append((what, detail))
    flow = with_printer(deps, a4_printer)
    before = licence_pdfs(a4_queue)
    preview(flow, deps, "L0001")
    # The printer holds every job (as one that waits for a card at the device does).
    a4_queue.lp("lpadmin", "-p", a4_queue.name, "-o", "job-hold-until-default=indefinite")
    flow.print_licence()
    deps.runner.run_all()
    assert flow.stage == Stage.RESULT and flow.result_ok is False
    assert [m.msgid for m in flow.result_words] == [
        "打印没有完成，未打印的页可由工作人员重新打印", words.PRINT_FAILED_NEXT]
    (held,) = a4_printer.recent_jobs()
    assert held.state == "held"
    assert not flow.may_reprint()                  # a citizen cannot
    flow.reprint()
    assert msgid(flow) == words.REPRINT_HELPER_ONLY and not deps.runner.pending

    mode[0] = "helper"
    a4_queue.lp("lpadmin", "-p", a4_queue.name, "-o", "job-hold-until-default=no-hold")
    assert flow.may_reprint()
    flow.reprint()
    deps.runner.run_all()
    assert flow.result_ok is True, flow.result_words
    # The same job printed once (no second job), then gone from CUPS with its document.
    assert a4_printer.recent_jobs() == []
    (out,) = licence_pdfs(a4_queue) - before
    assert out.name.startswith("licence-L0001") and out.name.endswith(f"-job_{held.job_id}.pdf")
    assert audit == [("licence reprint", f"L0001 job {held.job_id}")]
    outbox.start()
    assert outbox.flush(10)
    mine = [(r["outcome"], r["reprint"], r["job_id"]) for r in server.received("licence_prints")
            if r["terminal_id"] == deps.cfg.terminal.id]
    assert mine == [("failed", False, held.job_id), ("printed", True, held.job_id)]
