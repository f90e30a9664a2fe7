"""呼叫帮办: reachable from every screen through the footer. The request goes through the outbox at
once (it survives a network outage and arrives exactly once), with the screen the citizen was on, so
the 帮办专员 knows what it is about. A calm pulse shows that the call is active.

The central API has no "cancel" for a help request (only the staff's "handled"), so "不需要了" just
returns to the previous screen; the helper will see the citizen is fine.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from kivy.animation import Animation
from kivy.lang import Builder
from kivy.properties import NumericProperty, StringProperty

from kiosk.outbox import OutboxUnavailable
from screens.base import BaseScreen
from screens.tr import tr

Builder.load_file(str(Path(__file__).with_suffix(".kv")))
log = logging.getLogger(__name__)

RESEND_AFTER = 120.0      # seconds: pressing 呼叫帮办 again sooner does not send a second call

STATUS = {
    "sending": "正在通知工作人员…",
    "queued": "呼叫已记录，网络恢复后会自动通知工作人员。也可以直接到服务台找工作人员。",
    "delivered": "已通知工作人员，请在这里稍候。",
    "failed": "暂时无法自动通知，请到服务台找工作人员。",
}


class HelpScreen(BaseScreen):
    status = StringProperty("sending")
    pulse = NumericProperty(0.0)        # 0..1, drives the calm animation in the kv
    from_screen = StringProperty("")

    def __init__(self, **kwargs):
        self._anim: Animation | None = None
        self._key = ""
        self._delivered: set[str] = set()
        self._sent_at = 0.0
        self._sent_session = ""
        self._last_other = ""
        super().__init__(**kwargs)

    def on_kv_post(self, base_widget):
        # The screen before this one: tracked here because the app sets current_screen before activate.
        self._last_other = self.app.current_screen
        self.app.bind(current_screen=self._track)

    def _track(self, _app, name: str) -> None:
        if name != self.name:
            self._last_other = name

    def on_activate(self, **params) -> None:
        self.from_screen = self._last_other if self._last_other != self.name else ""
        self._start_pulse()
        recent = (self._sent_session == self.app.session.id and time.monotonic() - self._sent_at < RESEND_AFTER)
        if recent and self.status != "failed":
            return
        self._send()

    def on_deactivate(self) -> None:
        self._stop_pulse()

    def _send(self) -> None:
        outbox = getattr(self.app.services, "outbox", None)
        payload = {"terminal_id": self.app.cfg.terminal.id, "reason": "群众在自助终端呼叫帮办",
                   "screen": self.from_screen[:60]}
        self.status = "sending"
        self._key = ""
        self._sent_at, self._sent_session = time.monotonic(), self.app.session.id
        self.app.session.touch()

        def enqueue():
            if outbox is None:
                raise OutboxUnavailable("no outbox: the API part did not start")
            return outbox.enqueue("help_request", payload)

        self.app.call(enqueue, self._queued, self._failed)

    def _queued(self, key: str) -> None:
        self._key = key
        log.info("help request queued from screen %s", self.from_screen or "?")
        self.status = "delivered" if key in self._delivered else ("queued" if not self.app.api_ok else "sending")

    def _failed(self, error: BaseException) -> None:
        log.error("help request could not be stored: %s", type(error).__name__)
        self.status = "failed"

    def on_delivered(self, kind: str, key: str, response) -> None:
        if kind != "help_request":
            return
        self._delivered.add(key)
        if key == self._key:
            self.status = "delivered"

    def not_needed(self) -> None:
        self._stop_pulse()
        if self.app.can_go_back:
            self.app.back()
        else:
            self.app.home()

    def status_text(self, status: str) -> str:
        return tr._(STATUS[status])

    def _start_pulse(self) -> None:
        self._stop_pulse()
        self.pulse = 0.0
        anim = Animation(pulse=1.0, duration=1.6, t="in_out_sine") + Animation(pulse=0.0, duration=1.6,
                                                                                 t="in_out_sine")
        anim.repeat = True
        anim.start(self)
        self._anim = anim

    def _stop_pulse(self) -> None:
        if self._anim is not None:
            self._anim.cancel(self)
            self._anim = None

    def wipe(self) -> None:
        self._stop_pulse()
        self._sent_at, self._sent_session, self._key = 0.0, "", ""
        self.status = "sending"
