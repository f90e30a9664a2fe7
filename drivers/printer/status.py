"""Real-time status: DLE EOT n (10 04 n) replies, parsed without I/O.

Every reply byte has the fixed pattern 0xx1xx10b ((b & 0x93) == 0x12) so it can be told apart from
XON/XOFF, ASB packets and garbage. Bit meanings (Epson APG; HPRT TP80K uses the same layout):

    n=1 printer        0x08 offline
    n=2 offline cause  0x04 cover open, 0x20 printing stopped by paper end, 0x40 error occurred
    n=3 error cause    0x08 autocutter error, 0x20 unrecoverable, 0x40 auto-recoverable
    n=4 paper sensor   0x0C paper near end, 0x60 paper end
"""

from __future__ import annotations

from dataclasses import dataclass

from drivers.printer.errors import InvalidStatusByte

PAPER_STATES = ("ok", "near_end", "out", "unknown")


@dataclass(frozen=True)
class PrinterStatus:
    online: bool | None
    paper: str  # "ok" | "near_end" | "out" | "unknown"
    cover_open: bool | None
    error: str | None
    complete: bool = True  # all of DLE EOT 1..4 answered; a part tells that something is wrong, not what

    @property
    def ready(self) -> bool:
        return (
            self.online is True
            and self.paper in ("ok", "near_end")
            and self.cover_open is False
            and self.error is None
        )

    @property
    def answered(self) -> bool:
        return self.online is not None


UNKNOWN = PrinterStatus(online=None, paper="unknown", cover_open=None, error=None, complete=False)


def query(n: int) -> bytes:
    if n not in (1, 2, 3, 4):
        raise ValueError(f"DLE EOT n must be 1..4, not {n!r}")
    return bytes((0x10, 0x04, n))


def is_status_byte(b: int) -> bool:
    return (b & 0x93) == 0x12


def check_reply(n: int, reply: bytes) -> int:
    """Return the status byte or raise InvalidStatusByte."""
    if len(reply) != 1:
        raise InvalidStatusByte(n, reply[0] if reply else None)
    if not is_status_byte(reply[0]):
        raise InvalidStatusByte(n, reply[0])
    return reply[0]


def parse(replies: dict[int, int | None]) -> PrinterStatus:
    """Combine validated status bytes for n=1..4 (None = no reply) into a PrinterStatus."""
    for n, b in replies.items():
        if b is not None and not is_status_byte(b):
            raise InvalidStatusByte(n, b)
    b1, b2, b3, b4 = (replies.get(n) for n in (1, 2, 3, 4))
    online = None if b1 is None else not (b1 & 0x08)
    cover_open = None if b2 is None else bool(b2 & 0x04)

    if b4 is not None:
        if b4 & 0x60:
            paper = "out"
        elif b4 & 0x0C:
            paper = "near_end"
        else:
            paper = "ok"
    else:
        paper = "unknown"
    if b2 is not None and b2 & 0x20:
        paper = "out"  # printing stopped by paper end, whatever the sensor byte said

    error = None
    if b3 is not None:
        if b3 & 0x20:
            error = "unrecoverable error"
        elif b3 & 0x08:
            error = "autocutter error"
        elif b3 & 0x40:
            error = "auto-recoverable error"
    if error is None and b2 is not None and b2 & 0x40:
        error = "error"
    return PrinterStatus(online=online, paper=paper, cover_open=cover_open, error=error,
                         complete=None not in (b1, b2, b3, b4))
