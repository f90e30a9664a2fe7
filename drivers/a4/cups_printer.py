"""`CupsPrinter`: the A4 printer through CUPS with pycups (libcups's IPP, not a hand-written one).

Every call opens its own connection: pycups connections are not thread-safe, the kiosk calls from worker
threads, and a cupsd that restarted is simply reached again. Attributes come back as Python values of
whatever type cupsd (or a broken proxy) chose; they are checked here and anything unusable becomes
`A4BadReply`, never a TypeError in the flow.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import cups

from drivers.a4 import (
    A4BadReply,
    A4Job,
    A4JobFailed,
    A4NotReady,
    A4Status,
    A4Unavailable,
    Marker,
)

log = logging.getLogger(__name__)

PRINTER_STATES = {3: "idle", 4: "processing", 5: "stopped"}
JOB_STATES = {3: "pending", 4: "held", 5: "processing", 6: "stopped", 7: "canceled", 8: "aborted",
              9: "completed"}
PRINTER_ATTRS = ["printer-state", "printer-state-reasons", "printer-state-message", "printer-is-accepting-jobs",
                 "marker-names", "marker-types", "marker-levels", "marker-low-levels"]
JOB_ATTRS = ["job-id", "job-name", "job-state", "job-state-reasons", "time-at-creation", "job-printer-uri"]
#: IPP status codes that mean "no such printer / job" rather than "cupsd is broken".
_NOT_FOUND = (cups.IPP_NOT_FOUND,)
_POLL = 0.2
_HTTP_CONTINUE = 100         # what cupsWriteRequestData answers while the request goes on


def _as_list(value: Any) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _words(value: Any, attr: str) -> tuple[str, ...]:
    items = _as_list(value)
    if not all(isinstance(v, str) for v in items):
        raise A4BadReply(f"{attr} is not a list of keywords: {value!r}")
    return tuple(v for v in items if v and v != "none")


def _int(value: Any, attr: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise A4BadReply(f"{attr} is not an integer: {value!r}")
    return value


def parse_status(queue: str, attrs: Any) -> A4Status:
    """An `A4Status` from a Get-Printer-Attributes answer; `A4BadReply` when it cannot be one."""
    if not isinstance(attrs, dict):
        raise A4BadReply(f"printer attributes are not a mapping: {type(attrs).__name__}")
    for name in ("printer-state", "printer-is-accepting-jobs"):
        if name not in attrs:
            raise A4BadReply(f"{name} missing")
    state = PRINTER_STATES.get(_int(attrs["printer-state"], "printer-state"))
    if state is None:
        raise A4BadReply(f"printer-state out of range: {attrs['printer-state']!r}")
    accepting = attrs["printer-is-accepting-jobs"]
    if not isinstance(accepting, bool):
        raise A4BadReply(f"printer-is-accepting-jobs is not a boolean: {accepting!r}")
    message = attrs.get("printer-state-message", "")
    if not isinstance(message, str):
        raise A4BadReply(f"printer-state-message is not text: {message!r}")
    return A4Status(queue=queue, state=state, accepting=accepting,
                    reasons=_words(attrs.get("printer-state-reasons"), "printer-state-reasons"),
                    message=message.strip(), markers=parse_markers(attrs))


def _level(value: Any) -> int:
    # A level outside IPP's range (0-100, or -1/-2/-3) is "unknown": one odd supply must not hide the rest.
    if isinstance(value, int) and not isinstance(value, bool) and -3 <= value <= 100:
        return value
    return -1


def parse_markers(attrs: dict) -> tuple[Marker, ...]:
    """Supplies from the marker-* attributes; lists of different lengths are lined up by name."""
    names = _as_list(attrs.get("marker-names"))
    if not all(isinstance(n, str) for n in names):
        raise A4BadReply(f"marker-names is not a list of names: {attrs.get('marker-names')!r}")
    kinds = _as_list(attrs.get("marker-types"))
    levels = _as_list(attrs.get("marker-levels"))
    lows = _as_list(attrs.get("marker-low-levels"))
    markers = []
    for i, name in enumerate(names):
        kind = kinds[i] if i < len(kinds) and isinstance(kinds[i], str) else "unknown"
        markers.append(Marker(name=name, kind=kind, level=_level(levels[i] if i < len(levels) else None),
                              low_level=_level(lows[i] if i < len(lows) else None)))
    return tuple(markers)


def parse_job(job_id: int, attrs: Any) -> A4Job:
    """An `A4Job` from Get-Job-Attributes / Get-Jobs; `A4BadReply` when it cannot be one."""
    if not isinstance(attrs, dict):
        raise A4BadReply(f"job attributes are not a mapping: {type(attrs).__name__}")
    if "job-state" not in attrs:
        raise A4BadReply(f"job {job_id}: job-state missing")
    state = JOB_STATES.get(_int(attrs["job-state"], "job-state"))
    if state is None:
        raise A4BadReply(f"job {job_id}: job-state out of range: {attrs['job-state']!r}")
    title = attrs.get("job-name", "")
    created = attrs.get("time-at-creation", 0)
    return A4Job(job_id=job_id, title=title if isinstance(title, str) else "", state=state,
                 reasons=_words(attrs.get("job-state-reasons"), "job-state-reasons"),
                 created_at=float(created) if isinstance(created, int) and not isinstance(created, bool) else 0.0)


def job_failed(job: A4Job) -> bool:
    """Ended other than completed, or will not go on by itself (held, stopped, waiting on a stopped printer)."""
    return (job.state in ("held", "stopped", "canceled", "aborted")
            or (job.state == "pending" and "printer-stopped" in job.reasons))


def _not_found(exc: A4Unavailable) -> bool:
    """cupsd answered that the job (or queue) does not exist, as against not answering at all."""
    return isinstance(exc.__cause__, cups.IPPError) and exc.__cause__.args[0] in _NOT_FOUND


class CupsPrinter:
    """One CUPS queue. `server`: host, host:port or a Unix socket path; None = libcups's default
    (CUPS_SERVER, client.conf, /run/cups/cups.sock)."""

    def __init__(self, queue: str, server: str | None = None, terminal_id: str = "",
                 font_path: str | None = None) -> None:
        if not queue:
            raise ValueError("queue must be named")
        self.queue = queue
        self.server = server
        self.terminal_id = terminal_id
        self.font_path = font_path

    # ------------------------------------------------------------ connection

    def _connect(self) -> cups.Connection:
        try:
            if self.server:
                host, _, port = self.server.rpartition(":") if not self.server.startswith("/") else ("", "", "")
                if host and port.isdigit():
                    return cups.Connection(host=host, port=int(port))
                return cups.Connection(host=self.server)
            return cups.Connection()
        except RuntimeError as exc:         # pycups: "failed to connect to server"
            raise A4Unavailable(f"cupsd not reachable at {self.server or cups.getServer()}: {exc}") from exc

    def _call(self, what: str, fn: Callable[[cups.Connection], Any]) -> Any:
        conn = self._connect()
        try:
            return fn(conn)
        except cups.IPPError as exc:
            status, message = exc.args if len(exc.args) == 2 else (None, str(exc))
            if status in _NOT_FOUND:
                raise A4Unavailable(f"{what}: not found on {self.server or cups.getServer()}: {message}") from exc
            if status in (cups.IPP_NOT_ACCEPTING, cups.IPP_NOT_POSSIBLE):
                raise A4NotReady(f"{what}: {message}") from exc
            raise A4Unavailable(f"{what}: IPP error {status}: {message}") from exc
        except cups.HTTPError as exc:
            raise A4Unavailable(f"{what}: HTTP error {exc.args[0] if exc.args else ''}") from exc
        except RuntimeError as exc:
            raise A4Unavailable(f"{what}: {exc}") from exc

    # ------------------------------------------------------------ A4Printer

    def status(self) -> A4Status:
        attrs = self._call("status", lambda c: c.getPrinterAttributes(self.queue, requested_attributes=PRINTER_ATTRS))
        return parse_status(self.queue, attrs)

    def submit(self, pdf: bytes, title: str) -> int:
        if not pdf.startswith(b"%PDF-"):
            raise ValueError("not a PDF")
        status = self.status()
        if not status.ready:
            raise A4NotReady(f"{self.queue}: {status.state}, accepting={status.accepting}, "
                             f"reasons={','.join(status.reasons) or 'none'}")
        # Streamed over the connection (Create-Job + Send-Document), never written to a file here: a licence
        # carries personal data and stays in memory on our side. A4 whatever the queue's default; no
        # scaling, so the licence keeps its printed size.
        options = {"media": "A4", "PageSize": "A4", "print-scaling": "none"}
        name = title[:200] or "kiosk"

        def send(conn: cups.Connection) -> int:
            job_id = conn.createJob(self.queue, name, options)
            try:
                conn.startDocument(self.queue, job_id, name, "application/pdf", 1)
                sent = conn.writeRequestData(pdf, len(pdf))
                if sent != _HTTP_CONTINUE:
                    raise A4Unavailable(f"submit: sending the document failed (HTTP {sent})")
                conn.finishDocument(self.queue)
            except BaseException:
                # An empty job would wait forever and hold up the queue: take it back.
                try:
                    conn.cancelJob(job_id, purge_job=True)
                except Exception:
                    log.warning("a4: could not cancel half-sent job %s on %s", job_id, self.queue)
                raise
            return job_id

        job_id = self._call("submit", send)
        job_id = _int(job_id, "job-id")
        log.info("a4: job %d submitted to %s (%d bytes)", job_id, self.queue, len(pdf))
        return job_id

    def job(self, job_id: int) -> A4Job:
        attrs = self._call(f"job {job_id}", lambda c: c.getJobAttributes(job_id, requested_attributes=JOB_ATTRS))
        return parse_job(job_id, attrs)

    def wait(self, job_id: int, timeout: float) -> A4Job:
        deadline = time.monotonic() + timeout
        while True:
            job = self.job(job_id)
            if job.state == "completed":
                return job
            if job.state == "pending" and "printer-stopped" not in job.reasons and self.status().state == "stopped":
                # CUPS leaves a job that was printing when the queue stopped "pending" with stale reasons.
                job = replace(job, reasons=(*job.reasons, "printer-stopped"))
            if job_failed(job):
                log.warning("a4: job %d on %s %s (%s)", job_id, self.queue, job.state, ",".join(job.reasons))
                raise A4JobFailed(f"job {job_id} {job.state}: {','.join(job.reasons) or 'no reason given'}", job)
            if time.monotonic() >= deadline:
                log.warning("a4: job %d on %s not done after %.0f s (%s)", job_id, self.queue, timeout, job.state)
                raise A4JobFailed(f"job {job_id} still {job.state} after {timeout:.0f} s", job)
            time.sleep(_POLL)

    def recent_jobs(self, limit: int = 10) -> list[A4Job]:
        # Get-Jobs may answer a completed job with its id and state only, no name or time (once cupsd
        # has let go of its attributes): list the ids, then ask each of the newest for its attributes.
        def fetch(conn: cups.Connection) -> list[tuple[int, Any]]:
            listing = conn.getJobs(which_jobs="all", my_jobs=False, requested_attributes=["job-id", "job-printer-uri"])
            if not isinstance(listing, dict):
                raise A4BadReply(f"job list is not a mapping: {type(listing).__name__}")
            # Get-Jobs on the server lists every queue's jobs; keep this queue's. Ids only grow.
            ids = sorted((job_id for job_id, attrs in listing.items()
                          if isinstance(job_id, int) and isinstance(attrs, dict)
                          and str(attrs.get("job-printer-uri", "")).rsplit("/", 1)[-1] == self.queue),
                         reverse=True)[:max(0, limit)]
            found = []
            for job_id in ids:
                try:
                    found.append((job_id, conn.getJobAttributes(job_id, requested_attributes=JOB_ATTRS)))
                except cups.IPPError as exc:
                    if exc.args[0] not in _NOT_FOUND:      # purged since the listing: left out
                        raise
            return found

        return [parse_job(job_id, attrs) for job_id, attrs in self._call("jobs", fetch)]

    def test_page(self) -> int:
        from drivers.a4.testpage import render_test_page

        return self.submit(render_test_page(queue=self.queue, terminal_id=self.terminal_id, font_path=self.font_path),
                           "kiosk A4 test page")

    def release(self, job_id: int) -> None:
        job = self.job(job_id)
        if job.state != "held":
            raise A4JobFailed(f"job {job_id} is {job.state}, not held", job)
        self._call(f"release {job_id}", lambda c: c.setJobHoldUntil(job_id, "no-hold"))
        log.info("a4: job %d on %s released", job_id, self.queue)

    def forget(self, job_id: int) -> None:
        # Cancel-Job with purge-job: CUPS drops the job's document and its record, finished or not (it
        # would otherwise keep the document PreserveJobFiles long: a day on Debian).
        try:
            self._call(f"forget {job_id}", lambda c: c.cancelJob(job_id, purge_job=True))
        except A4Unavailable as exc:
            if not _not_found(exc):
                raise
            return
        log.info("a4: job %d on %s and its document removed", job_id, self.queue)

    def reprint(self, job_id: int) -> int:
        try:
            job = self.job(job_id)
        except A4Unavailable as exc:
            if not _not_found(exc):
                raise
            # Forgotten after it printed (a licence's document leaves the spool), or purged by CUPS.
            raise A4JobFailed(f"job {job_id} is no longer in CUPS: nothing to print again") from exc
        if job.state == "held":
            self.release(job_id)
            return job_id
        if job.state in ("pending", "processing"):
            raise A4JobFailed(f"job {job_id} is still {job.state}", job)
        status = self.status()
        if not status.ready:
            raise A4NotReady(f"{self.queue}: {status.state}, reasons={','.join(status.reasons) or 'none'}")
        # Restart-Job prints the kept document again under the same id (CUPS keeps job files; a terminal's
        # cupsd keeps them a day by default: PreserveJobFiles).
        try:
            self._call(f"reprint {job_id}", lambda c: c.restartJob(job_id))
        except A4NotReady as exc:
            raise A4JobFailed(f"job {job_id} cannot be printed again: {exc.detail}", job) from exc
        log.info("a4: job %d on %s printed again", job_id, self.queue)
        return job_id
