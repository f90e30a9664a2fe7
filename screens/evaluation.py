"""好差评 after each finished transaction (国办发〔2019〕51号; DB2203/T 8—2024 5.1.3: the terminal opens
the evaluation by itself). Five levels, none preselected and none suggested (4.8: no hinting or
inducing); words and stars, so colour is never the only cue. A 差评 (levels 1–2) asks for reasons and
offers an optional phone for 实名 follow-up. Sent through the outbox, so it survives an outage.
"""

from __future__ import annotations

import logging
from pathlib import Path

from kivy.clock import Clock
from kivy.lang import Builder
from kivy.metrics import dp
from kivy.properties import BooleanProperty, ListProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.gridlayout import GridLayout

from kiosk.api.models import EVALUATION_LABELS
from kiosk.feedback_presets import EVALUATION_REASONS
from kiosk.outbox import OutboxUnavailable
from kiosk.privacy import mask_phone
from kiosk.validators import is_valid_mobile
from screens.base import BaseScreen
from screens.tr import tr
from screens.widgets import DIGITS, KButton, Keypad, KLabel

Builder.load_file(str(Path(__file__).with_suffix(".kv")))
log = logging.getLogger(__name__)

LEVELS = (5, 4, 3, 2, 1)          # shown best first, as on every 好差评 form
BAD = 2                           # levels <= BAD are 差评
THANKS_SECONDS = 3.0
SELECTED, UNSELECTED = "√ ", "□ "


def stars(level: int) -> str:
    return "★" * level + "☆" * (5 - level)


def grid(cols: int) -> GridLayout:
    g = GridLayout(cols=cols, spacing=dp(16), size_hint_y=None)
    g.bind(minimum_height=g.setter("height"))
    return g


