"""The reader driver: moves SAM frames over any pyserial URL. Framing lives in frame.py,
the record in record.py; this module only sequences commands and maps statuses to errors."""

from __future__ import annotations

import logging
import struct
import threading
import time

import serial

from .errors import (
    CardReadError,
    ReaderError,
    ReaderNotConnected,
    ReaderProtocolError,
    ReaderTimeout,
    SamFault,
)
from .frame import (
    BAUD_PARA,
    FIND_CARD,
    READ_BASE,
    READ_NEW_ADDRESS,
    RESET_SAM,
    SAM_ID,
    SAM_STATUS,
    SELECT_CARD,
    SET_BAUD,
    SW_FIND_FAILED,
    SW_FIND_OK,
    SW_NO_CONTENT,
    SW_OK,
    SW_SELECT_FAILED,
    Reply,
    build_frame,
    bytes_needed,
    decode,
    reply_fits,
    status_text,
)
from .record import TEXT_LEN, IdentityCard, RecordError, decode_text

try:  # termios.error is not an OSError; a hung-up pty raises it from tcflush.
    import termios

    _TTY_ERRORS: tuple[type[BaseException], ...] = (serial.SerialException, OSError, termios.error)
except ImportError:  # pragma: no cover - Windows
    _TTY_ERRORS = (serial.SerialException, OSError)

log = logging.getLogger(__name__)

# Longest a single step may wait (before the wire time of its reply), within the call's timeout.
# Short for find/select so a dead reader is noticed fast; longer for the RF read of the chip.
_STEP_WAIT = {"find": 1.0, "select": 1.0, "read": 2.0}
_DEFAULT_STEP_WAIT = 1.0
_SAM_FAULTS = {0x60, 0x66}
_REJECTED = {0x10, 0x11, 0x21, 0x23, 0x24}
_POLL = 0.02  # pyserial read granularity; bounds how far a deadline can be overshot
# After noise or a frame that does not fit, this long without a byte means the module has finished its
# answer: ask again rather than wait out the step (a UART sends bytes back to back, 1 ms each at 9600).
_QUIET = 0.08
_ASKS = 3  # a command is asked at most this often per exchange


def format_sam_id(data: bytes) -> str:
    """SAM ID in the libid2/vendor-tool shape ``05.01-20101216-0011292549-2147484208``.

    d[0..1] and d[2..3] as little-endian uint16 (2 digits), then three little-endian uint32
    (8, 10, 10 digits). Compare raw bytes when identity matters; this is for display.
    """
    if len(data) != 16:
        raise CardReadError(f"SAM ID is {len(data)} bytes, expected 16")
    a, b, c, d, e = struct.unpack("<HHIII", data)
    return f"{a:02d}.{b:02d}-{c:08d}-{d:010d}-{e:010d}"


