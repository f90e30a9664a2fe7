"""The 256-byte text record of the four card types, built here byte by byte from the reference layout."""

from __future__ import annotations

import string
from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.idcard import IdentityCard, RecordError, decode_text, encode_text
from drivers.idcard.record import NATIONS
from drivers.sim.idcard import SYNTHETIC_CARDS
from kiosk.validators import id_check_char, is_valid_id_number

SP = b" \x00"


def ucs(s: str, size: int) -> bytes:
    raw = s.encode("utf-16-le")
    assert len(raw) <= size
    return raw + SP * ((size - len(raw)) // 2)


def resident_record(**over: str) -> bytes:
    f = {
        "name": "张晓明", "gender": "1", "nation": "01", "birth": "19850312",
        "address": "山东省济南市槐荫区示例路18号", "id": "37010419850312017X",
        "issuer": "济南市公安局槐荫分局", "from": "20160520", "until": "20360520", "marker": " ",
    }  # fmt: skip
    f.update(over)
    text = (
        ucs(f["name"], 30) + ucs(f["gender"], 2) + ucs(f["nation"], 4) + ucs(f["birth"], 16)
        + ucs(f["address"], 70) + ucs(f["id"], 36) + ucs(f["issuer"], 30) + ucs(f["from"], 16)
        + ucs(f["until"], 16) + SP * 14 + ucs(f["marker"], 2) + SP * 3
    )  # fmt: skip
    assert len(text) == 256
    return text


def test_resident_record_offsets():
    card = decode_text(resident_record())
    assert card == IdentityCard(
        "resident", "张晓明", "男", "汉", date(1985, 3, 12), "山东省济南市槐荫区示例路18号",
        "37010419850312017X", "济南市公安局槐荫分局", date(2016, 5, 20), date(2036, 5, 20),
    )  # fmt: skip
    assert card.english_name is None and card.pass_number is None and card.issue_count is None


def test_long_term_validity_bytes_from_reference():
    text = resident_record(until="长期")
    assert text[204:220] == bytes.fromhex("7F951F67" + "2000" * 6)
    card = decode_text(text)
    assert card.valid_until is None
    assert encode_text(card) == text


def test_nul_padding_is_stripped_too():
    text = bytearray(resident_record(name="李四"))
    text[4:30] = bytes(26)
    assert decode_text(bytes(text)).name == "李四"


@pytest.mark.parametrize("code,gender", [("0", "未知"), ("1", "男"), ("2", "女"), ("9", "未说明")])
def test_gender_codes(code, gender):
    assert decode_text(resident_record(gender=code)).gender == gender


@pytest.mark.parametrize("code", sorted(NATIONS))
def test_every_nation_code(code):
    card = decode_text(resident_record(nation=code))
    assert card.nation == NATIONS[code]
    assert encode_text(card)[32:36] == code.encode("utf-16-le")


def test_nation_names_spot_checks():
    assert (NATIONS["02"], NATIONS["20"], NATIONS["46"], NATIONS["56"]) == ("蒙古", "傈僳", "德昂", "基诺")
    assert NATIONS["97"] == "其他" and NATIONS["98"] == "外国血统中国籍人士"
    assert len(NATIONS) == 58


def test_hmt_record():
    id_no = "81000019920721004" + id_check_char("81000019920721004")
    text = (
        ucs("陈嘉欣", 30) + ucs("2", 2) + SP * 2 + ucs("19920721", 16) + ucs("山东省济南市槐荫区示例街道88号", 70)
        + ucs(id_no, 36) + ucs("济南市公安局", 30) + ucs("20210301", 16) + ucs("20260301", 16)
        + ucs("H60000123", 18) + ucs("01", 4) + SP * 3 + ucs("J", 2) + SP * 3
    )  # fmt: skip
    card = decode_text(text)
    assert (card.card_type, card.name, card.gender, card.nation) == ("hmt", "陈嘉欣", "女", None)
    assert (card.id_number, card.pass_number, card.issue_count) == (id_no, "H60000123", "01")
    assert card.address == "山东省济南市槐荫区示例街道88号"
    assert encode_text(card) == text


def test_foreign_2017_record():
    text = (
        ucs("SMITH JOHN EXAMPLE", 120) + ucs("1", 2) + ucs("USA378506120017", 30) + ucs("USA", 6)
        + ucs("史密斯", 30) + ucs("20190510", 16) + ucs("20290510", 16) + ucs("19850612", 16)
        + ucs("01", 4) + ucs("3700", 8) + ucs("I", 2) + SP * 3
    )  # fmt: skip
    card = decode_text(text)
    assert card == SYNTHETIC_CARDS[4]
    assert (card.birth_date, card.nationality, card.issuer) == (date(1985, 6, 12), "USA", "3700")
    assert encode_text(card) == text


def test_foreign_2023_record_english_name_spans_two_areas():
    id_no = "93782619900415002" + id_check_char("93782619900415002")
    english = "WILLIAMSON-BROWN ANNA MARIE ELIZABETH SAMPLE"
    text = (
        ucs("安娜", 30) + ucs("2", 2) + ucs("00", 4) + ucs("19900415", 16) + ucs(english[:35], 70)
        + ucs(id_no, 36) + SP * 15 + ucs("20240110", 16) + ucs("20340110", 16) + ucs(english[35:], 22)
        + ucs("GBR", 6) + ucs("Y", 2) + SP * 3
    )  # fmt: skip
    card = decode_text(text)
    assert card == SYNTHETIC_CARDS[5]
    assert (card.english_name, card.nationality, card.issue_count, card.issuer) == (english, "GBR", "00", None)
    assert encode_text(card) == text


@pytest.mark.parametrize("card", SYNTHETIC_CARDS, ids=lambda c: c.card_type)
def test_synthetic_cards_round_trip_and_are_valid(card):
    text = encode_text(card)
    assert len(text) == 256
    assert decode_text(text) == card
    marker = {"resident": " ", "hmt": "J", "foreign_2017": "I", "foreign_2023": "Y"}[card.card_type]
    assert text[248:250] == marker.encode("utf-16-le")
    if card.card_type == "foreign_2017":
        assert len(card.id_number) == 15 and card.id_number[:3].isalpha() and card.id_number[3:].isdigit()
    else:
        assert is_valid_id_number(card.id_number)


def test_synthetic_cards_cover_every_type():
    assert {c.card_type for c in SYNTHETIC_CARDS} == {"resident", "hmt", "foreign_2017", "foreign_2023"}
    assert any(c.valid_until is None for c in SYNTHETIC_CARDS)


@pytest.mark.parametrize(
    "text,why",
    [
        (resident_record()[:254], "bytes"),
        (resident_record() + SP, "bytes"),
        (resident_record(birth="19850230"), "calendar"),
        (resident_record(birth="1985031X"), "YYYYMMDD"),
        (resident_record(until="永久"), "YYYYMMDD"),
        (resident_record(gender="3"), "gender"),
        (resident_record(nation="57"), "nation"),
        (resident_record(nation=""), "nation"),
        (resident_record(marker="Z"), "marker"),
        (resident_record(id="370104198503120177"), "check"),
        (resident_record(id="37010419850312017"), "check"),
        (b"\x00\xd8" + resident_record()[2:], "UCS-2"),  # a lone surrogate
    ],
)
def test_bad_records_raise_record_error(text, why):
    with pytest.raises(RecordError, match=why):
        decode_text(text)


def test_record_error_does_not_leak_the_id_number():
    with pytest.raises(RecordError) as info:
        decode_text(resident_record(id="370104198503120177"))
    assert "370104198503120177" not in str(info.value)


def test_repr_and_str_mask_name_and_number():
    for card in SYNTHETIC_CARDS:
        for shown in (repr(card), str(card), repr([card])):
            assert card.id_number not in shown
            assert card.name not in shown
            if card.english_name:
                assert card.english_name not in shown
        assert card.id_number[-4:] in str(card)


def test_card_is_frozen():
    with pytest.raises(AttributeError):
        SYNTHETIC_CARDS[0].name = "x"  # type: ignore[misc]


# ---------------------------------------------------------------- properties

HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
LATIN = st.sampled_from(string.ascii_uppercase + " -")


def text_of(alphabet, max_size: int, min_size: int = 0):
    return st.text(alphabet, min_size=min_size, max_size=max_size).filter(lambda s: s == s.rstrip(" "))


dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31))


