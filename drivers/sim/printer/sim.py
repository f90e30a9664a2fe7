"""ESC/POS printer simulator on a pseudo-terminal.

It reads at the pace of its baud rate (so the driver's writes really block when it falls behind),
answers DLE EOT 1..4 from switchable state as soon as the query is read, as a printer does, and keeps
each completed job (a job ends with a cut). The picture and transcript of a job are drawn by a thread of
their own: drawing a slip took the serving thread long enough to miss the driver's status budget on a
busy host, which a real printer never does. `jobs` waits for the drawing of jobs already cut.
With `keep_jobs` only the last jobs stay in memory (their files stay on disk): demo mode runs for days,
and a paper roll the simulator never let go of grew the kiosk with every slip.
While it cannot print (paper out, cover open, offline) the bytes it receives are dropped and the job
they belong to is torn: it never becomes a completed job, even after the paper is back.

Not emulated: the printer's receive buffer and busy/XOFF signalling, ASB (GS a), DLE EOT inside
other commands (a real printer answers those too), fonts other than Font A.
"""

from __future__ import annotations

import logging
import os
import pty
import queue
import select
import tempfile
import threading
import time
import tty
from collections import deque
from dataclasses import dataclass
from pathlib import Path

from drivers.sim.printer.decoder import EscPosDecoder
from drivers.sim.printer.render import JobRenderer
from drivers.sim.wake import WakePipe

log = logging.getLogger(__name__)

LINK_NAME = "kiosk-printer"

#: How long the serving thread sleeps in select() with nothing to read. Whatever changes what it waits
#: on (stop, unplug, replug, stall) wakes it at once through a pipe. The demo's devices process sleeps
#: longer (DEMO_IDLE_WAIT): an idle demo kiosk's printer then wakes once a second, not twenty times.
IDLE_WAIT = 0.05
DEMO_IDLE_WAIT = 1.0


@dataclass
class SimJob:
    index: int
    raw: bytes
    transcript: str
    png_path: Path | None


