"""Text entry for citizens: 手写 (the handwriting pad) or 拼音 (the on-screen keyboard) for one field.

    entry = TextEntry(target=text_input)     # size_hint_y None, height follows what is shown

In a form's scroll view (a vertical BoxLayout of fixed heights inside a ScrollView) the entry tells
the pad the height the form leaves it, and in portrait the pad grows into it (measure_room).
    entry.target = other_input               # both follow the field the citizen touches next

Handwriting first: many at a 便民服务中心 cannot type pinyin. 手写 shows only once the pad's model is
known to be there (kiosk.flows.handwriting probes it off the UI thread; without Zinnia or its model
it stays hidden, a log line says why, and the 拼音 keyboard is the entry). The keyboard is
screens.pinyin_keyboard.PinyinKeyboard, made when first asked for. This module has no .kv of its
own name on purpose (screens/__init__.py would take it for a screen); its rules are below.
"""

from __future__ import annotations

import logging

from kivy.app import App
from kivy.clock import Clock
from kivy.lang import Builder
from kivy.properties import ObjectProperty, OptionProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.scrollview import ScrollView

from screens.handwriting_pad import HandwritingPadView
from screens.widgets import KButton

log = logging.getLogger(__name__)

HANDWRITING, PINYIN = "handwriting", "pinyin"

Builder.load_string("""
#:import tr screens.tr.tr
#:import rgba kiosk.theme.hex_rgba
#:import C kiosk.theme.COLORS

<TextEntry>:
    # Landscape: the switch is a column on the left, so the pad and the field above it fit the height.
    orientation: 'horizontal' if app.orientation == 'landscape' else 'vertical'
    size_hint_y: None
    height: self.minimum_height
    padding: dp(6)
    spacing: dp(6)
    canvas.before:
        Color:
            rgba: rgba(C['muted'], 0.12)
        Rectangle:
            pos: self.pos
            size: self.size
    BoxLayout:
        id: switch
        orientation: 'vertical' if app.orientation == 'landscape' else 'horizontal'
        size_hint: (None, None) if app.orientation == 'landscape' else (1, None)
        width: dp(260) if app.elder else dp(200)
        height: self.minimum_height if app.orientation == 'landscape' else max(hw_button.height, py_button.height)
        pos_hint: {'top': 1}
        spacing: dp(10)
        KButton:
            id: hw_button
            font_role: 'body' if app.orientation == 'landscape' else 'title'
            kind: 'primary' if root.mode == 'handwriting' else 'tile'
            text: ('✓ ' if root.mode == 'handwriting' else '') + tr._("手写")
            on_release: root.mode = 'handwriting'
        KButton:
            id: py_button
            font_role: 'body' if app.orientation == 'landscape' else 'title'
            kind: 'primary' if root.mode == 'pinyin' else 'tile'
            text: ('✓ ' if root.mode == 'pinyin' else '') + tr._("拼音")
            on_release: root.mode = 'pinyin'
""")


class TextEntry(BoxLayout):
    """The 手写 / 拼音 switch and the one of the two that is chosen, writing into `target`."""

    target = ObjectProperty(None, allownone=True)
    mode = OptionProperty(HANDWRITING, options=[HANDWRITING, PINYIN])

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.pad = HandwritingPadView(target=self.target)
        self.keyboard = None                     # the PinyinKeyboard, made when first chosen
        self._known: bool | None = None          # the pad's availability this layout was made for
        # A strong reference: ids are weak, and the switch is taken out of the tree when 手写 is missing.
        self.switch = self.ids.switch.__self__
        self.bind(target=self._retarget, mode=self._place)
        self._room_from: tuple = ()              # the scroll view and body the room is measured in
        self._body = None                        # the entry's parent, watched for its own parent
        self._measure = Clock.create_trigger(self.measure_room, -1)
        self.bind(parent=self._watch_room, height=self._measure_soon)
        self.pad.pad.subscribe(self._availability)
        self.pad.pad.probe()
        self._availability()

    @property
    def handwriting_available(self) -> bool:
        return self.pad.pad.available is True

    def _availability(self) -> None:
        """手写 only when the pad can work: the switch shows with it, the keyboard alone without it."""
        if self.pad.pad.available is self._known and self.children:
            return                               # every change of the pad comes here; most are strokes
        self._known = self.pad.pad.available
        ok = self.handwriting_available
        switch = self.switch
        if ok and switch.parent is None:
            self.add_widget(switch, index=len(self.children))
        elif not ok and switch.parent is not None:
            self.remove_widget(switch)
        self._place()

    # ------------------------------------------------------------ the pad's room

    def _measure_soon(self, *_args) -> None:
        self._measure()

    def _watch_room(self, *_args) -> None:
        """Follow the scroll view the entry is in (a screen's form): its height and what else is in it."""
        for w in self._room_from:
            w.funbind("height", self._measure_soon)
        if self._body is not None:
            self._body.funbind("parent", self._watch_room)
        body = self._body = self.parent
        scroll = body.parent if body is not None else None
        if body is not None:
            body.fbind("parent", self._watch_room)     # a form may be put in its scroll view after
        self._room_from = (scroll, body) if isinstance(scroll, ScrollView) else ()
        for w in self._room_from:
            w.fbind("height", self._measure_soon)
        self._measure()

    def measure_room(self, *_args) -> None:
        """The pad's room: what the form's scroll view shows less all else in the form and the switch,
        so the form fits without scrolling; 0 (the pad's compact arrangement) outside a scroll view."""
        room = 0.0
        if self._room_from:
            scroll, body = self._room_from
            others = [c for c in body.children if c is not self]
            taken = sum(c.height for c in others) + body.spacing * len(others) + body.padding[1] + body.padding[3]
            room = scroll.height - taken - self.padding[1] - self.padding[3]
            app = App.get_running_app()
            if getattr(app, "orientation", "landscape") == "portrait" and self.switch.parent is self:
                room -= self.switch.height + self.spacing
        self.pad.room = max(room, 0.0)

    def _retarget(self, *_args) -> None:
        self.pad.target = self.target
        if self.keyboard is not None:
            self.keyboard.target = self.target

    def _place(self, *_args) -> None:
        # While the probe is out the pad shows (it almost always is there); known missing: 拼音 only.
        shown = PINYIN if self.pad.pad.available is False else self.mode
        if shown == PINYIN and self.keyboard is None:
            from screens.pinyin_keyboard import PinyinKeyboard

            self.keyboard = PinyinKeyboard(target=self.target)
        want = self.pad if shown == HANDWRITING else self.keyboard
        other = self.keyboard if shown == HANDWRITING else self.pad
        if other is not None and other.parent is not None:
            other.parent.remove_widget(other)
        if want.parent is None:
            self.add_widget(want)
        if shown == PINYIN and self.pad.pad.strokes:
            self.pad.rewrite()                   # half a character left on a hidden pad helps nobody

    @property
    def shown(self) -> str:
        """What the citizen sees now: HANDWRITING or PINYIN."""
        return HANDWRITING if self.pad.parent is not None else PINYIN

    def switch_button(self, mode: str) -> KButton:
        return self.ids.hw_button if mode == HANDWRITING else self.ids.py_button

    def wipe(self) -> None:
        self.pad.wipe()
        if self.keyboard is not None:
            self.keyboard.composing = ""


__all__ = ["HANDWRITING", "PINYIN", "TextEntry"]
