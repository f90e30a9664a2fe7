"""The persistent print queue against the simulator over a pseudo-terminal."""

import queue
import sqlite3

import pytest
from fixed_clock import FixedClock
from printer_samples import SYNTHETIC_ID, SYNTHETIC_NAME, samples

from drivers.printer import ReceiptPrinter
from kiosk.print_queue import PrintQueue, SimulatedCrash
from kiosk.receipts import ReceiptError, render_escpos

BAUD = 115200


class Recorder:
    def __init__(self, q: PrintQueue) -> None:
        self.jobs: queue.Queue = queue.Queue()
        self.states: queue.Queue = queue.Queue()
        q.on_job(lambda job_id, status: self.jobs.put((job_id, status)))
        q.on_state(lambda state, status: self.states.put(state))

    def job(self, timeout=5.0):
        return self.jobs.get(timeout=timeout)

    def wait_state(self, wanted, timeout=5.0):
        while True:
            s = self.states.get(timeout=timeout)
            if s == wanted:
                return s


@pytest.fixture
def make_queue(sim, tmp_path):
    made = []

    def make(port=None):
        q = PrintQueue(tmp_path / "print.db", lambda: ReceiptPrinter(port or sim.port, baudrate=BAUD),
                       poll_interval=0.05)
        made.append(q)
        return q

    yield make
    for q in made:
        q.close()


def test_prints_a_job_once(sim, make_queue):
    q = make_queue()
    rec = Recorder(q)
    q.start()
    job_id = q.submit(samples()["queue_ticket"], "queue_ticket", "A023 社会保障卡申领")
    assert rec.job() == (job_id, "printed")
    assert sim.wait_for_jobs(1, 5)
    assert sim.jobs[0].raw == render_escpos(samples()["queue_ticket"])
    assert q.pending() == [] and q.recent(1)[0]["state"] == "printed"
    assert q.state == "ready"
    assert not sim.wait_for_jobs(2, 0.3)
    mode = sqlite3.connect(q.db_path).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_paper_out_mid_job_keeps_the_job_and_prints_it_once(sim, make_queue):
    q = make_queue()
    rec = Recorder(q)
    q.start()
    sim.set_paper_out_after(60)
    job_id = q.submit(samples()["materials"], "materials", "checklist")
    assert rec.job() == (job_id, "waiting")
    rec.wait_state("out")
    assert [j["id"] for j in q.pending()] == [job_id]
    assert sim.jobs == []
    sim.set_paper("ok")
    assert rec.job() == (job_id, "printed")
    assert sim.wait_for_jobs(1, 5)
    assert not sim.wait_for_jobs(2, 0.3)
    assert q.pending() == []


def test_no_printing_while_not_ready_then_prints(sim, make_queue):
    sim.set_cover_open(True)
    q = make_queue()
    rec = Recorder(q)
    q.start()
    rec.wait_state("cover_open")
    job_id = q.submit(samples()["feedback"], "feedback", "FK20240501007")
    assert not sim.wait_for_jobs(1, 0.3)
    assert q.pending()[0]["state"] == "waiting"
    sim.set_cover_open(False)
    assert rec.job() == (job_id, "printed")
    assert sim.wait_for_jobs(1, 5)


@pytest.mark.parametrize("setup, state", [
    (lambda s: s.set_mute(True), "unknown"),
    (lambda s: s.set_offline(True), "offline"),
    (lambda s: s.set_paper("near_end"), "near_end"),
    (lambda s: s.unplug(), "not_connected"),
])
def test_state_follows_the_printer(sim, make_queue, setup, state):
    q = make_queue()
    rec = Recorder(q)
    q.start()
    rec.wait_state("ready")
    setup(sim)
    rec.wait_state(state)
    assert q.state == state


def test_one_lost_status_reply_does_not_grey_out_the_printer(sim, make_queue):
    """A busy host can miss one reply; the queue asks again before calling a good printer unknown.
    Two lost in a row is a real silence and is reported."""
    q = make_queue()
    rec = Recorder(q)
    q.start()
    rec.wait_state("ready")
    sim.drop_replies(1)
    try:
        changed = rec.states.get(timeout=1.0)
    except queue.Empty:
        changed = None
    assert changed is None, f"state went to {changed} after one lost reply"
    assert sim._drop_replies == 0, "the queue did not poll in the meantime"
    sim.set_mute(True)
    rec.wait_state("unknown")


