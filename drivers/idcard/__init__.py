"""Second-generation ID-card reader (SAM protocol, frames ``AA AA AA 96 69``).

- frame.py: bytes <-> frames (build_frame, parse_frame, decode), no I/O
- record.py: the 256-byte text record <-> IdentityCard
- reader.py: IdCardReader, the serial driver
- errors.py: ReaderError and its children

Technician tool: ``python -m drivers.idcard read --port /dev/kiosk-idcard``.
"""

from .errors import (
    CardReadError,
    ReaderError,
    ReaderNotConnected,
    ReaderProtocolError,
    ReaderTimeout,
    SamFault,
)
from .frame import Command, FrameError, Reply, build_frame, build_reply, decode, parse_frame
from .reader import IdCardReader, format_sam_id
from .record import IdentityCard, RecordError, decode_text, encode_text

__all__ = [
    "CardReadError",
    "Command",
    "FrameError",
    "IdCardReader",
    "IdentityCard",
    "ReaderError",
    "ReaderNotConnected",
    "ReaderProtocolError",
    "ReaderTimeout",
    "RecordError",
    "Reply",
    "SamFault",
    "build_frame",
    "build_reply",
    "decode",
    "decode_text",
    "encode_text",
    "format_sam_id",
    "parse_frame",
]
