"""The terminal's services behind the UI: the ID-card reader, the print queue, the central API with
its outbox and reference cache, the heartbeat; in demo mode the simulators and the demo API as well.

Everything here runs on its own threads. Events reach the UI through `post` (Kivy's Clock in the app),
so the UI thread never waits on a device or the network. Start-up itself runs on a thread too: the
first frame does not wait for a serial port or the demo server.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kiosk.config import Config
from kiosk.memory import fixed_mmap_threshold, limit_arenas

log = logging.getLogger(__name__)

NOT_CONFIGURED = "not_configured"
HEARTBEAT_INTERVAL = 60.0
# Our device states in the contract's words (DeviceState.state).
_CONTRACT_STATE = {
    "ok": "ok", "ready": "ok", "near_end": "warning", "out": "error", "cover_open": "error",
    "error": "error", "down": "offline", "offline": "offline", "not_connected": "offline",
    NOT_CONFIGURED: "unknown", "starting": "unknown", "unknown": "unknown",
}
STARTING = "starting"
HEALTH_INTERVAL = 15.0
HEALTH_RETRY = 3.0      # while the API is down: its return re-enables the citizen's functions soon
# While it is down and nobody uses the terminal: a touch checks at once (set_attended), so a citizen
# still finds the functions back within HEALTH_RETRY of arriving.
HEALTH_RETRY_UNATTENDED = HEALTH_INTERVAL


class NoDemoParts:
    """What a terminal configuration has of demo mode: nothing. The production bundle leaves kiosk.demo
    (simulators, demo API) out, so a terminal must not import it at all."""

    printer_sim = reader_sim = api_server = None

    def __init__(self, cfg: Config):
        self.cfg = cfg

    def start(self) -> Config:
        return self.cfg

    def toggle_card(self) -> str:
        raise RuntimeError("no card simulator in a terminal configuration")

    def last_slip_picture(self) -> None:
        return None             # a real printer's slips are on paper only

    def stop(self) -> None:
        pass


def demo_parts(cfg: Config, in_process: bool = False) -> Any:
    """kiosk.demo.DemoParts when the config asks for a simulator or the demo API, else NoDemoParts."""
    if cfg.wants_demo_parts:
        from kiosk.demo import DemoParts

        return DemoParts(cfg, in_process=in_process)
    return NoDemoParts(cfg)


class Services:
    def __init__(self, cfg: Config, demo_in_process: bool = False):
        """demo_in_process: in demo mode, the demo API and the device simulators on threads here rather
        than in processes of their own (for tests that switch their faults, read the API's records or put
        cards on the reader themselves)."""
        limit_arenas()                 # before the services' threads make arenas of their own
        fixed_mmap_threshold()
        self.cfg = cfg
        self.demo = demo_parts(cfg, in_process=demo_in_process)
        self.api = None
        self.outbox = None
        self.reference = None
        self.card = None
        self.printq = None
        self.a4 = None              # drivers.a4.A4Printer | None ([a4] queue); calls block: workers only
        self.heartbeat = None
        self.voice = None
        self.states: dict[str, str] = {"api": STARTING, "printer": STARTING, "reader": STARTING}
        self.details: dict[str, str | None] = {}
        self._listeners: list[Callable[[str, Any], None]] = []
        self._post: Callable[[Callable[[], None]], None] = lambda fn: fn()
        self._stop = threading.Event()
        self._health_wake = threading.Event()
        self._health_now = False         # the wake asks for a check now, not just a new pace
        self._thread: threading.Thread | None = None
        self.ready = threading.Event()
        self.started_at = time.monotonic()
        self.watchdog = None
        self.ui_alive: Callable[[], bool] = lambda: True
        self.attended = True            # the UI says when the terminal stands idle (set_attended)

    # ------------------------------------------------------------------ wiring

    def subscribe(self, listener: Callable[[str, Any], None]) -> None:
        """listener(event, payload) on the UI thread. Events: state, card_inserted, card_removed,
        print_job, delivered."""
        self._listeners.append(listener)

    def _emit(self, event: str, payload: Any = None) -> None:
        def deliver() -> None:
            for listener in list(self._listeners):
                try:
                    listener(event, payload)
                except Exception:
                    log.exception("listener failed on %s", event)

        self._post(deliver)

    def _set_state(self, name: str, state: str, detail: str | None = None) -> None:
        if self.states.get(name) == state and self.details.get(name) == detail:
            return
        changed = self.states.get(name) != state
        self.states[name], self.details[name] = state, detail
        # While the API is down its detail alternates between the health check's and the heartbeat's
        # error every few seconds: a line each time would be thousands a day in the log for one outage.
        log.log(logging.INFO if changed else logging.DEBUG, "%s: %s%s", name, state,
                f" ({detail})" if detail else "")
        self._emit("state", (name, state, detail))

    # ------------------------------------------------------------------ lifecycle

    def start(self, app: Any = None, post: Callable[[Callable[[], None]], None] | None = None) -> None:
        """post(fn) delivers events on the thread that wants them (the UI passes Kivy's Clock)."""
        if post is not None:
            self._post = post
        if app is not None and hasattr(app, "on_service_event"):
            self.subscribe(app.on_service_event)
        if app is not None and hasattr(app, "ui_alive"):
            self.ui_alive = app.ui_alive
        self._thread = threading.Thread(target=self._start_all, name="services-start", daemon=True)
        self._thread.start()

    def _start_all(self) -> None:
        try:
            self.cfg = self.demo.start()
        except Exception as e:
            log.exception("demo parts failed to start")
            self._set_state("api", "error", str(e))
        data = Path(self.cfg.data_dir)
        data.mkdir(parents=True, exist_ok=True)
        from kiosk.a4 import open_a4

        self.a4 = open_a4(self.cfg)     # no I/O: the A4 printer is asked only when a flow needs it
        for name, starter in (("api", self._start_api), ("reader", self._start_reader),
                              ("printer", self._start_printer)):
            if self._stop.is_set():
                return
            try:
                starter(data)
            except Exception as e:
                log.exception("%s failed to start", name)
                self._set_state(name, "error", str(e))
        self._start_heartbeat(data)
        self._start_voice(data)
        self.ready.set()
        self._emit("ready")
        self._health_loop()

    def _start_api(self, data: Path) -> None:
        from kiosk.api import ApiClient
        from kiosk.cache import CachedReference, ReferenceCache
        from kiosk.outbox import Outbox

        a = self.cfg.api
        self.api = ApiClient(a.base_url, a.token, self.cfg.terminal.id, connect_timeout=a.connect_timeout,
                             read_timeout=a.read_timeout, ca_bundle=a.ca_bundle or None)
        self.api.observe(self._on_api_traffic)
        self.reference = CachedReference(self.api, ReferenceCache(data / "reference"))
        self.outbox = Outbox(data / "outbox.sqlite", self._send_record)
        self.outbox.on_delivered(lambda kind, key, response: self._emit("delivered", (kind, key, response)))
        self.outbox.start()
        self._check_api()

    def _start_voice(self, data: Path) -> None:
        """The voice is a comfort, not a function: if it cannot start, the kiosk carries on silent."""
        if not self.cfg.voice.enabled:
            return
        try:
            from kiosk.voice import Voice

            self.voice = Voice(self.cfg.voice, data)
            self.voice.warm()       # fixed prompts ahead, so they start at once when needed
        except Exception:
            log.exception("voice could not start; the kiosk carries on without it")
            self.voice = None

    def _send_record(self, kind: str, payload: dict, key: str):
        return self.api.send_outbox(kind, payload, key)

    def _check_api(self) -> None:
        try:
            self.api.health()
        except Exception as e:
            self._set_state("api", "down", getattr(e, "detail", None) or str(e))

    def _on_api_traffic(self, error) -> None:
        """Every request tells the API state, so a citizen's failed lookup shows on the banner and
        the technician's screen at once, not at the next health check."""
        from kiosk.api.errors import BadResponse, Unavailable

        was = self.states.get("api")
        if error is None:
            self._set_state("api", "ok")
            if was != "ok" and self.outbox is not None:
                # Back after an outage: what waited in the outbox goes now, not after its backoff
                # (up to a minute per record once an outage has lasted a while).
                self.outbox.retry_now()
        elif isinstance(error, (Unavailable, BadResponse)):      # not 404/422: those are answers
            self._set_state("api", "down", getattr(error, "detail", None) or str(error))
            if was == "ok":
                self._health_wake.set()        # check again in seconds, not at the end of a 15 s wait

    def health_interval(self) -> float:
        """Seconds between health checks: the API's state and whether someone uses the terminal."""
        if self.states.get("api") == "ok":
            return HEALTH_INTERVAL
        return min(HEALTH_RETRY if self.attended else HEALTH_RETRY_UNATTENDED, HEALTH_INTERVAL)

    def _health_loop(self) -> None:
        while not self._stop.is_set():
            if self._health_wake.wait(self.health_interval()):
                self._health_wake.clear()      # the state changed: wait again, at the new pace
                now, self._health_now = self._health_now, False
                if not now:
                    continue
            if self.api is not None and not self._stop.is_set():
                self._check_api()

    def _start_heartbeat(self, data: Path) -> None:
        from kiosk.heartbeat import HeartbeatScheduler, Watchdog

        self.watchdog = Watchdog()
        enqueue = self.outbox.enqueue if self.outbox is not None else (lambda kind, payload: None)
        self.heartbeat = HeartbeatScheduler(interval=HEARTBEAT_INTERVAL, build=self.heartbeat_payload,
                                            enqueue=enqueue, watchdog=self.watchdog, alive=self.alive)
        self.heartbeat.start()
        self.watchdog.ready()

    def heartbeat_payload(self) -> dict:
        """The heartbeat in the contract's shape (kiosk.api.models.Heartbeat)."""
        from kiosk import __version__
        from kiosk.heartbeat import alert_devices, build_heartbeat

        hb = build_heartbeat(self.cfg.terminal.id, __version__, self.started_at, dict(self.states),
                             self.outbox.depth() if self.outbox is not None else None,
                             self.last_error(), data_dir=self.cfg.data_dir)
        return {
            "app_version": hb["version"], "uptime_s": hb["uptime_s"], "memory_mb": hb["memory_rss_mb"],
            "devices": [{"name": name, "state": _CONTRACT_STATE.get(state, "unknown"),
                         "detail": (self.details.get(name) or state)[:200]} for name, state in self.states.items()]
            + alert_devices(self.outbox, self.printq),
            "outbox_depth": hb["outbox_depth"] or 0, "network": self.states.get("api", ""),
            "sent_at": hb["timestamp"], "cpu_percent": hb["cpu_percent"],
            "disk_free_mb": hb["disk_free_mb"], "last_error": hb["last_error"], "demo": self.cfg.is_demo,
        }

    def last_error(self) -> str | None:
        errors = [f"{name}: {self.details[name]}" for name, state in self.states.items()
                  if self.details.get(name) and state not in ("ok", "ready")]
        return "; ".join(errors) or None

    def alive(self) -> bool:
        """The UI thread ticked recently: a frozen screen must stop the systemd watchdog pings."""
        return self.ui_alive()

    def _start_reader(self, _data: Path) -> None:
        port = self.cfg.reader.port
        if not port:
            self._set_state("reader", NOT_CONFIGURED)
            return
        from drivers.idcard import IdCardReader
        from kiosk.card_service import CardService

        baud = self.cfg.reader.baudrate
        self.card = CardService(lambda: IdCardReader(port, baudrate=baud, timeout=3.0))
        self.card.on_state(lambda state, detail: self._set_state("reader", state, detail))
        self.card.on_inserted(lambda card: self._emit("card_inserted", card))
        self.card.on_removed(lambda: self._emit("card_removed"))
        self.card.set_attended(self.attended)
        self.card.start()

    def _start_printer(self, data: Path) -> None:
        port = self.cfg.printer.port
        if not port:
            self._set_state("printer", NOT_CONFIGURED)
            return
        from drivers.printer import ReceiptPrinter
        from kiosk.print_queue import PrintQueue

        p = self.cfg.printer

        def factory():
            return ReceiptPrinter(port, baudrate=p.baudrate, profile=p.profile or None,
                                  paper_width_mm=p.paper_width_mm, flow_control=p.flow_control)

        with factory() as probe:
            width, native = probe.width_dots, probe.native_qr
        self.printq = PrintQueue(data / "print_queue.sqlite", factory, width_dots=width, native_qr=native)
        self.printq.on_state(lambda state, status: self._set_state("printer", state))
        self.printq.on_job(lambda job_id, status: self._emit("print_job", (job_id, status)))
        self.printq.set_attended(self.attended)
        self.printq.start()

    def reassign_port(self, device: str, port: str) -> None:
        """Point the printer or the reader at another port, without a restart (technician screen).
        Blocking: call it off the UI thread. The config file is written by the caller."""
        from dataclasses import replace

        if device == "printer":
            if self.printq is not None:
                self.printq.close()
                self.printq = None
            self.cfg = replace(self.cfg, printer=replace(self.cfg.printer, port=port))
            self._set_state("printer", STARTING)
            self._start_printer(Path(self.cfg.data_dir))
        elif device == "reader":
            if self.card is not None:
                self.card.stop()
                self.card = None
            self.cfg = replace(self.cfg, reader=replace(self.cfg.reader, port=port))
            self._set_state("reader", STARTING)
            self._start_reader(Path(self.cfg.data_dir))
        else:
            raise ValueError(f"no device {device!r}")
        log.info("%s reassigned to %s", device, port or "(none)")

    def stop(self) -> None:
        self._stop.set()
        self._health_wake.set()
        if self.watchdog is not None:
            self.watchdog.stopping()
        for part in (self.heartbeat, self.card, self.printq, self.outbox):
            if part is not None:
                try:
                    (part.close if part is self.printq else part.stop)()
                except Exception:
                    log.exception("stopping %s failed", type(part).__name__)
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=10)
        if self.voice is not None:
            self.voice.close()
        self.demo.stop()
        self._listeners.clear()

    def set_attended(self, attended: bool) -> None:
        """Someone uses the terminal, or it stands idle on the home screen: while idle the reader and
        the printer are polled more slowly and a down API is checked every HEALTH_RETRY_UNATTENDED;
        the return of someone checks the API at once. Any thread; never blocks."""
        was, self.attended = self.attended, attended
        for part in (self.card, self.printq):
            if part is not None:
                part.set_attended(attended)
        if attended and not was and self.states.get("api") not in ("ok", STARTING):
            self._health_now = True            # the API came back meanwhile? ask now, for this citizen
            self._health_wake.set()

    # ------------------------------------------------------------------ questions the UI asks

    def can(self, need: str) -> bool:
        if need == "api":
            return self.states.get("api") == "ok"
        if need == "printer":
            return self.states.get("printer") in ("ready", "near_end")
        if need == "reader":
            return self.states.get("reader") == "ready"
        return True