class IdCardReader:
    """Second-generation ID-card reader (SAM_V / SAM_A module) on a serial port.

    ``port`` is any pyserial URL (``/dev/kiosk-idcard``, ``socket://host:port``, ``spy://...``).
    The port opens on first use (or on ``with``); after an I/O failure it is closed and the next
    call opens it again, so a reader that was unplugged and plugged back in recovers by itself.
    Thread-safe: one exchange at a time.
    """

    def __init__(self, port: str, baudrate: int = 115200, timeout: float = 3.0) -> None:
        self.port = port
        self.baudrate = baudrate
        self.timeout = timeout
        self._ser: serial.SerialBase | None = None
        self._lock = threading.RLock()

    # ------------------------------------------------------------ lifecycle

    def open(self) -> None:
        with self._lock:
            self._ensure_open()

    def close(self) -> None:
        with self._lock:
            self._drop()

    def __enter__(self) -> IdCardReader:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def is_open(self) -> bool:
        return self._ser is not None

    def _ensure_open(self) -> serial.SerialBase:
        if self._ser is None:
            try:
                self._ser = serial.serial_for_url(
                    self.port, baudrate=self.baudrate, timeout=_POLL, write_timeout=self.timeout
                )
            except (ValueError, *_TTY_ERRORS) as e:
                raise ReaderNotConnected(f"cannot open {self.port}: {e}") from e
            log.info("opened ID-card reader on %s at %d bd", self.port, self.baudrate)
        return self._ser

    def _drop(self) -> None:
        ser, self._ser = self._ser, None
        if ser is not None:
            try:
                ser.close()
            except _TTY_ERRORS:
                pass

    # ------------------------------------------------------------ one exchange

    def _send(self, step: str, frame: bytes) -> serial.SerialBase:
        was_open = self._ser is not None
        for attempt in (0, 1):
            ser = self._ensure_open()
            try:
                ser.reset_input_buffer()  # stale bytes of an aborted exchange must not match
                ser.write(frame)
                return ser
            except _TTY_ERRORS as e:
                self._drop()
                # A port that was open before may be the old device node of a replugged reader:
                # nothing was sent yet, so open the path again once and retry.
                if attempt == 0 and was_open:
                    log.info("write to %s failed (%s); reopening", self.port, e)
                    continue
                raise ReaderNotConnected(f"{step}: writing to {self.port} failed: {e}") from e
        raise AssertionError("unreachable")  # pragma: no cover

    def _exchange(self, step: str, cmd: int, para: int, deadline: float) -> Reply:
        """Send one command and return the first reply that fits it (frame.reply_fits).

        Noise, corrupted frames and frames that pass the checksum but cannot be the answer are dropped.
        When the line has gone quiet after such bytes and no fitting reply came, the command is asked
        again (at most _ASKS times in all, within the step's time and the call's deadline).
        """
        frame = build_frame(cmd, para)
        wait = _STEP_WAIT.get(step, _DEFAULT_STEP_WAIT) + 2321 * 10 / self.baudrate
        end = min(deadline, time.monotonic() + wait)
        dropped = unfit = 0
        buf = bytearray()
        for ask in range(1, _ASKS + 1):
            ser = self._send(step, frame)
            buf.clear()
            noisy = False  # bytes came this round, but no fitting reply yet
            heard = time.monotonic()
            try:
                while True:
                    used, reply = decode(buf)
                    if used and reply is None:
                        del buf[:used]
                        dropped += used
                        noisy = True
                        continue
                    if reply is not None:
                        if reply_fits((cmd, para), reply):
                            if dropped or unfit:
                                log.warning("%s: resynchronised after %d bytes of line noise "
                                            "(%d frames that did not fit, asked %d times)", step, dropped,
                                            unfit, ask)
                            log.debug("%s -> SW3 0x%02X", step, reply.sw3)
                            return reply
                        # Noise that passed the checksum, or an answer to something else: the real
                        # reply may start inside it, so step past its preamble only and hunt on.
                        unfit += 1
                        noisy = True
                        log.info("%s: dropped a frame that does not fit the command (SW3 0x%02X, %d data "
                                 "bytes)", step, reply.sw3, len(reply.data))
                        del buf[:1]
                        dropped += 1
                        continue
                    now = time.monotonic()
                    if now >= end:
                        break
                    if noisy and now - heard >= _QUIET and ask < _ASKS:
                        break  # the module has finished talking and said nothing usable: ask again
                    chunk = ser.read(min(bytes_needed(bytes(buf)), 4096))
                    if chunk:
                        buf += chunk
                        heard = time.monotonic()
            except _TTY_ERRORS as e:
                self._drop()
                raise ReaderNotConnected(f"{step}: reading from {self.port} failed: {e}") from e
            if time.monotonic() >= end:
                break
            log.info("%s: no fitting reply after %d bytes of noise; asking again", step, dropped)
        if dropped or buf:
            raise ReaderProtocolError(
                f"{step}: no valid reply ({dropped} bytes of noise dropped, {unfit} frames that did not fit "
                f"the command, {len(buf)} bytes of a frame pending)"
            )
        raise ReaderTimeout(f"{step}: the reader did not answer on {self.port}")

    @staticmethod
    def _check(step: str, reply: Reply, ok: int = SW_OK) -> None:
        sw3 = reply.sw3
        if sw3 == ok:
            return
        msg = f"{step}: SW3 0x{sw3:02X} {status_text(sw3)}"
        if sw3 in _SAM_FAULTS:
            raise SamFault(msg, sw3)
        if sw3 in _REJECTED:
            raise ReaderProtocolError(msg, sw3)
        raise CardReadError(msg, sw3)

    def _deadline(self) -> float:
        return time.monotonic() + self.timeout

    # ------------------------------------------------------------ public operations

    def read_card(self) -> IdentityCard | None:
        """Find, select and read the card on the reader; None when there is none.

        None also when the module will not find a card it has already read (modules without
        re-read report "no card" until the card leaves the field). A card that goes away during
        the read raises CardReadError (SW3 0x41); the next call starts over.
        The photo is discarded here, never kept.
        """
        with self._lock:
            deadline = self._deadline()
            reply = self._exchange("find", *FIND_CARD, deadline)
            if reply.sw3 == SW_FIND_FAILED:
                return None
            self._check("find", reply, SW_FIND_OK)
            reply = self._exchange("select", *SELECT_CARD, deadline)
            if reply.sw3 == SW_SELECT_FAILED:
                return None  # the card left between find and select
            self._check("select", reply)
            reply = self._exchange("read", *READ_BASE, deadline)
            self._check("read", reply)
            return self._card_from(reply.data)

    @staticmethod
    def _card_from(data: bytes) -> IdentityCard:
        if len(data) < 4:
            raise CardReadError(f"read: {len(data)} data bytes, no length fields")
        text_len, photo_len = struct.unpack(">HH", data[:4])
        if text_len != TEXT_LEN or len(data) != 4 + text_len + photo_len:
            raise CardReadError(f"read: text {text_len} / photo {photo_len} bytes do not fit {len(data)}")
        try:
            return decode_text(data[4 : 4 + TEXT_LEN])
        except RecordError as e:
            raise CardReadError(f"read: record does not decode: {e}") from e

    def read_appended_address(self) -> str | None:
        """Newest appended address (30 03) of the card just read; None when it has none (0x91).

        Right after a base read no new find/select is needed (vendor note, reference §6).
        """
        with self._lock:
            reply = self._exchange("address", *READ_NEW_ADDRESS, self._deadline())
            if reply.sw3 == SW_NO_CONTENT:
                return None
            self._check("address", reply)
            try:
                return reply.data.decode("utf-16-le").rstrip(" \x00")
            except UnicodeDecodeError as e:
                raise CardReadError("address: not UCS-2 text") from e

    def card_present(self) -> bool:
        """Whether the card read last is still on the reader.

        Find cannot tell: modules without re-read answer 0x80 while the read card is still there.
        Reading the appended address needs the card in the field but no new authentication,
        so 0x90/0x91 mean present and a read failure means it has gone.
        """
        with self._lock:
            reply = self._exchange("presence", *READ_NEW_ADDRESS, self._deadline())
            if reply.sw3 in (SW_OK, SW_NO_CONTENT):
                return True
            if reply.sw3 in _SAM_FAULTS:
                self._check("presence", reply)
            return False

    def sam_id(self) -> str:
        """The SAM module number, formatted as described in format_sam_id()."""
        with self._lock:
            reply = self._exchange("sam_id", *SAM_ID, self._deadline())
            self._check("sam_id", reply)
            return format_sam_id(reply.data)

    def self_check(self) -> bool:
        """SAM status check (11 FF): True when the SAM is usable. A dead reader raises ReaderTimeout."""
        with self._lock:
            reply = self._exchange("self_check", *SAM_STATUS, self._deadline())
            if reply.sw3 != SW_OK:
                log.warning("SAM self-check: SW3 0x%02X %s", reply.sw3, status_text(reply.sw3))
            return reply.sw3 == SW_OK

    def reset_sam(self) -> None:
        with self._lock:
            self._check("reset", self._exchange("reset", *RESET_SAM, self._deadline()))

    def set_baudrate(self, baudrate: int) -> None:
        """Switch the module's UART (0x60) and then this port to ``baudrate``."""
        if baudrate not in BAUD_PARA:
            raise ValueError(f"Not a valid reader baudrate: {baudrate!r} (one of {sorted(BAUD_PARA)})")
        with self._lock:
            self._check("set_baud", self._exchange("set_baud", SET_BAUD, BAUD_PARA[baudrate], self._deadline()))
            self.baudrate = baudrate
            if self._ser is not None:
                try:
                    self._ser.baudrate = baudrate
                except _TTY_ERRORS as e:
                    self._drop()
                    raise ReaderNotConnected(f"set_baud: {e}") from e


__all__ = ["IdCardReader", "ReaderError", "format_sam_id"]
