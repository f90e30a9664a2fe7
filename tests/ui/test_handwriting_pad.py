"""The handwriting pad in a real window: a real character's strokes (Make Me a Hanzi medians) drawn
with simulated touch down/move/up events, recognised after the finger lifts, the right candidate
tapped into a real TextInput; 重写, 退格, the 手写/拼音 switch, and the layout in both orientations
and elder mode (screenshots)."""

from __future__ import annotations

import pytest
from kivyhelp import advance_frames, draw, every_look, run_for, screenshot, set_window, tap, wait_until

from screens.widgets import find_overflows


@pytest.fixture
def board(kiosk_app):
    """A field above a TextEntry in a scroll view covering the window, as a citizen's form has them."""
    from kivy.core.window import Window
    from kivy.graphics import Color, Rectangle
    from kivy.uix.boxlayout import BoxLayout

    from screens.handwriting_pad import PadScrollView
    from screens.text_entry import TextEntry
    from screens.text_input import KTextInput

    page = BoxLayout(orientation="vertical", size_hint=(1, 1), pos=(0, 0), padding=20)
    with page.canvas.before:
        Color(0.957, 0.965, 0.976, 1)          # the theme's screen background
        bg = Rectangle(pos=page.pos, size=page.size)
    page.bind(size=lambda w, s: setattr(bg, "size", s))
    scroll = PadScrollView(do_scroll_x=False)
    body = BoxLayout(orientation="vertical", size_hint_y=None, spacing=10)
    body.bind(minimum_height=body.setter("height"))
    field = KTextInput(text="联系人：", multiline=False)
    entry = TextEntry(target=field)
    body.add_widget(field)
    body.add_widget(entry)
    scroll.add_widget(body)
    page.add_widget(scroll)
    Window.add_widget(page)
    wait_until(lambda: entry.handwriting_available, 10, "the handwriting model")
    advance_frames(3)
    try:
        yield kiosk_app, field, entry, page
    finally:
        Window.remove_widget(page)
        set_window((1920, 1080))


def candidates_for(pad, ch: str) -> list[str]:
    wait_until(lambda: ch in pad.visible_candidates(), 10, f"{ch} among the candidates")
    return pad.visible_candidates()


def test_write_wang_tap_it_and_it_is_in_the_field(board):
    _app, field, entry, _page = board
    pad = entry.pad
    assert entry.shown == "handwriting"                         # handwriting first for citizens
    draw(pad.ids.square, "王")
    assert len(pad.pad.strokes) == 4 and pad.ids.square._lines   # strokes drawn as the finger moved
    got = candidates_for(pad, "王")
    assert got.index("王") < 5 and len(got) <= 10
    tap(pad.candidate_widget("王"))
    assert field.text == "联系人：王"
    assert pad.pad.strokes == [] and pad.visible_candidates() == [] and pad.ids.square._lines == []
    draw(pad.ids.square, "明")
    candidates_for(pad, "明")
    tap(pad.candidate_widget("明"))
    assert field.text == "联系人：王明"


def test_rewrite_and_backspace(board):
    _app, field, entry, _page = board
    pad = entry.pad
    assert pad.ids.rewrite_button.disabled                       # nothing to rewrite yet
    draw(pad.ids.square, "王")
    candidates_for(pad, "王")
    tap(pad.ids.backspace_button)                               # 退格 while writing: the last stroke
    assert len(pad.pad.strokes) == 3 and field.text == "联系人："
    tap(pad.ids.rewrite_button)
    assert pad.pad.strokes == [] and pad.visible_candidates() == [] and field.text == "联系人："
    run_for(0.6)                                                # a late answer would show up now
    assert pad.visible_candidates() == []
    tap(pad.ids.backspace_button)                               # an empty pad: the field's last character
    assert field.text == "联系人"


def test_switch_to_pinyin_and_back_writes_into_the_same_field(board):
    _app, field, entry, _page = board
    tap(entry.switch_button("pinyin"))
    assert entry.shown == "pinyin" and entry.keyboard.target is field
    kb = entry.keyboard
    kb.warm_up_thread.join(10)
    for key in "wang":
        tap(kb.key_widget(key))
    tap(kb.candidate_widget("王"))
    assert field.text == "联系人：王"
    tap(entry.switch_button("handwriting"))
    assert entry.shown == "handwriting" and kb.parent is None
    draw(entry.pad.ids.square, "明")
    candidates_for(entry.pad, "明")
    tap(entry.pad.candidate_widget("明"))
    assert field.text == "联系人：王明"


