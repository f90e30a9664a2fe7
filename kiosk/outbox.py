"""SQLite outbox for the POSTs that must arrive: feedback, evaluations, help requests, heartbeats.

Delivery
    enqueue() commits the record (WAL, synchronous=FULL) with an Idempotency-Key made at enqueue time,
    before it returns. One sender thread delivers records strictly in enqueue order (the head waits
    until it is delivered or dead-lettered), with exponential backoff and jitter between attempts.
    A record is deleted only after the server answered; a crash between the answer and the delete
    resends it with the same key, and the server replays its stored answer: exactly one record arrives.

Errors
    Transient (network, timeouts, 5xx, 408, 429, and 401/403 — a wrong token is fixed by a technician,
    the records must survive until then): retried with backoff, forever. Permanent (other 4xx, a payload
    that does not fit the model): the record moves to the `dead` table and is logged, never dropped
    silently. A disk-full or broken database makes enqueue raise OutboxUnavailable.

Bounds (max_records, default 10000 undelivered records)
    Heartbeats are coalesced: enqueueing one removes the undelivered older ones (only the newest state
    of the terminal matters). When the outbox is full, heartbeats are dropped first; feedback,
    evaluations and help requests are never dropped: if only they fill the outbox, enqueue raises
    OutboxFull and the screen must say the submission could not be stored.

Feedback tracking numbers
    The citizen gets the number on the receipt at once, even offline: the terminal makes it at enqueue
    time (enqueue_feedback) and the server accepts it. Format: "FK" + YYYYMMDD (Asia/Shanghai) + the last
    4 letters/digits of the terminal id (upper-case, '0'-padded) + a 4-digit daily sequence kept in this
    database, e.g. FK20261126JT010007 for terminal DDJ-T01. The last 4 characters of the terminal ids of
    one center must differ.

Dead letters and corrupt records
    A dead letter never arrived: it is an alert for the technician (ERROR log line when it dies,
    dead_alert() for the diagnostics screen and the heartbeat) until it is older than dead_max_age
    (DEAD_MAX_AGE_S, 30 days): then it is logged once more, at WARNING, and deleted. A record that
    cannot be read back (payload not JSON or not an object, a broken column) is moved to the dead
    letters as "corrupt" instead of stopping the sender: the records after it are delivered.

Privacy: payloads may hold a phone number; rows are deleted after delivery with secure_delete on, and
the WAL is checkpointed and truncated once the outbox has drained, after a purge and at close, so the
deleted text is in neither file.
"""

from __future__ import annotations

import json
import logging
import random
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from kiosk.hours import TZ
from kiosk.privacy import mask_text

log = logging.getLogger(__name__)

COALESCED = frozenset({"heartbeat"})
DROPPABLE = ("heartbeat",)  # dropped in this order when the outbox is full
DEAD_MAX_AGE_S = 30 * 24 * 3600  # a technician visits at least monthly; the heartbeat alerts sooner
PURGE_INTERVAL_S = 3600.0
CORRUPT = "corrupt record"

Send = Callable[[str, dict[str, Any], str], Any]
Delivered = Callable[[str, str, Any], None]


class OutboxError(Exception):
    pass


class OutboxFull(OutboxError):
    """Full of records that may not be dropped."""


class OutboxUnavailable(OutboxError):
    """The database cannot be written (disk full, read-only, corrupt)."""


