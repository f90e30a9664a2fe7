"""An on-screen 拼音 keyboard that types into a TextInput, for 帮办模式 (a helper types for a citizen).

Kivy's VKeyboard is Latin only and the kiosk has no system IME, so this keyboard composes pinyin itself
and asks kiosk.pinyin_ime for candidates:

    text = TextInput(...)
    kb = PinyinKeyboard(target=text)           # or set kb.target later; size_hint_y is None, height fixed
    layout.add_widget(text); layout.add_widget(kb)

Chosen candidates, letters (英 mode), digits, punctuation and spaces go through target.insert_text, at
the TextInput's cursor. 删除 removes composed pinyin letters first, then text (target.do_backspace).
Keys are KButtons, so their size follows the theme and elder mode. This module has no .kv file of the
same name on purpose: screens/__init__.py must not take it for a screen. Its rules are loaded below.
"""

from __future__ import annotations

import logging
import threading

from kivy.clock import Clock
from kivy.lang import Builder
from kivy.metrics import dp
from kivy.properties import (
    ListProperty,
    NumericProperty,
    ObjectProperty,
    OptionProperty,
    StringProperty,
)
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from kiosk.pinyin_ime import Candidate, PinyinIme
from screens.widgets import KButton  # also registers KLabel, used in the rules below

log = logging.getLogger(__name__)

LETTER_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
DIGITS = "1234567890"
PUNCTUATION = ("，", "。", "、", "？", "！", "：", "；")
BACKSPACE, SPACE, SWITCH, PREV, NEXT = "删除", "空格", "中/英", "‹", "›"
MAX_COMPOSING = 30
MAX_CANDIDATE_CHARS = 4       # longer phrases would not fit a candidate button; type them in parts

Builder.load_string("""
#:import rgba kiosk.theme.hex_rgba
#:import C kiosk.theme.COLORS

<PinyinKey>:
    kind: 'key'
    font_role: 'title'
    wrap: False
    min_height: max(dp(60), app.sz.button)

<CandidateKey>:
    kind: 'tile'
    font_role: 'title'
    wrap: False
    min_height: max(dp(60), app.sz.button)

<PinyinKeyboard>:
    orientation: 'vertical'
    size_hint_y: None
    height: self.minimum_height
    padding: dp(10)
    spacing: dp(8)
    canvas.before:
        Color:
            rgba: rgba(C['bg'])
        Rectangle:
            pos: self.pos
            size: self.size
        Color:
            rgba: rgba(C['muted'], 0.15)
        Rectangle:
            pos: self.pos
            size: self.size
    KLabel:
        id: composing
        text: root.composing if root.composing else ' '
        role: 'title'
        color: rgba(C['accent'])
    BoxLayout:
        id: candidate_row
        size_hint_y: None
        height: max(dp(60), app.sz.button)
        spacing: dp(8)
""")


class PinyinKey(KButton):
    key = StringProperty("")       # what the key does: a letter, a digit, punctuation or one of the names


class CandidateKey(KButton):
    candidate = ObjectProperty(None, allownone=True)      # a kiosk.pinyin_ime.Candidate