class EvaluationScreen(BaseScreen):
    step = StringProperty("choose")       # choose | phone | thanks
    level = NumericProperty(0)            # 0: nothing chosen (no default)
    reasons = ListProperty([])
    phone = StringProperty("")
    tx = ObjectProperty(None, allownone=True)
    busy = BooleanProperty(False)

    def __init__(self, **kwargs):
        self.buttons: dict[str, KButton] = {}
        self.keypad: Keypad | None = None
        self._pad: Keypad | None = None
        self._display: KLabel | None = None
        self._home_ev = None
        super().__init__(**kwargs)

    def on_kv_post(self, base_widget):
        self.app.bind(lang=self.render, elder=self.render, orientation=self.render)
        self.ids.body.bind(width=self._fit_keypad)
        self.render()

    # ------------------------------------------------------------------ flow

    def on_activate(self, tx=None, **params) -> None:
        if tx is not None and tx is not self.tx:
            self._clear()
            self.tx = tx
            self.step = "thanks" if tx.evaluated else "choose"
        self.render()

    def on_deactivate(self) -> None:
        self._cancel_home()

    def choose_level(self, level: int) -> None:
        self.level = level
        if level > BAD:
            self.reasons, self.phone = [], ""
        self.render()

    def toggle_reason(self, reason: str) -> None:
        self.reasons = ([r for r in self.reasons if r != reason] if reason in self.reasons
                        else self.reasons + [reason])
        self.render()

    def enter_phone(self) -> None:
        if self._pad is not None:
            self._pad.value = self.phone
        self.step = "phone"
        self.render()

    def phone_done(self) -> None:
        if self.keypad is not None and is_valid_mobile(self.keypad.value):
            self.phone = self.keypad.value
            self.step = "choose"
            self.render()

    def phone_cancel(self) -> None:
        self.step = "choose"
        self.render()

    def can_submit(self) -> bool:
        return self.tx is not None and self.level > 0 and (self.level > BAD or bool(self.reasons)) and not self.busy

    def payload(self) -> dict:
        """An EvaluationCreate body."""
        tx = self.tx
        body: dict = {"level": int(self.level), "reasons": [r for r in EVALUATION_REASONS if r in self.reasons]
                      if self.level <= BAD else [], "comment": "", "channel": "自助终端",
                      "terminal_id": self.app.cfg.terminal.id}
        if tx.kind == "case":
            body["case_no"] = tx.reference
        else:
            body["transaction_id"] = f"{tx.kind}:{tx.reference}"
        if tx.service_code:
            body["service_code"] = tx.service_code
        if self.level <= BAD and self.phone:
            body["phone"] = self.phone
        return body

    def submit(self) -> None:
        if not self.can_submit():
            return
        outbox = getattr(self.app.services, "outbox", None)
        payload = self.payload()
        self.busy = True
        self.render()

        def enqueue():
            if outbox is None:
                raise OutboxUnavailable("no outbox: the API part did not start")
            return outbox.enqueue("evaluation", payload)

        self.app.call(enqueue, self._stored, self._not_stored)

    def _stored(self, _key) -> None:
        self.busy = False
        if self.tx is not None:
            self.tx.evaluated = True
        log.info("evaluation stored: level %d for %s", self.level, self.tx.kind if self.tx else "?")
        self.step = "thanks"
        self.render()
        self._cancel_home()
        self._home_ev = Clock.schedule_once(lambda _dt: self.done(), THANKS_SECONDS)

    def _not_stored(self, error: BaseException) -> None:
        self.busy = False
        self.render()
        log.error("evaluation could not be stored: %s", type(error).__name__)
        self.app.show_error(tr._("抱歉，评价暂时无法保存。您可以跳过，或呼叫帮办。"))

    def skip(self) -> None:
        self.done()

    def done(self) -> None:
        self._cancel_home()
        if self.app.current_screen == self.name:
            self.app.home()

    def _cancel_home(self) -> None:
        if self._home_ev is not None:
            self._home_ev.cancel()
            self._home_ev = None

    def _clear(self) -> None:
        self._cancel_home()
        self.step, self.level, self.reasons, self.phone, self.busy = "choose", 0, [], "", False
        self.tx = None

    def wipe(self) -> None:
        self._clear()
        self.render()

    # ------------------------------------------------------------------ drawing

    def render(self, *_args) -> None:
        if "body" not in self.ids:
            return
        body = self.ids.body
        body.clear_widgets()
        self.buttons, self.keypad, self._display = {}, None, None
        tx = self.tx
        what = ""
        if tx is not None:
            name = tr._(tx.service_name) if tx.service_name else ""
            what = tr._("本次办理：{what}　编号：{ref}").format(what=name or tx.kind, ref=tx.reference)
        self.ids.subject.text = what if self.step != "thanks" else ""
        getattr(self, f"_render_{self.step}")(body)
        self._render_nav()

    def _landscape(self) -> bool:
        return self.app.orientation == "landscape"

    def _button(self, key: str, text: str, on_release, kind: str = "tile", role: str = "title") -> KButton:
        b = KButton(text=text, kind=kind, font_role=role)
        b.bind(on_release=lambda *_: on_release())
        self.buttons[key] = b
        return b

    def _render_choose(self, body) -> None:
        self.ids.prompt.text = tr._("请您对本次服务作出评价")
        levels = grid(5 if self._landscape() else 1)
        for lv in LEVELS:
            label = EVALUATION_LABELS[lv]
            chosen = self.level == lv
            sep = "\n" if self._landscape() else "  "
            text = f"{stars(lv)}{sep}{SELECTED if chosen else ''}{tr._(label)}"
            b = self._button(label, text, lambda lv=lv: self.choose_level(lv), "primary" if chosen else "tile")
            b.min_height = self.app.sz.tile * (0.8 if self._landscape() else 0.55)
            levels.add_widget(b)
        body.add_widget(levels)
        if 0 < self.level <= BAD:
            body.add_widget(KLabel(role="title", text=tr._("请选择不满意的原因（可多选）")))
            reasons = grid(3 if self._landscape() else 2)
            for r in EVALUATION_REASONS:
                chosen = r in self.reasons
                reasons.add_widget(self._button(r, (SELECTED if chosen else UNSELECTED) + tr._(r),
                                                lambda r=r: self.toggle_reason(r), "primary" if chosen else "tile",
                                                "body"))
            body.add_widget(reasons)
            body.add_widget(KLabel(text=tr._("留下联系电话，便于工作人员核实整改（可选，仅用于回访）")))
            text = (tr._("联系电话：{phone}　修改").format(phone=mask_phone(self.phone)) if self.phone
                    else tr._("输入联系电话"))
            phone_btn = self._button("phone", text, self.enter_phone, "secondary", "body")
            phone_btn.size_hint_x = 0.5 if self._landscape() else 1
            body.add_widget(phone_btn)

    def _render_phone(self, body) -> None:
        self.ids.prompt.text = tr._("请输入11位手机号码")
        self._display = KLabel(role="huge", halign="center")
        body.add_widget(self._display)
        # One keypad for the screen's life: its keys register with the translator (see feedback.py).
        pad = self._pad
        if pad is None:
            pad = self._pad = Keypad(keys=DIGITS, max_length=11, cols=3, size_hint_x=None,
                                     pos_hint={"center_x": 0.5})
            pad.bind(value=self._on_pad_value)
            pad.value = self.phone
        if pad.parent is not None:
            pad.parent.remove_widget(pad)
        body.add_widget(pad)
        self.keypad = pad
        self._fit_keypad()
        self._on_pad_value(pad, pad.value)

    def _fit_keypad(self, *_args) -> None:
        if self.keypad is not None:
            self.keypad.width = min(self.ids.body.width, dp(720) * (1.3 if self.app.elder else 1))

    def _on_pad_value(self, pad, v: str) -> None:
        if self._display is None or pad is not self.keypad:
            return
        self._display.text = " ".join(x for x in (v[:3], v[3:7], v[7:]) if x) or " "
        self.ids.submit_button.disabled = not is_valid_mobile(v)

    def _render_thanks(self, body) -> None:
        self.ids.prompt.text = ""
        body.add_widget(KLabel(role="huge", halign="center", text=tr._("感谢您的评价")))
        body.add_widget(KLabel(halign="center", text=tr._("您的意见会帮助我们改进服务。稍后将自动回到首页。")))

    def _render_nav(self) -> None:
        skip, submit = self.ids.skip_button, self.ids.submit_button
        if self.step == "choose":
            skip.text, submit.text = tr._("跳过"), tr._("正在提交，请稍候…") if self.busy else tr._("提交评价")
            skip.disabled = self.busy
            submit.disabled = not self.can_submit()
            skip.opacity, skip.size_hint_x = 1, 1
        elif self.step == "phone":
            skip.text, submit.text = tr._("取消"), tr._("确定")
            skip.disabled = False
            skip.opacity, skip.size_hint_x = 1, 1
            submit.disabled = not (self.keypad is not None and is_valid_mobile(self.keypad.value))
        else:
            submit.text, submit.disabled = tr._("完成"), False
            skip.opacity, skip.size_hint_x, skip.disabled, skip.text = 0, 0.001, True, ""
        self.ids.hint.text = (tr._("请至少选择一项不满意的原因") if self.step == "choose" and 0 < self.level <= BAD
                              and not self.reasons else "")

    def on_skip_button(self) -> None:
        if self.step == "phone":
            self.phone_cancel()
        else:
            self.skip()

    def on_submit_button(self) -> None:
        if self.step == "phone":
            self.phone_done()
        elif self.step == "choose":
            self.submit()
        else:
            self.done()
