"""Fuzzing ApiClient's reading of answers: every client method against a real HTTP server on 127.0.0.1
that answers with arbitrary status codes, content types and bodies (valid JSON of the wrong shape,
the contract's own answers with fields dropped, retyped or added, non-JSON, huge, deeply nested).

Only a valid model or one of the named kiosk.api.errors errors may come out, and no call may hang.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, TypeAdapter, ValidationError

from kiosk.api import ApiClient, BadResponse, NotFound, Rejected, Unauthorized, Unavailable
from kiosk.api import models as m
from kiosk.api.client import MAX_RESPONSE_BYTES, Conditional
from kiosk.api.errors import ApiError, ResponseTooLarge
from kiosk.demo_api import DEMO_IDENTITIES, ENTERPRISES, DemoServer

pytestmark = [pytest.mark.timeout(120), pytest.mark.filterwarnings("ignore:Generating overly large repr")]

TOKEN = "fuzz-token"
TERMINAL = "DDJ-T01"
NAMED = (NotFound, Unauthorized, Unavailable, BadResponse, Rejected)
WATCHDOG_S = 20.0  # far above any timeout of the client below: only a hang gets near it


class Reply:
    status = 200
    ctype: str | None = "application/json"
    body = b"{}"
    headers: dict[str, str] = {}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    reply = Reply()

    def _answer(self) -> None:
        n = int(self.headers.get("Content-Length") or 0)
        if n:
            self.rfile.read(n)
        r = self.reply
        self.send_response_only(r.status)
        if r.ctype is not None:
            self.send_header("Content-Type", r.ctype)
        for k, v in r.headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(r.body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(r.body)
        self.close_connection = True

    do_GET = do_POST = _answer

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def fuzz_server() -> Iterator[tuple[str, Reply]]:
    reply = Reply()
    handler = type("Handler", (_Handler,), {"reply": reply})
    srv = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    srv.daemon_threads = True
    t = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    t.start()
    try:
        yield f"http://127.0.0.1:{srv.server_address[1]}", reply
    finally:
        srv.shutdown()
        srv.server_close()
        t.join(timeout=2)


@pytest.fixture(scope="module")
def fuzz_client(fuzz_server) -> Iterator[ApiClient]:
    c = ApiClient(fuzz_server[0], TOKEN, TERMINAL, connect_timeout=1.0, read_timeout=1.0, retries=1,
                  backoff_factor=0.0)
    yield c
    c.close()


def _heartbeat() -> m.Heartbeat:
    return m.Heartbeat(app_version="0.1.0", uptime_s=1.0, sent_at=datetime.now(UTC))


def _feedback() -> m.FeedbackCreate:
    return m.FeedbackCreate(category="融资需求", content="想了解创业担保贷款", terminal_id=TERMINAL)


# name -> (call, model of a good answer, is the answer a list)
CALLS: dict[str, tuple[Callable[[ApiClient], Any], type[BaseModel], bool]] = {
    "health": (lambda c: c.health(), m.Health, False),
    "services": (lambda c: c.services(), m.ServiceItem, True),
    "service": (lambda c: c.service("370104-SCJG-001"), m.ServiceItem, False),
    "cases_by_id_number": (lambda c: c.cases_by_id_number(DEMO_IDENTITIES[0].id_number), m.Case, True),
    "case_by_number": (lambda c: c.case_by_number("3701042026111500001", "1234"), m.Case, False),
    "enterprise": (lambda c: c.enterprise(ENTERPRISES[0].uscc), m.Enterprise, False),
    "feedback_status": (lambda c: c.feedback_status("FK20260101ABCD0001"), m.FeedbackStatus, False),
    "help_requests": (lambda c: c.help_requests(), m.HelpRequest, True),
    "policies": (lambda c: c.policies(), m.Policy, True),
    "jobs": (lambda c: c.jobs(), m.JobPost, True),
    "fetch_reference": (lambda c: c.fetch_reference("services", etag='"abc"'), m.ServiceItem, True),
    "create_ticket": (lambda c: c.create_ticket("370104-SCJG-001"), m.Ticket, False),
    "submit_feedback": (lambda c: c.submit_feedback(_feedback()), m.FeedbackReceipt, False),
    "submit_evaluation": (lambda c: c.submit_evaluation(m.EvaluationCreate(
        level=5, case_no="3701042026111500001", terminal_id=TERMINAL)),
                          m.EvaluationReceipt, False),
    "create_help_request": (lambda c: c.create_help_request("不会操作", "home"), m.HelpRequest, False),
    "mark_help_handled": (lambda c: c.mark_help_handled("h1"), m.HelpRequest, False),
    "heartbeat": (lambda c: c.heartbeat(_heartbeat()), m.HeartbeatAck, False),
    "send_outbox": (lambda c: c.send_outbox("heartbeat", _heartbeat().model_dump(mode="json"),
                                                 "fuzz-key-0001"),
                    m.HeartbeatAck, False),
}


@pytest.fixture(scope="module")
def good_answers() -> dict[str, Any]:
    """One valid JSON answer per method, taken from the demo server through the real client."""
    srv = DemoServer(host="127.0.0.1", port=0, token=TOKEN, reply_delay=0.0)
    srv.start()
    try:
        with ApiClient(srv.base_url, TOKEN, TERMINAL, read_timeout=5.0) as c:
            c.create_help_request("不会操作", "home")
            out: dict[str, Any] = {}
            for name, (call, _model, _many) in CALLS.items():
                if name == "mark_help_handled":
                    res = c.mark_help_handled(c.help_requests()[0].id)
                elif name == "case_by_number":
                    case = c.cases_by_id_number(DEMO_IDENTITIES[0].id_number)[0]
                    res = c.case_by_number(case.case_no, DEMO_IDENTITIES[0].phone[-4:])
                elif name == "feedback_status":
                    res = c.feedback_status(c.submit_feedback(_feedback()).tracking_no)
                elif name == "fetch_reference":
                    res = c.fetch_reference("services")
                else:
                    res = call(c)
                if isinstance(res, Conditional):
                    out[name] = res.data[:3]
                elif isinstance(res, list):
                    out[name] = [x.model_dump(mode="json") for x in res[:3]]
                else:
                    out[name] = res.model_dump(mode="json")
            out["help_requests"] = out["help_requests"] or [out["create_help_request"]]
        return out
    finally:
        srv.stop()


def _valid(model: type[BaseModel], many: bool, data: Any) -> bool:
    try:
        TypeAdapter(list[model] if many else model).validate_python(data)  # type: ignore[valid-type]
    except ValidationError:
        return False
    return True


def _expected_error(status: int) -> type[ApiError] | None:
    """What the contract says a status code means (None: a 2xx, judged by the body)."""
    if status < 200 or status in (204, 304):
        return BadResponse  # an answer without a body where the contract promises one
    if status < 300:
        return None
    if status in (401, 403):
        return Unauthorized
    if status == 404:
        return NotFound
    if status in (408, 429) or status >= 500:
        return Unavailable
    if 400 <= status < 500:
        return Rejected
    return BadResponse


def _call(client: ApiClient, name: str) -> tuple[Any, BaseException | None]:
    """Run the call on a thread with a watchdog: a hang fails the test instead of blocking the run."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = CALLS[name][0](client)
        except BaseException as e:  # noqa: BLE001 - the property is about what escapes
            box["error"] = e

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(WATCHDOG_S)
    assert not t.is_alive(), f"{name} hung"
    return box.get("value"), box.get("error")