_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    key TEXT NOT NULL UNIQUE,
    created_at REAL NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL DEFAULT 0,
    last_error TEXT
);
CREATE TABLE IF NOT EXISTS dead (
    seq INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    key TEXT NOT NULL,
    created_at REAL NOT NULL,
    failed_at REAL NOT NULL,
    error TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""


def _is_permanent(exc: BaseException) -> bool:
    # Duck-typed so the outbox does not depend on the API package: kiosk.api.errors sets `permanent`.
    return bool(getattr(exc, "permanent", False))


class Outbox:
    def __init__(self, db_path: str | Path, send: Send, max_records: int = 10000, base_delay: float = 0.5,
                 max_delay: float = 60.0, clock: Callable[[], float] = time.time,
                 dead_max_age: float = DEAD_MAX_AGE_S) -> None:
        self.db_path = str(db_path)
        self._send = send
        self.max_records = max_records
        self.base_delay, self.max_delay = base_delay, max_delay
        self._clock = clock
        self.dead_max_age = dead_max_age
        self._last_purge = float("-inf")
        self._dirty = False  # rows deleted since the last checkpoint
        self._lock = threading.RLock()
        self._wake = threading.Condition(self._lock)
        self._callbacks: list[Delivered] = []
        self._thread: threading.Thread | None = None
        self._stopping = False
        try:
            self._db = sqlite3.connect(self.db_path, isolation_level=None, check_same_thread=False, timeout=5)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.execute("PRAGMA secure_delete=ON")
            self._db.executescript(_SCHEMA)
        except sqlite3.Error as e:
            raise OutboxUnavailable(f"cannot open outbox {self.db_path}: {e}") from e
        try:
            self.purge_dead()
        except sqlite3.Error as e:  # a read-only or full disk must not stop the terminal from starting
            log.error("outbox: cannot purge old dead letters: %s", e)

    # ---- enqueue -----------------------------------------------------------------------------------

    def enqueue(self, kind: str, payload: dict[str, Any]) -> str:
        """Store a record durably and return its Idempotency-Key. Raises OutboxFull / OutboxUnavailable."""
        key = uuid.uuid4().hex
        text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    self._make_room(kind)
                    self._db.execute("INSERT INTO outbox (kind, payload, key, created_at) VALUES (?, ?, ?, ?)",
                                     (kind, text, key, self._clock()))
                    self._db.execute("COMMIT")
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
            except sqlite3.Error as e:
                log.error("outbox: cannot store a %s record: %s", kind, e)
                raise OutboxUnavailable(f"outbox database cannot be written: {e}") from e
            self._wake.notify_all()
        return key

    def _make_room(self, kind: str) -> None:
        if kind in COALESCED:
            self._db.execute("DELETE FROM outbox WHERE kind = ?", (kind,))
        depth = self._db.execute("SELECT COUNT(*) FROM outbox").fetchone()[0]
        for droppable in DROPPABLE:
            if depth < self.max_records:
                break
            excess = depth - self.max_records + 1
            cur = self._db.execute(
                "DELETE FROM outbox WHERE seq IN (SELECT seq FROM outbox WHERE kind = ? ORDER BY seq LIMIT ?)",
                (droppable, excess))
            if cur.rowcount:
                log.warning("outbox full: dropped %d old %s records", cur.rowcount, droppable)
            depth -= cur.rowcount
        if depth >= self.max_records:
            raise OutboxFull(f"outbox holds {depth} undelivered records that may not be dropped")

    def new_tracking_no(self, terminal_id: str, now: datetime | None = None) -> str:
        """Next feedback tracking number of this terminal (format in the module docstring)."""
        day = (now or datetime.now(TZ)).astimezone(TZ).strftime("%Y%m%d")
        suffix = "".join(c for c in terminal_id.upper() if c.isascii() and c.isalnum())[-4:].rjust(4, "0")
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                self._db.execute("INSERT INTO counters (name, value) VALUES (?, 1) "
                                 "ON CONFLICT(name) DO UPDATE SET value = value + 1", (f"FK{day}",))
                seq = self._db.execute("SELECT value FROM counters WHERE name = ?", (f"FK{day}",)).fetchone()[0]
                self._db.execute("COMMIT")
            except sqlite3.Error as e:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                # The first write of a feedback: on a full disk this is where it fails, and the
                # technician must find the reason in the log (the citizen only hears "not saved").
                log.error("outbox: cannot make a feedback tracking number: %s", e)
                raise OutboxUnavailable(f"outbox database cannot be written: {e}") from e
        return f"FK{day}{suffix}{seq % 10000:04d}"

    def enqueue_feedback(self, payload: dict[str, Any], terminal_id: str) -> tuple[str, str]:
        """Give the feedback its tracking number and store it; returns (idempotency key, tracking_no)."""
        tracking_no = payload.get("tracking_no") or self.new_tracking_no(terminal_id)
        key = self.enqueue("feedback", {**payload, "tracking_no": tracking_no})
        return key, tracking_no

    # ---- state -------------------------------------------------------------------------------------

    def depth(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM outbox").fetchone()[0]

    def oldest_age(self) -> float | None:
        """Seconds since the oldest undelivered record was enqueued; None when empty."""
        with self._lock:
            row = self._db.execute("SELECT MIN(created_at) FROM outbox").fetchone()
        return None if row[0] is None else max(0.0, self._clock() - row[0])

    def dead_letters(self) -> list[dict[str, Any]]:
        """The dead letters, oldest first; a corrupt one's payload is None."""
        with self._lock:
            rows = self._db.execute("SELECT seq, kind, payload, key, failed_at, error FROM dead ORDER BY seq").fetchall()
        return [{"seq": r[0], "kind": r[1], "payload": _payload_or_none(r[2]), "key": r[3], "failed_at": r[4],
                 "error": r[5]} for r in rows]

    def dead_alert(self) -> dict[str, Any] | None:
        """What the technician must know about dead letters, or None when there are none:
        {"count", "corrupt" (how many of them could not be read), "oldest_age_s", "kinds"}."""
        with self._lock:
            rows = self._db.execute("SELECT kind, COUNT(*), MIN(failed_at), SUM(error LIKE ? || '%') "
                                    "FROM dead GROUP BY kind ORDER BY kind", (CORRUPT,)).fetchall()
        if not rows:
            return None
        oldest = min(r[2] for r in rows)
        return {"count": sum(r[1] for r in rows), "corrupt": sum(int(r[3] or 0) for r in rows),
                "oldest_age_s": max(0.0, self._clock() - oldest), "kinds": {r[0]: r[1] for r in rows}}

    def purge_dead(self) -> int:
        """Delete dead letters older than dead_max_age (logged first: they never arrived)."""
        cutoff = self._clock() - self.dead_max_age
        with self._lock:
            self._last_purge = self._clock()
            old = self._db.execute("SELECT kind, COUNT(*) FROM dead WHERE failed_at < ? GROUP BY kind",
                                   (cutoff,)).fetchall()
            if not old:
                return 0
            kinds = ", ".join(f"{n} {kind}" for kind, n in old)
            log.warning("outbox: deleting dead letters older than %d days that never arrived (%s)",
                        self.dead_max_age // 86400, kinds)
            n = self._db.execute("DELETE FROM dead WHERE failed_at < ?", (cutoff,)).rowcount
            self._checkpoint()
        return n

    def _checkpoint(self) -> None:
        """Copy the WAL into the database and truncate it: its old frames still hold deleted payloads."""
        with self._lock:
            try:
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                self._dirty = False
            except sqlite3.Error as e:
                log.warning("outbox: WAL checkpoint failed: %s", e)

    def on_delivered(self, cb: Delivered) -> None:
        """cb(kind, key, response) runs on the sender thread after each delivery (schedule UI work)."""
        self._callbacks.append(cb)

    # ---- sender ------------------------------------------------------------------------------------

    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="outbox-sender", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        with self._lock:
            self._stopping = True
            self._wake.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def close(self) -> None:
        self.stop()
        with self._lock:
            try:
                self._checkpoint()
            finally:
                self._db.close()

    def flush(self, timeout: float) -> bool:
        """Wait until every record is delivered (or dead-lettered); True if the outbox is empty."""
        deadline = time.monotonic() + timeout
        with self._lock:
            self._wake.notify_all()
        while time.monotonic() < deadline:
            if self.depth() == 0:
                return True
            time.sleep(0.02)
        return self.depth() == 0

    def retry_now(self) -> None:
        """Forget the backoff (e.g. the network just came back)."""
        with self._lock:
            self._db.execute("UPDATE outbox SET next_attempt_at = 0")
            self._wake.notify_all()

    def _head(self) -> tuple[int, str, str, str, int, float] | None:
        with self._lock:
            return self._db.execute("SELECT seq, kind, payload, key, attempts, next_attempt_at FROM outbox "
                                    "ORDER BY seq LIMIT 1").fetchone()

    def _run(self) -> None:
        while True:
            with self._lock:
                if self._stopping:
                    return
            try:
                self._step()
            except Exception:  # noqa: BLE001 - the sender must outlive any one record or a broken disk
                log.exception("outbox: sender step failed")
                self._idle(1.0)

    def _step(self) -> None:
        try:
            if self._clock() - self._last_purge >= PURGE_INTERVAL_S:
                self.purge_dead()
            head = self._head()
        except sqlite3.Error as e:
            log.error("outbox: cannot read: %s", e)
            self._idle(1.0)
            return
        if head is None:
            if self._dirty:
                self._checkpoint()
            self._idle(1.0)
            return
        seq, kind, text, key, attempts, next_at = head
        try:
            payload = json.loads(text)
            if not isinstance(payload, dict):
                raise ValueError(f"payload is a JSON {type(payload).__name__}, not an object")
            if not isinstance(kind, str) or not isinstance(key, str):
                raise ValueError("kind or key is not text")
            wait = float(next_at) - self._clock()
            attempts = int(attempts)
        except (TypeError, ValueError) as e:  # JSONDecodeError is a ValueError
            self._to_dead(seq, mask_text(f"{CORRUPT}: {type(e).__name__}: {e}")[:300])
            return
        if wait > 0:
            self._idle(min(wait, 1.0))
            return
        self._deliver(seq, kind, payload, key, attempts)

    def _idle(self, seconds: float) -> None:
        with self._lock:
            if not self._stopping:
                self._wake.wait(seconds)

    def _deliver(self, seq: int, kind: str, payload: dict[str, Any], key: str, attempts: int) -> None:
        try:
            response = self._send(kind, payload, key)
        except Exception as e:  # noqa: BLE001 - every failure is sorted into permanent or transient
            detail = mask_text(f"{type(e).__name__}: {getattr(e, 'detail', e)}")
            try:
                if _is_permanent(e):
                    self._to_dead(seq, detail)
                else:
                    self._reschedule(seq, attempts + 1, detail)
            except sqlite3.Error as db_err:
                log.error("outbox: cannot update record %d: %s", seq, db_err)
                self._idle(1.0)
            return
        try:
            with self._lock:
                self._db.execute("DELETE FROM outbox WHERE seq = ?", (seq,))
                self._dirty = True
        except sqlite3.Error as e:
            # Not deleted: it will be sent again with the same key and the server replays its answer.
            log.error("outbox: delivered %s %s but cannot delete it: %s", kind, key, e)
            self._idle(1.0)
            return
        log.info("outbox: delivered %s %s", kind, key)
        for cb in list(self._callbacks):
            try:
                cb(kind, key, response)
            except Exception:  # a UI callback must not stop delivery
                log.exception("outbox: on_delivered callback failed")

    def _reschedule(self, seq: int, attempts: int, detail: str) -> None:
        delay = min(self.max_delay, self.base_delay * 2 ** min(attempts - 1, 30))
        delay *= random.uniform(0.5, 1.0)  # jitter: terminals that lost the network together spread out
        log.warning("outbox: record %d attempt %d failed (%s); next try in %.1f s", seq, attempts, detail, delay)
        with self._lock:
            self._db.execute("UPDATE outbox SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE seq = ?",
                             (attempts, self._clock() + delay, detail, seq))

    def _to_dead(self, seq: int, detail: str) -> None:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.execute("INSERT INTO dead (seq, kind, payload, key, created_at, failed_at, error) "
                                 "SELECT seq, kind, payload, key, created_at, ?, ? FROM outbox WHERE seq = ?",
                                 (self._clock(), detail, seq))
                self._db.execute("DELETE FROM outbox WHERE seq = ?", (seq,))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        log.error("outbox: record %d rejected permanently, moved to dead letters: %s", seq, detail)


def _payload_or_none(text: Any) -> Any:
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return None
