"""Staff PINs: salted scrypt hashes, a lockout that survives restarts, staff sessions, `--set-pin`.

- Hash format (the config's security.*_pin_hash): ``scrypt$<n>$<r>$<p>$<salt_b64>$<hash_b64>``.
- One PinGate for the whole pad (not one per role), so guesses cannot alternate between roles to get
  twice the tries. After `max_tries` wrong PINs the pad is locked for `lockout_seconds`; the count and
  the lock end are kept in a small JSON file under the data directory, so a restart (or pulling the
  plug) does not reset them.
- Every attempt, entry and exit is an audit line (kiosk.logging_setup.audit). A PIN never is.
"""

from __future__ import annotations

import base64
import getpass
import hashlib
import hmac
import json
import logging
import os
import re
import secrets
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.config_writer import atomic_write
from kiosk.logging_setup import audit

log = logging.getLogger(__name__)

ROLES = ("helper", "technician")
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
SALT_BYTES, KEY_BYTES = 16, 32
_PIN = re.compile(r"^[0-9]{4,8}$")


class PinPolicyError(ValueError):
    """A PIN that is not 4-8 digits."""

    def __init__(self) -> None:
        super().__init__("PIN must be 4 to 8 digits (PIN 须为 4-8 位数字)")


def check_pin_policy(pin: str) -> None:
    if not isinstance(pin, str) or not _PIN.match(pin):
        raise PinPolicyError()


