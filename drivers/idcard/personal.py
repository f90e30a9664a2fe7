"""Pure helpers about the personal data a card carries: the ID number's check character and masking.

They live here, below the core, so the driver and the simulator need nothing of ``kiosk``; the core
(kiosk.validators, kiosk.privacy) imports them from here, so there is one implementation of each.
"""

from __future__ import annotations

# GB 11643-1999 (ISO 7064 MOD 11-2): weights 2^(18-i) mod 11, check character by the sum mod 11.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_check_char(first17: str) -> str:
    """The GB 11643 check character (ISO 7064 MOD 11-2) for the first 17 digits."""
    if len(first17) != 17 or not (first17.isascii() and first17.isdigit()):
        raise ValueError("need exactly 17 digits")
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def mask_id_number(s: str | None) -> str:
    """3701**********9973: the first four and last four characters stay."""
    if not s:
        return ""
    s = s.strip()
    if len(s) <= 8:
        return "*" * len(s)
    return s[:4] + "*" * (len(s) - 8) + s[-4:]


def mask_name(s: str | None) -> str:
    """张*, 欧阳** ; Latin names keep their first letter per word (J*** S****)."""
    if not s:
        return ""
    s = s.strip()
    if s.isascii():
        return " ".join(w[:1] + "*" * (len(w) - 1) for w in s.split())
    return s[0] + "*" * (len(s) - 1)
