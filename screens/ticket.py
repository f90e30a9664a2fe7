"""排队取号: choose the service (category, then item; or arrive from the guide with a service code),
confirm, take a number, see it large, get it printed, finish (好差评).

Outside business hours (kiosk.hours) the screen says when numbers are given instead of the list. A
confirm screen makes one Idempotency-Key, so a double tap or a retry after a network error never takes
two numbers.
"""

from __future__ import annotations

import logging
import uuid
from pathlib import Path

from kivy.lang import Builder
from kivy.metrics import dp
from kivy.properties import BooleanProperty, ObjectProperty, StringProperty

from kiosk import hours
from kiosk.api.errors import Unavailable
from kiosk.i18n import gettext
from kiosk.receipts import templates
from screens.base import BaseScreen
from screens.widgets import KButton, plain

Builder.load_file(str(Path(__file__).with_suffix(".kv")))
log = logging.getLogger(__name__)


class TicketScreen(BaseScreen):
    stage = StringProperty("categories")     # closed | categories | items | confirm | ticket
    busy = BooleanProperty(False)
    message = StringProperty("")             # translated; errors and "please wait"
    closed_text = StringProperty("")
    stale = BooleanProperty(False)
    category = StringProperty("")
    service = ObjectProperty(None, allownone=True)
    ticket = ObjectProperty(None, allownone=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._services: list = []
        self._request = 0
        self._msg: tuple[str, dict] = ("", {})
        self._pending_code = ""
        self._from_item = False
        self.idempotency_key = ""
        self.printed_job: int | None = None

    def on_kv_post(self, base_widget):
        self.app.bind(lang=self._relang, orientation=self._rebuild_lists)

    def on_stage(self, _instance, stage: str) -> None:
        self.ids.stages.current = stage

    # ------------------------------------------------------------ text

    def _t(self, msgid: str) -> str:
        # The app's `lang` changes before tr switches: translate for app.lang, not tr's language.
        return gettext(msgid, self.app.lang)

    def _say(self, msgid: str, **kw) -> None:
        self._msg = (msgid, kw)
        self.message = self._t(msgid).format(**kw) if msgid else ""

    def _relang(self, *_args) -> None:
        msgid, kw = self._msg
        self._say(msgid, **kw)
        self._update_closed_text()
        self._rebuild_lists()
        # Labels showing the service name (name / name_en) depend on `service`, not on tr: refresh.
        self.property("service").dispatch(self)

    def service_name(self, svc) -> str:
        if svc is None:
            return ""
        return svc.name_en if self.app.lang == "en" and svc.name_en else svc.name

    # ------------------------------------------------------------ visit

    def on_activate(self, service_code: str = "", **_params) -> None:
        if self.stage == "ticket" and not service_code:
            return                               # coming back to a number already taken: keep it
        self._pending_code = service_code or ""
        self._from_item = bool(service_code)     # sent here for one item (the guide's 取号办理)
        self.ticket = None
        if not self._check_open():
            return
        self._say("")
        self.stage = "items" if self.category and not service_code else "categories"
        # Fetch on every visit (a conditional GET): the list shown meanwhile is the last one.
        self._rebuild_lists()
        self._load()

    def _check_open(self) -> bool:
        if hours.is_open(self.app.cfg.hours, hours.now()):
            return True
        self._update_closed_text()
        self.stage = "closed"
        return False

    def _update_closed_text(self) -> None:
        text = self._t("现在不是取号时间。取号时间：{hours}").format(
            hours=hours.describe(self.app.cfg.hours, self.app.lang))
        opening = hours.next_opening(self.app.cfg.hours, hours.now())
        if opening is not None:
            text += "\n" + self._t("下次可以取号：{when}").format(when=hours.describe_moment(opening, self.app.lang))
        self.closed_text = text

    def _load(self) -> None:
        ref = getattr(self.app.services, "reference", None)
        if ref is None:
            self._say("网络异常，暂时不能取号，请稍后再试")
            return
        self._request += 1
        req = self._request
        self.busy = True
        self._say("正在查询，请稍候…")
        self.app.call(ref.services, lambda res: self._loaded(req, res), lambda exc: self._load_failed(req, exc))

    def _loaded(self, req: int, result) -> None:
        if req != self._request:
            return
        self.busy = False
        items, stale, _fetched = result
        self._services, self.stale = list(items), bool(stale)
        self._say("")
        code, self._pending_code = self._pending_code, ""
        if code:
            svc = next((s for s in self._services if s.code == code or s.id == code), None)
            if svc is not None:
                self.choose_service(svc)
                return
            self._say("没有找到这个事项，请在下面选择")
        self._rebuild_lists()

    def _load_failed(self, req: int, exc: BaseException) -> None:
        if req != self._request:
            return
        self.busy = False
        log.warning("service list not available: %s", getattr(exc, "detail", type(exc).__name__))
        self._say("网络异常，暂时不能取号，请稍后再试")

    # ------------------------------------------------------------ choosing

    def categories(self) -> list[str]:
        seen: dict[str, None] = {}
        for s in self._services:
            seen.setdefault(s.category, None)
        return list(seen)

    def _rebuild_lists(self, *_args) -> None:
        cats, items = self.ids.get("category_grid"), self.ids.get("item_grid")
        if cats is None:
            return
        landscape = self.app.orientation == "landscape"
        cats.clear_widgets()
        cats.cols = 3 if landscape else 2
        for cat in self.categories():
            n = sum(1 for s in self._services if s.category == cat)
            btn = KButton(kind="tile", font_role="title", text=f"{plain(self._t(cat))}\n[size={int(self.app.sz.body)}]"
                          f"{self._t('{n} 项').format(n=n)}[/size]", markup=True, min_height=self.app.sz.tile * 0.7)
            btn.category = cat
            btn.bind(on_release=lambda b: self.choose_category(b.category))
            cats.add_widget(btn)
        items.clear_widgets()
        items.cols = 2 if landscape else 1
        for svc in self._services:
            if svc.category != self.category:
                continue
            btn = KButton(kind="tile", text=self.service_name(svc))
            btn.service = svc
            btn.bind(on_release=lambda b: self.choose_service(b.service))
            items.add_widget(btn)
        for grid in (cats, items):
            grid.height = grid.minimum_height or dp(10)

    def choose_category(self, category: str) -> None:
        self.category = category
        self._rebuild_lists()
        self.stage = "items"

    def on_back(self) -> bool:
        """返回 undoes one choice (confirm → items → categories) while no number is taken yet."""
        if self.busy:
            return True                  # a number is being taken: leaving now would hide it
        if self.stage == "confirm" and self._from_item:
            return False                 # they came for this item: 返回 goes back to where they chose it
        if self.stage == "confirm":
            self.service = None
            self.stage = "items" if self.category else "categories"
            return True
        if self.stage == "items":
            self.back_to_categories()
            return True
        return False

    def back_to_categories(self) -> None:
        self._from_item = False          # choosing for themselves now: 返回 walks back through the lists
        self.category = ""
        self.stage = "categories"

    def choose_service(self, svc) -> None:
        if not self._check_open():
            return
        self.service = svc
        self.category = svc.category
        self._rebuild_lists()
        # One key per confirm screen: a double tap or a retry after a timeout returns the same number.
        self.idempotency_key = uuid.uuid4().hex
        self._say("")
        self.stage = "confirm"

    # ------------------------------------------------------------ the number

    def take_number(self) -> None:
        if self.busy or self.service is None or self.stage != "confirm":
            return
        if not self._check_open():
            return
        api = getattr(self.app.services, "api", None)
        if api is None:
            self._say("网络异常，没有取到号，请稍后再试")
            return
        self._request += 1
        req, code, key = self._request, self.service.code, self.idempotency_key
        self.busy = True
        self._say("正在取号，请稍候…")
        self.app.call(lambda: api.create_ticket(code, idempotency_key=key), lambda t: self._taken(req, t),
                      lambda exc: self._take_failed(req, exc))

    def _taken(self, req: int, ticket) -> None:
        if req != self._request:
            return
        self.busy = False
        self._say("")
        self.ticket = ticket
        self.stage = "ticket"
        log.info("ticket %s for %s", ticket.number, ticket.service_code)
        self.app.print_receipt(templates.queue_ticket(self.slip()), "ticket", f"ticket {ticket.number}",
                               on_queued=self._queued)

    def _queued(self, job_id: int) -> None:
        self.printed_job = job_id

    def _take_failed(self, req: int, exc: BaseException) -> None:
        if req != self._request:
            return
        self.busy = False
        log.warning("ticket not taken: %s", getattr(exc, "detail", type(exc).__name__))
        if isinstance(exc, Unavailable):
            self._say("网络异常，没有取到号，请稍后再试")
        else:
            self._say("没有取到号，请呼叫帮办")

    def slip(self) -> dict:
        t = self.ticket
        return {
            "number": t.number,
            "service": t.service_name,
            "waiting": t.waiting,
            "window": t.window,
            "time": f"{t.issued_at.astimezone(hours.TZ):%Y-%m-%d %H:%M}",
            "center_name": self.app.cfg.terminal.center_name,
        }

    def issued_time(self) -> str:
        return f"{self.ticket.issued_at.astimezone(hours.TZ):%H:%M}" if self.ticket else ""

    def finish(self) -> None:
        t = self.ticket
        if t is None:
            return
        self._reset()
        self.app.finish_transaction("ticket", t.number, t.service_code, t.service_name)

    # ------------------------------------------------------------ session

    def _reset(self) -> None:
        self._request += 1
        self.busy = False
        self.ticket = None
        self.service = None
        self.category = ""
        self.idempotency_key = ""
        self.printed_job = None
        self._pending_code = ""
        self._from_item = False
        self._say("")
        self.stage = "categories"

    def wipe(self) -> None:
        self._reset()
