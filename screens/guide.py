"""事项指南: the screen of kiosk.flows.guide.GuideFlow (the catalogue by category, pinyin search, an
item's details, the checklist and 取号办理). The flow holds the rules; this draws its state.

Also home of the drawing helpers the other reference screens (policies, jobs) share.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from kivy.clock import Clock
from kivy.factory import Factory
from kivy.lang import Builder
from kivy.metrics import dp
from kivy.properties import StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout

from kiosk.api.models import ServiceItem
from kiosk.flows.guide import GuideFlow, Stage, detail_sections
from kiosk.hours import TZ
from screens.base import BaseScreen
from screens.tr import tr
from screens.widgets import Banner, KButton, KLabel, QRCode, plain

Builder.load_file(str(Path(__file__).with_suffix(".kv")))
log = logging.getLogger(__name__)


def fetched_text(fetched_at: float) -> str:
    return datetime.fromtimestamp(fetched_at, TZ).strftime("%Y-%m-%d %H:%M")


def stale_banner(fetched_at: float) -> Banner:
    """The note every reference screen shows when its list came from the cache."""
    return Banner(level="warn", text=tr._("网络暂不可用，以下信息可能不是最新（更新于{time}）。")
                  .format(time=fetched_text(fetched_at)))


def list_button(text: str, on_release) -> KButton:
    btn = KButton(kind="tile", text=text, markup=True, halign="left")
    btn.bind(on_release=lambda _b: on_release())
    return btn


def heading(text: str) -> KLabel:
    return KLabel(text=text, role="title", bold=True)


def draw_loading(rows) -> None:
    rows.add_widget(KLabel(text=tr._("正在加载…"), role="title"))


def drop_what_the_next_visit_replaces(screen) -> None:
    """At the session end, after the flow's reset: a drawing the next visit would replace goes now (an
    item's detail, a list still loading: up to ~40 widgets, ~20,000 objects with their bindings). Kept,
    it was frozen with the rest of the kiosk by the collection between citizens and became garbage in
    the next citizen's session that only the next full collection frees. A drawing the next visit shows
    again as it is (the categories, a loaded list) stays: rebuilding it costs the UI thread 20-70 ms."""
    if screen._render_key() != screen._drawn:
        for box in (screen.ids.rows, screen.ids.actions, screen.ids.notes):
            box.clear_widgets()
        screen._drawn = ()


def draw_error(rows, actions, error_text: str, on_retry, on_help) -> None:
    """The API failed and nothing is cached: say so, and offer 重试 and 呼叫帮办."""
    rows.add_widget(KLabel(text=error_text, role="title"))
    rows.add_widget(KLabel(text=tr._("您可以稍后再试，或请工作人员帮您查询。")))
    retry = KButton(kind="secondary", text=tr._("重试"))
    retry.bind(on_release=lambda _b: on_retry())
    helper = KButton(text=tr._("呼叫帮办"))
    helper.bind(on_release=lambda _b: on_help())
    actions.add_widget(retry)
    actions.add_widget(helper)


class GuideScreen(BaseScreen):
    query = StringProperty("")          # the keypad's letters; the flow decides what they mean
    state = StringProperty(Stage.LOADING.value)

    def on_kv_post(self, base_widget):
        self.flow = GuideFlow(self.app.flow_deps())
        self._drawn: tuple = ()
        self._search_panel = self.ids.search.__self__   # ids are weak; the panel is detached in detail
        self._redraw = Clock.create_trigger(self._render)
        self.flow.subscribe(self._show)
        self.app.bind(lang=self._redraw, elder=self._render, orientation=self._render,
                      printer_ok=self._render, api_ok=self._render)

    # ---------------------------------------------------------------- flow → widgets

    def _show(self) -> None:
        f = self.flow
        if self.ids.keypad.value != f.query:
            self.ids.keypad.value = f.query          # the flow cleared the search (返回, session end)
        self.query = f.query
        self.state = f.stage.value
        self._render()

    def on_query(self, _instance, query: str) -> None:
        if query != self.flow.query:
            self.flow.set_query(query)

    # ---------------------------------------------------------------- taps → flow

    def on_activate(self, service_code: str = "", **_params):
        self.flow.start(service_code)

    def wipe(self) -> None:
        self.flow.reset()
        drop_what_the_next_visit_replaces(self)

    def on_back(self) -> bool:
        return self.flow.back()

    def up(self) -> None:
        self.flow.up()

    def open_category(self, category: str) -> None:
        self.flow.open_category(category)

    def open_item(self, item: ServiceItem) -> None:
        self.flow.open_item(item)

    def print_checklist(self) -> None:
        self.flow.print_checklist()

    def finish(self) -> None:
        self.flow.finish()

    def categories(self) -> list[tuple[str, int]]:
        return self.flow.categories()

    def display_name(self, item: ServiceItem) -> str:
        return item.name_en if self.app.lang == "en" and item.name_en else item.name

    # ---------------------------------------------------------------- drawing

    def _render_key(self) -> tuple:
        """Everything the drawing depends on: equal keys draw the same widgets."""
        f, app = self.flow, self.app
        return (f.stage, f.stale, f.fetched_at if f.stale else 0.0, f.error, list(f.items), f.category, f.query,
                f.item, f.can_finish, tr.lang, app.elder, app.orientation, app.printer_ok, app.api_ok)

    def _render(self, *_args) -> None:
        app = self.app
        if app is None or app.current_screen != self.name:     # None: a redraw after the app stopped
            return
        # A visit (or an answer) that changes nothing keeps the widgets on screen: rebuilding the tiles
        # cost 20-70 ms of the UI thread on every visit.
        key = self._render_key()
        if key == self._drawn:
            self.ids.scroll.scroll_y = 1
            return
        self._drawn = key
        rows, actions, notes = self.ids.rows, self.ids.actions, self.ids.notes
        rows.clear_widgets()
        actions.clear_widgets()
        notes.clear_widgets()
        body = self.ids.body
        stage = self.flow.stage
        wants_search = stage in (Stage.CATEGORIES, Stage.ITEMS, Stage.SEARCH)
        if wants_search and self._search_panel.parent is None:
            body.add_widget(self._search_panel)
        elif not wants_search and self._search_panel.parent is not None:
            body.remove_widget(self._search_panel)
        if self.flow.stale and stage != Stage.ERROR:
            notes.add_widget(stale_banner(self.flow.fetched_at))
        getattr(self, f"_draw_{stage.value}")(rows, actions)
        self.ids.scroll.scroll_y = 1

    def _draw_loading(self, rows, _actions) -> None:
        draw_loading(rows)

    def _draw_error(self, rows, actions) -> None:
        draw_error(rows, actions, self.app.error_text(self.flow.error), self.flow.retry, self.app.call_helper)

    def _draw_categories(self, rows, _actions) -> None:
        rows.add_widget(heading(tr._("请选择事项类别")))
        grid = GridLayout(cols=2, spacing=dp(12), size_hint_y=None)
        grid.bind(minimum_height=grid.setter("height"))
        small = int(self.app.sz.small)
        for category, count in self.flow.categories():
            label = f"[b]{plain(tr._(category))}[/b]\n[size={small}]{tr._('{n}项').format(n=count)}[/size]"
            grid.add_widget(list_button(label, lambda c=category: self.flow.open_category(c)))
        rows.add_widget(grid)

    def _item_rows(self, rows, items) -> None:
        small = int(self.app.sz.small)
        for item in items:
            sub = plain(tr._(item.category))
            text = f"{plain(self.display_name(item))}\n[size={small}]{sub}[/size]"
            rows.add_widget(list_button(text, lambda i=item: self.flow.open_item(i)))

    def _up_button(self, text: str) -> KButton:
        btn = KButton(kind="secondary", text=text)
        btn.bind(on_release=lambda _b: self.flow.up())
        return btn

    def _draw_items(self, rows, actions) -> None:
        rows.add_widget(heading(tr._(self.flow.category)))
        self._item_rows(rows, self.flow.category_items())
        actions.add_widget(self._up_button(tr._("返回事项类别")))

    def _draw_search(self, rows, actions) -> None:
        found = self.flow.found()
        if found:
            rows.add_widget(heading(tr._("找到{n}个事项").format(n=len(found))))
            self._item_rows(rows, found)
        else:
            rows.add_widget(heading(tr._("没有找到相关事项")))
            rows.add_widget(KLabel(text=tr._("请检查输入的拼音首字母，或按“清空”后按类别查找。")))
        actions.add_widget(self._up_button(tr._("返回事项类别")))

    def _draw_detail(self, rows, actions) -> None:
        item = self.flow.item
        rows.add_widget(heading(self.display_name(item)))
        if self.app.lang == "en" and item.name_en:
            rows.add_widget(KLabel(text=item.name, role="small"))
        card = Factory.Card()
        for title, lines in detail_sections(item):
            card.add_widget(KLabel(text=tr._(title), bold=True))
            for line in lines:
                card.add_widget(KLabel(text=tr._(line) if not isinstance(line, str) else line))
        rows.add_widget(card)
        if item.online_url:
            rows.add_widget(qr_row(item.online_url, tr._("手机扫码网上办理")))
        self._detail_actions(item, actions)

    def _detail_actions(self, item: ServiceItem, actions) -> None:
        actions.add_widget(self._up_button(tr._("返回列表")))
        text = tr._("打印材料清单（一次性告知单）")
        if not self.app.printer_ok:
            text += "\n" + tr._("打印机暂不可用")
        pr = KButton(text=text, disabled=not self.app.printer_ok)
        pr.bind(on_release=lambda _b: self.flow.print_checklist())
        actions.add_widget(pr)
        from screens import SCREENS

        if "ticket" in SCREENS:
            blocker = self.flow.ticket_blocker(self.app.api_ok, self.app.printer_ok)
            label = tr._("取号办理") + ("\n" + tr._(blocker) if blocker else "")
            ticket = KButton(kind="secondary", text=label, disabled=blocker is not None)
            ticket.bind(on_release=lambda _b: self.app.go("ticket", service_code=item.code))
            actions.add_widget(ticket)
        if self.flow.can_finish:
            done = KButton(text=tr._("完成"))
            done.bind(on_release=lambda _b: self.flow.finish())
            actions.add_widget(done)


def qr_row(data: str, caption: str) -> BoxLayout:
    """A QR code for a phone with its caption beside it."""
    qr = QRCode(data=data)
    row = BoxLayout(orientation="horizontal", size_hint_y=None, spacing=dp(20))
    label = KLabel(text=caption, role="title")
    row.add_widget(qr)
    row.add_widget(label)
    row.height = max(qr.height, label.height)
    qr.bind(height=lambda *_a: setattr(row, "height", max(qr.height, label.height)))
    label.bind(height=lambda *_a: setattr(row, "height", max(qr.height, label.height)))
    return row
