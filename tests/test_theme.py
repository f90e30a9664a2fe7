"""The theme meets the 适老化 rules it claims (MIIT 《移动互联网应用(APP)适老化通用设计规范》, 2021): text
contrast >= 4.5:1, the largest text >= 30 dp, elder-mode text >= 18 dp, line spacing >= 1.3, elder-mode
touch targets >= 60 dp (>= 44 dp otherwise); and sizes reach Kivy in pixels of sp and dp."""

from dataclasses import fields

import pytest

from kiosk import theme

MIN_CONTRAST = 4.5
LARGEST_TEXT = 30
ELDER_MAIN_TEXT = 18
TARGET = {False: 44, True: 60}


def test_contrast_formula_against_known_values():
    assert theme.contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert theme.contrast_ratio("#FFFFFF", "#FFFFFF") == pytest.approx(1.0)
    assert theme.contrast_ratio("#767676", "#FFFFFF") == pytest.approx(4.54, abs=0.01)   # WCAG's grey


@pytest.mark.parametrize(("fg", "bg"), theme.TEXT_PAIRS)
def test_every_text_colour_pair_has_enough_contrast(fg, bg):
    ratio = theme.contrast_ratio(theme.COLORS[fg], theme.COLORS[bg])
    assert ratio >= MIN_CONTRAST, f"{fg} on {bg}: {ratio:.2f}:1"


def test_text_pairs_name_real_colours_and_the_main_ones():
    for fg, bg in theme.TEXT_PAIRS:
        assert fg in theme.COLORS and bg in theme.COLORS
    for pair in (("text", "bg"), ("text", "surface"), ("on_primary", "primary"), ("muted", "bg")):
        assert pair in theme.TEXT_PAIRS


@pytest.mark.parametrize("elder", [False, True])
def test_miit_sizes(elder):
    sz = theme.sizes(elder)
    assert max(sz.title, sz.huge) >= LARGEST_TEXT
    assert sz.title >= LARGEST_TEXT               # every screen's title is "the largest" of its text
    assert theme.LINE_SPACING >= 1.3
    for target in (sz.button, sz.key, sz.header - 20, sz.footer - 16):   # header/footer buttons: bar - padding
        assert target >= TARGET[elder]
    if elder:
        assert min(sz.small, sz.body) >= ELDER_MAIN_TEXT
        assert sz.body >= theme.NORMAL.body * 1.5   # 长辈模式 is visibly bigger, not a token change


def test_elder_mode_never_shrinks_anything():
    normal, elder = theme.sizes(False), theme.sizes(True)
    for f in fields(theme.Sizes):
        assert getattr(elder, f.name) >= getattr(normal, f.name), f.name


def test_sizes_become_pixels_of_sp_for_text_and_dp_for_targets():
    base = theme.sizes(True)
    px = theme.sizes(True, sp=2.0, dp=3.0)
    for name in ("small", "body", "title", "huge"):
        assert getattr(px, name) == pytest.approx(getattr(base, name) * 2.0), name
    for name in ("button", "tile", "key", "header", "footer"):
        assert getattr(px, name) == pytest.approx(getattr(base, name) * 3.0), name
