"""The CUPS driver against a real private cupsd with cups-pdf queues: what it reports, what comes out on
paper (a PDF here), and each fault a terminal's A4 printer has."""

from __future__ import annotations

import time

import pytest
from a4.cups_fixtures import TERMINAL_ID
from a4.pdfcheck import decode_qr, is_a4, page_sizes

from drivers.a4 import A4JobFailed, A4NotReady, A4Unavailable, Marker
from drivers.a4.cups_printer import CupsPrinter
from drivers.a4.private_cupsd import PrivateCupsd
from drivers.a4.testpage import QR_PREFIX, render_test_page


def test_an_idle_queue_is_ready_and_accepting(a4_printer):
    st = a4_printer.status()
    assert (st.queue, st.state, st.accepting, st.ready) == (a4_printer.queue, "idle", True, True)
    assert st.reasons == ()


def test_the_test_page_comes_out_as_one_a4_page_whose_qr_names_terminal_and_queue(a4_printer, a4_queue):
    job_id = a4_printer.test_page()
    job = a4_printer.wait(job_id, timeout=60)
    assert (job.job_id, job.state, job.title) == (job_id, "completed", "kiosk A4 test page")
    pdf = a4_queue.pdf_of(job_id)
    sizes = page_sizes(pdf)
    assert len(sizes) == 1 and is_a4(sizes[0]), sizes
    [text] = decode_qr(pdf)
    prefix, terminal, queue, _stamp = text.split("|")
    assert (prefix, terminal, queue) == (QR_PREFIX, TERMINAL_ID, a4_queue.name)


def test_recent_jobs_lists_this_queues_jobs_newest_first(a4_printer, a4_queue, private_cupsd):
    other = CupsPrinter("a4-session", server=private_cupsd.socket)
    pdf = render_test_page("x", when=0)
    first = a4_printer.submit(pdf, "first")
    a4_printer.wait(first, 60)
    elsewhere = other.submit(pdf, "other queue")
    second = a4_printer.submit(pdf, "second")
    a4_printer.wait(second, 60)
    other.wait(elsewhere, 60)
    jobs = a4_printer.recent_jobs()
    assert [(j.job_id, j.title, j.state) for j in jobs] == [(second, "second", "completed"),
                                                           (first, "first", "completed")]
    assert [j.job_id for j in a4_printer.recent_jobs(limit=1)] == [second]


def test_a_disabled_queue_is_not_ready_with_its_reason_and_refuses_jobs(a4_printer, a4_queue):
    a4_queue.lp("cupsdisable", "-r", "技术维护中", a4_queue.name)
    st = a4_printer.status()
    assert (st.state, st.ready) == ("stopped", False)
    assert "paused" in st.reasons
    assert st.message == "技术维护中"
    with pytest.raises(A4NotReady) as err:
        a4_printer.submit(render_test_page("x", when=0), "refused")
    assert err.value.code == "a4.not_ready"
    assert a4_printer.recent_jobs() == []          # nothing half-sent


def test_a_queue_not_accepting_refuses_jobs(a4_printer, a4_queue):
    a4_queue.lp("cupsreject", "-r", "out of paper", a4_queue.name)
    st = a4_printer.status()
    assert (st.accepting, st.ready) == (False, False)
    with pytest.raises(A4NotReady):
        a4_printer.test_page()


def _held_job(a4_queue, tmp_path) -> int:
    page = tmp_path / "page.pdf"
    page.write_bytes(render_test_page(a4_queue.name, TERMINAL_ID, when=0))
    out = a4_queue.lp("lp", "-d", a4_queue.name, "-H", "hold", "-t", "licence", str(page))
    return int(out.split(f"{a4_queue.name}-")[1].split()[0])


