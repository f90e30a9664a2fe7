"""The staff PIN pad, reached by holding the center's emblem for 3 s. Five wrong PINs lock it for
5 minutes, also across a restart (kiosk.security.PinGate); every try is an audit line."""

from __future__ import annotations

from pathlib import Path

from kivy.clock import Clock
from kivy.lang import Builder
from kivy.properties import StringProperty

from kiosk.security import stored_hash
from screens.base import BaseScreen
from screens.tr import tr

Builder.load_file(str(Path(__file__).with_suffix(".kv")))


class PinScreen(BaseScreen):
    title = "工作人员登录"
    kind = "form"
    role = StringProperty("")          # "" until the person says who they are
    message = StringProperty("")

    def on_activate(self, **params):
        self.role = ""
        self.message = ""
        self.ids.pad.value = ""
        self._show_lock()

    def choose(self, role: str) -> None:
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
        if not self.role or self._show_lock():
            return
        result = self.app.pin_gate.try_pin(self.role, pin, stored_hash(self.app.cfg, self.role))
        if result.ok:
            self.app.enter_staff_mode(self.role)
        elif result.outcome == "not_set":
            self.message = tr._("本机未设置该角色的密码。")
        elif result.outcome == "locked":
            self._show_lock()
        else:
            self.message = tr._("密码错误，还可以再试 {n} 次。").format(n=result.tries_left)
        Clock.schedule_once(lambda _dt: None, 0)

    def wipe(self) -> None:
        self.ids.pad.value = ""
        self.role = ""
        self.message = ""
