"""办件查询: the screen of kiosk.flows.cases.CasesFlow. It shows the flow's state, turns taps and card
events into flow calls, and lays out; the rules (the ways in, who may type an ID number, what is
valid, which step is next, what a card removal wipes, the slip) are the flow's.
"""

from __future__ import annotations

import math
from pathlib import Path

from kivy.clock import Clock
from kivy.lang import Builder
from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from kiosk.flows.cases import CasesFlow, Stage, grouped_id
from kiosk.i18n import Msg
from screens.base import BaseScreen
from screens.tr import tr
from screens.widgets import ButtonSet, KButton, KLabel, QRCode, RowPool, plain


class CaseRow(BoxLayout):
    """One "label: value" line of a case."""

    key = StringProperty("")
    value = StringProperty("")


class CardOutline(Widget):
    """An ID card drawn as an outline that pulses, to show where the card goes."""

    pulse = NumericProperty(1.0)
    grow = NumericProperty(1.0)         # its size over the landscape one (elder mode, upright)


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
#: Tiles built while the first query runs (most people have a few cases; more are built when needed).
FIRST_TILES = 4


def _text(value: Msg | str) -> str:
    return tr._(value) if isinstance(value, Msg) else value       # data (numbers, names) as it is


class CasesScreen(BaseScreen):
    stage = StringProperty(Stage.START.value)
    busy = BooleanProperty(False)
    message = StringProperty("")         # translated status / error line
    message_level = StringProperty("info")
    note = StringProperty("")            # translated note on the start stage (card removed, read error)
    greeting = StringProperty("")
    id_display = StringProperty("")
    case_no_display = StringProperty("")
    case_no_ok = BooleanProperty(False)
    last4_display = StringProperty("")
    demo = BooleanProperty(False)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.flow = CasesFlow(self.app.flow_deps())
        self._shown: tuple = (None, None, None)
        self._anim = None                # the pulse of the card outline (a Clock event)
        self._pulse_t = 0.0
        self._reader_ev = None           # asks the flow now and then whether a card failed to read
        self._pool: dict[str, RowPool] | None = None
        self._qr, self._qr_caption = QRCode(), KLabel()
        self._start_buttons = ButtonSet()
        self.flow.subscribe(self._show)
        self.app.bind(lang=self._show_words, reader_ok=self._update_start_buttons,
                      staff_mode=self._update_start_buttons)
        self._back_button = self.ids.back_to_list.__self__   # ids are weak: it may leave its row
        self._licence_button = self.ids.licence_button.__self__
        if self.app.services is not None:
            # The card may leave the reader while another screen (好差评, the print dialog…) is on
            # show: the app only tells the current screen, so listen for it here as well.
            self.app.services.subscribe(self._on_service_event)
        self._update_start_buttons()

    def _on_service_event(self, event: str, _payload) -> None:
        if event == "card_removed" and self.app is not None:
            self.flow.card_removed()

    @property
    def case(self):
        return self.flow.case

    # ------------------------------------------------------------ flow → widgets

    def _show(self) -> None:
        f = self.flow
        self.busy = f.busy
        self.message_level = f.message_level
        self.id_display = grouped_id(f.id_typed)
        self.case_no_display = f.case_no_typed
        self.case_no_ok = f.case_no_ok()
        self.last4_display = f.last4_display()
        # The flow may clear what was typed (a wrong phone number, a wipe): the keypads follow it.
        for pad, value in (("id_keypad", f.id_typed), ("case_keypad", f.case_no_typed),
                           ("last4_keypad", f.last4_typed)):
            if pad in self.ids and self.ids[pad].value != value:
                self.ids[pad].value = value
        self.stage = f.stage.value
        if f.busy and not f.cases and self.ids.get("case_list") is not None:
            # A query runs for the first time: the tiles of a short list are built meanwhile.
            self._pools()["list"].grow_soon(FIRST_TILES)
        self._show_words()

    def _show_words(self, *_args) -> None:
        f = self.flow
        self.message = tr._(f.message)
        self.note = tr._(f.note)
        self.greeting = tr._(f.greeting())
        # Held, not their ids: a list that is gone could leave its id to the next one.
        shown = (f.cases, f.case, f.from_list)
        if _args or any(a is not b for a, b in zip(shown, self._shown, strict=True)):
            self._shown = shown
            self._build_list()
            self._build_detail()
        if _args:
            self._update_start_buttons()

    def on_stage(self, _instance, stage: str) -> None:
        self.ids.stages.current = stage
        if stage == Stage.START:
            self._start_waiting()
        else:
            self._stop_waiting()

    def _update_start_buttons(self, *_args) -> None:
        box = self.ids.get("start_buttons")
        if box is None:
            return
        svc = self.app.services
        self.demo = bool(svc is not None and getattr(svc.demo, "reader_sim", None) is not None)
        wanted = []
        if self.demo and self.flow.reader_ok():
            wanted.append(("demo_button", "secondary", tr._("演示：放置身份证"), self.app.demo_toggle_card))
        if self.flow.offers_typed_id():
            wanted.append(("manual_button", "primary", tr._("手动输入身份证号码"), self.open_manual_id))
        self.ids.update(self._start_buttons.show(box, wanted))
        self.ids.reader_state.text = tr._(self.flow.reader_words())

    def _pools(self) -> dict[str, RowPool]:
        """The list's tiles and the detail's lines, reused from one answer to the next (personal data:
        a line that leaves its box is emptied)."""
        if self._pool is None:
            def tile() -> KButton:
                btn = KButton(kind="tile", markup=True)
                btn.case = None
                btn.bind(on_release=lambda b: self.open_case(b.case, from_list=True))
                return btn

            def clear_tile(btn) -> None:
                btn.text, btn.case = "", None

            def clear_row(row) -> None:
                row.key = row.value = ""

            def clear_label(label) -> None:
                label.text = ""

            ids = self.ids
            self._pool = {"list": RowPool(ids.case_list, tile, clear_tile),
                          "rows": RowPool(ids.case_rows, CaseRow, clear_row),
                          "steps": RowPool(ids.timeline, lambda: KLabel(markup=True), clear_label),
                          "next": RowPool(ids.next_step, KLabel, clear_label)}
        return self._pool

    def _build_list(self) -> None:
        if self.ids.get("case_list") is None:
            return
        cases = self.flow.cases
        for btn, c in zip(self._pools()["list"].show(len(cases)), cases, strict=True):
            number, status, date = (tr._(m) for m in self.flow.summary(c))
            btn.text = f"[b]{plain(c.service_name)}[/b]\n{plain(number)}\n{status}    {date}"
            btn.case = c

    def _build_detail(self) -> None:
        f = self.flow
        if self.ids.get("case_rows") is None:
            return
        pools = self._pools()
        # No list on the case-number path: the button leaves the row (a squeezed button would wrap
        # its text into a tall column and push the case off the screen).
        row, back = self.ids.detail_buttons, self._back_button
        if f.from_list and back.parent is None:
            row.add_widget(back, index=len(row.children))
        elif not f.from_list and back.parent is not None:
            row.remove_widget(back)
        # 证照打印 is offered for a finished case collected at the window (the flow says which).
        lic, offer = self._licence_button, f.offers_licences()
        if offer and lic.parent is None:
            row.add_widget(lic, index=len(row.children) - (1 if back.parent is not None else 0))
        elif not offer and lic.parent is not None:
            row.remove_widget(lic)
        self.ids.case_title.text = f.case.service_name if f.case is not None else ""
        step = f.next_step()
        lines = [] if step is None else [step.title, *step.lines]
        for i, (label, line) in enumerate(zip(pools["next"].show(len(lines)), lines, strict=True)):
            label.role, label.bold, label.text = ("title", True, tr._(line)) if i == 0 else ("body", False, tr._(line))
        values = f.rows()
        for case_row, (key, value) in zip(pools["rows"].show(len(values)), values, strict=True):
            case_row.key, case_row.value = tr._(key), _text(value)
        steps = f.timeline()
        for label, s in zip(pools["steps"].show(len(steps)), steps, strict=True):
            head = plain(f"{s.when}  {tr._(s.status)}")
            label.text = ((f"[b]{head}[/b]" if s.latest else head) + f"\n{plain(s.department)}"
                          + (f"\n{plain(s.note)}" if s.note else ""))
        url, qr_box = f.case_url(), self.ids.qr_box
        if url and not qr_box.children:
            qr_box.add_widget(self._qr)
            qr_box.add_widget(self._qr_caption)
        elif not url and qr_box.children:
            qr_box.clear_widgets()
        self._qr.data = url or ""
        self._qr_caption.text = tr._("手机扫码，随时查看办件进度") if url else ""

    # ------------------------------------------------------------ waiting for a card

    def _start_waiting(self) -> None:
        if self._anim is None:
            # A plain Clock event: one handle to cancel when the stage is left, and it stops itself
            # when the app is gone (tests build many apps in one process).
            self._pulse_t = 0.0
            self._anim = Clock.schedule_interval(self._pulse, 1 / 20)
        if self._reader_ev is None:
            self._reader_ev = Clock.schedule_interval(self._check_reader, 0.5)

    def _stop_waiting(self) -> None:
        if self._anim is not None:
            self._anim.cancel()
            self._anim = None
            self.ids.outline.pulse = 1.0
        if self._reader_ev is not None:
            self._reader_ev.cancel()
            self._reader_ev = None

    def _pulse(self, dt: float):
        if self.app is None:
            self._anim = None
            return False
        self._pulse_t += dt
        self.ids.outline.pulse = 0.675 + 0.325 * math.cos(self._pulse_t * math.pi / 0.9)
        return None

    def _check_reader(self, _dt):
        if self.app is None:             # the app stopped (tests build many): stop polling
            self._reader_ev = None
            return False
        self.flow.check_reader()
        return None

    # ------------------------------------------------------------ taps and card events → flow

    def on_activate(self, **_params) -> None:
        self.flow.start()
        if self.stage == Stage.START:
            self._start_waiting()

    def on_deactivate(self) -> None:
        self._stop_waiting()

    def on_back(self) -> bool:
        return self.flow.back()

    def on_card_inserted(self, card) -> None:
        self.flow.card_inserted(card)

    def on_card_removed(self) -> None:
        self.flow.card_removed()

    def open_manual_id(self) -> None:
        self.flow.open_manual_id()

    def typed_id(self, value: str) -> None:
        self.flow.type_id(value)

    def open_case_no(self) -> None:
        self.flow.open_case_no()

    def typed_case_no(self, value: str) -> None:
        self.flow.type_case_no(value)

    def case_no_next(self) -> None:
        self.flow.case_no_next()

    def typed_last4(self, value: str) -> None:
        self.flow.type_last4(value)

    def retry(self) -> None:
        self.flow.retry()

    def open_case(self, case, from_list: bool) -> None:
        self.flow.open_case(case, from_list)

    def back_to_list(self) -> None:
        self.flow.back_to_list()

    def print_slip(self) -> None:
        self.flow.print_slip()

    def print_licence(self) -> None:
        """To 证照打印 with the case's number: its licence is marked in the list there."""
        if self.flow.case is not None:
            self.app.go("licences", case_no=self.flow.case.case_no)

    def finish(self) -> None:
        self.flow.finish()

    def wipe(self) -> None:
        self.flow.reset()
