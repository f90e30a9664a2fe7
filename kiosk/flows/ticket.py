"""排队取号: one window (一窗受理), so one queue and a ticket in one or two taps.

From home, 取号 opens the start stage: a general ticket (no item) is taken by itself when the short
countdown runs out, or at once with 立即取号; one tap on one of the most common items takes a ticket
with the item on it (so staff can prepare); 绿色通道 (elderly, disabled, pregnant) is chosen there too.
Every other item is under 其他事项 (category, item, confirm), and the guide's 取号办理 arrives at the
confirm step of its item.

Business hours are checked only when the center configured them (kiosk.hours); otherwise the kiosk
claims none and the central API decides. Each request (item, priority) of a visit keeps one
Idempotency-Key, so a double tap or a retry after a network error never takes two numbers.
"""

from __future__ import annotations

import logging
import math
import uuid
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from kiosk import hours
from kiosk.api.errors import Unavailable
from kiosk.flows.base import Flow, categories
from kiosk.flows.deps import FlowDeps
from kiosk.i18n import N_, Msg
from kiosk.receipts import templates
from kiosk.session import Transaction

log = logging.getLogger(__name__)

NETWORK_DOWN = N_("网络异常，暂时不能取号，请稍后再试")
NOT_TAKEN_NETWORK = N_("网络异常，没有取到号，请稍后再试")
NOT_TAKEN = N_("没有取到号，请呼叫帮办")
LOADING = N_("正在查询，请稍候…")
TAKING = N_("正在取号，请稍候…")
NO_SUCH_ITEM = N_("没有找到这个事项，请在下面选择")
PRINTER_DOWN = N_("打印机暂不可用，暂时不能取号，请联系工作人员。")

#: Seconds the start stage waits before it takes a general ticket by itself (doubled in 长辈模式):
#: long enough to read the choices, short enough that 取号 alone gets a number.
AUTO_SECONDS = 8.0


class Stage(StrEnum):
    CLOSED = "closed"
    START = "start"                # general ticket (countdown), the common items, 绿色通道, 其他事项
    CATEGORIES = "categories"
    ITEMS = "items"
    CONFIRM = "confirm"
    TICKET = "ticket"


