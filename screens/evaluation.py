"""好差评: the screen of kiosk.flows.evaluation.EvaluationFlow. Words and stars, so colour is never the
only cue; what makes an evaluation valid is the model's (asked by the flow), not this screen's."""

from __future__ import annotations

import logging
from pathlib import Path

from kivy.clock import Clock
from kivy.lang import Builder
from kivy.metrics import dp
from kivy.properties import BooleanProperty, ListProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.gridlayout import GridLayout

from kiosk.flows.evaluation import COMMENT_LIMIT, LEVELS, EvaluationFlow, Stage, label
from screens import handwriting_pad  # noqa: F401 - registers PadScrollView for evaluation.kv
from screens.base import BaseScreen
from screens.text_input import KTextInput
from screens.tr import tr
from screens.widgets import DIGITS, KButton, Keypad, KLabel

Builder.load_file(str(Path(__file__).with_suffix(".kv")))
log = logging.getLogger(__name__)

THANKS_SECONDS = 3.0              # the thanks stay this long, then home
SELECTED, UNSELECTED = "✓ ", "□ "


def stars(level: int) -> str:
    return "★" * level + "☆" * (5 - level)


def _short(text: str, n: int = 12) -> str:
    """The start of the comment on its button (the whole is on its own page)."""
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= n else one_line[:n] + "…"


def grid(cols: int) -> GridLayout:
    g = GridLayout(cols=cols, spacing=dp(16), size_hint_y=None)
    g.bind(minimum_height=g.setter("height"))
    return g


