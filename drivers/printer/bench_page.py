"""The driver's own test page, for `python -m drivers.printer test` at the bench: every character size,
CJK punctuation in GBK, rare name characters, a ruler, a native QR and a CODE128 barcode.

It is built here with python-escpos and not with the kiosk's receipt model, so that the driver tool
works (and proves the printer) without the application core. The kiosk's own test page
(kiosk.receipts.templates.test_page) goes through the whole receipt pipeline instead.
"""

from __future__ import annotations

from escpos.constants import QR_ECLEVEL_M

from drivers.printer.escpos_lib import dummy

TEST_PUNCTUATION = "【测试】：你好，世界。甲、乙、丙；“引号”（括号）《书名》！？"
RARE_NAMES = "生僻字：喆 堃 玥 珺 镕"
FS_KANJI_ON, FS_KANJI_OFF = b"\x1c\x26", b"\x1c\x2e"


def bench_page(station: str, version: str, time: str, profile: str | None = None,
                    url: str = "https://example.gov.cn/kiosk/test") -> bytes:
    d = dummy(profile)
    d.hw("INIT")

    def line(text: str, w: int = 1, h: int = 1) -> None:
        d.set(custom_size=True, width=w, height=h) if (w, h) != (1, 1) else d.set(normal_textsize=True)
        d._raw(text.encode("gbk") + b"\n")

    d._raw(FS_KANJI_ON)
    d.set(align="center")
    line("打印测试页", 2, 2)
    d.set(align="left")
    line("=" * 48)
    for s in (1, 2, 3, 4):
        line(f"字号{s}x{s} Aa1", s, s)
    line("-" * 48)
    line(TEST_PUNCTUATION)
    line(RARE_NAMES)
    line("0123456789" * 4)
    line("-" * 48)
    d._raw(FS_KANJI_OFF)   # a QR sent in Kanji mode comes out empty on some printers
    d.set(align="center")
    d.qr(url, native=True, size=6, ec=QR_ECLEVEL_M)
    d.quiet(d.barcode, "{B" + station, "CODE128", function_type="B")
    d._raw(FS_KANJI_ON)
    d.set(align="left", normal_textsize=True)
    line(f"终端：{station}  版本：{version}")
    line(f"打印时间：{time}")
    d._raw(FS_KANJI_OFF)
    d.cut(mode="PART")
    return d.output
