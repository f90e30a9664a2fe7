"""Fuzzing the on-screen keypads in the running app: any sequence of key presses (delete and clear
included), through the key buttons or Keypad.press, keeps the value within max_length and the keypad's
alphabet, equal to a plain model of the keys, and the screen's live check agrees with kiosk.validators.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.validators import (
    USCC_ALPHABET,
    id_check_char,
    id_prefix_ok,
    is_plausible_case_number,
    is_valid_uscc,
    uscc_check_char,
)
from screens.widgets import BACKSPACE, CLEAR

PADS = [("cases", "id_keypad"), ("cases", "case_keypad"), ("cases", "last4_keypad"), ("enterprise", "keypad")]


def _model(keys: list[str], max_length: int) -> str:
    value = ""
    for k in keys:
        if k == BACKSPACE:
            value = value[:-1]
        elif k == CLEAR:
            value = ""
        elif len(value) < max_length:
            value += k
    return value


@pytest.fixture
def app(kiosk_app):
    return kiosk_app


@settings(deadline=None, max_examples=80,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(pad_no=st.integers(0, len(PADS) - 1), data=st.data())
def test_any_key_sequence(app, pad_no, data):
    screen_name, pad_id = PADS[pad_no]
    scr = app.screen(screen_name)
    pad = scr.ids[pad_id]
    pad.press(CLEAR)
    alphabet = [k for k in pad.keys if k not in (BACKSPACE, CLEAR)]
    # Keys the pad has, with delete and clear pressed even where the pad shows no such key.
    presses = data.draw(st.lists(st.sampled_from(list(pad.keys) + [BACKSPACE, CLEAR]), max_size=60))
    if pad_id in ("id_keypad", "keypad") and data.draw(st.booleans()):
        # Random keys rarely make 18 valid characters: type a valid code, maybe with one key wrong.
        if pad_id == "keypad":
            first = "9137" + data.draw(st.text(alphabet="0123456789", min_size=4, max_size=4)) + data.draw(
                st.text(alphabet=USCC_ALPHABET, min_size=9, max_size=9))
            code = list(first + uscc_check_char(first))
        else:
            first = "37010419" + data.draw(st.from_regex(r"\A[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|1[0-9]|2[0-8])[0-9]{3}\Z"))
            code = list(first + id_check_char(first))
        if data.draw(st.booleans()):
            code[data.draw(st.integers(0, 17))] = data.draw(st.sampled_from(alphabet))
        presses = [CLEAR, *code, *presses[: data.draw(st.integers(0, 3))]]
    via_button = data.draw(st.lists(st.booleans(), min_size=len(presses), max_size=len(presses)))
    for key, button in zip(presses, via_button, strict=True):
        widget = pad.key_widget(key) if button else None
        if widget is not None:
            widget.dispatch("on_release")
        else:
            pad.press(key)
    value = pad.value
    assert value == _model(presses, int(pad.max_length))
    assert len(value) <= pad.max_length
    assert set(value) <= set(alphabet)
    # The screen's live check says what the validators say.
    if pad_id == "case_keypad":
        assert scr.ids.case_next.disabled is (not is_plausible_case_number(value))
    elif pad_id == "id_keypad" and not id_prefix_ok(value):
        assert scr.message_level == "error"
    elif pad_id == "keypad":
        assert scr.code == value and scr.valid is is_valid_uscc(value)
