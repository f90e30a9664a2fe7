import itertools

import pytest

from drivers.printer import InvalidStatusByte
from drivers.printer.status import UNKNOWN, check_reply, is_status_byte, parse

VARIABLE_BITS = (0x04, 0x08, 0x20, 0x40)


def combos():
    for bits in itertools.product((0, 1), repeat=4):
        yield 0x12 | sum(b for b, on in zip(VARIABLE_BITS, bits, strict=True) if on)


@pytest.mark.parametrize("b1", list(combos()))
def test_online_bit(b1):
    s = parse({1: b1, 2: 0x12, 3: 0x12, 4: 0x12})
    assert s.online is (not b1 & 0x08)


@pytest.mark.parametrize("b2", list(combos()))
def test_offline_cause(b2):
    s = parse({1: 0x1A, 2: b2, 3: 0x12, 4: 0x12})
    assert s.cover_open is bool(b2 & 0x04)
    assert s.paper == ("out" if b2 & 0x20 else "ok")
    assert s.error == ("error" if b2 & 0x40 else None)
    assert not s.ready


@pytest.mark.parametrize("b3", list(combos()))
def test_error_cause(b3):
    s = parse({1: 0x12, 2: 0x12, 3: b3, 4: 0x12})
    if b3 & 0x20:
        assert s.error == "unrecoverable error"
    elif b3 & 0x08:
        assert s.error == "autocutter error"
    elif b3 & 0x40:
        assert s.error == "auto-recoverable error"
    else:
        assert s.error is None and s.ready


@pytest.mark.parametrize("b4", list(combos()))
def test_paper_sensor(b4):
    s = parse({1: 0x12, 2: 0x12, 3: 0x12, 4: b4})
    expected = "out" if b4 & 0x60 else "near_end" if b4 & 0x0C else "ok"
    assert s.paper == expected
    assert s.ready is (expected != "out")


def test_all_clear_is_ready_and_missing_replies_are_unknown():
    assert parse({1: 0x12, 2: 0x12, 3: 0x12, 4: 0x12}).ready
    s = parse({1: 0x12, 2: 0x12, 3: None, 4: None})
    assert s.paper == "unknown" and not s.ready
    assert not UNKNOWN.ready and UNKNOWN.paper == "unknown" and UNKNOWN.online is None


def test_every_byte_outside_the_fixed_pattern_is_rejected():
    bad = [b for b in range(256) if (b & 0x93) != 0x12]
    assert len(bad) == 256 - 16
    for b in bad:
        assert not is_status_byte(b)
        with pytest.raises(InvalidStatusByte, match=f"0x{b:02X}"):
            check_reply(4, bytes([b]))
        with pytest.raises(InvalidStatusByte):
            parse({1: b})
    for reply in (b"", b"\x12\x12"):
        with pytest.raises(InvalidStatusByte):
            check_reply(1, reply)
    # XON / XOFF must never pass for a status reply
    assert not is_status_byte(0x11) and not is_status_byte(0x13)
