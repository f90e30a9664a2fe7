"""Fuzzing the printer's input edges: DLE EOT status replies and the simulator's ESC/POS decoder.

Status replies are fuzzed twice: through the pure parser (check_reply / parse) and through the real
driver path, ReceiptPrinter.status() on a pseudo-terminal whose other end answers every query with
arbitrary bytes. Only a PrinterStatus or a named error may come out, and nothing may hang.
"""

from __future__ import annotations

import os
import pty
import select
import threading
import tty

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drivers.printer import InvalidStatusByte, PrinterError, PrinterStatus, ReceiptPrinter
from drivers.printer import status as status_mod
from drivers.printer.driver import raise_for_status
from drivers.sim.printer.decoder import EscPosDecoder, Event
from drivers.sim.printer.render import JobRenderer

pytestmark = pytest.mark.timeout(120)

FUZZ = settings(deadline=None, max_examples=150, suppress_health_check=[HealthCheck.too_slow])


def _first_status_bytes(stream: bytes, k: int) -> list[int]:
    """What an honest reader finds: the first k bytes of the stream with the fixed status pattern."""
    return [b for b in stream if (b & 0x93) == 0x12][:k]


# -- pure parser ----------------------------------------------------------------------------------

@FUZZ
@given(st.integers(1, 4), st.binary(max_size=8))
def test_check_reply_returns_the_byte_or_raises_invalid_status_byte(n, reply):
    try:
        got = status_mod.check_reply(n, reply)
    except InvalidStatusByte as e:
        assert e.n == n
        assert not (len(reply) == 1 and (reply[0] & 0x93) == 0x12)
    else:
        assert len(reply) == 1 and got == reply[0] and (got & 0x93) == 0x12


@FUZZ
@given(st.dictionaries(st.integers(1, 4), st.one_of(st.none(), st.integers(0, 255))))
def test_parse_gives_a_status_or_invalid_status_byte(replies):
    bad = [b for b in replies.values() if b is not None and (b & 0x93) != 0x12]
    try:
        s = status_mod.parse(replies)
    except InvalidStatusByte as e:
        assert bad and e.value in bad
        return
    assert not bad
    assert isinstance(s, PrinterStatus)
    assert s.paper in status_mod.PAPER_STATES
    # a status never claims "ready" from a missing answer
    if s.ready:
        assert all(replies.get(n) is not None for n in (1, 2, 3, 4))
    try:
        raise_for_status(s, "fuzz")
    except PrinterError:
        assert not s.ready
    else:
        assert s.ready


# -- the real driver path over a pseudo-terminal ---------------------------------------------------

class ScriptedPrinter:
    """The far end of a pty: answers the k-th DLE EOT query with script[k] (any bytes), then silence."""

    def __init__(self, script: list[bytes]) -> None:
        self.script = list(script)
        self.master, self.slave = pty.openpty()
        tty.setraw(self.slave)
        self.port = os.ttyname(self.slave)
        self.sent = bytearray()  # everything written towards the driver
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="scripted-printer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        pending = bytearray()
        while not self._stop.is_set():
            r, _, _ = select.select([self.master], [], [], 0.02)
            if not r:
                continue
            try:
                pending += os.read(self.master, 64)
            except OSError:
                return
            while len(pending) >= 3:
                if pending[0] == 0x10 and pending[1] == 0x04:
                    del pending[:3]
                    if self.script:
                        reply = self.script.pop(0)
                        self.sent += reply
                        os.write(self.master, reply)
                else:
                    del pending[:1]

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        for fd in (self.master, self.slave):
            os.close(fd)


@settings(deadline=None, max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.binary(max_size=6), max_size=5))
def test_driver_status_on_arbitrary_reply_bytes(script):
    far = ScriptedPrinter(script)
    printer = ReceiptPrinter(far.port, baudrate=115200)
    try:
        try:
            s = printer.status(budget=0.15)
        except PrinterError:
            return  # a named error (NotConnected) is an allowed answer
        stream = bytes(far.sent)
    finally:
        printer.close()
        far.close()
    assert isinstance(s, PrinterStatus)
    # Whatever garbage surrounds them, the status is built from the first valid bytes, in order
    # (fewer of them if the budget ran out first), never from garbage.
    valid = _first_status_bytes(stream, 4)
    allowed = [status_mod.UNKNOWN] + [
        status_mod.parse({n: valid[n - 1] if n <= k else None for n in (1, 2, 3, 4)})
        for k in range(1, len(valid) + 1)
    ]
    assert s in allowed, (s, stream.hex(" "))


