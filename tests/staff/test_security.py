"""PIN hashes and their bounds, the growing lockout (also across a restart), lockout reports, staff sessions."""

import base64
import json
import threading
from datetime import UTC, datetime

import pytest
from fixed_clock import FixedClock

from kiosk.api import ApiClient
from kiosk.demo_api import DemoServer
from kiosk.outbox import Outbox
from kiosk.security import (
    SCRYPT_BOUNDS,
    Lockout,
    PinGate,
    PinHashError,
    PinPolicyError,
    StaffSession,
    _scrypt,
    hash_pin,
    parse_pin_hash,
    report_to_outbox,
    verify_pin,
)

PIN, OTHER = "246813", "135790"


@pytest.fixture(scope="module")
def h():
    return hash_pin(PIN)


def make_hash(pin: str, n: int = 2**14, r: int = 8, p: int = 1, salt: bytes = b"s" * 16) -> str:
    key = _scrypt(pin, salt, n, r, p)
    return f"scrypt${n}${r}${p}${base64.b64encode(salt).decode()}${base64.b64encode(key).decode()}"


# ---------------------------------------------------------------- hashes and the policy


def test_hash_format_and_verify(h):
    scheme, n, r, p, salt, key = h.split("$")
    assert (scheme, n, r, p) == ("scrypt", "16384", "8", "1")
    assert len(salt) == 24 and len(key) == 44  # 16 and 32 bytes in base64
    assert verify_pin(PIN, h)
    assert not verify_pin("246814", h)
    assert not verify_pin(PIN + "0", h)


def test_same_pin_gets_a_new_salt_each_time(h):
    again = hash_pin(PIN)
    assert again != h and verify_pin(PIN, again)


@pytest.mark.parametrize("bad", ["", "1234", "12345", "1234567890123", "12a456", "12 3456", "１２３４５６",
                                 "-123456", "123456\n", "٣٣٣٣٣٣"])
def test_pin_policy_refuses(bad):
    with pytest.raises(PinPolicyError, match="6 to 12 digits"):
        hash_pin(bad)


@pytest.mark.parametrize("good", ["123456", "000000", "123456789012"])
def test_pin_policy_accepts_6_to_12_digits(good):
    assert verify_pin(good, hash_pin(good))


def test_a_hash_of_a_short_pin_from_before_no_longer_opens():
    old = make_hash("2468")  # --set-pin allowed 4 digits before
    assert not verify_pin("2468", old)


def test_hashes_at_the_edges_of_the_bounds_are_accepted():
    top = make_hash(PIN, n=SCRYPT_BOUNDS["n"][1], p=SCRYPT_BOUNDS["p"][1], salt=b"x" * 64)
    assert parse_pin_hash(top).n == 2**16
    assert verify_pin(PIN, top) and not verify_pin(OTHER, top)


@pytest.mark.parametrize("stored, reason", [
    ("", "not a scrypt"),
    ("plain123456", "not a scrypt"),
    ("scrypt$16384$8$1$!!$!!", "not a scrypt"),
    ("bcrypt$16384$8$1$" + "A" * 24 + "$" + "A" * 44, "not scrypt"),
    ("scrypt$8192$8$1$" + "A" * 24 + "$" + "A" * 44, "n=8192"),            # weaker than ours
    ("scrypt$131072$8$1$" + "A" * 24 + "$" + "A" * 44, "n=131072"),        # 128 MiB per try
    ("scrypt$1073741824$8$1$" + "A" * 24 + "$" + "A" * 44, "n=1073741824"),  # 128 GiB per try
    ("scrypt$24576$8$1$" + "A" * 24 + "$" + "A" * 44, "power of two"),
    ("scrypt$16384$16$1$" + "A" * 24 + "$" + "A" * 44, "r=16"),
    ("scrypt$16384$1$1$" + "A" * 24 + "$" + "A" * 44, "r=1"),
    ("scrypt$16384$8$16$" + "A" * 24 + "$" + "A" * 44, "p=16"),
    ("scrypt$16384$8$0$" + "A" * 24 + "$" + "A" * 44, "p=0"),
    ("scrypt$16_384$8$1$" + "A" * 24 + "$" + "A" * 44, "plain numbers"),
    ("scrypt$" + "9" * 5000 + "$8$1$" + "A" * 24 + "$" + "A" * 44, "plain numbers"),
    ("scrypt$16384$8$1$AAAAAAAAAAA=$" + "A" * 44, "salt is 8 bytes"),
    ("scrypt$16384$8$1$" + "A" * 24 + "$AAAA", "hash is 3 bytes"),
])
def test_unusable_hashes_are_named_and_never_match(stored, reason):
    with pytest.raises(PinHashError, match=reason) as info:
        parse_pin_hash(stored)
    assert "A" * 20 not in str(info.value)  # the message names the problem, not the hash
    assert verify_pin(PIN, stored) is False


# ---------------------------------------------------------------- the gate


