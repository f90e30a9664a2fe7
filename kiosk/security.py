"""Staff PINs: salted scrypt hashes, lockouts that grow and survive restarts, staff sessions, `--set-pin`.

- Hash format (the config's security.*_pin_hash): ``scrypt$<n>$<r>$<p>$<salt_b64>$<hash_b64>``. The
  parameters a config may carry are bounded (SCRYPT_BOUNDS): a tampered or mistyped hash can neither make
  one attempt take minutes or gigabytes nor weaken the hash; such a hash is "unusable", never a match.
- PINs are 6 to 12 digits (PIN_MIN..PIN_MAX).
- One PinGate for the whole pad (not one per role), so guesses cannot alternate between roles to get
  twice the tries. Every `max_tries` (5) wrong PINs in a row lock the pad: 1 minute the first time, then
  twice as long for each further lockout (2, 4, 8, 16, 32 minutes), at most 1 hour. The count of wrong
  PINs goes back to 0 only on a right PIN, never when a lockout ends. The count and the lock end are kept
  in a small JSON file under the data directory, so a restart (or pulling the plug) does not reset them.
- Each lockout is handed to `on_lockout` (the app queues it in the outbox for the central API:
  POST /v1/terminals/{id}/events).
- Checking a PIN runs scrypt (tens of milliseconds to a second): callers on the UI thread hand
  `PinGate.try_pin` to the worker pool.
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
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kiosk.config_writer import atomic_write
from kiosk.logging_setup import audit

log = logging.getLogger(__name__)

ROLES = ("helper", "technician")
PIN_MIN, PIN_MAX = 6, 12
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
SALT_BYTES, KEY_BYTES = 16, 32
#: What a stored hash may ask for. At the top (n=2^16, r=8, p=2) one check needs 64 MiB and about half a
#: second on the terminal's CPU; below the bottom the hash would be cheaper to brute-force than ours.
SCRYPT_BOUNDS = {"n": (2**14, 2**16), "r": (8, 8), "p": (1, 2), "salt": (16, 64)}
_PIN = re.compile(rf"[0-9]{{{PIN_MIN},{PIN_MAX}}}", re.ASCII)  # used with fullmatch: "$" lets "\n" in


class PinPolicyError(ValueError):
    """A PIN that is not 6-12 digits."""

    def __init__(self) -> None:
        super().__init__(f"PIN must be {PIN_MIN} to {PIN_MAX} digits (PIN 须为 {PIN_MIN}-{PIN_MAX} 位数字)")


def check_pin_policy(pin: str) -> None:
    if not isinstance(pin, str) or not _PIN.fullmatch(pin):
        raise PinPolicyError()


class PinHashError(ValueError):
    """A stored hash that is malformed or asks for scrypt parameters outside SCRYPT_BOUNDS. The message
    names what is wrong, never the hash."""


@dataclass(frozen=True)
class PinHash:
    n: int
    r: int
    p: int
    salt: bytes
    key: bytes


def parse_pin_hash(stored: str) -> PinHash:
    """The parts of a stored hash, within SCRYPT_BOUNDS. Raises PinHashError."""
    try:
        scheme, n_s, r_s, p_s, salt_b64, key_b64 = stored.split("$")
        # int() alone would take "1_024", " 8" or 4,000-digit numbers: plain decimal digits only.
        if not all(re.fullmatch(r"[0-9]{1,10}", x) for x in (n_s, r_s, p_s)):
            raise ValueError("n, r and p must be plain numbers")
        n, r, p = int(n_s), int(r_s), int(p_s)
        salt = base64.b64decode(salt_b64, validate=True)
        key = base64.b64decode(key_b64, validate=True)
    except (ValueError, AttributeError) as e:
        # str(e) names the problem (unpacking, padding); int() cannot fail here and echo the input.
        raise PinHashError(f"not a scrypt$n$r$p$salt$hash string: {e}") from None
    if scheme != "scrypt":
        raise PinHashError("the scheme is not scrypt")
    b = SCRYPT_BOUNDS
    if not (b["n"][0] <= n <= b["n"][1] and n & (n - 1) == 0):
        raise PinHashError(f"scrypt n={n} is not a power of two in {b['n'][0]}..{b['n'][1]}")
    if not b["r"][0] <= r <= b["r"][1]:
        raise PinHashError(f"scrypt r={r} is outside {b['r'][0]}..{b['r'][1]}")
    if not b["p"][0] <= p <= b["p"][1]:
        raise PinHashError(f"scrypt p={p} is outside {b['p'][0]}..{b['p'][1]}")
    if not b["salt"][0] <= len(salt) <= b["salt"][1]:
        raise PinHashError(f"the salt is {len(salt)} bytes, not {b['salt'][0]}..{b['salt'][1]}")
    if len(key) != KEY_BYTES:
        raise PinHashError(f"the hash is {len(key)} bytes, not {KEY_BYTES}")
    return PinHash(n, r, p, salt, key)


def _scrypt(pin: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(pin.encode("ascii"), salt=salt, n=n, r=r, p=p, dklen=KEY_BYTES,
                          maxmem=128 * n * r * (p + 1) + (1 << 20))


def hash_pin(pin: str) -> str:
    """A new salted scrypt hash of pin, for the config file."""
    check_pin_policy(pin)
    salt = secrets.token_bytes(SALT_BYTES)
    key = _scrypt(pin, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    b64 = base64.b64encode
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${b64(salt).decode()}${b64(key).decode()}"


def _matches(pin: str, h: PinHash) -> bool:
    if not isinstance(pin, str) or not _PIN.fullmatch(pin):
        return False  # no scrypt for what cannot be a PIN
    return hmac.compare_digest(_scrypt(pin, h.salt, h.n, h.r, h.p), h.key)


def verify_pin(pin: str, stored: str) -> bool:
    """True if pin matches the stored hash (constant-time compare). An unusable hash never matches."""
    try:
        h = parse_pin_hash(stored)
    except PinHashError as e:
        log.warning("a staff PIN hash in the config is unusable (%s); no PIN can match it", e)
        return False
    return _matches(pin, h)


# ---------------------------------------------------------------- the PIN pad gate

OK, WRONG, LOCKED, NOT_SET, UNUSABLE = "ok", "wrong", "locked", "not_set", "unusable"


@dataclass(frozen=True)
class PinResult:
    outcome: str                    # "ok" | "wrong" | "locked" | "not_set" | "unusable"
    tries_left: int | None = None   # with "wrong"
    seconds_left: int | None = None  # with "locked"

    @property
    def ok(self) -> bool:
        return self.outcome == OK


@dataclass(frozen=True)
class Lockout:
    """A lockout that just began: the wrong PIN that caused it was entered for `role`."""

    role: str
    failures: int          # wrong PINs in a row since the last right one
    seconds: float         # length of this lockout
    at: float              # wall-clock time it began (epoch seconds)

    @property
    def locked_until(self) -> float:
        return self.at + self.seconds

    def event(self) -> dict[str, Any]:
        """The record for the central API (kiosk.api.models.SecurityEventCreate), checked here so a bad
        one fails now, not when the outbox sends it."""
        from kiosk.api.models import SecurityEventCreate

        def utc(t: float) -> datetime:
            return datetime.fromtimestamp(t, UTC)

        return SecurityEventCreate(kind="pin_lockout", role=self.role, failures=self.failures,
                                   locked_until=utc(self.locked_until), at=utc(self.at)).model_dump(mode="json")


def _up(seconds: float) -> int:
    return int(-(-seconds // 1))  # round up: "0 seconds left" while still locked would confuse


class PinGate:
    """Counts wrong PINs for the pad and locks it; state persisted in state_path (JSON)."""

    def __init__(self, state_path: str | os.PathLike, max_tries: int = 5, first_lockout: float = 60.0,
                 max_lockout: float = 3600.0, clock: Callable[[], float] = time.time,
                 on_lockout: Callable[[Lockout], None] | None = None) -> None:
        self.state_path = Path(state_path)
        self.max_tries = max_tries
        self.first_lockout, self.max_lockout = first_lockout, max_lockout
        self.on_lockout = on_lockout
        self.clock = clock  # wall clock: the lock end must mean the same after a restart (tests fix it)
        self._lock = threading.Lock()   # the count and the lock end
        self._turn = threading.Lock()   # one attempt at a time
        self._failures, self._locked_until = self._load()

    @classmethod
    def for_data_dir(cls, data_dir: str | os.PathLike, **kwargs: Any) -> PinGate:
        return cls(Path(data_dir) / "security" / "pin_gate.json", **kwargs)

    def lockout_seconds(self, nth: int) -> float:
        """Length of the nth lockout in a row (1, 2, ...): doubling from first_lockout, capped."""
        return min(self.max_lockout, self.first_lockout * 2 ** min(max(nth, 1) - 1, 32))

    # -- persistence

    def _load(self) -> tuple[int, float]:
        try:
            raw = self.state_path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return 0, 0.0
        except OSError as e:
            log.warning("PIN lockout state %s unreadable (%s): locking the pad", self.state_path, e)
            return self.max_tries, self.clock() + self.first_lockout
        try:
            doc = json.loads(raw)
            failures, until = int(doc["failures"]), float(doc["locked_until"])
            if failures < 0 or until != until:  # NaN
                raise ValueError("negative count or NaN")
        except (ValueError, KeyError, TypeError, OverflowError):
            # Fail closed: a damaged file must not hand out a fresh set of tries.
            log.warning("PIN lockout state %s damaged: locking the pad", self.state_path)
            return self.max_tries, self.clock() + self.first_lockout
        return failures, until

    def _save(self) -> None:
        self.state_path.parent.mkdir(parents=True, exist_ok=True)
        data = json.dumps({"failures": self._failures, "locked_until": self._locked_until}).encode()
        atomic_write(self.state_path, data)

    # -- queries

    @property
    def failures(self) -> int:
        """Wrong PINs in a row since the last right one."""
        return self._failures

    def seconds_locked(self) -> int:
        """Seconds until the pad opens again (0 = not locked)."""
        with self._lock:
            return self._seconds_left(self.clock())

    def _seconds_left(self, now: float) -> int:
        left = self._locked_until - now
        if left <= 0:
            return 0
        longest = self.lockout_seconds(self._failures // self.max_tries)
        if left > longest:
            # The wall clock went back (NTP fix after a dead RTC battery): never lock longer than this
            # lockout is long.
            self._locked_until = now + longest
            self._save()
            left = longest
        return _up(left)

    # -- the attempt

    def try_pin(self, role: str, pin: str, stored_hash: str) -> PinResult:
        """Check one PIN for role against stored_hash. Runs scrypt: not on the UI thread."""
        if role not in ROLES:
            raise ValueError(f"role must be one of {ROLES}, not {role!r}")
        # Attempts take turns (_turn) for the whole check; the state lock is held only around reads and
        # writes of the count, never during scrypt, so seconds_locked() on the UI thread never waits.
        with self._turn:
            with self._lock:
                left = self._seconds_left(self.clock())
            if left:
                audit(role, "pin_refused_locked", f"seconds_left={left}")
                return PinResult(LOCKED, seconds_left=left)
            if not stored_hash:
                audit(role, "pin_not_set")
                return PinResult(NOT_SET)
            try:
                h = parse_pin_hash(stored_hash)
            except PinHashError as e:
                # No PIN can open it: say so, and do not lock staff out for a technician's mistake.
                log.error("security.%s_pin_hash is unusable (%s): set it again with --set-pin", role, e)
                audit(role, "pin_hash_unusable")
                return PinResult(UNUSABLE)
            right = _matches(pin, h)
            with self._lock:
                if right:
                    if self._failures or self._locked_until:
                        self._failures, self._locked_until = 0, 0.0
                        self._save()
                    audit(role, "pin_ok")
                    return PinResult(OK)
                self._failures += 1
                if self._failures % self.max_tries:
                    self._save()
                    tries_left = self.max_tries - self._failures % self.max_tries
                    audit(role, "pin_wrong", f"tries_left={tries_left}")
                    return PinResult(WRONG, tries_left=tries_left)
                now = self.clock()
                seconds = self.lockout_seconds(self._failures // self.max_tries)
                self._locked_until = now + seconds
                self._save()
                lockout = Lockout(role, self._failures, seconds, now)
                audit(role, "pin_wrong_locked", f"seconds={_up(seconds)} failures={self._failures}")
        self._report(lockout)
        return PinResult(LOCKED, seconds_left=_up(lockout.seconds))

    def _report(self, lockout: Lockout) -> None:
        if self.on_lockout is None:
            return
        try:
            self.on_lockout(lockout)
        except Exception:  # the lock itself holds; only the report is lost, and the log says so
            log.exception("PIN lockout of the %s pad could not be reported", lockout.role)


SECURITY_EVENT_KIND = "security_event"  # the outbox kind (kiosk.api.client.OUTBOX_ROUTES)


def report_to_outbox(outbox: Callable[[], Any]) -> Callable[[Lockout], None]:
    """An `on_lockout` that queues the lockout for the central API. `outbox()` gives the Outbox (or None
    while the services are still starting); enqueue commits to disk before it returns."""

    def report(lockout: Lockout) -> None:
        box = outbox()
        if box is None:
            log.error("PIN lockout (%s, %d wrong PINs) not reported: no outbox", lockout.role, lockout.failures)
            return
        box.enqueue(SECURITY_EVENT_KIND, lockout.event())
        log.warning("PIN pad locked for %d s after %d wrong PINs (%s); queued for the central API",
                    _up(lockout.seconds), lockout.failures, lockout.role)

    return report


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
    first = _ask(f"New {role} PIN ({label} PIN, {PIN_MIN}-{PIN_MAX} digits / 位数字): ")
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
