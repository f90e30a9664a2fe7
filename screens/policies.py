"""政策与补贴: the published policies (from the reference cache, so they show offline too, marked
"可能不是最新"), each with its text, a QR for a phone and a printout.

InfoListScreen is the list → detail → QR → print pattern the job posts (jobs.py) share. Viewing is
information, not a transaction: no 好差评 here.
"""

from __future__ import annotations

import logging
from pathlib import Path

from kivy.clock import Clock
from kivy.factory import Factory
from kivy.lang import Builder
from kivy.properties import StringProperty

from kiosk.receipts.model import Receipt
from screens.base import BaseScreen
from screens.guide import draw_error, draw_loading, heading, list_button, qr_row, stale_banner
from screens.tr import tr
from screens.widgets import KButton, KLabel, plain

Builder.load_file(str(Path(__file__).with_suffix(".kv")))
log = logging.getLogger(__name__)

DISCLAIMER = "以上内容仅供参考，具体以正式文件和窗口解释为准。"


class InfoListScreen(BaseScreen):
    """A list from the reference cache → one entry's detail with a QR and a print button."""

    state = StringProperty("loading")   # loading | error | list | detail
    list_title = "请选择要查看的内容"
    empty_text = "暂无信息"
    print_kind = "info"

    # -- what a subclass provides ------------------------------------------------------------------
    def fetch(self, reference):
        raise NotImplementedError

    def row_text(self, entry) -> str:
        raise NotImplementedError

    def detail(self, entry) -> tuple[str, list[tuple[str, str]], str]:
        """(title, [(label msgid, value)], long text)."""
        raise NotImplementedError

    def qr(self, entry) -> tuple[str, str]:
        """(data, caption msgid) of the QR for a phone."""
        raise NotImplementedError

    def receipt(self, entry) -> Receipt:
        raise NotImplementedError

    # -- lifecycle ---------------------------------------------------------------------------------
    def on_kv_post(self, base_widget):
        self._entries: list = []
        self._entry = None
        self._stale = False
        self._fetched_at = 0.0
        self._error = ""
        # After a language switch tr changes only after app.lang: draw on the next frame.
        self._redraw = Clock.create_trigger(self._render)
        self.app.bind(lang=self._redraw, elder=self._render, orientation=self._render,
                      printer_ok=self._render)

    def on_activate(self, **params):
        if not self._entries:
            self.state = "loading"
        self._render()
        ref = self.app.services.reference if self.app.services is not None else None
        if ref is None:
            self._failed(RuntimeError("no reference service"))
            return
        self.app.call(lambda: self.fetch(ref), self._loaded, self._failed)

    def wipe(self) -> None:
        # Nothing personal is shown; the next citizen starts at the list.
        self._entry = None
        self.state = "list" if self._entries else "loading"

    def _loaded(self, answer) -> None:
        entries, stale, fetched_at = answer
        self._entries, self._stale, self._fetched_at = list(entries), stale, fetched_at
        if self.state in ("loading", "error"):
            self.state = "list"
        self._render()

    def _failed(self, exc: BaseException) -> None:
        log.warning("%s not loaded: %s", self.name, type(exc).__name__)
        if self._entries:
            self._stale = True
        else:
            self._error = self.app.error_text(exc)
            self.state = "error"
        self._render()

    def open(self, entry) -> None:
        self._entry = entry
        self.state = "detail"
        self._render()

    def on_back(self) -> bool:
        """返回 from a detail shows the list again; from the list it leaves the screen."""
        if self.state == "detail":
            self.up()
            return True
        return False

    def up(self) -> None:
        self._entry = None
        self.state = "list"
        self._render()

    # -- drawing -----------------------------------------------------------------------------------
    def _render(self, *_args) -> None:
        app = self.app
        if app is None or app.current_screen != self.name:     # None: a redraw after the app stopped
            return
        rows, actions, notes = self.ids.rows, self.ids.actions, self.ids.notes
        rows.clear_widgets()
        actions.clear_widgets()
        notes.clear_widgets()
        if self._stale and self.state != "error":
            notes.add_widget(stale_banner(self._fetched_at))
        if self.state == "detail" and self._entry is None:
            self.state = "list"
        getattr(self, f"_draw_{self.state}")(rows, actions)
        self.ids.scroll.scroll_y = 1

    def _draw_loading(self, rows, _actions) -> None:
        draw_loading(rows)

    def _draw_error(self, rows, actions) -> None:
        draw_error(rows, actions, self._error, self.on_activate, self.app.call_helper)

    def _draw_list(self, rows, _actions) -> None:
        if not self._entries:
            rows.add_widget(heading(tr._(self.empty_text)))
            return
        rows.add_widget(heading(tr._(self.list_title)))
        for entry in self._entries:
            rows.add_widget(list_button(self.row_text(entry), lambda e=entry: self.open(e)))

    def _draw_detail(self, rows, actions) -> None:
        entry = self._entry
        title, fields, text = self.detail(entry)
        rows.add_widget(heading(title))
        card = Factory.Card()
        for label, value in fields:
            card.add_widget(KLabel(text=f"{tr._(label)}：{value}" if self.app.lang == "zh_CN"
                                   else f"{tr._(label)}: {value}"))
        if text:
            card.add_widget(KLabel(text=text))
        rows.add_widget(card)
        data, caption = self.qr(entry)
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

    def print_entry(self) -> None:
        entry = self._entry
        if entry is not None:
            self.app.print_receipt(self.receipt(entry), self.print_kind, f"{self.print_kind} {entry.id}")


def info_receipt(center: str, kind_title: str, title: str, rows: list[tuple[str, str]], text: str,
                 qr_data: str = "", qr_caption: str = "") -> Receipt:
    """The printout of a policy or a job post (Chinese: receipts are printed in Chinese)."""
    r = Receipt()
    r.title(center, size=1)
    r.text(kind_title, align="center")
    r.separator()
    r.text(title, bold=True)
    r.kv(*rows)
    if text:
        r.separator()
        r.text(text)
    if qr_data:
        r.separator()
        r.qr(qr_data, module=5)
        r.text(qr_caption, align="center")
    r.separator()
    r.text(DISCLAIMER, align="center")
    return r.cut()


class PoliciesScreen(InfoListScreen):
    list_title = "请选择要查看的政策"
    empty_text = "暂无政策信息"
    print_kind = "policy"

    def fetch(self, reference):
        return reference.policies()

    def row_text(self, p) -> str:
        small = int(self.app.sz.small)
        return f"{plain(p.title)}\n[size={small}]{plain(p.department)}  {p.published.isoformat()}[/size]"

    def detail(self, p):
        fields = [("发布部门", p.department), ("发布日期", p.published.isoformat())]
        if p.tags:
            fields.append(("相关主题", "、".join(p.tags)))
        return p.title, fields, p.summary

    def qr(self, p):
        if p.url:
            return p.url, "手机扫码查看政策原文"
        # No link published: the QR carries the text itself, so a phone can keep it.
        return f"{p.title}\n{p.department}\n{p.summary}", "手机扫码保存政策内容"

    def receipt(self, p) -> Receipt:
        data, caption = self.qr(p)
        rows = [("发布部门", p.department), ("发布日期", p.published.isoformat())]
        if p.tags:
            rows.append(("相关主题", "、".join(p.tags)))
        return info_receipt(self.app.cfg.terminal.center_name, "政策与补贴", p.title, rows, p.summary,
                            data if p.url else "", caption if p.url else "")