class EvaluationScreen(BaseScreen):
    # Copies of the flow's state, for tests that read the screen.
    step = StringProperty(Stage.CHOOSE.value)
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
        self.comment_box: KTextInput | None = None   # kept while the screen lives (see _render_comment)
        self.entry = None                            # the 手写 / 拼音 text entry for the comment
        self.flow = EvaluationFlow(self.app.flow_deps())
        self._choose_drawn: tuple | None = None     # what the choices show (kept while only the buttons change)
        self.flow.subscribe(self._show)
        super().__init__(**kwargs)

    def on_kv_post(self, base_widget):
        self.app.bind(lang=self.render, elder=self.render, orientation=self.render)
        self.ids.body.bind(width=self._fit_keypad)
        self.render()

    # ------------------------------------------------------------------ flow -> widgets

    def _show(self) -> None:
        f = self.flow
        thanks_now = f.stage == Stage.THANKS and self.step != Stage.THANKS.value
        self.step, self.level, self.reasons, self.phone = f.stage.value, f.level, list(f.reasons), f.phone
        self.tx, self.busy = f.tx, f.busy
        self.render()
        alert = f.take_alert()
        if alert is not None:
            self.app.show_error(tr._(alert))
        if thanks_now and f.key:
            self._cancel_home()
            self._home_ev = Clock.schedule_once(lambda _dt: self.done(), THANKS_SECONDS)

    # ------------------------------------------------------------------ taps -> flow

    def on_activate(self, tx=None, **params) -> None:
        if tx is not None and tx is not self.flow.tx:
            self._cancel_home()
        self.flow.start(tx)

    def on_deactivate(self) -> None:
        self._cancel_home()

    def choose_level(self, level: int) -> None:
        self.flow.choose_level(level)

    def toggle_reason(self, reason: str) -> None:
        self.flow.toggle_reason(reason)

    def enter_phone(self) -> None:
        if self._pad is not None:
            self._pad.value = self.flow.phone
        self.flow.enter_phone()

    def submit(self) -> None:
        self.flow.submit()

    def enter_comment(self) -> None:
        if self.comment_box is not None:
            self.comment_box.text = self.flow.comment     # this evaluation's, not one before it
        self.flow.enter_comment()

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

    def wipe(self) -> None:
        self._cancel_home()
        if self.comment_box is not None:
            self.comment_box.text = ""
        if self.entry is not None:
            self.entry.wipe()
        self.flow.reset()

    def on_skip_button(self) -> None:
        if self.flow.stage == Stage.PHONE:
            self.flow.phone_cancel()
        elif self.flow.stage == Stage.COMMENT:
            if self.comment_box is not None:
                self.comment_box.text = self.flow.comment      # 取消: what was there before
            self.flow.comment_cancel()
        else:
            self.skip()

    def on_submit_button(self) -> None:
        if self.flow.stage == Stage.PHONE:
            self.flow.phone_done(self.keypad.value if self.keypad is not None else "")
        elif self.flow.stage == Stage.COMMENT:
            self.flow.comment_done(self.comment_box.text if self.comment_box is not None else "")
        elif self.flow.stage == Stage.CHOOSE:
            self.flow.submit()
        else:
            self.done()

    # ------------------------------------------------------------------ drawing

    def render(self, *_args) -> None:
        if "body" not in self.ids:
            return
        f = self.flow
        # 提交评价 changes only the buttons under the choices (busy): the choices stay. Rebuilding them
        # put 10-60 ms into the tap's frame.
        choose = (f.level, list(f.reasons), f.phone, f.comment, f.reason_choices(), tr.lang, self.app.elder,
                  self.app.orientation) if f.stage == Stage.CHOOSE else None
        if choose is not None and choose == self._choose_drawn and self.ids.body.children:
            self.ids.subject.text = tr._(f.subject())
            self._render_nav()
            return
        self._choose_drawn = choose
        body = self.ids.body
        body.clear_widgets()
        self.buttons, self.keypad, self._display = {}, None, None
        self.ids.scroll.scroll_y = 1                # each stage starts at its top
        self.ids.subject.text = tr._(self.flow.subject())
        getattr(self, f"_render_{self.flow.stage.value}")(body)
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
        f = self.flow
        for lv in LEVELS:
            name = label(lv)
            chosen = f.level == lv
            sep = "\n" if self._landscape() else "  "
            text = f"{stars(lv)}{sep}{SELECTED if chosen else ''}{tr._(name)}"
            b = self._button(name, text, lambda lv=lv: self.choose_level(lv), "primary" if chosen else "tile")
            b.min_height = self.app.sz.tile * (0.8 if self._landscape() else 0.55)
            levels.add_widget(b)
        body.add_widget(levels)
        if f.is_bad():
            body.add_widget(KLabel(role="title", text=tr._("请选择不满意的原因（可多选）")))
            reasons = grid(3 if self._landscape() else 2)
            for r in f.reason_choices():
                chosen = r in f.reasons
                reasons.add_widget(self._button(r, (SELECTED if chosen else UNSELECTED) + tr._(r),
                                                lambda r=r: self.toggle_reason(r), "primary" if chosen else "tile",
                                                "body"))
            body.add_widget(reasons)
            body.add_widget(KLabel(text=tr._("留下联系电话，便于工作人员核实整改（可选，仅用于回访）")))
            text = (tr._("联系电话：{phone}　修改").format(phone=f.phone_shown()) if f.phone
                    else tr._("输入联系电话"))
            phone_btn = self._button("phone", text, self.enter_phone, "secondary", "body")
            phone_btn.size_hint_x = 0.5 if self._landscape() else 1
            body.add_widget(phone_btn)
        if f.level:
            text = (tr._("评价意见：{comment}　修改").format(comment=_short(f.comment)) if f.comment
                    else tr._("写评价意见（可选，可手写）"))
            comment_btn = self._button("comment", text, self.enter_comment, "secondary", "body")
            comment_btn.size_hint_x = 0.5 if self._landscape() else 1
            body.add_widget(comment_btn)

    def _render_comment(self, body) -> None:
        from screens.text_entry import TextEntry

        words = tr._("请写下您的意见或建议（可选，最多500字）")
        self.ids.prompt.text = words
        if self._landscape():
            # The room goes to the pad (the subject was on the page before; the words are in the box).
            self.ids.subject.text = self.ids.prompt.text = ""
        # One box and one entry for the screen's life: a language switch re-renders and must not lose
        # what was written (and the entry's keys register with the translator, see feedback.py).
        box = self.comment_box
        if box is None:
            box = self.comment_box = KTextInput(max_length=COMMENT_LIMIT, lines=4, multiline=True)
        if box.parent is not None:
            box.parent.remove_widget(box)
        box.lines = 1 if self._landscape() else 4     # landscape: the pad needs the height
        box.hint_text = words if self._landscape() else ""   # landscape: the prompt is in the box
        if not box.text and self.flow.comment:
            box.text = self.flow.comment
        body.add_widget(box)
        error = self.flow.comment_error
        if error is not None:
            body.add_widget(KLabel(role="small", text=self.app.error_text(error), color=(0.7, 0.1, 0.1, 1)))
        if self.entry is None:
            self.entry = TextEntry(target=box)
        if self.entry.parent is not None:
            self.entry.parent.remove_widget(self.entry)
        body.add_widget(self.entry)

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
            pad.value = self.flow.phone
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
        self.ids.submit_button.disabled = not self.flow.phone_ok(v)

    def _render_thanks(self, body) -> None:
        self.ids.prompt.text = ""
        body.add_widget(KLabel(role="huge", halign="center", text=tr._("感谢您的评价")))
        body.add_widget(KLabel(halign="center", text=tr._("您的意见会帮助我们改进服务。稍后将自动回到首页。")))

    def _render_nav(self) -> None:
        skip, submit = self.ids.skip_button, self.ids.submit_button
        f = self.flow
        if f.stage == Stage.CHOOSE:
            skip.text, submit.text = tr._("跳过"), tr._("正在提交，请稍候…") if f.busy else tr._("提交评价")
            skip.disabled = f.busy
            submit.disabled = not f.ready
            skip.opacity, skip.size_hint_x = 1, 1
        elif f.stage == Stage.COMMENT:
            skip.text, submit.text = tr._("取消"), tr._("确定")
            skip.disabled = submit.disabled = False
            skip.opacity, skip.size_hint_x = 1, 1
        elif f.stage == Stage.PHONE:
            skip.text, submit.text = tr._("取消"), tr._("确定")
            skip.disabled = False
            skip.opacity, skip.size_hint_x = 1, 1
            submit.disabled = not (self.keypad is not None and f.phone_ok(self.keypad.value))
        else:
            submit.text, submit.disabled = tr._("完成"), False
            skip.opacity, skip.size_hint_x, skip.disabled, skip.text = 0, 0.001, True, ""
        self.ids.hint.text = tr._(f.hint) if f.stage == Stage.CHOOSE else ""
