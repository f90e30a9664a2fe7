"""政策与补贴: the screen of kiosk.flows.policies.PoliciesFlow. It shows the flow's state and lays out;
what a policy says, its links (guide, 取号) and its printout are the flow's.

InfoListScreen is the list → detail → QR → print layout the job posts (jobs.py) share.
"""

from __future__ import annotations

from pathlib import Path

from kivy.clock import Clock
from kivy.factory import Factory
from kivy.lang import Builder
from kivy.properties import StringProperty

from kiosk.flows.policies import DISCLAIMER, InfoFlow, PoliciesFlow
from screens.base import BaseScreen
from screens.guide import (
    draw_error,
    draw_loading,
    drop_what_the_next_visit_replaces,
    heading,
    list_button,
    qr_row,
    stale_banner,
)
from screens.tr import tr
from screens.widgets import KButton, KLabel, plain

Builder.load_file(str(Path(__file__).with_suffix(".kv")))


class InfoListScreen(BaseScreen):
    """A list from the reference cache → one entry's detail with a QR, links and a print button."""

    state = StringProperty("loading")   # the flow's stage: loading | error | list | detail
    list_title = "请选择要查看的内容"
    flow_class: type[InfoFlow] = InfoFlow

    def row_text(self, entry) -> str:
        raise NotImplementedError

    def on_kv_post(self, base_widget):
        self.flow = self.flow_class(self.app.flow_deps())
        self._drawn: tuple = ()
        self.flow.subscribe(self._show)
        # After a language switch tr changes only after app.lang: draw on the next frame.
        self._redraw = Clock.create_trigger(self._render)
        self.app.bind(lang=self._redraw, elder=self._render, orientation=self._render,
                      printer_ok=self._render)

    def _show(self) -> None:
        self.state = self.flow.stage.value
        self._render()

    def on_activate(self, **params):
        self.flow.start()

    def wipe(self) -> None:
        self.flow.reset()
        drop_what_the_next_visit_replaces(self)

    def open(self, entry) -> None:
        self.flow.open(entry)

    def on_back(self) -> bool:
        return self.flow.back()

    def up(self) -> None:
        self.flow.up()

    def print_entry(self) -> None:
        self.flow.print_entry()

    # -- drawing -----------------------------------------------------------------------------------
    def _render_key(self) -> tuple:
        """Everything the drawing depends on: equal keys draw the same widgets."""
        f, app = self.flow, self.app
        return (self.state, f.stale, f.fetched_at if f.stale else 0.0, f.error, f.shown(), f.entry,
                tr.lang, app.elder, app.orientation, app.printer_ok)

    def _render(self, *_args) -> None:
        app = self.app
        if app is None or app.current_screen != self.name:     # None: a redraw after the app stopped
            return
        # A visit (or an answer) that changes nothing keeps the widgets on screen: rebuilding a list of
        # tiles cost 20-80 ms of the UI thread on every visit.
        key = self._render_key()
        if key == self._drawn:
            self.ids.scroll.scroll_y = 1
            return
        self._drawn = key
        rows, actions, notes = self.ids.rows, self.ids.actions, self.ids.notes
        rows.clear_widgets()
        actions.clear_widgets()
        notes.clear_widgets()
        if self.flow.stale and self.state != "error":
            notes.add_widget(stale_banner(self.flow.fetched_at))
        getattr(self, f"_draw_{self.state}")(rows, actions)
        self.ids.scroll.scroll_y = 1

    def _draw_loading(self, rows, _actions) -> None:
        draw_loading(rows)

    def _draw_error(self, rows, actions) -> None:
        draw_error(rows, actions, self.app.error_text(self.flow.error), self.flow.start, self.app.call_helper)

    def _draw_above_list(self, rows) -> None:
        """What comes between the title and the entries (the jobs' filters)."""

    def _empty_words(self) -> str:
        return tr._("暂无信息")

    def _draw_list(self, rows, _actions) -> None:
        rows.add_widget(heading(tr._(self.list_title)))
        self._draw_above_list(rows)
        shown = self.flow.shown()
        if not shown:
            rows.add_widget(KLabel(text=self._empty_words(), role="title"))
        for entry in shown:
            rows.add_widget(list_button(self.row_text(entry), lambda e=entry: self.open(e)))

    def _draw_detail(self, rows, actions) -> None:
        entry = self.flow.entry
        rows.add_widget(heading(entry.title))
        for title, lines in self.flow.sections(entry):
            card = Factory.Card()
            card.add_widget(KLabel(text=tr._(title), bold=True))
            for line in lines:
                card.add_widget(KLabel(text=tr._(line)))
            rows.add_widget(card)
        data, caption = self.flow.qr(entry)
        if data:
            rows.add_widget(qr_row(data, tr._(caption)))
        rows.add_widget(KLabel(text=tr._(DISCLAIMER), role="small"))
        back = KButton(kind="secondary", text=tr._("返回列表"))
        back.bind(on_release=lambda _b: self.up())
        actions.add_widget(back)
        label = tr._("打印")
        if not self.app.printer_ok:
            label += "\n" + tr._("打印机暂不可用")
        pr = KButton(text=label, disabled=not self.app.printer_ok)
        pr.bind(on_release=lambda _b: self.print_entry())
        actions.add_widget(pr)
        self._draw_links(actions, entry)

    def _draw_links(self, actions, entry) -> None:
        """Buttons that act on the entry (a policy's guide and 取号)."""


class PoliciesScreen(InfoListScreen):
    list_title = "请选择要查看的政策"
    flow_class = PoliciesFlow

    def _empty_words(self) -> str:
        return tr._("暂无政策信息")

    def row_text(self, p) -> str:
        small = int(self.app.sz.small)
        # How much, when the policy says: the first thing people compare in a list of subsidies.
        line2 = f"{plain(p.department)}  {plain(p.amount) if p.amount else p.published.isoformat()}"
        return f"{plain(p.title)}\n[size={small}]{line2}[/size]"

    def _draw_links(self, actions, entry) -> None:
        # In the action row, not under the text: a citizen who has read enough acts without scrolling.
        from screens import SCREENS

        for label, screen, params in self.flow.links(entry):
            if screen not in SCREENS:
                continue
            btn = KButton(kind="primary" if screen == "ticket" else "secondary", text=tr._(label))
            btn.bind(on_release=lambda _b, s=screen, p=params: self.app.go(s, **p))
            btn.link = (screen, params)
            actions.add_widget(btn)
