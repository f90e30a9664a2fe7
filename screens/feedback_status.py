"""查询反馈: the screen of kiosk.flows.feedback_status.FeedbackStatusFlow. A keypad for the tracking
number, the hint under it, the answer; what is a complete number and what each answer means are the
flow's."""

from __future__ import annotations

import logging
from pathlib import Path

from kivy.lang import Builder
from kivy.metrics import dp
from kivy.properties import BooleanProperty, ObjectProperty, StringProperty

from kiosk.flows.feedback_status import LENGTH, FeedbackStatusFlow, Problem, Stage
from kiosk.i18n import Msg
from screens.base import BaseScreen
from screens.tr import tr
from screens.widgets import BACKSPACE, CLEAR, Keypad, KLabel

Builder.load_file(str(Path(__file__).with_suffix(".kv")))
log = logging.getLogger(__name__)

TRACKING_KEYS = list("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") + [CLEAR, BACKSPACE]


class FeedbackStatusScreen(BaseScreen):
    # Copies of the flow's state, for tests that read the screen.
    step = StringProperty(Stage.ENTER.value)
    busy = BooleanProperty(False)
    error = StringProperty("")          # "" | "not_found" | "unavailable"
    result = ObjectProperty(None, allownone=True)   # kiosk.api.models.FeedbackStatus

    def __init__(self, **kwargs):
        self.keypad: Keypad | None = None
        self.number: KLabel | None = None
        self.hint: KLabel | None = None
        self._shown_stage = ""
        self.flow = FeedbackStatusFlow(self.app.flow_deps())
        self.flow.subscribe(self._show)
        super().__init__(**kwargs)

    def on_kv_post(self, base_widget):
        # One keypad for the screen's life (its keys register with the translator).
        self.keypad = Keypad(keys=TRACKING_KEYS, max_length=LENGTH, value=self.flow.number, size_hint_x=None,
                             pos_hint={"center_x": 0.5})
        self.keypad.bind(value=lambda _pad, v: self.flow.type(v))
        self.ids.body.bind(width=self._fit_keypad)
        self.app.bind(lang=self.render, elder=self.render, orientation=self.render)
        self.render()

    # ------------------------------------------------------------------ flow -> widgets

    def _show(self) -> None:
        f = self.flow
        self.step, self.busy, self.error, self.result = f.stage.value, f.busy, f.problem.value, f.result
        if self.keypad is None:
            return
        if self.keypad.value != f.number:
            self.keypad.value = f.number          # comes back here through type(): no change then
        if f.stage.value != self._shown_stage:
            self.render()
        else:
            self._show_entry()

    # ------------------------------------------------------------------ taps -> flow

    def on_activate(self, tracking_no: str = "", **params) -> None:
        self.flow.start(tracking_no)

    def query(self) -> None:
        self.flow.query()

    def again(self) -> None:
        self.flow.again()

    def on_query_button(self) -> None:
        if self.flow.stage == Stage.ENTER:
            self.flow.query()
        else:
            self.app.home()

    def wipe(self) -> None:
        self.flow.reset()

    # ------------------------------------------------------------------ drawing

    def render(self, *_args) -> None:
        if "body" not in self.ids or self.keypad is None:
            return
        body = self.ids.body
        body.clear_widgets()
        self.number = self.hint = None
        self._shown_stage = self.flow.stage.value
        if self.keypad.parent is not None:
            self.keypad.parent.remove_widget(self.keypad)
        if self.flow.stage == Stage.ENTER:
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
        self._show_entry()

    def _fit_keypad(self, *_args) -> None:
        limit = dp(1600) * (1.15 if self.app.elder else 1)
        self.keypad.width = min(self.ids.body.width, limit)

    def _show_entry(self) -> None:
        """Typing changes only the number, the hint and the button (no rebuild under the finger)."""
        f = self.flow
        if f.stage != Stage.ENTER or self.number is None:
            return
        self.number.text = f.number or " "
        if f.problem == Problem.UNAVAILABLE and f.failure is not None:
            self.hint.text = self.app.error_text(f.failure)
        else:
            self.hint.text = tr._(f.hint())
        q = self.ids.query_button
        q.text = tr._("正在查询，请稍候…") if f.busy else tr._("查询")
        q.disabled = not f.ready()

    def _render_result(self, body) -> None:
        f = self.flow
        self.ids.prompt.text = tr._("办理情况")
        colon = "：" if self.app.lang == "zh_CN" else ": "
        for label, value in f.result_rows():
            body.add_widget(KLabel(text=f"{tr._(label)}{colon}{tr._(value) if isinstance(value, Msg) else value}"))
        body.add_widget(KLabel(role="title", text=tr._("答复")))
        reply = f.reply()
        self.hint = KLabel(role="body", text=tr._(reply) if isinstance(reply, Msg) else reply)
        body.add_widget(self.hint)
        replied = f.replied_at()
        if replied is not None:
            body.add_widget(KLabel(role="small", text=tr._(replied)))
        q, a = self.ids.query_button, self.ids.again_button
        q.text, q.disabled = tr._("完成"), False
        a.text, a.opacity, a.size_hint_x, a.disabled = tr._("查询其他编号"), 1, 1, False
