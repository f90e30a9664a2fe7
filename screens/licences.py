"""证照打印: the screen of kiosk.flows.licences.LicencesFlow. It shows the flow's state (the list, the
page preview, the print on its way, the result), turns taps and card events into flow calls, and lays
out; who may list what, the policies, the printer's state and the record are the flow's.
"""

from __future__ import annotations

import io
from pathlib import Path

from kivy.core.image import Image as CoreImage
from kivy.lang import Builder
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.image import Image

from kiosk.flows.licences import LicencesFlow, Printer, Stage
from screens.base import BaseScreen
from screens.tr import tr
from screens.widgets import ButtonSet, KButton, plain

Builder.load_file(str(Path(__file__).with_suffix(".kv")))


class LicenceRow(BoxLayout):
    """One licence of the list: a large button with its facts, and why it cannot be printed here."""

    text = StringProperty("")
    blocked = StringProperty("")
    highlight = BooleanProperty(False)
    licence = ObjectProperty(None, allownone=True)


class PageImage(Image):
    """A page of the preview at the width it is given, its height from the page's proportions."""

    ratio = NumericProperty(297 / 210)


class LicencesScreen(BaseScreen):
    stage = StringProperty(Stage.START.value)
    busy = BooleanProperty(False)
    message = StringProperty("")
    message_level = StringProperty("info")
    note = StringProperty("")
    greeting = StringProperty("")
    printer_state = StringProperty(Printer.UNKNOWN.value)
    printer_words = StringProperty("")
    can_print = BooleanProperty(False)
    result_ok = StringProperty("")           # "" | "ok" | "failed"
    result_text = StringProperty("")
    may_reprint = BooleanProperty(False)
    licence_title = StringProperty("")
    licence_facts = StringProperty("")
    uscc_display = StringProperty("")
    helper = BooleanProperty(False)
    demo = BooleanProperty(False)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.flow = LicencesFlow(self.app.flow_deps())
        self._shown: tuple = (None, None)
        self._start_buttons = ButtonSet()
        self.flow.subscribe(self._show)
        self.app.bind(lang=self._show_words, staff_mode=self._update_start)
        if self.app.services is not None:
            # The card may leave while another screen is on show (好差评, a dialog): listen here too.
            self.app.services.subscribe(self._on_service_event)
        # Buttons that come and go (a hidden button would still take its room): held, ids are weak.
        self._reprint_button = self.ids.reprint_button.__self__
        self.ids.reprint_box.remove_widget(self._reprint_button)
        self._help_button = KButton(kind="secondary", text=tr._("呼叫帮办"), size_hint_x=0.3)
        self._help_button.bind(on_release=lambda *_: self.call_helper())
        self._update_start()

    def on_stage(self, _instance, stage: str) -> None:
        self.ids.stages.current = stage

    def on_may_reprint(self, _instance, value: bool) -> None:
        box, btn = self.ids.reprint_box, self._reprint_button
        if value and btn.parent is None:
            box.add_widget(btn)
        elif not value and btn.parent is not None:
            box.remove_widget(btn)

    def on_printer_state(self, _instance, state: str) -> None:
        """Printer not ready: 呼叫帮办 beside the words, before the citizen chooses."""
        line, btn = self.ids.printer_line, self._help_button
        if state == Printer.NOT_READY and btn.parent is None:
            line.add_widget(btn)
        elif state != Printer.NOT_READY and btn.parent is not None:
            line.remove_widget(btn)

    def _on_service_event(self, event: str, _payload) -> None:
        if event == "card_removed" and self.app is not None:
            self.flow.card_removed()

    # ------------------------------------------------------------ flow → widgets

    def _show(self) -> None:
        f = self.flow
        self.busy = f.busy
        self.message_level = f.message_level
        self.printer_state = f.printer.value
        self.can_print = f.can_print()
        self.result_ok = "" if f.result_ok is None else ("ok" if f.result_ok else "failed")
        self.may_reprint = f.may_reprint()
        self.uscc_display = f.uscc_display()
        pad = self.ids.get("uscc_keypad")
        if pad is not None and pad.value != f.uscc_typed:
            pad.value = f.uscc_typed
        self.stage = f.stage.value
        self._show_words()

    def _show_words(self, *_args) -> None:
        f = self.flow
        self.message = tr._(f.message)
        self.note = tr._(f.note)
        self.greeting = tr._(f.greeting())
        self.printer_words = tr._(f.printer_words)
        self.result_text = "\n".join(tr._(m) for m in f.result_words)
        lic = f.licence
        self.licence_title = lic.name if lic is not None else ""
        self.licence_facts = ""
        if lic is not None:
            row = next((r for r in f.rows() if r.licence.id == lic.id), None)
            self.licence_facts = "\n".join(tr._(m) for m in row.lines) if row is not None else ""
        if _args or f.preview is not self._shown[1]:
            self._shown = (self._shown[0], f.preview)
            self._build_preview()
        # The list is built again only when what it shows changed: a row rebuilt under a finger would
        # swallow the touch (a printer state arriving must not do that).
        rows = f.rows()
        key = (tr.lang, tuple((r.licence.id, r.licence.printed_count, r.blocked, r.highlight,
                               tuple(r.lines)) for r in rows))
        if _args or key != self._shown[0]:
            self._shown = (key, self._shown[1])
            self._build_list(rows)
        self._help_button.text = tr._("呼叫帮办")
        if _args:
            self._update_start()

    def _update_start(self, *_args) -> None:
        box = self.ids.get("start_buttons")
        if box is None:
            return
        svc = self.app.services
        self.demo = bool(svc is not None and getattr(svc.demo, "reader_sim", None) is not None)
        self.helper = self.flow.may_type_uscc()
        wanted = []
        if self.demo:
            wanted.append(("demo_button", "secondary", tr._("演示：放置身份证"), self.app.demo_toggle_card))
        if self.helper:
            wanted.append(("uscc_button", "primary", tr._("帮办：输入企业统一社会信用代码"), self.open_uscc))
        self.ids.update(self._start_buttons.show(box, wanted))

    def _build_list(self, rows: list) -> None:
        grid = self.ids.get("licence_list")
        if grid is None:
            return
        grid.clear_widgets()
        grid.parent.scroll_y = 1             # a new list starts at its top
        for row in rows:
            lic = row.licence
            facts = "\n".join(plain(tr._(m)) for m in row.lines)
            text = f"[b]{plain(lic.name)}[/b]  {plain(lic.holder)}\n{facts}"
            item = LicenceRow(text=text, blocked=tr._(row.blocked) if row.blocked else "",
                              highlight=row.highlight, licence=lic)
            item.ids.button.bind(on_release=lambda b, lic=lic: self.open_preview(lic))
            grid.add_widget(item)

    def _build_preview(self) -> None:
        box = self.ids.get("pages")
        if box is None:
            return
        box.clear_widgets()
        for png in self.flow.preview:
            # Decoded here, on the UI thread, from PNG bytes the worker made: a texture is GL work.
            img = CoreImage(io.BytesIO(png), ext="png")
            w, h = img.texture.size
            box.add_widget(PageImage(texture=img.texture, ratio=h / max(1, w)))

    # ------------------------------------------------------------ taps and card events → flow

    def on_activate(self, case_no: str = "", **_params) -> None:
        self._update_start()
        self.flow.start(case_no=case_no)

    def on_back(self) -> bool:
        return self.flow.back()

    def on_card_inserted(self, card) -> None:
        self.flow.card_inserted(card)

    def on_card_removed(self) -> None:
        self.flow.card_removed()

    def open_uscc(self) -> None:
        self.flow.open_uscc()

    def typed_uscc(self, value: str) -> None:
        self.flow.type_uscc(value)

    def retry(self) -> None:
        self.flow.retry()

    def open_preview(self, licence) -> None:
        self.flow.open_preview(licence)

    def print_licence(self) -> None:
        self.flow.print_licence()

    def reprint(self) -> None:
        self.flow.reprint()

    def back_to_list(self) -> None:
        self.flow.back_to_list()

    def finish(self) -> None:
        self.flow.finish()

    def call_helper(self) -> None:
        self.app.call_helper()

    def wipe(self) -> None:
        self.flow.reset()
        self._build_preview()

