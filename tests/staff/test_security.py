"""PIN hashes, the lockout gate (also across a restart), staff sessions and their audit lines."""

import json

import pytest

from kiosk.security import (
    PinGate,
    PinPolicyError,
    StaffSession,
    hash_pin,
    verify_pin,
)


class FakeClock:
    def __init__(self, t=1_700_000_000.0):
        self.t = t

    def __call__(self):
        return self.t


@pytest.fixture(scope="module")
def h2468():
    return hash_pin("2468")


def test_hash_format_and_verify(h2468):
    scheme, n, r, p, salt, key = h2468.split("$")
    assert (scheme, n, r, p) == ("scrypt", "16384", "8", "1")
    assert len(salt) == 24 and len(key) == 44  # 16 and 32 bytes in base64
    assert verify_pin("2468", h2468)
    assert not verify_pin("2469", h2468)
    assert not verify_pin("24680", h2468)


def test_same_pin_gets_a_new_salt_each_time(h2468):
    again = hash_pin("2468")
    assert again != h2468 and verify_pin("2468", again)


@pytest.mark.parametrize("bad", ["", "123", "123456789", "12a4", "12 34", "１２３４", "-1234"])
def test_pin_policy(bad):
    with pytest.raises(PinPolicyError):
        hash_pin(bad)


@pytest.mark.parametrize("stored", ["", "plain1234", "scrypt$16384$8$1$!!$!!", "bcrypt$1$2$3$AAAA$AAAA",
                                    "scrypt$3$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAA",
                                    "scrypt$1073741824$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAA"])
def test_malformed_hash_never_matches(stored):
    assert verify_pin("1234", stored) is False


def test_right_pin_opens_and_is_audited_without_the_pin(tmp_path, h2468, audit_lines):
    gate = PinGate(tmp_path / "gate.json")
    res = gate.try_pin("helper", "2468", h2468)
    assert res.ok and res.outcome == "ok"
    assert any("role=helper action=pin_ok" in line for line in audit_lines())
    assert not any("2468" in line for line in audit_lines())


def test_not_set(tmp_path, audit_lines):
    res = PinGate(tmp_path / "gate.json").try_pin("technician", "1234", "")
    assert res.outcome == "not_set" and not res.ok
    assert any("role=technician action=pin_not_set" in line for line in audit_lines())


def test_five_wrong_lock_the_pad_across_a_restart_and_open_after_five_minutes(tmp_path, h2468, audit_lines):
    clock = FakeClock()
    state = tmp_path / "data" / "security" / "gate.json"
    gate = PinGate(state, clock=clock)
    results = [gate.try_pin("helper", "1111", h2468) for _ in range(4)]
    assert [r.outcome for r in results] == ["wrong"] * 4
    assert [r.tries_left for r in results] == [4, 3, 2, 1]
    fifth = gate.try_pin("helper", "1111", h2468)
    assert fifth.outcome == "locked" and fifth.seconds_left == 300

    # Even the right PIN is refused while locked, for the other role too (one gate for the pad).
    clock.t += 10
    assert gate.try_pin("technician", "2468", h2468).outcome == "locked"

    # Restart: a new gate from the same file is still locked, with the time that is really left.
    clock.t += 100
    restarted = PinGate(state, clock=clock)
    res = restarted.try_pin("helper", "2468", h2468)
    assert res.outcome == "locked" and res.seconds_left == 190
    assert restarted.seconds_locked() == 190

    clock.t += 190
    assert restarted.seconds_locked() == 0
    assert restarted.try_pin("helper", "2468", h2468).ok
    assert json.loads(state.read_text()) == {"failures": 0, "locked_until": 0.0}

    lines = audit_lines()
    assert sum("action=pin_wrong " in line for line in lines) == 4
    assert any("action=pin_wrong_locked" in line for line in lines)
    assert any("role=technician action=pin_refused_locked" in line for line in lines)
    assert not any("2468" in line or "1111" in line for line in lines)


def test_failures_count_across_restart_and_roles(tmp_path, h2468):
    clock = FakeClock()
    state = tmp_path / "gate.json"
    gate = PinGate(state, clock=clock)
    for _ in range(3):
        gate.try_pin("helper", "0000", h2468)
    gate2 = PinGate(state, clock=clock)
    assert gate2.try_pin("technician", "0000", h2468).tries_left == 1
    assert gate2.try_pin("helper", "0000", h2468).outcome == "locked"


def test_right_pin_resets_the_count(tmp_path, h2468):
    gate = PinGate(tmp_path / "gate.json", clock=FakeClock())
    for _ in range(4):
        gate.try_pin("helper", "0000", h2468)
    assert gate.try_pin("helper", "2468", h2468).ok
    assert gate.try_pin("helper", "0000", h2468).tries_left == 4


def test_damaged_state_file_fails_closed(tmp_path, h2468):
    state = tmp_path / "gate.json"
    state.write_text("{not json")
    res = PinGate(state, clock=FakeClock()).try_pin("helper", "2468", h2468)
    assert res.outcome == "locked" and res.seconds_left == 300


def test_clock_set_back_never_locks_longer_than_the_lockout(tmp_path, h2468):
    clock = FakeClock()
    state = tmp_path / "gate.json"
    gate = PinGate(state, clock=clock)
    for _ in range(5):
        gate.try_pin("helper", "0000", h2468)
    clock.t -= 86400  # the RTC was a day ahead; NTP corrects it
    assert PinGate(state, clock=clock).seconds_locked() == 300


def test_state_file_is_replaced_not_rewritten_in_place(tmp_path, h2468):
    state = tmp_path / "gate.json"
    gate = PinGate(state, clock=FakeClock())
    gate.try_pin("helper", "0000", h2468)
    inode = state.stat().st_ino
    gate.try_pin("helper", "0000", h2468)
    assert state.stat().st_ino != inode  # temp file + os.replace
    assert json.loads(state.read_text())["failures"] == 2
    assert [p.name for p in tmp_path.iterdir()] == ["gate.json"]  # no temp files left


def test_staff_session_idle_and_audit(audit_lines):
    clock = FakeClock(100.0)
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
