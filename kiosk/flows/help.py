"""呼叫帮办: reachable from every screen. The request goes through the outbox at once (it survives a
network outage and arrives exactly once), with the screen the citizen was on, so the 帮办专员 knows
what it is about. A second call from the same session within RESEND_AFTER is not sent again.

The body is a `HelpRequestCreate`, built and validated here before it enters the outbox: a body the
contract refuses is never stored, and the citizen is sent to the service desk at once (never left
waiting for a call that will not come).

The central API has no "cancel" for a help request (only the staff's "handled"), so "不需要了" just
returns to the previous screen; the helper will see the citizen is fine.
"""

from __future__ import annotations

import logging
from datetime import datetime
from enum import StrEnum

from pydantic import ValidationError

from kiosk.api.models import HelpRequestCreate
from kiosk.flows.base import Flow
from kiosk.flows.deps import FlowDeps
from kiosk.flows.invalid import log_refused, max_length
from kiosk.i18n import N_, Msg
from kiosk.outbox import OutboxUnavailable

log = logging.getLogger(__name__)

RESEND_AFTER = 120.0      # seconds: pressing 呼叫帮办 again sooner does not send a second call
REASON = "群众在自助终端呼叫帮办"         # read by the staff at the center: not translated
SCREEN_LIMIT = max_length(HelpRequestCreate, "screen")
KIND = "help_request"


class Status(StrEnum):
    SENDING = "sending"
    QUEUED = "queued"
    DELIVERED = "delivered"
    FAILED = "failed"


WORDS = {
    Status.SENDING: N_("正在通知工作人员…"),
    Status.QUEUED: N_("呼叫已记录，网络恢复后会自动通知工作人员。也可以直接到服务台找工作人员。"),
    Status.DELIVERED: N_("已通知工作人员，请在这里稍候。"),
    Status.FAILED: N_("暂时无法自动通知，请到服务台找工作人员。"),
}


class HelpFlow(Flow):
    def __init__(self, deps: FlowDeps) -> None:
        super().__init__(deps.runner)
        self.deps = deps
        self.status = Status.SENDING
        self.from_screen = ""
        self.key = ""                          # the outbox's Idempotency-Key of this call
        self._online = True
        self._delivered: set[str] = set()
        self._sent_at: datetime | None = None
        self._sent_session = ""
        self._say(WORDS[self.status])

    def _set(self, status: Status) -> None:
        self.status = status
        self._say(WORDS[status])

    # ------------------------------------------------------------ the call

    def call(self, from_screen: str, online: bool = True) -> bool:
        """呼叫帮办 pressed on from_screen; online: whether the API answers now (for the words while it is
        on its way). False: a call of this session is still fresh, none is sent again."""
        self.from_screen = from_screen
        session = self.deps.session
        now = self.deps.now()
        recent = (self._sent_at is not None and self._sent_session == session.id
                  and 0 <= (now - self._sent_at).total_seconds() < RESEND_AFTER)
        if recent and self.status != Status.FAILED:
            return False
        self._online = online
        self._set(Status.SENDING)
        self.key = ""
        self._sent_at, self._sent_session = now, session.id
        session.touch()
        try:
            body = HelpRequestCreate(terminal_id=self.deps.cfg.terminal.id, reason=REASON,
                                     screen=from_screen[:SCREEN_LIMIT] if SCREEN_LIMIT else from_screen)
        except ValidationError as e:
            log_refused("help request", e)
            self._set(Status.FAILED)
            self._changed()
            return True
        outbox = self.deps.outbox()
        payload = body.model_dump(mode="json", exclude_none=True)

        def store() -> str:
            if outbox is None:
                raise OutboxUnavailable("no outbox: the API part did not start")
            return outbox.enqueue(KIND, payload)

        self._call(store, self._queued, self._failed)
        self._changed()
        return True

    def _queued(self, key: str) -> None:
        self.key = key
        log.info("help request queued from screen %s", self.from_screen or "?")
        if key in self._delivered:
            self._set(Status.DELIVERED)
        else:
            self._set(Status.SENDING if self._online else Status.QUEUED)
        self._changed()

    def _failed(self, error: BaseException) -> None:
        log.error("help request could not be stored: %s", type(error).__name__)
        self._set(Status.FAILED)
        self._changed()

    def delivered(self, kind: str, key: str) -> None:
        """The outbox delivered a record (it may come before the enqueue's answer reached us)."""
        if kind != KIND:
            return
        self._delivered.add(key)
        if key == self.key:
            self._set(Status.DELIVERED)
            self._changed()

    def words(self, status: Status | str) -> Msg:
        return Msg(WORDS[Status(status)])

    # ------------------------------------------------------------ session

    def reset(self) -> None:
        super().reset()
        self._sent_at, self._sent_session, self.key = None, "", ""
        self._set(Status.SENDING)
        self._changed()
