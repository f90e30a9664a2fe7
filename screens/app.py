"""The Kivy App: wires the services and the flows, holds what the shell displays as properties,
navigates, and runs the idle guard. Task rules live in kiosk/flows, which need no window.

Import this only after screens.glue.configure_kivy() (or the tests' conftest) has set Kivy's Config:
importing kivy.core.window creates the window.
"""

from __future__ import annotations

import gc
import importlib
import logging
import time as _time
from datetime import datetime

from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.properties import BooleanProperty, ListProperty, ObjectProperty, StringProperty

from kiosk import theme
from kiosk.config import Config
from kiosk.hours import TZ
from kiosk.i18n import load_all
from kiosk.memory import release_freed_memory
from kiosk.session import Session, idle_seconds
from kiosk.workers import Worker
from screens.glue import kivy_post
from screens.tr import tr

log = logging.getLogger(__name__)
SETTLE_AFTER_START = 5.0        # s after the first frame: services started, home drawn
SETTLE_AFTER_SESSION = 0.5      # s after a session ended: the home screen is drawn, nobody is here yet
RELEASE_AFTER_REDRAW = 1.0      # s after the clock's minute changed on the unattended home screen
# Frame pace of the settled, untouched home screen (nothing animates there). Kivy's loop wakes at maxfps
# (30) whether or not anything changed, which is most of an idle kiosk's CPU; at 15 a touch waits at
# most 67 ms before it is seen, and the first touch restores the full pace.
IDLE_FPS = 15.0


def _sizes(elder: bool) -> theme.Sizes:
    """The theme's sizes in pixels for this screen: text in sp, targets in dp (never fixed pixels)."""
    from kivy.metrics import dp, sp

    return theme.sizes(elder, sp=sp(1), dp=dp(1))


