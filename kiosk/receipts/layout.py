"""Layout: blocks → printable lines by display width (ASCII one column, a GBK double-byte two).

Both renderers (ESC/POS bytes and the PNG preview) consume the same ops, so the preview wraps where
the paper wraps. 48 columns at 576 dots (80 mm), 32 at 384 dots (58 mm); GS ! magnification divides them.
"""

from __future__ import annotations

from dataclasses import dataclass

from drivers.printer.canvas import CELL_W, text_cols
from kiosk.receipts.model import (
    QR,
    Barcode,
    Cut,
    KeyValue,
    Receipt,
    ReceiptError,
    Separator,
    Spacer,
    Text,
    Title,
)
from kiosk.typography import break_lines


@dataclass(frozen=True)
class LineOp:
    text: str
    align: str = "left"
    bold: bool = False
    w: int = 1
    h: int = 1


@dataclass(frozen=True)
class QrOp:
    data: str
    module: int


@dataclass(frozen=True)
class BarcodeOp:
    data: str


@dataclass(frozen=True)
class FeedOp:
    lines: int


@dataclass(frozen=True)
class CutOp:
    partial: bool = False


Op = LineOp | QrOp | BarcodeOp | FeedOp | CutOp


def columns(width_dots: int) -> int:
    return width_dots // CELL_W


def wrap(text: str, cols: int) -> list[str]:
    """Lines of at most `cols` columns, broken by the Chinese rules of kiosk.typography (the same ones
    the screens use)."""
    if cols < 2:
        raise ReceiptError(f"line too narrow: {cols} columns")
    return break_lines(text, text_cols, cols)


def layout(receipt: Receipt, width_dots: int = 576) -> list[Op]:
    cols = columns(width_dots)
    ops: list[Op] = []
    for b in receipt.blocks:
        if isinstance(b, (Title, Text)):
            for line in wrap(b.text, cols // b.size):
                ops.append(LineOp(line, b.align, b.bold, b.size, b.size))
        elif isinstance(b, KeyValue):
            ops.extend(_kv_lines(b, cols))
        elif isinstance(b, Separator):
            ops.append(LineOp(b.char * cols))
        elif isinstance(b, QR):
            ops.append(QrOp(b.data, b.module))
        elif isinstance(b, Barcode):
            ops.append(BarcodeOp(b.data))
        elif isinstance(b, Spacer):
            if b.lines:
                ops.append(FeedOp(b.lines))
        elif isinstance(b, Cut):
            ops.append(CutOp(b.partial))
    if not ops or not isinstance(ops[-1], CutOp):
        ops.append(CutOp())  # a receipt always ends with a cut: the cut is also the job boundary
    return ops


def _kv_lines(block: KeyValue, cols: int) -> list[LineOp]:
    out: list[LineOp] = []
    keyw = max((text_cols(k) for k, _ in block.rows), default=0) + 2  # + "：" (two columns)
    hanging = keyw <= cols // 2
    for k, v in block.rows:
        key = k + "：" + " " * (keyw - 2 - text_cols(k))
        if hanging:
            parts = wrap(v, cols - keyw)
            out.append(LineOp(key + parts[0]))
            out.extend(LineOp(" " * keyw + p) for p in parts[1:])
        else:
            out.extend(LineOp(p) for p in wrap(k + "：" + v, cols))
    return out
