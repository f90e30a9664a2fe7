import random

import pytest

from kiosk.privacy import mask_id_number, mask_name, mask_phone, mask_text
from kiosk.validators import (
    USCC_ALPHABET,
    id_check_char,
    id_prefix_ok,
    is_plausible_case_number,
    is_valid_id_number,
    is_valid_uscc,
    uscc_check_char,
)


@pytest.mark.parametrize("n", ["11010519491231002X", "440524188001010014", "370101190102039973",
                               "11010519491231002x"])
def test_standard_id_vectors_pass(n):
    assert is_valid_id_number(n)


@pytest.mark.parametrize("n", ["110105194912310021", "37010119010203997", "3701011901020399733",
                               "370101190113039979", "", "ABCDEFGHIJKLMNOPQR", "37010119010203997X"])
def test_bad_id_numbers_fail(n):
    assert not is_valid_id_number(n)


def test_hmt_and_foreigner_prefixes_accepted():
    for prefix in ("810000", "820000", "830000", "911156"):
        body = prefix + "19900101" + "123"
        assert is_valid_id_number(body + id_check_char(body))


def test_every_single_digit_change_is_caught():
    n = "370101190102039973"
    for i in range(17):
        for d in "0123456789":
            if d != n[i]:
                m = n[:i] + d + n[i + 1:]
                if m[6:14] == n[6:14]:
                    assert not is_valid_id_number(m), m


def test_id_prefix_ok_live_feedback():
    assert id_prefix_ok("3701")
    assert id_prefix_ok("37010119010203997X")
    assert not id_prefix_ok("3701X")
    assert not id_prefix_ok("3701011901020399731")


def test_uscc_standard_worked_example():
    assert uscc_check_char("91350100M000100Y4") == "3"
    assert is_valid_uscc("91350100M000100Y43")
    assert not is_valid_uscc("91350100M000100Y4Z")


def test_uscc_constructed_codes_and_single_changes():
    rng = random.Random(7)
    for _ in range(200):
        body = "92" + "".join(rng.choice("0123456789") for _ in range(6)) + "".join(
            rng.choice(USCC_ALPHABET) for _ in range(9))
        code = body + uscc_check_char(body)
        assert is_valid_uscc(code)
        assert is_valid_uscc(code.lower())
        wrong = USCC_ALPHABET[(USCC_ALPHABET.index(code[-1]) + 1) % 31]
        assert not is_valid_uscc(code[:-1] + wrong)


@pytest.mark.parametrize("code", ["91350100M000100Y4", "9135010OM000100Y43", "91350100M000100I43", "X" * 18])
def test_uscc_bad_shapes(code):
    assert not is_valid_uscc(code)


def test_case_number_shape():
    assert is_plausible_case_number("SD-2026-000123")
    assert not is_plausible_case_number("12 3")
    assert not is_plausible_case_number("办件123456")


def test_masks():
    assert mask_id_number("370101190102039973") == "3701**********9973"
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳明月") == "欧***"
    assert mask_phone("13812345678") == "138****5678"
    line = "read 370101190102039973 for 13812345678, case SD2026000123"
    assert mask_text(line) == "read 3701**********9973 for 138****5678, case SD2026000123"
