"""呼叫帮办: the screen of kiosk.flows.help.HelpFlow, reachable from every screen through the footer.
It tells the flow which screen the citizen came from, shows the call's status and a calm pulse that
says the call is active; the request, the once-per-session rule and the words are the flow's."""

from __future__ import annotations

import logging
from pathlib import Path

from kivy.animation import Animation
from kivy.lang import Builder
from kivy.properties import NumericProperty, StringProperty

from kiosk.flows.help import HelpFlow, Status
from screens.base import BaseScreen
from screens.tr import tr

Builder.load_file(str(Path(__file__).with_suffix(".kv")))
log = logging.getLogger(__name__)


class HelpScreen(BaseScreen):
    status = StringProperty(Status.SENDING.value)     # a copy of the flow's, for the kv
    pulse = NumericProperty(0.0)        # 0..1, drives the calm animation in the kv
    from_screen = StringProperty("")

    def __init__(self, **kwargs):
        self._anim: Animation | None = None
        self._last_other = ""
        self.flow = HelpFlow(self.app.flow_deps())
        self.flow.subscribe(self._show)
        super().__init__(**kwargs)

    def on_kv_post(self, base_widget):
        # The screen before this one: tracked here because the app sets current_screen before activate.
        self._last_other = self.app.current_screen
        self.app.bind(current_screen=self._track)

    def _track(self, _app, name: str) -> None:
        if name != self.name:
            self._last_other = name

    def _show(self) -> None:
        self.status = self.flow.status.value

    @property
    def _key(self) -> str:
        return self.flow.key          # the fault tests follow the call's record by it

    def on_activate(self, **params) -> None:
        self.from_screen = self._last_other if self._last_other != self.name else ""
        self._start_pulse()
        self.flow.call(self.from_screen, online=self.app.api_ok)

    def on_deactivate(self) -> None:
        self._stop_pulse()

    def on_delivered(self, kind: str, key: str, response) -> None:
        self.flow.delivered(kind, key)

    def not_needed(self) -> None:
        self._stop_pulse()
        if self.app.can_go_back:
            self.app.back()
        else:
            self.app.home()

    def status_text(self, status: str) -> str:
        return tr._(self.flow.words(status))

    def _start_pulse(self) -> None:
        self._stop_pulse()
        self.pulse = 0.0
        anim = Animation(pulse=1.0, duration=1.6, t="in_out_sine") + Animation(pulse=0.0, duration=1.6,
                                                                                 t="in_out_sine")
        anim.repeat = True
        anim.start(self)
        self._anim = anim

    def _stop_pulse(self) -> None:
        if self._anim is not None:
            self._anim.cancel(self)
            self._anim = None

    def wipe(self) -> None:
        self._stop_pulse()
        self.flow.reset()
