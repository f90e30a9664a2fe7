"""Incremental decoder for the ESC/POS subset the kiosk sends (pure: no I/O).

`EscPosDecoder.feed(data) -> list[Event]` returns each complete command as an Event(name, args, raw)
and keeps an incomplete one for the next feed, so bytes may arrive in any split.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Event:
    name: str
    args: dict = field(default_factory=dict)
    raw: bytes = b""


_ONE_PARAM = {
    (0x1B, 0x61): "align",
    (0x1B, 0x45): "bold",
    (0x1B, 0x64): "feed",
    (0x1B, 0x74): "codepage",
    (0x1B, 0x21): "print_mode",
    (0x1B, 0x33): "line_spacing",
    (0x1B, 0x4D): "font",
    (0x1B, 0x2D): "underline",
    (0x1B, 0x7B): "upside_down",
    (0x1C, 0x21): "kanji_mode",
    (0x1D, 0x21): "size",
    (0x1D, 0x68): "barcode_height",
    (0x1D, 0x77): "barcode_width",
    (0x1D, 0x66): "hri_font",
    (0x1D, 0x48): "hri_position",
    (0x1D, 0x42): "invert",
    (0x1D, 0x62): "smoothing",
}
_NO_PARAM = {
    (0x1B, 0x40): "init",
    (0x1B, 0x32): "line_spacing_default",
    (0x1C, 0x26): "kanji_on",
    (0x1C, 0x2E): "kanji_off",
}


class EscPosDecoder:
    def __init__(self) -> None:
        self.buf = bytearray()
        self.kanji = False  # text decoding depends on FS & / FS .

    def feed(self, data: bytes) -> list[Event]:
        self.buf += data
        out: list[Event] = []
        while self.buf:
            ev, used = self._one(self.buf)
            if used == 0:
                break  # incomplete command: wait for more bytes
            del self.buf[:used]
            if ev is not None:
                out.append(ev)
        return out

    def _one(self, b: bytearray) -> tuple[Event | None, int]:
        c = b[0]
        if c == 0x0A:
            return Event("lf", raw=b"\n"), 1
        if c == 0x0D:
            return None, 1
        if c == 0x10:
            if len(b) < 3:
                return None, 0
            if b[1] == 0x04 and 1 <= b[2] <= 4:
                return Event("status_query", {"n": b[2]}, bytes(b[:3])), 3
            return Event("unknown", {"bytes": bytes(b[:1])}, bytes(b[:1])), 1
        if c in (0x1B, 0x1C, 0x1D):
            if len(b) < 2:
                return None, 0
            key = (c, b[1])
            if key in _NO_PARAM:
                name = _NO_PARAM[key]
                if name == "kanji_on":
                    self.kanji = True
                elif name == "kanji_off":
                    self.kanji = False
                elif name == "init":
                    self.kanji = False  # ESC @ does not change FS & on every model; we resend FS & anyway
                return Event(name, raw=bytes(b[:2])), 2
            if key in _ONE_PARAM:
                if len(b) < 3:
                    return None, 0
                return Event(_ONE_PARAM[key], {"n": b[2]}, bytes(b[:3])), 3
            if key == (0x1D, 0x28):  # GS ( k pL pH cn fn [data]
                if len(b) < 5:
                    return None, 0
                n = b[3] + 256 * b[4]
                if len(b) < 5 + n:
                    return None, 0
                body = bytes(b[5 : 5 + n])
                return Event("gs_paren", {"sub": b[2], "body": body}, bytes(b[: 5 + n])), 5 + n
            if key == (0x1D, 0x6B):  # GS k m ...
                if len(b) < 3:
                    return None, 0
                m = b[2]
                if m <= 6:  # function A: NUL-terminated
                    end = b.find(0, 3)
                    if end < 0:
                        return None, 0
                    return Event("barcode", {"m": m, "data": bytes(b[3:end])}, bytes(b[: end + 1])), end + 1
                if len(b) < 4 or len(b) < 4 + b[3]:
                    return None, 0
                n = b[3]
                return Event("barcode", {"m": m, "data": bytes(b[4 : 4 + n])}, bytes(b[: 4 + n])), 4 + n
            if key == (0x1D, 0x56):  # GS V m [n]
                if len(b) < 3:
                    return None, 0
                m = b[2]
                size = 4 if m in (65, 66) else 3
                if len(b) < size:
                    return None, 0
                return Event("cut", {"m": m, "partial": m in (1, 49, 66)}, bytes(b[:size])), size
            if key == (0x1D, 0x76):  # GS v 0 m xL xH yL yH d...
                if len(b) < 8:
                    return None, 0
                xbytes = b[4] + 256 * b[5]
                rows = b[6] + 256 * b[7]
                end = 8 + xbytes * rows
                if len(b) < end:
                    return None, 0
                return Event("raster", {"xbytes": xbytes, "rows": rows, "data": bytes(b[8:end])},
                             bytes(b[:end])), end
            return Event("unknown", {"bytes": bytes(b[:2])}, bytes(b[:2])), 2
        if 0x20 <= c < 0x7F:
            end = 1
            while end < len(b) and 0x20 <= b[end] < 0x7F:
                end += 1
            return Event("text", {"text": b[:end].decode("ascii")}, bytes(b[:end])), end
        if c >= 0x81 and self.kanji:
            if len(b) < 2:
                return None, 0
            try:
                ch = bytes(b[:2]).decode("gbk")
            except UnicodeDecodeError:
                return Event("unknown", {"bytes": bytes(b[:2])}, bytes(b[:2])), 2
            return Event("text", {"text": ch}, bytes(b[:2])), 2
        return Event("unknown", {"bytes": bytes(b[:1])}, bytes(b[:1])), 1
