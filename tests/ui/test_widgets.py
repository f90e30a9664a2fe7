"""Shared widgets: the keypads edit their value, the QR widget draws a code a phone can read."""

import os
import subprocess
import sys
from pathlib import Path

import zxingcpp
from kivyhelp import advance_frames, tap, wait_until
from PIL import Image as PILImage

from screens.widgets import BACKSPACE, CLEAR, DIGITS_X, USCC_KEYS, Keypad, QRCode

ROOT = Path(__file__).resolve().parents[2]


def test_keypad_types_deletes_clears_and_bounds(kiosk_app):
    from kivy.core.window import Window

    pad = Keypad(keys=DIGITS_X, max_length=3, size_hint=(None, None), width=400)
    Window.add_widget(pad)
    try:
        advance_frames(2)
        for k in ("3", "7", "X", "9"):
            tap(pad.key_widget(k))
        assert pad.value == "37X"                    # bounded at 3
        tap(pad.key_widget(BACKSPACE))
        assert pad.value == "37"
        assert pad.key_widget(BACKSPACE).text == "删除"
        pad.keys = USCC_KEYS
        advance_frames(2)
        assert pad.key_widget("I") is None and pad.key_widget("Y") is not None
        tap(pad.key_widget(CLEAR))
        assert pad.value == ""
    finally:
        Window.remove_widget(pad)


def read_qr(qr) -> list[str]:
    tex = qr.texture
    img = PILImage.frombytes("RGBA", tex.size, bytes(tex.pixels)).transpose(PILImage.FLIP_TOP_BOTTOM)
    return [r.text for r in zxingcpp.read_barcodes(img.convert("L"))]


def test_qr_widget_encodes_its_data(kiosk_app, tmp_path):
    # The code is made on the worker pool: it is on show a few frames later.
    qr = QRCode(data="https://zwfw.example.gov.cn/q/A023")
    wait_until(lambda: qr.texture is not None, 10, "the QR code")
    assert read_qr(qr) == ["https://zwfw.example.gov.cn/q/A023"]


def test_qr_widget_never_shows_the_code_of_earlier_data(kiosk_app):
    """A reused QR widget (the ticket screen's) gets the next citizen's data: the last citizen's code goes
    at once, and a code made for data that is no longer wanted never lands."""
    qr = QRCode(data="https://zwfw.example.gov.cn/q/A023")
    wait_until(lambda: qr.texture is not None, 10, "the first code")
    qr.data = "https://zwfw.example.gov.cn/q/A024"
    assert qr.texture is None                   # not A023's code while A024's is made
    qr.data = "https://zwfw.example.gov.cn/q/A025"
    wait_until(lambda: qr.texture is not None, 10, "the last code")
    advance_frames(5)                            # A024's code, made meanwhile, arrives and is dropped
    assert read_qr(qr) == ["https://zwfw.example.gov.cn/q/A025"]
    qr.data = ""
    assert qr.texture is None


def test_scroll_views_do_not_pile_up_bar_colour_bindings(kiosk_app):
    """Kivy 2.3 binds bar_color on every scroll update and unbinds once, 0.5 s later: a plain
    ScrollView gains an observer per update inside that half second (ten or so per citizen session,
    found by bench/observers.py). Every scroll view of the kiosk is a KScrollView, which keeps one."""
    from kivy.uix.scrollview import ScrollView
    from kivy.uix.widget import Widget

    from screens.widgets import KScrollView

    def observers_after_updates(cls) -> int:
        view = cls(size=(200, 200))
        view.add_widget(Widget(size_hint=(None, None), size=(200, 2000)))
        for _ in range(20):
            view.update_from_scroll()
        return len(view.get_property_observers("bar_color"))

    assert observers_after_updates(KScrollView) <= 2
    assert observers_after_updates(ScrollView) > 10, "Kivy fixed it: KScrollView can go"
    from screens import SCREENS

    plain = [name for name in SCREENS for w in kiosk_app.screen(name).walk(restrict=False)
             if type(w) is ScrollView]
    assert plain == [], f"plain ScrollViews on {plain}"


# ------------------------------------------------------------------ line breaking of labels (禁则)

def _drawn(label) -> list[str]:
    label.texture_update()
    return ["".join(w.text for w in line.words).strip() for line in label._label._cached_lines]


def _han_width(label, n: int) -> float:
    """A text width for label that holds exactly n Han characters of its font on a line."""
    from screens.widgets import _SLACK, text_measure

    return text_measure(label.font_name, label.font_size, label.bold)("一" * n) + _SLACK + 0.5


def test_a_plain_kivy_label_starts_lines_with_closing_punctuation(kiosk_app):
    """What the kiosk's labels fix: Kivy breaks Chinese anywhere, so "。" opens the second line."""
    from kivy.uix.label import Label

    text = "一二三四五六七八九十。十一十二十三十四十五十六"
    plain = Label(text=text, font_size=20)
    plain.text_size = (_han_width(plain, 10), None)
    assert _drawn(plain)[1].startswith("。")


def test_klabel_pushes_a_character_down_with_closing_punctuation(kiosk_app):
    from screens.widgets import KLabel

    text = "一二三四五六七八九十。十一十二十三十四十五十六七八九（十）二一二三四五六七八九十"
    label = KLabel(text=text, font_size=20, width=10, size_hint_x=None)
    label.text_size = (_han_width(label, 10), None)
    lines = _drawn(label)
    assert lines[0] == "一二三四五六七八九"             # "十" goes down with its "。"
    assert lines[1].startswith("十。")
    assert label.text == text                           # the screen's text stays as it set it
    assert "".join(lines) == text
    for before, after in zip(lines, lines[1:], strict=False):
        assert after[0] not in "。，、；：？！）》」" and before[-1] not in "（《「", (before, after)

    # "（" that would end a line goes down with what it opens; "）" never starts one.
    text2 = "一二三四五六七八九（十）二三四五六七八九十一二三四五六七八九十"
    label.text = text2
    lines = _drawn(label)
    assert lines[0] == "一二三四五六七八九" and lines[1].startswith("（十）")


