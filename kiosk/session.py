"""The citizen's session: everything personal lives here, in memory only, and is wiped at its end.

A session starts at the first touch or card read and ends at "完成", the idle timeout (after the
countdown), going home, or removal of the card for identity-bound views. After `end()` no identity,
form or result is reachable from this object.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)


def _new_id() -> str:
    """Twelve hex digits from the system's randomness, as uuid4().hex[:12] gave; importing uuid (and the
    platform module it pulls in) was ~2 ms of the start before the first frame."""
    return os.urandom(6).hex()


@dataclass
class Transaction:
    """A finished transaction the citizen may evaluate (好差评): one per ticket, case view, feedback."""

    kind: str                   # "ticket" | "case" | "feedback" | ...
    reference: str              # ticket number, case number, tracking number
    service_code: str = ""
    service_name: str = ""
    evaluated: bool = False


@dataclass
class Session:
    id: str = field(default_factory=_new_id)
    started_at: float = field(default_factory=time.monotonic)
    identity: Any = None                  # drivers.idcard.IdentityCard from the reader
    manual_id_number: str | None = None   # typed on the keypad when the citizen has no card with them
    data: dict[str, Any] = field(default_factory=dict)   # forms and results, per screen
    transactions: list[Transaction] = field(default_factory=list)
    active: bool = False

    def touch(self) -> None:
        if not self.active:
            self.active = True
            self.started_at = time.monotonic()
            log.info("session %s started", self.id)

    def set_identity(self, card: Any) -> None:
        self.touch()
        self.identity = card

    @property
    def id_number(self) -> str | None:
        if self.identity is not None:
            return getattr(self.identity, "id_number", None)
        return self.manual_id_number

    def clear_identity(self) -> None:
        self.identity = None
        self.manual_id_number = None
        for key in [k for k in self.data if k.startswith("identity:")]:
            del self.data[key]

    def add_transaction(self, tx: Transaction) -> None:
        self.touch()
        self.transactions.append(tx)

    def end(self, reason: str) -> None:
        """Wipe everything personal. Safe to call twice."""
        if self.active:
            log.info("session %s ended (%s) after %.0f s", self.id, reason, time.monotonic() - self.started_at)
        self.identity = None
        self.manual_id_number = None
        self.data.clear()
        self.transactions.clear()
        self.active = False
        self.id = _new_id()


def idle_seconds(kind: str, elder: bool, menu: float, form: float) -> float:
    """Idle time before the countdown: per screen kind, doubled in elder mode."""
    base = form if kind == "form" else menu
    return base * (2 if elder else 1)