class KioskApp(App):
    title = "自助终端"
    lang = StringProperty("zh_CN")
    elder = BooleanProperty(False)
    sz = ObjectProperty(theme.NORMAL, rebind=True)   # rebind: kv binds app.sz.body only then
    orientation = StringProperty("landscape")
    now_text = StringProperty("")
    center_name_text = StringProperty("")
    current_screen = StringProperty("home")
    can_go_back = BooleanProperty(False)
    staff_mode = StringProperty("")            # "" | "helper" | "technician"
    banners = ListProperty([])                  # [(level, msgid)]
    api_ok = BooleanProperty(True)
    printer_ok = BooleanProperty(True)
    reader_ok = BooleanProperty(True)
    demo_mode = BooleanProperty(False)
    voice_available = BooleanProperty(False)     # a voice engine is up (the 朗读 buttons show)
    voice_on = BooleanProperty(False)            # speaking for this session           # the header's permanent 演示模式 / DEMO mark

    def __init__(self, cfg: Config | None = None, services=None, **kwargs):
        super().__init__(**kwargs)
        self.cfg = cfg or Config.demo()
        self.services = services
        self.session = Session()
        self.worker = Worker(kivy_post)
        self._screens: dict = {}
        self._history: list[tuple[str, dict]] = []
        self._idle_ev = None
        self._countdown = None
        self._countdown_ev = None
        self._clock_ev = None
        self._settle_ev = None
        self._release_ev = None
        self._job_watchers: dict = {}
        self._last_tick = _time.monotonic()
        self.pin_gate = None
        self.staff_session = None
        self._services_started = False
        self._start_ev = None
        self._job_status: dict = {}
        self._flow_deps = None
        self._full_fps: float | None = None    # Kivy's maxfps while someone is here (see IDLE_FPS)
        from kiosk.announcer import Announcer

        self.announcer = Announcer()        # silent until the services' voice is up
        self.demo_mode = self.cfg.is_demo
        self.lang = self.cfg.ui.language
        self.elder = self.cfg.ui.elder_mode
        self.sz = _sizes(self.elder)

    # ---------------------------------------------------------------- lifecycle

    def build(self):
        from screens.shell import KioskRoot
        tr.switch(self.lang)
        self._update_center_name()
        # The background is the window's clear colour, not a rectangle over the whole window: software GL
        # (a terminal without a GPU driver, and the benchmarks here) fills each full-window rectangle
        # pixel by pixel, ~9 ms of every full frame at 1920x1080 (the first frame, the clock's minute).
        Window.clearcolor = theme.hex_rgba(theme.COLORS["bg"])
        self.root_widget = KioskRoot()
        self.sm = self.root_widget.ids.sm
        self._show("home", {})
        return self.root_widget

    def on_banners(self, *_args) -> None:
        from screens.widgets import Banner

        box = self.root_widget.ids.banners
        box.clear_widgets()
        if self.staff_mode:
            role = "帮办模式" if self.staff_mode == "helper" else "技术维护模式"
            box.add_widget(Banner(level="info", text=tr._(role)))
        for level, msgid in self.banners:
            box.add_widget(Banner(level=level, text=tr._(msgid)))

    def on_lang(self, *_args) -> None:
        if getattr(self, "root_widget", None) is not None:
            self.on_banners()

    def on_staff_mode(self, *_args) -> None:
        self.on_banners()

    def on_start(self):
        Window.bind(on_motion=self._on_input, on_key_down=self._on_input, on_request_close=self._refuse_close,
                    size=self._on_window_size)
        self._on_window_size(Window, Window.size)
        self._tick_clock(0)
        self._clock_ev = Clock.schedule_interval(self._tick_clock, 1.0)
        if self.services is not None:
            # Nothing is known before the services answer: the *_ok flags say so (False), so that a
            # screen opened in the first second sees the API come up as a change (BaseScreen).
            self._refresh_device_state()
            # After the first frame: the demo server and device threads would otherwise compete with it.
            Window.bind(on_flip=self._after_first_frame)
        log.info("kiosk started: terminal %s, %s", self.cfg.terminal.id, "demo mode" if self.cfg.is_demo else "")

    def _after_first_frame(self, *_args) -> None:
        # The window's on_flip handlers run before its own, which puts the frame on the screen: threads
        # started here (the services', and through them the demo's processes) competed with that swap
        # and with the rest of the frame. They start at the next tick, the first frame shown.
        Window.unbind(on_flip=self._after_first_frame)
        self._start_ev = Clock.schedule_once(self._start_services, 0)

    def _start_services(self, *_args) -> None:
        self._start_ev = None
        self._settle_later(SETTLE_AFTER_START)
        # The English catalog is read now, off the UI thread, not before the first frame nor at the
        # first tap on English; one that cannot be read is the technician's to see, in the log.
        self.worker.submit(load_all, lambda _r: None,
                           lambda e: log.error("language catalog unreadable: %s", e))
        if self.services is not None and not self._services_started:
            self._services_started = True
            self.services.start(self, post=kivy_post)

    # ---------------------------------------------------------------- memory between citizens

    def _settle_later(self, seconds: float) -> None:
        if self._settle_ev is not None:
            self._settle_ev.cancel()
        self._settle_ev = Clock.schedule_once(self._settle_memory, seconds)

    def _settle_memory(self, _dt=None) -> None:
        """Python's full garbage collection walks every object the kiosk holds (Kivy, the screens, the
        catalogues): some 400,000, 100-400 ms on this hardware, and it came once per session at a
        moment of its own choosing: in the middle of a citizen's flow, a frozen screen. So it runs
        here, on the untouched home screen between two citizens, and the survivors are frozen
        (gc.freeze): the collections during a session then walk only what that session made.
        Unfrozen first, so what the last session left behind in cycles is collected now."""
        self._settle_ev = None
        if not self._unattended():
            # Someone came within the pause (a card read as the last citizen left): the full collection
            # waits for their session's end. What the last session made and left in cycles goes now:
            # without the frozen rest of the kiosk that is ~60,000 objects, ~30 ms here (the full one:
            # 400,000, 200 ms). Held through the new session it raised that session's peak by ~4 MB,
            # and the arenas a peak takes from the system stay with Python for good.
            if gc.get_freeze_count():
                gc.collect()
            return
        gc.unfreeze()
        gc.collect()
        tr.prune()      # the kv observers of what it freed: the dialogs the session end closed
        gc.freeze()
        release_freed_memory()    # what that freed goes back to the system, not only to malloc's pool
        self._frame_pace(idle=True)

    def _unattended(self) -> bool:
        return not self.session.active and self.current_screen == "home" and not self.staff_mode

    def on_now_text(self, *_args) -> None:
        """The clock's minute is the one thing that redraws the unattended home screen, and drawing
        that frame (software GL's working buffers, the clock's new text) leaves ~3 MB free in malloc's
        heap, held until the next citizen's session end: hours on a quiet afternoon, every night.
        Given back a moment after the frame, as between citizens (a few ms once a minute)."""
        if self._settle_ev is None and self._unattended():
            if self._release_ev is not None:
                self._release_ev.cancel()
            self._release_ev = Clock.schedule_once(self._release_after_redraw, RELEASE_AFTER_REDRAW)

    def _release_after_redraw(self, _dt=None) -> None:
        self._release_ev = None
        if self._unattended():
            release_freed_memory()

    def _frame_pace(self, idle: bool) -> None:
        """IDLE_FPS on the settled home screen, Kivy's configured maxfps otherwise (unlimited stays so)."""
        if self._full_fps is None:
            self._full_fps = float(getattr(Clock, "_max_fps", 0) or 0)
        if self._full_fps > IDLE_FPS:
            Clock._max_fps = IDLE_FPS if idle else self._full_fps

    def on_stop(self):
        Window.unbind(on_flip=self._after_first_frame)
        if self._start_ev is not None:
            self._start_ev.cancel()
        self._frame_pace(idle=False)
        gc.unfreeze()           # another app in this process (the tests) must be able to collect ours
        current = self._screens.get(self.current_screen)
        if current is not None:
            current.dispatch("on_deactivate")     # screens stop their own timers
        for ev in (self._idle_ev, self._countdown_ev, self._clock_ev, self._settle_ev, self._release_ev):
            if ev is not None:
                ev.cancel()
        Window.unbind(on_motion=self._on_input, on_key_down=self._on_input,
                      on_request_close=self._refuse_close, size=self._on_window_size)
        if self.services is not None:
            self.services.stop()
        self.worker.shutdown()
        self.session.end("app stopped")
        tr.forget_observers()

    def open_settings(self, *args):
        return False        # F1 must not open Kivy's settings panel on a public terminal

    def _refuse_close(self, *args, **kwargs):
        if self.cfg.ui.fullscreen:
            log.info("window close refused")
            return True
        return False

    def _on_window_size(self, _win, size):
        self.orientation = "portrait" if size[1] > size[0] else "landscape"

    # ---------------------------------------------------------------- display state

    def ui_alive(self) -> bool:
        """Called from the heartbeat thread: has the UI clock ticked in the last 10 s?"""
        return _time.monotonic() - self._last_tick < 10.0

    def _tick_clock(self, _dt):
        self._last_tick = _time.monotonic()
        now = datetime.now(TZ)
        if self.lang == "zh_CN":
            week = "一二三四五六日"[now.weekday()]
            self.now_text = f"{now:%Y年%m月%d日} 星期{week} {now:%H:%M}"
        else:
            self.now_text = now.strftime("%a %d %b %Y %H:%M")

    def _update_center_name(self):
        t = self.cfg.terminal
        self.center_name_text = t.center_name if self.lang == "zh_CN" else t.center_name_en

    def set_language(self, lang: str) -> None:
        if lang == self.lang:
            return
        self.session.touch()
        tr.switch(lang)         # first: Python code bound to `lang` must already translate to the new one
        self.lang = lang
        self._update_center_name()
        self._tick_clock(0)
        self.announcer.language_changed(lang)
        log.info("language switched to %s", lang)

    def toggle_language(self) -> None:
        self.set_language("en" if self.lang == "zh_CN" else "zh_CN")

    def set_elder(self, on: bool) -> None:
        if on == self.elder:
            return
        self.session.touch()
        self.sz = _sizes(on)           # first: code bound to `elder` must already see the new sizes
        self.elder = on
        self._restart_idle()
        if on and self.staff_mode == "":
            self.announcer.elder_changed(on, self.lang)
            self.voice_on = self.announcer.on
        log.info("elder mode %s", "on" if on else "off")

    def toggle_elder(self) -> None:
        self.set_elder(not self.elder)

    def capability(self, need: str) -> bool:
        return {"api": self.api_ok, "printer": self.printer_ok, "reader": self.reader_ok}.get(need, True)

    # ---------------------------------------------------------------- helpers for screens

    def call(self, fn, on_result, on_error=None) -> None:
        """Run fn (an API or device call) off the UI thread; the callbacks run on it."""
        self.worker.submit(fn, on_result, on_error or self.show_error)

    def error_text(self, error: BaseException) -> str:
        """Words for people about error, in the current language (kiosk.error_words: one catalog)."""
        from kiosk.error_words import error_words
        return tr._(error_words(error))

    def show_error(self, error: BaseException | str, title: str = "") -> None:
        from screens.widgets import show_dialog

        if not isinstance(error, str):
            log.warning("shown to the citizen: %s: %s", type(error).__name__, getattr(error, "detail", error))
            error = self.error_text(error)
        show_dialog(title or tr._("抱歉"), error, tr._("知道了"),
                    cancel_text=tr._("呼叫帮办"), on_cancel=self.call_helper)

    def print_receipt(self, receipt, kind: str, summary: str, on_queued=None) -> None:
        """Queue a receipt; the print dialog follows the job until it printed or waits for the printer."""
        svc = self.services
        if svc is None or svc.printq is None:
            self.show_error(tr._("本机暂时不能打印，请联系工作人员。"))
            return

        def queued(job_id: int) -> None:
            from screens.dialogs.print_dialog import PrintDialog

            PrintDialog.follow(self, job_id)
            if on_queued:
                on_queued(job_id)

        self.call(lambda: svc.printq.submit(receipt, kind, summary), queued)

    def flow_deps(self):
        """What the flows reach (kiosk.flows.deps.FlowDeps), one for the app's lifetime."""
        if self._flow_deps is None:
            from kiosk.flows.deps import FlowDeps

            def service(name: str):
                return (lambda: getattr(self.services, name) if self.services is not None else None)

            def read_failures() -> int:
                return getattr(service("card")(), "read_failures", 0)

            self._flow_deps = FlowDeps(runner=self.worker, cfg=self.cfg, session=self.session,
                                       api=service("api"), reference=service("reference"),
                                       outbox=service("outbox"), print_queue=service("printq"), a4=service("a4"),
                                       services=lambda: self.services,
                                       print_slip=self.print_receipt, finish_transaction=self.finish,
                                       audit=self.staff_action, end_citizen_session=self.end_citizen_session,
                                       staff_mode=lambda: self.staff_mode, reader_ok=lambda: self.reader_ok,
                                       card_read_failures=read_failures, announcer=self.announcer,
                                       printer_ok=lambda: self.printer_ok, elder=lambda: self.elder)
        return self._flow_deps

    def finish_transaction(self, kind: str, reference: str, service_code: str = "",
                           service_name: str = "") -> None:
        from kiosk.session import Transaction

        self.finish(Transaction(kind=kind, reference=reference, service_code=service_code,
                                service_name=service_name))

    def finish(self, tx) -> None:
        """A transaction is done: record it and open 好差评 (one evaluation per transaction)."""
        from screens import SCREENS

        self.session.add_transaction(tx)
        if "evaluation" in SCREENS:
            self.go("evaluation", tx=tx)

    def watch_job(self, job_id: int, cb) -> None:
        """cb(job_id, status) for each status of a print job ("printed" | "waiting" | "failed")."""
        self._job_watchers.setdefault(job_id, []).append(cb)
        if job_id in self._job_status:
            cb(job_id, self._job_status[job_id])

    def unwatch_job(self, job_id: int) -> None:
        self._job_watchers.pop(job_id, None)

    def demo_toggle_card(self) -> None:
        svc = self.services
        if svc is not None and svc.demo.reader_sim is not None:
            self.worker.submit(svc.demo.toggle_card)

    # ---------------------------------------------------------------- service events (UI thread)

    def on_service_event(self, event: str, payload) -> None:
        if event in ("state", "ready"):
            self._refresh_device_state()
            voice = getattr(self.services, "voice", None)
            if event == "ready" and voice is not None and self.announcer.voice is None:
                self.announcer.voice = voice
                self.voice_available = True
        elif event == "card_inserted":
            self.session.set_identity(payload)
            self._session_started()
            self.announcer.card_read(payload)
            self._restart_idle()
            self._to_screen("on_card_inserted", payload)
        elif event == "card_removed":
            # Identity-bound data leaves with the card, whatever screen is showing.
            self.session.clear_identity()
            self._to_screen("on_card_removed")
        elif event == "print_job":
            job_id, status = payload
            self._job_status[job_id] = status
            if len(self._job_status) > 200:
                self._job_status.pop(next(iter(self._job_status)))
            for cb in list(self._job_watchers.get(job_id, ())):
                cb(job_id, status)
            if job_id in self._job_watchers:        # a slip of this session: say what to do next
                self.announcer.print_status(status)
            self._to_screen("on_print_job", *payload)
        elif event == "delivered":
            self._to_screen("on_delivered", *payload)

    def _to_screen(self, method: str, *args) -> None:
        scr = self._screens.get(self.current_screen)
        handler = getattr(scr, method, None)
        if handler is not None:
            handler(*args)

    def _refresh_device_state(self) -> None:
        svc = self.services
        if svc is None:
            return
        self.api_ok = svc.can("api")
        self.printer_ok = svc.can("printer")
        self.reader_ok = svc.can("reader")
        banners = []
        if svc.states.get("api") in ("down", "error"):
            banners.append(("error", "网络暂不可用：办件查询、取号等功能暂停，事项指南等内容可能不是最新。"))
        printer = svc.states.get("printer")
        if printer in ("out", "cover_open", "offline", "not_connected", "unknown", "error"):
            banners.append(("warn", "打印机暂不可用，需要打印的功能暂停，请联系工作人员。"))
        elif printer == "near_end":
            banners.append(("warn", "打印纸即将用完，请告知工作人员。"))
        if svc.states.get("reader") in ("not_connected", "error"):
            # Typing an ID number is for helpers only (kiosk/flows/cases.py): point citizens at what they can do.
            banners.append(("warn", "读卡器暂不可用，请用办件编号查询，或呼叫帮办。"))
        self.banners = banners

    # ---------------------------------------------------------------- navigation

    def screen(self, name: str):
        if name not in self._screens:
            from screens import SCREENS

            module_name, cls_name = SCREENS[name].split(":")
            cls = getattr(importlib.import_module(module_name), cls_name)
            scr = cls(name=name)
            self._screens[name] = scr
            self.sm.add_widget(scr)
        return self._screens[name]

    def _show(self, name: str, params: dict) -> None:
        old = self._screens.get(self.sm.current) if self.sm.current else None
        scr = self.screen(name)
        if old is not None and old is not scr:
            old.dispatch("on_deactivate")
        self.sm.current = name
        self.current_screen = name
        self.can_go_back = bool(self._history)
        scr.activate(**params)
        self._restart_idle()

    def go(self, name: str, **params) -> None:
        from screens import SCREENS

        if name not in SCREENS:
            log.error("no screen %r", name)
            return
        self.session.touch()
        if self.current_screen != name:
            self._history.append((self.current_screen, {}))
        self._show(name, params)

    def back(self) -> None:
        scr = self._screens.get(self.current_screen)
        # A screen with levels (list -> detail) goes up one level first.
        if scr is not None and hasattr(scr, "on_back") and scr.on_back():
            return
        if not self._history:
            return
        name, params = self._history.pop()
        self._show(name, params)

    def home(self) -> None:
        """首页 ends the citizen's session: the next person must not see the last one's data."""
        self.end_session("home")

    def end_session(self, reason: str) -> None:
        self._close_countdown()
        self._close_dialogs()
        if self.staff_mode == "":
            self.set_language(self.cfg.ui.language)
            self.set_elder(self.cfg.ui.elder_mode)
        for scr in self._screens.values():
            scr.wipe()
        self.session.end(reason)
        self.announcer.session_ended()
        self.voice_on = False
        self._history.clear()
        self._show("home", {})
        # The kv observers of the session's closed dialogs would otherwise stay until a language switch.
        tr.prune()
        self._settle_later(SETTLE_AFTER_SESSION)

    def _close_dialogs(self) -> None:
        """Dialogs left open (a print preview, an error) belong to the person who is gone; the next
        one must not see them. A print job they were following keeps printing."""
        from kivy.core.window import Window
        from kivy.uix.modalview import ModalView

        for w in list(Window.children):
            if isinstance(w, ModalView):
                w.dismiss(animation=False)

    def end_citizen_session(self) -> None:
        """A helper ends the citizen's session from 帮办模式: everything personal goes, the helper stays."""
        self.session.end("ended by helper")
        for scr in self._screens.values():
            if scr is not self._screens.get(self.current_screen):
                scr.wipe()

    def call_helper(self) -> None:
        from screens import SCREENS

        if "help" in SCREENS:
            self.go("help")

    def request_staff_mode(self) -> None:
        """The hidden gesture (3 s on the emblem): the PIN pad, or the staff panel if already in."""
        from kiosk.security import PinGate, report_to_outbox
        from screens import SCREENS

        if self.staff_mode:
            self.go("staff" if self.staff_mode == "helper" else "diagnostics")
            return
        if "pin" in SCREENS:
            if self.pin_gate is None:
                self.pin_gate = PinGate.for_data_dir(
                    self.cfg.data_dir, on_lockout=report_to_outbox(lambda: getattr(self.services, "outbox", None)))
            self.go("pin")

    def enter_staff_mode(self, role: str) -> None:
        from kiosk.security import StaffSession

        self.staff_session = StaffSession.enter(role)
        self.staff_mode = role
        self.go("staff" if role == "helper" else "diagnostics")

    def staff_action(self, what: str, detail: str = "") -> None:
        if self.staff_session is not None:
            self.staff_session.action(what, detail)

    def leave_staff_mode(self, reason: str = "leave") -> None:
        if self.staff_session is not None:
            self.staff_session.exit(reason)
        self.staff_session = None
        self.staff_mode = ""
        self.end_session(f"staff mode ended ({reason})")

    # ---------------------------------------------------------------- idle timeout

    def current_idle_limit(self) -> float:
        scr = self._screens.get(self.current_screen)
        kind = getattr(scr, "kind", "menu")
        s = self.cfg.session
        if self.staff_mode:
            return s.staff_idle_seconds
        return idle_seconds(kind, self.elder, s.idle_menu_seconds, s.idle_form_seconds)

    def _on_input(self, *args):
        if self._countdown is not None:
            return
        if self.staff_session is not None:
            self.staff_session.touch()
        self._last_input = _time.monotonic()
        if not self.session.active and self.current_screen == "home":
            self.session.touch()
        if self.staff_mode == "":
            self._session_started()
        self._restart_idle()

    def _session_started(self) -> None:
        self.announcer.session_started(self.elder, self.lang)
        self.voice_on = self.announcer.on

    def toggle_voice(self) -> None:
        """The citizen's voice switch (语音播报 开/关)."""
        self._session_started()
        self.voice_on = self.announcer.toggle()

    def read_aloud(self, text: str) -> None:
        """The 朗读 button of a screen: its title and main instruction, spoken."""
        self._session_started()
        self.announcer.read_aloud(text)
        self.voice_on = self.announcer.on

    def _restart_idle(self) -> None:
        if self._idle_ev is not None:
            self._idle_ev.cancel()
        # Nothing to protect on an untouched home screen: no timer, no wake-ups.
        unattended = self.current_screen == "home" and not self.session.active and not self.staff_mode
        if self.services is not None and getattr(self.services, "attended", not unattended) == unattended:
            self.services.set_attended(not unattended)      # the devices' and the API check's pace
        if not unattended:
            self._frame_pace(idle=False)        # the idle pace comes back with the next settle
        if unattended:
            self._idle_ev = None
            return
        self._idle_ev = Clock.schedule_once(self._idle_expired, self.current_idle_limit())

    def _idle_expired(self, _dt) -> None:
        self._idle_ev = None
        if self._countdown is not None:
            return
        if self.staff_mode:
            log.info("staff mode idle: leaving")
            self.leave_staff_mode("idle")
            return
        from screens.widgets import CountdownDialog

        log.info("idle on %s: countdown", self.current_screen)
        self.announcer.session_ending()
        self._countdown = CountdownDialog(remaining=self.cfg.session.countdown_seconds,
                                          continue_cb=self._countdown_continue)
        self._countdown.open()
        self._countdown_ev = Clock.schedule_interval(self._countdown_tick, 1.0)

    def _countdown_tick(self, _dt) -> None:
        if self._countdown is None:
            return
        self._countdown.remaining -= 1
        if self._countdown.remaining <= 0:
            log.info("idle countdown ran out")
            self.end_session("idle timeout")

    def _countdown_continue(self) -> None:
        self._close_countdown(dismiss=False)
        self._restart_idle()

    def _close_countdown(self, dismiss: bool = True) -> None:
        if self._countdown_ev is not None:
            self._countdown_ev.cancel()
            self._countdown_ev = None
        if self._countdown is not None:
            if dismiss:
                self._countdown.dismiss(animation=False)
            self._countdown = None

    @property
    def countdown(self):
        return self._countdown
