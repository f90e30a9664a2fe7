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


@lru_cache(maxsize=16)
def cjk_font(size: int) -> ImageFont.FreeTypeFont:
    if ASSET_FONT.exists():
        return ImageFont.truetype(str(ASSET_FONT), size)
    if SYSTEM_TTC.exists():
        return ImageFont.truetype(str(SYSTEM_TTC), size, index=SYSTEM_TTC_SC_INDEX)
    raise FontNotFound(f"no CJK font: neither {ASSET_FONT} nor {SYSTEM_TTC}")
