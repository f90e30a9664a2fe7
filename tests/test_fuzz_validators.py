"""Fuzzing the validators the keypads, the card reader and scanned receipts feed: any text gives a bool
(never an exception), only ASCII identifiers are valid, and the check characters catch every single-
character error.
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.validators import (
    USCC_ALPHABET,
    id_check_char,
    id_prefix_ok,
    is_plausible_case_number,
    is_valid_id_number,
    is_valid_mobile,
    is_valid_uscc,
    normalize_id_number,
    normalize_uscc,
    uscc_check_char,
)

FUZZ = settings(deadline=None, max_examples=300)

# Characters that look like what the validators want but are not: other scripts' digits, full-width
# forms, superscripts, letter look-alikes, whitespace.
TRICKY = "0123456789Xx ٠١٢٣٤٥٦٧٨٩０１２３９Ｘ²³¹۳߃०१IOSVZiosßﬀ\n\t\u3000"
NEAR_TEXT = st.one_of(st.text(alphabet=TRICKY + USCC_ALPHABET, max_size=20), st.text(max_size=20))


def _birth(days: int) -> str:
    return (date(1930, 1, 1) + timedelta(days=days)).strftime("%Y%m%d")


ID_NUMBERS = st.builds(lambda area, days, seq: f"{area}{_birth(days)}{seq:03d}",
                       st.sampled_from(["370104", "370103", "110105", "810000", "910000"]),
                       st.integers(0, 365 * 80), st.integers(0, 999)).map(lambda f: f + id_check_char(f))
USCCS = st.text(alphabet=USCC_ALPHABET, min_size=9, max_size=9).flatmap(
    lambda tail: st.builds(lambda head, region: head + region + tail,
                           st.sampled_from(["91", "92", "11", "12", "51", "52", "Y1"]),
                           st.from_regex(r"\A[0-9]{6}\Z"))).map(lambda f: f + uscc_check_char(f))


@FUZZ
@given(NEAR_TEXT)
def test_any_text_gives_a_bool_and_only_ascii_is_valid(s):
    """Found: is_valid_uscc raised ValueError for Arabic-Indic digits in the region code, and
    is_valid_id_number / is_valid_mobile / id_prefix_ok accepted non-ASCII digits."""
    results = {f.__name__: f(s) for f in (is_valid_id_number, is_valid_uscc, is_plausible_case_number,
                                         id_prefix_ok, is_valid_mobile)}
    assert all(r in (True, False) for r in results.values()), results
    if results["is_valid_id_number"]:
        assert normalize_id_number(s).isascii()
    if results["is_valid_uscc"]:
        assert normalize_uscc(s).isascii()
    if results["is_valid_mobile"]:
        assert s.strip().isascii()
    if results["id_prefix_ok"]:
        assert set(normalize_id_number(s)) <= set("0123456789X")


@FUZZ
@given(ID_NUMBERS, st.data())
def test_id_numbers_are_valid_their_prefixes_typeable_and_single_errors_caught(id_no, data):
    assert is_valid_id_number(id_no) and is_valid_id_number(id_no.lower())
    assert all(id_prefix_ok(id_no[:k]) for k in range(19))
    i = data.draw(st.integers(0, 17))
    c = data.draw(st.sampled_from("0123456789X" if i == 17 else "0123456789").filter(lambda c: c != id_no[i]))
    assert not is_valid_id_number(id_no[:i] + c + id_no[i + 1 :])


@FUZZ
@given(USCCS, st.data())
def test_usccs_are_valid_and_single_errors_caught(code, data):
    assert is_valid_uscc(code) and is_valid_uscc(code.lower())
    i = data.draw(st.integers(0, 17))
    c = data.draw(st.sampled_from(USCC_ALPHABET).filter(lambda c: c != code[i]))
    assert not is_valid_uscc(code[:i] + c + code[i + 1 :])
