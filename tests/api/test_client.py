"""ApiClient against the demo server over real HTTP on 127.0.0.1: answers, faults, named errors."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kiosk.api import ApiClient, BadResponse, NotFound, Rejected, Unauthorized, Unavailable
from kiosk.api import models as m
from kiosk.demo_api import DEMO_IDENTITIES, ENTERPRISES, DemoServer

from .conftest import TERMINAL, TOKEN

WANG = DEMO_IDENTITIES[0]


def test_reads_return_models(client: ApiClient) -> None:
    assert client.health().status == "ok"
    services = client.services()
    assert len(services) == 62
    one = client.service(services[5].id)
    assert one == services[5] and one.materials
    cases = client.cases_by_id_number(WANG.id_number)
    assert {c.status for c in cases} >= {m.CaseStatus.COMPLETED, m.CaseStatus.CORRECTION}
    assert all(c.applicant_id_masked == "3701**********751X" for c in cases)
    by_no = client.case_by_number(cases[0].case_no, WANG.phone[-4:])
    assert by_no.case_no == cases[0].case_no
    assert client.enterprise(ENTERPRISES[1].uscc).name == ENTERPRISES[1].name
    assert len(client.policies()) >= 5 and len(client.jobs()) >= 5
    assert client.last_error is None and client.last_latency_ms is not None and client.last_latency_ms > 0


def test_enterprises_by_name_finds_a_few_and_names_no_person(client: ApiClient, server: DemoServer) -> None:
    jinan = [e for e in ENTERPRISES if "济南" in e.name]
    assert len(jinan) > 3
    found = client.enterprises_by_name("  济南 ", limit=3)
    assert [f.uscc for f in found] == [e.uscc for e in jinan[:3]]            # the registry's order, limited
    assert [f.name for f in found] == [e.name for e in jinan[:3]]
    assert len(client.enterprises_by_name("济南")) == min(5, len(jinan))     # five by default
    assert client.enterprises_by_name("小吃店")[0].uscc == ENTERPRISES[0].uscc
    assert client.enterprises_by_name("没有这个名字") == []
    # No person's name in the answer: the legal representative is on the card only.
    import requests

    resp = requests.get(f"{server.base_url}/v1/enterprises", params={"name": "济南", "limit": 10},
                        headers={"Authorization": f"Bearer {TOKEN}"}, timeout=5)
    assert resp.status_code == 200
    for e in ENTERPRISES:
        assert e.legal_representative not in resp.text and e.address not in resp.text
    for bad in ("", "   ", "名" * 51):
        with pytest.raises(Rejected):
            client.enterprises_by_name(bad)
    with pytest.raises(Rejected):
        client.enterprises_by_name("济南", limit=11)


def test_unknown_things_are_not_found(client: ApiClient) -> None:
    cases = client.cases_by_id_number(WANG.id_number)
    with pytest.raises(NotFound) as e:
        client.case_by_number(cases[0].case_no, "0000")  # wrong phone digits look like an unknown case
    assert e.value.code == "api.not_found" and e.value.status == 404
    with pytest.raises(NotFound):
        client.service("no-such-item")
    with pytest.raises(NotFound):
        client.feedback_status("FK20260101ABCD0001")
    assert isinstance(client.last_error, NotFound)


def test_invalid_id_number_is_rejected(client: ApiClient) -> None:
    with pytest.raises(Rejected):
        client.cases_by_id_number("370104199003077511")  # wrong check character


def test_bad_token_is_unauthorized(server: DemoServer) -> None:
    with ApiClient(server.base_url, "wrong", TERMINAL) as c:
        assert c.health().status == "ok"  # health needs no token
        with pytest.raises(Unauthorized):
            c.services()


def test_latency_beyond_read_timeout_is_unavailable(server: DemoServer) -> None:
    server.faults.latency = 1.0
    with ApiClient(server.base_url, TOKEN, TERMINAL, read_timeout=0.2, retries=0) as c:
        with pytest.raises(Unavailable) as e:
            c.services()
    assert "Timeout" in e.value.detail


def test_5xx_is_unavailable_after_retries(server: DemoServer, client: ApiClient) -> None:
    server.faults.error_rate = 1.0
    before = server.state.attempts["tickets"]
    with pytest.raises(Unavailable) as e:
        client.services()
    assert e.value.status == 503
    # POSTs are not retried by the client (the outbox does that with the same key)
    with pytest.raises(Unavailable):
        client.create_ticket("370104-SCJG-001")
    assert server.state.attempts["tickets"] == before


def test_5xx_retry_recovers_when_server_comes_back(server: DemoServer) -> None:
    server.faults.error_rate = 1.0
    with ApiClient(server.base_url, TOKEN, TERMINAL, retries=5, backoff_factor=0.1) as c:
        import threading

        threading.Timer(0.15, server.faults.reset).start()
        assert len(c.services()) == 62  # the GET retried through the outage


def test_dropped_connection_is_unavailable(server: DemoServer, client: ApiClient) -> None:
    server.faults.drop = True
    with pytest.raises(Unavailable):
        client.health()
    with pytest.raises(Unavailable):
        client.create_ticket("370104-SCJG-001")


def test_garbage_body_is_bad_response(server: DemoServer, client: ApiClient) -> None:
    server.faults.garbage = True
    with pytest.raises(BadResponse) as e:
        client.services()
    assert "not JSON" in e.value.detail


def test_wrong_shape_json_is_bad_response(server: DemoServer, client: ApiClient) -> None:
    server.faults.wrong_shape = True
    with pytest.raises(BadResponse):
        client.cases_by_id_number(WANG.id_number)
    with pytest.raises(BadResponse):
        client.health()


def test_https_to_plain_server_is_unavailable(server: DemoServer) -> None:
    with ApiClient(server.base_url.replace("http://", "https://"), TOKEN, TERMINAL, retries=0) as c:
        with pytest.raises(Unavailable) as e:
            c.health()
    assert "TLS" in e.value.detail or "SSL" in e.value.detail


def test_nothing_listening_is_unavailable() -> None:
    srv = DemoServer(port=0)
    url = srv.start()
    srv.stop()
    with ApiClient(url, TOKEN, TERMINAL, retries=1, backoff_factor=0.01) as c:
        with pytest.raises(Unavailable):
            c.health()


def test_idempotency_key_gives_same_ticket_and_one_record(server: DemoServer, client: ApiClient) -> None:
    a = client.create_ticket("370104-RSJ-004", idempotency_key="ticket-key-0001")
    b = client.create_ticket("370104-RSJ-004", idempotency_key="ticket-key-0001")
    c = client.create_ticket("370104-RSJ-004", idempotency_key="ticket-key-0002")
    assert a == b
    # One queue: the next number of the same daily sequence, whatever the item (A: general, not 绿色通道).
    assert a.number[0] == c.number[0] == "A" and int(c.number[1:]) == int(a.number[1:]) + 1
    assert (a.service_code, a.wait_area, a.window, a.priority) == ("370104-RSJ-004", "综合服务区", "综合窗口", False)
    assert len(server.received("tickets")) == 2
    assert server.attempts("tickets") == 3


def test_same_key_other_body_is_rejected(client: ApiClient) -> None:
    client.create_ticket("370104-RSJ-004", idempotency_key="ticket-key-0003")
    with pytest.raises(Rejected) as e:
        client.create_ticket("370104-SCJG-001", idempotency_key="ticket-key-0003")
    assert e.value.status == 409


def test_feedback_with_terminal_tracking_number_and_reply(server: DemoServer, client: ApiClient) -> None:
    fb = m.FeedbackCreate(tracking_no="FK20261126JT010001", category="融资需求", content="想了解创业担保贷款",
                          enterprise_uscc=ENTERPRISES[0].uscc, phone="13905311234", terminal_id=TERMINAL)
    r1 = client.submit_feedback(fb)
    r2 = client.submit_feedback(fb)  # another key, same tracking number and body: the same record
    assert r1.tracking_no == r2.tracking_no == "FK20261126JT010001"
    assert len(server.received("feedback")) == 1 and server.attempts("feedback") == 2
    assert client.feedback_status(r1.tracking_no).status in ("已受理", "办理中")
    time.sleep(0.6)  # reply_delay of the fixture server is 0.5 s
    st = client.feedback_status(r1.tracking_no)
    assert st.status == "已回复" and st.reply


def test_evaluation_help_and_heartbeat(server: DemoServer, client: ApiClient) -> None:
    ev = client.submit_evaluation(m.EvaluationCreate(level=5, case_no="3701042026111500001", terminal_id=TERMINAL,
                                                     service_code="370104-SCJG-001"))
    assert ev.id
    with pytest.raises(ValueError):
        m.EvaluationCreate(level=1, case_no="3701042026111500001", terminal_id=TERMINAL)  # 差评, no reason
    h = client.create_help_request("不会操作", "home")
    assert [x.id for x in client.help_requests()] == [h.id]
    assert client.mark_help_handled(h.id).status == "handled"
    assert client.help_requests() == []
    ack = client.heartbeat(m.Heartbeat(app_version="0.1.0", uptime_s=12.5, sent_at=datetime.now(UTC),
                                       devices=[m.DeviceState(name="printer", state="ok")]))
    assert ack.terminal_id == TERMINAL
    assert server.received("heartbeats")[0]["devices"][0]["name"] == "printer"


def test_id_numbers_never_logged_unmasked(server: DemoServer, client: ApiClient,
                                          caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    client.cases_by_id_number(WANG.id_number)  # urllib3 logs the URL at DEBUG
    server.faults.error_rate = 1.0
    with pytest.raises(Unavailable) as e:
        client.cases_by_id_number(WANG.id_number)  # retries log the URL at WARNING
    text = caplog.text + e.value.detail + str(e.value) + repr(e.value.__cause__) + repr(e.value.__context__)
    assert "/v1/case-search" in caplog.text  # the log lines exist
    assert WANG.id_number not in text
    assert "3701**********751X" not in text  # not even masked: the number is in no URL, only in the body


def test_tls_verification_with_custom_ca(tmp_path: Path) -> None:
    import shutil
    import subprocess

    if shutil.which("openssl") is None:
        pytest.fail("openssl CLI needed to make a test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                    "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key),
                    "-out", str(cert)], check=True, capture_output=True)
    srv = DemoServer(token=TOKEN, ssl_certfile=str(cert), ssl_keyfile=str(key))
    url = srv.start()
    try:
        assert url.startswith("https://")
        with ApiClient(url, TOKEN, TERMINAL, retries=0) as c:
            with pytest.raises(Unavailable) as e:  # system CAs do not know our certificate
                c.health()
            assert "TLS" in e.value.detail
        with ApiClient(url, TOKEN, TERMINAL, retries=0, ca_bundle=str(cert)) as c:
            assert len(c.services()) == 62
    finally:
        srv.stop()
