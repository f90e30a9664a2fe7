"""SAM frames (GA/T 467 业务终端接口): bytes <-> frames, no I/O.

Layout, both directions::

    AA AA AA 96 69 | Len1 Len2 | body ... | CHK
    host -> reader body: CMD Para Data...
    reader -> host body: SW1 SW2 SW3 Data...

Len is big-endian and counts body + CHK; CHK is the XOR of Len1 .. last body byte.
Payloads are not escaped, so the receive path resynchronises on preamble + plausible length +
checksum ("hunting"), never on a delimiter search alone. A one-byte XOR passes noise once in 256,
so the reader also takes a reply only if it fits the command it answers (``reply_fits``). The
simulator uses the same code from the other side (``build_reply`` / ``decode_command``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce

PREAMBLE = b"\xaa\xaa\xaa\x96\x69"
HEADER_LEN = 7  # preamble + 2 length bytes
MAX_FRAME = 2321  # read base info + fingerprint, the largest reply
MIN_REPLY_LEN = 4  # SW1 SW2 SW3 CHK
MIN_COMMAND_LEN = 3  # CMD Para CHK
MAX_COMMAND_LEN = 256  # no standard command carries data; bigger is a bad host frame

# Commands (CMD, Para), reference §1.3.
RESET_SAM = (0x10, 0xFF)
SAM_STATUS = (0x11, 0xFF)
SAM_ID = (0x12, 0xFF)
FIND_CARD = (0x20, 0x01)
SELECT_CARD = (0x20, 0x02)
READ_BASE = (0x30, 0x01)
READ_NEW_ADDRESS = (0x30, 0x03)
READ_BASE_FP = (0x30, 0x10)
SET_BAUD = 0x60
BAUD_PARA = {115200: 0x00, 57600: 0x01, 38400: 0x02, 19200: 0x03, 9600: 0x04}

# SW3 status codes, reference §2.
SW_OK = 0x90
SW_FIND_OK = 0x9F
SW_NO_CONTENT = 0x91
SW_HOST_CHECKSUM = 0x10
SW_HOST_LENGTH = 0x11
SW_HOST_COMMAND = 0x21
SW_NOT_PERMITTED = 0x23
SW_UNRECOGNISED = 0x24
SW_CARD_AUTH_SAM = 0x31
SW_SAM_AUTH_CARD = 0x32
SW_VERIFY = 0x33
SW_CARD_TYPE = 0x40
SW_READ_FAILED = 0x41
SW_CHALLENGE = 0x47
SW_SAM_SELFTEST = 0x60
SW_SAM_UNAUTHORISED = 0x66
SW_FIND_FAILED = 0x80
SW_SELECT_FAILED = 0x81

STATUS_TEXT: dict[int, str] = {
    0x90: "操作成功 success",
    0x9F: "寻找证/卡成功 find-card success",
    0x91: "证/卡中此项无内容 item absent on card",
    0x10: "接收业务终端数据的校验和错 host frame checksum wrong",
    0x11: "接收业务终端数据的长度错 host frame length wrong",
    0x21: "接收业务终端的命令错误 bad command/parameter",
    0x23: "越权操作 operation not permitted",
    0x24: "无法识别的错误 unrecognised error",
    0x31: "证/卡认证SAM失败 card failed to authenticate SAM",
    0x32: "SAM认证证/卡失败 SAM failed to authenticate card",
    0x33: "信息验证错误 information verification error",
    0x40: "无法识别的卡类型 unknown card type",
    0x41: "读证/卡操作失败 read failed",
    0x47: "取随机数失败 get-challenge failed",
    0x60: "SAM自检失败 SAM self-test failed",
    0x66: "SAM未经授权 SAM not authorised",
    0x80: "寻找证/卡失败 find card failed",
    0x81: "选取证/卡失败 select card failed",
}


def status_text(sw3: int) -> str:
    return STATUS_TEXT.get(sw3, f"unknown status 0x{sw3:02X}")


class FrameError(ValueError):
    """A byte string that is not a valid SAM frame. ``kind`` is one of
    "preamble", "length", "checksum", "truncated"."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(f"[{kind}] {message}")
        self.kind = kind


@dataclass(frozen=True)
class Reply:
    """A reader -> host frame."""

    sw1: int
    sw2: int
    sw3: int
    data: bytes = b""

    @property
    def ok(self) -> bool:
        return self.sw3 in (SW_OK, SW_FIND_OK)


