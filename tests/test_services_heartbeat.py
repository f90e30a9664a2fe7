"""Services without a window: heartbeats arrive at the demo central API, and queued ones arrive after
an outage (the outbox keeps them)."""

import time

import pytest

import kiosk.services as services_module
from kiosk.config import Config
from kiosk.services import Services


def wait(pred, timeout=15.0):
    end = time.monotonic() + timeout
    while not pred():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.05)


@pytest.fixture
def services(tmp_path, monkeypatch):
    monkeypatch.setattr(services_module, "HEARTBEAT_INTERVAL", 0.3)
    svc = Services(Config.demo(str(tmp_path)))
    svc.start(post=lambda fn: fn())
    wait(svc.ready.is_set, 20)
    try:
        yield svc
    finally:
        svc.stop()


def test_heartbeats_arrive_with_device_states(services):
    server = services.demo.api_server
    wait(lambda: len(server.received("heartbeats")) >= 2)
    hb = server.received("heartbeats")[-1]
    body = hb if isinstance(hb, dict) else hb.__dict__
    text = str(body)
    assert "printer" in text and "reader" in text and "app_version" in text


def test_heartbeats_queued_while_offline_arrive_after(services):
    server = services.demo.api_server
    wait(lambda: len(server.received("heartbeats")) >= 1)
    server.faults.error_rate = 1.0
    time.sleep(1.0)
    before = len(server.received("heartbeats"))
    assert services.outbox.depth() >= 1          # kept while the API fails
    server.faults.reset()
    services.outbox.retry_now()
    wait(lambda: len(server.received("heartbeats")) > before)
    wait(lambda: services.outbox.depth() == 0)
