"""Printer errors, named by what went wrong.

PrinterError
 ├── NotConnected   the port cannot be opened or vanished (unplugged, wrong path)
 ├── WriteTimeout   bytes could not be handed over in time (flow control held, printer stalled)
 ├── Offline        the printer answers "offline" (or does not answer at all: NoAnswer)
 │    └── NoAnswer  no valid DLE EOT reply within the status budget
 ├── PaperOut       paper end sensor
 ├── CoverOpen      cover open
 └── PrinterFault   cutter / unrecoverable / auto-recoverable error

Each error carries a stable `code` ("printer.paper_out") and `detail` (technical text for the log).
The driver words nothing for people: the kiosk turns the code into words in the citizen's language
(kiosk/error_words.py). `str(err)` is the detail, so log lines stay technical.
"""

from __future__ import annotations


class PrinterError(Exception):
    code = "printer.fault"

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or self.__class__.__name__)
        self.detail = detail or self.__class__.__name__


class NotConnected(PrinterError):
    code = "printer.not_connected"


class WriteTimeout(PrinterError):
    code = "printer.write_timeout"


class Offline(PrinterError):
    code = "printer.offline"


class NoAnswer(Offline):
    code = "printer.no_answer"


class PaperOut(PrinterError):
    code = "printer.paper_out"


class CoverOpen(PrinterError):
    code = "printer.cover_open"


class PrinterFault(PrinterError):
    code = "printer.fault"


class InvalidStatusByte(ValueError):
    """A DLE EOT reply that does not match the fixed bit pattern 0xx1xx10b (garbage, XON/XOFF, ASB)."""

    def __init__(self, n: int, value: int | None) -> None:
        self.n = n
        self.value = value
        shown = "nothing" if value is None else f"0x{value:02X}"
        super().__init__(f"invalid DLE EOT {n} reply: {shown} (expected pattern 0xx1xx10b)")
