"""事项指南: the 62 service items by category, searchable by pinyin initials on an A-Z keypad, each with
its conditions, materials, time limits, fee, window and a QR to handle it online; the materials checklist
(一次性告知单) prints, and 取号办理 leads to the queue ticket of that item.

It works offline: the catalogue comes from the on-disk reference cache when the API is down (with a
"可能不是最新" note). Viewing an item is information, not a transaction: only a printed checklist ends in
finish_transaction (and so in 好差评) when the citizen taps 完成.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from kivy.clock import Clock
from kivy.factory import Factory
from kivy.lang import Builder
from kivy.metrics import dp
from kivy.properties import StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout

from kiosk.api.models import MaterialForm, ServiceItem
from kiosk.pinyin_search import search
from kiosk.receipts import templates
from screens.base import BaseScreen
from screens.tr import tr
from screens.widgets import Banner, KButton, KLabel, QRCode, plain

Builder.load_file(str(Path(__file__).with_suffix(".kv")))
log = logging.getLogger(__name__)
TZ = ZoneInfo("Asia/Shanghai")


def fetched_text(fetched_at: float) -> str:
    return datetime.fromtimestamp(fetched_at, TZ).strftime("%Y-%m-%d %H:%M")


def stale_banner(fetched_at: float) -> Banner:
    """The note every reference screen shows when its list came from the cache."""
    return Banner(level="warn", text=tr._("网络暂不可用，以下信息可能不是最新（更新于{time}）。")
                  .format(time=fetched_text(fetched_at)))


def days_text(days: int) -> str:
    return tr._("即办") if days == 0 else tr._("{n}个工作日").format(n=days)


def material_line(i: int, m) -> str:
    amount = tr._("只需出示，不收取") if m.copies == 0 else tr._("{n}份").format(n=m.copies)
    line = f"{i}. {m.name}（{tr._(m.form.value)}，{amount}）"
    if m.notes:
        line += f"：{m.notes}"
    return line


def checklist_dict(item: ServiceItem, center_name: str) -> dict:
    """A ServiceItem in the shape templates.materials_checklist takes."""
    materials = []
    for m in item.materials:
        with_copy = m.form in (MaterialForm.COPY, MaterialForm.ORIGINAL_AND_COPY)
        materials.append({
            "name": m.name,
            "original": m.form in (MaterialForm.ORIGINAL, MaterialForm.ORIGINAL_AND_COPY),
            "copies": m.copies if with_copy else 0,
            "note": m.notes,
        })
    return {
        "center_name": center_name,
        "name": item.name,
        "materials": materials,
        "conditions": list(item.conditions),
        # The template words days as "N个工作日"; 0 (即办) would read "0个工作日", so it is left out.
        "promised_days": item.promised_days or None,
        "legal_days": item.legal_days or None,
        "window": item.window,
        "fee": item.fee,
        "url": item.online_url,
    }


def list_button(text: str, on_release) -> KButton:
    btn = KButton(kind="tile", text=text, markup=True, halign="left")
    btn.bind(on_release=lambda _b: on_release())
    return btn


def heading(text: str) -> KLabel:
    return KLabel(text=text, role="title", bold=True)



def draw_loading(rows) -> None:
    rows.add_widget(KLabel(text=tr._("正在加载…"), role="title"))


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
    query = StringProperty("")
    # loading | error | categories | items | search | detail
    state = StringProperty("loading")

    def on_kv_post(self, base_widget):
        self._items: list[ServiceItem] = []
        self._stale = False
        self._fetched_at = 0.0
        self._error = ""
        self._category = ""
        self._item: ServiceItem | None = None
        self._detail_from = "categories"
        self._printed_code = ""
        self._search_panel = self.ids.search.__self__   # ids are weak; the panel is detached in detail
        # After a language switch tr changes only after app.lang: draw on the next frame.
        self._redraw = Clock.create_trigger(self._render)
        self.app.bind(lang=self._redraw, elder=self._render, orientation=self._render,
                      printer_ok=self._render, api_ok=self._render)

    # ---------------------------------------------------------------- lifecycle

    def on_activate(self, **params):
        if not self._items:
            self.state = "loading"
        self._render()
        self._load()

    def wipe(self) -> None:
        # Nothing personal here; the next citizen starts at the categories with an empty keypad.
        self.ids.keypad.value = ""
        self.query = ""
        self._category, self._item, self._printed_code = "", None, ""
        self.state = "categories" if self._items else "loading"

    def _load(self) -> None:
        ref = self.app.services.reference if self.app.services is not None else None
        if ref is None:
            self._failed(RuntimeError("no reference service"))
            return
        self.app.call(ref.services, self._loaded, self._failed)

    def _loaded(self, answer) -> None:
        items, stale, fetched_at = answer
        unchanged = list(items) == self._items and stale == self._stale
        self._items, self._stale, self._fetched_at = list(items), stale, fetched_at
        if self.state in ("loading", "error"):
            self.state = "search" if self.query else "categories"
        elif unchanged:
            return          # same catalogue: don't rebuild the buttons under the citizen's finger
        self._render()

    def _failed(self, exc: BaseException) -> None:
        log.warning("service catalogue not loaded: %s", type(exc).__name__)
        if self._items:
            self._stale = True       # keep what we showed; it is now older than the server's
        else:
            self._error = self.app.error_text(exc)
            self.state = "error"
        self._render()

    # ---------------------------------------------------------------- navigation inside the screen

    def on_query(self, _instance, query: str) -> None:
        if query and self.state in ("categories", "items", "search"):
            self.state = "search"
        elif not query and self.state == "search":
            self.state = "categories"
        self._render()

    def open_category(self, category: str) -> None:
        self._category = category
        self.state = "items"
        self._render()

    def open_item(self, item: ServiceItem) -> None:
        self._detail_from = self.state
        self._item = item
        self.state = "detail"
        self._render()

    def on_back(self) -> bool:
        """The footer's 返回 goes one level up (detail → list → categories) before it leaves the guide:
        people who went one step too far expect 返回 to undo that step, not to lose the guide."""
        if self.state == "detail":
            self.up()
            return True
        if self.state in ("items", "search"):
            self.ids.keypad.value = ""
            self.state = "categories"
            self._render()
            return True
        return False

    def up(self) -> None:
        """One level up inside the guide (the footer's 返回 leaves the guide)."""
        if self.state == "detail":
            self.state = self._detail_from
        elif self.state == "search":
            self.ids.keypad.value = ""
        else:
            self.state = "categories"
        self._render()

    def categories(self) -> list[tuple[str, int]]:
        counts: dict[str, int] = {}
        for item in self._items:
            counts[item.category] = counts.get(item.category, 0) + 1
        return list(counts.items())

    def display_name(self, item: ServiceItem) -> str:
        return item.name_en if self.app.lang == "en" and item.name_en else item.name

    # ---------------------------------------------------------------- drawing

    def _render(self, *_args) -> None:
        app = self.app
        if app is None or app.current_screen != self.name:     # None: a redraw after the app stopped
            return
        rows, actions, notes = self.ids.rows, self.ids.actions, self.ids.notes
        rows.clear_widgets()
        actions.clear_widgets()
        notes.clear_widgets()
        body = self.ids.body
        wants_search = self.state in ("categories", "items", "search")
        if wants_search and self._search_panel.parent is None:
            body.add_widget(self._search_panel)
        elif not wants_search and self._search_panel.parent is not None:
            body.remove_widget(self._search_panel)
        if self._stale and self.state != "error":
            notes.add_widget(stale_banner(self._fetched_at))
        getattr(self, f"_draw_{self.state}")(rows, actions)
        self.ids.scroll.scroll_y = 1

    def _draw_loading(self, rows, _actions) -> None:
        draw_loading(rows)

    def _draw_error(self, rows, actions) -> None:
        draw_error(rows, actions, self._error, self._retry, self.app.call_helper)

    def _retry(self) -> None:
        self.state = "loading"
        self._render()
        self._load()

    def _draw_categories(self, rows, _actions) -> None:
        rows.add_widget(heading(tr._("请选择事项类别")))
        grid = GridLayout(cols=2, spacing=dp(12), size_hint_y=None)
        grid.bind(minimum_height=grid.setter("height"))
        small = int(self.app.sz.small)
        for category, count in self.categories():
            label = f"[b]{plain(tr._(category))}[/b]\n[size={small}]{tr._('{n}项').format(n=count)}[/size]"
            grid.add_widget(list_button(label, lambda c=category: self.open_category(c)))
        rows.add_widget(grid)

    def _item_rows(self, rows, items) -> None:
        small = int(self.app.sz.small)
        for item in items:
            sub = plain(tr._(item.category))
            text = f"{plain(self.display_name(item))}\n[size={small}]{sub}[/size]"
            rows.add_widget(list_button(text, lambda i=item: self.open_item(i)))

    def _up_button(self, text: str) -> KButton:
        btn = KButton(kind="secondary", text=text)
        btn.bind(on_release=lambda _b: self.up())
        return btn

    def _draw_items(self, rows, actions) -> None:
        rows.add_widget(heading(tr._(self._category)))
        self._item_rows(rows, [i for i in self._items if i.category == self._category])
        actions.add_widget(self._up_button(tr._("返回事项类别")))

    def _draw_search(self, rows, actions) -> None:
        found = search(self._items, self.query)
        if found:
            rows.add_widget(heading(tr._("找到{n}个事项").format(n=len(found))))
            self._item_rows(rows, found)
        else:
            rows.add_widget(heading(tr._("没有找到相关事项")))
            rows.add_widget(KLabel(text=tr._("请检查输入的拼音首字母，或按“清空”后按类别查找。")))
        actions.add_widget(self._up_button(tr._("返回事项类别")))

    def _section(self, box, title: str, lines: list[str]) -> None:
        box.add_widget(KLabel(text=title, bold=True))
        for line in lines:
            box.add_widget(KLabel(text=line))

    def _draw_detail(self, rows, actions) -> None:
        item = self._item
        if item is None:
            self.state = "categories"
            self._draw_categories(rows, actions)
            return
        rows.add_widget(heading(self.display_name(item)))
        if self.app.lang == "en" and item.name_en:
            rows.add_widget(KLabel(text=item.name, role="small"))
        card = Factory.Card()
        self._section(card, tr._("办理条件"), [f"{i}. {c}" for i, c in enumerate(item.conditions, 1)])
        self._section(card, tr._("申请材料"), [material_line(i, m) for i, m in enumerate(item.materials, 1)])
        self._section(card, tr._("办理须知"), [
            tr._("法定办结时限：{days}").format(days=days_text(item.legal_days)),
            tr._("承诺办结时限：{days}").format(days=days_text(item.promised_days)),
            tr._("收费标准：{fee}").format(fee=tr._(item.fee)),
            tr._("办理窗口：{window}").format(window=item.window),
            tr._("办理部门：{department}").format(department=item.department),
            tr._("事项编码：{code}").format(code=item.code),
        ])
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
        pr.bind(on_release=lambda _b: self.print_checklist())
        actions.add_widget(pr)
        from screens import SCREENS

        if "ticket" in SCREENS:
            missing = [n for n, ok in (("网络暂不可用", self.app.api_ok), ("打印机暂不可用", self.app.printer_ok))
                       if not ok]
            label = tr._("取号办理") + ("\n" + tr._(missing[0]) if missing else "")
            ticket = KButton(kind="secondary", text=label, disabled=bool(missing))
            ticket.bind(on_release=lambda _b: self.app.go("ticket", service_code=item.code))
            actions.add_widget(ticket)
        if self._printed_code == item.code:
            done = KButton(text=tr._("完成"))
            done.bind(on_release=lambda _b: self.finish())
            actions.add_widget(done)

    # ---------------------------------------------------------------- actions

    def print_checklist(self) -> None:
        item = self._item
        if item is None:
            return
        receipt = templates.materials_checklist(checklist_dict(item, self.app.cfg.terminal.center_name))

        def queued(_job_id: int) -> None:
            self._printed_code = item.code
            self._render()

        self.app.print_receipt(receipt, "checklist", f"一次性告知单 {item.code}", on_queued=queued)

    def finish(self) -> None:
        item = self._item
        if item is None:
            return
        self._printed_code = ""
        self._render()
        self.app.finish_transaction("checklist", item.code, item.code, item.name)


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
