"""诉求反馈: the screen of kiosk.flows.feedback.FeedbackFlow. It shows the flow's step with big
buttons, keypads and text boxes (a citizen writes into them with the 手写 / 拼音 text entry under the
field they touched; a helper has a hardware keyboard and the on-screen 拼音 keyboard), and turns taps
into flow calls; the steps, the checks, the request body, the tracking number and the slip are the
flow's."""

from __future__ import annotations

import logging
from pathlib import Path

from kivy.clock import Clock
from kivy.lang import Builder
from kivy.metrics import dp
from kivy.properties import BooleanProperty, ListProperty, ObjectProperty, StringProperty
from kivy.uix.gridlayout import GridLayout

from kiosk.flows.feedback import FeedbackFlow, Step
from kiosk.i18n import Msg
from screens import handwriting_pad  # noqa: F401 - registers PadScrollView for feedback.kv
from screens.base import BaseScreen
from screens.text_input import KTextInput
from screens.tr import tr
from screens.widgets import DIGITS, USCC_KEYS, KButton, Keypad, KLabel

Builder.load_file(str(Path(__file__).with_suffix(".kv")))
log = logging.getLogger(__name__)

SELECTED, UNSELECTED = "✓ ", "□ "


def choice_grid(cols: int) -> GridLayout:
    g = GridLayout(cols=cols, spacing=dp(16), size_hint_y=None)
    g.bind(minimum_height=g.setter("height"))
    return g


