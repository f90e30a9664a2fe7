"""What a flow may reach: the small set of services the app hands every flow.

The API client, the reference cache and the outbox start after the first frame (and may be missing on
a terminal whose API is not configured), so they are reached through functions that may answer None;
a flow says "not available" in words instead of failing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from kiosk import hours
from kiosk.announcer import Announcer
from kiosk.config import Config
from kiosk.flows.base import Runner
from kiosk.session import Session, Transaction


def _none() -> None:
    return None


def _now() -> datetime:
    return hours.now()      # looked up at each call, so a test that replaces hours.now is obeyed


@dataclass
class FlowDeps:
    runner: Runner
    cfg: Config
    session: Session = field(default_factory=Session)
    api: Callable[[], Any] = _none            # kiosk.api.ApiClient | None
    reference: Callable[[], Any] = _none      # kiosk.cache.ReferenceCache | None
    outbox: Callable[[], Any] = _none         # kiosk.outbox.Outbox | None
    print_queue: Callable[[], Any] = _none    # kiosk.print_queue.PrintQueue | None
    a4: Callable[[], Any] = _none             # drivers.a4.A4Printer | None (kiosk.a4.open_a4); blocking calls
    services: Callable[[], Any] = _none       # kiosk.services.Services | None (the technician's tools)
    #: print_slip(receipt, kind, summary, on_queued): queue a receipt; on_queued(job_id) once queued.
    print_slip: Callable[..., None] = lambda *a, **k: None
    #: A transaction is done: the app records it and opens 好差评.
    finish_transaction: Callable[[Transaction], None] = lambda tx: None
    now: Callable[[], datetime] = _now
    #: What the kiosk says (voice prompts for the next step, the ticket number, results in general words).
    announcer: Announcer = field(default_factory=Announcer)
    #: audit(what, detail): a staff action for the audit log (kiosk.security.StaffSession.action).
    audit: Callable[[str, str], None] = lambda what, detail="": None
    #: Ends the citizen's session and wipes every screen but the one asking (帮办模式 stays).
    end_citizen_session: Callable[[], None] = lambda: None
    #: "" | "helper" | "technician": what the person at the terminal may do (a helper may type ID numbers).
    staff_mode: Callable[[], str] = lambda: ""
    #: The ID-card reader can read a card now; and how many cards it found but could not read so far.
    reader_ok: Callable[[], bool] = lambda: True
    card_read_failures: Callable[[], int] = lambda: 0
    #: The receipt printer can print now (a queue ticket is taken only then).
    printer_ok: Callable[[], bool] = lambda: True
    #: 长辈模式 is on: timed steps wait twice as long.
    elder: Callable[[], bool] = lambda: False
