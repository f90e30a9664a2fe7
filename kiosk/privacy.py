"""Masking of personal data for screens, receipts and logs (GB/T 35273 展示限制).

One place, so the screen, the printer and the log filter mask the same way.
"""

from __future__ import annotations

import re

# One implementation, shared with the reader driver (which may not import the core).
from drivers.idcard.personal import mask_id_number as mask_id_number
from drivers.idcard.personal import mask_name as mask_name


def mask_phone(s: str | None) -> str:
    """138****5678."""
    if not s:
        return ""
    s = s.strip()
    if len(s) < 7:
        return "*" * len(s)
    return s[:3] + "*" * (len(s) - 7) + s[-4:]


# An 18-character ID number (last may be X) or an 11-digit mobile, not inside a longer run of digits.
_ID_RE = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3}[\dXx])(?![0-9A-Za-z])")
_PHONE_RE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")


def mask_text(text: str) -> str:
    """Mask every ID number and mobile number found in free text (log lines, exception messages)."""
    text = _ID_RE.sub(lambda m: mask_id_number(m.group(0)), text)
    return _PHONE_RE.sub(lambda m: m.group(1) + "****" + m.group(3), text)
