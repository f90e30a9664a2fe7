"""The frame around every screen: header (center name, date and time, 中文/English, 长辈模式), status
banners, the screen manager, and the footer (首页, 返回, 呼叫帮办)."""

from __future__ import annotations

from pathlib import Path

from kivy.clock import Clock
from kivy.lang import Builder
from kivy.properties import NumericProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label

import screens.widgets  # noqa: F401  (the kv below uses its classes)

Builder.load_file(str(Path(__file__).with_suffix(".kv")))


class Emblem(Label):
    """The center's emblem in the header. Held for `hold_seconds` it asks for the staff PIN."""

    hold_seconds = NumericProperty(3.0)
    __events__ = ("on_hold",)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._hold_ev = None

    def on_touch_down(self, touch):
        if self.collide_point(*touch.pos):
            touch.grab(self)
            self._hold_ev = Clock.schedule_once(self._held, self.hold_seconds)
            return True
        return super().on_touch_down(touch)

    def on_touch_up(self, touch):
        if touch.grab_current is self:
            touch.ungrab(self)
            if self._hold_ev is not None:
                self._hold_ev.cancel()
                self._hold_ev = None
            return True
        return super().on_touch_up(touch)

    def _held(self, _dt):
        self._hold_ev = None
        self.dispatch("on_hold")

    def on_hold(self):
        pass


class KioskRoot(BoxLayout):
    pass
