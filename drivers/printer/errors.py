"""Printer errors, named by what went wrong.

PrinterError
 ├── NotConnected   the port cannot be opened or vanished (unplugged, wrong path)
 ├── WriteTimeout   bytes could not be handed over in time (flow control held, printer stalled)
 ├── Offline        the printer answers "offline" (or does not answer at all: NoAnswer)
 │    └── NoAnswer  no valid DLE EOT reply within the status budget
 ├── PaperOut       paper end sensor
 ├── CoverOpen      cover open
 └── PrinterFault   cutter / unrecoverable / auto-recoverable error

Each error carries `message` (short Chinese text for people on the screen) and `detail`
(technical text for the log). `str(err)` is the detail, so log lines stay technical.
"""

from __future__ import annotations


class PrinterError(Exception):
    message = "打印机故障，请联系工作人员"

    def __init__(self, detail: str = "", message: str | None = None) -> None:
        super().__init__(detail or self.__class__.__name__)
        self.detail = detail or self.__class__.__name__
        if message is not None:
            self.message = message


class NotConnected(PrinterError):
    message = "打印机未连接，请联系工作人员"


class WriteTimeout(PrinterError):
    message = "打印机无响应，请稍后再试"


class Offline(PrinterError):
    message = "打印机暂不可用，请联系工作人员"


class NoAnswer(Offline):
    message = "打印机无响应，请联系工作人员"


class PaperOut(PrinterError):
    message = "打印纸已用完，请联系工作人员换纸"


class CoverOpen(PrinterError):
    message = "打印机盖未关好，请联系工作人员"


class PrinterFault(PrinterError):
    message = "打印机故障，请联系工作人员"


class InvalidStatusByte(ValueError):
    """A DLE EOT reply that does not match the fixed bit pattern 0xx1xx10b (garbage, XON/XOFF, ASB)."""

    def __init__(self, n: int, value: int | None) -> None:
        self.n = n
        self.value = value
        shown = "nothing" if value is None else f"0x{value:02X}"
        super().__init__(f"invalid DLE EOT {n} reply: {shown} (expected pattern 0xx1xx10b)")