def stray_parts(pad, entry, window: bool = True) -> list[str]:
    """The pad's widgets lying (partly) outside the entry around it or (`window`) outside the window."""
    from kivy.core.window import Window

    ex, ey = entry.to_window(entry.x, entry.y)
    boxes = [(ex, ey, ex + entry.width, ey + entry.height)] + [(0, 0, Window.width, Window.height)] * window
    out = []
    for w in pad.walk(restrict=True):
        x, y = w.to_window(w.x, w.y)
        for x0, y0, x1, y1 in boxes:
            if x < x0 - 1 or y < y0 - 1 or x + w.width > x1 + 1 or y + w.height > y1 + 1:
                out.append(f"{type(w).__name__} {getattr(w, 'text', '')!r} at {x:.0f},{y:.0f} "
                           f"{w.width:.0f}x{w.height:.0f} outside {x0:.0f},{y0:.0f},{x1:.0f},{y1:.0f}")
    return out


#: The square's side in portrait before it took the room (elder mode; 380 otherwise).
OLD_PORTRAIT_SIDE = 480


@pytest.mark.parametrize("size,orient", [((1920, 1080), "landscape"), ((1080, 1920), "portrait")])
def test_fits_big_targets_in_both_orientations(board, size, orient):
    app, _field, entry, page = board
    set_window(size)
    pad = entry.pad
    draw(pad.ids.square, "王")
    candidates_for(pad, "王")
    sides = {}
    for lang in ("zh_CN", "en"):
        app.set_language(lang)
        for elder in (False, True):
            app.set_elder(elder)
            run_for(0.05)
            assert find_overflows(page) == [], (orient, lang, elder)
            assert stray_parts(pad, entry) == [], (orient, lang, elder)
            sq = pad.ids.square
            # Finger-sized in every layout, larger in elder mode.
            assert sq.width == sq.height >= 340, (orient, elder, sq.size)
            sides[elder] = sq.width
            if orient == "portrait":
                # The form leaves the pad the height under the field: the square takes the width
                # instead of huddling at the top over two empty thirds.
                assert pad.layout == "stacked" and sq.width >= 0.8 * pad.width, (lang, elder, sq.size, pad.width)
                assert sq.width * sq.height > 3 * OLD_PORTRAIT_SIDE ** 2, (lang, elder, sq.size)
                assert pad.height <= pad.room + 1, (pad.height, pad.room)
            for w in [*pad.slots, pad.ids.rewrite_button, pad.ids.backspace_button,
                      entry.switch_button("handwriting"), entry.switch_button("pinyin")]:
                assert w.height >= 60 and w.width >= 60, (w.text, w.size)
                x, y = w.to_window(w.x, w.y)
                assert x >= 0 and x + w.width <= size[0] + 1 and y >= 0 and y + w.height <= size[1] + 1, w.text
            screenshot(f"handwriting-pad-{orient}-{lang}{'-elder' if elder else ''}")
        if orient == "landscape":
            assert sides[True] > sides[False], sides
    app.set_language("zh_CN")
    app.set_elder(False)


