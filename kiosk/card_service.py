"""The ID-card reader as a service for the UI: one thread polls the reader and reports events.

Events (called on the service thread; the UI marshals them with Clock.schedule_once):
- ``on_inserted(cb(card))``: a card was read (an IdentityCard; keep it in memory only).
- ``on_removed(cb())``: the card read last has left the reader (or the reader was lost).
- ``on_state(cb(state, detail))``: "ready" | "not_connected" | "error", on every change.

Polling: finds at least ``poll_interval`` apart (vendor note: not more often than every 300 ms) while
someone uses the terminal (``set_attended(True)``) or a card lies on the reader; every
``idle_interval`` (1 s) while the terminal stands unattended. Each find is a serial round trip, three a
second around the clock on a terminal that is idle most of the day; a card placed on an idle terminal
is still read within idle_interval plus the read (~0.15 s), and a touch switches back to the fast pace
at once (the waiting poll is woken).
While a card is present, presence is probed with ``IdCardReader.card_present()`` rather than find,
because modules without re-read answer find with "no card" while the read card is still there.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from drivers.idcard import (
    CardReadError,
    IdCardReader,
    IdentityCard,
    ReaderError,
    ReaderNotConnected,
    ReaderTimeout,
)
from kiosk.privacy import mask_id_number

log = logging.getLogger(__name__)

READY, NOT_CONNECTED, ERROR = "ready", "not_connected", "error"
REMOVED_AFTER = 2  # consecutive failed presence probes before the card counts as removed
SILENT_BEFORE_ERROR = 2  # consecutive unanswered finds before a working reader counts as failed
IDLE_POLL_INTERVAL = 1.0  # s between finds while nobody uses the terminal: the stated bound for a card


class CardService:
    def __init__(self, reader_factory: Callable[[], IdCardReader], poll_interval: float = 0.3,
                 idle_interval: float = IDLE_POLL_INTERVAL) -> None:
        self._factory = reader_factory
        self.poll_interval = poll_interval
        self.idle_interval = max(idle_interval, poll_interval)
        self.attended = True      # until the UI says the terminal stands idle
        self.state: str = NOT_CONNECTED
        self.last_error: str | None = None
        # Cards found but not read, counted: the same failure twice has the same text, and each one
        # must still reach the person at the reader.
        self.read_failures = 0
        self._reader: IdCardReader | None = None
        self._present = False
        self._misses = 0
        self._silent = 0          # unanswered finds running (see _find_and_read)
        self._lock = threading.RLock()  # around every use of the reader
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._inserted: list[Callable[[IdentityCard], None]] = []
        self._removed: list[Callable[[], None]] = []
        self._state_cbs: list[Callable[[str, str | None], None]] = []

    # ------------------------------------------------------------ wiring

    def on_inserted(self, cb: Callable[[IdentityCard], None]) -> None:
        self._inserted.append(cb)

    def on_removed(self, cb: Callable[[], None]) -> None:
        self._removed.append(cb)

    def on_state(self, cb: Callable[[str, str | None], None]) -> None:
        self._state_cbs.append(cb)

    @property
    def card_present(self) -> bool:
        return self._present

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._wake.clear()
        self._thread = threading.Thread(target=self._run, name="card-service", daemon=True)
        self._thread.start()

    def set_attended(self, attended: bool) -> None:
        """Someone uses the terminal (poll at poll_interval) or nobody does (idle_interval). Any thread;
        never blocks: a poll waiting out the idle interval is woken."""
        if attended != self.attended:
            self.attended = attended
            self._wake.set()

    def next_wait(self) -> float:
        """Seconds until the next poll."""
        return self.poll_interval if self.attended or self._present else self.idle_interval

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        with self._lock:
            if self._reader is not None:
                self._reader.close()
                self._reader = None

    # ------------------------------------------------------------ passthroughs (any thread)

    def sam_id(self) -> str:
        with self._lock:
            return self._get_reader().sam_id()

    def self_check(self) -> bool:
        with self._lock:
            return self._get_reader().self_check()

    def _get_reader(self) -> IdCardReader:
        if self._reader is None:
            try:
                self._reader = self._factory()
            except ReaderError:
                raise
            except (OSError, ValueError) as e:
                raise ReaderNotConnected(f"cannot create the reader: {e}") from e
        return self._reader

    # ------------------------------------------------------------ the loop

    def _run(self) -> None:
        while not self._stop.is_set():
            self.poll_once()
            self._wake.wait(self.next_wait())
            self._wake.clear()

    def poll_once(self) -> None:
        """One poll step (the thread calls this; tests may too)."""
        events: list[Callable[[], None]] = []
        state_events: list[Callable[[], None]] = []
        with self._lock:
            try:
                reader = self._get_reader()
                if self._present:
                    present = self._probe(reader)
                    if present:
                        self._misses = 0
                    elif present is False:
                        self._misses += 1
                        if self._misses >= REMOVED_AFTER:
                            events += self._lose_card()
                else:
                    card = self._find_and_read(reader)
                    if card is not None:
                        self._present, self._misses = True, 0
                        log.info("card inserted: %s %s", card.card_type, mask_id_number(card.id_number))
                        events += [lambda cb=cb, c=card: cb(c) for cb in self._inserted]
                state_events += self._set_state(READY, None)
            except CardReadError as e:
                # The reader works; this card could not be read. The module wants it re-presented.
                log.warning("card could not be read: %s", e)
                self.last_error = str(e)
                self.read_failures += 1
                state_events += self._set_state(READY, None)
            except ReaderNotConnected as e:
                self.last_error = str(e)
                events += self._lose_card()
                state_events += self._set_state(NOT_CONNECTED, str(e))
            except ReaderError as e:
                self.last_error = str(e)
                events += self._lose_card()
                state_events += self._set_state(ERROR, f"{type(e).__name__}: {e}")
        # State first: a UI hears "ready" before the card read on the reader that came back.
        for event in state_events + events:
            try:
                event()
            except Exception:  # a UI callback must not kill the reader thread
                log.exception("card service callback failed")

    def _probe(self, reader: IdCardReader) -> bool | None:
        """Is the card still there? None: the reader did not answer this once. A reader (or a host) busy
        for a moment is not a card taken away: one unanswered probe counts as a miss, as a failed one
        does; a reader silent REMOVED_AFTER times running is lost (ReaderTimeout, below), and the card
        with it. Ending a citizen's session on a single late answer lost their case list mid-task."""
        try:
            return reader.card_present()
        except ReaderTimeout as e:
            if self._misses + 1 >= REMOVED_AFTER:
                raise
            self._misses += 1
            log.warning("ID-card reader did not answer a presence probe (%s): counted as a miss", e)
            return None

    def _find_and_read(self, reader: IdCardReader) -> IdentityCard | None:
        """The card on the reader, read; None when there is none. A working reader that leaves one find
        unanswered (it, or the host, busy for a moment) is not yet a failed one: shown as failed at once,
        the 读卡器暂不可用 banner came up for one poll and went at the next, moving the screen under a
        citizen's finger each time. Silent SILENT_BEFORE_ERROR polls running, it has failed (ReaderTimeout)."""
        try:
            card = reader.read_card()
        except ReaderTimeout as e:
            if self.state != READY or self._silent + 1 >= SILENT_BEFORE_ERROR:
                self._silent = 0
                raise
            self._silent += 1
            log.warning("ID-card reader did not answer a poll (%s): not yet counted as a fault", e)
            return None
        self._silent = 0
        return card

    def _lose_card(self) -> list[Callable[[], None]]:
        if not self._present:
            return []
        self._present, self._misses = False, 0
        log.info("card removed")
        return list(self._removed)

    def _set_state(self, state: str, detail: str | None) -> list[Callable[[], None]]:
        if state == self.state:
            return []
        self.state = state
        log.info("ID-card reader %s%s", state, f": {detail}" if detail else "")
        return [lambda cb=cb: cb(state, detail) for cb in self._state_cbs]