class FeedbackScreen(BaseScreen):
    # Copies of the flow's state, for kv and for tests that read the screen.
    step = StringProperty(Step.CATEGORY.value)
    category = StringProperty("")
    problem = StringProperty("")
    phrases = ListProperty([])
    phone = StringProperty("")
    uscc = StringProperty("")
    tracking_no = StringProperty("")
    busy = BooleanProperty(False)
    extra = ObjectProperty(None, allownone=True)   # {field: cleaned text} from the helper step

    def __init__(self, **kwargs):
        self.buttons: dict[str, KButton] = {}   # by msgid, for the current step (tests tap them)
        self.keypad: Keypad | None = None
        self.hint: KLabel | None = None
        self._pads: dict[str, Keypad] = {}
        self._display: KLabel | None = None
        self._display_fmt = str
        self._pad_limit = dp(720)
        self.inputs: dict[str, KTextInput] = {}
        self.keyboard = None                      # the on-screen pinyin keyboard, made when first asked for
        self.keyboard_button: KButton | None = None
        self._keyboard_open = False
        self.entry = None                         # the citizen's 手写 / 拼音 text entry, made when first shown
        self.flow = FeedbackFlow(self.app.flow_deps())
        self._drawn: tuple | None = None     # what the rows on show show, for steps that keep them (_drawn_key)
        self.flow.subscribe(self._show)
        super().__init__(**kwargs)

    def on_kv_post(self, base_widget):
        self.app.bind(lang=self.render, elder=self.render, orientation=self.render,
                      staff_mode=lambda _app, mode: self.flow.set_staff_mode(mode))
        self.ids.body.bind(width=self._fit_keypad)
        self.flow.set_staff_mode(self.app.staff_mode)

    # ------------------------------------------------------------------ flow -> widgets

    def _show(self) -> None:
        f = self.flow
        if f.step != Step.EXTRA:
            self._hide_keyboard()
        self.step, self.category, self.problem, self.phrases = f.step.value, f.category, f.problem, list(f.phrases)
        self.phone, self.uscc, self.tracking_no, self.busy, self.extra = f.phone, f.uscc, f.tracking_no, f.busy, f.extra
        self.render()
        alert = f.take_alert()
        if alert is not None:
            self.app.show_error(tr._(alert))

    # ------------------------------------------------------------------ taps -> flow

    def on_activate(self, **params) -> None:
        self.flow.set_staff_mode(self.app.staff_mode)
        self.flow.start(restart=bool(params.get("restart")))

    def on_back(self) -> bool:
        return self.flow.back()

    def previous(self) -> None:
        self.flow.previous()

    def next(self) -> None:
        texts = {name: box.text for name, box in self.inputs.items()}
        if self.flow.next(self.keypad.value if self.keypad is not None else "", texts):
            self.app.home()

    def skip_uscc(self) -> None:
        self.flow.skip_uscc()

    def skip(self) -> None:
        self.flow.skip()

    def choose_category(self, name: str) -> None:
        self.flow.choose_category(name)

    def choose_problem(self, name: str) -> None:
        self.flow.choose_problem(name)

    def toggle_phrase(self, phrase: str) -> None:
        self.flow.toggle_phrase(phrase)

    def submit(self) -> None:
        self.flow.submit()

    # ------------------------------------------------------------------ session end

    def wipe(self) -> None:
        self._hide_keyboard()
        if self.entry is not None:
            self.entry.wipe()
            if self.entry.parent is not None:
                self.entry.parent.remove_widget(self.entry)
        for box in self.inputs.values():
            box.text = ""
        for pad in self._pads.values():
            pad.value = ""
        self.flow.reset()

    # ------------------------------------------------------------------ drawing

    def render(self, *_args) -> None:
        if "body" not in self.ids:
            return
        f = self.flow
        drawn = self._drawn_key()
        if drawn is not None and drawn == self._drawn and self.ids.body.children:
            self.ids.step_label.text = tr._(f.step_label())
            self.ids.prompt.text = tr._(f.prompt())
            self._render_nav()
            return
        self._drawn = drawn
        body = self.ids.body
        body.clear_widgets()
        # Each step starts at its top: a scroll offset left from a long step hid the next one's buttons.
        self.ids.scroll.scroll_y = 1
        self.buttons = {}
        self.keypad = None
        self.hint = None
        self._display = None
        f = self.flow
        self.ids.step_label.text = tr._(f.step_label())
        self.ids.prompt.text = tr._(f.prompt())
        self.compact = self._keyboard_open and f.step == Step.EXTRA
        if self.compact:
            # The keyboard takes most of a landscape screen: the field and the keys need the room.
            self.ids.step_label.text = self.ids.prompt.text = ""
        getattr(self, f"_render_{f.step.value}")(body)
        self._render_nav()

    def _drawn_key(self) -> tuple | None:
        """What the rows of a step that may keep them show; None for the steps drawn each time.
        确认提交 changes only the buttons under the review (busy, then the number): rebuilding its rows
        put 20-80 ms into the tap's frame. The categories are drawn at each session end (the flow's
        reset) and each visit: built anew each time, the grid the collection between citizens had
        frozen was garbage in the next session, for the next full collection to find."""
        f = self.flow
        if f.step == Step.REVIEW:
            rows: object = f.review_rows()
        elif f.step == Step.CATEGORY:
            rows = tuple(f.categories())
        else:
            return None
        return (f.step, rows, tr.lang, self.app.elder, self.app.orientation)

    def _cols(self, landscape: int, portrait: int) -> int:
        return landscape if self.app.orientation == "landscape" else portrait

    def _button(self, msgid: str, text: str, on_release, kind: str = "tile") -> KButton:
        b = KButton(text=text, kind=kind, font_role="title", min_height=self.app.sz.tile * 0.7)
        b.bind(on_release=lambda *_: on_release())
        self.buttons[msgid] = b
        return b

    def _render_category(self, body) -> None:
        grid = choice_grid(self._cols(4, 2))
        for name in self.flow.categories():
            grid.add_widget(self._button(name, tr._(name), lambda n=name: self.choose_category(n)))
        body.add_widget(grid)

    def _render_type(self, body) -> None:
        body.add_widget(KLabel(text=tr._("诉求类别：{name}").format(name=tr._(self.category))))
        grid = choice_grid(self._cols(3, 1))
        for name in self.flow.problem_types():
            grid.add_widget(self._button(name, tr._(name), lambda n=name: self.choose_problem(n)))
        body.add_widget(grid)

    def _render_phrases(self, body) -> None:
        body.add_widget(KLabel(text=f"{tr._(self.category)} / {tr._(self.problem)}"))
        grid = choice_grid(self._cols(2, 1))
        for p in self.flow.offered_phrases():
            chosen = p in self.flow.phrases
            b = self._button(p, (SELECTED if chosen else UNSELECTED) + tr._(p), lambda p=p: self.toggle_phrase(p),
                             kind="primary" if chosen else "tile")
            b.font_role = "body"
            grid.add_widget(b)
        body.add_widget(grid)

    def _keypad(self, body, name: str, keys, max_length: int, value: str, cols: int, width: float,
                display_fmt) -> Keypad:
        # Keypads are kept and re-used: their keys register with the translator, which keeps no
        # weak-reference cleanup, so keys thrown away on every render would break a language switch.
        pad = self._pads.get(name)
        if pad is None:
            pad = Keypad(keys=keys, max_length=max_length, size_hint_x=None, pos_hint={"center_x": 0.5})
            pad.bind(value=self._on_pad_value)
            self._pads[name] = pad
        if pad.parent is not None:
            pad.parent.remove_widget(pad)
        pad.cols = cols
        self.keypad = pad
        self._pad_limit = width
        self._fit_keypad()
        if value and not pad.value:
            pad.value = value
        self._display = KLabel(role="huge", halign="center")
        self._display_fmt = display_fmt
        body.add_widget(self._display)
        self.hint = KLabel(role="body", halign="center")
        body.add_widget(self.hint)
        body.add_widget(pad)
        self.keypad = pad
        self._on_pad_value(pad, pad.value)
        return pad

    def _fit_keypad(self, *_args) -> None:
        if self.keypad is not None:
            self.keypad.width = min(self.ids.body.width, self._pad_limit)

    def _on_pad_value(self, pad, value: str) -> None:
        if pad is not self.keypad or self._display is None:
            return
        self._display.text = self._display_fmt(value) or " "
        self._update_hint()

    def _update_hint(self) -> None:
        if self.keypad is None or self.hint is None:
            return
        v = self.keypad.value
        self.hint.text = tr._(self.flow.entry_hint(v))
        self.ids.next_button.disabled = not self.flow.nav(v).next_enabled

    def _render_phone(self, body) -> None:
        def fmt(v: str) -> str:
            return " ".join(x for x in (v[:3], v[3:7], v[7:]) if x)

        self._keypad(body, "phone", DIGITS, self.flow.entry_length(), self.flow.phone, 3,
                     dp(720) * (1.3 if self.app.elder else 1), fmt)

    def _render_uscc(self, body) -> None:
        self._keypad(body, "uscc", USCC_KEYS, self.flow.entry_length(), self.flow.uscc, self._cols(11, 7),
                     dp(1400) * (1.2 if self.app.elder else 1), lambda v: v)

    def _render_extra(self, body) -> None:
        # Inputs are kept across renders (a language switch must not lose what was written).
        for field in self.flow.extra_fields():
            body.add_widget(KLabel(text=tr._(field.label)))
            box = self.inputs.get(field.name)
            if box is None:
                box = KTextInput(max_length=field.limit, lines=field.lines, multiline=field.lines > 1)
                box.bind(focus=self._typing_into)
                self.inputs[field.name] = box
            elif box.parent is not None:
                box.parent.remove_widget(box)
            body.add_widget(box)
            error = self.flow.extra_errors.get(field.name)
            if error is not None:
                body.add_widget(KLabel(role="small", text=self.app.error_text(error), color=(0.7, 0.1, 0.1, 1)))
        if not self.flow.helper:
            self._place_entry()
            body.add_widget(KLabel(role="small", text=tr._(
                "内容会发送给受理部门，并打印在回执上（电话和证件号码在回执上隐去部分数字）。")))
            return
        if self.entry is not None and self.entry.parent is not None:
            self.entry.parent.remove_widget(self.entry)
        if self._keyboard_open:
            self._place_keyboard()
        self.keyboard_button = self._button("keyboard", tr._("收起屏幕键盘") if self._keyboard_open
                                            else tr._("打开屏幕键盘"),
                                            self.toggle_keyboard, kind="secondary")
        self.keyboard_button.font_role = "body"
        body.add_widget(self.keyboard_button)
        body.add_widget(KLabel(role="small", text=tr._(
            "可用实体键盘输入。内容会发送给受理部门，并打印在回执上（电话和证件号码在回执上隐去部分数字）。")))

    def _place_entry(self) -> None:
        """The citizen's text entry, right under the field it writes into (details first)."""
        from screens.text_entry import TextEntry

        body = self.ids.body
        if self.entry is None:
            self.entry = TextEntry(target=self.inputs.get("details"))
        entry = self.entry
        box = entry.target if entry.target in self.inputs.values() else self.inputs.get("details")
        if box is None or box.parent != body:     # ids and parents are weak proxies: compare, not "is"
            return
        if entry.parent is not None:
            entry.parent.remove_widget(entry)
        entry.target = box
        body.add_widget(entry, index=body.children.index(box))
        Clock.schedule_once(lambda _dt: self._show_writing(box), 0)

    def _show_writing(self, box) -> None:
        """The text entry in view, then the field it writes into: the citizen sees what is written."""
        scroll = self.ids.scroll
        if self.entry is not None and self.entry.parent is not None:
            scroll.scroll_to(self.entry, padding=dp(8), animate=False)
        if box.parent is not None:
            # With the field's label: the citizen sees which field the writing goes into.
            body = box.parent.children
            above = body[body.index(box) + 1] if body.index(box) + 1 < len(body) else box
            scroll.scroll_to(above, padding=dp(8), animate=False)
            scroll.scroll_to(box, padding=dp(8), animate=False)

    def toggle_keyboard(self) -> None:
        """The on-screen 拼音 keyboard opens right under the field it types into and moves to the
        field the helper touches next (docked at the bottom it left the form no room in landscape)."""
        from screens.pinyin_keyboard import PinyinKeyboard

        if self._keyboard_open:
            self._hide_keyboard()
        else:
            if self.keyboard is None:
                self.keyboard = PinyinKeyboard(target=self.inputs.get("details"))
            self._keyboard_open = True
        self.render()

    def _place_keyboard(self) -> None:
        kb, body = self.keyboard, self.ids.body
        box = kb.target if kb.target in self.inputs.values() else self.inputs.get("details")
        if box is None or box.parent != body:     # ids and parents are weak proxies: compare, not "is"
            return
        if kb.parent is not None:
            kb.parent.remove_widget(kb)
        kb.target = box
        body.add_widget(kb, index=body.children.index(box))   # children run bottom-up: this is just below
        Clock.schedule_once(lambda _dt: self._show_typing(box), 0)

    def _show_typing(self, box) -> None:
        """The keyboard in view, then the field it types into: the helper must see what is typed."""
        scroll = self.ids.scroll
        if self.keyboard is not None and self.keyboard.parent is not None:
            scroll.scroll_to(self.keyboard, padding=dp(8), animate=False)
        scroll.scroll_to(box, padding=dp(8), animate=False)

    def _typing_into(self, box, focused: bool) -> None:
        if focused and self.entry is not None and self.entry.parent is not None and not self.flow.helper:
            if self.entry.target != box:
                self.entry.target = box
                self._place_entry()
            return
        if focused and self.keyboard is not None:
            self.keyboard.target = box
            if self.keyboard.parent is not None and self.keyboard.parent.children.index(self.keyboard) != \
                    self.keyboard.parent.children.index(box) - 1:
                self._place_keyboard()

    def _hide_keyboard(self) -> None:
        self._keyboard_open = False
        if self.keyboard is not None and self.keyboard.parent is not None:
            self.keyboard.parent.remove_widget(self.keyboard)

    def _render_review(self, body) -> None:
        colon = "：" if self.app.lang == "zh_CN" else ": "
        for label, parts in self.flow.review_rows():
            value = "；".join(tr._(p) if isinstance(p, Msg) else p for p in parts)
            body.add_widget(KLabel(text=f"{tr._(label)}{colon}{value}"))
        body.add_widget(KLabel(role="small", text=tr._("提交后会马上给您受理编号和回执凭条。网络不通时也能提交，系统会在恢复后自动送达。")))

    def _render_done(self, body) -> None:
        body.add_widget(KLabel(role="title", halign="center", text=tr._("受理编号")))
        number = KLabel(role="huge", halign="center", bold=True, text=self.tracking_no)
        body.add_widget(number)
        self.buttons["tracking_no"] = number
        body.add_widget(KLabel(halign="center", text=tr._(
            "请记下受理编号，回执凭条正在打印。工作人员会在5个工作日内答复，也可能打电话联系您。")))
        body.add_widget(KLabel(halign="center", text=tr._(
            "以后在首页点“查询反馈”，输入受理编号，就能查看办理进展和答复。")))

    def _render_nav(self) -> None:
        prev, nxt, skip = self.ids.prev_button, self.ids.next_button, self.ids.skip_button
        nav = self.flow.nav(self.keypad.value if self.keypad is not None else "")
        for b, shown, text in ((prev, nav.prev, tr._("上一步")), (skip, nav.skip, tr._("跳过")),
                               (nxt, nav.next, tr._(nav.next_label))):
            # Hidden buttons give their room to the others (a wide 完成 is easier to hit); without
            # text, so a sliver of a button does not wrap its words into a tall column.
            b.opacity, b.size_hint_x, b.text = (1, 1, text) if shown else (0, 0.001, "")
            if not shown:
                b.disabled = True
        prev.disabled = not nav.prev
        skip.disabled = not nav.skip
        nxt.disabled = not nav.next_enabled
