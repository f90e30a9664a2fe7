"""企业信息查询: the screen of kiosk.flows.enterprise.EnterpriseFlow (the USCC keypad with its live
check, or a search by name written with the 手写 / 拼音 entry and its short list of matches; the
registration card, printing it)."""

from __future__ import annotations

from pathlib import Path

from kivy.lang import Builder
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.flows.enterprise import NAME_MAX, EnterpriseFlow, Stage, grouped
from screens import handwriting_pad  # noqa: F401 - registers PadScrollView for enterprise.kv
from screens.base import BaseScreen
from screens.tr import tr
from screens.widgets import KButton, RowPool


class EntRow(BoxLayout):
    """One "label: value" line of the enterprise card."""

    key = StringProperty("")
    value = StringProperty("")


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
#: Rows of the registration card (EnterpriseFlow.rows); more or fewer are built when needed.
CARD_ROWS = 9


class EnterpriseScreen(BaseScreen):
    code = StringProperty("")
    display = StringProperty(grouped(""))
    valid = BooleanProperty(False)
    stage = StringProperty(Stage.INPUT.value)
    busy = BooleanProperty(False)
    message = StringProperty("")             # live hint or error under the code (translated)
    message_level = StringProperty("info")   # info | error
    enterprise = ObjectProperty(None, allownone=True)
    name_max = NumericProperty(NAME_MAX)

    def on_kv_post(self, base_widget):
        self.flow = EnterpriseFlow(self.app.flow_deps())
        self.flow.subscribe(self._show)
        self.app.bind(lang=self._relang)
        self.match_buttons: dict[str, KButton] = {}     # by USCC, for the current matches (tests tap them)
        self._shown_matches: list = []
        self.entry = None                               # the 手写 / 拼音 text entry, made when first shown
        self._rows: RowPool | None = None               # the card's rows, reused from one answer to the next

    def on_stage(self, _instance, stage: str) -> None:
        self.ids.stages.current = stage

    # ------------------------------------------------------------ flow → widgets

    def _show(self) -> None:
        f = self.flow
        if self.ids.keypad.value != f.code:
            self.ids.keypad.value = f.code       # a new search cleared it
        self.code, self.display, self.valid, self.busy = f.code, f.display(), f.valid, f.busy
        self.message, self.message_level = tr._(f.message), f.level
        if f.busy and f.enterprise is None:
            self._pool().grow_soon(CARD_ROWS)        # the first card's rows, built while the query runs
        if self.enterprise is not f.enterprise:
            self.enterprise = f.enterprise
            self._refresh_card()
        if f.matches != self._shown_matches:
            self._refresh_matches()
        if f.stage == Stage.NAME:
            self._place_entry()
        self.stage = f.stage.value

    def _relang(self, *_args) -> None:
        self._refresh_card()
        self._refresh_matches()
        self.message = tr._(self.flow.message)

    def _refresh_matches(self) -> None:
        box = self.ids.matches
        box.clear_widgets()
        self.match_buttons = {}
        self._shown_matches = list(self.flow.matches)
        for m in self._shown_matches:
            # Name, type and status: what a citizen knows their enterprise by (no person's name).
            b = KButton(kind="tile", font_role="title", text=f"{m.name}\n{m.type} · {m.status}")
            b.bind(on_release=lambda _b, uscc=m.uscc: self.flow.choose(uscc))
            self.match_buttons[m.uscc] = b
            box.add_widget(b)

    def _place_entry(self) -> None:
        from screens.text_entry import TextEntry

        if self.entry is None:
            self.entry = TextEntry(target=self.ids.name_box)
        if self.entry.parent is None:
            body = self.ids.name_body
            # Under the matches: what to tap next is above the pad, next to the field it came from.
            body.add_widget(self.entry, index=body.children.index(self.ids.matches))

    def _refresh_card(self, *_args) -> None:
        box = self.ids.get("rows")
        if box is None:
            return
        rows = self.flow.rows()
        for row, (key, value) in zip(self._pool().show(len(rows)), rows, strict=True):
            row.key, row.value = tr._(key), value

    def _pool(self) -> RowPool:
        if self._rows is None:
            self._rows = RowPool(self.ids.rows, EntRow, lambda r: setattr(r, "value", ""))
        return self._rows

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

    def by_name(self) -> None:
        self.flow.by_name()

    def search_name(self) -> None:
        self.flow.search_name(self.ids.name_box.text)

    def on_back(self) -> bool:
        return self.flow.back()

    def wipe(self) -> None:
        self.ids.name_box.text = ""
        if self.entry is not None:
            self.entry.wipe()
        self.flow.reset()