@pytest.mark.parametrize("elder", [False, True])
def test_in_portrait_the_square_takes_the_room_the_form_leaves_and_no_more(board, elder):
    """Fields above the entry take more and more of the form: the square shrinks with the room, from
    the width to beside its candidates, to the compact arrangement, and the form never needs scrolling
    while the room holds that (nothing of the pad pushed out of view)."""
    app, field, entry, page = board
    set_window((1080, 1920))
    app.set_elder(elder)
    pad = entry.pad
    scroll, body = entry.parent.parent, entry.parent
    field.size_hint_y = None
    seen = []
    try:
        for above in (100, 400, 700, 900, 1100, 1300, 1500):
            field.height = above
            run_for(0.05)
            sq = pad.ids.square
            seen.append((above, pad.layout, round(sq.width)))
            assert sq.width == sq.height, (above, sq.size)
            # Only where even the compact arrangement is taller than the room may the form scroll.
            fits = body.height <= scroll.height + 1
            assert stray_parts(pad, entry, window=fits) == [], above
            assert find_overflows(page) == [], above
            if pad.layout != "beside":
                assert pad.height <= pad.room + 1 and fits, (above, pad.height, pad.room)
                # Larger than before the room was used, and the candidates still finger-sized.
                assert sq.width >= (OLD_PORTRAIT_SIDE if elder else 380) + 50, (above, sq.size)
            assert all(b.height >= 60 and b.width >= 60 for b in pad.slots), above
        layouts = [layout for _above, layout, _side in seen]
        sides = [side for _above, _layout, side in seen]
        assert sides == sorted(sides, reverse=True), seen          # less room, never a bigger square
        assert layouts[0] == "stacked" and "column" in layouts and layouts[-1] == "beside", seen
    finally:
        app.set_elder(False)


def test_without_the_model_handwriting_is_hidden_and_pinyin_stays(kiosk_app, tmp_path, caplog):
    """Zinnia's model missing (a real missing file, not a stub): no 手写 switch, the 拼音 keyboard is
    the entry, and the log says why."""
    import logging

    from kivy.core.window import Window

    import kiosk.handwriting as hw
    from screens.text_entry import TextEntry
    from screens.text_input import KTextInput

    hw.configure(str(tmp_path / "no-such.model"))
    try:
        field = KTextInput(multiline=False)
        with caplog.at_level(logging.WARNING):
            entry = TextEntry(target=field, pos=(0, 0), size_hint=(1, None))
            Window.add_widget(entry)
            wait_until(lambda: entry.pad.pad.available is False, 10, "the probe's answer")
            advance_frames(2)
        assert entry.shown == "pinyin" and entry.switch.parent is None and entry.keyboard.target is field
        assert "handwriting pad hidden" in caplog.text and "no-such.model" in caplog.text
        entry.keyboard.warm_up_thread.join(10)
        for key in "wang":
            tap(entry.keyboard.key_widget(key))
        tap(entry.keyboard.candidate_widget("王"))
        assert field.text == "王"
        Window.remove_widget(entry)
    finally:
        hw.configure(None)


def test_the_evaluation_comment_shows_the_whole_pad_and_its_buttons(kiosk_app):
    """The 好差评 comment in both orientations, both languages, elder mode or not: the pad in view
    whole without scrolling, 取消/确定 on screen, and in portrait a square well above its old size."""
    from kivy.core.window import Window
    from test_evaluation import open_eval

    from kiosk.session import Transaction

    app = kiosk_app
    scr, tx = open_eval(app, "feedback", "FK20261126JT010007", "", "诉求反馈")
    try:
        for orient, lang, elder in every_look(app):
            scr.flow.start(Transaction(kind=tx.kind, reference=tx.reference, service_name=tx.service_name))
            scr.flow.choose_level(4)
            scr.enter_comment()
            run_for(0.05)
            where = (orient, lang, elder)
            entry, scroll = scr.entry, scr.ids.scroll
            wait_until(lambda e=entry: e.handwriting_available, 10, "the handwriting model")
            run_for(0.05)
            assert scr.ids.body.height <= scroll.height + 1, where       # nothing to scroll to
            sx, sy = scroll.to_window(scroll.x, scroll.y)
            ex, ey = entry.to_window(entry.x, entry.y)
            assert sy - 1 <= ey and ey + entry.height <= sy + scroll.height + 1, where
            stray = stray_parts(entry.pad, entry)
            assert stray == [], (where, stray)
            for b in (scr.ids.skip_button, scr.ids.submit_button):
                x, y = b.to_window(b.x, b.y)
                assert y >= 0 and y + b.height <= Window.height and b.height >= 60, (where, b.text)
            sq = entry.pad.ids.square
            if orient == "portrait":
                assert entry.pad.layout != "beside", where
                old = OLD_PORTRAIT_SIDE if elder else 380
                assert sq.width * sq.height >= 1.5 * old * old, (where, sq.size)
    finally:
        app.set_language("zh_CN")
        app.set_elder(False)
        set_window((1920, 1080))
        app.go("home")
