"""The 256-byte text record (机读文字信息, GA 490) of the four card types, UCS-2LE, space padded.

Layouts follow GA 490-2013 as the vendors' SAM protocol documents give them. The card type is the marker
at byte 248: space -> resident, 'J' -> HK/Macau/Taiwan permit, 'I' -> 2017 foreign permanent
residence card, 'Y' -> 2023 foreign permanent residence card.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from datetime import date

from .personal import id_check_char, mask_id_number, mask_name

TEXT_LEN = 256
LONG_TERM = "长期"

GENDERS = {"0": "未知", "1": "男", "2": "女", "9": "未说明"}
_GENDER_CODES = {v: k for k, v in GENDERS.items()}

# GB 3304-91, plus 97/98 as every reader SDK decodes them (reference §4.2).
NATIONS = {
    "01": "汉", "02": "蒙古", "03": "回", "04": "藏", "05": "维吾尔", "06": "苗", "07": "彝",
    "08": "壮", "09": "布依", "10": "朝鲜", "11": "满", "12": "侗", "13": "瑶", "14": "白",
    "15": "土家", "16": "哈尼", "17": "哈萨克", "18": "傣", "19": "黎", "20": "傈僳", "21": "佤",
    "22": "畲", "23": "高山", "24": "拉祜", "25": "水", "26": "东乡", "27": "纳西", "28": "景颇",
    "29": "柯尔克孜", "30": "土", "31": "达斡尔", "32": "仫佬", "33": "羌", "34": "布朗",
    "35": "撒拉", "36": "毛南", "37": "仡佬", "38": "锡伯", "39": "阿昌", "40": "普米",
    "41": "塔吉克", "42": "怒", "43": "乌孜别克", "44": "俄罗斯", "45": "鄂温克", "46": "德昂",
    "47": "保安", "48": "裕固", "49": "京", "50": "塔塔尔", "51": "独龙", "52": "鄂伦春",
    "53": "赫哲", "54": "门巴", "55": "珞巴", "56": "基诺", "97": "其他", "98": "外国血统中国籍人士",
}  # fmt: skip
_NATION_CODES = {v: k for k, v in NATIONS.items()}

CARD_TYPES = ("resident", "hmt", "foreign_2017", "foreign_2023")
_MARKERS = {" ": "resident", "\x00": "resident", "J": "hmt", "I": "foreign_2017", "Y": "foreign_2023"}
_MARKER_OF = {"resident": " ", "hmt": "J", "foreign_2017": "I", "foreign_2023": "Y"}

_ID18 = re.compile(r"^\d{17}[\dX]$")
_FOREIGN15 = re.compile(r"^[A-Z]{3}\d{12}$")
_ALPHA3 = re.compile(r"^[A-Z]{3}$")


class RecordError(ValueError):
    """A text record that cannot be a real card's: wrong length, bad date, unknown code."""


@dataclass(frozen=True, repr=False)
class IdentityCard:
    """What the chip says about its holder. Lives in memory only; repr/str mask the identity.

    Fields absent on a card type are None: ``nation`` (hmt, foreign), ``address`` (foreign),
    ``issuer`` (foreign_2023 has none; foreign_2017 holds the accepting-authority code),
    ``english_name``/``nationality`` (foreign only), ``pass_number`` (hmt only),
    ``issue_count`` (hmt: 签发次数, foreign_2023: 换证次数, foreign_2017: 证件版本号).
    ``valid_until`` None means 长期.
    """

    card_type: str
    name: str
    gender: str
    nation: str | None
    birth_date: date
    address: str | None
    id_number: str
    issuer: str | None
    valid_from: date
    valid_until: date | None
    english_name: str | None = None
    nationality: str | None = None
    pass_number: str | None = None
    issue_count: str | None = None

    def masked(self) -> dict[str, object]:
        """The fields as a dict with names and numbers masked (logs, technician output)."""
        out: dict[str, object] = {f.name: getattr(self, f.name) for f in fields(self)}
        out["name"] = mask_name(self.name)
        out["id_number"] = mask_id_number(self.id_number)
        if self.english_name is not None:
            out["english_name"] = mask_name(self.english_name)
        if self.pass_number is not None:
            out["pass_number"] = mask_id_number(self.pass_number)
        return out

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in self.masked().items())
        return f"IdentityCard({inner})"

    def __str__(self) -> str:
        m = self.masked()
        until = "长期" if self.valid_until is None else self.valid_until.isoformat()
        parts = [f"{self.card_type}: {m['name']}"]
        if self.english_name:
            parts.append(str(m["english_name"]))
        parts.append(f"{self.gender}")
        if self.nation:
            parts.append(f"{self.nation}族")
        if self.nationality:
            parts.append(self.nationality)
        parts.append(f"born {self.birth_date.isoformat()}")
        parts.append(f"no. {m['id_number']}")
        if self.pass_number:
            parts.append(f"pass {m['pass_number']}")
        parts.append(f"valid {self.valid_from.isoformat()}..{until}")
        return ", ".join(parts)


