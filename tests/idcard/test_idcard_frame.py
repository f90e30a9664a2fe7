"""Framing: byte-exact frames from the reference, every status code, errors, incremental decode."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.idcard import FrameError, Reply, build_frame, build_reply, decode, parse_frame
from drivers.idcard.frame import STATUS_TEXT, Command, decode_command, parse_command, reply_fits

H = bytes.fromhex

# (cmd, para, frame) from reference §1.3.
COMMANDS = [
    (0x10, 0xFF, "AAAAAA96690003 10FF EC"),
    (0x11, 0xFF, "AAAAAA96690003 11FF ED"),
    (0x12, 0xFF, "AAAAAA96690003 12FF EE"),
    (0x20, 0x01, "AAAAAA96690003 2001 22"),
    (0x20, 0x02, "AAAAAA96690003 2002 21"),
    (0x30, 0x01, "AAAAAA96690003 3001 32"),
    (0x30, 0x03, "AAAAAA96690003 3003 30"),
    (0x30, 0x10, "AAAAAA96690003 3010 23"),
    (0x60, 0x00, "AAAAAA96690003 6000 63"),
    (0x60, 0x01, "AAAAAA96690003 6001 62"),
    (0x60, 0x02, "AAAAAA96690003 6002 61"),
    (0x60, 0x03, "AAAAAA96690003 6003 60"),
    (0x60, 0x04, "AAAAAA96690003 6004 67"),
]


@pytest.mark.parametrize("cmd,para,hexframe", COMMANDS)
def test_build_frame_matches_reference(cmd, para, hexframe):
    frame = H(hexframe.replace(" ", ""))
    assert build_frame(cmd, para) == frame
    assert parse_command(frame) == Command(cmd, para, b"")


# Replies seen verbatim in sources (reference §2, §7.1).
VERBATIM = [
    ("AAAAAA9669000400009094", 0x90, b""),
    ("AAAAAA9669000400006064", 0x60, b""),
    ("AAAAAA9669000800009F0000000097", 0x9F, bytes(4)),
    ("AAAAAA9669000400008084", 0x80, b""),
    ("AAAAAA9669000C00009000000000000000009C", 0x90, bytes(8)),
    ("AAAAAA9669000400008185", 0x81, b""),
    ("AAAAAA9669000400004145", 0x41, b""),
    ("AAAAAA9669000400001014", 0x10, b""),
    ("AAAAAA9669000400009195", 0x91, b""),
]


@pytest.mark.parametrize("hexframe,sw3,data", VERBATIM)
def test_parse_verbatim_replies(hexframe, sw3, data):
    reply = parse_frame(H(hexframe))
    assert (reply.sw1, reply.sw2, reply.sw3, reply.data) == (0, 0, sw3, data)
    assert build_reply(sw3, data) == H(hexframe)


@pytest.mark.parametrize("sw3", sorted(STATUS_TEXT))
def test_every_status_code_round_trips(sw3):
    # Error frames may carry non-zero SW1/SW2 (0x31, 0x41, 0x47, 0x81 are "XX XX"): accept them.
    frame = build_reply(sw3, sw1=0x6A, sw2=0x82)
    assert frame[9] == sw3
    reply = parse_frame(frame)
    assert reply == Reply(0x6A, 0x82, sw3, b"")
    assert reply.ok == (sw3 in (0x90, 0x9F))


def test_read_base_header_matches_reference():
    frame = build_reply(0x90, H("01000400") + bytes(256) + bytes(1024))
    assert len(frame) == 1295
    assert frame[:14] == H("AAAAAA96690508000090 01000400".replace(" ", ""))


@pytest.mark.parametrize(
    "raw,kind",
    [
        (H("AAAAAB9669000400009094"), "preamble"),
        (H("0000AAAAAA9669000400009094"), "preamble"),
        (H("AAAAAA96690003000090"), "length"),  # 3 < SW1 SW2 SW3 CHK
        (H("AAAAAA966909FF0000909F"), "length"),  # beyond the 2321-byte maximum
        (H("AAAAAA9669000400009094" "00"), "length"),  # trailing byte
        (H("AAAAAA9669000400009095"), "checksum"),
        (H("AAAAAA966900040000"), "truncated"),
        (H("AAAAAA96"), "truncated"),
        (b"", "truncated"),
    ],
)
def test_parse_frame_errors_name_the_problem(raw, kind):
    with pytest.raises(FrameError) as info:
        parse_frame(raw)
    assert info.value.kind == kind
    assert kind in str(info.value)
    assert isinstance(info.value, ValueError)


def _feed(chunks):
    """Drive decode() like the receive path: returns the replies and the garbage dropped."""
    buf, out, dropped = b"", [], 0
    for chunk in chunks:
        buf += chunk
        while True:
            used, reply = decode(buf)
            if used == 0:
                break
            buf = buf[used:]
            if reply is None:
                dropped += used
            else:
                out.append(reply)
    return out, dropped, buf


BIG = build_reply(0x90, H("01000400") + bytes(range(256)) + bytes(range(256)) * 4)
FRAMES = [build_reply(0x9F, bytes(4)), build_reply(0x41), BIG]


@pytest.mark.parametrize("split", ["whole", "halves", "bytes"])
def test_decode_split_frames(split):
    data = b"".join(FRAMES)
    if split == "whole":
        chunks = [data]
    elif split == "halves":
        chunks = [data[: len(data) // 2], data[len(data) // 2 :]]
    else:
        chunks = [data[i : i + 1] for i in range(len(data))]
    replies, dropped, rest = _feed(chunks)
    assert [r.sw3 for r in replies] == [0x9F, 0x41, 0x90]
    assert replies[2].data == BIG[10:-1]
    assert dropped == 0 and rest == b""


def test_decode_resynchronises_after_noise_corruption_and_fake_headers():
    good = build_reply(0x9F, bytes(4))
    corrupted = good[:-1] + bytes((good[-1] ^ 1,))
    fake = H("AAAAAA96690020") + b"\x01" * 5  # plausible header, body never completes
    noise = b"\xaa\x96\x69\x00\xaa\xaa" + bytes(range(30))
    replies, dropped, rest = _feed([noise + corrupted + fake + good])
    assert replies == [parse_frame(good)]
    assert dropped == len(noise + corrupted + fake)
    assert rest == b""


def test_decode_needs_more_bytes_and_keeps_split_preamble():
    assert decode(b"") == (0, None)
    assert decode(H("AAAAAA9669")) == (0, None)
    assert decode(H("AAAAAA96690004")) == (0, None)
    # garbage then the start of a preamble: drop the garbage, keep the possible preamble start
    assert decode(b"\x01\x02\xaa\xaa") == (2, None)


def test_decode_command_reports_why():
    used, cmd, err = decode_command(H("AAAAAA96690003200123"))
    assert cmd is None and err.kind == "checksum" and used > 0
    used, cmd, err = decode_command(H("AAAAAA96690001" "2001"))
    assert cmd is None and err.kind == "length"


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=3000))
def test_random_bytes_parse_raises_only_frame_error(raw):
    try:
        parse_frame(raw)
    except FrameError:
        pass


@settings(max_examples=300, deadline=None)
@given(st.lists(st.binary(max_size=400), max_size=10))
def test_random_bytes_decode_never_hangs_or_raises(chunks):
    buf = b""
    for chunk in chunks:
        buf += chunk
        for _ in range(len(buf) + 2):  # each step consumes at least one byte, or stops
            used, reply = decode(buf)
            assert 0 <= used <= len(buf)
            if used == 0:
                break
            buf = buf[used:]
        else:
            pytest.fail("decode did not make progress")


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 255), st.integers(0, 255), st.integers(0, 255), st.binary(max_size=2300))
def test_reply_round_trip(sw1, sw2, sw3, data):
    frame = build_reply(sw3, data, sw1=sw1, sw2=sw2)
    assert parse_frame(frame) == Reply(sw1, sw2, sw3, data)
    assert decode(frame) == (len(frame), Reply(sw1, sw2, sw3, data))
    # the same frame behind noise that holds no preamble is still found
    assert _feed([b"\x00\x13" + frame])[0] == [Reply(sw1, sw2, sw3, data)]


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 255), st.integers(0, 255), st.binary(max_size=200))
def test_command_round_trip(cmd, para, data):
    frame = build_frame(cmd, para, data)
    assert parse_command(frame) == Command(cmd, para, data)
    assert decode_command(frame) == (len(frame), Command(cmd, para, data), None)


# ---------------------------------------------------------------- a reply must fit its command

_TEXT_PHOTO = bytes.fromhex("01000400") + bytes(256 + 1024)


@pytest.mark.parametrize("command, frame", [
    ((0x11, 0xFF), "AAAAAA9669000400009094"),                    # SAM status OK (reference §7.1)
    ((0x11, 0xFF), "AAAAAA9669000400006064"),                    # SAM self-test failed
    ((0x10, 0xFF), "AAAAAA9669000400009094"),                    # reset OK
    ((0x20, 0x01), "AAAAAA9669000800009F0000000097"),            # find OK
    ((0x20, 0x01), "AAAAAA9669000400008084"),                    # find failed
    ((0x20, 0x02), "AAAAAA9669000C00009000000000000000009C"),    # select OK
    ((0x20, 0x02), "AAAAAA9669000400008185"),                    # select failed
    ((0x30, 0x01), "AAAAAA9669000400004145"),                    # read failed
    ((0x30, 0x03), "AAAAAA9669000400009195"),                    # no appended address
    ((0x60, 0x04), "AAAAAA9669000400009094"),                    # baud change OK
])
def test_reference_replies_fit_their_command(command, frame):
    assert reply_fits(command, parse_frame(bytes.fromhex(frame)))


def test_read_replies_fit_by_their_length_fields():
    assert reply_fits((0x30, 0x01), Reply(0, 0, 0x90, _TEXT_PHOTO))
    assert reply_fits((0x30, 0x10), Reply(0, 0, 0x90, _TEXT_PHOTO[:4] + b"\x00\x00" + _TEXT_PHOTO[4:]))
    fp = bytes.fromhex("010004000200") + bytes(256 + 1024 + 512)
    assert reply_fits((0x30, 0x10), Reply(0, 0, 0x90, fp))
    assert reply_fits((0x12, 0xFF), Reply(0, 0, 0x90, bytes(16)))
    assert reply_fits((0x30, 0x03), Reply(0, 0, 0x90, bytes(70)))
    assert reply_fits((0x30, 0x01), Reply(0x12, 0x34, 0x41))  # failures: SW1/SW2 may be anything (§2)


@pytest.mark.parametrize("command, reply", [
    ((0x20, 0x01), Reply(0, 0, 0x90, bytes(4))),                   # find succeeds with 0x9F, not 0x90
    ((0x20, 0x02), Reply(0, 0, 0x9F, bytes(8))),                   # 0x9F answers only find
    ((0x20, 0x02), Reply(0, 0, 0x90, bytes(4))),                   # select carries 8 bytes
    ((0x11, 0xFF), Reply(0, 0, 0x90, bytes(28))),                  # status carries none
    ((0x12, 0xFF), Reply(0, 0, 0x90, bytes(15))),                  # SAM ID is 16 bytes
    ((0x30, 0x01), Reply(0, 0, 0x90, bytes(4 + 256 + 1024))),      # length fields say 0 / 0
    ((0x30, 0x01), Reply(0, 0, 0x90, _TEXT_PHOTO[:-1])),           # one byte short
    ((0x30, 0x10), Reply(0, 0, 0x90, bytes.fromhex("010004000400") + bytes(256 + 1024 + 512))),  # fp 1024 != 512
    ((0x30, 0x01), Reply(0, 0, 0x41, b"\x00")),                    # a failure with data
    ((0x55, 0x01), Reply(0, 0, 0x90)),                             # a command we never send
])
def test_frames_with_a_right_checksum_that_cannot_be_the_answer(command, reply):
    assert not reply_fits(command, reply)
