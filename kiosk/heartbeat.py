"""Heartbeat to the central API and systemd watchdog pings.

- build_heartbeat(): one record of the terminal's health (no personal data; the last error is masked).
- HeartbeatScheduler: a thread that enqueues a "heartbeat" record every `interval` seconds into the
  outbox (which delivers or coalesces them; not our job here) and pings the systemd watchdog.
- Watchdog: sd_notify through the sdnotify package; does nothing when NOTIFY_SOCKET is unset
  (development, tests, demo mode without systemd).

The watchdog ping is only sent while `alive()` says the app is healthy (the lead passes a check that
the Kivy main loop ticked recently), so systemd restarts a frozen UI rather than being fooled by this
background thread, which keeps running when the UI hangs.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import sdnotify

from kiosk.hours import TZ
from kiosk.privacy import mask_text
from kiosk.proc_stats import CpuMeter, rss_mb

log = logging.getLogger(__name__)

MAX_ERROR_CHARS = 500
_CPU = CpuMeter()


def now_shanghai() -> datetime:
    return datetime.now(TZ)


def disk_free_mb(path: str | os.PathLike) -> float | None:
    """Free MB on the file system holding path (its nearest existing parent); None if unknowable."""
    p = Path(path).absolute()
    while not p.exists() and p != p.parent:
        p = p.parent
    try:
        return round(shutil.disk_usage(p).free / 2**20, 1)
    except OSError:
        return None


def build_heartbeat(terminal_id: str, version: str, started_at_monotonic: float, devices: dict[str, str],
                    outbox_depth: int | None, last_error: str | None, *, data_dir: str | os.PathLike = ".",
                    now: datetime | None = None) -> dict[str, Any]:
    """The heartbeat record (JSON-ready). devices: name -> state, e.g. {"printer": "ready"}."""
    err = None
    if last_error:
        err = mask_text(str(last_error))[:MAX_ERROR_CHARS]
    return {
        "terminal_id": terminal_id,
        "version": version,
        "timestamp": (now or now_shanghai()).astimezone(TZ).isoformat(timespec="seconds"),
        "uptime_s": round(max(0.0, time.monotonic() - started_at_monotonic), 1),
        "memory_rss_mb": rss_mb(),
        # Since the previous call (the first call of a process: since the module was loaded).
        "cpu_percent": _CPU.machine(),
        "process_cpu_percent": _CPU.process(),
        "disk_free_mb": disk_free_mb(data_dir),
        "devices": {str(k): str(v) for k, v in devices.items()},
        "outbox_depth": outbox_depth,
        "last_error": err,
    }


def alert_devices(outbox: Any = None, print_queue: Any = None) -> list[dict[str, str]]:
    """Alerts for the central monitoring, as extra heartbeat devices (DeviceState of the contract):
    dead letters in the outbox, corrupt print jobs set aside. Empty when all is well."""
    out = []
    alert = outbox.dead_alert() if outbox is not None and hasattr(outbox, "dead_alert") else None
    if alert:
        corrupt = f", {alert['corrupt']} corrupt" if alert["corrupt"] else ""
        kinds = ", ".join(f"{n} {k}" for k, n in sorted(alert["kinds"].items()))
        out.append({"name": "outbox", "state": "warning",
                    "detail": f"{alert['count']} dead letter(s) never delivered ({kinds}{corrupt}); "
                              f"oldest {int(alert['oldest_age_s'] // 3600)} h"[:200]})
    bad = print_queue.quarantined() if print_queue is not None and hasattr(print_queue, "quarantined") else []
    if bad:
        out.append({"name": "print_queue", "state": "warning",
                    "detail": f"{len(bad)} corrupt print job(s) set aside"})
    return out


class Watchdog:
    """sd_notify messages to systemd (Type=notify, WatchdogSec=...). No-op without NOTIFY_SOCKET."""

    def __init__(self) -> None:
        self.enabled = bool(os.environ.get("NOTIFY_SOCKET"))
        self._notifier = sdnotify.SystemdNotifier() if self.enabled else None
        if self.enabled and self._notifier is not None and self._notifier.socket is None:
            log.warning("NOTIFY_SOCKET is set but cannot be connected; systemd notifications are off")
            self.enabled = False

    def _send(self, message: str) -> None:
        # Not SystemdNotifier.notify(): it encodes as Latin-1 and silently drops anything else, so a
        # Chinese STATUS= would never arrive. systemd reads the datagram as UTF-8.
        if not self.enabled or self._notifier is None or self._notifier.socket is None:
            return
        try:
            self._notifier.socket.sendall(message.encode("utf-8"))
        except OSError as e:  # systemd restarting, socket gone: the next ping tries again
            log.debug("sd_notify %s failed: %s", message.split("=", 1)[0], e)

    def ready(self) -> None:
        self._send("READY=1")

    def ping(self) -> None:
        self._send("WATCHDOG=1")

    def status(self, text: str) -> None:
        # One line; the status shows in `systemctl status kiosk`, so mask it like a log line.
        self._send("STATUS=" + mask_text(" ".join(text.split())))

    def stopping(self) -> None:
        self._send("STOPPING=1")

    def close(self) -> None:
        if self._notifier is not None and self._notifier.socket is not None:
            self._notifier.socket.close()
        self.enabled = False

    @staticmethod
    def interval() -> float | None:
        """Seconds between pings systemd expects (half of WatchdogSec), None if it watches nothing."""
        usec = os.environ.get("WATCHDOG_USEC")
        pid = os.environ.get("WATCHDOG_PID")
        if not usec or (pid and pid != str(os.getpid())):
            return None
        try:
            return max(0.5, int(usec) / 2e6)
        except ValueError:
            return None


class HeartbeatScheduler:
    """Enqueue build() as a "heartbeat" every interval seconds (the first at start); ping the watchdog
    every watchdog_interval seconds while alive() is true. stop() ends the thread."""

    def __init__(self, interval: float = 60, build: Callable[[], dict] | None = None,
                 enqueue: Callable[[str, dict], None] | None = None, *, watchdog: Watchdog | None = None,
                 watchdog_interval: float | None = None, alive: Callable[[], bool] = lambda: True,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if build is None or enqueue is None:
            raise TypeError("HeartbeatScheduler needs build and enqueue")
        if interval <= 0:
            raise ValueError("interval must be more than 0")
        self.interval = interval
        self._build, self._enqueue = build, enqueue
        self.watchdog = watchdog
        self.watchdog_interval = watchdog_interval or (Watchdog.interval() if watchdog else None) or 10.0
        self._alive = alive
        self._clock = clock
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.sent = 0
        self.withheld = 0  # watchdog pings not sent because alive() said no
        self.last_error: str | None = None

    def beat(self) -> bool:
        """Build and enqueue one heartbeat now; False (logged, remembered) if that failed."""
        try:
            self._enqueue("heartbeat", self._build())
        except Exception as e:  # the heartbeat must never take the thread (or the app) down
            self.last_error = mask_text(f"{type(e).__name__}: {e}")
            log.warning("heartbeat not queued: %s", self.last_error)
            return False
        self.sent += 1
        return True

    def ping(self) -> bool:
        if self.watchdog is None:
            return False
        try:
            healthy = self._alive()
        except Exception:
            log.exception("liveness check failed")
            healthy = False
        if healthy:
            self.watchdog.ping()
        else:
            self.withheld += 1
            log.warning("app not alive: watchdog ping withheld")
        return healthy

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="heartbeat", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        next_beat = next_ping = self._clock()
        while not self._stop.is_set():
            now = self._clock()
            if now >= next_ping and self.watchdog is not None:
                self.ping()
                next_ping = now + self.watchdog_interval
            if now >= next_beat:
                self.beat()
                # From the schedule, not from now: a slow build does not drift the rhythm; after a
                # long stall (suspend) skip the missed beats rather than firing them all at once.
                next_beat += self.interval
                if next_beat <= now:
                    next_beat = now + self.interval
            due = min(next_beat, next_ping) if self.watchdog is not None else next_beat
            self._stop.wait(max(0.0, due - self._clock()))
