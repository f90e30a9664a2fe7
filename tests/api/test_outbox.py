"""Outbox: durable, ordered, exactly-once delivery to the demo API; bounds, dead letters, crashes."""

from __future__ import annotations

import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fixed_clock import FixedClock

from kiosk.api import ApiClient
from kiosk.api import models as m
from kiosk.demo_api import DemoServer
from kiosk.hours import TZ as SHANGHAI
from kiosk.outbox import Outbox, OutboxFull, OutboxUnavailable

from .conftest import TERMINAL, TOKEN

ROOT = Path(__file__).resolve().parents[2]


def _feedback(i: int) -> dict[str, Any]:
    return {"category": "营商环境", "content": f"诉求 {i}", "terminal_id": TERMINAL}


def _heartbeat(up: float) -> dict[str, Any]:
    return {"app_version": "0.1.0", "uptime_s": up, "sent_at": "2026-11-26T10:00:00+08:00"}


def _box(tmp_path: Path, client: ApiClient, **kw: Any) -> Outbox:
    return Outbox(tmp_path / "outbox.db", client.send_outbox, base_delay=0.02, max_delay=0.1, **kw)


def test_delivers_in_order_and_reports_tracking_numbers(tmp_path: Path, server: DemoServer,
                                                        client: ApiClient) -> None:
    box = _box(tmp_path, client)
    delivered: list[tuple[str, str, Any]] = []
    box.on_delivered(lambda kind, key, resp: delivered.append((kind, key, resp)))
    keys, numbers = zip(*(box.enqueue_feedback(_feedback(i), TERMINAL) for i in range(5)), strict=True)
    ev_key = box.enqueue("evaluation", {"level": 4, "case_no": "3701042026111500001", "terminal_id": TERMINAL})
    assert box.depth() == 6 and box.oldest_age() is not None
    box.start()
    try:
        assert box.flush(5)
    finally:
        box.stop()
    assert [r["content"] for r in server.received("feedback")] == [f"诉求 {i}" for i in range(5)]
    assert [d[1] for d in delivered] == [*keys, ev_key]
    assert [d[2].tracking_no for d in delivered[:5]] == list(numbers)  # the server kept ours
    assert isinstance(delivered[5][2], m.EvaluationReceipt)
    assert box.depth() == 0 and box.oldest_age() is None


def test_outage_then_recovery_delivers_exactly_once(tmp_path: Path, server: DemoServer,
                                                    client: ApiClient) -> None:
    server.faults.error_rate = 1.0
    box = _box(tmp_path, client)
    for i in range(3):
        box.enqueue("feedback", _feedback(i))
    box.start()
    try:
        assert not box.flush(0.3)  # nothing gets through while the server answers 503
        assert box.depth() == 3
        server.faults.reset()
        server.faults.drop = True
        time.sleep(0.2)
        server.faults.reset()
        box.retry_now()
        assert box.flush(5)
    finally:
        box.stop()
    assert len(server.received("feedback")) == 3


def test_permanent_errors_go_to_dead_letters_and_do_not_block(tmp_path: Path, server: DemoServer,
                                                              client: ApiClient) -> None:
    box = _box(tmp_path, client)
    box.enqueue("evaluation", {"level": 1, "case_no": "3701042026111500001", "terminal_id": TERMINAL})  # 差评 without reason
    box.enqueue("bogus", {"x": 1})
    box.enqueue("feedback", {**_feedback(1), "tracking_no": "FK20261126JT019999"})
    box.enqueue("feedback", {**_feedback(2), "tracking_no": "FK20261126JT019999"})  # number taken: 409
    box.enqueue("feedback", _feedback(3))
    box.start()
    try:
        assert box.flush(5)
    finally:
        box.stop()
    dead = box.dead_letters()
    assert [d["kind"] for d in dead] == ["evaluation", "bogus", "feedback"]
    assert "409" in dead[2]["error"] and dead[2]["payload"]["content"] == "诉求 2"
    assert [r["content"] for r in server.received("feedback")] == ["诉求 1", "诉求 3"]


def test_wrong_token_keeps_records(tmp_path: Path, server: DemoServer) -> None:
    with ApiClient(server.base_url, "wrong-token", TERMINAL) as bad:
        box = _box(tmp_path, bad)
        box.enqueue("feedback", _feedback(1))
        box.start()
        try:
            assert not box.flush(0.3)
        finally:
            box.stop()
    assert box.depth() == 1 and box.dead_letters() == []
    row = sqlite3.connect(tmp_path / "outbox.db").execute("SELECT attempts, last_error FROM outbox").fetchone()
    assert row[0] >= 1 and "Unauthorized" in row[1]


