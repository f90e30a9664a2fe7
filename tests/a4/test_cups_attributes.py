"""What cupsd answers is checked at the edge: garbage or missing attributes are a named A4BadReply (an
A4Unavailable to the flow), never a TypeError. These feed the parsers the shapes pycups hands over."""

from __future__ import annotations

import pytest

from drivers.a4 import A4BadReply, A4Unavailable, Marker
from drivers.a4.cups_printer import parse_job, parse_markers, parse_status

GOOD = {"printer-state": 3, "printer-is-accepting-jobs": True, "printer-state-reasons": ["none"],
        "printer-state-message": "", "marker-names": ["Black Toner", "Drum"], "marker-types": ["toner", "opc"],
        "marker-levels": [14, 80], "marker-low-levels": [15, 10]}


def test_a_good_answer():
    st = parse_status("q", GOOD)
    assert (st.state, st.accepting, st.reasons, st.ready) == ("idle", True, (), True)
    assert st.markers == (Marker("Black Toner", "toner", 14, 15), Marker("Drum", "opc", 80, 10))


@pytest.mark.parametrize("reasons, ready", [
    (["media-empty-error"], False), (["toner-low-warning"], True), (["media-jam"], False),
    (["offline-report"], False), ("cover-open", False), (["marker-supply-low-warning"], True)])
def test_reasons_decide_readiness(reasons, ready):
    st = parse_status("q", {**GOOD, "printer-state-reasons": reasons})
    assert st.ready is ready
    assert st.reasons == tuple(reasons if isinstance(reasons, list) else [reasons])


@pytest.mark.parametrize("bad", [
    None, [], "idle",
    {"printer-is-accepting-jobs": True},
    {**GOOD, "printer-state": "idle"}, {**GOOD, "printer-state": 7}, {**GOOD, "printer-state": True},
    {**GOOD, "printer-is-accepting-jobs": 1}, {**GOOD, "printer-state-reasons": [3]},
    {**GOOD, "printer-state-message": b"x"}, {**GOOD, "marker-names": [None]}])
def test_garbage_is_a_named_error(bad):
    with pytest.raises(A4BadReply) as err:
        parse_status("q", bad)
    assert isinstance(err.value, A4Unavailable) and err.value.code == "a4.bad_reply"


def test_markers_with_odd_levels_or_short_lists_are_unknown_not_a_crash():
    markers = parse_markers({"marker-names": ["C", "M", "Y"], "marker-types": ["toner", 5],
                             "marker-levels": [101, "x"], "marker-low-levels": [-3]})
    assert markers == (Marker("C", "toner", -1, -3), Marker("M", "unknown", -1, -1),
                       Marker("Y", "unknown", -1, -1))


@pytest.mark.parametrize("bad", [None, {}, {"job-state": "done"}, {"job-state": 2}, {"job-state": 9,
                                                                                  "job-state-reasons": [None]}])
def test_job_garbage_is_a_named_error(bad):
    with pytest.raises(A4BadReply):
        parse_job(1, bad)


def test_a_job_answer():
    job = parse_job(7, {"job-state": 4, "job-name": "licence", "job-state-reasons": ["job-hold-until-specified"],
                        "time-at-creation": 1700000000})
    assert (job.state, job.title, job.reasons, job.created_at, job.done) == (
        "held", "licence", ("job-hold-until-specified",), 1700000000.0, False)
