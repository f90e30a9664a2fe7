"""A licence's PDF as pictures: the preview the citizen looks at, and the pages the A4 printer gets
with the terminal's 自助打印 mark on them.

The PDF comes from the central API; it is rasterised by poppler's pdftoppm (poppler-utils, the
PDF renderer Debian ships; no PDF parser of our own), the mark is drawn with Pillow in the kiosk's CJK
font, and the marked pages go back into one PDF of A4 pages. Everything blocks (a subprocess, image
work): call it from a worker thread, never the UI thread. Nothing is written to disk but pdftoppm's
scratch directory, removed at once (the pages are the holder's own document).
"""

from __future__ import annotations

import io
import subprocess
import tempfile
from datetime import datetime
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from kiosk.assets import FONT_PATH

PREVIEW_DPI = 72          # enough for a screen of 1080 px: a page is 842 px high
PRINT_DPI = 300           # what an office laser printer resolves; text and the QR stay sharp
MAX_PAGES = 20            # the contract's limit (Licence.pages)
_TIMEOUT_S = 60.0
MARK_WORDS = "自助打印"


class PageError(Exception):
    """The PDF cannot be turned into pages (damaged, empty, too many pages, pdftoppm missing)."""

    code = "licence.pages"


def rasterise(pdf: bytes, dpi: int) -> list[Image.Image]:
    """The PDF's pages as RGB images at `dpi`, in order."""
    if not pdf.startswith(b"%PDF-"):
        raise PageError("not a PDF")
    with tempfile.TemporaryDirectory(prefix="kiosk-licence-") as tmp:
        src = Path(tmp) / "in.pdf"
        src.write_bytes(pdf)
        try:
            done = subprocess.run(["pdftoppm", "-r", str(dpi), "-l", str(MAX_PAGES + 1), "-png", str(src),
                                   str(Path(tmp) / "p")], capture_output=True, timeout=_TIMEOUT_S, check=False)
        except FileNotFoundError:
            raise PageError("pdftoppm is not installed (apt-get install poppler-utils)") from None
        except subprocess.TimeoutExpired:
            raise PageError(f"pdftoppm took longer than {_TIMEOUT_S:g} s") from None
        if done.returncode != 0:
            raise PageError(f"pdftoppm failed ({done.returncode}): {done.stderr[:200]!r}")
        # pdftoppm numbers p-1.png … p-12.png, zero-padded to the page count's width: sort by number.
        files = sorted(Path(tmp).glob("p-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
        if not files:
            raise PageError("the PDF has no pages")
        if len(files) > MAX_PAGES:
            raise PageError(f"more than {MAX_PAGES} pages")
        pages = []
        for f in files:
            with Image.open(f) as img:
                pages.append(img.convert("RGB"))
        return pages


def preview_pngs(pdf: bytes, dpi: int = PREVIEW_DPI) -> list[bytes]:
    """The pages as PNG bytes for the screen."""
    out = []
    for page in rasterise(pdf, dpi):
        buf = io.BytesIO()
        page.save(buf, "PNG", optimize=False)
        out.append(buf.getvalue())
    return out


def mark_text(terminal_id: str, when: datetime) -> str:
    return f"{MARK_WORDS}  终端 {terminal_id}  {when:%Y-%m-%d %H:%M}"


def mark_box(page_size: tuple[int, int], text: str, dpi: int) -> tuple[int, int, int, int]:
    """Where draw_mark puts the mark on a page of page_size (left, top, right, bottom) in pixels."""
    img = Image.new("L", page_size, 0)       # black page: the mark's white box is what getbbox finds
    draw_mark(img, text, dpi)
    return img.getbbox() or (0, 0, 0, 0)


def draw_mark(page: Image.Image, text: str, dpi: int) -> None:
    """The mark goes in the bottom margin, right-aligned, in a thin box: where a licence has no field,
    so it covers nothing the issuer printed (the QR sits at the left)."""
    d = ImageDraw.Draw(page)
    font = ImageFont.truetype(str(FONT_PATH), round(8 / 72 * dpi), layout_engine=ImageFont.Layout.BASIC)  # no HarfBuzz
    mm = dpi / 25.4
    # 4.5 mm from the edge: inside what office printers print (about 4 mm), below a licence's frame.
    right, bottom = page.width - 14 * mm, page.height - 4.5 * mm
    left, top, r, b = d.textbbox((right, bottom), text, font=font, anchor="rd")
    pad = 1.2 * mm
    d.rectangle((left - pad, top - pad, r + pad, b + pad), fill="white", outline="black", width=max(1, round(mm / 4)))
    d.text((right, bottom), text, font=font, fill="black", anchor="rd")


def marked_pdf(pdf: bytes, terminal_id: str, when: datetime, dpi: int = PRINT_DPI) -> bytes:
    """The licence's pages with the 自助打印 mark (terminal id and time) on each, as one PDF."""
    text = mark_text(terminal_id, when)
    pages = rasterise(pdf, dpi)
    for page in pages:
        draw_mark(page, text, dpi)
    out = io.BytesIO()
    # JPEG inside the PDF at this quality keeps a page near 1 MB instead of 25 MB of raw pixels.
    pages[0].save(out, "PDF", resolution=dpi, save_all=True, append_images=pages[1:], quality=90,
                  title="licence", creator="kiosk")
    return out.getvalue()
