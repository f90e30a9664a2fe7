"""Receipt → ESC/POS bytes.

python-escpos (Dummy) builds what it does well: QR (native GS ( k, or the image fallback), CODE128,
cut, alignment, bold and GS ! sizes. Chinese text is ours: FS & once before the first double-byte
line, the text as strict GBK via _raw(), FS . before QR/barcode/cut (a QR sent in Kanji mode came out
empty on some printers, escpos-php #941) and at the end.
"""

from __future__ import annotations

from escpos.constants import QR_ECLEVEL_M

from drivers.printer.escpos_lib import dummy
from kiosk.receipts.layout import BarcodeOp, CutOp, FeedOp, LineOp, QrOp, layout
from kiosk.receipts.model import Receipt

FS_KANJI_ON = b"\x1c\x26"
FS_KANJI_OFF = b"\x1c\x2e"


def render_escpos(receipt: Receipt, width_dots: int = 576, native_qr: bool = True,
                  profile: str | None = None) -> bytes:
    d = dummy(profile)
    d.hw("INIT")
    state = {"kanji": False, "align": "left", "bold": False, "size": (1, 1)}

    def kanji(on: bool) -> None:
        if state["kanji"] != on:
            d._raw(FS_KANJI_ON if on else FS_KANJI_OFF)
            state["kanji"] = on

    def align(a: str) -> None:
        if state["align"] != a:
            d.set(align=a)
            state["align"] = a

    def bold(on: bool) -> None:
        if state["bold"] != on:
            d.set(bold=on)
            state["bold"] = on

    def size(w: int, h: int) -> None:
        if state["size"] != (w, h):
            d.set(custom_size=True, width=w, height=h)  # GS !: scales Hanzi too (ESC ! often does not)
            state["size"] = (w, h)

    for op in layout(receipt, width_dots):
        if isinstance(op, LineOp):
            if not op.text.isascii():
                kanji(True)
            align(op.align)
            bold(op.bold)
            size(op.w, op.h)
            d._raw(op.text.encode("gbk") + b"\n")
        elif isinstance(op, QrOp):
            kanji(False)
            size(1, 1)
            align("center")
            if native_qr:
                d.qr(op.data, native=True, size=op.module, ec=QR_ECLEVEL_M)
            else:  # image fallback for printers without GS ( k; centred by ESC a, not padded to 576 dots
                d.quiet(d.qr, op.data, native=False, size=op.module, ec=QR_ECLEVEL_M, center=False)
        elif isinstance(op, BarcodeOp):
            kanji(False)
            size(1, 1)
            d.quiet(d.barcode, "{B" + op.data, "CODE128", function_type="B")
            state["align"] = "center"  # python-escpos leaves the alignment centred
        elif isinstance(op, FeedOp):
            d._raw(b"\n" * op.lines)
        elif isinstance(op, CutOp):
            kanji(False)
            size(1, 1)
            bold(False)
            align("left")
            d.cut(mode="PART" if op.partial else "FULL")
    return d.output
