"""The CJK font for previews and the simulator's renders."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

REPO = Path(__file__).resolve().parents[2]
ASSET_FONT = REPO / "assets" / "fonts" / "NotoSansSC-Kiosk.otf"
SYSTEM_TTC = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
SYSTEM_TTC_SC_INDEX = 2  # Noto Sans CJK SC inside the collection


class FontNotFound(FileNotFoundError):
    pass


# Pillow's basic layout, not raqm: a slip's Chinese, digits and Latin need no shaping, and raqm would load
# HarfBuzz into the kiosk with the first receipt picture (+0.8 MB resident for good).
_LAYOUT = ImageFont.Layout.BASIC


@lru_cache(maxsize=16)
def cjk_font(size: int) -> ImageFont.FreeTypeFont:
    if ASSET_FONT.exists():
        return ImageFont.truetype(str(ASSET_FONT), size, layout_engine=_LAYOUT)
    if SYSTEM_TTC.exists():
        return ImageFont.truetype(str(SYSTEM_TTC), size, index=SYSTEM_TTC_SC_INDEX, layout_engine=_LAYOUT)
    raise FontNotFound(f"no CJK font: neither {ASSET_FONT} nor {SYSTEM_TTC}")
