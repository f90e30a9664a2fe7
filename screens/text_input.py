"""The kiosk's free-text field (helper mode), in a module of its own so that Kivy's TextInput is imported
when a form first needs one, not before the home screen's first frame (screens.widgets registers the
name with Kivy's Factory for the kv rules that use it)."""

from __future__ import annotations

from kivy.properties import NumericProperty
from kivy.uix.textinput import TextInput

from screens.widgets import RulesOnDemand


class KTextInput(RulesOnDemand, TextInput):
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
