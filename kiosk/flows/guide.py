"""事项指南: the 62 service items by category, searchable by pinyin initials, each item's details; the
materials checklist (一次性告知单) prints, and 取号办理 leads to the queue ticket of that item.

It works offline: the catalogue comes from the on-disk reference cache when the API is down (the flow
then says `stale`). Viewing an item is information, not a transaction: only a printed checklist ends
in 好差评, when the citizen taps 完成.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from kiosk.api.models import MaterialForm, ServiceItem
from kiosk.flows.base import categories
from kiosk.flows.deps import FlowDeps
from kiosk.flows.reference_list import ReferenceListFlow
from kiosk.i18n import DEFAULT_LANGUAGE, N_, Msg, render
from kiosk.pinyin_search import search
from kiosk.receipts import templates
from kiosk.session import Transaction

PAPER = DEFAULT_LANGUAGE            # the checklist is printed in Chinese whatever the screen's language


class Stage(StrEnum):
    LOADING = "loading"
    ERROR = "error"
    CATEGORIES = "categories"
    ITEMS = "items"
    SEARCH = "search"
    DETAIL = "detail"


def checklist_data(item: ServiceItem, center_name: str) -> dict[str, Any]:
    """A ServiceItem in the shape templates.materials_checklist takes. The material lines are the very
    lines the screen shows (material_words), in Chinese: paper and screen cannot say different counts."""
    return {
        "center_name": center_name,
        "name": item.name,
        "material_lines": [render(material_words(i, m), PAPER) for i, m in enumerate(item.materials, 1)],
        "conditions": list(item.conditions),
        # The template words days as "N个工作日"; 0 (即办) would read "0个工作日", so it is left out.
        "promised_days": item.promised_days or None,
        "legal_days": item.legal_days or None,
        "window": item.window,
        "fee": item.fee,
        "url": item.online_url,
    }


def days_words(days: int) -> Msg:
    return Msg(N_("即办")) if days == 0 else Msg(N_("{n}个工作日"), n=days)


def _is_photo(name: str) -> bool:
    return name.endswith("照片")


def material_amount(m: Any) -> Msg:
    """What to hand over of one material, with its count: 原件3张 (二寸照片 ×3), 复印件1份, 原件出示 +
    复印件1份; copies 0 is a document only shown (只需出示) and given back."""
    n = m.copies
    if m.form == MaterialForm.ELECTRONIC:
        return Msg(N_("电子材料"))
    if n == 0:
        return Msg(N_("原件，只需出示，不收取")) if m.form != MaterialForm.COPY else Msg(N_("复印件，只需出示，不收取"))
    if m.form == MaterialForm.ORIGINAL:
        return Msg(N_("原件{n}张"), n=n) if _is_photo(m.name) else Msg(N_("原件{n}份"), n=n)
    if m.form == MaterialForm.COPY:
        return Msg(N_("复印件{n}份"), n=n)
    return Msg(N_("原件出示，复印件{n}份"), n=n)


def material_words(i: int, m: Any) -> Msg:
    """One line of the materials list: the screen shows it and the checklist slip prints it."""
    notes = f"：{m.notes}" if m.notes else ""
    return Msg(N_("{i}. {name}（{amount}）{notes}"), i=i, name=m.name, amount=material_amount(m), notes=notes)


def detail_sections(item: ServiceItem) -> list[tuple[Msg, list[Msg | str]]]:
    """(heading, lines) of an item's details, in the order people read them."""
    return [
        (Msg(N_("办理条件")), [f"{i}. {c}" for i, c in enumerate(item.conditions, 1)]),
        (Msg(N_("申请材料")), [material_words(i, m) for i, m in enumerate(item.materials, 1)]),
        (Msg(N_("办理须知")), [
            Msg(N_("法定办结时限：{days}"), days=days_words(item.legal_days)),
            Msg(N_("承诺办结时限：{days}"), days=days_words(item.promised_days)),
            Msg(N_("收费标准：{fee}"), fee=Msg(item.fee)),
            Msg(N_("办理窗口：{window}"), window=item.window),
            Msg(N_("办理部门：{department}"), department=item.department),
            Msg(N_("事项编码：{code}"), code=item.code),
        ]),
    ]


