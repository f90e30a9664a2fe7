"""Masking of personal data for screens, receipts and logs (GB/T 35273 展示限制).

One place, so the screen, the printer and the log filter mask the same way.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from functools import lru_cache

# One implementation, shared with the reader driver (which may not import the core).
from drivers.idcard.personal import mask_id_number as mask_id_number
from drivers.idcard.personal import mask_name as mask_name
from kiosk.validators import is_valid_id_number, is_valid_uscc


def mask_phone(s: str | None) -> str:
    """138****5678."""
    if not s:
        return ""
    s = s.strip()
    if len(s) < 7:
        return "*" * len(s)
    return s[:3] + "*" * (len(s) - 7) + s[-4:]


# An ID or mobile number the way people and programs write it: grouped by spaces or dashes
# ("370104 19800101 1234", "138-0013-8000"), glued to a label ("ID370104…"), in full-width digits,
# behind a country code ("+86 138…", "0086-138…"). Detection runs on a folded copy of the text
# (full-width and other Unicode digits as ASCII, one character for one), so positions carry over
# to the original and everything that is not a number stays as it was.
_SEP = r"(?:[ \t]{1,2}|[ \t]?[-\u2010-\u2014][ \t]?)?"
_ID18_RE = re.compile(rf"\d(?:{_SEP}\d){{16}}{_SEP}[\dXx](?!\d)", re.ASCII)
_ID15_RE = re.compile(rf"\d(?:{_SEP}\d){{14}}(?!\d)", re.ASCII)
# 外国人永久居留身份证 of 2017: 3-letter nationality code + 12 digits.
_PR15_RE = re.compile(rf"(?<!\d)[A-Z]{{3}}{_SEP}\d(?:{_SEP}\d){{11}}(?!\d)", re.ASCII)
_PHONE_RE = re.compile(
    rf"(?<!\d)(?P<cc>(?:\+[ \t]?|00)?86[ \t]?[-\u2010-\u2014]?[ \t]?)?"
    rf"(?P<num>1{_SEP}[3-9](?:{_SEP}\d){{9}})(?!\d)",
    re.ASCII,
)
_GROUP_START = re.compile(r"(?<!\d)\d", re.ASCII)
_NOT_DIGIT = re.compile(r"[^0-9Xx]", re.ASCII)
_NOT_ALNUM = re.compile(r"[^0-9A-Za-z]", re.ASCII)
# Province codes of GB/T 2260, for the 15-digit first-generation numbers (they have no check digit).
_PROVINCES = frozenset("11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 "
                       "61 62 63 64 65".split())


@lru_cache(maxsize=4096)
def _fold_char(c: str) -> str:
    folded = unicodedata.normalize("NFKC", c)
    if len(folded) == 1 and folded.isascii():
        return folded
    d = unicodedata.decimal(c, None)
    return str(d) if d is not None else c


def _fold(text: str) -> str:
    """The text with every character that reads as an ASCII digit, letter or space made one."""
    if text.isascii():
        return text
    return "".join(c if c.isascii() else _fold_char(c) for c in text)


def _is_id18_shaped(digits: str) -> bool:
    """Region code (a province, 81/82/83 for 港澳台 residents, 9 for 2023 permanent residence) and a
    real birth date YYYYMMDD: an ID number even if its check character was mistyped."""
    if digits[:2] not in _PROVINCES and digits[:2] not in ("81", "82", "83") and digits[0] != "9":
        return False
    try:
        born = date(int(digits[6:10]), int(digits[10:12]), int(digits[12:14]))
    except ValueError:
        return False
    return 1900 <= born.year and born <= date.today()


def _is_id15(digits: str) -> bool:
    """A first-generation number: province code, then a real birth date YYMMDD of the 1900s."""
    if digits[:2] not in _PROVINCES:
        return False
    try:
        date(1900 + int(digits[6:8]), int(digits[8:10]), int(digits[10:12]))
    except ValueError:
        return False
    return True


def _id_spans(folded: str) -> list[tuple[int, int, str]]:
    """(start, end, masked) for every ID number in the folded text."""
    spans: list[tuple[int, int, str]] = []
    end = 0
    for start_m in _GROUP_START.finditer(folded):
        start = start_m.start()
        if start < end:
            continue
        m = _ID18_RE.match(folded, start)
        if m:
            raw = m.group(0)
            digits = _NOT_DIGIT.sub("", raw)
            glued = (start > 0 and folded[start - 1].isalpha()) or \
                (m.end() < len(folded) and folded[m.end()].isalpha())
            # A mistyped ID is still personal data, so the check character is not required: a
            # standalone run of 18 is masked unless it is a valid USCC (as before); a grouped or glued
            # run when it has an ID's region and birth date, so case numbers and USCCs (whose digits
            # 7-14 are no date) stay readable.
            if is_valid_id_number(digits) or _is_id18_shaped(digits) or \
                    (raw == digits and not glued and not is_valid_uscc(digits)):
                spans.append((start, m.end(), mask_id_number(digits)))
                end = m.end()
                continue
        m = _ID15_RE.match(folded, start)
        if m:
            digits = _NOT_DIGIT.sub("", m.group(0))
            if _is_id15(digits):
                spans.append((start, m.end(), mask_id_number(digits)))
                end = m.end()
    return spans


def _replace(text: str, spans: list[tuple[int, int, str]]) -> str:
    out, pos = [], 0
    for start, end, repl in spans:
        out += [text[pos:start], repl]
        pos = end
    out.append(text[pos:])
    return "".join(out)


def mask_text(text: str) -> str:
    """Mask every ID number (18- and 15-digit, residence permits) and mobile number in free text, as
    mask_id_number and mask_phone do (separators dropped, a country code kept)."""
    if not text:
        return text
    folded = _fold(text)
    spans = _id_spans(folded)
    spans += [(m.start(), m.end(), mask_id_number(_NOT_ALNUM.sub("", m.group(0))))
              for m in _PR15_RE.finditer(folded) if not _overlaps(m.start(), m.end(), spans)]
    for m in _PHONE_RE.finditer(folded):
        if _overlaps(m.start(), m.end(), spans):
            continue
        num = _NOT_DIGIT.sub("", m.group("num"))
        spans.append((m.start(), m.end(), text[m.start():m.start("num")] + num[:3] + "****" + num[-4:]))
    spans.sort()
    return _replace(text, spans)


def _overlaps(start: int, end: int, spans: list[tuple[int, int, str]]) -> bool:
    return any(s < end and start < e for s, e, _ in spans)
