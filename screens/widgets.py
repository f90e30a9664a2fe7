"""Shared widgets: labels and buttons that follow the theme and elder mode, our own keypads (no system
IME), dialogs that take callbacks, and the overflow check the screenshot tests use.

Every wrapping label and button breaks its lines with kiosk.typography.break_lines (禁则: no line
starts with "。" or "）", none ends with "（", numbers and words stay whole), measured with the font's
real advances, and hands Kivy the text with those line breaks: Kivy's own wrapping only knows spaces.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

from kivy.app import App
from kivy.clock import Clock
from kivy.core.text import Label as CoreLabel
from kivy.core.text.markup import MarkupLabel as CoreMarkupLabel
from kivy.factory import Factory
from kivy.lang import Builder
from kivy.metrics import dpi2px
from kivy.properties import (
    BooleanProperty,
    ListProperty,
    NumericProperty,
    ObjectProperty,
    StringProperty,
)
from kivy.uix.button import Button
from kivy.uix.gridlayout import GridLayout
from kivy.uix.image import Image
from kivy.uix.label import Label
from kivy.uix.modalview import ModalView
from kivy.uix.scrollview import ScrollView
from kivy.uix.widget import Widget
from kivy.utils import escape_markup, get_hex_from_color

from kiosk.assets import ASSETS
from kiosk.typography import break_lines
from screens.pictures import off_ui, qr_pixels, texture

Builder.load_file(str(Path(__file__).with_suffix(".kv")))
_ON_DEMAND_KV = str(Path(__file__).with_name("widgets_on_demand.kv"))


class RulesOnDemand:
    """For widgets the home screen does not show (keypads, text fields, dialogs, QR codes): their kv rules
    are read when the first of them is built. Reading and compiling them before the first frame cost
    start-up ~3 ms for nothing; a rule must be loaded before its widget's __init__ applies the rules."""

    def __init__(self, **kwargs):
        if _ON_DEMAND_KV not in Builder.files:
            Builder.load_file(_ON_DEMAND_KV)
        super().__init__(**kwargs)


# KTextInput lives in screens/text_input.py: Kivy's TextInput (and the Bubble it imports) is not on
# the home screen, and importing it cost the first frame ~1.6 ms. kv rules that name it import it then.
Factory.register("KTextInput", module="screens.text_input")


#: The pictogram font (Material Icons cut to what the kiosk shows, scripts/build_icons.py) and its
#: name -> code point map: Kivy does not apply the font's ligatures, so icons go by code point.
ICON_FONT = str(ASSETS / "fonts" / "MaterialIcons-Kiosk.ttf")
ICONS: dict[str, int] = json.loads((ASSETS / "fonts" / "MaterialIcons-Kiosk.json").read_text("utf-8"))


def icon_markup(name: str, size: float) -> str:
    """The icon `name` inside markup text, `size` px high (KeyError for an icon the font lacks)."""
    return f"[font={ICON_FONT}][size={int(size)}]{chr(ICONS[name])}[/size][/font]"

DIGITS_X = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "X", "0", "删除"]
DIGITS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "清空", "0", "删除"]
USCC_KEYS = list("0123456789ABCDEFGHJKLMNPQRTUWXY") + ["清空", "删除"]
LETTERS = list("ABCDEFGHIJKLMNOPQRSTUVWXYZ") + ["清空", "删除"]
BACKSPACE, CLEAR = "删除", "清空"


def plain(text: object) -> str:
    """Text from outside (the central API, a cache) for a label or button with markup=True: its '[', ']'
    and '&' are shown as they are, never read as markup tags ("[size=300]" in a policy title)."""
    return escape_markup(str(text))


# ------------------------------------------------------------------------------------------ line breaking

#: Per font (name, px size, bold, italic): the advance of each character seen so far. Breaking a label
#: measures many prefixes of its text; summing cached advances keeps that to dictionary look-ups.
_ADVANCES: dict[tuple, tuple[CoreLabel, dict[str, float]]] = {}