class GuideFlow(ReferenceListFlow):
    what = "service catalogue"

    def __init__(self, deps: FlowDeps) -> None:
        self.stage = Stage.LOADING
        super().__init__(deps)
        self.category = ""
        self.item: ServiceItem | None = None
        self.query = ""
        self.printed_code = ""
        self._detail_from = Stage.CATEGORIES
        self._wanted = ""                   # a service code to open once the catalogue is loaded

    @property
    def items(self) -> list[ServiceItem]:
        """The catalogue: the center's standardized service items."""
        return self.entries

    @items.setter
    def items(self, items: list[ServiceItem]) -> None:
        self.entries = items

    # ------------------------------------------------------------ loading

    def start(self, service_code: str = "") -> None:
        """Every visit; with a service_code (a policy's link) that item's details open as soon as the
        catalogue is there."""
        self._wanted = service_code
        if not self.items:
            self.stage = Stage.LOADING
        self._open_wanted()
        self._changed()
        self._load()

    def _open_wanted(self) -> None:
        item = next((i for i in self.items if i.code == self._wanted), None) if self._wanted else None
        if item is not None:
            self._wanted = ""
            self._detail_from = Stage.CATEGORIES
            self.item, self.stage = item, Stage.DETAIL

    def retry(self) -> None:
        self.stage = Stage.LOADING
        self._changed()
        self._load()

    def fetch(self, reference: Any) -> tuple[list[ServiceItem], bool, float]:
        return reference.services()

    def _first_shown(self) -> None:
        self.stage = Stage.SEARCH if self.query else Stage.CATEGORIES
        self._open_wanted()

    # ------------------------------------------------------------ moving around

    def categories(self) -> list[tuple[str, int]]:
        """(category, number of items), in the order the API lists them."""
        return categories(self.items)

    def category_items(self) -> list[ServiceItem]:
        return [i for i in self.items if i.category == self.category]

    def found(self) -> list[ServiceItem]:
        return search(self.items, self.query)

    def set_query(self, query: str) -> None:
        self.query = query
        if query and self.stage in (Stage.CATEGORIES, Stage.ITEMS, Stage.SEARCH):
            self.stage = Stage.SEARCH
        elif not query and self.stage == Stage.SEARCH:
            self.stage = Stage.CATEGORIES
        self._changed()

    def open_category(self, category: str) -> None:
        self.category = category
        self.stage = Stage.ITEMS
        self._changed()

    def open_item(self, item: ServiceItem) -> None:
        self._detail_from = self.stage
        self.item = item
        self.stage = Stage.DETAIL
        self._changed()

    def back(self) -> bool:
        """返回 goes one level up (detail → list → categories) before it leaves the guide: people who
        went one step too far expect 返回 to undo that step, not to lose the guide."""
        if self.stage == Stage.DETAIL:
            self.up()
            return True
        if self.stage in (Stage.ITEMS, Stage.SEARCH):
            self.query = ""
            self.stage = Stage.CATEGORIES
            self._changed()
            return True
        return False

    def up(self) -> None:
        """One level up inside the guide."""
        if self.stage == Stage.DETAIL:
            self.stage = self._detail_from
            if self.stage == Stage.SEARCH and not self.query:
                self.stage = Stage.CATEGORIES
        elif self.stage == Stage.SEARCH:
            self.query = ""
            self.stage = Stage.CATEGORIES
        else:
            self.stage = Stage.CATEGORIES
        self._changed()

    # ------------------------------------------------------------ what the detail offers

    def ticket_blocker(self, api_ok: bool, printer_ok: bool) -> Msg | None:
        """Why 取号办理 cannot be offered now (None: it can)."""
        if not api_ok:
            return Msg(N_("网络暂不可用"))
        if not printer_ok:
            return Msg(N_("打印机暂不可用"))
        return None

    def print_checklist(self) -> None:
        item = self.item
        if item is None:
            return
        receipt = templates.materials_checklist(checklist_data(item, self.deps.cfg.terminal.center_name))

        def queued(_job_id: int) -> None:
            self.printed_code = item.code
            self._changed()

        self.deps.print_slip(receipt, "checklist", f"一次性告知单 {item.code}", queued)

    @property
    def can_finish(self) -> bool:
        """完成 (and so 好差评) only after this item's checklist was printed."""
        return self.item is not None and self.printed_code == self.item.code

    def finish(self) -> None:
        item = self.item
        if item is None:
            return
        self.printed_code = ""
        self._changed()
        self.deps.finish_transaction(Transaction(kind="checklist", reference=item.code, service_code=item.code,
                                                 service_name=item.name))

    def reset(self) -> None:
        # Nothing personal here; the next citizen starts at the categories with an empty keypad.
        super().reset()
        self.query = ""
        self.category, self.item, self.printed_code = "", None, ""
        self.stage = Stage.CATEGORIES if self.items else Stage.LOADING
        self._changed()