def test_klabel_rewraps_on_width_and_font_size_and_keeps_numbers_whole(kiosk_app):
    from screens.widgets import KLabel

    text = "请凭办件编号SD2024050100012或手机号13912345678查询。（工作日）谢谢您的耐心等待和支持。"
    label = KLabel(text=text, font_size=20)
    for chars, size in ((10, 20), (13, 20), (17, 20), (12, 30), (11, 26)):
        label.font_size = size
        label.text_size = (_han_width(label, chars), None)
        lines = _drawn(label)
        assert "".join(lines) == text, lines
        assert any("SD2024050100012" in line for line in lines) and any("13912345678" in line for line in lines)
        for before, after in zip(lines, lines[1:], strict=False):
            assert after[0] not in "。，）" and before[-1] != "（", (chars, size, lines)
        assert label.texture_size[0] <= label.text_size[0] + 1


def test_markup_label_breaks_on_its_shown_text_and_keeps_its_tags(kiosk_app):
    from screens.widgets import KLabel

    text = "[b]办理须知[/b]：一二三四五六七八[color=#B3261E]九[/color]。[size=30]十一十二十三[/size]十四十五十六十七"
    label = KLabel(text=text, markup=True, font_size=20)
    label.text_size = (_han_width(label, 10), None)
    lines = _drawn(label)
    assert "".join(lines) == "办理须知：一二三四五六七八九。十一十二十三十四十五十六十七"
    for after in lines[1:]:
        assert after[0] not in "。，：）", lines
    core_text = label._label.text
    for tag in ("[b]", "[/b]", "[color=#B3261E]", "[/color]", "[size=30]", "[/size]"):
        assert tag in core_text, tag
    assert label.text == text


def test_fit_label_gets_smaller_or_takes_two_lines_never_an_ellipsis(kiosk_app):
    from kivy.core.window import Window

    from screens.widgets import FitLabel

    name = FitLabel(text="Daodejie Subdistrict Convenience Service Center", bold=True,
                    font_sizes=[30, 26, 22, 18], max_lines=2, size_hint=(None, None), size=(2000, 80))
    Window.add_widget(name)
    try:
        name.text_size = (name.width, None)
        advance_frames(2)
        assert name.font_size == 30 and len(_drawn(name)) == 1
        name.size = (420, 80)
        name.text_size = (420, None)                    # (the header's kv binds it to the width)
        advance_frames(2)
        lines = _drawn(name)
        assert name.font_size < 30 and len(lines) == 2 and "…" not in "".join(lines)
        assert lines == ["Daodejie Subdistrict", "Convenience Service Center"] or \
            " ".join(lines) == name.text
        assert name.texture_size[0] <= name.width and name.texture_size[1] <= name.height
    finally:
        Window.remove_widget(name)


def test_theme_sizes_reach_kivy_in_sp_and_dp(kiosk_app):
    """Sizes are never fixed pixels: on a denser screen every text and target grows with it."""
    from kivy.metrics import Metrics

    from kiosk import theme

    old = Metrics.density
    try:
        Metrics.density = 2.0
        kiosk_app.set_elder(True)
        assert kiosk_app.sz.body == theme.sizes(True).body * 2.0 * Metrics.fontscale
        assert kiosk_app.sz.button == theme.sizes(True).button * 2.0
    finally:
        Metrics.density = old
        kiosk_app.set_elder(False)
    assert kiosk_app.sz.body == theme.NORMAL.body * old * Metrics.fontscale


def test_text_sizes_are_remembered_per_face_and_text(kiosk_app):
    """The first layout of a screen measures the same pieces of text many times: SDL_ttf is asked once per
    face and text, and what is kept is exactly what it answers."""
    from kivy.core.text import Label as CoreLabel
    from kivy.core.text._text_sdl2 import _get_extents

    kept = CoreLabel._kiosk_extents
    text = "道德街街道便民服务中心 0531"
    small, large, bold = CoreLabel(font_size=30), CoreLabel(font_size=44), CoreLabel(font_size=30, bold=True)
    for label in (small, large, bold):
        label.resolve_font_name()
    first = small.get_extents(text)
    assert first == tuple(_get_extents(small, text))
    assert small.get_extents(text) == first
    assert large.get_extents(text)[0] > first[0]
    assert bold.get_extents(text) == tuple(_get_extents(bold, text))
    assert sum(1 for key in kept if key[-1] == text) == 3          # one entry per face


def test_rules_of_widgets_the_home_screen_lacks_are_read_with_the_first_of_them(kiosk_app):
    """The first frame needs the shell's and the home screen's kv rules only; a keypad's, a dialog's, a
    text field's and a QR code's come with the first such widget. Checked in a fresh interpreter (this
    one has built them all already), then here: a keypad built now has its rule's three columns."""
    script = ("import os\nos.environ['KIVY_NO_ARGS'] = '1'\nimport screens.shell, screens.home\n"
              "from kivy.lang import Builder\nfrom screens.widgets import _ON_DEMAND_KV\n"
              "print('read before the first keypad:', _ON_DEMAND_KV in Builder.files)\n")
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60,
                         env={**os.environ, "KIVY_NO_CONSOLELOG": "1"})
    assert out.returncode == 0, out.stderr[-2000:]
    assert "read before the first keypad: False" in out.stdout
    assert Keypad(keys=DIGITS_X).cols == 3
