"""Chinese line breaking (kiosk.typography.break_lines): the 禁则 rules, unsplit tokens, nothing lost.

Property tests run derandomized (a fixed sequence of examples), so a failure is the same on every run.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.printer.canvas import text_cols
from kiosk.typography import CLOSING, OPENING, break_lines

PROPS = settings(derandomize=True, deadline=None, max_examples=400)

HAN = "中文办件材料身份证社会保障卡养老参保登记窗口号码"
CJK_CLOSING = "，。、；：？！）》」』】〕…”"
CJK_OPENING = "（《「『【〔“"
ASCII_WORD = "abcXYZ0123456789-"


def proportional(text: str) -> float:
    """A measure like a real font's: Han 16 px, Latin 5-9 px by letter, punctuation 8 px."""
    return sum(16.0 if ord(c) > 0x2E80 else 8.0 if ord(c) > 0x7F else 5 + ord(c) % 5 for c in text)


def line_spans(text: str, lines: list[str]) -> list[tuple[int, int]]:
    """Where each line sits in `text`, checking on the way that only whitespace lies between lines
    (and before the first / after the last): the text minus whitespace at the breaks, nothing else."""
    spans = []
    pos = 0
    for line in lines:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        assert text.startswith(line, pos), (text, lines, pos)
        spans.append((pos, pos + len(line)))
        pos += len(line)
    assert text[pos:].strip() == "", (text, lines)
    return spans


# Text built from units: [opening] core [closing ≤ 2]; a core is a Han character or an ASCII token of at
# most 6 characters, and ASCII tokens next to each other are parted by a space (else they are one token).
# Every piece that must stay together is then at most 12 columns wide.
_unit = st.tuples(
    st.sampled_from(["", ""] + list(CJK_OPENING)),
    st.one_of(st.sampled_from(HAN), st.text(ASCII_WORD, min_size=1, max_size=6)),
    st.text(CJK_CLOSING, max_size=2),
    st.sampled_from(["", "", "", " "]),
)


@st.composite
def bounded_texts(draw) -> tuple[str, list[tuple[int, int]]]:
    """A text and the spans of its ASCII tokens."""
    text = ""
    tokens = []
    for opening, core, closing, space in draw(st.lists(_unit, max_size=40)):
        if core[0] in ASCII_WORD and text and not text[-1].isspace() and ord(text[-1]) < 0x80:
            text += " "
        text += opening
        if core[0] in ASCII_WORD:
            tokens.append((len(text), len(text) + len(core)))
        text += core + closing + space
    return text, tokens


@PROPS
@given(bounded_texts(), st.integers(12, 60))
def test_no_closing_mark_starts_a_line_no_opening_mark_ends_one(sample, width):
    text, tokens = sample
    lines = break_lines(text, text_cols, width)
    for line in lines:
        if line:
            assert line[0] not in CLOSING, lines
            assert line[-1] not in OPENING, lines
        assert text_cols(line) <= width, lines
    spans = line_spans(text, lines)
    for a, b in tokens:
        assert any(s <= a and b <= e for s, e in spans), (text[a:b], lines)


@PROPS
@given(st.text(HAN + CJK_CLOSING + CJK_OPENING + ASCII_WORD + " ,.()\u3000\n\u0301é", max_size=120),
       st.integers(2, 50))
def test_any_text_fits_and_nothing_but_break_whitespace_is_lost(text, width):
    lines = break_lines(text, text_cols, width)
    assert len(lines) >= text.count("\n") + 1
    for line in lines:
        assert "\n" not in line
        assert text_cols(line) <= width, lines
        assert line == line.strip(), lines
    line_spans(text, lines)


@PROPS
@given(st.text(HAN + CJK_CLOSING + CJK_OPENING + ASCII_WORD + " ", max_size=120), st.integers(16, 400))
def test_any_measure_any_unit(text, width):
    lines = break_lines(text, proportional, width)
    assert all(proportional(line) <= width for line in lines), lines
    line_spans(text, lines)


@PROPS
@given(st.text("0123456789", min_size=1, max_size=80), st.integers(2, 20))
def test_a_token_wider_than_the_line_is_split_not_overflowing(digits, width):
    lines = break_lines(f"编号{digits}。", text_cols, width)
    assert all(text_cols(line) <= width for line in lines), lines
    assert "".join(lines) == f"编号{digits}。"
    if len(digits) <= width - 4:  # token + 。 + the character before it fit: the token stays whole
        assert any(digits in line for line in lines), lines


@pytest.mark.parametrize("text, width, lines", [
    # the report: "）" and "。" began lines
    ("年满16周岁（不含在校学生），未参加职工基本养老保险。", 20,
     ["年满16周岁（不含在校", "学生），未参加职工基", "本养老保险。"]),
    ("中" * 9 + "。", 18, ["中" * 7, "中中。"]),   # and no 孤字: one more comes down
    # an opening mark goes down with what it opens
    ("请填写《参保登记表》一份", 8, ["请填写", "《参保登", "记表》", "一份"]),
    # numbers, phone numbers, case numbers, URLs stay whole
    ("请拨打0531-12345678咨询。", 14, ["请拨打", "0531-12345678", "咨询。"]),
    ("办件编号SD2024050100012已受理", 20, ["办件编号", "SD2024050100012已", "受理"]),
    # no paragraph ends on one lone Han character (孤字): the home tile's label in elder mode
    ("企业信息查询", 10, ["企业信息", "查询"]),
    ("企业信息查询。", 12, ["企业信息", "查询。"]),
    ("中中 中", 4, ["中中", "中"]),            # the line above would keep one piece only: left as is
    ("see https://example.gov.cn/q/A023 now", 30, ["see", "https://example.gov.cn/q/A023", "now"]),
    # …… is one mark and does not begin a line
    ("请稍候……", 8, ["请稍", "候……"]),
    ("第１２３４５号", 10, ["第", "１２３４５", "号"]),
    ("hello world", 8, ["hello", "world"]),
    ("a\n\nb", 10, ["a", "", "b"]),
    ("", 10, [""]),
    ("  前后空格  ", 20, ["前后空格"]),
])
def test_examples(text, width, lines):
    assert break_lines(text, text_cols, width) == lines


def test_a_character_wider_than_the_line_stands_alone():
    assert break_lines("中中", text_cols, 1) == ["中", "中"]


def test_receipt_wrap_is_break_lines():
    from kiosk.receipts import wrap

    text = "企业反映办理开办登记时，窗口要求重复提交营业执照复印件，希望通过数据共享减少材料。"
    assert wrap(text, 32) == break_lines(text, text_cols, 32)
    assert not any(re.match(r"[，。]", line) for line in wrap(text, 10))
