"""The A4 printer for 证照打印, driven through CUPS (the terminal's Debian print system).

This module is the interface both sides build on: the CUPS implementation (`drivers.a4.cups_printer`)
and the licence flow that prints through it. A terminal without an A4 printer has `[a4] queue = ""` and
no `A4Printer` at all; the flow then says where licences are printed instead.

Everything here is plain data; calls on an `A4Printer` block (they talk to cupsd), so the kiosk makes
them from a worker thread, never the UI thread.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


class A4Error(Exception):
    """An A4 printer problem; `code` is stable (the words for people come from the kiosk's catalog)."""

    code = "a4.error"

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or self.code)
        self.detail = detail


class A4Unavailable(A4Error):
    """cupsd cannot be reached, or the queue does not exist."""

    code = "a4.unavailable"


class A4NotReady(A4Error):
    """The queue exists but cannot print now (stopped, not accepting, out of paper, jammed, offline…)."""

    code = "a4.not_ready"


class A4BadReply(A4Unavailable):
    """cupsd answered, but with attributes missing or of the wrong kind: rejected at the edge, named."""

    code = "a4.bad_reply"


class A4JobFailed(A4Error):
    """A submitted job was stopped, cancelled or aborted, or did not finish in time.

    `job` is the job as last seen (None if it could not be read); it stays in the queue's history, so a
    helper can see it in diagnostics and release or reprint it.
    """

    code = "a4.job_failed"

    def __init__(self, detail: str = "", job: A4Job | None = None) -> None:
        super().__init__(detail)
        self.job = job


@dataclass(frozen=True)
class Marker:
    """One supply (toner, drum…) as IPP reports it: level 0–100, or -1/-2/-3 for unknown/none/some."""

    name: str
    kind: str
    level: int
    low_level: int = -1


@dataclass(frozen=True)
class A4Status:
    """A queue's state from its IPP attributes.

    state: "idle" | "processing" | "stopped" (printer-state 3/4/5).
    reasons: printer-state-reasons without "none", severity suffixes kept ("toner-low-warning"…).
    ready: a job sent now would print (accepting, not stopped, no reason that stops printing).
    """

    queue: str
    state: str
    accepting: bool
    reasons: tuple[str, ...] = ()
    message: str = ""
    markers: tuple[Marker, ...] = ()

    @property
    def ready(self) -> bool:
        blocking = ("media-empty", "media-needed", "media-jam", "offline", "paused", "door-open",
                    "cover-open", "toner-empty", "marker-supply-empty", "shutdown", "stopped")
        return (self.accepting and self.state != "stopped"
                and not any(r.split("-error")[0].split("-warning")[0].split("-report")[0] in blocking
                            for r in self.reasons))


@dataclass(frozen=True)
class A4Job:
    """A job as CUPS follows it. state: pending | held | processing | stopped | canceled | aborted | completed."""

    job_id: int
    title: str
    state: str
    reasons: tuple[str, ...] = field(default=())
    created_at: float = 0.0          # epoch seconds (time-at-creation)

    @property
    def done(self) -> bool:
        return self.state in ("completed", "canceled", "aborted")


class A4Printer(Protocol):
    """What the kiosk needs of an A4 printer. All calls block; call them off the UI thread."""

    queue: str

    def status(self) -> A4Status:
        """The queue's state and supplies. Raises A4Unavailable."""

    def submit(self, pdf: bytes, title: str) -> int:
        """Send a PDF (A4 pages) as one job; returns the CUPS job id. Raises A4Unavailable, A4NotReady."""

    def job(self, job_id: int) -> A4Job:
        """A job's current state. Raises A4Unavailable."""

    def wait(self, job_id: int, timeout: float) -> A4Job:
        """Follow a job until it is done (completed/canceled/aborted) or stopped/held; raises A4JobFailed
        when it ends other than completed or does not finish within `timeout` seconds."""

    def recent_jobs(self, limit: int = 10) -> list[A4Job]:
        """The queue's last jobs, newest first (for diagnostics)."""

    def test_page(self) -> int:
        """Print the kiosk's own A4 test page; returns the job id."""

    def release(self, job_id: int) -> None:
        """Let a held job print (job-hold-until no-hold). Raises A4Unavailable, A4JobFailed (no such job)."""

    def reprint(self, job_id: int) -> int:
        """Print a finished, stopped or held job's document again (CUPS keeps the files); returns the job id.
        Raises A4Unavailable, A4NotReady, A4JobFailed (no such job / its document is gone)."""

    def forget(self, job_id: int) -> None:
        """Remove a job and its document from the print system (a printed licence leaves no copy of a
        person's data in the spool). A job already gone is not an error. Raises A4Unavailable."""
