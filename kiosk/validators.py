"""Check characters of the identifiers citizens type or a card reader returns.

GB 11643-1999 (公民身份号码) and GB 32100-2015 (统一社会信用代码). Only the check character and the
shape are checked: whether the person or enterprise exists is the central API's question.
"""

from __future__ import annotations

import re
from datetime import date

from drivers.idcard.personal import id_check_char

_ID_SHAPE = re.compile(r"^\d{17}[\dX]$", re.ASCII)  # ASCII: not Arabic-Indic or full-width digits


def normalize_id_number(s: str) -> str:
    """Strip spaces and upper-case the check character (readers and people both send 'x')."""
    return s.strip().replace(" ", "").upper()


def is_valid_id_number(s: str) -> bool:
    """True for an 18-character citizen ID number whose check character and birth date are right.

    Accepts the 81/82/83 prefixes of 港澳台居民居住证 and the 9-prefixed 2023 外国人永久居留身份证: the
    address code is not checked against GB/T 2260, because those prefixes are not in it.
    """
    if not isinstance(s, str):
        return False
    n = normalize_id_number(s)
    if not _ID_SHAPE.match(n):
        return False
    try:
        born = date(int(n[6:10]), int(n[10:12]), int(n[12:14]))
    except ValueError:
        return False
    if born.year < 1800 or born > date.today():
        return False
    return id_check_char(n[:17]) == n[17]


def id_prefix_ok(partial: str) -> bool:
    """True while a partly typed ID number could still become valid (live keypad feedback)."""
    n = normalize_id_number(partial)
    if len(n) > 18:
        return False
    if "X" in n[:-1] or (n.endswith("X") and len(n) != 18):
        return False
    return all(c in "0123456789X" for c in n)  # str.isdigit() also takes "²" and "٣"


USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {c: i for i, c in enumerate(USCC_ALPHABET)}
_USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
_USCC_SHAPE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$", re.ASCII)


def normalize_uscc(s: str) -> str:
    return s.strip().replace(" ", "").upper()


def uscc_check_char(first17: str) -> str:
    """The GB 32100 check character: C18 = 31 - (sum C_i * 3^(i-1) mod 31), 31 -> 0."""
    if len(first17) != 17 or any(c not in _USCC_VALUE for c in first17):
        raise ValueError("need 17 characters of the USCC alphabet")
    total = sum(_USCC_VALUE[c] * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def is_valid_uscc(s: str) -> bool:
    """True for an 18-character 统一社会信用代码 of the right shape and check character."""
    if not isinstance(s, str):
        return False
    n = normalize_uscc(s)
    if not _USCC_SHAPE.match(n):
        return False
    return uscc_check_char(n[:17]) == n[17]


_CASE_NO = re.compile(r"^[0-9A-Z_-]{6,64}$")


def normalize_case_number(s: str) -> str:
    return s.strip().replace(" ", "").upper()


def is_plausible_case_number(s: str) -> bool:
    """办件编号 have no public national format or checksum; only the shape is checked here."""
    return isinstance(s, str) and bool(_CASE_NO.match(normalize_case_number(s)))


_MOBILE = re.compile(r"^1[3-9]\d{9}$", re.ASCII)


def is_valid_mobile(s: str) -> bool:
    """A mainland mobile number: 11 digits starting 13–19."""
    return isinstance(s, str) and bool(_MOBILE.match(s.strip()))
