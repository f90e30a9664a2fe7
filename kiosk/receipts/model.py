"""A receipt as data: a list of blocks, checked for the printer's character set when it is built.

Every string that goes to paper must be ASCII or a double-byte GBK character; anything else raises
ReceiptError at build time (naming the character) instead of printing "?" later.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import asdict, dataclass, field
from typing import Any

ALIGNS = ("left", "center", "right")


class ReceiptError(ValueError):
    """A receipt that cannot be printed as asked (a character outside GBK, a bad block)."""


def check_printable(text: str, where: str = "text") -> str:
    if not isinstance(text, str):
        raise ReceiptError(f"{where}: expected text, got {type(text).__name__}")
    for i, ch in enumerate(text):
        if ch == "\n" and where.endswith("text"):
            continue
        if ord(ch) < 0x80:
            if not (0x20 <= ord(ch) < 0x7F):
                raise ReceiptError(f"{where}: control character U+{ord(ch):04X} at position {i}")
            continue
        try:
            enc = ch.encode("gbk")
        except UnicodeEncodeError:
            enc = b""
        # cp936 maps € to the single byte 0x80, which a printer in Chinese mode reads as a lead byte.
        if len(enc) != 2:
            name = unicodedata.name(ch, "unnamed")
            raise ReceiptError(
                f"{where}: character {ch!r} (U+{ord(ch):04X} {name}) at position {i} is not in GBK "
                "and cannot be printed"
            )
    return text


@dataclass(frozen=True)
class Title:
    text: str
    size: int = 2
    align: str = "center"
    bold: bool = True
    type: str = field(default="title", init=False)


@dataclass(frozen=True)
class Text:
    text: str
    align: str = "left"
    bold: bool = False
    size: int = 1
    type: str = field(default="text", init=False)


@dataclass(frozen=True)
class KeyValue:
    rows: tuple[tuple[str, str], ...]
    type: str = field(default="kv", init=False)


@dataclass(frozen=True)
class Separator:
    char: str = "-"
    type: str = field(default="separator", init=False)


@dataclass(frozen=True)
class QR:
    data: str
    module: int = 6
    type: str = field(default="qr", init=False)


@dataclass(frozen=True)
class Barcode:
    data: str
    type: str = field(default="barcode", init=False)


@dataclass(frozen=True)
class Spacer:
    lines: int = 1
    type: str = field(default="spacer", init=False)


@dataclass(frozen=True)
class Cut:
    partial: bool = False
    type: str = field(default="cut", init=False)


Block = Title | Text | KeyValue | Separator | QR | Barcode | Spacer | Cut
_TYPES: dict[str, type] = {
    "title": Title, "text": Text, "kv": KeyValue, "separator": Separator,
    "qr": QR, "barcode": Barcode, "spacer": Spacer, "cut": Cut,
}


def _validate(block: Block) -> Block:
    if isinstance(block, (Title, Text)):
        check_printable(block.text, f"{block.type} text")
        if block.align not in ALIGNS:
            raise ReceiptError(f"{block.type}: align must be one of {ALIGNS}, not {block.align!r}")
        if not 1 <= block.size <= 8:
            raise ReceiptError(f"{block.type}: size must be 1..8, not {block.size}")
    elif isinstance(block, KeyValue):
        for k, v in block.rows:
            check_printable(k, "key")
            check_printable(v, "value text")
    elif isinstance(block, Separator):
        if len(block.char) != 1 or not (0x20 < ord(block.char) < 0x7F):
            raise ReceiptError(f"separator: one printable ASCII character, not {block.char!r}")
    elif isinstance(block, QR):
        if not block.data or len(block.data.encode("utf-8")) > 700:
            raise ReceiptError("qr: data must be 1..700 bytes")
        if not 1 <= block.module <= 16:
            raise ReceiptError(f"qr: module must be 1..16 dots, not {block.module}")
    elif isinstance(block, Barcode):
        if not block.data or len(block.data) > 40 or not all(0x20 <= ord(c) < 0x7F for c in block.data):
            raise ReceiptError(f"barcode: 1..40 printable ASCII characters, not {block.data!r}")
    elif isinstance(block, Spacer):
        if not 0 <= block.lines <= 20:
            raise ReceiptError(f"spacer: 0..20 lines, not {block.lines}")
    return block


@dataclass
class Receipt:
    blocks: list[Block] = field(default_factory=list)

    def __post_init__(self) -> None:
        for b in self.blocks:
            _validate(b)

    def add(self, block: Block) -> Receipt:
        self.blocks.append(_validate(block))
        return self

    def title(self, text: str, size: int = 2, align: str = "center", bold: bool = True) -> Receipt:
        return self.add(Title(text, size, align, bold))

    def text(self, text: str, align: str = "left", bold: bool = False, size: int = 1) -> Receipt:
        return self.add(Text(text, align, bold, size))

    def kv(self, *rows: tuple[str, str]) -> Receipt:
        return self.add(KeyValue(tuple((str(k), str(v)) for k, v in rows)))

    def separator(self, char: str = "-") -> Receipt:
        return self.add(Separator(char))

    def qr(self, data: str, module: int = 6) -> Receipt:
        return self.add(QR(data, module))

    def barcode(self, data: str) -> Receipt:
        return self.add(Barcode(data))

    def spacer(self, lines: int = 1) -> Receipt:
        return self.add(Spacer(lines))

    def cut(self, partial: bool = False) -> Receipt:
        return self.add(Cut(partial))

    # -- persistence (print queue) ------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {"blocks": [asdict(b) for b in self.blocks]}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Receipt:
        blocks = []
        for raw in data.get("blocks", []):
            raw = dict(raw)
            kind = raw.pop("type", None)
            if kind not in _TYPES:
                raise ReceiptError(f"unknown block type {kind!r}")
            if kind == "kv":
                raw["rows"] = tuple(tuple(r) for r in raw["rows"])
            blocks.append(_TYPES[kind](**raw))
        return cls(blocks)

    @classmethod
    def from_json(cls, text: str) -> Receipt:
        return cls.from_dict(json.loads(text))