def test_a_held_job_fails_the_wait_stays_listed_and_prints_when_released(a4_printer, a4_queue, tmp_path):
    # lp -H hold: the job waits for a person (as a printer that holds jobs for authentication does).
    job_id = _held_job(a4_queue, tmp_path)
    with pytest.raises(A4JobFailed) as err:
        a4_printer.wait(job_id, timeout=60)
    assert err.value.code == "a4.job_failed"
    assert err.value.job is not None and err.value.job.state == "held"
    assert err.value.job.reasons == ("job-hold-until-specified",)
    assert [(j.job_id, j.state) for j in a4_printer.recent_jobs()] == [(job_id, "held")]
    a4_printer.release(job_id)
    assert a4_printer.wait(job_id, 60).state == "completed"


def test_a_job_caught_by_a_stopped_printer_fails_and_prints_when_it_is_back(a4_printer, a4_queue, tmp_path):
    job_id = _held_job(a4_queue, tmp_path)
    a4_queue.lp("cupsdisable", a4_queue.name)
    a4_printer.release(job_id)                      # now pending on a stopped printer
    with pytest.raises(A4JobFailed) as err:
        a4_printer.wait(job_id, 60)
    assert (err.value.job.state, "printer-stopped" in err.value.job.reasons) == ("pending", True)
    with pytest.raises(A4JobFailed, match="still pending"):
        a4_printer.reprint(job_id)                  # it prints by itself once the printer is back: no twice
    assert [j.job_id for j in a4_printer.recent_jobs()] == [job_id]     # nothing lost
    a4_queue.lp("cupsenable", a4_queue.name)
    assert a4_printer.wait(job_id, 60).state == "completed"


def test_a_printed_job_is_printed_again_from_the_kept_document(a4_printer, a4_queue):
    job_id = a4_printer.submit(render_test_page(a4_queue.name, TERMINAL_ID, when=0), "licence")
    a4_printer.wait(job_id, 60)
    first = a4_queue.pdf_of(job_id)
    first.rename(first.with_suffix(".first"))
    assert a4_printer.reprint(job_id) == job_id
    assert a4_printer.wait(job_id, 60).state == "completed"
    [text] = decode_qr(a4_queue.pdf_of(job_id))
    assert text.split("|")[:3] == [QR_PREFIX, TERMINAL_ID, a4_queue.name]


def test_a_forgotten_job_leaves_cups_with_its_document(a4_printer, a4_queue, private_cupsd):
    job_id = a4_printer.submit(render_test_page(a4_queue.name, TERMINAL_ID, when=0), "licence")
    a4_printer.wait(job_id, 60)
    spool = private_cupsd.dir / "spool"
    assert list(spool.glob(f"d{job_id:05d}-*"))            # CUPS keeps the document (PreserveJobFiles)
    a4_printer.forget(job_id)
    assert not list(spool.glob(f"d{job_id:05d}-*"))
    assert job_id not in [j.job_id for j in a4_printer.recent_jobs()]
    with pytest.raises(A4Unavailable):
        a4_printer.job(job_id)
    a4_printer.forget(job_id)                                # gone already: not an error
    with pytest.raises(A4JobFailed):                         # and nothing is left to print again
        a4_printer.reprint(job_id)


def test_toner_low_and_the_supplies_the_printer_reports(a4_printer, a4_queue):
    a4_queue.fault("ATTR: marker-names='Black Toner',Drum marker-types=toner,opc marker-levels=9,80 "
                   "marker-low-levels=10,5", "STATE: +toner-low-warning")
    assert a4_printer.wait(a4_printer.test_page(), 60).state == "completed"     # a warning still prints
    st = a4_printer.status()
    assert (st.ready, st.reasons) == (True, ("toner-low-warning",))
    assert st.markers == (Marker("Black Toner", "toner", 9, 10), Marker("Drum", "opc", 80, 5))