def test_right_pin_opens_and_is_audited_without_the_pin(tmp_path, h, audit_lines):
    gate = PinGate(tmp_path / "gate.json")
    res = gate.try_pin("helper", PIN, h)
    assert res.ok and res.outcome == "ok"
    assert any("role=helper action=pin_ok" in line for line in audit_lines())
    assert not any(PIN in line for line in audit_lines())


def test_not_set(tmp_path, audit_lines):
    res = PinGate(tmp_path / "gate.json").try_pin("technician", PIN, "")
    assert res.outcome == "not_set" and not res.ok
    assert any("role=technician action=pin_not_set" in line for line in audit_lines())


def test_unusable_hash_is_said_and_costs_no_tries(tmp_path, audit_lines):
    gate = PinGate(tmp_path / "gate.json", clock=FixedClock())
    for _ in range(7):
        assert gate.try_pin("helper", PIN, "scrypt$2$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAA").outcome == "unusable"
    assert gate.failures == 0 and gate.seconds_locked() == 0
    assert any("role=helper action=pin_hash_unusable" in line for line in audit_lines())


def test_lockouts_grow_and_the_count_survives_them_and_restarts(tmp_path, h, audit_lines):
    clock = FixedClock()
    reports: list[Lockout] = []
    state = tmp_path / "data" / "security" / "gate.json"
    gate = PinGate(state, clock=clock, on_lockout=reports.append)
    results = [gate.try_pin("helper", "111111", h) for _ in range(4)]
    assert [r.outcome for r in results] == ["wrong"] * 4
    assert [r.tries_left for r in results] == [4, 3, 2, 1]
    fifth = gate.try_pin("helper", "111111", h)
    assert fifth.outcome == "locked" and fifth.seconds_left == 60
    assert reports == [Lockout("helper", 5, 60.0, clock.t)]

    # Even the right PIN is refused while locked, for the other role too (one gate for the pad).
    clock.t += 10
    assert gate.try_pin("technician", PIN, h).outcome == "locked"

    # Restart: a new gate from the same file is still locked, with the time that is really left.
    clock.t += 20
    gate = PinGate(state, clock=clock, on_lockout=reports.append)
    assert gate.try_pin("helper", PIN, h).seconds_left == 30
    assert gate.seconds_locked() == 30

    # The lock ends, the count does not: 5 more wrong PINs, and the next lockout is twice as long,
    # also when the restart came in the middle of the five.
    expected = [60, 120, 240, 480, 960, 1920, 3600, 3600]
    for nth, seconds in enumerate(expected[1:], start=2):
        clock.t += gate.seconds_locked()
        for i in range(5):
            if i == 2:
                gate = PinGate(state, clock=clock, on_lockout=reports.append)
            res = gate.try_pin("technician" if i % 2 else "helper", "000000", h)
        assert (res.outcome, res.seconds_left) == ("locked", seconds), nth
        assert gate.failures == 5 * nth
    assert [r.seconds for r in reports] == expected
    assert [r.failures for r in reports] == [5 * k for k in range(1, 9)]
    assert json.loads(state.read_text()) == {"failures": 40, "locked_until": clock.t + 3600}

    # Only a right PIN resets it.
    clock.t += 3600
    assert gate.try_pin("helper", PIN, h).ok
    assert json.loads(state.read_text()) == {"failures": 0, "locked_until": 0.0}
    assert gate.try_pin("helper", "000000", h).tries_left == 4

    lines = audit_lines()
    assert any("action=pin_wrong_locked detail=seconds=60 failures=5" in line for line in lines)
    assert any("action=pin_wrong_locked detail=seconds=3600 failures=40" in line for line in lines)
    assert any("role=technician action=pin_refused_locked" in line for line in lines)
    assert not any(PIN in line or "111111" in line or "000000" in line for line in lines)


def test_asking_whether_the_pad_is_locked_never_waits_for_a_check_in_progress(tmp_path, h):
    started, release = threading.Event(), threading.Event()

    class HeldPin(str):
        """A PIN whose scrypt input is handed over only when the test says so."""

        def encode(self, *args, **kwargs):
            started.set()
            assert release.wait(10)
            return str(self).encode(*args, **kwargs)

    gate = PinGate(tmp_path / "gate.json", clock=FixedClock())
    results = []
    worker = threading.Thread(target=lambda: results.append(gate.try_pin("helper", HeldPin(PIN), h)))
    worker.start()
    try:
        assert started.wait(10)
        asked = []
        ui = threading.Thread(target=lambda: asked.append(gate.seconds_locked()))
        ui.start()
        ui.join(5)           # a bound on a deadlock, not a timing: it answers at once or never
        assert asked == [0]
    finally:
        release.set()
        worker.join(10)
    assert results[0].ok


def test_state_file_of_the_previous_version_is_read(tmp_path, h):
    clock = FixedClock()
    state = tmp_path / "gate.json"
    state.write_text(json.dumps({"failures": 3, "locked_until": 0.0}))
    gate = PinGate(state, clock=clock)
    assert gate.try_pin("helper", "000000", h).tries_left == 1
    assert gate.try_pin("helper", "000000", h).outcome == "locked"