# ---------------------------------------------------------------- decoding


def _field(text: bytes, off: int, size: int, what: str) -> str:
    try:
        s = text[off : off + size].decode("utf-16-le")
    except UnicodeDecodeError as e:
        raise RecordError(f"{what}: not UCS-2 text") from e
    return s.rstrip(" \x00")


def _date(s: str, what: str) -> date:
    if len(s) != 8 or not s.isdigit():
        raise RecordError(f"{what}: {s!r} is not YYYYMMDD")
    try:
        return date(int(s[:4]), int(s[4:6]), int(s[6:]))
    except ValueError as e:
        raise RecordError(f"{what}: {s!r} is not a calendar date") from e


def _until(s: str, what: str) -> date | None:
    return None if s == LONG_TERM else _date(s, what)


def _gender(code: str) -> str:
    try:
        return GENDERS[code]
    except KeyError:
        raise RecordError(f"gender code {code!r} unknown (GB/T 2261.1: 0, 1, 2, 9)") from None


def _id18(s: str) -> str:
    if not _ID18.match(s) or id_check_char(s[:17]) != s[17]:
        raise RecordError(f"ID number {mask_id_number(s)!r} has a wrong shape or check character")
    return s


def _opt(s: str) -> str | None:
    return s or None


def decode_text(text: bytes) -> IdentityCard:
    """Decode the 256-byte text record. Raises RecordError."""
    if not isinstance(text, bytes | bytearray | memoryview):
        raise RecordError("text record must be bytes")
    text = bytes(text)
    if len(text) != TEXT_LEN:
        raise RecordError(f"text record is {len(text)} bytes, not {TEXT_LEN}")
    marker = _field(text, 248, 2, "card type")
    marker = marker or " "
    card_type = _MARKERS.get(marker)
    if card_type is None:
        raise RecordError(f"card type marker {marker!r} unknown")
    if card_type == "foreign_2017":
        return _decode_foreign_2017(text)
    name = _field(text, 0, 30, "name")
    gender = _gender(_field(text, 30, 2, "gender"))
    birth = _date(_field(text, 36, 16, "birth date"), "birth date")
    id_number = _id18(_field(text, 122, 36, "ID number"))
    valid_from = _date(_field(text, 188, 16, "valid from"), "valid from")
    valid_until = _until(_field(text, 204, 16, "valid until"), "valid until")
    if card_type == "resident":
        code = _field(text, 32, 4, "nation")
        if code not in NATIONS:
            raise RecordError(f"nation code {code!r} unknown (GB 3304)")
        return IdentityCard(
            "resident", name, gender, NATIONS[code], birth, _field(text, 52, 70, "address"),
            id_number, _field(text, 158, 30, "issuer"), valid_from, valid_until,
        )  # fmt: skip
    if card_type == "hmt":
        return IdentityCard(
            "hmt", name, gender, None, birth, _field(text, 52, 70, "address"), id_number,
            _field(text, 158, 30, "issuer"), valid_from, valid_until,
            pass_number=_opt(_field(text, 220, 18, "pass number")),
            issue_count=_opt(_field(text, 238, 4, "issue count")),
        )  # fmt: skip
    # foreign_2023: English name split over 52..122 and 220..242.
    english = _field(text, 52, 70, "English name")
    rest = _field(text, 220, 22, "English name")
    if rest:
        english = english.ljust(35) + rest
    nationality = _field(text, 242, 6, "nationality")
    if nationality and not _ALPHA3.match(nationality):
        raise RecordError(f"nationality code {nationality!r} is not 3 letters")
    return IdentityCard(
        "foreign_2023", name, gender, None, birth, None, id_number,
        _opt(_field(text, 158, 30, "issuer")), valid_from, valid_until,
        english_name=english, nationality=_opt(nationality),
        issue_count=_opt(_field(text, 32, 4, "renewal count")),
    )  # fmt: skip