def _check(client: ApiClient, name: str, status: int, data: Any, body_is_json: bool) -> None:
    value, error = _call(client, name)
    _call_fn, model, many = CALLS[name]
    if error is not None:
        assert isinstance(error, NAMED), f"{name}: {type(error).__name__}: {error}"
    want = _expected_error(status)
    if name == "fetch_reference" and status == 304:
        assert error is None and isinstance(value, Conditional) and value.not_modified
        return
    if want is not None:
        assert type(error) is want, (name, status, error)
        return
    if body_is_json and _valid(model, many, data):
        assert error is None, (name, status, error)
        if name == "fetch_reference":
            assert isinstance(value, Conditional) and not value.not_modified
        elif many:
            assert isinstance(value, list) and all(isinstance(x, model) for x in value)
        else:
            assert isinstance(value, model)
    else:
        assert isinstance(error, BadResponse), (name, status, data if body_is_json else "non-JSON", error)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)
STATUS = st.one_of(st.sampled_from([200, 201, 204, 304, 400, 401, 403, 404, 409, 422, 429, 500, 503]),
                   st.integers(101, 599), st.sampled_from([600, 799, 999]))
CTYPE = st.sampled_from(["application/json", "application/json; charset=utf-8", "application/problem+json",
                         "text/html", "text/plain; charset=gbk", "application/octet-stream", None])
