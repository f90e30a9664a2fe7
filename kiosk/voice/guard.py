"""The last check before anything is spoken: a voice in a public hall must never say a name, an ID
number, a phone number or an address (GB/T 35273). Numbers are found by kiosk.privacy's detection (the
same that masks log lines); names cannot be recognised in free text, so labelled fields and forms of
address are refused, and the session may hand in the identity values it holds (`private`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from kiosk.privacy import mask_text


class SpeechRefused(ValueError):
    """Text that must not be spoken. str() names the reason, never the text (it goes to the log)."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(f"refused to speak: {reason}")


_HAN_DIGITS = "零〇一二三四五六七八九幺两"
_SEPARATORS = re.compile(r"[\s\-‐‑–—_.·()（）]")
_LONG_NUMBER = re.compile(rf"[0-9{_HAN_DIGITS}]{{7,}}")
_FIELD = re.compile(r"(姓名|名字|申请人|联系人|经办人|代理人|法定代表人|户主|住址|地址|籍贯|出生|身份证号|证件号|"
                    r"手机|电话|\bname|\baddress|\bphone|\bmobile|\bborn)\s*[:：是为]", re.IGNORECASE)
_ADDRESS = re.compile(rf"([路街巷弄道村]\s*[0-9{_HAN_DIGITS}十百]+\s*号)|([0-9{_HAN_DIGITS}十]+\s*(单元|栋|幢|室))")
_ADDRESS_FORM = re.compile(r"[\u4e00-\u9fff](先生|女士|小姐|阿姨|大爷|同志)|\b(Mr|Mrs|Ms|Miss)\.?\s+[A-Z]")


def check_speakable(text: str, private: Iterable[str] = ()) -> None:
    """Raise SpeechRefused when `text` holds personal data; return quietly when it may be spoken."""
    flat = unicodedata.normalize("NFKC", text)
    if mask_text(text) != text or mask_text(flat) != flat:
        raise SpeechRefused("an ID number or a mobile number")
    joined = _SEPARATORS.sub("", flat)
    if mask_text(joined) != joined or _LONG_NUMBER.search(joined):
        raise SpeechRefused("a long number (ID, phone, card or case number)")
    if "*" in flat:
        raise SpeechRefused("masked personal data")
    if _FIELD.search(flat):
        raise SpeechRefused("a personal field (name, address, phone, birth)")
    if _ADDRESS.search(flat):
        raise SpeechRefused("an address")
    if _ADDRESS_FORM.search(flat):
        raise SpeechRefused("a form of address with a name")
    for value in private:
        value = unicodedata.normalize("NFKC", value or "").strip()
        if len(value) >= 2 and value in flat:
            raise SpeechRefused("a value from the citizen's identity data")