def _scrypt(pin: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(pin.encode("ascii"), salt=salt, n=n, r=r, p=p, dklen=KEY_BYTES,
                          maxmem=256 * n * r * p + (1 << 20))


def hash_pin(pin: str) -> str:
    """A new salted scrypt hash of pin, for the config file."""
    check_pin_policy(pin)
    salt = secrets.token_bytes(SALT_BYTES)
    key = _scrypt(pin, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    b64 = base64.b64encode
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${b64(salt).decode()}${b64(key).decode()}"


def verify_pin(pin: str, stored: str) -> bool:
    """True if pin matches the stored hash (constant-time compare). A malformed hash never matches."""
    try:
        scheme, n_s, r_s, p_s, salt_b64, key_b64 = stored.split("$")
        n, r, p = int(n_s), int(r_s), int(p_s)
        salt = base64.b64decode(salt_b64, validate=True)
        expected = base64.b64decode(key_b64, validate=True)
    except (ValueError, AttributeError):
        log.warning("a staff PIN hash in the config is malformed; no PIN can match it")
        return False
    # Bounds keep a tampered config from making one attempt take minutes or gigabytes.
    if scheme != "scrypt" or not (2 <= n <= 2**20 and n & (n - 1) == 0) or not (1 <= r <= 32) \
            or not (1 <= p <= 16) or not salt or not expected:
        log.warning("a staff PIN hash in the config has unusable parameters; no PIN can match it")
        return False
    if not isinstance(pin, str) or not _PIN.match(pin):
        return False
    actual = _scrypt(pin, salt, n, r, p)
    return len(actual) == len(expected) and hmac.compare_digest(actual, expected)


# ---------------------------------------------------------------- the PIN pad gate

OK, WRONG, LOCKED, NOT_SET = "ok", "wrong", "locked", "not_set"


@dataclass(frozen=True)
class PinResult:
    outcome: str                    # "ok" | "wrong" | "locked" | "not_set"
    tries_left: int | None = None   # with "wrong"
    seconds_left: int | None = None  # with "locked"

    @property
    def ok(self) -> bool:
        return self.outcome == OK


class PinGate:
    """Counts wrong PINs for the pad and locks it; state persisted in state_path (JSON)."""

    def __init__(self, state_path: str | os.PathLike, max_tries: int = 5, lockout_seconds: float = 300,
                 clock: Callable[[], float] = time.time) -> None:
        self.state_path = Path(state_path)
        self.max_tries = max_tries
        self.lockout_seconds = lockout_seconds
        self._clock = clock  # wall clock: the lock end must mean the same after a restart
        self._lock = threading.Lock()
        self._failures, self._locked_until = self._load()

    @classmethod
    def for_data_dir(cls, data_dir: str | os.PathLike, **kwargs: Any) -> PinGate:
        return cls(Path(data_dir) / "security" / "pin_gate.json", **kwargs)

    # -- persistence

    def _load(self) -> tuple[int, float]:
        try:
            raw = self.state_path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return 0, 0.0
        except OSError as e:
            log.warning("PIN lockout state %s unreadable (%s): locking the pad", self.state_path, e)
            return 0, self._clock() + self.lockout_seconds
        try:
            doc = json.loads(raw)
            failures, until = int(doc["failures"]), float(doc["locked_until"])
        except (ValueError, KeyError, TypeError):
            # Fail closed: a damaged file must not hand out a fresh set of tries.
            log.warning("PIN lockout state %s damaged: locking the pad", self.state_path)
            return 0, self._clock() + self.lockout_seconds
        return max(0, failures), until

    def _save(self) -> None:
        self.state_path.parent.mkdir(parents=True, exist_ok=True)
        data = json.dumps({"failures": self._failures, "locked_until": self._locked_until}).encode()
        atomic_write(self.state_path, data)

    # -- queries

    def seconds_locked(self) -> int:
        """Seconds until the pad opens again (0 = not locked)."""
        with self._lock:
            return self._seconds_left(self._clock())

    def _seconds_left(self, now: float) -> int:
        left = self._locked_until - now
        if left <= 0:
            return 0
        if left > self.lockout_seconds:
            # The wall clock went back (NTP fix after a dead RTC battery): never lock longer than asked.
            self._locked_until = now + self.lockout_seconds
            self._save()
            left = self.lockout_seconds
        return int(-(-left // 1))  # round up: "0 seconds left" while still locked would confuse

    # -- the attempt

    def try_pin(self, role: str, pin: str, stored_hash: str) -> PinResult:
        if role not in ROLES:
            raise ValueError(f"role must be one of {ROLES}, not {role!r}")
        with self._lock:
            now = self._clock()
            left = self._seconds_left(now)
            if left:
                audit(role, "pin_refused_locked", f"seconds_left={left}")
                return PinResult(LOCKED, seconds_left=left)
            if not stored_hash:
                audit(role, "pin_not_set")
                return PinResult(NOT_SET)
            if verify_pin(pin, stored_hash):
                if self._failures or self._locked_until:
                    self._failures, self._locked_until = 0, 0.0
                    self._save()
                audit(role, "pin_ok")
                return PinResult(OK)
            self._failures += 1
            if self._failures >= self.max_tries:
                self._failures = 0
                self._locked_until = now + self.lockout_seconds
                self._save()
                seconds = int(-(-self.lockout_seconds // 1))
                audit(role, "pin_wrong_locked", f"seconds={seconds}")
                return PinResult(LOCKED, seconds_left=seconds)
            self._save()
            tries_left = self.max_tries - self._failures
            audit(role, "pin_wrong", f"tries_left={tries_left}")
            return PinResult(WRONG, tries_left=tries_left)


def stored_hash(cfg: Any, role: str) -> str:
    """The configured hash for role ("" = not set)."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {ROLES}, not {role!r}")
    return getattr(cfg.security, f"{role}_pin_hash")


# ---------------------------------------------------------------- staff session


@dataclass
class StaffSession:
    """A helper or technician inside their mode. Leaves by itself after `idle_seconds` untouched."""

    role: str
    clock: Callable[[], float] = time.monotonic
    entered_at: float = field(default=0.0)
    last_touch: float = field(default=0.0)
    ended: bool = False

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"role must be one of {ROLES}, not {self.role!r}")
        self.entered_at = self.last_touch = self.clock()

    @classmethod
    def enter(cls, role: str, clock: Callable[[], float] = time.monotonic) -> StaffSession:
        s = cls(role, clock)
        audit(role, "enter")
        return s

    def touch(self) -> None:
        self.last_touch = self.clock()

    def expired(self, idle_seconds: float, now: float | None = None) -> bool:
        now = self.clock() if now is None else now
        return now - self.last_touch >= idle_seconds

    def action(self, what: str, detail: str = "") -> None:
        """An audit line for something staff did (reprint, port change, test print, export)."""
        self.touch()
        audit(self.role, what, detail)

    def exit(self, reason: str = "leave") -> None:
        """Leave the mode (reason: "leave", "idle", ...). Only the first call writes the audit line."""
        if self.ended:
            return
        self.ended = True
        audit(self.role, "exit", f"reason={reason} seconds={int(self.clock() - self.entered_at)}")


# ---------------------------------------------------------------- kiosk --set-pin


def _ask(prompt: str) -> str | None:
    """One PIN from the terminal without echo, or a line of stdin when it is not a terminal."""
    if sys.stdin is not None and sys.stdin.isatty():
        try:
            return getpass.getpass(prompt)
        except EOFError:
            return None
    print(prompt, end="", file=sys.stderr, flush=True)
    line = sys.stdin.readline() if sys.stdin is not None else ""
    if not line:
        return None
    return line.rstrip("\r\n")


def set_pin_interactive(cfg: Any, role: str) -> int:
    """`kiosk --config FILE --set-pin helper|technician`: 0 written, 1 bad input, 2 no config file."""
    from kiosk.config import ConfigError
    from kiosk.config_writer import set_config_value

    if role not in ROLES:
        print(f"kiosk: --set-pin takes {' or '.join(ROLES)}, not {role!r}", file=sys.stderr)
        return 1
    if not cfg.path:
        print("kiosk: --set-pin needs a config file to write to: kiosk --config FILE --set-pin "
              f"{role}  (demo mode has none / 演示模式没有配置文件)", file=sys.stderr)
        return 2
    label = "帮办" if role == "helper" else "技术员"
    first = _ask(f"New {role} PIN ({label} PIN, 4-8 digits): ")
    if first is None:
        print("kiosk: no PIN given; nothing written", file=sys.stderr)
        return 1
    try:
        check_pin_policy(first)
    except PinPolicyError as e:
        print(f"kiosk: {e}; nothing written", file=sys.stderr)
        return 1
    second = _ask(f"Repeat the {role} PIN (再输入一次): ")
    if second is None or not hmac.compare_digest(first.encode(), second.encode()):
        print("kiosk: the two PINs differ (两次输入不一致); nothing written", file=sys.stderr)
        return 1
    key = f"{role}_pin_hash"
    try:
        set_config_value(cfg.path, "security", key, hash_pin(first))
    except ConfigError as e:
        print(f"kiosk: config error: {e}; nothing written", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"kiosk: cannot write {cfg.path}: {e.strerror or e}; nothing written", file=sys.stderr)
        return 1
    audit(role, "pin_set", f"file={cfg.path}")
    print(f"wrote security.{key} in {cfg.path} (restart the kiosk to use it / 重启后生效)")
    return 0
