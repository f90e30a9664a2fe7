"""mask_text finds ID and mobile numbers in the forms people write them (property tests over synthetic
numbers with valid check characters), and leaves case numbers, credit codes and times readable.

Derandomized: the same examples on every run, so a failure is reproducible and no run fails by chance.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.privacy import mask_text
from kiosk.validators import USCC_ALPHABET, id_check_char, is_valid_id_number, uscc_check_char

PROPS = settings(derandomize=True, deadline=None, max_examples=300)

# Address codes: Jinan districts, Beijing, 港澳台居民居住证 (81/82/83), 2023 永居证 (9 + province + country).
AREAS = ("370104", "370105", "110105", "810000", "820000", "830000", "937840", "911156")
PROVINCES = ("11", "31", "37", "44", "65")
# Text around the numbers: no digits and no X, so every digit or X left in the output came from the
# number itself and the test can say exactly which ones survived.
AROUND = st.text(alphabet="身份证号码电话联系人：，。（）() .:;/_ABCDEFGHIJKLMNOPQRSTUVWYZabcdefghijklmnopqrstuvwyz",
                 max_size=12)
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@st.composite
def id18(draw: st.DrawFn) -> str:
    born = draw(st.dates(date(1900, 1, 1), date(2020, 12, 31)))
    first17 = draw(st.sampled_from(AREAS)) + born.strftime("%Y%m%d") + f"{draw(st.integers(0, 999)):03d}"
    return first17 + id_check_char(first17)


@st.composite
def id15(draw: st.DrawFn) -> str:
    born = draw(st.dates(date(1900, 1, 1), date(1999, 12, 31)))
    return (draw(st.sampled_from(PROVINCES)) + f"{draw(st.integers(0, 9999)):04d}" + born.strftime("%y%m%d")
            + f"{draw(st.integers(0, 999)):03d}")


@st.composite
def residence15(draw: st.DrawFn) -> str:
    """2017 外国人永久居留身份证: 3-letter country code + 12 digits."""
    return draw(st.sampled_from(("USA", "GBR", "DEU", "JPN", "KOR", "FRA"))) + \
        "".join(draw(st.lists(st.sampled_from("0123456789"), min_size=12, max_size=12)))


@st.composite
def mobile(draw: st.DrawFn) -> str:
    return "1" + draw(st.sampled_from("3456789")) + f"{draw(st.integers(0, 999_999_999)):09d}"


def group(s: str, sizes: list[int], sep: str) -> str:
    out, i = [], 0
    for n in sizes:
        if i < len(s):
            out.append(s[i:i + n])
            i += n
    if i < len(s):
        out.append(s[i:])
    return sep.join(out)


@st.composite
def written(draw: st.DrawFn, number: str) -> str:
    """One of the ways the number appears in a log line, a message or typed text."""
    form = draw(st.sampled_from(("plain", "spaces", "dashes", "ragged", "full_width", "lower_x")))
    if form == "plain":
        return number
    if form in ("spaces", "dashes"):
        sizes = draw(st.sampled_from(([6, 8, 4], [4, 4, 4, 4, 2], [3, 4, 4], [6, 6, 3], [3, 3, 4, 4, 4])))
        return group(number, sizes, " " if form == "spaces" else "-")
    if form == "ragged":  # any grouping, separators of one or two characters
        cuts = draw(st.lists(st.integers(1, 5), min_size=1, max_size=8))
        sep = draw(st.sampled_from((" ", "-", " - ", "  ", "\u3000")))
        return group(number, cuts, sep)
    if form == "full_width":
        return number.translate(FULL_WIDTH)
    return number[:-1] + number[-1].lower()


def kept(text: str) -> str:
    """The digits and X that survive in a text (full-width ones read as ASCII)."""
    return "".join(re.findall(r"[0-9Xx]", text.translate({ord(f): str(i) for i, f in enumerate("０１２３４５６７８９")})))


@st.composite
def in_text(draw: st.DrawFn, number: st.SearchStrategy[str]) -> tuple[str, str]:
    n = draw(number)
    glue = draw(st.sampled_from(("", "", "ID", "身份证号", "tel", "Tel:", "No.")))
    return n, draw(AROUND) + glue + draw(written(n)) + draw(AROUND)


@PROPS
@given(in_text(id18()))
def test_18_digit_ids_are_masked_in_every_form(case: tuple[str, str]) -> None:
    number, text = case
    out = mask_text(text)
    assert kept(out).upper() == number[:4] + number[-4:], (text, out)


@PROPS
@given(in_text(id18().map(lambda n: n[:17] + "0123456789X"[("0123456789X".index(n[17]) + 1) % 11])))
def test_ids_with_a_mistyped_check_character_are_masked_too(case: tuple[str, str]) -> None:
    number, text = case
    out = mask_text(text)
    assert kept(out).upper() == number[:4] + number[-4:], (text, out)


@PROPS
@given(in_text(id15()))
def test_15_digit_first_generation_ids_are_masked(case: tuple[str, str]) -> None:
    number, text = case
    out = mask_text(text)
    assert kept(out) == number[:4] + number[-4:], (text, out)


@PROPS
@given(residence15(), st.data())
def test_old_permanent_residence_numbers_are_masked(number: str, data: st.DataObject) -> None:
    # The country letters stay together; the digits are written in any of the forms.
    digits = data.draw(written(number[3:]))
    text = data.draw(AROUND) + number[:3] + data.draw(st.sampled_from(("", " ", "-"))) + digits + data.draw(AROUND)
    out = mask_text(text)
    assert kept(out) == number[3] + number[-4:], (text, out)
    assert number not in out


@st.composite
def phone_written(draw: st.DrawFn, number: str) -> tuple[str, str]:
    """(country-code digits kept, the phone as written)."""
    cc = draw(st.sampled_from(("", "", "+86 ", "+86", "86-", "0086 ", "0086-", "+86-")))
    return re.sub(r"\D", "", cc), cc + draw(written(number))


@PROPS
@given(mobile(), st.data())
def test_mobile_numbers_are_masked_in_every_form(number: str, data: st.DataObject) -> None:
    cc, phone = data.draw(phone_written(number))
    glue = data.draw(st.sampled_from(("", "电话", "tel:", "手机 ")))
    text = data.draw(AROUND) + glue + phone + data.draw(AROUND)
    out = mask_text(text)
    assert kept(out) == cc + number[:3] + number[-4:], (text, out)


@PROPS
@given(in_text(id18()), mobile())
def test_id_and_phone_in_one_line(case: tuple[str, str], phone: str) -> None:
    number, text = case
    out = mask_text(f"{text}，联系电话 {group(phone, [3, 4, 4], ' ')}。")
    assert kept(out).upper() == number[:4] + number[-4:] + phone[:3] + phone[-4:], out


def test_examples_people_write() -> None:
    # 370104 19800101 123X: a synthetic number (check character computed, not a real person).
    n = "37010419800101123" + id_check_char("37010419800101123")
    assert n == "37010419800101123X"
    for text in (f"ID{n}", "370104 19800101 123X", "3701-0419-8001-0112-3X", "３７０１０４１９８００１０１１２３Ｘ",
                 f"身份证号:{n.lower()}。"):
        assert "3701**********123" in mask_text(text), text
    assert mask_text("+86 138 0013 8000") == "+86 138****8000"
    assert mask_text("86-138-0013-8000") == "86-138****8000"
    assert mask_text("电话0086 13800138000。") == "电话0086 138****8000。"
    assert mask_text("old 370104800101123 here") == "old 3701*******1123 here"
    assert mask_text("residence IDUSA378506120017") == "residence IDUSA3*******0017"
    assert mask_text("港 810000199001011234") == "港 8100**********1234"


def test_what_is_not_an_id_or_phone_stays_readable() -> None:
    line = ("2026-11-29 05:30:12,345 INFO kiosk.print_queue: print job 13 queued (case, 1534 bytes) "
            "case SD2026000123 FK20261126JT010007 USCC 91370104MA3C8F9912 注册号 330100400015575 "
            "frame AAAAAA9669000400009094 port /dev/ttyUSB0 at 115200")
    assert mask_text(line) == line
    assert mask_text("") == ""


@PROPS
@given(st.lists(st.sampled_from(USCC_ALPHABET), min_size=17, max_size=17))
def test_unified_social_credit_codes_stay_readable(chars: list[str]) -> None:
    code = "".join(chars)
    code += uscc_check_char(code)
    if is_valid_id_number(code):  # an all-digit code that is also a valid ID number is masked
        return
    assert mask_text(f"统一社会信用代码 {code}") == f"统一社会信用代码 {code}"


@PROPS
@given(st.integers(0, 10**10 - 1), st.sampled_from(("SD", "JN", "C", "HY-")))
def test_case_numbers_stay_readable(n: int, prefix: str) -> None:
    case_no = f"{prefix}{n:010d}"
    assert mask_text(f"办件编号 {case_no}") == f"办件编号 {case_no}"


def test_a_mistyped_standalone_id_is_still_masked() -> None:
    n = "37010419800101123"
    wrong = n + ("0" if id_check_char(n) != "0" else "1")
    assert mask_text(f"查询 {wrong} 失败") == f"查询 {wrong[:4]}{'*' * 10}{wrong[-4:]} 失败"


def test_timestamps_and_dates_stay_readable() -> None:
    start = date(2026, 1, 1)
    for d in (start + timedelta(days=i * 37) for i in range(10)):
        line = f"{d.isoformat()} 13:45:07 delivered 13 records"
        assert mask_text(line) == line
