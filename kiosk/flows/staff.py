"""帮办模式: what a helper (帮办专员) does for a citizen at the terminal: reprint recent receipts, see this
terminal's help requests and mark them handled, end the citizen's session. Every action is audited."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from kiosk.flows.base import Flow
from kiosk.flows.deps import FlowDeps
from kiosk.hours import TZ
from kiosk.i18n import N_

log = logging.getLogger(__name__)

RECENT_JOBS = 8


def short_time(ts: Any) -> str:
    """A job's or request's time as 'MM-DD HH:MM' in the center's time zone."""
    if isinstance(ts, (int, float)):
        return datetime.fromtimestamp(ts, TZ).strftime("%m-%d %H:%M")
    if isinstance(ts, datetime):
        return ts.astimezone(TZ).strftime("%m-%d %H:%M")
    return str(ts or "")


class StaffFlow(Flow):
    def __init__(self, deps: FlowDeps) -> None:
        super().__init__(deps.runner)
        self.deps = deps
        self.jobs: list[dict[str, Any]] = []
        self.requests: list[Any] = []            # kiosk.api.models.HelpRequest, pending ones only
        self.error: BaseException | None = None  # the help requests could not be fetched
        self._jobs_req = 0

    def refresh(self) -> None:
        printq, api = self.deps.print_queue(), self.deps.api()
        if printq is not None:
            # Jobs and requests are two independent lists: each its own guard, not the shared one.
            self._jobs_req += 1
            req = self._jobs_req
            self.deps.runner.submit(lambda: printq.recent(RECENT_JOBS),
                                    lambda jobs: req == self._jobs_req and self._got_jobs(jobs))
        if api is not None:
            self._call(api.help_requests, self._got_requests, self._requests_failed)

    def _got_jobs(self, jobs: list[dict[str, Any]]) -> None:
        self.jobs = list(jobs)
        self._changed()

    def _got_requests(self, requests: list[Any]) -> None:
        self.error = None
        self.requests = [r for r in requests if r.status != "handled"]
        self._changed()

    def _requests_failed(self, exc: BaseException) -> None:
        self.error = exc
        self._changed()

    def job_line(self, job: dict[str, Any]) -> str:
        return f"#{job['id']}  {short_time(job.get('created'))}  {job.get('summary', '')}  ({job.get('state', '')})"

    def request_line(self, r: Any) -> str:
        return f"{short_time(r.created_at)}  {r.screen or ''}  {r.reason or ''}"

    def reprint(self, job_id: int, on_queued: Any = None) -> None:
        printq = self.deps.print_queue()
        if printq is None:
            return
        self.deps.audit("reprint", f"job {job_id}")

        def queued(new_id: int) -> None:
            if on_queued is not None:
                on_queued(new_id)
            self.refresh()

        self.deps.runner.submit(lambda: printq.reprint(job_id), queued)

    def mark_handled(self, request_id: str) -> None:
        api = self.deps.api()
        if api is None:
            return
        self.deps.audit("help_handled", str(request_id))
        self.deps.runner.submit(lambda: api.mark_help_handled(request_id), lambda _r: self.refresh())

    def end_citizen_session(self) -> None:
        self.deps.audit("end_citizen_session", "")
        self.deps.end_citizen_session()
        self._say(N_("已结束该市民的办理，信息已清除。"))
        self._changed()

    def reset(self) -> None:
        super().reset()
        self.jobs, self.requests, self.error = [], [], None
        self._changed()
