"""ESC/POS receipt printer on a serial port (any pyserial URL).

python-escpos builds the bytes (kiosk.receipts renders them); this driver only moves them and asks the
printer how it is, with our own DLE EOT query: python-escpos 3.1 reads 16 bytes (every query costs the
full timeout), does not validate the reply, reads stale bytes and reports "paper OK" when nobody answers.
"""

from __future__ import annotations

import logging
import time

import serial

try:
    from termios import error as _TermiosError
except ImportError:  # not POSIX
    class _TermiosError(Exception):  # type: ignore[no-redef]
        pass

from drivers.printer import status as st
from drivers.printer.errors import (
    CoverOpen,
    InvalidStatusByte,
    NoAnswer,
    NotConnected,
    Offline,
    PaperOut,
    PrinterError,
    PrinterFault,
    WriteTimeout,
)
from drivers.printer.escpos_lib import profile_features
from drivers.printer.status import UNKNOWN, PrinterStatus

log = logging.getLogger(__name__)

FLOW_CONTROLS = ("none", "xonxoff", "rtscts")
WIDTH_DOTS = {80: 576, 58: 384}
STATUS_BUDGET_S = 0.3
CHUNK = 256


def raise_for_status(s: PrinterStatus, when: str) -> None:
    """Turn a not-ready status into the matching PrinterError."""
    if s.ready:
        return
    detail = f"{when}: {s}"
    if not s.answered:
        raise NoAnswer(detail)
    if s.paper == "out":
        raise PaperOut(detail)
    if s.cover_open:
        raise CoverOpen(detail)
    if s.error:
        raise PrinterFault(detail)
    raise Offline(detail)


class ReceiptPrinter:
    def __init__(
        self,
        port: str,
        baudrate: int = 19200,
        profile: str | None = None,
        paper_width_mm: int = 80,
        flow_control: str = "none",
    ) -> None:
        if flow_control not in FLOW_CONTROLS:
            raise ValueError(f"flow_control must be one of {FLOW_CONTROLS}, not {flow_control!r}")
        if paper_width_mm not in WIDTH_DOTS:
            raise ValueError(f"paper_width_mm must be 80 or 58, not {paper_width_mm!r}")
        self.port = port
        self.baudrate = int(baudrate)
        self.profile = profile
        self.paper_width_mm = paper_width_mm
        self.width_dots = WIDTH_DOTS[paper_width_mm]
        self.flow_control = flow_control
        self.native_qr = profile_features(profile)["native_qr"]
        self._ser: serial.SerialBase | None = None

    # -- connection ---------------------------------------------------------------------------------
    def open(self) -> None:
        if self._ser is not None:
            return
        try:
            self._ser = serial.serial_for_url(
                self.port,
                baudrate=self.baudrate,
                timeout=STATUS_BUDGET_S,
                write_timeout=2.0,
                xonxoff=self.flow_control == "xonxoff",
                rtscts=self.flow_control == "rtscts",
            )
        except (serial.SerialException, OSError, ValueError) as e:
            raise NotConnected(f"cannot open {self.port}: {e}") from e
        log.info("printer port %s open at %d baud", self.port, self.baudrate)

    def close(self) -> None:
        ser, self._ser = self._ser, None
        if ser is not None:
            try:
                ser.close()
            except (serial.SerialException, OSError):
                pass

    def __enter__(self) -> ReceiptPrinter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def is_open(self) -> bool:
        return self._ser is not None

    def _lost(self, e: Exception) -> NotConnected:
        # Unplugged (EIO) or similar: drop the handle so the next call reopens the (stable) path.
        self.close()
        return NotConnected(f"{self.port}: {e}")

    # -- status -------------------------------------------------------------------------------------
    def status(self, budget: float = STATUS_BUDGET_S) -> PrinterStatus:
        """Query DLE EOT 1..4. No valid reply → unknown fields, never "ok". Raises NotConnected."""
        self.open()
        ser = self._ser
        assert ser is not None
        deadline = time.monotonic() + budget
        replies: dict[int, int | None] = {1: None, 2: None, 3: None, 4: None}
        try:
            ser.reset_input_buffer()  # stale replies (or echoes of raster data) must not be read as ours
            for n in (1, 2, 3, 4):
                b = self._query_one(ser, n, deadline)
                if b is None:
                    break  # a printer that did not answer n will not answer n+1 either: save the budget
                replies[n] = b
        except (serial.SerialException, OSError, _TermiosError) as e:
            raise self._lost(e) from e
        if replies[1] is None:
            return UNKNOWN
        return st.parse(replies)

    def _query_one(self, ser: serial.SerialBase, n: int, deadline: float) -> int | None:
        ser.write(st.query(n))
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            ser.timeout = remaining
            got = ser.read(1)
            if not got:
                return None
            try:
                return st.check_reply(n, got)
            except InvalidStatusByte as e:
                log.warning("printer %s: %s; skipped", self.port, e)

    # -- writing ------------------------------------------------------------------------------------
    def send_raw(self, data: bytes) -> None:
        """Write a whole job. Each chunk has a write timeout sized from the baud rate, so a printer that
        holds flow control forever raises WriteTimeout instead of hanging the worker."""
        self.open()
        ser = self._ser
        assert ser is not None
        per_chunk = CHUNK * 10 / self.baudrate
        try:
            ser.write_timeout = per_chunk * 4 + 1.0
            for i in range(0, len(data), CHUNK):
                ser.write(data[i : i + CHUNK])
            self._drain(ser, time.monotonic() + len(data) * 10 / self.baudrate * 2 + 2.0)
        except serial.SerialTimeoutException as e:
            raise WriteTimeout(f"{self.port}: write stalled after flow control held ({e})") from e
        except (serial.SerialException, OSError, _TermiosError) as e:
            raise self._lost(e) from e

    @staticmethod
    def _drain(ser: serial.SerialBase, deadline: float) -> None:
        # tcdrain() (ser.flush) has no timeout; poll the output queue instead.
        try:
            while ser.out_waiting and time.monotonic() < deadline:
                time.sleep(0.01)
        except (AttributeError, NotImplementedError, serial.SerialException):
            return
        if time.monotonic() >= deadline and ser.out_waiting:
            raise serial.SerialTimeoutException("output did not drain")

    def transmit_seconds(self, nbytes: int) -> float:
        return nbytes * 10 / self.baudrate

    def print_receipt(self, data: bytes) -> None:
        """Check, send, check again. Raises a PrinterError subclass when it cannot be sure it printed.

        data is the receipt as ESC/POS bytes: the driver knows no receipt model (the kiosk renders its
        receipts itself, kiosk.receipts.render_escpos)."""
        if not isinstance(data, (bytes, bytearray)):
            raise TypeError(f"print_receipt takes ESC/POS bytes, not {type(data).__name__}")
        data = bytes(data)
        raise_for_status(self.status(), "before printing")
        self.send_raw(data)
        # The query waits behind the job in the line: give it the job's transmission time too.
        after = self.status(STATUS_BUDGET_S + self.transmit_seconds(len(data)))
        raise_for_status(after, "after printing")


__all__ = ["ReceiptPrinter", "PrinterError", "raise_for_status"]
