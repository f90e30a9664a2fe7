"""企业信息查询: the screen of kiosk.flows.enterprise.EnterpriseFlow (the USCC keypad with its live
check, the registration card, printing it)."""

from __future__ import annotations

from pathlib import Path

from kivy.lang import Builder
from kivy.properties import BooleanProperty, ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.flows.enterprise import EnterpriseFlow, Stage, grouped
from screens.base import BaseScreen
from screens.tr import tr


class EntRow(BoxLayout):
    """One "label: value" line of the enterprise card."""

    key = StringProperty("")
    value = StringProperty("")


Builder.load_file(str(Path(__file__).with_suffix(".kv")))


class EnterpriseScreen(BaseScreen):
    code = StringProperty("")
    display = StringProperty(grouped(""))
    valid = BooleanProperty(False)
    stage = StringProperty(Stage.INPUT.value)
    busy = BooleanProperty(False)
    message = StringProperty("")             # live hint or error under the code (translated)
    message_level = StringProperty("info")   # info | error
    enterprise = ObjectProperty(None, allownone=True)

    def on_kv_post(self, base_widget):
        self.flow = EnterpriseFlow(self.app.flow_deps())
        self.flow.subscribe(self._show)
        self.app.bind(lang=self._relang)

    def on_stage(self, _instance, stage: str) -> None:
        self.ids.stages.current = stage

    # ------------------------------------------------------------ flow → widgets

    def _show(self) -> None:
        f = self.flow
        if self.ids.keypad.value != f.code:
            self.ids.keypad.value = f.code       # a new search cleared it
        self.code, self.display, self.valid, self.busy = f.code, f.display(), f.valid, f.busy
        self.message, self.message_level = tr._(f.message), f.level
        if self.enterprise is not f.enterprise:
            self.enterprise = f.enterprise
            self._refresh_card()
        self.stage = f.stage.value

    def _relang(self, *_args) -> None:
        self._refresh_card()
        self.message = tr._(self.flow.message)

    def _refresh_card(self, *_args) -> None:
        box = self.ids.get("rows")
        if box is None:
            return
        box.clear_widgets()
        for key, value in self.flow.rows():
            box.add_widget(EntRow(key=tr._(key), value=value))

    # ------------------------------------------------------------ taps → flow

    def typed(self, code: str) -> None:
        if code != self.flow.code:
            self.flow.typed(code)

    def search(self) -> None:
        self.flow.search()

    def print_card(self) -> None:
        self.flow.print_card()

    def new_search(self) -> None:
        self.flow.new_search()

    def on_back(self) -> bool:
        return self.flow.back()

    def wipe(self) -> None:
        self.flow.reset()
