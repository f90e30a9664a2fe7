"""A SAM_V ID-card reader module on a pseudo-terminal, for tests, the bench and demo mode.

It speaks the real protocol (drivers.idcard.frame, used from the reader's side) and models what
the reference (§6, §8) describes: boot delay with no answer, find -> select -> read sequencing
(0x41 reading unselected, 0x80 with no card), no re-read of a card until it is removed (unless
``allow_reread``), the read-error latch, 0x10/0x11/0x21 for bad host frames, baud change (0x60,
answered at the old rate), 0x91 for no appended address, and bytes paced at the line rate.

The port is a stable symlink (like udev's /dev/kiosk-idcard) to the current pty slave, so
``unplug()`` / ``replug()`` can hand out a new pty without the driver knowing its new name.

Faults (``set_fault``): "dead" (no answer), "garbage" (noise, a forged frame start and a corrupted copy
before each reply), "forged" (every other reply is replaced by a frame that passes the checksum but fits
no command, as line noise does once in 256 tries), "bad_checksum" (only corrupted replies), "remove_mid_read" (the card leaves during the read: 0x41
and the card is gone), "read_error" (0x41 and the latch: find fails until the card is re-presented),
"sam_fail" (every command answers 0x60), "slow" (each reply delayed by ``slow_delay``).
The noise comes from ``random.Random(seed)``: the same seed and commands give the same bytes
(``seed=None`` for fresh noise each run, ``reseed()`` between runs of a loop).

Run ``python -m drivers.sim.idcard`` for a standalone reader controlled on stdin.

.. warning:: Not emulated: the fingerprint templates (reads with 30 10 report none), the WLT
   photo content (synthetic bytes with the real "WLf" prefix), USB transport, RF timing.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import os
import pty
import queue
import random
import select
import shutil
import struct
import sys
import tempfile
import threading
import time
import tty
from collections.abc import Callable
from datetime import date

from drivers.idcard.frame import (
    BAUD_PARA,
    FIND_CARD,
    READ_BASE,
    READ_BASE_FP,
    READ_NEW_ADDRESS,
    RESET_SAM,
    SAM_ID,
    SAM_STATUS,
    SELECT_CARD,
    SET_BAUD,
    SW_FIND_FAILED,
    SW_FIND_OK,
    SW_HOST_CHECKSUM,
    SW_HOST_COMMAND,
    SW_HOST_LENGTH,
    SW_NO_CONTENT,
    SW_OK,
    SW_READ_FAILED,
    SW_SAM_SELFTEST,
    SW_SELECT_FAILED,
    Command,
    build_frame,
    build_reply,
    decode_command,
)
from drivers.idcard.personal import id_check_char
from drivers.idcard.record import IdentityCard, encode_text
from drivers.sim.wake import WakePipe

log = logging.getLogger(__name__)

FAULTS = ("dead", "garbage", "forged", "bad_checksum", "remove_mid_read", "read_error", "sam_fail", "slow")
LINK_NAME = "kiosk-idcard"
_BAUD_OF_PARA = {v: k for k, v in BAUD_PARA.items()}
_PARTIAL_FRAME_IDLE = 0.2  # a host frame stuck this long is answered 0x11 (length wrong)
_CHUNK = 16  # bytes written at once when pacing
#: select()'s wait with nothing to read and no frame half-received (calls and stop() wake the thread
#: through its pipe). The demo's devices process sleeps longer (DEMO_IDLE_WAIT): an idle demo kiosk's
#: reader then wakes once a second, not twenty times.
IDLE_WAIT = 0.05
DEMO_IDLE_WAIT = 1.0


def _id(first17: str) -> str:
    return first17 + id_check_char(first17)


# Synthetic identities: made-up names, sequences and addresses; check characters computed.
SYNTHETIC_CARDS: list[IdentityCard] = [
    IdentityCard(
        card_type="resident", name="张晓明", gender="男", nation="汉", birth_date=date(1985, 3, 12),
        address="山东省济南市槐荫区示例路18号3号楼2单元501室", id_number=_id("37010419850312017"),
        issuer="济南市公安局槐荫分局", valid_from=date(2016, 5, 20), valid_until=date(2036, 5, 20),
    ),
    IdentityCard(
        card_type="resident", name="李秀兰", gender="女", nation="回", birth_date=date(1952, 11, 2),
        address="山东省济南市槐荫区测试街道德街社区7号", id_number=_id("37010419521102024"),
        issuer="济南市公安局槐荫分局", valid_from=date(2012, 1, 15), valid_until=None,
    ),
    IdentityCard(
        card_type="resident", name="欧阳文静", gender="女", nation="满", birth_date=date(2001, 8, 30),
        address="山东省济南市市中区样例大街66号", id_number=_id("37010320010830046"),
        issuer="济南市公安局市中分局", valid_from=date(2019, 9, 1), valid_until=date(2029, 9, 1),
    ),
    IdentityCard(
        card_type="hmt", name="陈嘉欣", gender="女", nation=None, birth_date=date(1992, 7, 21),
        address="山东省济南市槐荫区示例街道88号", id_number=_id("81000019920721004"),
        issuer="济南市公安局", valid_from=date(2021, 3, 1), valid_until=date(2026, 3, 1),
        pass_number="H60000123", issue_count="01",
    ),
    IdentityCard(
        card_type="foreign_2017", name="史密斯", gender="男", nation=None, birth_date=date(1985, 6, 12),
        address=None, id_number="USA378506120017", issuer="3700",
        valid_from=date(2019, 5, 10), valid_until=date(2029, 5, 10),
        english_name="SMITH JOHN EXAMPLE", nationality="USA", issue_count="01",
    ),
    IdentityCard(
        card_type="foreign_2023", name="安娜", gender="女", nation=None, birth_date=date(1990, 4, 15),
        address=None, id_number=_id("93782619900415002"), issuer=None,
        valid_from=date(2024, 1, 10), valid_until=date(2034, 1, 10),
        english_name="WILLIAMSON-BROWN ANNA MARIE ELIZABETH SAMPLE", nationality="GBR", issue_count="00",
    ),
]  # fmt: skip

SAM_ID_BYTES = struct.pack("<HHIII", 5, 1, 20240115, 11292549, 2147484208)


def synthetic_photo(card: IdentityCard) -> bytes:
    """1024 bytes with the real WLT prefix and deterministic filler (no real photo exists here)."""
    head = bytes.fromhex("574C66007E003200 00FF85".replace(" ", ""))
    seed = hashlib.sha256(card.id_number.encode()).digest()
    filler = bytearray()
    while len(head) + len(filler) < 1024:
        seed = hashlib.sha256(seed).digest()
        filler += seed
    return (head + bytes(filler))[:1024]


def forged_reply(rng: random.Random) -> bytes:
    """A frame with a right checksum that no command is answered with: random status bytes and
    28 data bytes (length field 0x0020, as in the "garbage" fault's forged start)."""
    return build_reply(rng.randrange(256), rng.randbytes(28), rng.randrange(256), rng.randrange(256))


class IdCardSimulator:
    """The module, on a pty behind a stable symlink. All fd work happens on its daemon thread."""

    def __init__(
        self,
        baudrate: int = 115200,
        link_dir: str | None = None,
        *,
        boot_delay: float = 0.0,
        slow_delay: float = 1.0,
        process_delay: float = 0.0,
        seed: int | None = 0,
        idle_wait: float = IDLE_WAIT,
    ) -> None:
        self.baudrate = baudrate
        self.idle_wait = idle_wait
        self.boot_delay = boot_delay
        self.slow_delay = slow_delay
        self.process_delay = process_delay
        self.allow_reread = False
        self.appended_address: str | None = None  # None -> 30 03 answers 0x91
        self._link_dir_arg = link_dir
        self._link_dir: str | None = None
        self._made_dir = False
        self._lock = threading.RLock()
        self._rng = random.Random(seed)
        self._forge_next = True  # "forged": replace this reply, answer the next one truly
        # card state
        self._card: IdentityCard | None = None
        self._read_done = False
        self._latched = False
        self._state = "idle"  # idle -> found -> selected -> read
        self._fault: str | None = None
        # I/O state (sim thread only, except before start / after stop)
        self._master: int | None = None
        self._slave: int | None = None
        self.slave_path: str | None = None
        self._boot_until = 0.0
        self._rx = bytearray()
        self._rx_at = 0.0
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._calls: queue.Queue[tuple[Callable[[], None], threading.Event]] = queue.Queue()
        self._waker = WakePipe()
        self.commands_seen = 0
        self.wakeups = 0              # turns of the serving loop (an idle one must not spin)

    # ------------------------------------------------------------ control API

    @property
    def port(self) -> str:
        if self._link_dir is None:
            raise RuntimeError("simulator not started")
        return os.path.join(self._link_dir, LINK_NAME)

    def start(self) -> str:
        if self._thread is not None:
            return self.port
        if self._link_dir_arg is None:
            self._link_dir = tempfile.mkdtemp(prefix="kiosk-idcard-")
            self._made_dir = True
        else:
            os.makedirs(self._link_dir_arg, exist_ok=True)
            self._link_dir = self._link_dir_arg
        self._waker.open()
        self._plug()
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="idcard-sim", daemon=True)
        self._thread.start()
        return self.port

    def stop(self) -> None:
        if self._thread is None:
            return
        self._stop.set()
        self._waker.wake()
        self._thread.join(timeout=5)
        self._thread = None
        self._unplug()
        self._waker.close()
        if self._made_dir and self._link_dir:
            shutil.rmtree(self._link_dir, ignore_errors=True)
            self._made_dir = False

    def __enter__(self) -> IdCardSimulator:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def put_card(self, card: IdentityCard | None = None) -> None:
        """Present a card (re-presenting clears the no-re-read flag and the read-error latch)."""
        with self._lock:
            self._card = card if card is not None else SYNTHETIC_CARDS[0]
            self._read_done = False
            self._latched = False
            self._state = "idle"

    def remove_card(self) -> None:
        with self._lock:
            self._card = None
            self._read_done = False
            self._latched = False
            self._state = "idle"

    @property
    def card(self) -> IdentityCard | None:
        return self._card

    def set_fault(self, name: str | None) -> None:
        if name is not None and name not in FAULTS:
            raise ValueError(f"unknown fault {name!r}; one of {', '.join(FAULTS)} or None")
        with self._lock:
            self._fault = name

    @property
    def fault(self) -> str | None:
        return self._fault

    def reseed(self, seed: int | None) -> None:
        """Start the noise over from ``seed`` (and the "forged" fault with a forged reply)."""
        with self._lock:
            self._rng.seed(seed)
            self._forge_next = True

    def unplug(self) -> None:
        """Close the pty (the host sees I/O errors) and remove the symlink, as udev would."""
        self._in_thread(self._unplug)

    def replug(self) -> None:
        """A new pty (new slave path) behind the same symlink; the module boots again."""
        self._in_thread(self._plug)

    # ------------------------------------------------------------ fd work

    def _in_thread(self, fn: Callable[[], None]) -> None:
        if self._thread is None or not self._thread.is_alive():
            fn()
            return
        done = threading.Event()
        self._calls.put((fn, done))
        self._waker.wake()
        if not done.wait(5):
            raise RuntimeError("simulator thread did not respond")

    def _plug(self) -> None:
        if self._master is not None:
            return
        master, slave = pty.openpty()
        tty.setraw(slave)  # no echo/line discipline before the host configures the port
        os.set_blocking(master, False)
        self._master, self._slave = master, slave
        self.slave_path = os.ttyname(slave)
        tmp = self.port + ".new"
        if os.path.lexists(tmp):
            os.unlink(tmp)
        os.symlink(self.slave_path, tmp)
        os.replace(tmp, self.port)
        self._boot_until = time.monotonic() + self.boot_delay
        self._rx.clear()
        with self._lock:
            self._state = "idle"
        log.info("ID-card simulator on %s -> %s", self.port, self.slave_path)

    def _unplug(self) -> None:
        for fd in (self._master, self._slave):
            if fd is not None:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self._master = self._slave = None
        self._rx.clear()
        if self._link_dir is not None:
            try:
                os.unlink(self.port)
            except FileNotFoundError:
                pass

    def _run(self) -> None:
        while not self._stop.is_set():
            while True:
                try:
                    fn, done = self._calls.get_nowait()
                except queue.Empty:
                    break
                try:
                    fn()
                finally:
                    done.set()
            self.wakeups += 1
            fds = [self._waker.fd] + ([self._master] if self._master is not None else [])
            try:
                # Asleep while idle (a call or stop wakes it); 50 ms while a host frame is incomplete.
                ready, _, _ = select.select(fds, [], [], 0.05 if self._rx else self.idle_wait)
            except (OSError, ValueError):
                continue
            if self._waker.fd in ready:
                self._waker.drain()
            if self._master is not None and self._master in ready:
                try:
                    data = os.read(self._master, 4096)
                except BlockingIOError:
                    data = b""
                except OSError:
                    data = b""
                if data and time.monotonic() >= self._boot_until:
                    self._rx += data
                    self._rx_at = time.monotonic()
                    self._handle_rx()
            if self._rx and time.monotonic() - self._rx_at > _PARTIAL_FRAME_IDLE:
                # A host frame that never completes: the module gives up and reports the length.
                self._rx.clear()
                if self._fault != "dead":
                    self._reply(build_reply(SW_HOST_LENGTH))

    def _handle_rx(self) -> None:
        while self._rx:
            used, cmd, err = decode_command(bytes(self._rx))
            if used == 0:
                return
            del self._rx[:used]
            if cmd is not None:
                self.commands_seen += 1
                if self._fault == "dead":
                    continue
                self._answer(cmd)
            elif err is not None:
                self._rx.clear()
                if self._fault != "dead":
                    self._reply(build_reply(SW_HOST_CHECKSUM if err.kind == "checksum" else SW_HOST_LENGTH))
                return

    # ------------------------------------------------------------ the module's logic

    def _answer(self, cmd: Command) -> None:
        key = (cmd.cmd, cmd.para)
        # The host's bytes took their wire time to arrive; a real module cannot answer earlier.
        time.sleep(len(build_frame(cmd.cmd, cmd.para, cmd.data)) * 10 / self.baudrate + self.process_delay)
        with self._lock:
            fault = self._fault
            if fault == "sam_fail":
                frame = build_reply(SW_SAM_SELFTEST)
            elif cmd.data:
                frame = build_reply(SW_HOST_COMMAND)
            elif key == RESET_SAM:
                self._state = "idle"
                frame = build_reply(SW_OK)
            elif key == SAM_STATUS:
                frame = build_reply(SW_OK)
            elif key == SAM_ID:
                frame = build_reply(SW_OK, SAM_ID_BYTES)
            elif key == FIND_CARD:
                frame = self._find()
            elif key == SELECT_CARD:
                frame = self._select()
            elif key in (READ_BASE, READ_BASE_FP):
                frame = self._read(fingerprint=key == READ_BASE_FP, fault=fault)
            elif key == READ_NEW_ADDRESS:
                frame = self._read_address()
            elif cmd.cmd == SET_BAUD and cmd.para in _BAUD_OF_PARA:
                # Answer at the old rate, then switch (reference §1.3: timing unknown, this is the guess).
                # The switch is recorded before the reply leaves: a host holding the reply finds the
                # module at its new rate, not a moment later.
                old, self.baudrate = self.baudrate, _BAUD_OF_PARA[cmd.para]
                self._reply(build_reply(SW_OK), fault, baudrate=old)
                return
            else:
                frame = build_reply(SW_HOST_COMMAND)
        self._reply(frame, fault)

    def _find(self) -> bytes:
        card_here = self._card is not None and not self._latched
        if card_here and (self.allow_reread or not self._read_done):
            self._state = "found"
            return build_reply(SW_FIND_OK, bytes(4))
        if not (card_here and self._state == "read"):
            # A card protected from re-reading stays in its read session (30 03 still works).
            self._state = "idle"
        return build_reply(SW_FIND_FAILED)

    def _select(self) -> bytes:
        if self._card is not None and self._state in ("found", "selected", "read"):
            self._state = "selected"
            return build_reply(SW_OK, bytes(8))
        return build_reply(SW_SELECT_FAILED)

    def _read(self, fingerprint: bool, fault: str | None) -> bytes:
        card = self._card
        if card is None or self._state not in ("selected", "read"):
            return build_reply(SW_READ_FAILED)
        if fault == "remove_mid_read":
            self._card = None
            self._state = "idle"
            return build_reply(SW_READ_FAILED)
        if fault == "read_error":
            self._latched = True
            self._state = "idle"
            return build_reply(SW_READ_FAILED)
        text, photo = encode_text(card), synthetic_photo(card)
        self._state = "read"
        self._read_done = True
        if fingerprint:
            return build_reply(SW_OK, struct.pack(">HHH", len(text), len(photo), 0) + text + photo)
        return build_reply(SW_OK, struct.pack(">HH", len(text), len(photo)) + text + photo)

    def _read_address(self) -> bytes:
        if self._card is None or self._state not in ("selected", "read"):
            return build_reply(SW_READ_FAILED)
        if self.appended_address is None:
            return build_reply(SW_NO_CONTENT)
        raw = self.appended_address.encode("utf-16-le")[:70]
        return build_reply(SW_OK, raw + " ".encode("utf-16-le") * ((70 - len(raw)) // 2))

    # ------------------------------------------------------------ the wire

    def _reply(self, frame: bytes, fault: str | None = None, baudrate: int | None = None) -> None:
        if fault == "slow":
            time.sleep(self.slow_delay)
        if fault == "garbage":
            bad = frame[:-1] + bytes((frame[-1] ^ 0x5A,))
            # A preamble whose length field swallows the frames behind it: the host's checksum test on
            # the swallowed bytes passes once in 256 (reply_fits must then reject the forgery).
            fake = b"\xaa\xaa\xaa\x96\x69\x00\x20" + self._rng.randbytes(10)
            frame = self._rng.randbytes(self._rng.randint(1, 40)) + fake + bad + frame
        elif fault == "forged":
            with self._lock:
                forge, self._forge_next = self._forge_next, not self._forge_next
            if forge:
                frame = forged_reply(self._rng)
        elif fault == "bad_checksum":
            frame = frame[:-1] + bytes((frame[-1] ^ 0x5A,))
        self._write_paced(frame, baudrate or self.baudrate)

    def _write_paced(self, data: bytes, baudrate: int) -> None:
        """Hand bytes to the pty no sooner than a UART at ``baudrate`` 8N1 would deliver them."""
        fd = self._master
        if fd is None:
            return
        per_byte = 10 / baudrate
        t0 = time.monotonic()
        for i in range(0, len(data), _CHUNK):
            chunk = data[i : i + _CHUNK]
            due = t0 + (i + len(chunk)) * per_byte
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            view = memoryview(chunk)
            while view:
                try:
                    n = os.write(fd, view)
                except BlockingIOError:
                    select.select([], [fd], [], 0.05)
                    continue
                except OSError:
                    return
                view = view[n:]


# ---------------------------------------------------------------- standalone


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m drivers.sim.idcard", description=__doc__.splitlines()[0])
    p.add_argument("--baud", type=int, default=115200)
    p.add_argument("--link-dir", default=None, help="where the stable symlink goes (default: a tempdir)")
    p.add_argument("--boot-delay", type=float, default=1.5)
    p.add_argument("--allow-reread", action="store_true")
    p.add_argument("--card", type=int, default=None, help="present SYNTHETIC_CARDS[N] at start")
    args = p.parse_args(argv)
    sim = IdCardSimulator(baudrate=args.baud, link_dir=args.link_dir, boot_delay=args.boot_delay)
    sim.allow_reread = args.allow_reread
    port = sim.start()
    if args.card is not None:
        sim.put_card(SYNTHETIC_CARDS[args.card])
    print(port, flush=True)
    print(f"# pty slave {sim.slave_path}; commands: put [i] | remove | fault NAME|none | "
          f"reread on|off | unplug | replug | quit", flush=True)  # fmt: skip
    try:
        for line in sys.stdin:
            words = line.split()
            if not words:
                continue
            try:
                if words[0] == "put":
                    sim.put_card(SYNTHETIC_CARDS[int(words[1])] if len(words) > 1 else None)
                elif words[0] == "remove":
                    sim.remove_card()
                elif words[0] == "fault":
                    sim.set_fault(None if words[1] == "none" else words[1])
                elif words[0] == "reread":
                    sim.allow_reread = words[1] == "on"
                elif words[0] == "unplug":
                    sim.unplug()
                elif words[0] == "replug":
                    sim.replug()
                    print(f"# pty slave {sim.slave_path}", flush=True)
                elif words[0] == "quit":
                    break
                else:
                    print(f"? unknown command {words[0]!r}", flush=True)
                    continue
                print("ok", flush=True)
            except (IndexError, ValueError) as e:
                print(f"? {e}", flush=True)
    except KeyboardInterrupt:
        pass
    finally:
        sim.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