@pytest.mark.parametrize("reason", ["media-empty-error", "media-jam-error", "cover-open-error"])
def test_a_printer_fault_stops_the_queue_keeps_the_job_and_it_prints_after_the_repair(a4_printer, a4_queue, reason):
    a4_queue.fault(f"STATE: +{reason}", exit_code=4)          # 4: CUPS_BACKEND_STOP, as a printer out of paper
    job_id = a4_printer.submit(render_test_page(a4_queue.name, TERMINAL_ID, when=0), "licence")
    with pytest.raises(A4JobFailed) as err:
        a4_printer.wait(job_id, 60)
    assert err.value.job.state == "pending"
    st = a4_printer.status()
    assert (st.state, st.ready, reason in st.reasons) == ("stopped", False, True)
    with pytest.raises(A4NotReady):
        a4_printer.submit(render_test_page("x", when=0), "second")   # nothing more is sent to a stopped printer
    assert [j.job_id for j in a4_printer.recent_jobs()] == [job_id]
    a4_queue.fault(f"STATE: -{reason}")                       # repaired: paper in, jam cleared, cover shut
    a4_queue.lp("cupsenable", a4_queue.name)
    assert a4_printer.wait(job_id, 60).state == "completed"
    assert a4_printer.status().reasons == ()
    [text] = decode_qr(a4_queue.pdf_of(job_id))
    assert text.split("|")[1:3] == [TERMINAL_ID, a4_queue.name]


def test_a_queue_that_does_not_exist_is_unavailable(private_cupsd):
    with pytest.raises(A4Unavailable) as err:
        CupsPrinter("no-such-queue", server=private_cupsd.socket).status()
    assert err.value.code == "a4.unavailable"


def test_cupsd_down_is_unavailable_and_back_up_it_works_again():
    cupsd = PrivateCupsd(queue="down-test")
    cupsd.start()
    try:
        printer = CupsPrinter("down-test", server=cupsd.socket)
        assert printer.status().ready
        cupsd.kill()
        for call in (printer.status, printer.recent_jobs, lambda: printer.job(1),
                     lambda: printer.submit(render_test_page("x", when=0), "t")):
            with pytest.raises(A4Unavailable):
                call()
        cupsd.restart()
        assert printer.status().ready
    finally:
        cupsd.stop()


def test_submit_refuses_what_is_not_a_pdf(a4_printer):
    with pytest.raises(ValueError):
        a4_printer.submit(b"hello", "not a pdf")


@pytest.mark.timeout(300)
def test_a_completed_job_listed_without_its_name_keeps_its_title_in_recent_jobs():
    import cups

    # Get-Jobs lists a completed job by id and state alone once cupsd has let go of its attributes: a
    # second after it completed (measured, cupsd 2.4), or when it unloads the job a minute after its
    # last use. A Get-Job-Attributes reads them back from the job's file and then Get-Jobs names the job
    # again until the next unload, so completion is awaited through the listing, not printer.wait();
    # and the cupsd is this test's own: another queue's recent_jobs on a shared one (Get-Jobs asking for
    # job-printer-uri) reads every job back (measured: a job kept its name in the listing for minutes).
    cupsd = PrivateCupsd(queue="listing-test")
    cupsd.start()
    try:
        printer = CupsPrinter("listing-test", server=cupsd.socket, terminal_id=TERMINAL_ID)
        job_id = printer.test_page()
        conn = cups.Connection(host=cupsd.socket)

        def listed(*attrs: str) -> dict | None:
            return conn.getJobs(which_jobs="completed", requested_attributes=["job-id", *attrs]).get(job_id)

        deadline = time.monotonic() + 60
        while listed() is None:
            assert time.monotonic() < deadline, "the test page never completed"
            time.sleep(0.5)
        deadline = time.monotonic() + 200
        while "job-name" in listed("job-name"):
            assert time.monotonic() < deadline, "cupsd kept listing the job with its name"
            time.sleep(1)
        [job] = printer.recent_jobs()
        assert (job.job_id, job.title, job.state) == (job_id, "kiosk A4 test page", "completed")
        assert job.created_at > 0
    finally:
        cupsd.stop()
