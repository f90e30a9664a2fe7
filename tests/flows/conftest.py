"""Flows without a window: the real demo central API over HTTP on 127.0.0.1 (it is cheap), a
`ManualRunner` in place of the worker threads, and a fixed clock where business hours matter."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime

import pytest

from kiosk import hours
from kiosk.api import ApiClient
from kiosk.cache import CachedReference, ReferenceCache
from kiosk.config import Config
from kiosk.demo_api import DemoServer
from kiosk.flows.deps import FlowDeps
from kiosk.flows.runners import ManualRunner
from kiosk.outbox import Outbox

TOKEN = "flow-token"
OPEN = datetime(2026, 6, 1, 10, 0, tzinfo=hours.TZ)        # a Monday morning


@pytest.fixture(scope="session")
def server() -> Iterator[DemoServer]:
    srv = DemoServer(host="127.0.0.1", port=0, token=TOKEN)
    srv.start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def client(server: DemoServer) -> Iterator[ApiClient]:
    c = ApiClient(server.base_url, TOKEN, "FLOW-T01", connect_timeout=1.0, read_timeout=5.0, retries=0)
    try:
        yield c
    finally:
        c.close()


class Printed(list):
    """The slips a flow queued: (receipt, kind, summary)."""

    def __call__(self, receipt, kind, summary, on_queued=None):
        self.append((receipt, kind, summary))
        if on_queued is not None:
            on_queued(len(self))


@pytest.fixture
def deps(tmp_path, client) -> FlowDeps:
    finished: list = []
    d = FlowDeps(runner=ManualRunner(), cfg=Config.demo(str(tmp_path)), api=lambda: client,
                 reference=lambda: CachedReference(client, ReferenceCache(tmp_path / "cache")),
                 print_slip=Printed(), finish_transaction=finished.append, now=lambda: OPEN)
    d.finished = finished       # what the flow handed to 好差评
    return d


_terminals = itertools.count(1)


@pytest.fixture
def outbox(tmp_path, client, deps) -> Iterator[Outbox]:
    """A real outbox on a SQLite file, sending to the demo API when a test starts its sender; the
    flows reach it through deps.outbox(). Each gets its own terminal id: a fresh outbox counts
    tracking numbers from 1 on the same fixed day, and the session's demo API refuses a number twice."""
    box = Outbox(tmp_path / "outbox.sqlite", client.send_outbox, base_delay=0.05, max_delay=0.5)
    deps.cfg = replace(deps.cfg, terminal=replace(deps.cfg.terminal, id=f"FLOW-{next(_terminals):04d}"))
    deps.outbox = lambda: box
    try:
        yield box
    finally:
        box.close()
