"""Free text a helper (帮办专员) types for a citizen: feedback details, a contact or enterprise name.

It goes to the central API and onto a GBK thermal receipt, so it is checked where it is typed: a
character the printer cannot print is named to the helper there, not discovered as a failed print
after the citizen has left.
"""

from __future__ import annotations

import unicodedata


class FreeTextError(ValueError):
    """The text cannot be taken as it is. `code` and `values` say why (kiosk.error_words words it for
    the helper in the current language)."""

    def __init__(self, code: str, **values: object) -> None:
        super().__init__(f"{code}: {values}")
        self.code, self.values = code, values


def unprintable(text: str) -> list[str]:
    """Characters of `text` that GBK (the receipt printer's code page) cannot encode, each once."""
    seen: list[str] = []
    for ch in text:
        if ch in seen or ch in "\n":
            continue
        try:
            ch.encode("gbk")
        except UnicodeEncodeError:
            seen.append(ch)
    return seen


def clean_free_text(text: str, max_length: int, multiline: bool = True) -> str:
    """Normalised text (NFC, control characters and surrounding blanks removed, runs of blank lines
    folded), or FreeTextError when it is too long or holds characters the printer cannot print."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    text = "".join(ch for ch in text if ch == "\n" or unicodedata.category(ch)[0] != "C")
    lines = [line.strip() for line in text.split("\n")] if multiline else [text.replace("\n", " ").strip()]
    folded: list[str] = []
    for line in lines:
        if line or (folded and folded[-1]):
            folded.append(line)
    text = "\n".join(folded).strip()
    if len(text) > max_length:
        raise FreeTextError("text.too_long", max=max_length, n=len(text))
    bad = unprintable(text)
    if bad:
        shown = "".join(bad[:5])
        raise FreeTextError("text.unprintable", chars=shown)
    return text
