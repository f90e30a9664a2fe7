"""Fixtures of the API tests: a real demo server on 127.0.0.1 and a client for it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kiosk.api import ApiClient
from kiosk.demo_api import DemoServer

TOKEN = "test-token"
TERMINAL = "DDJ-T01"


@pytest.fixture
def server() -> Iterator[DemoServer]:
    srv = DemoServer(host="127.0.0.1", port=0, token=TOKEN, reply_delay=0.5)
    srv.start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def client(server: DemoServer) -> Iterator[ApiClient]:
    c = ApiClient(server.base_url, TOKEN, TERMINAL, connect_timeout=1.0, read_timeout=2.0, retries=2,
                  backoff_factor=0.01)
    try:
        yield c
    finally:
        c.close()
