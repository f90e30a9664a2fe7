"""Turn the decoded events of one job into a transcript and a picture of the paper."""

from __future__ import annotations

from barcode.errors import BarcodeError
from PIL import Image

from drivers.printer.canvas import Canvas

_ALIGN = {0: "left", 1: "center", 2: "right", 48: "left", 49: "center", 50: "right"}
_EC = {48: "L", 49: "M", 50: "Q", 51: "H"}


class JobRenderer:
    def __init__(self, width_dots: int = 576) -> None:
        self.canvas = Canvas(width_dots)
        self.lines: list[str] = []
        self.align = "left"
        self.bold = False
        self.w = self.h = 1
        self._text: list[str] = []
        self._attrs: tuple | None = None
        self.qr_data = b""
        self.qr_module = 3
        self.qr_ec = "L"
        self.bc_height = 162
        self.bc_width = 3
        self.hri = 0

    def _flush_line(self, force: bool) -> None:
        if not self._text and not force:
            return
        text = "".join(self._text)
        align, bold, w, h = self._attrs or (self.align, self.bold, self.w, self.h)
        self.canvas.text_line(text, align=align, bold=bold, wmul=w, hmul=h)
        tags = []
        if w != 1 or h != 1:
            tags.append(f"{w}x{h}")
        if bold:
            tags.append("B")
        if align != "left":
            tags.append(align[0].upper())
        self.lines.append((f"[{' '.join(tags)}] " if tags else "") + text)
        self._text = []
        self._attrs = None

    def event(self, name: str, args: dict) -> None:
        if name == "text":
            if self._attrs is None:
                self._attrs = (self.align, self.bold, self.w, self.h)
            self._text.append(args["text"])
        elif name == "lf":
            self._flush_line(force=True)
        elif name == "feed":
            self._flush_line(force=True)
            if args["n"] > 1:
                self.canvas.feed(args["n"] - 1)
                self.lines.extend([""] * (args["n"] - 1))
        elif name == "init":
            self.align, self.bold, self.w, self.h = "left", False, 1, 1
        elif name == "align":
            self.align = _ALIGN.get(args["n"], "left")
        elif name == "bold":
            self.bold = bool(args["n"] & 1)
        elif name == "size":
            self.w, self.h = (args["n"] >> 4) + 1, (args["n"] & 0x0F) + 1
        elif name == "gs_paren":
            self._qr(args["sub"], args["body"])
        elif name == "barcode_height":
            self.bc_height = args["n"]
        elif name == "barcode_width":
            self.bc_width = args["n"]
        elif name == "hri_position":
            self.hri = args["n"]
        elif name == "barcode":
            self._flush_line(force=False)
            data = args["data"].decode("ascii", "replace")
            if args["m"] == 73 and data[:2] in ("{A", "{B", "{C"):
                data = data[2:]  # CODE128 code-set prefix is not printed
            try:
                self.canvas.barcode(data, module=self.bc_width, height=self.bc_height, hri=self.hri in (2, 3),
                                    align=self.align)
            except (BarcodeError, ValueError, IndexError):
                # Empty or non-ASCII data: a real printer prints no barcode; the sim must not die of it.
                self.lines.append(f"[BARCODE? {data}]")
                return
            self.lines.append(f"[BARCODE {data}]")
        elif name == "raster":
            self._flush_line(force=False)
            img = Image.frombytes("1", (args["xbytes"] * 8, args["rows"]), args["data"])
            img = Image.eval(img.convert("L"), lambda v: 255 - v)  # raster 1 = black dot
            self.canvas.image(img, align=self.align)
            self.lines.append(f"[IMAGE {args['xbytes'] * 8}x{args['rows']}]")
        elif name == "cut":
            self._flush_line(force=False)
            self.canvas.cut()
            self.lines.append("[CUT partial]" if args["partial"] else "[CUT]")
        elif name == "unknown":
            self.lines.append(f"[? {args['bytes'].hex(' ')}]")

    def _qr(self, sub: int, body: bytes) -> None:
        if sub != 0x6B or len(body) < 2 or body[0] != 0x31:
            return
        fn = body[1]
        if fn == 0x43 and len(body) > 2:
            self.qr_module = body[2]
        elif fn == 0x45 and len(body) > 2:
            self.qr_ec = _EC.get(body[2], "L")
        elif fn == 0x50:
            self.qr_data = body[3:]
        elif fn == 0x51:
            self._flush_line(force=False)
            text = self.qr_data.decode("utf-8", "replace")
            self.canvas.qr(self.qr_data.decode("utf-8", "replace"), module=self.qr_module, ec=self.qr_ec,
                           align=self.align)
            self.lines.append(f"[QR {text}]")

    def transcript(self) -> str:
        return "\n".join(self.lines) + "\n"

    def image(self) -> Image.Image:
        return self.canvas.to_image()
