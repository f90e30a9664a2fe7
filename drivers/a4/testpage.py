"""The kiosk's own A4 test page, drawn with Pillow at 200 dpi and saved as a one-page PDF.

What a technician checks on paper: the frame 10 mm from each edge (nothing cut off, not scaled), the
grey steps (toner), the text (which terminal and queue, when), and a QR code that decodes to the same
(the printer's resolution is good enough for the licences' verification QR).
"""

from __future__ import annotations

import io
import time
from pathlib import Path

import qrcode
from PIL import Image, ImageDraw, ImageFont

DPI = 200
A4_MM = (210, 297)
QR_PREFIX = "KIOSK-A4-TEST"


def _mm(v: float) -> int:
    return round(v / 25.4 * DPI)


def qr_text(queue: str, terminal_id: str, when: float) -> str:
    """What the test page's QR code holds (also printed as text under it)."""
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(when))
    return f"{QR_PREFIX}|{terminal_id or '-'}|{queue}|{stamp}"


def _font(font_path: str | None, size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    if font_path and Path(font_path).is_file():
        return ImageFont.truetype(font_path, size)
    return ImageFont.load_default(size)


def render_test_page(queue: str, terminal_id: str = "", font_path: str | None = None,
                  when: float | None = None) -> bytes:
    """The test page as PDF bytes (A4, 595 x 842 pt). `font_path`: a font with Chinese glyphs; without
    one the Chinese line is left out (the default font has none)."""
    when = time.time() if when is None else when
    w, h = _mm(A4_MM[0]), _mm(A4_MM[1])
    page = Image.new("L", (w, h), 255)
    d = ImageDraw.Draw(page)
    margin = _mm(10)
    d.rectangle([margin, margin, w - margin, h - margin], outline=0, width=4)
    for x_mm in range(10, 201, 10):            # a ruler along the top: 1 cm ticks
        x = _mm(x_mm)
        d.line([x, margin, x, margin + _mm(4 if x_mm % 50 else 7)], fill=0, width=2)
    big, small = _font(font_path, _mm(9)), _font(font_path, _mm(4.5))
    y = _mm(25)
    if font_path and Path(font_path).is_file():
        d.text((_mm(20), y), "A4 打印机测试页", font=big, fill=0)
        y += _mm(13)
    d.text((_mm(20), y), "A4 printer test page", font=big, fill=0)
    y += _mm(15)
    stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(when))
    for line in (f"Terminal: {terminal_id or '-'}", f"Queue: {queue}", f"Time: {stamp}"):
        d.text((_mm(20), y), line, font=small, fill=0)
        y += _mm(8)
    y += _mm(6)
    step = _mm(170) // 10                      # ten grey steps, black to white
    for i in range(10):
        d.rectangle([_mm(20) + i * step, y, _mm(20) + (i + 1) * step, y + _mm(15)], fill=i * 255 // 9,
                    outline=0)
    y += _mm(25)
    payload = qr_text(queue, terminal_id, when)
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=1, border=4)
    qr.add_data(payload)
    qr.make(fit=True)
    side = _mm(50)
    code = qr.make_image(fill_color="black", back_color="white").get_image().convert("L")
    page.paste(code.resize((side, side), Image.NEAREST), (_mm(20), y))
    d.text((_mm(20), y + side + _mm(3)), payload, font=small, fill=0)
    out = io.BytesIO()
    page.save(out, "PDF", resolution=DPI)
    return out.getvalue()
