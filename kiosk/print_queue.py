"""Persistent print queue: a ticket survives a crash, a power cut or an empty paper roll, and none
prints twice.

Jobs live in SQLite (WAL, synchronous=FULL) until they are confirmed. Each job moves through

    waiting ──▶ sending ──▶ written ──▶ printed
       ▲           │           │
       └───────────┴───────────┘  (write failed, or the after-status says the printer could not print)

- "sending" is committed before the first byte goes out; "written" once every byte, the cut included,
  has been handed to the port; "printed" once the printer's after-status says it is fine.
- After-status not ready (paper ran out mid-job, cover opened, offline, no answer, unplugged): the job
  is not confirmed and goes back to "waiting"; it prints again, whole, once the printer is ready.
  "No answer" means no answer to three queries: one late reply (a busy host, a slow cut) is not a
  torn ticket, and reprinting on it would give the citizen two.
- Restart after a crash or a power cut of the kiosk (the at-most-once choice):
  * a job left in "sending" was interrupted mid-write. The cut is the last bytes of every job, so no
    complete ticket came out of it; it was not confirmed, so it is reprinted (from ESC @, which starts
    a fresh job on the printer). The only double-print window is between the last byte written and
    the "written" commit (microseconds).
  * a job left in "written" reached the printer completely; only the after-status is missing. We do
    not reprint it (at most once: a second queue ticket with the same number confuses people more
    than a missing one, which they can reprint from recent()). It is kept as "unconfirmed".
Identity data is never stored: templates mask before building; submit() refuses a receipt that still
contains a valid ID number.

Retention: a finished job (printed, failed, unconfirmed) is kept only for reprint from the staff
screen, which offers the last few: jobs finished more than a day ago, and finished jobs beyond the
newest KEEP_FINISHED, are deleted (at start, after each job, and every PURGE_INTERVAL_S while idle).
secure_delete overwrites what is deleted and a TRUNCATE checkpoint then empties the WAL, so the
receipt text is gone from both files.

A corrupt job (its bytes are not an ESC/POS job, its stored receipt does not parse) is set aside as
"quarantined", logged and shown on the diagnostics screen; the jobs after it print. Quarantined jobs
are deleted after QUARANTINE_MAX_AGE_S.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from drivers.printer import NotConnected, PrinterError, PrinterStatus, ReceiptPrinter
from kiosk.privacy import mask_text
from kiosk.receipts.escpos import render_escpos
from kiosk.receipts.model import Receipt, ReceiptError
from kiosk.validators import is_valid_id_number

log = logging.getLogger(__name__)

STATES = ("ready", "near_end", "out", "cover_open", "offline", "not_connected", "unknown")
PRINTABLE = ("ready", "near_end")
MAX_ATTEMPTS = 5
AFTER_STATUS_TRIES = 3       # queries for the after-status before an unanswered printer counts as unknown
AFTER_STATUS_RETRY_S = 1.0   # budget of each repeated query
FINISHED = ("printed", "failed", "unconfirmed")
FINISHED_MAX_AGE_S = 24 * 3600   # reprint is for the citizen still at the terminal, not for yesterday
KEEP_FINISHED = 10               # the staff screen offers the last 8 for reprint
QUARANTINE_MAX_AGE_S = 7 * 24 * 3600  # long enough for a technician's next visit
PURGE_INTERVAL_S = 600.0
ESC_INIT = b"\x1b@"              # every job the queue renders starts with ESC @
_ID_CANDIDATE = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    summary TEXT NOT NULL,
    data BLOB NOT NULL,
    receipt_json TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    reprint_of INTEGER,
    created REAL NOT NULL,
    updated REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS jobs_state ON jobs(state, id);
"""


class SimulatedCrash(BaseException):
    """Raised by a test fault hook to stop the worker dead, like a power cut (no clean-up runs)."""


def state_of(status: PrinterStatus | None) -> str:
    if status is None:
        return "not_connected"
    if not status.answered:
        return "unknown"
    if status.paper == "out":
        return "out"
    if status.cover_open:
        return "cover_open"
    if status.online is False or status.error:
        return "offline"
    if status.paper == "near_end":
        return "near_end"
    return "ready" if status.ready else "unknown"