def text_measure(font_name: str, font_size: float, bold: bool = False,
                 italic: bool = False) -> Callable[[str], float]:
    """text -> width in px in that font: the sum of the characters' advances (cached per character)."""
    key = (font_name, round(float(font_size), 2), bool(bold), bool(italic))
    entry = _ADVANCES.get(key)
    if entry is None:
        core = CoreLabel(font_name=font_name, font_size=font_size, bold=bold, italic=italic)
        entry = _ADVANCES[key] = (core, {})
    core, widths = entry

    def measure(text: str) -> float:
        total = 0.0
        for ch in text:
            w = widths.get(ch)
            if w is None:
                w = widths[ch] = float(core.get_extents(ch)[0])
            total += w
        return total

    return measure


def line_px(font_name: str, font_size: float, bold: bool = False) -> float:
    """The height Kivy gives one line of text in that font (before line_height)."""
    text_measure(font_name, font_size, bold)
    core = _ADVANCES[(font_name, round(float(font_size), 2), bool(bold), False)][0]
    return float(core.get_extents("国Hg")[1])


#: Kivy's markup tags: anything in square brackets (kivy.core.text.markup splits on this too).
_TAG = re.compile(r"(\[.*?\])")
_ENTITIES = {"&bl;": "[", "&br;": "]", "&amp;": "&"}
_ENTITY = re.compile(r"&(?:bl|br|amp);")
#: Slack between our measure and Kivy's layout (rounding of advances): a line we call full must never
#: be one Kivy finds too wide and breaks again by its own rules.
_SLACK = 2.0


def _markup_chars(text: str, base: tuple[str, float, bool]):
    """The characters a markup text shows, each with its span in the source and the (font, size, bold)
    it is drawn in."""
    fonts, sizes, bolds = [base[0]], [base[1]], [base[2]]
    pos = 0
    for part in _TAG.split(text):
        if part.startswith("[") and part.endswith("]") and len(part) > 1:
            tag = part[1:-1]
            if tag == "b":
                bolds.append(True)
            elif tag == "/b" and len(bolds) > 1:
                bolds.pop()
            elif tag.startswith("size="):
                value = tag[5:]
                try:
                    sizes.append(dpi2px(value[:-2], value[-2:]) if value[-2:].isalpha() else float(value))
                except ValueError:
                    sizes.append(sizes[-1])
            elif tag == "/size" and len(sizes) > 1:
                sizes.pop()
            elif tag.startswith("font="):
                fonts.append(tag[5:])
            elif tag == "/font" and len(fonts) > 1:
                fonts.pop()
            pos += len(part)
            continue
        i = 0
        while i < len(part):
            m = _ENTITY.match(part, i)
            n = len(m.group()) if m else 1
            ch = _ENTITIES[m.group()] if m else part[i]
            yield ch, pos + i, pos + i + n, (fonts[-1], sizes[-1], bolds[-1])
            i += n
        pos += len(part)


def _break_points(para: str, lines: list[str]) -> list[tuple[int, int]]:
    """Where break_lines broke the paragraph `para` into `lines`: (start, end) of the whitespace it
    dropped at each break (start == end between two Han characters)."""
    out = []
    pos = 0
    for line in lines[:-1]:
        found = para.find(line, pos) if line else -1
        if found < 0:            # cannot happen: break_lines only drops whitespace
            return []
        pos = found + len(line)
        end = pos
        while end < len(para) and para[end].isspace():
            end += 1
        out.append((pos, end))
        pos = end
    return out


def wrap_markup(text: str, width: float, base: tuple[str, float, bool]) -> str:
    """`text` (Kivy markup) with "\n" where break_lines breaks its shown text; tags stay as written.
    Each paragraph is measured in the largest font it uses, so a line never comes out too wide."""
    chars = list(_markup_chars(text, base))
    plain = "".join(c[0] for c in chars)
    edits: list[tuple[int, int, str]] = []        # (source start, source end, replacement)
    start = 0
    for para in plain.split("\n"):
        styles = [c[3] for c in chars[start:start + len(para)] if not c[0].isspace()]
        if styles:
            font, size, _ = max(styles, key=lambda st: st[1])
            measure = text_measure(font, size, any(st[2] for st in styles))
            for a, b in _break_points(para, break_lines(para, measure, width)):
                a, b = a + start, b + start
                # The dropped spaces go, and only they: a tag between them and the next word stays.
                edits.append((chars[a][1], chars[a][1], "\n"))
                edits.extend((chars[i][1], chars[i][2], "") for i in range(a, b))
        start += len(para) + 1
    out = text
    for src_a, src_b, new in sorted(edits, key=lambda e: (e[0], e[2] == ""), reverse=True):
        out = out[:src_a] + new + out[src_b:]
    return out


