"""Receipt → PNG preview, same width in dots and the same line breaks as the paper."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from drivers.printer.canvas import Canvas
from kiosk.receipts.layout import BarcodeOp, CutOp, FeedOp, LineOp, QrOp, layout
from kiosk.receipts.model import Receipt

CUT_FEED_LINES = 6  # python-escpos cut() feeds ESC d 6 before GS V


def render_png(receipt: Receipt, width_dots: int = 576) -> Image.Image:
    canvas = Canvas(width_dots)
    for op in layout(receipt, width_dots):
        if isinstance(op, LineOp):
            canvas.text_line(op.text, align=op.align, bold=op.bold, wmul=op.w, hmul=op.h)
        elif isinstance(op, QrOp):
            canvas.qr(op.data, module=op.module, ec="M", align="center")
        elif isinstance(op, BarcodeOp):
            canvas.barcode(op.data, module=3, height=64, hri=True, align="center")
        elif isinstance(op, FeedOp):
            canvas.feed(op.lines)
        elif isinstance(op, CutOp):
            canvas.feed(CUT_FEED_LINES)
            canvas.cut()
    return canvas.to_image()


def save_png(receipt: Receipt, path: str | Path, width_dots: int = 576) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    render_png(receipt, width_dots).save(path)
    return path