def test_one_lost_reply_after_a_job_does_not_print_it_twice(sim, make_queue):
    q = make_queue()
    rec = Recorder(q)

    def lose_the_next_reply(stage, job_id, data, printer):
        if stage == "after_write":
            sim.drop_replies(1)

    q._fault = lose_the_next_reply
    q.start()
    job_id = q.submit(samples()["queue_ticket"], "queue_ticket", "A024")
    assert rec.job(timeout=10) == (job_id, "printed")
    assert not sim.wait_for_jobs(2, 0.5), "printed twice after one lost status reply"
    assert q.job(job_id)["attempts"] == 1
    assert sim._drop_replies == 0, "no reply was lost: the case did not happen"


def test_crash_after_write_before_confirm_prints_none_twice(sim, make_queue):
    q = make_queue()

    def crash(stage, job_id, data, printer):
        if stage == "after_write":
            raise SimulatedCrash

    q._fault = crash
    q.start()
    job_id = q.submit(samples()["queue_ticket"], "queue_ticket", "A023")
    assert sim.wait_for_jobs(1, 5)
    q._thread.join(2)
    assert q.job(job_id)["state"] == "written"
    q.close()

    q2 = make_queue()
    assert q2.job(job_id)["state"] == "unconfirmed" and q2.pending() == []
    q2.start()
    assert not sim.wait_for_jobs(2, 0.5)
    assert [j["id"] for j in q2.recent(5)] == [job_id]  # offered for a manual reprint