def wrap_plain(text: str, width: float, font: tuple[str, float, bool]) -> str:
    return "\n".join(break_lines(text, text_measure(*font), width))


class BreakLines:
    """Mixin for a Label that wraps (text_size has a width): Kivy draws the text broken where
    break_lines breaks it. `text` stays what the screen set; only what Kivy lays out differs. Kivy
    already re-renders on every change of text, width, font, size, padding and markup (a language
    switch changes the text), and the line breaking happens there, memoised on those inputs.

    Markup labels break on the text they show, with the tags left where they were: each paragraph is
    measured in the largest font and size its tags give it (bold if any of it is), so a line never
    comes out wider than Kivy's box. Shortened labels (shorten=True) are left to Kivy."""

    _wrap_memo: tuple = ((), "")

    def _wrapped(self) -> str | None:
        width = self.text_size[0]
        if width is None or not self.text or self.shorten:
            return None
        width = width - self.padding[0] - self.padding[2] - _SLACK
        if width <= 0:
            return None
        font = (self.font_name, float(self.font_size), bool(self.bold))
        key = (self.text, bool(self.markup), width, font)
        if self._wrap_memo[0] != key:
            wrapped = (wrap_markup(self.text, width, font) if self.markup
                       else wrap_plain(self.text, width, font))
            self._wrap_memo = (key, wrapped)
        return self._wrap_memo[1]

    def texture_update(self, *largs):
        wrapped = self._wrapped()
        if wrapped is None:
            if self._label.__class__ is not CoreMarkupLabel:
                self._label.text = self.text
            return super().texture_update(*largs)
        if self._label.__class__ is not CoreMarkupLabel:
            self._label.text = wrapped
            return super().texture_update(*largs)
        # Label.texture_update builds the markup from self.text: the same steps, with our lines.
        self.texture = None
        self._label.text = "".join(("[color=", get_hex_from_color(self.disabled_color if self.disabled
                                                                  else self.color), "]", wrapped, "[/color]"))
        self._label.refresh()
        if self._label.texture:
            self._label.texture.bind()
        self.refs = self._label.refs
        self.anchors = self._label.anchors
        texture = self._label.texture
        if texture is not None:
            self.texture = texture
            self.texture_size = list(texture.size)
        else:
            self.texture_size = (0, 0)
        self.is_shortened = self._label.is_shortened
        return None


class WrapLabel(BreakLines, Label):
    """A plain Kivy Label that wraps by break_lines (for kv rules that style their own label)."""


class KLabel(WrapLabel):
    """A wrapping label in the theme's colours and sizes."""

    role = StringProperty("body")     # small | body | title | huge


class FitLabel(WrapLabel):
    """A name that must be read whole (the center's name in the header): the largest of `font_sizes`
    at which it fits its box in at most `max_lines` lines, never shortened with "…". If none fits, the
    smallest size, on as many lines as it takes."""

    font_sizes = ListProperty([])
    max_lines = NumericProperty(2)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._fit_trigger = Clock.create_trigger(self._fit, -1)
        self.bind(text=self._fit_trigger, size=self._fit_trigger, font_sizes=self._fit_trigger,
                  max_lines=self._fit_trigger, font_name=self._fit_trigger, bold=self._fit_trigger)
        self._fit_trigger()

    def _fit(self, *_args) -> None:
        if not self.font_sizes or not self.text or self.width <= 1:
            return
        width = self.width - self.padding[0] - self.padding[2] - _SLACK
        room = self.height - self.padding[1] - self.padding[3]
        for size in sorted(self.font_sizes, reverse=True):
            lines = break_lines(self.text, text_measure(self.font_name, size, self.bold), width)
            tall = len(lines) * line_px(self.font_name, size, self.bold) * self.line_height
            if len(lines) <= self.max_lines and tall <= room:
                break
        self.font_size = size


class KButton(BreakLines, Button):
    """A large touch target; `kind` picks the colours."""

    kind = StringProperty("primary")  # primary | secondary | tile | key | danger
    disabled_reason = StringProperty("")
    # Derived rules set these instead of re-setting font_size/text_size/height: Kivy keeps the base
    # rule's bindings alive, and two rules writing one property make layout loops.
    font_role = StringProperty("body")
    wrap = BooleanProperty(True)
    min_height = NumericProperty(0)


