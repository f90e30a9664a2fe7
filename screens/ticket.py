"""排队取号: the screen of kiosk.flows.ticket.TicketFlow. It shows the flow's state and turns taps into
flow calls; the rules (business hours, the countdown to a general ticket, one number per request, what
comes next) are the flow's. The screen only gives the flow a clock tick while it is shown."""

from __future__ import annotations

from pathlib import Path

from kivy.clock import Clock
from kivy.lang import Builder
from kivy.metrics import dp
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty

from kiosk.flows.ticket import Stage, TicketFlow
from screens.base import BaseScreen
from screens.tr import tr
from screens.widgets import KButton, plain

Builder.load_file(str(Path(__file__).with_suffix(".kv")))


class TicketScreen(BaseScreen):
    stage = StringProperty(Stage.START.value)
    priority = BooleanProperty(False)
    seconds_left = NumericProperty(0)
    busy = BooleanProperty(False)
    message = StringProperty("")
    closed_text = StringProperty("")
    stale = BooleanProperty(False)
    category = StringProperty("")
    service = ObjectProperty(None, allownone=True)
    ticket = ObjectProperty(None, allownone=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.flow = TicketFlow(self.app.flow_deps())
        self._shown: tuple = ()
        self._clock = None
        self.flow.subscribe(self._show)

    def on_kv_post(self, base_widget):
        self.app.bind(lang=self._show_words, orientation=self._rebuild_lists, elder=self._rebuild_lists)

    def on_stage(self, _instance, stage: str) -> None:
        self.ids.stages.current = stage

    # ------------------------------------------------------------ flow → widgets

    def _show(self) -> None:
        f = self.flow
        self.busy, self.stale, self.category, self.priority = f.busy, f.stale, f.category, f.priority
        self.seconds_left = f.seconds_left()
        self.service, self.ticket = f.service, f.ticket
        self.stage = f.stage.value
        self._show_words()
        # The lists depend on the items and the chosen category, not on the stage: taking a number
        # (or walking back) must not rebuild some twenty buttons in the frame that shows the ticket.
        # The same items fetched again on the next visit (a new list, equal) keep their buttons too.
        services, shown = list(f.services), self._shown
        if not shown or shown[0] != services:
            self._shown = (services, f.category)
            self._rebuild_lists()
        elif shown[1] != f.category:
            self._shown = (services, f.category)
            self._build_items()

    def _show_words(self, *_args) -> None:
        self.message = tr._(self.flow.message)
        self.closed_text = "\n".join(tr._(m) for m in self.flow.closed_lines)
        if _args:                        # a language switch: names in lists and cards follow it
            self._rebuild_lists()
            self.property("service").dispatch(self)

    def service_name(self, svc) -> str:
        if svc is None:
            return ""
        return svc.name_en if self.app.lang == "en" and svc.name_en else svc.name

    def _rebuild_lists(self, *_args) -> None:
        if self.ids.get("category_grid") is None:
            return
        self._build_choices()
        self._build_items()

    def _build_choices(self) -> None:
        """The common items and the categories: they change with the items (and language, orientation)."""
        cats, popular = self.ids.category_grid, self.ids.popular_grid
        landscape = self.app.orientation == "landscape"
        popular.clear_widgets()
        popular.cols = 3 if landscape else 2
        for svc in self.flow.popular():
            btn = KButton(kind="tile", text=self.service_name(svc), min_height=self.app.sz.tile * 0.6)
            btn.service = svc
            btn.bind(on_release=lambda b: self.flow.choose_popular(b.service))
            popular.add_widget(btn)
        cats.clear_widgets()
        cats.cols = 3 if landscape else 2
        for cat, n in self.flow.categories():
            btn = KButton(kind="tile", font_role="title", text=f"{plain(tr._(cat))}\n[size={int(self.app.sz.body)}]"
                          f"{tr._('{n} 项').format(n=n)}[/size]", markup=True, min_height=self.app.sz.tile * 0.7)
            btn.category = cat
            btn.bind(on_release=lambda b: self.flow.choose_category(b.category))
            cats.add_widget(btn)
        for grid in (cats, popular):
            grid.height = grid.minimum_height or dp(10)

    def _build_items(self) -> None:
        """The items of the chosen category."""
        items = self.ids.get("item_grid")
        if items is None:
            return
        items.clear_widgets()
        items.cols = 2 if self.app.orientation == "landscape" else 1
        for svc in self.flow.items():
            btn = KButton(kind="tile", text=self.service_name(svc))
            btn.service = svc
            btn.bind(on_release=lambda b: self.flow.choose_service(b.service))
            items.add_widget(btn)
        items.height = items.minimum_height or dp(10)

    # ------------------------------------------------------------ taps → flow

    def on_activate(self, service_code: str = "", **_params) -> None:
        self.flow.start(service_code)
        if self._clock is None:
            self._clock = Clock.schedule_interval(self._tick, 0.25)

    def on_deactivate(self) -> None:
        self._stop_clock()

    def _stop_clock(self) -> None:
        if self._clock is not None:
            self._clock.cancel()
            self._clock = None

    def _tick(self, _dt: float) -> None:
        self.flow.tick()
        self.seconds_left = self.flow.seconds_left()

    def on_back(self) -> bool:
        return self.flow.back()

    def choose_category(self, category: str) -> None:
        self.flow.choose_category(category)

    def choose_service(self, svc) -> None:
        self.flow.choose_service(svc)

    def back_to_categories(self) -> None:
        self.flow.back_to_categories()

    def take_number(self) -> None:
        self.flow.take_number()

    def take_general(self) -> None:
        self.flow.take_general()

    def toggle_priority(self) -> None:
        self.flow.toggle_priority()

    def other_items(self) -> None:
        self.flow.other_items()

    def finish(self) -> None:
        self.flow.finish()

    def issued_time(self) -> str:
        return self.flow.issued_time()

    @property
    def idempotency_key(self) -> str:
        return self.flow.idempotency_key

    @property
    def printed_job(self) -> int | None:
        return self.flow.printed_job

    def wipe(self) -> None:
        self._stop_clock()
        self.flow.reset()
