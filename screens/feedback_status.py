"""查询反馈: the citizen types the tracking number from the receipt and sees the status and reply.

"Not found" and "network trouble" are different answers: a just-submitted feedback may still be in
the outbox on its way, which the not-found text says.
"""

from __future__ import annotations

import logging
from pathlib import Path

from kivy.lang import Builder
from kivy.metrics import dp
from kivy.properties import BooleanProperty, ObjectProperty, StringProperty

from kiosk.api.errors import NotFound
from kiosk.api.models import is_tracking_no
from screens.base import BaseScreen
from screens.tr import tr
from screens.widgets import BACKSPACE, CLEAR, Keypad, KLabel

Builder.load_file(str(Path(__file__).with_suffix(".kv")))
log = logging.getLogger(__name__)

TRACKING_KEYS = list("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") + [CLEAR, BACKSPACE]
PREFIX = "FK"
STATUS_WORDS = {"已受理": "已受理", "办理中": "办理中", "已回复": "已回复"}


class FeedbackStatusScreen(BaseScreen):
    step = StringProperty("enter")      # enter | result
    busy = BooleanProperty(False)
    error = StringProperty("")          # "" | "not_found" | "unavailable"
    result = ObjectProperty(None, allownone=True)   # kiosk.api.models.FeedbackStatus

    def __init__(self, **kwargs):
        self.keypad: Keypad | None = None
        self.number: KLabel | None = None
        self.hint: KLabel | None = None
        self._error_text = ""
        self._queried = ""
        super().__init__(**kwargs)

    def on_kv_post(self, base_widget):
        # One keypad for the screen's life (its keys register with the translator).
        self.keypad = Keypad(keys=TRACKING_KEYS, max_length=18, value=PREFIX, size_hint_x=None,
                             pos_hint={"center_x": 0.5})
        self.keypad.bind(value=self._on_value)
        self.ids.body.bind(width=self._fit_keypad)
        self.app.bind(lang=self.render, elder=self.render, orientation=self.render)
        self.render()

    def on_activate(self, tracking_no: str = "", **params) -> None:
        if tracking_no:
            self.keypad.value = tracking_no
            self.step, self.result, self.error = "enter", None, ""
        self.render()

    def query(self) -> None:
        tn = self.keypad.value.strip().upper()
        if not is_tracking_no(tn) or self.busy:
            return
        api = getattr(self.app.services, "api", None)
        self.busy, self.error, self._queried = True, "", tn
        self.render()

        def fetch():
            if api is None:
                from kiosk.api.errors import Unavailable

                raise Unavailable("no API client")
            return api.feedback_status(tn)

        self.app.call(fetch, self._answer, self._failed)

    def _answer(self, status) -> None:
        self.busy, self.result, self.step = False, status, "result"
        self.render()

    def _failed(self, error: BaseException) -> None:
        self.busy = False
        if isinstance(error, NotFound):
            self.error = "not_found"
        else:
            log.warning("feedback status query failed: %s", type(error).__name__)
            self.error = "unavailable"
            self._error_text = self.app.error_text(error)
        self.render()

    def again(self) -> None:
        self.step, self.result, self.error = "enter", None, ""
        self.keypad.value = PREFIX
        self.render()

    def wipe(self) -> None:
        self.busy = False
        self.step, self.result, self.error, self._error_text = "enter", None, "", ""
        if self.keypad is not None:
            self.keypad.value = PREFIX
        self.render()

    # ------------------------------------------------------------------ drawing

    def render(self, *_args) -> None:
        if "body" not in self.ids or self.keypad is None:
            return
        body = self.ids.body
        body.clear_widgets()
        self.number = self.hint = None
        if self.keypad.parent is not None:
            self.keypad.parent.remove_widget(self.keypad)
        if self.step == "enter":
            self._render_enter(body)
        else:
            self._render_result(body)

    def _render_enter(self, body) -> None:
        self.ids.prompt.text = tr._("请输入回执上的受理编号")
        self.number = KLabel(role="huge", halign="center")
        body.add_widget(self.number)
        self.hint = KLabel(halign="center")
        body.add_widget(self.hint)
        landscape = self.app.orientation == "landscape"
        self.keypad.cols = 12 if landscape else 7
        self._fit_keypad()
        body.add_widget(self.keypad)
        a = self.ids.again_button
        a.opacity, a.size_hint_x, a.disabled, a.text = 0, 0.001, True, ""   # no text: a sliver must not wrap
        self._on_value()

    def _fit_keypad(self, *_args) -> None:
        limit = dp(1600) * (1.15 if self.app.elder else 1)
        self.keypad.width = min(self.ids.body.width, limit)

    def _on_value(self, *_args) -> None:
        """Typing changes only the number, the hint and the button (no rebuild under the finger)."""
        if self.step != "enter" or self.number is None:
            return
        v = self.keypad.value
        if self.error and not self.busy and v != self._queried:
            self.error = ""          # typing again clears the last answer
        self.number.text = v or " "
        if self.busy:
            msg = tr._("正在查询，请稍候…")
        elif self.error == "not_found":
            msg = tr._("未查询到该受理编号，请核对后重试。刚提交的诉求需要稍等片刻才能查到。")
        elif self.error == "unavailable":
            msg = self._error_text or tr._("网络异常，请稍后再试，或呼叫帮办。")
        elif is_tracking_no(v):
            msg = tr._("编号完整，请按“查询”")
        else:
            msg = tr._("受理编号共18位，以FK开头，例如 FK20261126JT010007")
        self.hint.text = msg
        q = self.ids.query_button
        q.text = tr._("正在查询，请稍候…") if self.busy else tr._("查询")
        q.disabled = self.busy or not is_tracking_no(v)

    def _render_result(self, body) -> None:
        r = self.result
        self.ids.prompt.text = tr._("办理情况")
        status = tr._(STATUS_WORDS.get(r.status, r.status))
        rows = [
            (tr._("受理编号"), r.tracking_no),
            (tr._("办理状态"), status),
            (tr._("提交时间"), r.submitted_at.strftime("%Y-%m-%d %H:%M")),
        ]
        if r.department:
            rows.append((tr._("承办部门"), r.department))
        colon = "：" if self.app.lang == "zh_CN" else ": "
        for label, value in rows:
            body.add_widget(KLabel(text=f"{label}{colon}{value}"))
        body.add_widget(KLabel(role="title", text=tr._("答复")))
        reply = KLabel(role="body", text=r.reply if r.reply else tr._("正在办理，请耐心等待"))
        body.add_widget(reply)
        self.hint = reply
        if r.replied_at:
            body.add_widget(KLabel(role="small", text=tr._("答复时间：{t}").format(
                t=r.replied_at.strftime("%Y-%m-%d %H:%M"))))
        q, a = self.ids.query_button, self.ids.again_button
        q.text, q.disabled = tr._("完成"), False
        a.text, a.opacity, a.size_hint_x, a.disabled = tr._("查询其他编号"), 1, 1, False

    def on_query_button(self) -> None:
        if self.step == "enter":
            self.query()
        else:
            self.app.home()
