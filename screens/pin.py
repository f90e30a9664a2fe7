"""The staff PIN pad, reached by holding the center's emblem for 3 s. The lockout rules are in
kiosk.security.PinGate (5 wrong PINs lock the pad, longer each time, also across a restart); every try
is an audit line. Checking a PIN runs scrypt, so it runs on the worker pool, never on the UI thread:
the pad shows that it is checking and the answer comes back through Kivy's Clock."""

from __future__ import annotations

import logging
from pathlib import Path

from kivy.lang import Builder
from kivy.properties import BooleanProperty, StringProperty

from kiosk.security import LOCKED, NOT_SET, OK, UNUSABLE, PinResult, stored_hash
from screens.base import BaseScreen
from screens.tr import tr

Builder.load_file(str(Path(__file__).with_suffix(".kv")))
log = logging.getLogger(__name__)


class PinScreen(BaseScreen):
    title = "工作人员登录"
    kind = "form"
    role = StringProperty("")          # "" until the person says who they are
    message = StringProperty("")
    busy = BooleanProperty(False)      # a PIN is being checked
    _attempt = 0                       # answers of an earlier attempt (before a wipe) are ignored

    def on_activate(self, **params):
        self._forget()
        self._show_lock()

    def choose(self, role: str) -> None:
        if self.busy:
            return
        self.role = role
        self.ids.pad.value = ""
        self.message = ""
        self._show_lock()

    def _show_lock(self) -> bool:
        gate = self.app.pin_gate
        left = gate.seconds_locked() if gate is not None else 0
        if left:
            self.message = tr._("输入错误次数过多，请 {m} 分钟后再试。").format(m=max(1, (left + 59) // 60))
        return bool(left)

    def submit(self) -> None:
        pin = self.ids.pad.value
        self.ids.pad.value = ""
        if not self.role or self.busy or self._show_lock():
            return
        gate, role = self.app.pin_gate, self.role
        stored = stored_hash(self.app.cfg, role)
        self._attempt += 1
        attempt = self._attempt
        self.busy = True
        self.message = tr._("正在验证…")
        self.app.worker.submit(lambda: gate.try_pin(role, pin, stored),
                               lambda result: self._checked(attempt, role, result),
                               lambda error: self._failed(attempt, error))

    def _checked(self, attempt: int, role: str, result: PinResult) -> None:
        if attempt != self._attempt:
            return  # the person left (idle timeout, session end) while the PIN was being checked
        self.busy = False
        if result.outcome == OK:
            self.message = ""
            self.app.enter_staff_mode(role)
        elif result.outcome == NOT_SET:
            self.message = tr._("本机未设置该角色的密码。")
        elif result.outcome == UNUSABLE:
            self.message = tr._("本机该角色的密码设置无效，请技术人员重新设置。")
        elif result.outcome == LOCKED:
            self._show_lock()
        else:
            self.message = tr._("密码错误，还可以再试 {n} 次。").format(n=result.tries_left)

    def _failed(self, attempt: int, error: BaseException) -> None:
        if attempt != self._attempt:
            return
        self.busy = False
        log.error("checking a staff PIN failed: %s: %s", type(error).__name__, error)
        self.message = tr._("出现了问题，请稍后再试，或呼叫帮办。")

    def _forget(self) -> None:
        self._attempt += 1
        self.busy = False
        self.ids.pad.value = ""
        self.role = ""
        self.message = ""

    def wipe(self) -> None:
        self._forget()