FUZZ = settings(deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow,
                                                                         HealthCheck.function_scoped_fixture])


def _serve(reply: Reply, status: int, ctype: str | None, body: bytes, headers: dict[str, str] | None = None) -> None:
    reply.status, reply.ctype, reply.body, reply.headers = status, ctype, body, headers or {}


@FUZZ
@given(name=st.sampled_from(sorted(CALLS)), status=STATUS, ctype=CTYPE, data=JSON)
def test_any_json_with_any_status(fuzz_server, fuzz_client, name, status, ctype, data):
    if status == 100:
        status = 200  # 100 Continue is not a final answer: http.client would wait for the next one
    _serve(fuzz_server[1], status, ctype, json.dumps(data).encode())
    _check(fuzz_client, name, status, data, True)


def _mutate(draw: Any, value: Any) -> Any:
    """Drop, retype or add one field somewhere in a valid answer."""
    if isinstance(value, list):
        if not value:
            return [draw(JSON)]
        i = draw(st.integers(0, len(value) - 1))
        return value[:i] + [_mutate(draw, value[i])] + value[i + 1 :]
    if isinstance(value, dict) and value:
        key = draw(st.sampled_from(sorted(value)))
        op = draw(st.sampled_from(["drop", "retype", "extra", "deeper"]))
        out = dict(value)
        if op == "drop":
            del out[key]
        elif op == "retype":
            out[key] = draw(JSON)
        elif op == "extra":
            out[draw(st.text(min_size=1, max_size=8))] = draw(JSON)
        else:
            out[key] = _mutate(draw, value[key])
        return out
    return draw(JSON)


@FUZZ
@given(name=st.sampled_from(sorted(CALLS)), data=st.data(), status=st.sampled_from([200, 201]), ctype=CTYPE)
def test_contract_answers_with_a_field_dropped_retyped_or_added(fuzz_server, fuzz_client, good_answers, name,
                                                                   data, status, ctype):
    good = good_answers[name]
    answer = _mutate(data.draw, good) if data.draw(st.booleans()) else good
    _serve(fuzz_server[1], status, ctype, json.dumps(answer).encode())
    _check(fuzz_client, name, status, answer, True)


HOSTILE_BODIES = st.one_of(
    st.binary(max_size=64),
    st.text(max_size=40).map(lambda t: t.encode("utf-8")),
    st.sampled_from([
        b"",
        b"<html><body>502 Bad Gateway</body></html>",
        b'{"status": "ok", "version": "1", "time": "2026-01-01T00:00:00"',  # cut short
        b"\xef\xbb\xbf{}",
        b"[" * 100_000 + b"]" * 100_000,  # nested deeper than any parser's recursion limit
        b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
        b"9" * 5_000,  # longer than Python's int-from-string limit
        b'["' + b"x" * 5_000_000 + b'"]',  # a huge body, over the client's cap
    ]),
)


@FUZZ
@given(name=st.sampled_from(sorted(CALLS)), status=STATUS, ctype=CTYPE, body=HOSTILE_BODIES)
def test_non_json_huge_and_nested_bodies(fuzz_server, fuzz_client, name, status, ctype, body):
    if status == 100:
        status = 200
    try:
        data, is_json = json.loads(body), True
    except (ValueError, RecursionError):
        data, is_json = None, False
    _serve(fuzz_server[1], status, ctype, body)
    if len(body) > MAX_RESPONSE_BYTES:  # whatever the status: the length header alone says too much
        _value, error = _call(fuzz_client, name)
        assert isinstance(error, ResponseTooLarge), (name, status, error)
        return
    _check(fuzz_client, name, status, data, is_json)


@settings(deadline=None, max_examples=20, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(["health", "services", "create_ticket"]),
       status=st.sampled_from([429, 503, 500]),
       retry_after=st.one_of(st.integers(0, 10**9).map(str), st.text(max_size=12),
                             st.sampled_from(["Wed, 21 Oct 2099 07:28:00 GMT", "-1", "1e9"])))
def test_retry_after_cannot_stall_a_call(fuzz_server, fuzz_client, name, status, retry_after):
    """A server (or a proxy in front of it) asking us to come back in a day must not freeze the worker."""
    try:
        _serve(fuzz_server[1], status, "application/json", b"{}", {"Retry-After": retry_after})
    except ValueError:
        return
    value, error = _call(fuzz_client, name)
    assert isinstance(error, Unavailable), (name, status, retry_after, error)
