"""The pinyin keyboard types Chinese into a real TextInput by real taps, and fits both orientations."""

import pytest
from kivyhelp import advance_frames, run_for, screenshot, set_window, tap

from screens.pinyin_keyboard import BACKSPACE, NEXT, PREV, SPACE, SWITCH, PinyinKeyboard
from screens.widgets import find_overflows


@pytest.fixture
def board(kiosk_app):
    """A TextInput above a PinyinKeyboard, covering the window like a 帮办 page would."""
    from kivy.core.window import Window
    from kivy.uix.boxlayout import BoxLayout
    from kivy.uix.textinput import TextInput

    page = BoxLayout(orientation="vertical", size_hint=(1, 1), pos=(0, 0))
    field = TextInput(text="问题描述：", font_size=30, size_hint_y=1)
    kb = PinyinKeyboard(target=field)
    page.add_widget(field)
    page.add_widget(kb)
    Window.add_widget(page)
    kb.warm_up_thread.join(10)
    advance_frames(3)
    try:
        yield kiosk_app, field, kb, page
    finally:
        Window.remove_widget(page)
        set_window((1920, 1080))


def type_keys(kb, keys):
    for k in keys:
        tap(kb.key_widget(k))


def press_keys(kb, keys):
    # Set-up typing where the taps themselves are not under test (each tap costs a few frames).
    for k in keys:
        kb.press(k)
    advance_frames(2)


def test_shui_then_the_candidate_shui_types_it(board):
    _app, field, kb, _page = board
    type_keys(kb, "shui")
    assert kb.composing == "shui"
    assert "水" in kb.visible_candidates()
    tap(kb.candidate_widget("水"))
    assert field.text == "问题描述：水"
    assert kb.composing == "" and kb.visible_candidates() == []


def test_backspace_deletes_pinyin_letters_first_then_text(board):
    _app, field, kb, _page = board
    type_keys(kb, "sh")
    tap(kb.key_widget(BACKSPACE))
    assert kb.composing == "s" and field.text == "问题描述："
    tap(kb.key_widget(BACKSPACE))
    assert kb.composing == "" and field.text == "问题描述："
    tap(kb.key_widget(BACKSPACE))
    assert field.text == "问题描述"


def test_english_mode_types_letters_and_keeps_pending_pinyin_as_letters(board):
    _app, field, kb, _page = board
    type_keys(kb, "ab")
    tap(kb.key_widget(SWITCH))
    assert kb.mode == "en" and kb.composing == ""
    assert field.text.endswith("ab")
    type_keys(kb, "cd")
    tap(kb.key_widget(SPACE))
    assert field.text == "问题描述：abcd "
    tap(kb.key_widget(SWITCH))
    type_keys(kb, "a")
    assert kb.mode == "zh" and kb.composing == "a" and field.text == "问题描述：abcd "


def test_part_of_a_run_then_the_rest(board):
    _app, field, kb, _page = board
    press_keys(kb, "zhangsan")
    tap(kb.candidate_widget("张"))
    assert kb.composing == "san"
    assert field.text.endswith("张")
    tap(kb.candidate_widget("三"))
    assert field.text.endswith("张三") and kb.composing == ""


def test_punctuation_and_space_take_the_first_candidate(board):
    _app, field, kb, _page = board
    press_keys(kb, "beijing")
    assert kb.visible_candidates()[0] == "北京"
    tap(kb.key_widget("，"))
    assert field.text.endswith("北京，")
    press_keys(kb, "shui")
    first = kb.visible_candidates()[0]
    tap(kb.key_widget(SPACE))
    assert field.text.endswith("北京，" + first)
    tap(kb.key_widget("1"))
    assert field.text.endswith(first + "1")


def test_candidate_pages(board):
    _app, _field, kb, _page = board
    press_keys(kb, "shi")
    first_page = kb.visible_candidates()
    assert len(first_page) >= 3
    assert kb.key_widget(PREV).disabled
    tap(kb.key_widget(NEXT))
    second = kb.visible_candidates()
    assert second and not set(second) & set(first_page)
    tap(kb.key_widget(PREV))
    assert kb.visible_candidates() == first_page


@pytest.mark.parametrize("size,orient", [((1920, 1080), "landscape"), ((1080, 1920), "portrait")])
def test_fits_and_renders_in_both_orientations(board, size, orient):
    app, field, kb, page = board
    set_window(size)
    press_keys(kb, "beij")
    for elder in (False, True):
        app.set_elder(elder)
        run_for(0.05)
        assert find_overflows(page) == [], (orient, elder)
        for key in ("q", "p", BACKSPACE, SWITCH, SPACE, "；"):
            w = kb.key_widget(key)
            assert w.height >= 60, key
            x0, _y0 = w.to_window(w.x, w.y)
            assert x0 >= 0 and x0 + w.width <= size[0] + 1, key
        assert kb.top <= size[1] and kb.y >= 0
        screenshot(f"pinyin-keyboard-{orient}{'-elder' if elder else ''}")
    app.set_elder(False)