def test_heartbeats_coalesce_and_are_dropped_first_when_full(tmp_path: Path) -> None:
    box = Outbox(tmp_path / "o.db", lambda *a: None, max_records=3)
    for up in (1.0, 2.0, 3.0):
        box.enqueue("heartbeat", _heartbeat(up))
    assert box.depth() == 1  # only the newest heartbeat is kept
    box.enqueue("feedback", _feedback(1))
    box.enqueue("feedback", _feedback(2))
    assert box.depth() == 3
    box.enqueue("evaluation", {"level": 5, "case_no": "3701042026111500001", "terminal_id": TERMINAL})  # heartbeat makes room
    kinds = [r[0] for r in sqlite3.connect(tmp_path / "o.db").execute("SELECT kind FROM outbox ORDER BY seq")]
    assert kinds == ["feedback", "feedback", "evaluation"]
    with pytest.raises(OutboxFull):
        box.enqueue("feedback", _feedback(3))
    assert box.depth() == 3


def test_disk_full_is_outbox_unavailable(tmp_path: Path) -> None:
    box = Outbox(tmp_path / "o.db", lambda *a: None)
    box._db.execute("PRAGMA max_page_count = 12")  # a tiny 'disk' for this connection
    with pytest.raises(OutboxUnavailable):
        for i in range(200):
            box.enqueue("feedback", {**_feedback(i), "content": "满" * 1500})
    assert box.depth() > 0  # what was stored before the disk filled is still there


def test_tracking_numbers(tmp_path: Path) -> None:
    box = Outbox(tmp_path / "o.db", lambda *a: None)
    day = datetime(2026, 11, 26, 23, 59, tzinfo=SHANGHAI)
    a, b = box.new_tracking_no("DDJ-T01", day), box.new_tracking_no("DDJ-T01", day)
    assert (a, b) == ("FK20261126JT010001", "FK20261126JT010002")
    assert all(re.fullmatch(m.TRACKING_NO_PATTERN, x) for x in (a, b))
    box.close()
    again = Outbox(tmp_path / "o.db", lambda *a: None)  # the sequence survives a restart
    assert again.new_tracking_no("DDJ-T01", day) == "FK20261126JT010003"
    # 16:00 UTC is 00:00 the next day in Shanghai: a new day, a new sequence
    utc = datetime.fromisoformat("2026-11-26T16:00:00+00:00")
    assert again.new_tracking_no("T7", utc) == "FK2026112700T70001"
    assert again.new_tracking_no("T7", utc - timedelta(seconds=1)) == "FK2026112600T70004"


def test_sigkill_at_random_points_loses_and_duplicates_nothing(tmp_path: Path, server: DemoServer) -> None:
    db = tmp_path / "crash.db"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    n, runs = 12, 4
    rng = random.Random()
    enqueued: list[str] = []
    killed = 0
    for run in range(runs + 1):
        last = run == runs
        cmd = [sys.executable, str(Path(__file__).with_name("outbox_worker.py")), str(db), server.base_url, TOKEN,
               f"r{run}", "0" if last else str(n)]
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
        try:
            kill_at = None if last else rng.randint(1, n)
            seen = 0
            for line in p.stdout:  # type: ignore[union-attr]
                if line.startswith("ENQ "):
                    enqueued.append(line.split()[1])
                    seen += 1
                    if kill_at is not None and seen == kill_at:
                        time.sleep(rng.uniform(0, 0.03))
                        p.send_signal(signal.SIGKILL)
                        killed += 1
                        break
                elif line.startswith("DONE"):
                    break
            rc = p.wait(timeout=30)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
            p.stdout.close()  # type: ignore[union-attr]
        if last:
            assert rc == 0, "the final run must drain the outbox"
    received = server.received("feedback")
    contents = [r["content"] for r in received]
    assert killed == runs
    assert len(contents) == len(set(contents)), "a record arrived twice"
    assert set(enqueued) <= set(contents), "a durably enqueued record was lost"
    valid = {f"r{r}-{i}" for r in range(runs) for i in range(n)}
    assert set(contents) <= valid
    for r in range(runs):  # in order within each run
        idx = [int(c.split("-")[1]) for c in contents if c.startswith(f"r{r}-")]
        assert idx == sorted(idx)
    numbers = [r["tracking_no"] for r in received]
    assert len(numbers) == len(set(numbers))
    left = sqlite3.connect(db).execute("SELECT COUNT(*) FROM outbox").fetchone()[0]
    assert left == 0
    print(f"crash test: {len(contents)} delivered once, {server.attempts('feedback')} POSTs, {killed} kills")


# ---- corrupt records, dead-letter age, secure delete ------------------------------------------------

DAY = 24 * 3600


def _file_bytes(db: Path) -> bytes:
    out = b""
    for p in (db, db.with_name(db.name + "-wal")):
        if p.exists():
            out += p.read_bytes()
    return out