def _decode_foreign_2017(text: bytes) -> IdentityCard:
    number = _field(text, 122, 30, "residence card number")
    # The reference gives no check algorithm for the 15-character number; the shape is checked.
    if not _FOREIGN15.match(number):
        raise RecordError(f"residence card number {mask_id_number(number)!r} is not 3 letters + 12 digits")
    nationality = _field(text, 152, 6, "nationality")
    if not _ALPHA3.match(nationality):
        raise RecordError(f"nationality code {nationality!r} is not 3 letters")
    return IdentityCard(
        "foreign_2017",
        name=_field(text, 158, 30, "Chinese name"),
        gender=_gender(_field(text, 120, 2, "gender")),
        nation=None,
        birth_date=_date(_field(text, 220, 16, "birth date"), "birth date"),
        address=None,
        id_number=number,
        issuer=_opt(_field(text, 240, 8, "accepting authority")),
        valid_from=_date(_field(text, 188, 16, "issue date"), "issue date"),
        valid_until=_until(_field(text, 204, 16, "valid until"), "valid until"),
        english_name=_field(text, 0, 120, "English name"),
        nationality=nationality,
        issue_count=_opt(_field(text, 236, 4, "card version")),
    )


# ---------------------------------------------------------------- encoding (simulator)


def _put(buf: bytearray, off: int, size: int, value: str | None, what: str) -> None:
    raw = (value or "").encode("utf-16-le")
    if len(raw) > size:
        raise RecordError(f"{what}: {len(raw) // 2} characters, room for {size // 2}")
    buf[off : off + size] = raw + " ".encode("utf-16-le") * ((size - len(raw)) // 2)


def _ymd(d: date | None) -> str:
    return LONG_TERM if d is None else d.strftime("%Y%m%d")


def encode_text(card: IdentityCard) -> bytes:
    """The 256-byte record a chip would hold for ``card`` (inverse of decode_text)."""
    if card.card_type not in CARD_TYPES:
        raise RecordError(f"card type {card.card_type!r} unknown")
    if card.gender not in _GENDER_CODES:
        raise RecordError(f"gender {card.gender!r} unknown")
    buf = bytearray(" ".encode("utf-16-le") * (TEXT_LEN // 2))
    g = _GENDER_CODES[card.gender]
    if card.card_type == "foreign_2017":
        _put(buf, 0, 120, card.english_name, "English name")
        _put(buf, 120, 2, g, "gender")
        _put(buf, 122, 30, card.id_number, "residence card number")
        _put(buf, 152, 6, card.nationality, "nationality")
        _put(buf, 158, 30, card.name, "Chinese name")
        _put(buf, 188, 16, _ymd(card.valid_from), "issue date")
        _put(buf, 204, 16, _ymd(card.valid_until), "valid until")
        _put(buf, 220, 16, _ymd(card.birth_date), "birth date")
        _put(buf, 236, 4, card.issue_count, "card version")
        _put(buf, 240, 8, card.issuer, "accepting authority")
    else:
        _put(buf, 0, 30, card.name, "name")
        _put(buf, 30, 2, g, "gender")
        _put(buf, 36, 16, _ymd(card.birth_date), "birth date")
        _put(buf, 122, 36, card.id_number, "ID number")
        _put(buf, 158, 30, card.issuer, "issuer")
        _put(buf, 188, 16, _ymd(card.valid_from), "valid from")
        _put(buf, 204, 16, _ymd(card.valid_until), "valid until")
        if card.card_type == "resident":
            if card.nation not in _NATION_CODES:
                raise RecordError(f"nation {card.nation!r} unknown")
            _put(buf, 32, 4, _NATION_CODES[card.nation], "nation")
            _put(buf, 52, 70, card.address, "address")
        elif card.card_type == "hmt":
            _put(buf, 52, 70, card.address, "address")
            _put(buf, 220, 18, card.pass_number, "pass number")
            _put(buf, 238, 4, card.issue_count, "issue count")
        else:  # foreign_2023
            english = card.english_name or ""
            _put(buf, 32, 4, card.issue_count, "renewal count")
            _put(buf, 52, 70, english[:35], "English name")
            _put(buf, 220, 22, english[35:], "English name")
            _put(buf, 242, 6, card.nationality, "nationality")
    _put(buf, 248, 2, _MARKER_OF[card.card_type], "card type")
    return bytes(buf)
