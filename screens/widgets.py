"""Shared widgets: labels and buttons that follow the theme and elder mode, our own keypads (no system
IME), dialogs that take callbacks, and the overflow check the screenshot tests use.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from kivy.clock import Clock
from kivy.lang import Builder
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
from kivy.uix.textinput import TextInput
from kivy.uix.widget import Widget
from kivy.utils import escape_markup

from kiosk.assets import ASSETS

Builder.load_file(str(Path(__file__).with_suffix(".kv")))

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


class KLabel(Label):
    """A wrapping label in the theme's colours and sizes."""

    role = StringProperty("body")     # small | body | title | huge


class KButton(Button):
    """A large touch target; `kind` picks the colours."""

    kind = StringProperty("primary")  # primary | secondary | tile | key | danger
    disabled_reason = StringProperty("")
    # Derived rules set these instead of re-setting font_size/text_size/height: Kivy keeps the base
    # rule's bindings alive, and two rules writing one property make layout loops.
    font_role = StringProperty("body")
    wrap = BooleanProperty(True)
    min_height = NumericProperty(0)


class KTextInput(TextInput):
    """Free text for helper mode (hardware keyboard, a system IME, or our on-screen pinyin keyboard).
    `max_length` stops typing at the limit instead of failing the form later."""

    max_length = NumericProperty(500)
    lines = NumericProperty(1)

    def insert_text(self, substring: str, from_undo: bool = False):
        room = int(self.max_length) - len(self.text)
        if room <= 0:
            return None
        if not self.multiline:
            substring = substring.replace("\n", " ")
        return super().insert_text(substring[:room], from_undo=from_undo)


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


class Keypad(GridLayout):
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


class KeypadKey(KButton):
    key = StringProperty("")     # what the key types; its label is translated for 删除 / 清空


class QRCode(Image):
    """A QR code drawn from `data` (for a phone to scan): black on white, with its quiet zone."""

    data = StringProperty("")

    def on_data(self, _instance, value: str) -> None:
        if not value:
            self.texture = None
            return
        import io

        import qrcode
        from kivy.core.image import Image as CoreImage

        img = qrcode.make(value, box_size=8, border=4).convert("RGB")
        buf = io.BytesIO()
        img.save(buf, format="png")
        buf.seek(0)
        self.texture = CoreImage(buf, ext="png").texture
        self.texture.mag_filter = "nearest"


class Banner(KLabel):
    level = StringProperty("warn")    # warn | error | info


class Dialog(ModalView):
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


class CountdownDialog(ModalView):
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