def test_a_corrupt_record_is_set_aside_and_the_others_are_delivered(tmp_path: Path, server: DemoServer,
                                                                    client: ApiClient, caplog) -> None:
    from kiosk.diagnostics import outbox_text
    from kiosk.heartbeat import alert_devices

    db = tmp_path / "outbox.db"
    box = _box(tmp_path, client)
    box.enqueue("feedback", _feedback(1))
    box.close()
    raw = sqlite3.connect(db, isolation_level=None)  # rows broken in the real file, as a bad disk would
    raw.execute("INSERT INTO outbox (kind, payload, key, created_at) VALUES ('feedback', '{\"content\": \"诉', 'k1', 0)")
    raw.execute("INSERT INTO outbox (kind, payload, key, created_at) VALUES ('feedback', '[1, 2]', 'k2', 0)")
    raw.execute("INSERT INTO outbox (kind, payload, key, created_at, next_attempt_at) "
                "VALUES ('feedback', '{}', 'k3', 0, 'soon')")
    raw.close()
    box = _box(tmp_path, client)
    box.enqueue("feedback", _feedback(2))
    with caplog.at_level("ERROR", logger="kiosk.outbox"):
        box.start()
        try:
            assert box.flush(5)
        finally:
            box.stop()
    assert [r["content"] for r in server.received("feedback")] == ["诉求 1", "诉求 2"]
    dead = box.dead_letters()
    assert [d["key"] for d in dead] == ["k1", "k2", "k3"]
    assert all(d["error"].startswith("corrupt record") for d in dead)
    assert dead[0]["payload"] is None and dead[1]["payload"] == [1, 2]
    assert caplog.text.count("moved to dead letters: corrupt record") == 3
    alert = box.dead_alert()
    assert alert is not None and alert["count"] == 3 and alert["corrupt"] == 3 and alert["kinds"] == {"feedback": 3}
    assert "⚠ 3 条记录无法送达（已转入死信，其中 3 条记录损坏）" in outbox_text(box)
    assert alert_devices(box) == [{"name": "outbox", "state": "warning",
                                   "detail": "3 dead letter(s) never delivered (3 feedback, 3 corrupt); oldest 0 h"}]
    m.DeviceState.model_validate(alert_devices(box)[0])  # fits the heartbeat contract as it is
    box.close()


def test_dead_letters_alert_then_are_deleted_after_the_maximum_age(tmp_path: Path, server: DemoServer,
                                                                  client: ApiClient, caplog) -> None:
    from kiosk.diagnostics import collect_status, outbox_text
    from kiosk.outbox import DEAD_MAX_AGE_S

    clock = FixedClock()
    db = tmp_path / "outbox.db"
    box = _box(tmp_path, client, clock=clock)
    box.enqueue("bogus", {"content": "DEAD-MARK-4c1e 13800138000"})   # the server refuses the kind
    box.enqueue("feedback", _feedback(1))
    box.start()
    try:
        assert box.flush(5)
    finally:
        box.stop()
    assert box.dead_alert() == {"count": 1, "corrupt": 0, "oldest_age_s": 0.0, "kinds": {"bogus": 1}}
    assert "1 条记录无法送达" in collect_status(terminal_id="T1", outbox=box)["outbox"]["text"]
    clock.t += DEAD_MAX_AGE_S - 60
    assert box.purge_dead() == 0 and box.dead_alert()["oldest_age_s"] == DEAD_MAX_AGE_S - 60
    assert "29 天" in outbox_text(box)
    assert b"DEAD-MARK-4c1e" in _file_bytes(db)     # the check below can see the text
    clock.t += 120
    with caplog.at_level("WARNING", logger="kiosk.outbox"):
        assert box.purge_dead() == 1
    assert "deleting dead letters older than 30 days that never arrived (1 bogus)" in caplog.text
    assert box.dead_letters() == [] and box.dead_alert() is None
    assert outbox_text(box) == "无待发送记录"
    assert b"DEAD-MARK-4c1e" not in _file_bytes(db)  # overwritten (secure_delete), WAL truncated
    box.close()


def test_old_dead_letters_are_purged_when_the_outbox_opens(tmp_path: Path) -> None:
    clock = FixedClock()
    box = Outbox(tmp_path / "o.db", lambda *a: None, clock=clock, dead_max_age=DAY)
    box._db.execute("INSERT INTO dead (seq, kind, payload, key, created_at, failed_at, error) "
                    "VALUES (1, 'feedback', '{}', 'k', 0, ?, 'HTTP 409')", (clock.t,))
    box.close()
    clock.t += DAY + 1
    again = Outbox(tmp_path / "o.db", lambda *a: None, clock=clock, dead_max_age=DAY)
    assert again.dead_letters() == []
    again.close()


def test_delivered_payloads_are_gone_from_the_files(tmp_path: Path, server: DemoServer, client: ApiClient) -> None:
    db = tmp_path / "outbox.db"
    box = _box(tmp_path, client)
    box.enqueue("feedback", {**_feedback(1), "content": "诉求 SENT-MARK-b7d9", "phone": "13800138000"})
    assert b"SENT-MARK-b7d9" in _file_bytes(db)
    box.start()
    try:
        assert box.flush(5)
        # Once drained, the sender checkpoints: wait for that condition, not for a time.
        deadline = time.monotonic() + 5
        while b"SENT-MARK-b7d9" in _file_bytes(db):
            assert time.monotonic() < deadline, "the delivered payload is still in the outbox files"
            time.sleep(0.05)
    finally:
        box.close()
    assert b"SENT-MARK-b7d9" not in _file_bytes(db)