@dataclass(frozen=True)
class Command:
    """A host -> reader frame (what the simulator receives)."""

    cmd: int
    para: int
    data: bytes = b""


def checksum(data: bytes) -> int:
    return reduce(lambda a, b: a ^ b, data, 0)


def _pack(body: bytes) -> bytes:
    n = len(body) + 1
    if n > 0xFFFF:
        raise ValueError("frame body too long")
    head = n.to_bytes(2, "big") + body
    return PREAMBLE + head + bytes((checksum(head),))


def build_frame(cmd: int, para: int, data: bytes = b"") -> bytes:
    """Host -> reader frame, e.g. build_frame(0x20, 0x01) == AA AA AA 96 69 00 03 20 01 22."""
    if not (0 <= cmd <= 0xFF and 0 <= para <= 0xFF):
        raise ValueError("cmd and para are single bytes")
    return _pack(bytes((cmd, para)) + bytes(data))


def build_reply(sw3: int, data: bytes = b"", sw1: int = 0, sw2: int = 0) -> bytes:
    """Reader -> host frame (used by the simulator)."""
    return _pack(bytes((sw1, sw2, sw3)) + bytes(data))


def _split(raw: bytes, min_len: int, max_len: int) -> bytes:
    """Check one whole frame; return its body (between length and checksum)."""
    if len(raw) < HEADER_LEN:
        if not PREAMBLE.startswith(bytes(raw[:5])):
            raise FrameError("preamble", f"does not start with AA AA AA 96 69: {bytes(raw[:5]).hex(' ')}")
        raise FrameError("truncated", f"{len(raw)} bytes, a header needs {HEADER_LEN}")
    if raw[:5] != PREAMBLE:
        raise FrameError("preamble", f"does not start with AA AA AA 96 69: {bytes(raw[:5]).hex(' ')}")
    n = (raw[5] << 8) | raw[6]
    if not min_len <= n <= max_len:
        raise FrameError("length", f"length field {n} outside {min_len}..{max_len}")
    total = HEADER_LEN + n
    if len(raw) < total:
        raise FrameError("truncated", f"{len(raw)} of {total} bytes")
    if len(raw) > total:
        raise FrameError("length", f"{len(raw) - total} bytes after the {total}-byte frame")
    want = checksum(raw[5 : total - 1])
    if raw[total - 1] != want:
        raise FrameError("checksum", f"checksum 0x{raw[total - 1]:02X}, computed 0x{want:02X}")
    return bytes(raw[HEADER_LEN : total - 1])


def parse_frame(raw: bytes) -> Reply:
    """Parse exactly one reader -> host frame. Raises FrameError."""
    body = _split(raw, MIN_REPLY_LEN, MAX_FRAME - HEADER_LEN)
    return Reply(body[0], body[1], body[2], body[3:])


def parse_command(raw: bytes) -> Command:
    """Parse exactly one host -> reader frame. Raises FrameError."""
    body = _split(raw, MIN_COMMAND_LEN, MAX_COMMAND_LEN)
    return Command(body[0], body[1], body[2:])


def _hunt(buf: bytes, min_len: int, max_len: int) -> tuple[int, bytes | None, FrameError | None]:
    """Shared hunting logic. Returns (used, frame bytes or None, error of a rejected candidate).

    used == 0: need more bytes. used > 0 with no frame: that many bytes are garbage, drop them.
    """
    buf = bytes(buf)
    start = buf.find(PREAMBLE)
    if start < 0:
        # Keep a tail that may be the start of a preamble split across reads.
        keep = 0
        for k in range(min(4, len(buf)), 0, -1):
            if PREAMBLE.startswith(buf[-k:]):
                keep = k
                break
        return len(buf) - keep, None, None
    if start > 0:
        return start, None, None
    if len(buf) < HEADER_LEN:
        return 0, None, None
    n = (buf[5] << 8) | buf[6]
    if not min_len <= n <= max_len:
        # Not a real frame start (or a broken one): step past this preamble and hunt again.
        return 1, None, FrameError("length", f"length field {n} outside {min_len}..{max_len}")
    total = HEADER_LEN + n
    if len(buf) < total:
        # A noise "preamble" with a plausible length would swallow the real frame behind it and
        # stall until timeout: if a complete valid frame already sits further on, jump to it.
        later = buf.find(PREAMBLE, 1)
        while later > 0:
            if _complete_at(buf, later, min_len, max_len):
                return later, None, FrameError("checksum", "incomplete candidate overtaken by a valid frame")
            later = buf.find(PREAMBLE, later + 1)
        return 0, None, None
    if buf[total - 1] != checksum(buf[5 : total - 1]):
        return 1, None, FrameError("checksum", "checksum mismatch, frame dropped")
    return total, buf[:total], None


