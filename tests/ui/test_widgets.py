"""Shared widgets: the keypads edit their value, the QR widget draws a code a phone can read."""

import zxingcpp
from kivyhelp import advance_frames, tap
from PIL import Image as PILImage

from screens.widgets import BACKSPACE, CLEAR, DIGITS_X, USCC_KEYS, Keypad, QRCode


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


def test_qr_widget_encodes_its_data(kiosk_app, tmp_path):
    qr = QRCode(data="https://zwfw.example.gov.cn/q/A023")
    tex = qr.texture
    assert tex is not None
    img = PILImage.frombytes("RGBA", tex.size, bytes(tex.pixels)).transpose(PILImage.FLIP_TOP_BOTTOM)
    found = zxingcpp.read_barcodes(img.convert("L"))
    assert [r.text for r in found] == ["https://zwfw.example.gov.cn/q/A023"]


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