@pytest.mark.parametrize("text", ["{not json", '{"failures": -1, "locked_until": 0}', '{"failures": 1}',
                                  '{"failures": 1, "locked_until": NaN}', "[]"])
def test_damaged_state_file_fails_closed(tmp_path, h, text):
    state = tmp_path / "gate.json"
    state.write_text(text)
    clock = FixedClock()
    gate = PinGate(state, clock=clock)
    res = gate.try_pin("helper", PIN, h)
    assert res.outcome == "locked" and res.seconds_left == 60
    clock.t += 60
    assert gate.try_pin("helper", PIN, h).ok


def test_clock_set_back_never_locks_longer_than_the_lockout(tmp_path, h):
    clock = FixedClock()
    state = tmp_path / "gate.json"
    gate = PinGate(state, clock=clock)
    for _ in range(10):  # the second lockout: 120 s
        clock.t += gate.seconds_locked()
        gate.try_pin("helper", "000000", h)
    clock.t -= 86400  # the RTC was a day ahead; NTP corrects it
    assert PinGate(state, clock=clock).seconds_locked() == 120


def test_state_file_is_replaced_not_rewritten_in_place(tmp_path, h):
    state = tmp_path / "gate.json"
    gate = PinGate(state, clock=FixedClock())
    gate.try_pin("helper", "000000", h)
    inode = state.stat().st_ino
    gate.try_pin("helper", "000000", h)
    assert state.stat().st_ino != inode  # temp file + os.replace
    assert json.loads(state.read_text())["failures"] == 2
    assert [p.name for p in tmp_path.iterdir()] == ["gate.json"]  # no temp files left


def test_a_report_that_fails_does_not_open_the_pad(tmp_path, h, caplog):
    def broken(_lockout):
        raise OSError("disk full")

    gate = PinGate(tmp_path / "gate.json", clock=FixedClock(), on_lockout=broken)
    for _ in range(5):
        res = gate.try_pin("helper", "000000", h)
    assert res.outcome == "locked" and gate.seconds_locked() == 60
    assert "could not be reported" in caplog.text


def test_lockout_event_fits_the_contract():
    event = Lockout("technician", 10, 120.0, 1_700_000_000.0).event()
    assert event == {"kind": "pin_lockout", "role": "technician", "failures": 10,
                     "locked_until": "2023-11-14T22:15:20Z", "at": "2023-11-14T22:13:20Z"}


def test_each_lockout_reaches_the_central_api_through_the_outbox(tmp_path, h):
    clock = FixedClock()
    with DemoServer(token="t") as server, ApiClient(server.base_url, "t", "DDJ-T01") as api:
        outbox = Outbox(tmp_path / "outbox.sqlite", api.send_outbox)
        try:
            gate = PinGate(tmp_path / "gate.json", clock=clock, on_lockout=report_to_outbox(lambda: outbox))
            for _ in range(5):
                gate.try_pin("helper", "000000", h)
            clock.t += 60
            for _ in range(5):
                gate.try_pin("technician", "000000", h)
            assert outbox.depth() == 2  # stored before anything is sent
            outbox.start()
            assert outbox.flush(10)
        finally:
            outbox.close()
        got = server.received("security_events")
    assert [(e["terminal_id"], e["kind"], e["role"], e["failures"]) for e in got] == [
        ("DDJ-T01", "pin_lockout", "helper", 5), ("DDJ-T01", "pin_lockout", "technician", 10)]
    first_at = datetime.fromtimestamp(FixedClock().t, UTC)
    assert datetime.fromisoformat(got[0]["at"]) == first_at
    assert (datetime.fromisoformat(got[1]["locked_until"]) - first_at).total_seconds() == 60 + 120


def test_without_an_outbox_the_lockout_is_logged(tmp_path, h, caplog):
    gate = PinGate(tmp_path / "gate.json", clock=FixedClock(), on_lockout=report_to_outbox(lambda: None))
    for _ in range(5):
        gate.try_pin("helper", "000000", h)
    assert "not reported: no outbox" in caplog.text and gate.seconds_locked() == 60


# ---------------------------------------------------------------- staff session


def test_staff_session_idle_and_audit(audit_lines):
    clock = FixedClock(100.0)
    s = StaffSession.enter("technician", clock=clock)
    assert s.entered_at == 100.0
    clock.t = 350.0
    assert not s.expired(300)
    s.action("port_change", "printer.port=/dev/ttyUSB1")
    clock.t = 640.0
    assert not s.expired(300)
    assert s.expired(300, now=650.0)
    s.touch()
    assert not s.expired(300, now=650.0)
    s.exit("idle")
    s.exit("leave")  # second exit writes nothing
    lines = [line for line in audit_lines() if "role=technician" in line]
    assert lines[0] == "role=technician action=enter"
    assert "action=port_change detail=printer.port=/dev/ttyUSB1" in lines[1]
    assert lines[2] == "role=technician action=exit detail=reason=idle seconds=540"
    assert len(lines) == 3


def test_staff_session_rejects_unknown_role():
    with pytest.raises(ValueError):
        StaffSession("citizen")
