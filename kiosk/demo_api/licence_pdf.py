"""The demo API's licence pages: A4 at 200 dpi drawn with Pillow in the kiosk's CJK font, saved as PDF.

Title, the licence's fields, the issuer with a seal-like ring, and the issuer's verification QR with
its URL under it. Nothing here is an official layout; it only has what a printed licence needs to be
checked (the QR) and what the terminal must keep intact when it adds its 自助打印 mark.
"""

from __future__ import annotations

import io
import textwrap

import qrcode
from PIL import Image, ImageDraw, ImageFont

from kiosk.assets import FONT_PATH

DPI = 200
A4_MM = (210, 297)
SIZE = tuple(round(mm / 25.4 * DPI) for mm in A4_MM)      # (1654, 2339)
_RED = (190, 30, 30)


def _font(pt: float) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_PATH), round(pt / 72 * DPI))


def render(title: str, fields: list[tuple[str, str]], issuer: str, issued: str, verify_url: str) -> bytes:
    """One A4 page as PDF bytes."""
    page = Image.new("RGB", SIZE, "white")
    d = ImageDraw.Draw(page)
    w, h = SIZE
    margin = round(20 / 25.4 * DPI)
    d.rectangle((margin // 2, margin // 2, w - margin // 2, h - margin // 2), outline=(150, 110, 40), width=8)
    big, body, small = _font(30), _font(14), _font(10)
    d.text((w / 2, margin * 2), title, font=big, fill="black", anchor="mm")
    y = margin * 3.5
    label_w = round(58 / 25.4 * DPI)
    for label, value in fields:
        d.text((margin * 1.5, y), label, font=body, fill=(60, 60, 60))
        for line in textwrap.wrap(value, 24) or [""]:
            d.text((margin * 1.5 + label_w, y), line, font=body, fill="black")
            y += body.size * 1.6
        y += body.size * 0.6
    # The issuer and a seal-like ring (a demo: no real seal is imitated).
    cx, cy, r = w - margin * 4, h - margin * 5.5, round(21 / 25.4 * DPI)
    d.ellipse((cx - r, cy - r, cx + r, cy + r), outline=_RED, width=10)
    d.text((cx, cy), "★", font=_font(28), fill=_RED, anchor="mm")
    d.text((cx, cy + r + body.size), issuer, font=body, fill="black", anchor="mm")
    d.text((cx, cy + r + body.size * 2.8), issued, font=body, fill="black", anchor="mm")
    # The issuer's verification QR, bottom left, with its URL in words under it.
    qr = qrcode.QRCode(border=2, box_size=10, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(verify_url)
    qr.make(fit=True)
    img = qr.make_image(fill_color="black", back_color="white").convert("RGB")
    side = round(32 / 25.4 * DPI)
    img = img.resize((side, side), Image.NEAREST)
    qx, qy = margin * 1.5, h - margin * 3 - side
    page.paste(img, (round(qx), round(qy)))
    d.text((qx, qy + side + small.size * 0.5), "扫码核验证照真伪", font=small, fill="black")
    d.text((qx, qy + side + small.size * 2), verify_url, font=small, fill=(60, 60, 60))
    out = io.BytesIO()
    page.save(out, "PDF", resolution=DPI, title=title, creator="demo central API")
    return out.getvalue()
