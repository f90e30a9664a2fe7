"""诉求反馈 (the economic grid's 一事一记、一事一馈): step by step with big buttons, no typing.

category -> problem type -> preset phrases -> contact phone (keypad) -> enterprise USCC (optional) ->
[helper mode only: free text typed by the 帮办专员 — details, contact name, enterprise name] ->
review -> submit through the outbox. The tracking number is made at enqueue time, so the citizen gets
it on screen and on the receipt at once, even when the network is down; the outbox delivers later.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from kivy.clock import Clock
from kivy.lang import Builder
from kivy.metrics import dp
from kivy.properties import BooleanProperty, ListProperty, ObjectProperty, StringProperty
from kivy.uix.gridlayout import GridLayout

from kiosk import feedback_presets as presets
from kiosk.free_text import FreeTextError, clean_free_text
from kiosk.outbox import OutboxError, OutboxUnavailable
from kiosk.privacy import mask_name, mask_phone, mask_text
from kiosk.receipts import templates
from kiosk.validators import is_valid_mobile, is_valid_uscc
from screens.base import BaseScreen
from screens.tr import tr
from screens.widgets import DIGITS, USCC_KEYS, KButton, Keypad, KLabel, KTextInput

Builder.load_file(str(Path(__file__).with_suffix(".kv")))
log = logging.getLogger(__name__)
TZ = ZoneInfo("Asia/Shanghai")

STEPS = ("category", "type", "phrases", "phone", "uscc", "extra", "review", "done")
HELPER_ONLY = ("extra",)
# Free-text fields of the helper step: (name, label, max length, lines). Lengths fit FeedbackCreate.
EXTRA_FIELDS = (
    ("details", "补充说明", 500, 4),
    ("contact_name", "联系人姓名", 40, 1),
    ("enterprise_name", "企业名称", 100, 1),
)
PROMPTS = {
    "category": "请选择诉求类别",
    "type": "请选择具体问题",
    "phrases": "请选择符合您情况的描述（可多选）",
    "phone": "请输入联系电话，方便工作人员回复您",
    "uscc": "如为企业诉求，请输入统一社会信用代码（可跳过）",
    "extra": "帮办专员代为填写（均可不填）",
    "review": "请核对以下内容，确认后提交",
    "done": "您的诉求已受理",
}
SELECTED, UNSELECTED = "√ ", "□ "


def choice_grid(cols: int) -> GridLayout:
    g = GridLayout(cols=cols, spacing=dp(16), size_hint_y=None)
    g.bind(minimum_height=g.setter("height"))
    return g


class FeedbackScreen(BaseScreen):
    step = StringProperty("category")
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
        self._finished = False
        self.inputs: dict[str, KTextInput] = {}
        self.keyboard = None                      # the on-screen pinyin keyboard, made when first asked for
        self.keyboard_button: KButton | None = None
        self._keyboard_open = False
        self.extra_errors: dict[str, str] = {}
        super().__init__(**kwargs)

    def on_kv_post(self, base_widget):
        self.app.bind(lang=self.render, elder=self.render, orientation=self.render)
        self.ids.body.bind(width=self._fit_keypad)
        self.render()

    # ------------------------------------------------------------------ navigation between steps

    def on_activate(self, **params) -> None:
        if params.get("restart"):
            self.reset()
        self.render()

    def steps(self) -> tuple[str, ...]:
        """The steps this person goes through: the free-text step only while a helper assists."""
        helper = self.app.staff_mode == "helper"
        return tuple(s for s in STEPS if helper or s not in HELPER_ONLY)

    def go_step(self, step: str) -> None:
        if step != "extra":
            self._hide_keyboard()
        self.step = step
        self.render()

    def _after(self, step: str) -> str:
        steps = self.steps()
        return steps[steps.index(step) + 1]

    def previous(self) -> None:
        steps = self.steps()
        i = steps.index(self.step) if self.step in steps else 0
        if self.step == "phrases":
            self.phrases = []
        if i > 0 and self.step != "done":
            self.go_step(steps[i - 1])

    def on_back(self) -> bool:
        """返回 is the previous step while the form is being filled in; it leaves from the first one."""
        if self.busy:
            return True                  # being stored: the tracking number is about to be shown
        if self.step in ("category", "done"):
            return False
        self.previous()
        return True

    def next(self) -> None:
        if self.busy:
            return
        if self.step == "phrases" and self.phrases:
            self.go_step("phone")
        elif self.step == "phone" and self.keypad and is_valid_mobile(self.keypad.value):
            self.phone = self.keypad.value
            self.go_step("uscc")
        elif self.step == "uscc" and self.keypad and is_valid_uscc(self.keypad.value):
            self.uscc = self.keypad.value
            self.go_step(self._after("uscc"))
        elif self.step == "extra" and self._take_extra():
            self.go_step("review")
        elif self.step == "review":
            self.submit()
        elif self.step == "done":
            self.finish()

    def skip_uscc(self) -> None:
        self.uscc = ""
        self.go_step(self._after("uscc"))

    def _take_extra(self) -> bool:
        """Check the helper's free text; keep it (cleaned) when every field can be sent and printed."""
        cleaned, errors = {}, {}
        for name, _label, limit, lines in EXTRA_FIELDS:
            box = self.inputs.get(name)
            try:
                cleaned[name] = clean_free_text(box.text if box else "", limit, multiline=lines > 1)
            except FreeTextError as e:
                errors[name] = e.message_zh if self.app.lang == "zh_CN" else e.message_en
        self.extra_errors = errors
        if errors:
            self.render()
            return False
        self.extra = {k: v for k, v in cleaned.items() if v} or None
        return True

    def choose_category(self, name: str) -> None:
        self.category, self.problem, self.phrases = name, "", []
        self.go_step("type")

    def choose_problem(self, name: str) -> None:
        self.problem, self.phrases = name, []
        self.go_step("phrases")

    def toggle_phrase(self, phrase: str) -> None:
        if phrase in self.phrases:
            self.phrases = [p for p in self.phrases if p != phrase]
        else:
            self.phrases = self.phrases + [phrase]
        self.render()

    # ------------------------------------------------------------------ submit

    def payload(self) -> dict:
        """A FeedbackCreate body (the outbox adds tracking_no)."""
        offered = presets.phrases_for(self.category, self.problem)
        content = presets.compose_content(self.problem, [p for p in offered if p in self.phrases])
        extra = self.extra or {}
        if extra.get("details"):
            content += f"补充说明（帮办专员代填）：{extra['details']}"
        body = {
            "category": self.category,
            "content": content,
            "phone": self.phone,
            "terminal_id": self.app.cfg.terminal.id,
        }
        if self.uscc:
            body["enterprise_uscc"] = self.uscc
        for name in ("contact_name", "enterprise_name"):
            if extra.get(name):
                body[name] = extra[name]
        return body

    def submit(self) -> None:
        outbox = getattr(self.app.services, "outbox", None)
        payload = self.payload()
        terminal_id = self.app.cfg.terminal.id
        self.busy = True
        self.render()

        def enqueue():
            if outbox is None:
                raise OutboxUnavailable("no outbox: the API part did not start")
            return outbox.enqueue_feedback(payload, terminal_id)

        self.app.call(enqueue, self._submitted, self._not_stored)

    def _submitted(self, result) -> None:
        _key, tracking_no = result
        self.busy = False
        self.tracking_no = tracking_no
        log.info("feedback stored for delivery: %s (%s)", tracking_no, self.category)
        self.go_step("done")
        receipt = templates.feedback_receipt({
            "tracking_number": tracking_no,
            "category": self.category,
            # Free text may hold a phone or an ID number the helper typed; the slip leaves the hall.
            "summary": mask_text(self.payload()["content"]),
            "time": datetime.now(TZ).strftime("%Y-%m-%d %H:%M"),
            "center_name": self.app.cfg.terminal.center_name,
        })
        self.app.print_receipt(receipt, "feedback", f"feedback {tracking_no}")

    def _not_stored(self, error: BaseException) -> None:
        self.busy = False
        self.render()
        if not isinstance(error, OutboxError):
            log.error("feedback could not be stored: %s", type(error).__name__)
        # Nothing is lost: the form stays on screen for the helper to record it by hand.
        self.app.show_error(tr._("抱歉，您的诉求暂时无法保存。您填写的内容仍在屏幕上，请呼叫帮办，工作人员会为您登记。"))

    def finish(self) -> None:
        if self._finished:
            self.app.home()
            return
        self._finished = True
        self.app.finish_transaction("feedback", self.tracking_no, "", "诉求反馈")

    # ------------------------------------------------------------------ session end

    def reset(self) -> None:
        self.step, self.category, self.problem, self.phrases = "category", "", "", []
        self.phone = self.uscc = self.tracking_no = ""
        self.busy = False
        self._finished = False
        self.extra = None
        self.extra_errors = {}
        self._hide_keyboard()
        for box in self.inputs.values():
            box.text = ""
        for pad in self._pads.values():
            pad.value = ""

    def wipe(self) -> None:
        self.reset()
        self.render()

    # ------------------------------------------------------------------ drawing

    def render(self, *_args) -> None:
        if "body" not in self.ids:
            return
        body = self.ids.body
        body.clear_widgets()
        # Each step starts at its top: a scroll offset left from a long step hid the next one's buttons.
        self.ids.scroll.scroll_y = 1
        self.buttons = {}
        self.keypad = None
        self.hint = None
        self._display = None
        steps = self.steps()
        if self.step not in steps:          # helper mode ended while on its own step
            self._hide_keyboard()
            self.step = "review"
        i = steps.index(self.step)
        self.ids.step_label.text = (tr._("第 {n} 步，共 {total} 步").format(n=i + 1, total=len(steps) - 1)
                                    if self.step != "done" else "")
        self.ids.prompt.text = tr._(PROMPTS[self.step])
        if self._keyboard_open and self.step == "extra":
            # The keyboard takes most of a landscape screen: the field and the keys need the room.
            self.ids.step_label.text = self.ids.prompt.text = ""
        getattr(self, f"_render_{self.step}")(body)
        self._render_nav()

    def _cols(self, landscape: int, portrait: int) -> int:
        return landscape if self.app.orientation == "landscape" else portrait

    def _button(self, msgid: str, text: str, on_release, kind: str = "tile") -> KButton:
        b = KButton(text=text, kind=kind, font_role="title", min_height=self.app.sz.tile * 0.7)
        b.bind(on_release=lambda *_: on_release())
        self.buttons[msgid] = b
        return b

    def _render_category(self, body) -> None:
        grid = choice_grid(self._cols(4, 2))
        for c in presets.CATEGORIES:
            grid.add_widget(self._button(c.name, tr._(c.name), lambda n=c.name: self.choose_category(n)))
        body.add_widget(grid)

    def _render_type(self, body) -> None:
        body.add_widget(KLabel(text=tr._("诉求类别：{name}").format(name=tr._(self.category))))
        grid = choice_grid(self._cols(3, 1))
        for t in presets.category(self.category).types:
            grid.add_widget(self._button(t.name, tr._(t.name), lambda n=t.name: self.choose_problem(n)))
        body.add_widget(grid)

    def _render_phrases(self, body) -> None:
        body.add_widget(KLabel(text=f"{tr._(self.category)} / {tr._(self.problem)}"))
        grid = choice_grid(self._cols(2, 1))
        for p in presets.phrases_for(self.category, self.problem):
            chosen = p in self.phrases
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
        if self.step == "phone":
            ok = is_valid_mobile(v)
            if len(v) < 11:
                self.hint.text = tr._("请输入11位手机号码")
            else:
                self.hint.text = tr._("号码正确，请按“下一步”") if ok else tr._("号码有误，请核对后重新输入")
        else:
            ok = is_valid_uscc(v)
            if len(v) < 18:
                self.hint.text = tr._("请输入18位统一社会信用代码，没有可以跳过")
            else:
                self.hint.text = tr._("代码正确，请按“下一步”") if ok else tr._("代码有误，请核对后重新输入")
        self.ids.next_button.disabled = not ok

    def _render_phone(self, body) -> None:
        def fmt(v: str) -> str:
            return " ".join(x for x in (v[:3], v[3:7], v[7:]) if x)

        self._keypad(body, "phone", DIGITS, 11, self.phone, 3, dp(720) * (1.3 if self.app.elder else 1), fmt)

    def _render_uscc(self, body) -> None:
        self._keypad(body, "uscc", USCC_KEYS, 18, self.uscc, self._cols(11, 7),
                     dp(1400) * (1.2 if self.app.elder else 1), lambda v: v)

    def _render_extra(self, body) -> None:
        # Inputs are kept across renders (a language switch must not lose what the helper typed).
        for name, label, limit, lines in EXTRA_FIELDS:
            body.add_widget(KLabel(text=tr._(label)))
            box = self.inputs.get(name)
            if box is None:
                box = KTextInput(max_length=limit, lines=lines, multiline=lines > 1)
                box.bind(focus=self._typing_into)
                self.inputs[name] = box
            elif box.parent is not None:
                box.parent.remove_widget(box)
            body.add_widget(box)
            if name in self.extra_errors:
                body.add_widget(KLabel(role="small", text=self.extra_errors[name], color=(0.7, 0.1, 0.1, 1)))
        if self._keyboard_open:
            self._place_keyboard()
        self.keyboard_button = self._button("keyboard", tr._("收起屏幕键盘") if self._keyboard_open
                                            else tr._("打开屏幕键盘"),
                                            self.toggle_keyboard, kind="secondary")
        self.keyboard_button.font_role = "body"
        body.add_widget(self.keyboard_button)
        body.add_widget(KLabel(role="small", text=tr._(
            "可用实体键盘输入。内容会发送给受理部门，并打印在回执上（电话和证件号码在回执上隐去部分数字）。")))

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
        extra = self.extra or {}
        rows = [
            ("诉求类别", tr._(self.category)),
            ("具体问题", tr._(self.problem)),
            ("情况描述", "；".join(tr._(p) for p in presets.phrases_for(self.category, self.problem)
                              if p in self.phrases)),
            ("联系电话", mask_phone(self.phone)),
            ("企业信用代码", self.uscc or tr._("未填写")),
        ]
        if extra.get("details"):
            rows.append(("补充说明", mask_text(extra["details"])))
        if extra.get("contact_name"):
            rows.append(("联系人姓名", mask_name(extra["contact_name"])))
        if extra.get("enterprise_name"):
            rows.append(("企业名称", extra["enterprise_name"]))
        for label, value in rows:
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
        show_prev = self.step not in ("category", "done") and not self.busy
        show_skip = self.step == "uscc"
        show_next = self.step not in ("category", "type")
        texts = {"review": "确认提交", "done": "完成"}
        next_text = tr._("正在提交，请稍候…") if self.busy else tr._(texts.get(self.step, "下一步"))
        for b, shown, text in ((prev, show_prev, tr._("上一步")), (skip, show_skip, tr._("跳过")),
                               (nxt, show_next, next_text)):
            # Hidden buttons give their room to the others (a wide 完成 is easier to hit); without
            # text, so a sliver of a button does not wrap its words into a tall column.
            b.opacity, b.size_hint_x, b.text = (1, 1, text) if shown else (0, 0.001, "")
            if not shown:
                b.disabled = True
        prev.disabled = not show_prev
        skip.disabled = not show_skip
        if not show_next or self.busy:
            nxt.disabled = True
        elif self.step == "phrases":
            nxt.disabled = not self.phrases
        elif self.step in ("phone", "uscc"):
            self._update_hint()
        else:
            nxt.disabled = False
