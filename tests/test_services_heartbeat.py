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
    svc = Services(Config.demo(str(tmp_path)), demo_in_process=True)
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
    # Demo mode says so to the center, so a demo is never counted as a terminal serving citizens.
    assert body["demo"] is True


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


def test_a_failed_lookup_marks_the_api_down_at_once_and_a_success_brings_it_back(services, monkeypatch):
    """The banner and the technician's screen follow real traffic, not only the 15 s health check."""
    from kiosk.api.errors import BadResponse, NotFound, Unavailable
    from kiosk.demo_api.seed import ENTERPRISES, make_uscc

    unknown = make_uscc("91", "370104", "MA3C8F99")          # well-formed, no such enterprise
    assert unknown not in {e.uscc for e in ENTERPRISES}

    monkeypatch.setattr(services_module, "HEALTH_INTERVAL", 3600.0)   # only traffic may change the state
    server = services.demo.api_server
    assert services.states["api"] == "ok"
    with pytest.raises(NotFound):
        services.api.enterprise(unknown)
    assert services.states["api"] == "ok"                    # an unknown code is not an outage
    server.faults.error_rate = 1.0
    with pytest.raises(Unavailable):
        services.api.policies()
    assert services.states["api"] == "down" and "503" in services.details["api"]
    server.faults.reset()
    services.api.policies()
    assert services.states["api"] == "ok"
    server.faults.wrong_shape = True          # answered, but not as the contract says: not usable
    with pytest.raises(BadResponse):
        services.api.policies()
    assert services.states["api"] == "down" and "not a list of Policy" in services.details["api"]
    server.faults.reset()


def fail_one_request_then_recover(services) -> None:
    """A request fails (the API answers 503), which marks the API down; then the API is well again."""
    from kiosk.api.errors import Unavailable

    server = services.demo.api_server
    server.faults.error_rate = 1.0
    with pytest.raises(Unavailable):
        services.api.policies()
    assert services.states["api"] == "down"
    server.faults.reset()


def test_the_api_coming_back_is_noticed_within_seconds(services):
    """Marked down by a failed request in the middle of a 15 s health wait, the API is checked again
    at the faster pace while down, so the citizen's functions come back soon after the API does."""
    assert services_module.HEALTH_RETRY < services_module.HEALTH_INTERVAL
    fail_one_request_then_recover(services)
    wait(lambda: services.states["api"] == "ok", services_module.HEALTH_RETRY + 4)


def test_dead_letters_reach_the_central_monitoring_in_the_heartbeat(services):
    """A record the server refuses for good is an alert for the technician: the next heartbeats carry
    an "outbox" device in warning (no change to the heartbeat contract)."""
    server = services.demo.api_server
    services.outbox.enqueue("bogus", {"x": 1})
    wait(lambda: services.outbox.dead_alert() is not None)

    def alerted():
        for hb in server.received("heartbeats"):
            body = hb if isinstance(hb, dict) else hb.__dict__
            if "dead letter(s) never delivered (1 bogus)" in str(body) and "'warning'" in str(body):
                return True
        return False

    wait(alerted)


def test_unattended_terminal_checks_a_down_api_less_often(services):
    services.states["api"] = "down"
    assert services.health_interval() == services_module.HEALTH_RETRY
    services.set_attended(False)
    assert services.health_interval() == services_module.HEALTH_RETRY_UNATTENDED <= services_module.HEALTH_INTERVAL
    assert services.card.next_wait() == services.card.idle_interval
    assert services.printq.next_wait() == services.printq.idle_interval
    services.set_attended(True)
    assert services.card.next_wait() == services.card.poll_interval


def test_someone_arriving_checks_a_down_api_at_once(services, monkeypatch):
    """Every health pace far beyond the test's patience: the API's return is only seen because
    set_attended(True) asked at once."""
    monkeypatch.setattr(services_module, "HEALTH_INTERVAL", 3600.0)
    monkeypatch.setattr(services_module, "HEALTH_RETRY", 3600.0)
    monkeypatch.setattr(services_module, "HEALTH_RETRY_UNATTENDED", 3600.0)
    services.heartbeat.stop()         # no other traffic that would tell the API is back
    services.outbox.stop()
    services.set_attended(False)
    fail_one_request_then_recover(services)
    services.set_attended(True)
    wait(lambda: services.states["api"] == "ok")
