"""Colours and sizes of the kiosk UI, and the rules they must meet.

Sizes are in sp (text) and dp (targets); `sizes()` turns them into pixels for the screen. Elder mode (长辈模式) scales text by ELDER_SCALE and never lets a touch target fall
below 60 dp (MIIT 适老化 rules: main text >= 18 dp, largest >= 30 dp, line spacing >= 1.3, targets
>= 60 dp in the elder version, contrast >= 4.5:1).
"""

from __future__ import annotations

from dataclasses import dataclass

ELDER_SCALE = 1.5
LINE_SPACING = 1.3


def hex_rgba(h: str, alpha: float = 1.0) -> tuple[float, float, float, float]:
    h = h.lstrip("#")
    return (int(h[0:2], 16) / 255, int(h[2:4], 16) / 255, int(h[4:6], 16) / 255, alpha)


# Colour pairs are (text, background); every pair used for text is listed in TEXT_PAIRS and tested.
COLORS = {
    "bg": "#F4F6F9",            # screen background
    "surface": "#FFFFFF",       # cards, lists
    "text": "#1A2330",          # main text
    "muted": "#4A5566",         # secondary text (still >= 4.5:1 on bg and surface)
    "primary": "#B3261E",       # government red: header, primary buttons
    "on_primary": "#FFFFFF",
    "accent": "#0B57A4",        # secondary buttons, links
    "on_accent": "#FFFFFF",
    "tile": "#FFFFFF",
    "tile_text": "#1A2330",
    "ok": "#1E6B34",
    "warn_bg": "#FFF4CE",
    "warn_text": "#5C3B00",
    "error_bg": "#FDE7E9",
    "error_text": "#8A1020",
    "helper_bg": "#0B57A4",     # 帮办模式 banner
    "disabled_bg": "#C9CED6",
    "disabled_text": "#2E3744",
    "key_bg": "#E3E8EF",
    "key_text": "#1A2330",
}

TEXT_PAIRS = [
    ("text", "bg"), ("text", "surface"), ("muted", "bg"), ("muted", "surface"),
    ("on_primary", "primary"), ("on_accent", "accent"), ("tile_text", "tile"), ("ok", "surface"),
    ("warn_text", "warn_bg"), ("error_text", "error_bg"), ("on_accent", "helper_bg"),
    ("disabled_text", "disabled_bg"), ("key_text", "key_bg"), ("accent", "surface"), ("primary", "surface"),
]


def _linear(c: float) -> float:
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(h: str) -> float:
    r, g, b, _ = hex_rgba(h)
    return 0.2126 * _linear(r) + 0.7152 * _linear(g) + 0.0722 * _linear(b)


def contrast_ratio(fg: str, bg: str) -> float:
    """WCAG 2 contrast ratio between two #RRGGBB colours."""
    a, b = relative_luminance(fg), relative_luminance(bg)
    hi, lo = max(a, b), min(a, b)
    return (hi + 0.05) / (lo + 0.05)


@dataclass(frozen=True)
class Sizes:
    """Text sizes (sp) and target sizes (dp) for one mode, or their pixels (from `sizes(..., sp, dp)`)."""

    small: float
    body: float
    title: float
    huge: float
    button: float      # height of ordinary buttons (touch target)
    tile: float        # minimum height of a home tile
    key: float         # keypad key height
    header: float
    footer: float


NORMAL = Sizes(small=18, body=22, title=30, huge=56, button=64, tile=150, key=72, header=84, footer=84)


def sizes(elder: bool, sp: float = 1.0, dp: float = 1.0) -> Sizes:
    """The sizes of a mode in sp (text) and dp (targets, bars); given the pixels per sp and per dp of
    the screen (kivy.metrics.sp(1), dp(1)), in pixels, which is what Kivy's font_size and height take."""
    n = NORMAL
    s = ELDER_SCALE if elder else 1.0
    base = Sizes(small=n.small * s, body=n.body * s, title=n.title * s, huge=n.huge * s,
                 button=max(60, n.button * s) if elder else n.button, tile=n.tile * s,
                 key=max(60, n.key * s) if elder else n.key,
                 header=n.header * 1.25 if elder else n.header, footer=n.footer * 1.25 if elder else n.footer)
    return Sizes(small=base.small * sp, body=base.body * sp, title=base.title * sp, huge=base.huge * sp,
                 button=base.button * dp, tile=base.tile * dp, key=base.key * dp, header=base.header * dp,
                 footer=base.footer * dp)
