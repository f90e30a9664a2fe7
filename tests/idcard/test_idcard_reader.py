"""The driver against the simulator over a real pseudo-terminal, and the simulator's protocol."""

from __future__ import annotations

import random
import time

import pytest
import serial

from drivers.idcard import (
    CardReadError,
    IdCardReader,
    ReaderNotConnected,
    ReaderProtocolError,
    ReaderTimeout,
    SamFault,
    build_frame,
    decode,
    parse_frame,
)
from drivers.idcard.frame import reply_fits
from drivers.sim.idcard import SYNTHETIC_CARDS, IdCardSimulator, forged_reply


def raw_exchange(port: str, frame: bytes, timeout: float = 1.0):
    """Send raw bytes and return the first reply frame (bypasses the driver)."""
    with serial.serial_for_url(port, baudrate=115200, timeout=0.05) as ser:
        ser.write(frame)
        buf, end = b"", time.monotonic() + timeout
        while time.monotonic() < end:
            buf += ser.read(64)
            used, reply = decode(buf)
            if reply is not None:
                return reply
            buf = buf[used:]
    raise AssertionError("no reply")


@pytest.mark.parametrize("card", SYNTHETIC_CARDS, ids=lambda c: f"{c.card_type}-{c.id_number[-4:]}")
def test_reads_every_card_type(sim, reader, card):
    sim.put_card(card)
    assert reader.read_card() == card


def test_no_card_returns_none(sim, reader):
    assert reader.read_card() is None


def test_no_reread_until_removed(sim, reader):
    sim.put_card(SYNTHETIC_CARDS[1])
    assert reader.read_card() == SYNTHETIC_CARDS[1]
    assert reader.read_card() is None  # the module protects the card until it leaves the field
    assert reader.card_present() is True
    sim.remove_card()
    assert reader.card_present() is False
    sim.put_card(SYNTHETIC_CARDS[1])
    assert reader.read_card() == SYNTHETIC_CARDS[1]


def test_reread_mode(sim, reader):
    sim.allow_reread = True
    sim.put_card(SYNTHETIC_CARDS[3])
    assert reader.read_card() == SYNTHETIC_CARDS[3]
    assert reader.read_card() == SYNTHETIC_CARDS[3]


def test_card_present_after_read(sim, reader):
    sim.put_card()
    reader.read_card()
    assert reader.card_present() is True
    assert reader.read_appended_address() is None  # 0x91: no appended address
    sim.appended_address = "山东省济南市槐荫区新址路1号"
    assert reader.read_appended_address() == "山东省济南市槐荫区新址路1号"


def test_unplug_and_replug(sim, reader):
    sim.put_card(SYNTHETIC_CARDS[0])
    assert reader.read_card() == SYNTHETIC_CARDS[0]
    old_slave = sim.slave_path
    sim.unplug()
    with pytest.raises(ReaderNotConnected) as info:
        reader.read_card()
    assert info.value.__cause__ is not None
    with pytest.raises(ReaderNotConnected):
        reader.read_card()  # still gone: reopening the symlink fails
    sim.replug()
    sim.put_card(SYNTHETIC_CARDS[2])
    assert reader.read_card() == SYNTHETIC_CARDS[2]  # reopened through the same stable path
    assert sim.port.endswith("kiosk-idcard")
    assert sim.slave_path is not None and old_slave is not None


def test_replug_while_idle_is_transparent(sim, reader):
    assert reader.self_check() is True
    sim.unplug()
    sim.replug()
    assert reader.self_check() is True  # the stale fd fails on write, the driver reopens once


def test_card_removed_mid_read_raises_then_next_read_works(sim, reader):
    sim.put_card(SYNTHETIC_CARDS[0])
    sim.set_fault("remove_mid_read")
    with pytest.raises(CardReadError) as info:
        reader.read_card()
    assert info.value.sw3 == 0x41
    sim.set_fault(None)
    assert reader.read_card() is None  # the card is gone
    sim.put_card(SYNTHETIC_CARDS[0])
    assert reader.read_card() == SYNTHETIC_CARDS[0]


def test_read_error_latches_until_card_is_represented(sim, reader):
    sim.put_card(SYNTHETIC_CARDS[0])
    sim.set_fault("read_error")
    with pytest.raises(CardReadError):
        reader.read_card()
    sim.set_fault(None)
    assert reader.read_card() is None  # latched: find fails while the card stays
    sim.remove_card()
    sim.put_card(SYNTHETIC_CARDS[0])
    assert reader.read_card() == SYNTHETIC_CARDS[0]