class PinyinKeyboard(BoxLayout):
    """Composes pinyin, offers candidates in pages, and writes the choice into `target` (a TextInput)."""

    target = ObjectProperty(None, allownone=True)
    mode = OptionProperty("zh", options=["zh", "en"])
    composing = StringProperty("")
    candidates = ListProperty([])          # of Candidate, for the current `composing`
    page = NumericProperty(0)

    def __init__(self, ime: PinyinIme | None = None, **kwargs) -> None:
        self.ime = ime or PinyinIme()
        super().__init__(**kwargs)
        self._keys: dict[str, PinyinKey] = {}
        self._page_starts: list[int] = [0]
        self._page_end = 0
        self._build_keys()
        self.bind(composing=self._lookup, candidates=self._show_page, page=self._show_page, width=self._fit_page, mode=self._on_mode)
        from kivy.app import App

        app = App.get_running_app()
        if app is not None and hasattr(app, "sz"):
            app.bind(sz=self._fit_page)
        # The index takes a fraction of a second to build; do it off the UI thread before the first key.
        self.warm_up_thread = threading.Thread(target=self.ime.warm_up, name="pinyin-index", daemon=True)
        self.warm_up_thread.start()
        Clock.schedule_once(self._fit_page, 0)

    # -- building --------------------------------------------------------------------------------

    def _row(self, keys: list[tuple[str, float]]) -> BoxLayout:
        row = BoxLayout(size_hint_y=None, spacing=dp(8))
        for key, weight in keys:
            if not key:                          # half-key indent, as on a real keyboard
                row.add_widget(Widget(size_hint=(weight, None), height=1))
                continue
            btn = PinyinKey(key=key, text=key, size_hint_x=weight)
            if key in (BACKSPACE, SWITCH):
                btn.kind = "secondary"
                btn.font_role = "body"
            btn.bind(on_release=lambda b: self.press(b.key))
            self._keys[key] = btn
            row.add_widget(btn)
        row.bind(minimum_height=row.setter("height"))
        return row

    def _build_keys(self) -> None:
        self.add_widget(self._row([(d, 1) for d in DIGITS]))
        self.add_widget(self._row([(c, 1) for c in LETTER_ROWS[0]]))
        self.add_widget(self._row([("", 0.5), *((c, 1) for c in LETTER_ROWS[1]), ("", 0.5)]))
        self.add_widget(self._row([("", 0.5), *((c, 1) for c in LETTER_ROWS[2]), (BACKSPACE, 2.5)]))
        bottom = [(SWITCH, 1.5), *((p, 1) for p in PUNCTUATION[:3]), (SPACE, 3),
                  *((p, 1) for p in PUNCTUATION[3:])]
        self.add_widget(self._row(bottom))
        self._keys[SPACE].font_role = "body"
        self._on_mode(self, self.mode)

    def _fit_page(self, *_args) -> None:
        self._page_starts = [0]
        self.page = 0
        self._show_page()

    # -- state -----------------------------------------------------------------------------------

    def _cell_width(self, text: str) -> float:
        # Hanzi are one em wide; the font size is the theme's title size in pixels (as in KButton's rule).
        return max(len(text), 2) * self._title() + dp(40)

    def _lookup(self, *_args) -> None:
        self._page_starts = [0]
        self.page = 0
        if not self.composing:
            self.candidates = []
            return
        self.candidates = [c for c in self.ime.lookup(self.composing) if len(c.text) <= MAX_CANDIDATE_CHARS]

    def _show_page(self, *_args) -> None:
        # Variable-width cells, as many as fit between ‹ and ›; a page starts where the one before ended.
        row = self.ids.candidate_row
        row.clear_widgets()
        self._page_end = 0
        if not self.candidates:
            return
        page = min(int(self.page), len(self._page_starts) - 1)
        start = self._page_starts[page]
        arrow_w = dp(48) + self._title()
        room = self.width - 2 * dp(10) - 2 * (arrow_w + dp(8))
        shown: list[CandidateKey] = []
        used = 0.0
        for cand in self.candidates[start:]:
            w = self._cell_width(cand.text)
            if shown and used + w > room:
                break
            btn = CandidateKey(text=cand.text, candidate=cand, size_hint_x=None, width=w)
            btn.bind(on_release=lambda b: self.choose(b.candidate))
            shown.append(btn)
            used += w + dp(8)
        self._page_end = start + len(shown)
        prev = PinyinKey(key=PREV, text=PREV, size_hint_x=None, width=arrow_w, kind="secondary",
                         disabled=page == 0)
        nxt = PinyinKey(key=NEXT, text=NEXT, size_hint_x=None, width=arrow_w, kind="secondary",
                        disabled=self._page_end >= len(self.candidates))
        for arrow in (prev, nxt):
            arrow.bind(on_release=lambda b: self.press(b.key))
        row.add_widget(prev)
        for btn in shown:
            row.add_widget(btn)
        row.add_widget(Widget())
        row.add_widget(nxt)

    def _title(self) -> float:
        from kivy.app import App

        app = App.get_running_app()
        return app.sz.title if app is not None and hasattr(app, "sz") else 30

    def _on_mode(self, _instance, mode: str) -> None:
        # The mode in use in white, the other one dimmed.
        self._keys[SWITCH].markup = True
        self._keys[SWITCH].text = "中 / [color=9DB8D9]英[/color]" if mode == "zh" else "[color=9DB8D9]中[/color] / 英"
        self._keys[SPACE].text = SPACE
        if mode == "en" and self.composing:
            self._insert(self.composing)       # the letters typed so far stay, as letters
            self.composing = ""

    # -- actions ---------------------------------------------------------------------------------

    def _insert(self, text: str) -> None:
        if self.target is None:
            log.warning("pinyin keyboard has no target; %d characters dropped", len(text))
            return
        self.target.insert_text(text)

    def choose(self, cand: Candidate) -> None:
        """Type `cand` and keep composing whatever pinyin it did not stand for (zhang|san -> 张, san)."""
        self._insert(cand.text)
        self.composing = self.composing[cand.consumed:]

    def _commit_first(self) -> None:
        # Space, a digit or punctuation while composing takes the best candidate, as phone IMEs do.
        if self.composing:
            if self.candidates:
                self.choose(self.candidates[0])
            else:
                self._insert(self.composing)
                self.composing = ""

    def press(self, key: str) -> None:
        """What a tap on `key` does; the keys call this, and so can code."""
        if key == BACKSPACE:
            if self.composing:
                self.composing = self.composing[:-1]
            elif self.target is not None:
                self.target.do_backspace()
        elif key == SWITCH:
            self.mode = "en" if self.mode == "zh" else "zh"
        elif key == PREV:
            self.page = max(0, self.page - 1)
        elif key == NEXT:
            if self._page_end < len(self.candidates):
                del self._page_starts[int(self.page) + 1:]
                self._page_starts.append(self._page_end)
                self.page += 1
        elif key == SPACE:
            if self.composing:
                self._commit_first()
            else:
                self._insert(" ")
        elif len(key) == 1 and key.isascii() and key.isalpha():
            if self.mode == "en":
                self._insert(key)
            elif len(self.composing) < MAX_COMPOSING:
                self.composing += key
        else:                                   # digits and punctuation
            self._commit_first()
            self._insert(key)

    # -- for tests and screens -------------------------------------------------------------------

    def key_widget(self, key: str) -> PinyinKey | None:
        """The button of `key` (a letter, a digit, punctuation, BACKSPACE, SPACE, SWITCH, PREV or NEXT)."""
        if key in (PREV, NEXT):
            for w in self.ids.candidate_row.children:
                if getattr(w, "key", None) == key:
                    return w
            return None
        return self._keys.get(key)

    def candidate_widget(self, text: str) -> CandidateKey | None:
        """The candidate button showing `text` on the current page, or None."""
        for w in self.ids.candidate_row.children:
            if isinstance(w, CandidateKey) and w.text == text:
                return w
        return None

    def visible_candidates(self) -> list[str]:
        return [w.text for w in reversed(self.ids.candidate_row.children) if isinstance(w, CandidateKey)]


__all__ = ["BACKSPACE", "NEXT", "PREV", "SPACE", "SWITCH", "CandidateKey", "PinyinKeyboard", "PinyinKey"]