class TicketFlow(Flow):
    def __init__(self, deps: FlowDeps) -> None:
        super().__init__(deps.runner)
        self.deps = deps
        self.stage = Stage.START
        self.services: list[Any] = []          # kiosk.api.models.ServiceItem
        self.priority = False                  # 绿色通道
        self.auto_at: datetime | None = None   # when the start stage takes a general ticket by itself
        self._keys: dict[tuple[str | None, bool], str] = {}   # one Idempotency-Key per request of a visit
        self.stale = False
        self.category = ""
        self.service: Any = None
        self.ticket: Any = None                # kiosk.api.models.Ticket
        self.idempotency_key = ""
        self.printed_job: int | None = None
        self.closed_lines: list[Msg] = []
        self._pending_code = ""
        self._from_item = False

    # ------------------------------------------------------------ visit

    def start(self, service_code: str = "") -> None:
        """Every visit. With a service code (the guide's 取号办理) it goes straight to that item."""
        if self.stage == Stage.TICKET and not service_code:
            return                               # coming back to a number already taken: keep it
        self._pending_code = service_code or ""
        self._from_item = bool(service_code)
        self.ticket = None
        self.service = None
        self.priority = False
        self.auto_at = None
        self._keys = {}
        self.idempotency_key = ""
        if self._closed():
            self._changed()
            return
        self._say()
        self.category = ""
        self.stage = Stage.START
        if not service_code:
            self.auto_at = self.deps.now() + timedelta(seconds=self.auto_seconds())
        self._load()
        self._changed()

    def auto_seconds(self) -> float:
        return AUTO_SECONDS * (2 if self.deps.elder() else 1)

    def _closed(self) -> bool:
        cfg_hours = self.deps.cfg.hours
        now = self.deps.now()
        if cfg_hours is None or hours.is_open(cfg_hours, now):
            return False       # no hours configured: the kiosk claims none, the central API decides
        self.closed_lines = [Msg(N_("现在不是取号时间。取号时间：{hours}"),
                                 hours=lambda lang: hours.describe(cfg_hours, lang))]
        opening = hours.next_opening(cfg_hours, now)
        if opening is not None:
            self.closed_lines.append(Msg(N_("下次可以取号：{when}"),
                                         when=lambda lang: hours.describe_moment(opening, lang)))
        self.stage = Stage.CLOSED
        return True

    def _load(self) -> None:
        # Fetched on every visit (a conditional GET): the list shown meanwhile is the last one.
        ref = self.deps.reference()
        if ref is None:
            self._say(NETWORK_DOWN)
            return
        self.busy = True
        self._say(LOADING)
        self._call(ref.services, self._loaded, self._load_failed)

    def network_ready(self) -> None:
        """The central API answers (again, or for the first time since start-up) while the start stage
        is shown without its common items: load them now. (Opened in the first second after start-up,
        the screen said "网络异常" and kept saying it, and a tap had nothing to land on.)"""
        if self.stage == Stage.START and not self.services and not self.busy:
            self._load()
            self._changed()

    def _loaded(self, result: tuple[list[Any], bool, float]) -> None:
        self.busy = False
        items, stale, _fetched = result
        self.services, self.stale = list(items), bool(stale)
        self._say()
        code, self._pending_code = self._pending_code, ""
        if code:
            svc = next((s for s in self.services if code in (s.code, s.id)), None)
            if svc is not None:
                self.choose_service(svc)
                return
            self._say(NO_SUCH_ITEM)
            self.stage = Stage.CATEGORIES
        self._changed()

    def _load_failed(self, exc: BaseException) -> None:
        self.busy = False
        log.warning("service list not available: %s", getattr(exc, "detail", type(exc).__name__))
        self._say(NETWORK_DOWN)
        self._changed()

    # ------------------------------------------------------------ choosing

    def popular(self) -> list[Any]:
        """The most common items, most common first (ServiceItem.popular)."""
        return sorted((s for s in self.services if getattr(s, "popular", None)), key=lambda s: s.popular)

    def seconds_left(self) -> int:
        """Whole seconds until the general ticket is taken by itself; 0 when no countdown runs."""
        if self.auto_at is None or self.stage != Stage.START or self.busy:
            return 0
        return max(0, math.ceil((self.auto_at - self.deps.now()).total_seconds()))

    def tick(self) -> None:
        """The screen's clock: when the countdown has run out, the general ticket is taken."""
        if self.auto_at is not None and self.stage == Stage.START and not self.busy \
                and self.deps.now() >= self.auto_at:
            self.take_general()

    def toggle_priority(self) -> None:
        """绿色通道 on or off. The countdown starts again: time to choose an item as well."""
        if self.busy:
            return
        self.priority = not self.priority
        if self.auto_at is not None:
            self.auto_at = self.deps.now() + timedelta(seconds=self.auto_seconds())
        if self.stage == Stage.CONFIRM and self.service is not None:
            self.idempotency_key = self._key(self.service.code)
        self._changed()

    def other_items(self) -> None:
        """其他事项: the whole list by category; the countdown stops (they are choosing)."""
        self.auto_at = None
        self._say()
        self.stage = Stage.CATEGORIES
        self._changed()

    def categories(self) -> list[tuple[str, int]]:
        """(category, number of items), in the order the API lists them."""
        return categories(self.services)

    def items(self) -> list[Any]:
        return [s for s in self.services if s.category == self.category]

    def choose_category(self, category: str) -> None:
        self.category = category
        self.stage = Stage.ITEMS
        self._changed()

    def back_to_categories(self) -> None:
        self._from_item = False          # choosing for themselves now: 返回 walks back through the lists
        self.category = ""
        self.stage = Stage.CATEGORIES
        self._changed()

    def choose_service(self, svc: Any) -> None:
        if self._closed():
            self._changed()
            return
        self.auto_at = None
        self.service = svc
        self.category = svc.category
        # One key per request: a double tap or a retry after a timeout returns the same number.
        self.idempotency_key = self._key(svc.code)
        self._say()
        self.stage = Stage.CONFIRM
        self._changed()

    def choose_popular(self, svc: Any) -> None:
        """One tap on a common item on the start stage: the ticket with the item, no confirm step."""
        if self.busy or self.stage != Stage.START:
            return
        self.auto_at = None
        self.service = svc
        self._take(svc)

    def _key(self, code: str | None) -> str:
        return self._keys.setdefault((code, self.priority), uuid.uuid4().hex)

    def back(self) -> bool:
        """返回 undoes one choice (confirm → items → categories → start) while no number is taken yet.
        False: the screen has no level left, the app goes back to where the citizen came from."""
        if self.busy and self.stage in (Stage.CONFIRM, Stage.START):
            return True                  # a number is being taken: leaving now would hide it
        if self.stage == Stage.CONFIRM and self._from_item:
            return False                 # they came for this item: back to where they chose it
        if self.stage == Stage.CONFIRM:
            self.service = None
            self.stage = Stage.ITEMS if self.category else Stage.CATEGORIES
            self._changed()
            return True
        if self.stage == Stage.ITEMS:
            self.back_to_categories()
            return True
        if self.stage == Stage.CATEGORIES:
            self.stage = Stage.START     # the countdown stays off: they are choosing
            self._changed()
            return True
        return False

    # ------------------------------------------------------------ the number

    def take_number(self) -> None:
        """确认取号 on the confirm step."""
        if self.service is None or self.stage != Stage.CONFIRM:
            return
        self._take(self.service)

    def take_general(self) -> None:
        """立即取号, or the countdown ran out: a general ticket, no item."""
        if self.stage != Stage.START:
            return
        self.auto_at = None
        self.service = None
        self._take(None)

    def _take(self, svc: Any) -> None:
        if self.busy:
            return
        if self._closed():
            self._changed()
            return
        if not self.deps.printer_ok():
            self._say(PRINTER_DOWN)      # a number nobody can hold would be lost in the queue
            self._changed()
            return
        api = self.deps.api()
        if api is None:
            self._say(NOT_TAKEN_NETWORK)
            self._changed()
            return
        code, priority = (svc.code if svc is not None else None), self.priority
        key = self.idempotency_key = self._key(code)
        self.busy = True
        self._say(TAKING)
        self._call(lambda: api.create_ticket(code, idempotency_key=key, priority=priority), self._taken,
                   self._take_failed)
        self._changed()

    def _taken(self, ticket: Any) -> None:
        self.busy = False
        self._say()
        self.ticket = ticket
        self.stage = Stage.TICKET
        log.info("ticket %s for %s", ticket.number, ticket.service_code or "(no item)")
        self.deps.print_slip(templates.queue_ticket(self.slip()), "ticket", f"ticket {ticket.number}",
                             self._queued)
        self.deps.announcer.ticket(ticket.number, ticket.waiting)
        self._changed()

    def _queued(self, job_id: int) -> None:
        self.printed_job = job_id

    def _take_failed(self, exc: BaseException) -> None:
        self.busy = False
        log.warning("ticket not taken: %s", getattr(exc, "detail", type(exc).__name__))
        self._say(NOT_TAKEN_NETWORK if isinstance(exc, Unavailable) else NOT_TAKEN)
        self._changed()

    def slip(self) -> dict[str, Any]:
        t = self.ticket
        return {
            "number": t.number,
            "priority": t.priority,
            "service": t.service_name or "",
            "waiting": t.waiting,
            "wait_area": t.wait_area,
            "window": t.window,
            "delegable": t.delegable,
            "url": t.status_url or "",
            "time": f"{t.issued_at.astimezone(hours.TZ):%Y-%m-%d %H:%M}",
            "center_name": self.deps.cfg.terminal.center_name,
        }

    def issued_time(self) -> str:
        return f"{self.ticket.issued_at.astimezone(hours.TZ):%H:%M}" if self.ticket else ""

    def finish(self) -> None:
        t = self.ticket
        if t is None:
            return
        self.reset()
        self.deps.finish_transaction(Transaction(kind="ticket", reference=t.number,
                                                 service_code=t.service_code or "",
                                                 service_name=t.service_name or ""))

    # ------------------------------------------------------------ session

    def reset(self) -> None:
        super().reset()
        self.ticket = None
        self.service = None
        self.category = ""
        self.priority = False
        self.auto_at = None
        self._keys = {}
        self.idempotency_key = ""
        self.printed_job = None
        self._pending_code = ""
        self._from_item = False
        self.stage = Stage.START
        self._changed()