def test_garbage_on_the_line_is_resynchronised(tmp_path):
    # 200 seeds of the simulator's noise, each a full find/select/read: the forged frame start in the
    # "garbage" fault passes the one-byte checksum about once in 256 replies, so before replies had to
    # fit their command about one seed in 85 failed here. Seeded: the same bytes on every run. At
    # 921600 bd (a pty takes any rate) so 600 exchanges take seconds, not a minute.
    with IdCardSimulator(baudrate=921600, link_dir=str(tmp_path)) as sim, \
            IdCardReader(sim.port, baudrate=921600, timeout=1.0) as reader:
        sim.set_fault("garbage")
        sim.allow_reread = True
        for seed in range(200):
            sim.reseed(seed)
            card = SYNTHETIC_CARDS[seed % len(SYNTHETIC_CARDS)]
            sim.put_card(card)
            assert reader.read_card() == card, f"seed {seed}"
        assert reader.sam_id() == "05.01-20240115-0011292549-2147484208"


def test_a_forged_frame_that_does_not_fit_is_asked_again(sim, reader, caplog):
    # Every other reply is a frame with a right checksum that no command is answered with (random
    # status, 28 data bytes): the reader must not take it, must ask again and read the right card.
    sim.set_fault("forged")
    sim.put_card(SYNTHETIC_CARDS[2])
    before = sim.commands_seen
    with caplog.at_level("INFO", logger="drivers.idcard.reader"):
        assert reader.read_card() == SYNTHETIC_CARDS[2]
    assert sim.commands_seen - before == 6  # find, select and read, each asked twice
    assert sum("does not fit the command" in r.getMessage() for r in caplog.records) == 3
    assert any("asking again" in r.getMessage() for r in caplog.records)


def test_the_simulators_forged_frames_pass_the_checksum_and_fit_no_command():
    commands = [(0x10, 0xFF), (0x11, 0xFF), (0x12, 0xFF), (0x20, 0x01), (0x20, 0x02), (0x30, 0x01),
                (0x30, 0x03), (0x30, 0x10), (0x60, 0x00)]
    rng = random.Random(7)
    for _ in range(500):
        reply = parse_frame(forged_reply(rng))  # raises on a wrong checksum
        assert not any(reply_fits(c, reply) for c in commands), reply


def test_only_corrupted_frames_is_a_protocol_error(sim):
    sim.set_fault("bad_checksum")
    with IdCardReader(sim.port, timeout=0.3) as reader, pytest.raises(ReaderProtocolError):
        reader.read_card()


def test_dead_reader_times_out(sim):
    sim.set_fault("dead")
    sim.put_card()
    with IdCardReader(sim.port, timeout=0.3) as reader:
        with pytest.raises(ReaderTimeout):
            reader.read_card()
        with pytest.raises(ReaderTimeout):
            reader.self_check()
        sim.set_fault(None)
        assert reader.read_card() == SYNTHETIC_CARDS[0]  # recovers without reopening


def test_slow_reader_beyond_timeout(sim):
    sim.slow_delay = 0.5
    sim.set_fault("slow")
    with IdCardReader(sim.port, timeout=0.2) as reader, pytest.raises(ReaderTimeout):
        reader.self_check()


def test_slow_reader_within_timeout(sim, reader):
    sim.slow_delay = 0.1
    sim.set_fault("slow")
    sim.put_card()
    assert reader.read_card() == SYNTHETIC_CARDS[0]


def test_sam_failure(sim, reader):
    sim.put_card()
    sim.set_fault("sam_fail")
    assert reader.self_check() is False
    with pytest.raises(SamFault) as info:
        reader.read_card()
    assert info.value.sw3 == 0x60
    sim.set_fault(None)
    assert reader.self_check() is True


def test_sam_id_format(sim, reader):
    assert reader.sam_id() == "05.01-20240115-0011292549-2147484208"


def test_boot_delay_no_answer_then_ready(tmp_path):
    with IdCardSimulator(link_dir=str(tmp_path), boot_delay=0.6) as sim:
        with IdCardReader(sim.port, timeout=0.2) as reader:
            with pytest.raises(ReaderTimeout):
                reader.self_check()
            time.sleep(0.6)
            assert reader.self_check() is True


