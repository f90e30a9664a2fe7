"""A paper-like canvas in printer dots: the preview and the simulator draw receipts with it.

Geometry follows the printer's Font A: an ASCII character is a 12x24-dot cell, a double-byte (GBK)
character a 24x24 cell, a line is 30 dots (24 + default spacing). GS ! magnification scales the cells
by whole numbers, like the print head does, so a preview wraps exactly where the paper wraps.
"""

from __future__ import annotations

import qrcode
from PIL import Image, ImageDraw

from drivers.printer.font import cjk_font

CELL_W = 12
CELL_H = 24
LINE_GAP = 6
_BASELINE = 21
_QR_EC = {
    "L": qrcode.constants.ERROR_CORRECT_L,
    "M": qrcode.constants.ERROR_CORRECT_M,
    "Q": qrcode.constants.ERROR_CORRECT_Q,
    "H": qrcode.constants.ERROR_CORRECT_H,
}


def char_cols(ch: str) -> int:
    """Columns a character takes on the printer: one for ASCII, two for a double-byte GBK character."""
    return 1 if ord(ch) < 0x80 else 2


def text_cols(text: str) -> int:
    return sum(char_cols(c) for c in text)


def _glyph_strip(text: str, bold: bool) -> Image.Image:
    width = max(1, text_cols(text) * CELL_W)
    img = Image.new("L", (width, CELL_H), 255)
    draw = ImageDraw.Draw(img)
    font = cjk_font(CELL_H)
    stroke = 1 if bold else 0
    x = 0
    for ch in text:
        cw = char_cols(ch) * CELL_W
        if not ch.isspace():
            adv = font.getlength(ch)
            if adv <= cw:
                draw.text((x + (cw - adv) / 2, _BASELINE), ch, font=font, fill=0, anchor="ls",
                          stroke_width=stroke, stroke_fill=0)
            else:  # a wide Latin glyph: squeeze it into its cell like a monospace printer font
                tmp = Image.new("L", (int(adv) + 2, CELL_H), 255)
                ImageDraw.Draw(tmp).text((1, _BASELINE), ch, font=font, fill=0, anchor="ls",
                                         stroke_width=stroke, stroke_fill=0)
                img.paste(tmp.resize((cw, CELL_H), Image.LANCZOS), (x, 0))
        x += cw
    return img


def qr_image(data: str | bytes, module: int = 6, ec: str = "M") -> Image.Image:
    q = qrcode.QRCode(error_correction=_QR_EC[ec], box_size=module, border=4)
    q.add_data(data)
    q.make(fit=True)
    return q.make_image(fill_color="black", back_color="white").get_image().convert("L")


def code128_image(data: str, module: int = 3, height: int = 64) -> Image.Image:
    from barcode import Code128  # python-barcode, a python-escpos dependency

    pattern = Code128(data).build()[0]
    quiet = 10 * module
    img = Image.new("L", (len(pattern) * module + 2 * quiet, height), 255)
    draw = ImageDraw.Draw(img)
    for i, bit in enumerate(pattern):
        if bit == "1":
            x = quiet + i * module
            draw.rectangle((x, 0, x + module - 1, height - 1), fill=0)
    return img


class Canvas:
    def __init__(self, width_dots: int = 576) -> None:
        self.width = width_dots
        self._strips: list[Image.Image] = []
        self._margin = 16

    def _place(self, strip: Image.Image, align: str) -> None:
        row = Image.new("L", (self.width, strip.height), 255)
        if strip.width > self.width:
            strip = strip.crop((0, 0, self.width, strip.height))
        x = {"left": 0, "center": (self.width - strip.width) // 2, "right": self.width - strip.width}[align]
        row.paste(strip, (x, 0))
        self._strips.append(row)

    def text_line(self, text: str, align: str = "left", bold: bool = False, wmul: int = 1, hmul: int = 1) -> None:
        strip = _glyph_strip(text, bold)
        if wmul != 1 or hmul != 1:
            strip = strip.resize((strip.width * wmul, strip.height * hmul), Image.NEAREST)
        full = Image.new("L", (strip.width, strip.height + LINE_GAP), 255)
        full.paste(strip, (0, 0))
        self._place(full, align)

    def feed(self, lines: int = 1) -> None:
        for _ in range(lines):
            self._strips.append(Image.new("L", (self.width, CELL_H + LINE_GAP), 255))

    def image(self, img: Image.Image, align: str = "center") -> None:
        self._place(img.convert("L"), align)

    def qr(self, data: str | bytes, module: int = 6, ec: str = "M", align: str = "center") -> None:
        self._place(qr_image(data, module, ec), align)

    def barcode(self, data: str, module: int = 3, height: int = 64, hri: bool = True, align: str = "center") -> None:
        self._place(code128_image(data, module, height), align)
        if hri:
            self.text_line(data, align=align)

    def cut(self) -> None:
        row = Image.new("L", (self.width, 12), 255)
        draw = ImageDraw.Draw(row)
        for x in range(0, self.width, 12):
            draw.line((x, 6, x + 6, 6), fill=128)
        self._strips.append(row)

    def to_image(self) -> Image.Image:
        height = sum(s.height for s in self._strips) + 2 * self._margin
        out = Image.new("L", (self.width, max(height, 1)), 255)
        y = self._margin
        for s in self._strips:
            out.paste(s, (0, y))
            y += s.height
        return out
