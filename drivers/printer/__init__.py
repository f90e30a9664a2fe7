"""ESC/POS receipt printer driver: `ReceiptPrinter`, `PrinterStatus` and the `PrinterError` family."""

from drivers.printer.driver import ReceiptPrinter, raise_for_status
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
from drivers.printer.status import PrinterStatus

__all__ = [
    "ReceiptPrinter",
    "PrinterStatus",
    "PrinterError",
    "PaperOut",
    "CoverOpen",
    "Offline",
    "NoAnswer",
    "NotConnected",
    "WriteTimeout",
    "PrinterFault",
    "InvalidStatusByte",
    "raise_for_status",
]