class KScrollView(ScrollView):
    """ScrollView without Kivy 2.3's binding leak: every scroll update binds bar_color again and the
    fade-out 0.5 s later unbinds it once, so each update inside that half second left one more
    observer behind (about ten per citizen session, for weeks). Unbinding first keeps one."""

    def update_from_scroll(self, *largs):
        self.funbind("bar_color", self._change_bar_color)
        return super().update_from_scroll(*largs)


class Icon(Label):
    """One pictogram of the icon font, square, `font_size` high."""

    icon = StringProperty("")

    def __init__(self, **kwargs):
        kwargs.setdefault("font_name", ICON_FONT)
        super().__init__(**kwargs)

    def on_icon(self, _instance, name: str) -> None:
        self.text = chr(ICONS[name]) if name else ""


class Tile(KButton):
    icon = StringProperty("")
    subtitle = StringProperty("")
    target = StringProperty("")


class Keypad(RulesOnDemand, GridLayout):
    """Edits `value` from its own keys. `keys` is one of the layouts above; `max_length` bounds input."""

    keys = ListProperty(DIGITS_X)
    value = StringProperty("")
    max_length = NumericProperty(18)
    masked = BooleanProperty(False)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._built_for: list[str] = []
        self.bind(keys=self._rebuild)
        Clock.schedule_once(self._rebuild, 0)

    def _rebuild(self, *_args) -> None:
        if self._built_for == list(self.keys):
            return
        self._built_for = list(self.keys)
        self.clear_widgets()
        for key in self.keys:
            btn = KeypadKey(key=key)
            btn.bind(on_release=lambda b: self.press(b.key))
            self.add_widget(btn)

    def press(self, key: str) -> None:
        if key == BACKSPACE:
            self.value = self.value[:-1]
        elif key == CLEAR:
            self.value = ""
        elif len(self.value) < self.max_length:
            self.value += key

    def key_widget(self, key: str) -> Widget | None:
        self._rebuild()
        for child in self.children:
            if getattr(child, "key", None) == key:
                return child
        return None


class KeypadKey(RulesOnDemand, KButton):
    key = StringProperty("")     # what the key types; its label is translated for 删除 / 清空


class RowPool:
    """The rows of a box, reused from one answer to the next: an answer sets the texts of rows already
    built instead of building new ones (a row of two wrapping labels cost 2-4 ms to build). `clear(row)`
    empties a row that leaves the box, so nothing of an earlier answer stays in it."""

    def __init__(self, box: Widget, make: Callable[[], Widget], clear: Callable[[Widget], None]) -> None:
        self.box, self.make, self.clear = box, make, clear
        self.rows: list[Widget] = []
        self._growing = None

    def grow_soon(self, n: int) -> None:
        """Build rows up to n, one a frame, while nothing is on show yet (a query in flight): the first
        answer then fills rows instead of building them in its frame."""
        if len(self.rows) >= n or self._growing is not None:
            return

        def grow(_dt) -> bool:
            if len(self.rows) >= n or App.get_running_app() is None:    # done, or the app stopped
                self._growing = None
                return False
            self.rows.append(self.make())
            return True

        self._growing = Clock.schedule_interval(grow, 0)

    def show(self, n: int) -> list[Widget]:
        """The first n rows, in the box in that order (the box holds nothing else); the rest leave it."""
        while len(self.rows) < n:
            self.rows.append(self.make())
        for i, row in enumerate(self.rows):
            if i < n and row.parent is None:
                self.box.add_widget(row)
            elif i >= n and row.parent is not None:
                self.box.remove_widget(row)
                self.clear(row)
        return self.rows[:n]