# -- the simulator's ESC/POS decoder and job renderer ----------------------------------------------

def _raster(xbytes: int, rows: int, fill: bytes) -> bytes:
    return bytes((0x1D, 0x76, 0x30, 0, xbytes, 0, rows, 0)) + (fill * (xbytes * rows))[: xbytes * rows]


def _gs_paren(sub: int, body: bytes) -> bytes:
    return bytes((0x1D, 0x28, sub, len(body) & 0xFF, len(body) >> 8)) + body


# Well-formed commands with arbitrary parameters: random bytes alone rarely complete a raster or QR.
ESCPOS_COMMANDS = st.one_of(
    st.builds(_raster, st.integers(0, 4), st.integers(0, 6), st.binary(min_size=1, max_size=3)),
    st.builds(lambda fn, arg: _gs_paren(0x6B, bytes((0x31, fn)) + arg),
              st.sampled_from([0x41, 0x43, 0x45, 0x50, 0x51]), st.binary(max_size=20)),
    st.builds(lambda m, data: bytes((0x1D, 0x6B, m, len(data))) + data, st.integers(65, 255), st.binary(max_size=12)),
    st.builds(lambda m, data: bytes((0x1D, 0x6B, m)) + data.replace(b"\0", b"") + b"\0",
              st.integers(0, 6), st.binary(max_size=12)),
    st.builds(lambda c, n: bytes((0x1D, c, n)), st.sampled_from([0x21, 0x68, 0x77, 0x48, 0x66]), st.integers(0, 255)),
    st.builds(lambda c, n: bytes((0x1B, c, n)), st.sampled_from([0x61, 0x45, 0x64, 0x21]), st.integers(0, 255)),
)

ESCPOS_PIECES = st.one_of(
    st.binary(max_size=12),
    ESCPOS_COMMANDS,
    st.sampled_from([b"\x1b@", b"\x1c&", b"\x1c.", b"\x1dV\x00", b"\x1dVA\x03", b"\x10\x04\x01",
                     b"\x1d(k", b"\x1dk\x04", b"\x1dkI\x05", b"\x1dv0\x00", b"\x1d!", b"\x1ba"]),
    st.text(max_size=6).map(lambda t: t.encode("gbk", "replace")),
)


@FUZZ
@given(st.lists(ESCPOS_PIECES, max_size=12), st.integers(1, 9))
def test_decoder_takes_any_bytes_in_any_split(pieces, split):
    data = b"".join(pieces)
    whole = EscPosDecoder()
    events = whole.feed(data)
    assert all(isinstance(e, Event) and e.raw for e in events)
    # lossless: every byte is in an event, a dropped CR, or kept for the next feed
    kept = b"".join(e.raw for e in events) + bytes(whole.buf)
    assert kept.replace(b"\r", b"") == data.replace(b"\r", b"")
    pieced = EscPosDecoder()
    split_events = []
    for i in range(0, len(data), split):
        split_events += pieced.feed(data[i : i + split])
    assert b"".join(e.raw for e in split_events) == b"".join(e.raw for e in events)
    assert bytes(pieced.buf) == bytes(whole.buf)


@FUZZ
@given(st.lists(ESCPOS_PIECES, max_size=12))
def test_renderer_takes_any_decoded_job(pieces):
    """The simulator renders every job it completes; garbage in a job must not kill its thread."""
    events = EscPosDecoder().feed(b"".join(pieces) + b"\x1dV\x00")
    r = JobRenderer(576)
    for e in events:
        r.event(e.name, e.args)
    transcript = r.transcript()
    if events and events[-1].name == "cut":
        assert transcript.endswith("CUT]\n") or transcript.endswith("CUT partial]\n")
    assert r.image().width == 576


def test_sim_survives_a_job_with_an_unprintable_barcode(sim, printer):
    """Found by test_renderer_takes_any_decoded_job: an empty or non-ASCII GS k barcode killed the
    simulator's thread, so every later status query went unanswered."""
    printer.send_raw(b"\x1b@\x1dk\x04\x00\x1dV\x00")
    printer.send_raw(b"\x1b@\x1dk\x04\xa8\xb9\x00\x1dV\x00")
    assert sim.wait_for_jobs(2, 5)
    assert "[BARCODE? ]" in sim.jobs[0].transcript
    assert printer.status(budget=2.0).ready
