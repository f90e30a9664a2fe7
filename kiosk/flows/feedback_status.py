"""查询反馈: the citizen types the tracking number from the receipt and sees the status and reply.

"Not found" and "network trouble" are different answers: a just-submitted feedback may still be in
the outbox on its way, which the not-found words say. Only the newest query's answer is taken.
"""

from __future__ import annotations

import logging
from enum import StrEnum
from typing import Any

from kiosk.api.errors import NotFound, Unavailable
from kiosk.api.models import is_tracking_no
from kiosk.flows.base import Flow
from kiosk.flows.deps import FlowDeps
from kiosk.i18n import N_, Msg

log = logging.getLogger(__name__)

PREFIX = "FK"
LENGTH = 18
STATUS_WORDS = {"已受理": N_("已受理"), "办理中": N_("办理中"), "已回复": N_("已回复")}


class Stage(StrEnum):
    ENTER = "enter"
    RESULT = "result"


class Problem(StrEnum):
    NONE = ""
    NOT_FOUND = "not_found"
    UNAVAILABLE = "unavailable"


def _time(when: Any) -> str:
    return f"{when:%Y-%m-%d %H:%M}" if when is not None else ""


class FeedbackStatusFlow(Flow):
    def __init__(self, deps: FlowDeps) -> None:
        super().__init__(deps.runner)
        self.deps = deps
        self.stage = Stage.ENTER
        self.number = PREFIX                # what is typed, the prefix given
        self.problem = Problem.NONE
        self.failure: BaseException | None = None     # the named error behind UNAVAILABLE (its words)
        self.result: Any = None             # kiosk.api.models.FeedbackStatus
        self._queried = ""

    # ------------------------------------------------------------ typing

    def start(self, tracking_no: str = "") -> None:
        """Every visit; with a number (from a slip's QR or a link) it is typed in already."""
        if tracking_no:
            self._drop_pending()
            self.busy = False
            self.stage, self.result, self.problem, self.failure = Stage.ENTER, None, Problem.NONE, None
            self.number = tracking_no.strip().upper()
        self._changed()

    def type(self, value: str) -> None:
        """The keypad's value changed. Typing again clears the last answer."""
        self.number = value
        if self.problem and not self.busy and value != self._queried:
            self.problem, self.failure = Problem.NONE, None
        self._changed()

    def ready(self) -> bool:
        return not self.busy and is_tracking_no(self.number.strip().upper())

    def hint(self) -> Msg:
        if self.busy:
            return Msg(N_("正在查询，请稍候…"))
        if self.problem == Problem.NOT_FOUND:
            return Msg(N_("未查询到该受理编号，请核对后重试。刚提交的诉求需要稍等片刻才能查到。"))
        if self.problem == Problem.UNAVAILABLE:
            return Msg(N_("网络异常，请稍后再试，或呼叫帮办。"))
        if is_tracking_no(self.number):
            return Msg(N_("编号完整，请按“查询”"))
        return Msg(N_("受理编号共18位，以FK开头，例如 FK20261126JT010007"))

    # ------------------------------------------------------------ the query

    def query(self) -> None:
        if not self.ready():
            return
        tn = self.number.strip().upper()
        api = self.deps.api()
        self.busy, self.problem, self.failure, self._queried = True, Problem.NONE, None, tn

        def fetch() -> Any:
            if api is None:
                raise Unavailable("no API client")
            return api.feedback_status(tn)

        self._call(fetch, self._answer, self._failed)
        self._changed()

    def _answer(self, status: Any) -> None:
        self.busy, self.result, self.stage = False, status, Stage.RESULT
        self._changed()

    def _failed(self, error: BaseException) -> None:
        self.busy = False
        if isinstance(error, NotFound):
            self.problem = Problem.NOT_FOUND
        else:
            log.warning("feedback status query failed: %s", type(error).__name__)
            self.problem, self.failure = Problem.UNAVAILABLE, error
        self._changed()

    def again(self) -> None:
        self.stage, self.result, self.problem, self.failure = Stage.ENTER, None, Problem.NONE, None
        self.number = PREFIX
        self._changed()

    # ------------------------------------------------------------ the answer

    def result_rows(self) -> list[tuple[str, str | Msg]]:
        """(label msgid, value): a Msg value is translated, a str is shown as it is."""
        r = self.result
        if r is None:
            return []
        rows: list[tuple[str, str | Msg]] = [
            (N_("受理编号"), r.tracking_no),
            (N_("办理状态"), Msg(STATUS_WORDS.get(r.status, r.status))),
            (N_("提交时间"), _time(r.submitted_at)),
        ]
        if r.department:
            rows.append((N_("承办部门"), r.department))
        return rows

    def reply(self) -> str | Msg:
        r = self.result
        return r.reply if r is not None and r.reply else Msg(N_("正在办理，请耐心等待"))

    def replied_at(self) -> Msg | None:
        r = self.result
        if r is None or r.replied_at is None:
            return None
        return Msg(N_("答复时间：{t}"), t=_time(r.replied_at))

    # ------------------------------------------------------------ session

    def reset(self) -> None:
        super().reset()
        self.stage, self.result, self.problem, self.failure = Stage.ENTER, None, Problem.NONE, None
        self.number, self._queried = PREFIX, ""
        self._changed()