class ButtonSet:
    """The buttons of a box that come and go with the state (the demo card button, a helper's entry):
    each made once and then shown or taken away. Made anew at each change (a helper's mode goes on and
    off in many sessions), each left its bindings, some 800 objects, to the collection between citizens,
    which froze them while still shown; dropped the session after, they waited for the next full
    collection."""

    def __init__(self) -> None:
        self.buttons: dict[str, KButton] = {}

    def show(self, box: Widget, wanted: list[tuple[str, str, str, Callable[[], object]]]) -> dict[str, KButton]:
        """The buttons of `wanted` ((name, kind, text, action) each) in `box`, in that order; `box` holds
        nothing else. A button's action is the one it was first made with. Returns those shown, by name."""
        box.clear_widgets()
        shown: dict[str, KButton] = {}
        for name, kind, text, action in wanted:
            btn = self.buttons.get(name)
            if btn is None:
                btn = self.buttons[name] = KButton(kind=kind)
                btn.bind(on_release=lambda _b, act=action: act())
            btn.text = text
            box.add_widget(btn)
            shown[name] = btn
        return shown


class QRCode(RulesOnDemand, Image):
    """A QR code drawn from `data` (for a phone to scan): black on white, with its quiet zone."""

    data = StringProperty("")

    def on_data(self, _instance, value: str) -> None:
        # The code of earlier data (the last citizen's) never stays while the new one is made.
        self.texture = None
        if value:
            # Made off the UI thread (50-75 ms of qrcode here), shown when ready, if still wanted.
            off_ui(lambda: qr_pixels(value), lambda px: self._show(value, px))

    def _show(self, value: str, pixels) -> None:
        if value == self.data:
            self.texture = texture(pixels, nearest=True)


class Banner(KLabel):
    level = StringProperty("warn")    # warn | error | info


class Dialog(RulesOnDemand, ModalView):
    """A plain message with up to two buttons; callbacks decide what happens, the dialog does not."""

    title = StringProperty("")
    message = StringProperty("")
    ok_text = StringProperty("")
    cancel_text = StringProperty("")
    # Not named on_*: Kivy would take such keyword arguments as event bindings.
    ok_cb = ObjectProperty(None, allownone=True)
    cancel_cb = ObjectProperty(None, allownone=True)

    def ok(self) -> None:
        self.dismiss()
        if self.ok_cb:
            self.ok_cb()

    def cancel(self) -> None:
        self.dismiss()
        if self.cancel_cb:
            self.cancel_cb()


class CountdownDialog(RulesOnDemand, ModalView):
    """继续办理? The countdown before an idle session is wiped; one touch anywhere keeps the session."""

    remaining = NumericProperty(20)
    continue_cb = ObjectProperty(None, allownone=True)

    def keep(self) -> None:
        self.dismiss()
        if self.continue_cb:
            self.continue_cb()

    def on_touch_down(self, touch):
        super().on_touch_down(touch)
        self.keep()
        return True


def show_dialog(title: str, message: str, ok_text: str, on_ok: Callable[[], None] | None = None,
                cancel_text: str = "", on_cancel: Callable[[], None] | None = None) -> Dialog:
    d = Dialog(title=title, message=message, ok_text=ok_text, cancel_text=cancel_text, ok_cb=on_ok,
               cancel_cb=on_cancel)
    d.open()
    return d


def walk_labels(root: Widget):
    for w in root.walk(restrict=True):
        if isinstance(w, Label) and w.text and w.get_root_window() is not None and w.opacity > 0:
            yield w


def find_overflows(root: Widget, tolerance: float = 2.0) -> list[str]:
    """Labels whose rendered text is bigger than their box, or that stick out of the window.

    A label with text_size set wraps and may only grow downwards; it overflows when its texture is
    taller than the height it was given (text cut) or wider than its width (an unbreakable run).
    """
    problems = []
    for w in walk_labels(root):
        w.texture_update()
        tw, th = w.texture_size
        if tw > w.width + tolerance or th > w.height + tolerance:
            problems.append(f"{type(w).__name__} {w.text[:30]!r}: text {tw:.0f}x{th:.0f} > box "
                            f"{w.width:.0f}x{w.height:.0f}")
            continue
        win = w.get_root_window()
        x0, y0 = w.to_window(w.x, w.y)
        if x0 < -tolerance or y0 < -tolerance or x0 + w.width > win.width + tolerance or \
                y0 + w.height > win.height + tolerance:
            # Inside a scroll view a label may legitimately sit outside the window.
            if not any(isinstance(p, ScrollView) for p in _parents(w)):
                problems.append(f"{type(w).__name__} {w.text[:30]!r}: outside the window at {x0:.0f},{y0:.0f}")
    return problems


def _parents(w: Widget):
    p = w.parent
    while p is not None and p is not p.parent:
        yield p
        p = p.parent