def _complete_at(buf: bytes, i: int, min_len: int, max_len: int) -> bool:
    if len(buf) - i < HEADER_LEN:
        return False
    n = (buf[i + 5] << 8) | buf[i + 6]
    end = i + HEADER_LEN + n
    return min_len <= n <= max_len and end <= len(buf) and buf[end - 1] == checksum(buf[i + 5 : end - 1])


# What a successful reply to each command carries (reference §1.3): its SW3 and the allowed data lengths.
# Text 256 + photo 1024 after the length fields; a fingerprint file is absent, one or two 512-byte templates.
_FIT: dict[tuple[int, int], tuple[int, frozenset[int]]] = {
    RESET_SAM: (SW_OK, frozenset({0})),
    SAM_STATUS: (SW_OK, frozenset({0})),
    SAM_ID: (SW_OK, frozenset({16})),
    FIND_CARD: (SW_FIND_OK, frozenset({4})),
    SELECT_CARD: (SW_OK, frozenset({8})),
    READ_BASE: (SW_OK, frozenset({4 + 256 + 1024})),
    READ_NEW_ADDRESS: (SW_OK, frozenset({70})),
    READ_BASE_FP: (SW_OK, frozenset({6 + 256 + 1024 + fp for fp in (0, 512, 1024)})),
}


def reply_fits(command: tuple[int, int], reply: Reply) -> bool:
    """Whether ``reply`` can be the module's answer to ``command`` (CMD, Para).

    The XOR checksum is one byte: line noise passes it once in 256 tries. A frame that passed it but
    does not fit the command (wrong success code, a data length the command never has, length fields
    that disagree with the data, data on a failure) is noise or an answer to something else, never
    the answer. Failures carry no data; their SW1/SW2 may be anything (reference §2).
    """
    cmd, para = command
    if reply.sw3 not in (SW_OK, SW_FIND_OK):
        return not reply.data
    want = (SW_OK, frozenset({0})) if cmd == SET_BAUD else _FIT.get((cmd, para))
    if want is None or reply.sw3 != want[0] or len(reply.data) not in want[1]:
        return False
    d = reply.data
    if command == READ_BASE:
        return d[:4] == b"\x01\x00\x04\x00"
    if command == READ_BASE_FP:
        return d[:4] == b"\x01\x00\x04\x00" and 6 + 256 + 1024 + int.from_bytes(d[4:6], "big") == len(d)
    return True


def decode(buf: bytes) -> tuple[int, Reply | None]:
    """Incremental receive-side decoder (pymodbus style), pure.

    Returns (used, reply). used == 0: need more bytes. used > 0 and reply None: drop ``used``
    garbage bytes and call again. Never raises on any input.
    """
    used, raw, _ = _hunt(buf, MIN_REPLY_LEN, MAX_FRAME - HEADER_LEN)
    if raw is None:
        return used, None
    return used, Reply(raw[7], raw[8], raw[9], raw[10:-1])


def decode_command(buf: bytes) -> tuple[int, Command | None, FrameError | None]:
    """Simulator side: like decode() but also reports why a candidate was rejected, so the
    reader can answer 0x10 (checksum) or 0x11 (length)."""
    used, raw, err = _hunt(buf, MIN_COMMAND_LEN, MAX_COMMAND_LEN)
    if raw is None:
        return used, None, err
    return used, Command(raw[7], raw[8], raw[9:-1]), None


def bytes_needed(buf: bytes) -> int:
    """How many more bytes would complete the frame at the start of ``buf`` (a read-size hint)."""
    if len(buf) < HEADER_LEN or buf[:5] != PREAMBLE:
        return max(1, HEADER_LEN - len(buf))
    n = (buf[5] << 8) | buf[6]
    return max(1, HEADER_LEN + n - len(buf))
