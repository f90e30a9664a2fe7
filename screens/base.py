"""The base screen every citizen screen builds on: a title, a content area that the screen's kv fills,
screen events instead of polling, and what it needs (api, printer, reader) so the shell can say why a
function is not available.
"""

from __future__ import annotations

import re
from pathlib import Path

from kivy.app import App
from kivy.lang import Builder
from kivy.properties import BooleanProperty, ListProperty, StringProperty
from kivy.uix.screenmanager import Screen

import screens.widgets  # noqa: F401  (the kv below uses its classes)

Builder.load_file(str(Path(__file__).with_suffix(".kv")))
_MARKUP = re.compile(r"\[/?[a-z_]+(=[^\]]*)?\]")


class BaseScreen(Screen):
    title = StringProperty("")        # a Chinese msgid; the kv translates it
    kind = StringProperty("menu")     # "menu" | "form": which idle timeout applies
    needs = ListProperty([])          # of "api", "printer", "reader"
    compact = BooleanProperty(False)  # the title row gives way (an on-screen keyboard needs the room)
    __events__ = ("on_activate", "on_deactivate")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        app = App.get_running_app()
        if app is not None and hasattr(app, "api_ok"):
            app.fbind("api_ok", self._api_ok_changed)

    def _api_ok_changed(self, app, ok: bool) -> None:
        # The screen on show reloads what the network could not give it (its flow decides whether).
        flow = getattr(self, "flow", None)
        if ok and app.current_screen == self.name and hasattr(flow, "network_ready"):
            flow.network_ready()

    def add_widget(self, widget, *args, **kwargs):
        # Children declared in a screen's own kv land in the content area of the base layout.
        content = self.ids.get("content") if hasattr(self, "ids") else None
        if content is not None:
            return content.add_widget(widget, *args, **kwargs)
        return super().add_widget(widget, *args, **kwargs)

    @property
    def app(self):
        return App.get_running_app()

    def activate(self, **params) -> None:
        """Called by the app on every visit, with the parameters of the navigation."""
        self.dispatch("on_activate", **params)
        # The print dialog is built once, at a quiet moment after the first screen (home, at start-up)
        # is shown, not in the frame that shows a citizen's answer and queues their receipt.
        from screens.dialogs.print_dialog import PrintDialog

        PrintDialog.prepare_soon(self.app)

    def on_activate(self, **params) -> None:
        pass

    def on_deactivate(self) -> None:
        pass

    def speech_text(self) -> str:
        """What 朗读 reads: the screen's title and its main instruction (the first words shown in its
        content). The voice's guard refuses anything personal in it."""
        from kivy.uix.button import Button
        from kivy.uix.label import Label

        from screens.tr import tr

        parts = [tr._(self.title)] if self.title else []
        for w in self.ids.content.walk(restrict=True):
            if (isinstance(w, Label) and not isinstance(w, Button) and w.opacity > 0 and w.text.strip()
                    and w.get_root_window() is not None):
                parts.append(_MARKUP.sub("", w.text).strip())
                break
        return "。".join(p.rstrip("。：:") for p in parts if p)

    def read_aloud(self) -> None:
        self.app.read_aloud(self.speech_text())

    def wipe(self) -> None:
        """Forget anything personal shown or typed here (session end). Screens with data override."""