def test_crash_mid_write_loses_nothing_and_prints_once(sim, make_queue):
    q = make_queue()

    def crash(stage, job_id, data, printer):
        if stage == "before_write":
            printer.send_raw(data[: len(data) // 2])  # half the ticket reached the printer, then power cut
            raise SimulatedCrash

    q._fault = crash
    q.start()
    job_id = q.submit(samples()["case_status"], "case_status", "SD2024050100012")
    q._thread.join(5)
    assert q.job(job_id)["state"] == "sending"
    assert not sim.wait_for_jobs(1, 0.2)
    q.close()

    q2 = make_queue()
    rec = Recorder(q2)
    q2.start()
    assert rec.job() == (job_id, "printed")
    assert sim.wait_for_jobs(1, 5)
    assert not sim.wait_for_jobs(2, 0.3)
    assert sim.jobs[0].raw == render_escpos(samples()["case_status"])


def test_reprint_makes_a_new_job(sim, make_queue):
    q = make_queue()
    rec = Recorder(q)
    q.start()
    first = q.submit(samples()["feedback"], "feedback", "FK20240501007")
    assert rec.job() == (first, "printed")
    second = q.reprint(first)
    assert second != first
    assert rec.job() == (second, "printed")
    assert sim.wait_for_jobs(2, 5) and sim.jobs[0].raw == sim.jobs[1].raw
    assert q.recent(2)[0]["reprint_of"] == first
    assert q.receipt(second).to_json() == samples()["feedback"].to_json()


def test_not_connected_until_the_printer_appears(sim, make_queue, tmp_path):
    q = make_queue(port=str(tmp_path / "nothing-here"))
    rec = Recorder(q)
    q.start()
    rec.wait_state("not_connected")
    q.submit(samples()["queue_ticket"], "queue_ticket", "A023")
    assert len(q.pending()) == 1


def test_no_unmasked_identity_is_stored(sim, make_queue):
    q = make_queue()
    q.submit(samples()["case_status"], "case_status", f"申请人 {SYNTHETIC_ID}")
    q.close()
    db = sqlite3.connect(q.db_path)
    rows = db.execute("SELECT kind, summary, receipt_json, data FROM jobs").fetchall()
    db.close()
    for _kind, summary, receipt_json, data in rows:
        everything = summary + receipt_json + bytes(data).decode("gbk", "replace")
        assert SYNTHETIC_ID not in everything and SYNTHETIC_NAME not in everything
        assert SYNTHETIC_ID not in summary
    from kiosk.receipts import Receipt

    q2 = make_queue()
    with pytest.raises(ReceiptError):
        q2.submit(Receipt().text(f"身份证 {SYNTHETIC_ID}").cut(), "bad", "x")


# ---- retention, secure delete, corrupt jobs ---------------------------------------------------------

DAY = 24 * 3600


@pytest.fixture
def clocked_queue(sim, tmp_path):
    made = []

    def make(clock):
        q = PrintQueue(tmp_path / "print.db", lambda: ReceiptPrinter(sim.port, baudrate=BAUD),
                       poll_interval=0.05, clock=clock)
        made.append(q)
        return q

    yield make
    for q in made:
        q.close()


def _file_bytes(db_path: str) -> bytes:
    """The database and its WAL as they lie on disk."""
    out = b""
    for suffix in ("", "-wal"):
        try:
            with open(db_path + suffix, "rb") as f:
                out += f.read()
        except FileNotFoundError:
            pass
    return out


def _slip(marker: str):
    from kiosk.receipts import Receipt

    return Receipt().text(f"凭条 {marker}").cut()


def test_finished_jobs_older_than_a_day_are_deleted_and_overwritten(sim, clocked_queue):
    clock = FixedClock()
    q = clocked_queue(clock)
    rec = Recorder(q)
    q.start()
    old = q.submit(_slip("RETAIN-OLD-7f3a"), "test", "old slip RETAIN-OLD-7f3a")
    assert rec.job() == (old, "printed")
    q.stop()
    clock.t += DAY - 3600                                   # 23 h later: a second slip
    q.start()
    young = q.submit(_slip("RETAIN-NEW-91c2"), "test", "new slip")
    assert rec.job() == (young, "printed")
    q.stop()
    q.submit(_slip("RETAIN-WAIT-55d0"), "test", "waiting slip")   # never printed: never deleted
    assert b"RETAIN-OLD-7f3a" in _file_bytes(q.db_path)     # the check below can see the text
    clock.t += 2 * 3600                                     # the first is now 25 h old, the second 2 h
    assert q.purge() == 1
    assert [j["summary"] for j in q.recent()] == ["waiting slip", "new slip"]
    raw = _file_bytes(q.db_path)
    assert b"RETAIN-OLD-7f3a" not in raw                    # secure_delete + TRUNCATE checkpoint
    assert b"RETAIN-NEW-91c2" in raw
    clock.t += 30 * DAY
    assert q.purge() == 1 and [j["state"] for j in q.recent()] == ["waiting"]
    assert q._db.execute("PRAGMA secure_delete").fetchone()[0] == 1


def test_only_the_last_few_finished_jobs_are_kept_for_reprint(sim, clocked_queue):
    from kiosk.print_queue import KEEP_FINISHED

    q = clocked_queue(FixedClock())
    rec = Recorder(q)
    q.start()
    ids = [q.submit(_slip(f"N{i}"), "test", f"slip {i}") for i in range(KEEP_FINISHED + 3)]
    printed = [rec.job() for _ in ids]
    assert [p[1] for p in printed] == ["printed"] * len(ids)
    q.stop()
    q.purge()
    assert [j["id"] for j in q.recent(100)] == ids[::-1][:KEEP_FINISHED]
    assert q.job(ids[0]) is None


def test_a_corrupt_job_is_quarantined_and_the_others_print(sim, make_queue, caplog):
    q = make_queue()
    first = q.submit(_slip("GOOD-1"), "test", "good 1")
    q.close()
    # Corrupt rows written into the real file: print data stored as text, a receipt that is not JSON.
    db = sqlite3.connect(q.db_path, isolation_level=None)
    now = 1_800_000_000.0
    bad_data = db.execute("INSERT INTO jobs(kind, summary, data, receipt_json, state, created, updated) "
                          "VALUES ('test', 'bad data', 'garbage', '{\"blocks\": []}', 'waiting', ?, ?)",
                          (now, now)).lastrowid
    (good_bytes,) = db.execute("SELECT data FROM jobs WHERE id = ?", (first,)).fetchone()
    bad_json = db.execute("INSERT INTO jobs(kind, summary, data, receipt_json, state, created, updated) "
                          "VALUES ('test', 'bad json', ?, '{not json', 'waiting', ?, ?)",
                          (good_bytes, now, now)).lastrowid
    db.close()
    q = make_queue()
    rec = Recorder(q)
    last = q.submit(_slip("GOOD-2"), "test", "good 2")
    with caplog.at_level("ERROR", logger="kiosk.print_queue"):
        q.start()
        seen = dict(rec.job() for _ in range(4))
    assert seen == {first: "printed", bad_data: "failed", bad_json: "failed", last: "printed"}
    assert sim.wait_for_jobs(2, 5) and not sim.wait_for_jobs(3, 0.3)
    assert [j["id"] for j in q.quarantined()] == [bad_data, bad_json]
    assert all(j["state"] == "quarantined" for j in q.quarantined())
    assert bad_data not in [j["id"] for j in q.recent()]            # not offered for reprint
    assert f"print job {bad_data} is corrupt" in caplog.text and f"print job {bad_json} is corrupt" in caplog.text


def test_quarantined_jobs_are_deleted_after_a_week(sim, clocked_queue):
    from kiosk.print_queue import QUARANTINE_MAX_AGE_S

    clock = FixedClock()
    q = clocked_queue(clock)
    q._db.execute("INSERT INTO jobs(kind, summary, data, receipt_json, state, created, updated) "
                  "VALUES ('test', 'QUAR-MARK', x'00', '{', 'waiting', ?, ?)", (clock.t, clock.t))
    rec = Recorder(q)
    q.start()
    assert rec.job()[1] == "failed"
    q.stop()
    clock.t += DAY * 2
    assert q.purge() == 0 and len(q.quarantined()) == 1              # the technician can still look
    clock.t += QUARANTINE_MAX_AGE_S
    assert q.purge() == 1 and q.quarantined() == []
    assert b"QUAR-MARK" not in _file_bytes(q.db_path)


def test_an_after_status_cut_short_is_asked_again_before_the_citizen_is_told(sim, make_queue):
    """The paper ends mid-job and the printer's answer is cut short after DLE EOT 1 ("offline", no
    cause): asking again learns "out of paper", which the citizen is told, instead of a vague offline."""
    q = make_queue()
    rec = Recorder(q)
    q.start()
    rec.wait_state("ready")

    def cut_the_answer_short(stage, _job_id, _data, _printer):
        if stage == "after_write":
            sim.drop_replies(1, after=1)

    q._fault = cut_the_answer_short
    sim.set_paper_out_after(60)
    job_id = q.submit(samples()["materials"], "materials", "checklist")
    assert rec.job() == (job_id, "waiting")
    assert q.state == "out" and q.status.paper == "out" and q.status.complete
    rec.wait_state("out")
    assert [j["id"] for j in q.pending()] == [job_id]


def test_unattended_queue_asks_the_printer_less_often_unless_jobs_wait(sim, tmp_path):
    q = PrintQueue(tmp_path / "print.db", lambda: ReceiptPrinter(sim.port, baudrate=BAUD), poll_interval=0.05,
                   idle_interval=5.0)
    try:
        assert q.next_wait() == 0.05              # attended until told otherwise
        q.set_attended(False)
        assert q.next_wait() == 5.0
        sim.set_paper("out")                      # not started: the job stays waiting
        q.submit(samples()["queue_ticket"], "queue_ticket", "A023")
        assert q.next_wait() == 0.05              # a waiting job prints as soon as the printer can
    finally:
        q.close()


def test_a_touch_asks_the_printer_at_once(sim, tmp_path):
    """An idle interval far beyond the test's patience: the paper-out is only seen because
    set_attended(True) woke the waiting poll."""
    q = PrintQueue(tmp_path / "print.db", lambda: ReceiptPrinter(sim.port, baudrate=BAUD), poll_interval=0.05,
                   idle_interval=3600)
    rec = Recorder(q)
    q.set_attended(False)
    q.start()
    try:
        rec.wait_state("ready")                   # the first poll ran; the next is an hour away
        sim.set_paper("out")
        q.set_attended(True)
        rec.wait_state("out")
    finally:
        q.close()


def test_closing_twice_is_quiet(make_queue, caplog):
    q = make_queue()
    q.submit(samples()["queue_ticket"], "queue_ticket", "A023")
    q.close()
    q.close()                     # the app's stop, then the services' stop, on the way out
    assert not [r for r in caplog.records if r.levelname == "WARNING"], caplog.text
