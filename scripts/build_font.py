"""Build assets/fonts/NotoSansSC-Kiosk.otf: Noto Sans CJK SC subset to what the kiosk can show.

Reproducible from Debian's fonts-noto-cjk (apt-get install fonts-noto-cjk) and fontTools:
    .venv/bin/python scripts/build_font.py
Kivy's SDL2 text provider only ever opens face 0 of a .ttc, and face 0 of NotoSansCJK-Regular.ttc is the
Japanese face, so the SC face is picked by its name here and saved on its own. The subset covers every
character GBK encodes (names on ID cards such as 喆 堃 玥 珺 镕 are outside GB2312), ASCII, CJK and
full-width punctuation, and the few symbols the UI uses.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from fontTools.subset import Options, Subsetter
from fontTools.ttLib import TTCollection, TTFont

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
]
OUT = ROOT / "assets" / "fonts" / "NotoSansSC-Kiosk.otf"
HORIZONTAL_FEATURES = ["ccmp", "calt", "clig", "curs", "dist", "kern", "liga", "mark", "mkmk", "rclt", "rlig"]
EXTRA = "★☆✓✔✗✕←→↑↓▲▼●○◆◇■□…—–·•※℃№￥°±×÷"


def gbk_characters() -> set[int]:
    chars: set[int] = set()
    for lead in range(0x81, 0xFF):
        for trail in range(0x40, 0xFF):
            if trail == 0x7F:
                continue
            try:
                chars.add(ord(bytes([lead, trail]).decode("gbk")))
            except UnicodeDecodeError:
                pass
    return chars


def wanted_codepoints() -> set[int]:
    cps = gbk_characters()
    cps.update(range(0x20, 0x7F))
    cps.update(range(0x3000, 0x3040))   # CJK symbols and punctuation
    cps.update(range(0xFF00, 0xFFF0))   # full-width forms
    cps.update(range(0x2010, 0x2070))   # general punctuation (quotes, dashes, ellipsis)
    cps.update(ord(c) for c in EXTRA)
    return cps


def sc_face():
    for src in SOURCES:
        if not src.exists():
            continue
        for font in TTCollection(str(src)).fonts:
            family = font["name"].getDebugName(1) or ""
            if family.endswith(" SC"):
                return font
    sys.exit("build_font: Noto Sans CJK SC not found; apt-get install fonts-noto-cjk")


def with_consecutive_cids(font: TTFont) -> TTFont:
    """The subset's glyphs renumbered CID 1, 2, 3... in glyph order (Adobe-Identity-0, where a CID
    is only a glyph's number), so the CFF charset is one range.

    The subset keeps the source's CIDs, which have gaps: fontTools then writes the charset as
    thousands of short ranges, and FreeType reads a range at a time through SDL2_ttf's stream, a
    seek and a read per field. Every face SDL2_ttf opened took ~10 ms of that, at each font size
    and weight a screen first shows; with one range ~1 ms. Only the names change: the other tables
    refer to glyphs by index, and the glyph order is set before they are read.
    """
    top = font["CFF "].cff.topDictIndex[0]
    old = list(font.getGlyphOrder())
    rename = dict(zip(old, [".notdef"] + [f"cid{i:05d}" for i in range(1, len(old))], strict=True))
    top.CharStrings.charStrings = {rename[n]: v for n, v in list(top.CharStrings.charStrings.items())}
    top.charset = [rename[n] for n in list(top.charset)]
    font.setGlyphOrder([rename[n] for n in old])
    return font


def main() -> None:
    font = sc_face()
    options = Options()
    # The features a shaper applies to horizontal text, and no others: 'locl' would keep the Japanese,
    # Korean and traditional forms the kiosk never shows (they follow the process's locale), 'vert' and
    # the other vertical ones a layout it never draws. Their alternate glyphs were 18,000 of 40,000,
    # and each FreeType face SDL2_ttf opens (one per font size and weight) holds per-glyph tables:
    # 0.43 MB a face with them, 0.19 MB without. Horizontal simplified Chinese renders the same.
    options.layout_features = HORIZONTAL_FEATURES
    options.hinting = False
    options.name_IDs = ["*"]
    options.notdef_outline = True
    # Subroutines inlined: SDL2_ttf opens one FreeType face per font size, and FreeType copies a CFF
    # font's subroutines into memory for each face (1.6 MB per size with them, 0.4 MB without; a
    # screen uses a dozen sizes and Kivy keeps up to 64 open). The file grows by 1.1 MB; the outlines,
    # hints and rendered pixels are the same.
    options.desubroutinize = True
    subsetter = Subsetter(options)
    subsetter.populate(unicodes=wanted_codepoints())
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.save(buffer)
    buffer.seek(0)
    font = with_consecutive_cids(TTFont(buffer))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(OUT))
    print(f"wrote {OUT} ({OUT.stat().st_size / 1e6:.1f} MB, family {font['name'].getDebugName(1)!r})")


if __name__ == "__main__":
    main()
