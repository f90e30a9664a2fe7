"""Looking at a printed PDF the way a person would: its page sizes (pdfinfo) and the QR codes on its pages
(rendered with pdftoppm, decoded with zxing-cpp). For the A4 driver's tests and the licence tests."""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path

import zxingcpp
from PIL import Image


def page_sizes(pdf: str | Path) -> list[tuple[float, float]]:
    """Each page's size in points, e.g. [(595.0, 842.0)] for one A4 page."""
    out = subprocess.run(["pdfinfo", "-f", "1", "-l", "1000", str(pdf)], capture_output=True, text=True,
                         check=True, timeout=60).stdout
    return [(float(w), float(h)) for w, h in re.findall(r"^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", out, re.M)]


def is_a4(size: tuple[float, float]) -> bool:
    """595 x 842 pt, to a point (200-dpi rasters come out at 595.44 x 842.04)."""
    w, h = sorted(size)
    return abs(w - 595.3) < 1.5 and abs(h - 841.9) < 1.5


def decode_qr(pdf: str | Path, dpi: int = 200) -> list[str]:
    """The texts of every QR code on every page, in page order."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", str(pdf), f"{tmp}/p"], check=True,
                       capture_output=True, timeout=120)
        texts = []
        for png in sorted(Path(tmp).glob("p-*.png")):
            with Image.open(png) as img:
                texts += [r.text for r in zxingcpp.read_barcodes(img.convert("L"))
                          if r.format == zxingcpp.BarcodeFormat.QRCode]
        return texts