@st.composite
def id18(draw, prefix: str | None = None):
    head = prefix or draw(st.text("0123456789", min_size=6, max_size=6))
    body = head + draw(dates).strftime("%Y%m%d") + draw(st.text("0123456789", min_size=3, max_size=3))
    return body + id_check_char(body)


@st.composite
def cards(draw):
    kind = draw(st.sampled_from(["resident", "hmt", "foreign_2017", "foreign_2023"]))
    opt = lambda s: draw(st.one_of(st.none(), s))  # noqa: E731
    common = dict(
        gender=draw(st.sampled_from(["男", "女", "未知", "未说明"])),
        birth_date=draw(dates),
        valid_from=draw(dates),
        valid_until=draw(st.one_of(st.none(), dates)),
    )
    if kind == "foreign_2017":
        nat = draw(st.text(string.ascii_uppercase, min_size=3, max_size=3))
        number = nat + draw(st.text("0123456789", min_size=12, max_size=12))
        return IdentityCard(
            kind, draw(text_of(HAN, 15)), nation=None, address=None, id_number=number,
            issuer=opt(text_of("0123456789", 4, 1)), english_name=draw(text_of(LATIN, 60)),
            nationality=nat, issue_count=opt(text_of("0123456789", 2, 1)), **common,
        )  # fmt: skip
    name = draw(text_of(HAN, 15))
    if kind == "resident":
        return IdentityCard(
            kind, name, nation=draw(st.sampled_from(sorted(NATIONS.values()))),
            address=draw(text_of(st.one_of(HAN, st.sampled_from("0123456789号-")), 35)),
            id_number=draw(id18()), issuer=draw(text_of(HAN, 15)), **common,
        )  # fmt: skip
    if kind == "hmt":
        return IdentityCard(
            kind, name, nation=None, address=draw(text_of(HAN, 35)),
            id_number=draw(id18(draw(st.sampled_from(["810000", "820000", "830000"])))),
            issuer=draw(text_of(HAN, 15)), pass_number=opt(text_of(string.ascii_uppercase + string.digits, 9, 1)),
            issue_count=opt(text_of("0123456789", 2, 1)), **common,
        )  # fmt: skip
    return IdentityCard(
        kind, name, nation=None, address=None, id_number=draw(id18("9" + draw(st.text("0123456789", min_size=5, max_size=5)))),
        issuer=opt(text_of(HAN, 15, 1)), english_name=draw(text_of(LATIN, 46)),
        nationality=opt(text_of(string.ascii_uppercase, 3, 3)), issue_count=opt(text_of("0123456789", 2, 1)),
        **common,
    )  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(cards())
def test_encode_decode_round_trip(card):
    text = encode_text(card)
    assert len(text) == 256
    assert decode_text(text) == card


@settings(max_examples=300, deadline=None)
@given(st.binary(min_size=0, max_size=300))
def test_random_bytes_raise_only_record_error(raw):
    try:
        decode_text(raw)
    except RecordError:
        pass


@settings(max_examples=200, deadline=None)
@given(cards(), st.integers(0, 255), st.integers(0, 255))
def test_corrupted_records_decode_or_raise_record_error(card, pos, value):
    text = bytearray(encode_text(card))
    text[pos] = value
    try:
        decode_text(bytes(text))
    except RecordError:
        pass


def test_encode_rejects_too_long_fields():
    with pytest.raises(RecordError, match="room"):
        encode_text(replace(SYNTHETIC_CARDS[0], name="张" * 16))