def test_missing_port_is_not_connected(tmp_path):
    reader = IdCardReader(str(tmp_path / "nothing"), timeout=0.2)
    with pytest.raises(ReaderNotConnected):
        reader.read_card()


def test_set_baudrate(sim, reader):
    reader.set_baudrate(57600)
    assert sim.baudrate == 57600 and reader.baudrate == 57600
    assert reader.self_check() is True
    with pytest.raises(ValueError):
        reader.set_baudrate(12345)


# ---------------------------------------------------------------- the simulator's status codes


def test_sim_sequencing_statuses(sim):
    assert raw_exchange(sim.port, build_frame(0x20, 0x01)).sw3 == 0x80  # no card
    assert raw_exchange(sim.port, build_frame(0x30, 0x01)).sw3 == 0x41  # read, nothing selected
    sim.put_card()
    assert raw_exchange(sim.port, build_frame(0x20, 0x02)).sw3 == 0x81  # select before find
    assert raw_exchange(sim.port, build_frame(0x30, 0x01)).sw3 == 0x41  # read unselected
    find = raw_exchange(sim.port, build_frame(0x20, 0x01))
    assert (find.sw3, find.data) == (0x9F, bytes(4))
    select = raw_exchange(sim.port, build_frame(0x20, 0x02))
    assert (select.sw3, select.data) == (0x90, bytes(8))
    assert raw_exchange(sim.port, build_frame(0x30, 0x03)).sw3 == 0x91  # no appended address
    read = raw_exchange(sim.port, build_frame(0x30, 0x10))  # base + fingerprint, none on the card
    assert read.sw3 == 0x90 and read.data[:6] == bytes.fromhex("010004000000") and len(read.data) == 6 + 1280


def test_sim_full_read_frame_is_1295_bytes(sim):
    sim.put_card()
    raw_exchange(sim.port, build_frame(0x20, 0x01))
    raw_exchange(sim.port, build_frame(0x20, 0x02))
    with serial.serial_for_url(sim.port, timeout=1.0) as ser:
        ser.write(build_frame(0x30, 0x01))
        frame = ser.read(1295)
    reply = parse_frame(frame)
    assert frame[:14] == bytes.fromhex("AAAAAA9669050800009001000400")
    assert reply.data[4 + 256 : 4 + 256 + 3] == b"WLf"


@pytest.mark.parametrize(
    "frame,sw3",
    [
        (bytes.fromhex("AAAAAA96690003200123"), 0x10),  # bad checksum
        (bytes.fromhex("AAAAAA96690001" "2001"), 0x11),  # length below CMD Para CHK
        (bytes.fromhex("AAAAAA96690005" "2001"), 0x11),  # announced length never arrives
        (build_frame(0x55, 0x01), 0x21),  # unknown command
        (build_frame(0x60, 0x09), 0x21),  # unknown baud parameter
        (build_frame(0x20, 0x01, b"\x00"), 0x21),  # data where none belongs
        (build_frame(0x11, 0xFF), 0x90),
        (build_frame(0x10, 0xFF), 0x90),
    ],
)
def test_sim_answers_bad_host_frames(sim, frame, sw3):
    assert raw_exchange(sim.port, frame).sw3 == sw3


def test_sim_rejects_unknown_fault(sim):
    with pytest.raises(ValueError):
        sim.set_fault("melted")


def test_the_demo_simulator_sleeps_while_idle_and_still_answers_at_once(tmp_path):
    """The demo's devices process runs it with DEMO_IDLE_WAIT: it woke 20 times a second for nothing."""
    from drivers.sim.idcard import DEMO_IDLE_WAIT

    sim = IdCardSimulator(baudrate=115200, link_dir=str(tmp_path), idle_wait=DEMO_IDLE_WAIT)
    sim.start()
    reader = IdCardReader(sim.port, timeout=1.0)
    try:
        assert reader.read_card() is None            # a poll: it answers
        before = sim.wakeups
        time.sleep(1.5)
        assert sim.wakeups - before <= 4, sim.wakeups - before
        start = time.monotonic()
        assert reader.read_card() is None            # asleep, it still answers the next poll at once
        assert time.monotonic() - start < 0.9
        sim.put_card()
        assert reader.read_card() is not None
        sim.unplug()                                 # calls into its thread wake it
        sim.replug()
    finally:
        reader.close()
        t = time.monotonic()
        sim.stop()
        assert time.monotonic() - t < 0.9
