"""帮办模式 as rules: recent slips and reprint, this terminal's help requests, end the citizen's session;
every action audited. A real SQLite print queue (no printer needed to list and reprint) and the real
demo API."""

from __future__ import annotations

import pytest

from drivers.printer import ReceiptPrinter
from kiosk.flows.staff import StaffFlow
from kiosk.print_queue import PrintQueue
from kiosk.receipts.model import Receipt


@pytest.fixture
def printq(tmp_path):
    q = PrintQueue(tmp_path / "print.db", lambda: ReceiptPrinter(str(tmp_path / "no-printer")))
    try:
        yield q
    finally:
        q.close()


@pytest.fixture
def staff(deps, printq):
    audit: list = []
    ended: list = []
    deps.print_queue = lambda: printq
    deps.audit = lambda what, detail="": audit.append((what, detail))
    deps.end_citizen_session = lambda: ended.append(True)
    flow = StaffFlow(deps)
    flow.audit_log, flow.ended = audit, ended
    return flow


def slip(text: str) -> Receipt:
    r = Receipt()
    r.text(text)
    return r.cut()


def test_recent_slips_and_a_reprint_is_audited(staff, deps, printq):
    first = printq.submit(slip("A001"), "ticket", "ticket A001")
    staff.refresh()
    deps.runner.run_all()
    assert [j["id"] for j in staff.jobs] == [first] and "ticket A001" in staff.job_line(staff.jobs[0])
    queued = []
    staff.reprint(first, on_queued=queued.append)
    deps.runner.run_all()
    assert queued and queued[0] != first and len(staff.jobs) == 2
    assert staff.audit_log[0] == ("reprint", f"job {first}")


def test_help_requests_of_this_terminal_and_mark_handled(staff, deps):
    api = deps.api()
    made = api.create_help_request(reason="不会操作", screen="guide")
    staff.refresh()
    deps.runner.run_all()
    assert made.id in [r.id for r in staff.requests]
    assert "guide" in staff.request_line(next(r for r in staff.requests if r.id == made.id))
    staff.mark_handled(made.id)
    deps.runner.run_all()
    assert made.id not in [r.id for r in staff.requests]
    assert ("help_handled", made.id) in staff.audit_log


def test_end_the_citizens_session(staff):
    staff.end_citizen_session()
    assert staff.ended == [True] and staff.audit_log == [("end_citizen_session", "")]
    assert staff.message.msgid == "已结束该市民的办理，信息已清除。"


def test_a_failed_request_list_is_kept_as_the_error_and_cleared_by_the_next(staff, deps):
    from kiosk.api.errors import Unavailable

    staff.refresh()
    deps.runner.pending[-1].fail(Unavailable("down"))
    assert isinstance(staff.error, Unavailable)
    staff.refresh()
    deps.runner.run_all()
    assert staff.error is None