class PrintQueue:
    def __init__(
        self,
        db_path: str | Path,
        printer_factory: Callable[[], ReceiptPrinter],
        poll_interval: float = 1.0,
        *,
        idle_interval: float = 5.0,
        width_dots: int = 576,
        native_qr: bool = True,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.db_path = str(db_path)
        self._factory = printer_factory
        self.poll_interval = poll_interval
        # While the terminal stands unattended with nothing to print, the printer is asked every
        # idle_interval: a paper-out shows on the banner within that; a touch (set_attended) asks at once.
        self.idle_interval = max(idle_interval, poll_interval)
        self.attended = True
        self.width_dots = width_dots
        self.native_qr = native_qr
        self._clock = clock
        self._db = sqlite3.connect(self.db_path, check_same_thread=False, isolation_level=None)
        self._closed = False
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute("PRAGMA secure_delete=ON")  # deleted receipts are overwritten, not left in free pages
        self._db.executescript(_SCHEMA)
        self._lock = threading.RLock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._printer: ReceiptPrinter | None = None
        self._state = "unknown"
        self._status: PrinterStatus | None = None
        self._state_cbs: list[Callable[[str, PrinterStatus | None], None]] = []
        self._job_cbs: list[Callable[[int, str], None]] = []
        self._fault: Callable[[str, int, bytes, ReceiptPrinter], None] | None = None  # tests only
        self._last_purge = float("-inf")
        self._recover()
        self.purge()

    # -- public API ---------------------------------------------------------------------------------
    def submit(self, receipt: Receipt, kind: str, summary: str) -> int:
        receipt_json = receipt.to_json()
        for m in _ID_CANDIDATE.finditer(receipt_json):
            if is_valid_id_number(m.group(0)):
                raise ReceiptError("receipt contains an unmasked ID number; mask it with kiosk.privacy")
        data = render_escpos(receipt, width_dots=self.width_dots, native_qr=self.native_qr)
        now = self._clock()
        with self._lock:
            cur = self._db.execute(
                "INSERT INTO jobs(kind, summary, data, receipt_json, state, created, updated) "
                "VALUES (?, ?, ?, ?, 'waiting', ?, ?)",
                (kind, mask_text(summary), data, receipt_json, now, now),
            )
            job_id = int(cur.lastrowid)
        log.info("print job %d queued (%s, %d bytes)", job_id, kind, len(data))
        self._wake.set()
        return job_id

    def set_attended(self, attended: bool) -> None:
        """Someone uses the terminal (status every poll_interval) or nobody does (idle_interval, unless
        jobs wait). Any thread; never blocks: becoming attended asks the printer at once."""
        if attended != self.attended:
            self.attended = attended
            if attended:
                self._wake.set()

    def next_wait(self) -> float:
        """Seconds until the next status poll (a submitted job wakes the queue at once anyway)."""
        if self.attended:
            return self.poll_interval
        with self._lock:
            waiting = self._db.execute("SELECT 1 FROM jobs WHERE state = 'waiting' LIMIT 1").fetchone()
        return self.poll_interval if waiting else self.idle_interval

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="print-queue", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        if self._printer is not None:
            self._printer.close()
            self._printer = None

    def close(self) -> None:
        """Idempotent: the app's stop and the services' stop may both close it on the way out (a second
        checkpoint on the closed database was logged as a failure)."""
        self.stop()
        with self._lock:
            if self._closed:
                return
            self._closed = True
            try:
                self._checkpoint()
            finally:
                self._db.close()

    @property
    def state(self) -> str:
        return self._state

    @property
    def status(self) -> PrinterStatus | None:
        return self._status

    def on_state(self, cb: Callable[[str, PrinterStatus | None], None]) -> None:
        self._state_cbs.append(cb)

    def on_job(self, cb: Callable[[int, str], None]) -> None:
        self._job_cbs.append(cb)

    def pending(self) -> list[dict[str, Any]]:
        """Jobs not finished: waiting, being sent, or sent and not yet confirmed by the printer."""
        return self._rows("WHERE state IN ('waiting', 'sending', 'written') ORDER BY id")

    def recent(self, n: int = 10) -> list[dict[str, Any]]:
        """The newest jobs (for reprint); quarantined ones are not offered."""
        return self._rows("WHERE state != 'quarantined' ORDER BY id DESC LIMIT ?", (n,))

    def quarantined(self) -> list[dict[str, Any]]:
        """Jobs set aside as corrupt (for the diagnostics screen)."""
        return self._rows("WHERE state = 'quarantined' ORDER BY id")

    def purge(self) -> int:
        """Delete finished jobs past their retention (module docstring); returns how many."""
        now = self._clock()
        marks = ",".join("?" * len(FINISHED))
        with self._lock:
            self._last_purge = now
            n = self._db.execute(
                f"DELETE FROM jobs WHERE (state IN ({marks}) AND (updated < ? OR id NOT IN "
                f"(SELECT id FROM jobs WHERE state IN ({marks}) ORDER BY id DESC LIMIT ?))) "
                "OR (state = 'quarantined' AND updated < ?)",
                (*FINISHED, now - FINISHED_MAX_AGE_S, *FINISHED, KEEP_FINISHED, now - QUARANTINE_MAX_AGE_S),
            ).rowcount
            if n:
                self._checkpoint()
        if n:
            log.info("print queue: deleted %d finished job(s) past retention", n)
        return n

    def _checkpoint(self) -> None:
        """Copy the WAL into the database and truncate it: the WAL still holds deleted receipts."""
        try:
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error as e:  # busy: the next purge or close tries again
            log.warning("print queue: WAL checkpoint failed: %s", e)

    def job(self, job_id: int) -> dict[str, Any] | None:
        rows = self._rows("WHERE id = ?", (job_id,))
        return rows[0] if rows else None

    def receipt(self, job_id: int) -> Receipt:
        """The stored receipt (for a preview / PNG of a job)."""
        with self._lock:
            row = self._db.execute("SELECT receipt_json FROM jobs WHERE id = ?", (job_id,)).fetchone()
        if row is None:
            raise KeyError(job_id)
        return Receipt.from_json(row[0])

    def reprint(self, job_id: int) -> int:
        now = self._clock()
        with self._lock:
            row = self._db.execute(
                "SELECT kind, summary, data, receipt_json FROM jobs WHERE id = ?", (job_id,)
            ).fetchone()
            if row is None:
                raise KeyError(job_id)
            cur = self._db.execute(
                "INSERT INTO jobs(kind, summary, data, receipt_json, state, reprint_of, created, updated) "
                "VALUES (?, ?, ?, ?, 'waiting', ?, ?, ?)",
                (*row, job_id, now, now),
            )
            new_id = int(cur.lastrowid)
        self._wake.set()
        return new_id

    # -- internals ----------------------------------------------------------------------------------
    def _rows(self, where: str, args: tuple = ()) -> list[dict[str, Any]]:
        with self._lock:
            rows = self._db.execute(
                "SELECT id, kind, summary, state, attempts, reprint_of, created, updated FROM jobs " + where, args
            ).fetchall()
        keys = ("id", "kind", "summary", "state", "attempts", "reprint_of", "created", "updated")
        return [dict(zip(keys, r, strict=True)) for r in rows]

    def _set_job(self, job_id: int, state: str, attempt: bool = False) -> None:
        with self._lock:
            self._db.execute(
                "UPDATE jobs SET state = ?, updated = ?, attempts = attempts + ? WHERE id = ?",
                (state, self._clock(), 1 if attempt else 0, job_id),
            )

    def _recover(self) -> None:
        with self._lock:
            n1 = self._db.execute("UPDATE jobs SET state = 'waiting' WHERE state = 'sending'").rowcount
            n2 = self._db.execute("UPDATE jobs SET state = 'unconfirmed' WHERE state = 'written'").rowcount
        if n1 or n2:
            log.warning("print queue recovery: %d interrupted job(s) will print again, %d written but "
                        "unconfirmed job(s) will not", n1, n2)

    def _emit_job(self, job_id: int, status: str) -> None:
        for cb in list(self._job_cbs):
            try:
                cb(job_id, status)
            except Exception:
                log.exception("on_job callback failed")

    def _set_state(self, state: str, status: PrinterStatus | None) -> None:
        changed = state != self._state or status != self._status
        self._state, self._status = state, status
        if changed:
            for cb in list(self._state_cbs):
                try:
                    cb(state, status)
                except Exception:
                    log.exception("on_state callback failed")

    def _poll(self) -> PrinterStatus | None:
        status = self._query()
        if status is not None and not status.complete and self._state in PRINTABLE:
            # One missed (or cut short) reply from a printer that was fine is more often a busy host than
            # a broken printer; ask again before every screen greys out its print buttons.
            log.info("printer status unanswered; asking again")
            status = self._query()
        self._set_state(state_of(status), status)
        return status

    def _query(self) -> PrinterStatus | None:
        try:
            if self._printer is None:
                self._printer = self._factory()
            return self._printer.status()
        except NotConnected as e:
            log.debug("printer not connected: %s", e)
        except PrinterError as e:
            log.warning("printer status failed: %s", e)
        return None

    def _next_job(self) -> tuple[int, bytes, int] | None:
        """The oldest waiting job that is sound; corrupt ones met on the way are quarantined."""
        while True:
            with self._lock:
                row = self._db.execute(
                    "SELECT id, data, attempts, receipt_json FROM jobs WHERE state = 'waiting' ORDER BY id LIMIT 1"
                ).fetchone()
            if row is None:
                return None
            job_id = int(row[0])
            problem = _corruption(row[1], row[2], row[3])
            if problem is None:
                return job_id, bytes(row[1]), int(row[2])
            self._quarantine(job_id, problem)

    def _quarantine(self, job_id: int, problem: str) -> None:
        with self._lock:
            self._db.execute("UPDATE jobs SET state = 'quarantined', updated = ? WHERE id = ?",
                             (self._clock(), job_id))
        log.error("print job %d is corrupt (%s): set aside as quarantined, the other jobs print", job_id,
                  mask_text(problem))
        self._emit_job(job_id, "failed")  # to the citizen it did not print: "ask the staff"

    def _run(self) -> None:
        try:
            self._loop()
        except SimulatedCrash:
            log.warning("print queue worker stopped dead (simulated crash)")

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._poll()
            printed = False
            while self._state in PRINTABLE and not self._stop.is_set():
                job = self._next_job()
                if job is None:
                    break
                self._print(*job)
                printed = True
            if printed or self._clock() - self._last_purge >= PURGE_INTERVAL_S:
                self.purge()
            self._wake.wait(self.next_wait())
            self._wake.clear()

    def _print(self, job_id: int, data: bytes, attempts: int) -> None:
        printer = self._printer
        assert printer is not None
        self._set_job(job_id, "sending", attempt=True)
        if self._fault:
            self._fault("before_write", job_id, data, printer)
        try:
            printer.send_raw(data)
        except PrinterError as e:
            log.warning("print job %d: write failed: %s", job_id, e)
            self._requeue(job_id, attempts + 1)
            self._poll()
            return
        self._set_job(job_id, "written")
        if self._fault:
            self._fault("after_write", job_id, data, printer)
        after = self._after_status(job_id, printer, len(data))
        self._set_state(state_of(after), after)
        if after is not None and after.ready:
            self._set_job(job_id, "printed")
            log.info("print job %d printed", job_id)
            self._emit_job(job_id, "printed")
        else:
            log.warning("print job %d not confirmed (%s); kept for printing again", job_id, self._state)
            self._requeue(job_id, attempts + 1)

    def _after_status(self, job_id: int, printer: ReceiptPrinter, nbytes: int) -> PrinterStatus | None:
        """The printer's status once the whole job went out. An unanswered query is asked again: a
        reply that is only late (a busy host, a printer still cutting) must not print the receipt twice.
        A printer that answers "not ready" is believed at once (the job was torn: print it again)."""
        budget = 0.3 + printer.transmit_seconds(nbytes)
        after: PrinterStatus | None = None
        for attempt in range(AFTER_STATUS_TRIES):
            try:
                after = printer.status(budget)
            except PrinterError as e:
                log.warning("print job %d: no after-status: %s", job_id, e)
                return None
            if after.complete:                   # (ready needs all four bytes, so it is complete too)
                return after
            # No reply, or only part of DLE EOT 1..4 within the budget: we do not know yet (a printer
            # that said "offline" in DLE EOT 1 and was cut short may be out of paper, which the citizen
            # must be told).
            log.info("print job %d: after-status unanswered (try %d); asking again", job_id, attempt + 1)
            budget = AFTER_STATUS_RETRY_S
        return after

    def _requeue(self, job_id: int, attempts: int) -> None:
        if attempts >= MAX_ATTEMPTS:
            self._set_job(job_id, "failed")
            self._emit_job(job_id, "failed")
        else:
            self._set_job(job_id, "waiting")
            self._emit_job(job_id, "waiting")


def _corruption(data: Any, attempts: Any, receipt_json: Any) -> str | None:
    """Why a stored job cannot be printed, or None if it can."""
    if not isinstance(data, bytes) or not data.startswith(ESC_INIT):
        return f"print data is {type(data).__name__}, not an ESC/POS job"
    if not isinstance(attempts, int):
        return f"attempts is {type(attempts).__name__}"
    try:
        Receipt.from_json(receipt_json)
    except Exception as e:  # noqa: BLE001 - any failure to read it back makes the job unusable for reprint
        return f"stored receipt unreadable: {type(e).__name__}: {e}"[:200]
    return None