class PrinterSimulator:
    def __init__(self, baudrate: int = 19200, link_dir: str | os.PathLike | None = None,
                 out_dir: str | os.PathLike | None = None, width_dots: int = 576,
                 keep_jobs: int | None = None, idle_wait: float = IDLE_WAIT) -> None:
        self.baudrate = baudrate
        self.idle_wait = idle_wait
        self.width_dots = width_dots
        tmp = None if (link_dir and out_dir) else Path(tempfile.mkdtemp(prefix="printer-sim-"))
        self.link_dir = Path(link_dir) if link_dir else tmp
        self.out_dir = Path(out_dir) if out_dir else tmp / "jobs"
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.port = str(self.link_dir / LINK_NAME)
        self._jobs: deque[SimJob] = deque(maxlen=keep_jobs)
        self._drawn = 0               # jobs drawn so far, including those no longer kept
        self.torn_jobs = 0  # jobs that lost bytes to paper out / cover open / offline
        self._lock = threading.Lock()
        # Its own lock: the drawing thread must not wait on the serving thread's state (and a caller
        # holding _lock may still read `jobs`).
        self._jobs_cv = threading.Condition()
        self._cut = 0                 # jobs cut so far; the drawing thread numbers them in this order
        self._to_draw: queue.Queue[tuple[int, bytes, list] | None] = queue.Queue()
        self._drawer: threading.Thread | None = None
        self._paper = "ok"
        self._cover_open = False
        self._offline = False
        self._mute = False
        self._drop_replies = 0
        self._answer_first = 0
        self._stalled = False
        self._paper_out_after: int | None = None
        self._master: int | None = None
        self._slave: int | None = None
        self._thread: threading.Thread | None = None
        self._running = False
        self._waker = WakePipe()
        self.wakeups = 0              # turns of the serving loop (an idle one must not spin)
        self._reset_job()

    # -- control ------------------------------------------------------------------------------------
    def start(self) -> str:
        self._waker.open()
        self._plug()
        self._running = True
        self._drawer = threading.Thread(target=self._draw_jobs, name="printer-sim-draw", daemon=True)
        self._drawer.start()
        self._thread = threading.Thread(target=self._run, name="printer-sim", daemon=True)
        self._thread.start()
        return self.port

    def stop(self) -> None:
        self._running = False
        self._waker.wake()
        if self._thread is not None:
            self._thread.join(timeout=2)
            self._thread = None
        self._waker.close()
        if self._drawer is not None:
            self._to_draw.put(None)
            self._drawer.join(timeout=10)
            self._drawer = None
        self._unplug_fds()
        try:
            os.unlink(self.port)
        except FileNotFoundError:
            pass

    def set_paper(self, state: str) -> None:
        if state not in ("ok", "near_end", "out"):
            raise ValueError(f"paper state must be ok|near_end|out, not {state!r}")
        with self._lock:
            self._paper = state
            self._paper_out_after = None

    def set_paper_out_after(self, nbytes: int) -> None:
        """Test hook: the paper runs out after `nbytes` more job bytes (a roll ending mid-ticket)."""
        with self._lock:
            self._paper_out_after = nbytes

    def set_cover_open(self, is_open: bool) -> None:
        with self._lock:
            self._cover_open = bool(is_open)

    def set_offline(self, offline: bool) -> None:
        with self._lock:
            self._offline = bool(offline)

    def set_mute(self, mute: bool) -> None:
        with self._lock:
            self._mute = bool(mute)

    def drop_replies(self, n: int, after: int = 0) -> None:
        """Test hook: answer `after` status queries, then leave `n` unanswered (replies lost on a busy
        line; with `after` a status cut short after its first bytes)."""
        with self._lock:
            self._drop_replies, self._answer_first = n, after

    def set_stalled(self, stalled: bool) -> None:
        """Test hook: stop reading, like a printer holding flow control (busy) forever."""
        with self._lock:
            self._stalled = bool(stalled)
        self._waker.wake()

    def unplug(self) -> None:
        with self._lock:
            self._unplug_fds()
            try:
                os.unlink(self.port)
            except FileNotFoundError:
                pass
        self._waker.wake()

    def replug(self) -> None:
        with self._lock:
            if self._master is None:
                self._plug()
        self._waker.wake()

    @property
    def jobs(self) -> list[SimJob]:
        """The completed jobs kept (all, or the last `keep_jobs`), each drawn: waits (up to 10 s) for the
        drawing of jobs already cut."""
        with self._jobs_cv:
            self._jobs_cv.wait_for(lambda: self._drawn >= self._cut, 10)
            return list(self._jobs)

    def last_picture(self) -> str | None:
        """The file of the last job's drawing (None: no job yet, or it could not be drawn); waits as `jobs`."""
        jobs = self.jobs
        png = jobs[-1].png_path if jobs else None
        return str(png) if png is not None else None

    def wait_for_jobs(self, n: int, timeout: float) -> bool:
        """Wait until `n` jobs have been drawn since the start (or `forget_jobs`), kept or not."""
        with self._jobs_cv:
            return self._jobs_cv.wait_for(lambda: self._drawn >= n, timeout)

    def forget_jobs(self) -> None:
        """Start the job list afresh: the next job is job 1 again (its files replace the old ones)."""
        self.jobs  # noqa: B018 - jobs already cut are drawn first, or they would come back
        with self._jobs_cv:
            self._jobs.clear()
            self._cut = self._drawn = 0
        with self._lock:
            self.torn_jobs = 0

    def status_byte(self, n: int) -> int:
        with self._lock:
            return self._status_byte(n)

    # -- internals ----------------------------------------------------------------------------------
    def _plug(self) -> None:
        master, slave = pty.openpty()
        tty.setraw(slave)  # no echo, no line discipline before the driver opens it
        self._master, self._slave = master, slave
        tmp = self.port + ".new"
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        os.symlink(os.ttyname(slave), tmp)
        os.replace(tmp, self.port)  # atomic, like udev re-pointing /dev/kiosk-printer
        self._decoder = EscPosDecoder()

    def _unplug_fds(self) -> None:
        for fd in (self._master, self._slave):
            if fd is not None:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self._master = self._slave = None

    def _printing(self) -> bool:
        return self._paper != "out" and not self._cover_open and not self._offline

    def _status_byte(self, n: int) -> int:
        b = 0x12
        if n == 1 and not self._printing():
            b |= 0x08
        elif n == 2:
            b |= (0x04 if self._cover_open else 0) | (0x20 if self._paper == "out" else 0)
        elif n == 4:
            b |= {"ok": 0, "near_end": 0x0C, "out": 0x6C}[self._paper]
        return b

    def _reset_job(self) -> None:
        self._raw = bytearray()
        self._events: list[tuple[str, dict]] = []
        self._torn = False

    def _run(self) -> None:
        chunk = max(1, self.baudrate // 10 // 50)  # about 20 ms of line time per read
        next_t = time.monotonic()
        while self._running:
            self.wakeups += 1
            with self._lock:
                master = None if self._stalled else self._master
            fds = [self._waker.fd] + ([master] if master is not None else [])
            try:
                r, _, _ = select.select(fds, [], [], self.idle_wait)
                if self._waker.fd in r:
                    self._waker.drain()
                if master is None or master not in r:
                    continue
                data = os.read(master, chunk)
            except (OSError, ValueError):      # the line was unplugged under us: look again
                time.sleep(0.02)
                continue
            if not data:
                continue
            # Pace like a UART at our baud rate.
            next_t = max(next_t, time.monotonic()) + len(data) * 10 / self.baudrate
            self._handle(master, data)
            delay = next_t - time.monotonic()
            if delay > 0:
                time.sleep(delay)

    def _handle(self, master: int, data: bytes) -> None:
        with self._lock:
            events = self._decoder.feed(data)
        for ev in events:
            if ev.name == "status_query":
                with self._lock:
                    mute, byte = self._mute, self._status_byte(ev.args["n"])
                    if not mute and self._answer_first > 0:
                        self._answer_first -= 1
                    elif not mute and self._drop_replies > 0:
                        self._drop_replies -= 1
                        mute = True
                if not mute:
                    try:
                        os.write(master, bytes([byte]))
                    except OSError:
                        pass
                continue
            with self._lock:
                if self._paper_out_after is not None:
                    self._paper_out_after -= len(ev.raw)
                    if self._paper_out_after <= 0:
                        self._paper, self._paper_out_after = "out", None
                printing = self._printing()
            if ev.name == "init":
                if self._raw and not self._torn:
                    log.info("printer sim: job without a cut discarded (%d bytes)", len(self._raw))
                self._reset_job()
            if not printing:
                if not self._torn and (self._raw or ev.name != "init"):
                    self.torn_jobs += 1
                self._torn = True
                continue
            if self._torn:
                continue
            self._raw += ev.raw
            self._events.append((ev.name, ev.args))
            if ev.name == "cut":
                self._complete()

    def _complete(self) -> None:
        with self._jobs_cv:
            self._cut += 1
            index = self._cut
        self._to_draw.put((index, bytes(self._raw), self._events))
        self._reset_job()

    def _draw_jobs(self) -> None:
        while True:
            item = self._to_draw.get()
            if item is None:
                return
            index, raw, events = item
            try:
                job = self._draw(index, raw, events)
            except Exception:  # a drawing problem must not lose the job: it printed
                log.exception("printer sim: could not draw job %d", index)
                job = SimJob(index, raw, "", None)
            with self._jobs_cv:
                self._jobs.append(job)
                self._drawn += 1
                self._jobs_cv.notify_all()

    def _draw(self, index: int, raw: bytes, events: list[tuple[str, dict]]) -> SimJob:
        renderer = JobRenderer(self.width_dots)
        for name, args in events:
            renderer.event(name, args)
        png_path: Path | None = self.out_dir / f"job-{index:04d}.png"
        try:
            renderer.image().save(png_path)
        except Exception:  # a render problem must not stop the printer from "printing"
            log.exception("printer sim: could not render job %d", index)
            png_path = None
        (self.out_dir / f"job-{index:04d}.bin").write_bytes(raw)
        transcript = renderer.transcript()
        # The transcript comes last and whole (written aside, then renamed): a reader that sees it finds
        # the job's other files complete too.
        txt = self.out_dir / f"job-{index:04d}.txt"
        txt.with_suffix(".txt.part").write_text(transcript, encoding="utf-8")
        os.replace(txt.with_suffix(".txt.part"), txt)
        return SimJob(index, raw, transcript, png_path)
