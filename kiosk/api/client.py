"""Blocking client of the central API. Run it on a worker thread, never on the Kivy main thread.

Every failure becomes one of the errors in kiosk/api/errors.py. GETs (and the case search, a read) are
retried by urllib3 with backoff (connect, read and 5xx); other POSTs are sent once (the outbox retries
them with their Idempotency-Key). The ID number travels only in a POST body (/v1/case-search), never in
a URL; urllib3's loggers still get a masking filter and our errors are raised `from None`, as a phone's
last digits or a USCC are in URLs.

Limits, so a broken or hostile server cannot hold a worker or fill memory: plain http only to the
loopback (InsecureBaseUrl), bodies of at most MAX_RESPONSE_BYTES (ResponseTooLarge), and a total deadline
per call covering connect, every read, retries and their backoff (DeadlineExceeded).
"""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
import urllib.parse
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError
from urllib3 import PoolManager, Timeout
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import DecodeError, HTTPError, MaxRetryError, ResponseError, SSLError
from urllib3.util.retry import Retry

from kiosk.api import models as m
from kiosk.api.errors import (
    ApiError,
    BadResponse,
    DeadlineExceeded,
    InsecureBaseUrl,
    NotFound,
    Rejected,
    ResponseTooLarge,
    TlsFailure,
    Unauthorized,
    Unavailable,
)
from kiosk.api.urls import base_url_problem
from kiosk.privacy import mask_text
from kiosk.validators import is_valid_id_number, normalize_case_number, normalize_id_number, normalize_uscc

log = logging.getLogger(__name__)
T = TypeVar("T", bound=BaseModel)

#: Outbox kinds -> (path template, body model). Heartbeat paths carry the terminal id.
OUTBOX_ROUTES: dict[str, tuple[str, type[BaseModel], type[BaseModel]]] = {
    "feedback": ("/v1/feedback", m.FeedbackCreate, m.FeedbackReceipt),
    "evaluation": ("/v1/evaluations", m.EvaluationCreate, m.EvaluationReceipt),
    "help_request": ("/v1/help-requests", m.HelpRequestCreate, m.HelpRequest),
    "heartbeat": ("/v1/terminals/{terminal_id}/heartbeat", m.Heartbeat, m.HeartbeatAck),
    "security_event": ("/v1/terminals/{terminal_id}/events", m.SecurityEventCreate, m.SecurityEventAck),
}
# 证照打印: a licence print's record goes through the outbox too.
OUTBOX_ROUTES["licence_print"] = ("/v1/licence-prints", m.LicencePrintCreate, m.LicencePrintReceipt)
#: Longest Retry-After we wait for; a server asking for more is treated as unavailable right away.
MAX_RETRY_AFTER_S = 3.0
#: Largest body read. The biggest answer of the contract (62 service items with their materials) is far
#: below 1 MiB; anything near this is not an answer we could use.
MAX_RESPONSE_BYTES = 4 * 2**20
#: Default total time of one call. A citizen at the terminal does not wait longer than this.
TOTAL_TIMEOUT_S = 20.0
_CHUNK = 64 * 1024


class _DeadlinePassed(Exception):
    """Raised inside urllib3 when a call wants a connection after its deadline (e.g. after a backoff)."""


class _CallDeadline:
    """The total time of one call. Per-read timeouts do not bound a server that sends one byte a second,
    so a timer shuts down the sockets the call uses when its time is up; the blocked read then fails
    at once and the call raises DeadlineExceeded."""

    def __init__(self, seconds: float) -> None:
        self.at = time.monotonic() + seconds
        self.expired = False
        self._done = False
        self._conns: list[Any] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def track(self, conn: Any) -> None:
        with self._lock:
            if self.expired:
                raise _DeadlinePassed()
            self._conns.append(conn)

    def _expire(self) -> None:
        with self._lock:
            if self._done:
                return
            self.expired = True
            for conn in self._conns:
                sock = getattr(conn, "sock", None)
                if sock is not None:
                    try:
                        sock.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass  # already closed

    def finish(self) -> bool:
        """Stop the timer; True when the deadline had passed (what was read may be cut short by it)."""
        with self._lock:
            self._done = True
        self._timer.cancel()
        return self.expired


_calls = threading.local()  # .deadline: the _CallDeadline of the call running on this thread


def _track(conn: Any) -> Any:
    deadline = getattr(_calls, "deadline", None)
    if deadline is not None:
        deadline.track(conn)
    return conn


class _TrackedPool(HTTPConnectionPool):
    def _get_conn(self, timeout: float | None = None) -> Any:
        return _track(super()._get_conn(timeout))


class _TrackedHTTPSPool(HTTPSConnectionPool):
    def _get_conn(self, timeout: float | None = None) -> Any:
        return _track(super()._get_conn(timeout))


class _Pools(PoolManager):
    """urllib3 alone, not requests over it: requests and what it imports (charset detection, cookie jars,
    the email package) cost an idle terminal ~6 MB of Python objects for a Session we use as a pool.
    Its pools hand every connection a call takes to the call's deadline. No proxy from the environment
    (urllib3 never reads it): a proxy must not see citizens' data. Certificates: ca_bundle, else the
    system's trust store (Debian's ca-certificates, kept current by apt)."""

    def __init__(self, retry: Retry, ca_bundle: str | None) -> None:
        tls: dict[str, Any] = {"cert_reqs": "CERT_REQUIRED"}
        if ca_bundle:
            tls["ca_certs"] = ca_bundle
        super().__init__(num_pools=2, maxsize=4, retries=retry, **tls)
        self.pool_classes_by_scheme = {"http": _TrackedPool, "https": _TrackedHTTPSPool}


@dataclass(frozen=True)
class _Answer:
    """One answer, read whole: status, headers (case-insensitive) and body."""

    status_code: int
    headers: Any
    content: bytes

    def json(self) -> Any:
        return json.loads(self.content)   # bytes: UTF-8/16/32 told apart as RFC 8259 says


class _Retry(Retry):
    """urllib3 sleeps for whatever Retry-After says, with no upper bound: a proxy answering 503 with
    "Retry-After: 86400" would freeze the worker for a day. Give up instead when the wait is too long."""

    def increment(self, method: str | None = None, url: str | None = None, response: Any = None,
                  error: Exception | None = None, _pool: Any = None, _stacktrace: Any = None) -> Retry:
        if response is not None and self.respect_retry_after_header:
            wait = self.get_retry_after(response)
            if wait is not None and wait > MAX_RETRY_AFTER_S:
                raise MaxRetryError(_pool, url, ResponseError(f"Retry-After {wait:.0f} s is too long"))
        return super().increment(method, url, response, error, _pool, _stacktrace)


REFERENCE_PATHS = {"services": "/v1/services", "policies": "/v1/policies", "jobs": "/v1/jobs"}


class MaskingFilter(logging.Filter):
    """Masks ID and mobile numbers in every record of the logger it is attached to."""

    def filter(self, record: logging.LogRecord) -> bool:
        msg = record.getMessage()
        masked = mask_text(msg)
        if masked != msg:
            record.msg, record.args = masked, None
        return True


MASKING_FILTER = MaskingFilter()


def mask_loggers(*names: str) -> None:
    """Attach the masking filter to loggers of libraries that print URLs (idempotent)."""
    for name in names:
        lg = logging.getLogger(name)
        if MASKING_FILTER not in lg.filters:
            lg.addFilter(MASKING_FILTER)


mask_loggers("urllib3", "urllib3.connectionpool", "urllib3.util.retry", "urllib3.connection")


@dataclass(frozen=True)
class Conditional:
    """Answer of a conditional GET: not_modified, or the JSON body with its ETag."""

    not_modified: bool
    data: Any
    etag: str | None


class ApiClient:
    def __init__(self, base_url: str, token: str, terminal_id: str, connect_timeout: float = 3.0,
                 read_timeout: float = 10.0, ca_bundle: str | None = None, retries: int = 2,
                 backoff_factor: float = 0.3, total_timeout: float = TOTAL_TIMEOUT_S,
                 max_response_bytes: int = MAX_RESPONSE_BYTES) -> None:
        problem = base_url_problem(base_url)
        if problem is not None:
            raise InsecureBaseUrl(f"API base URL {base_url!r} {problem}")
        self.base_url = base_url.rstrip("/")
        self.terminal_id = terminal_id
        self.total_timeout = total_timeout
        self.max_response_bytes = max_response_bytes
        self.timeout = (min(connect_timeout, total_timeout), min(read_timeout, total_timeout))
        self.last_latency_ms: float | None = None
        self.last_error: ApiError | None = None
        self._observers: list[Callable[[ApiError | None], None]] = []
        self._headers = {"Authorization": f"Bearer {token}", "Accept": "application/json",
                         "Accept-Encoding": "gzip, deflate", "User-Agent": f"kiosk-terminal/{terminal_id}"}
        retry = _Retry(total=retries, connect=retries, read=retries, status=retries, other=0,
                      backoff_factor=backoff_factor, status_forcelist=(500, 502, 503, 504),
                      allowed_methods=frozenset({"GET", "POST"}), raise_on_status=False,
                      respect_retry_after_header=True)  # POST: only reads (the case search) use this session
        self._get = _Pools(retry, ca_bundle)
        self._post = _Pools(Retry(total=0, read=False, redirect=0, raise_on_status=False), ca_bundle)

    def observe(self, callback: Callable[[ApiError | None], None]) -> None:
        """callback(None) after every request answered as the contract says, callback(error) after every
        failed one (transport, status or shape), on the calling thread: the terminal's API state
        follows real traffic, not only the health loop."""
        self._observers.append(callback)

    def _tell(self, error: ApiError | None) -> None:
        for cb in list(self._observers):
            try:
                cb(error)
            except Exception:
                log.exception("API observer failed")

    def close(self) -> None:
        self._get.clear()
        self._post.clear()

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- transport ---------------------------------------------------------------------------------

    def _request(self, method: str, path: str, *, params: dict[str, str] | None = None,
                 json_body: Any = None, headers: dict[str, str] | None = None, safe: bool = False
                 ) -> _Answer:
        """One call; `safe`: a read sent as POST (retried like a GET)."""
        pools = self._get if method == "GET" or safe else self._post
        url = self.base_url + path + ("?" + urllib.parse.urlencode(params) if params else "")
        sent = {**self._headers, **(headers or {})}
        body = None
        if json_body is not None:
            body = json.dumps(json_body, allow_nan=False).encode()
            sent["Content-Type"] = "application/json"
        started = time.perf_counter()
        deadline = _CallDeadline(self.total_timeout)
        _calls.deadline = deadline
        try:
            try:
                raw = pools.request(method, url, body=body, headers=sent, redirect=False, preload_content=False,
                                    timeout=Timeout(connect=self.timeout[0], read=self.timeout[1]))
                try:
                    resp = self._read_body(raw, method, path)
                finally:
                    raw.release_conn()     # back to the pool when read whole, else closed first
                if deadline.finish():  # e.g. headers cut off by the shutdown look like a complete answer
                    raise _DeadlinePassed()
            except ApiError:
                if deadline.expired:
                    raise DeadlineExceeded(f"{method} {path}: no complete answer within "
                                           f"{self.total_timeout:g} s") from None
                raise
            except (_DeadlinePassed, HTTPError, OSError) as e:
                reason = e.reason if isinstance(e, MaxRetryError) else e
                if deadline.expired or isinstance(e, _DeadlinePassed):
                    raise DeadlineExceeded(f"{method} {path}: no complete answer within "
                                           f"{self.total_timeout:g} s") from None
                if isinstance(reason, SSLError):
                    raise TlsFailure(f"TLS failure on {method} {path}: {reason}") from None
                if isinstance(e, DecodeError):
                    raise BadResponse(f"{method} {path}: body cannot be decoded: {e}") from None
                # The cause, not urllib3's "Max retries exceeded" wrapper: what the technician needs to read.
                raise Unavailable(f"{method} {path}: {type(reason).__name__}: {reason}") from None
            finally:
                deadline.finish()
                _calls.deadline = None
            self._raise_for_status(method, path, resp)
        except ApiError as e:
            self.last_error = e
            self.last_latency_ms = (time.perf_counter() - started) * 1000
            log.warning("API %s %s failed: %s", method, mask_text(path), e.detail)
            self._tell(e)
            raise
        self.last_latency_ms = (time.perf_counter() - started) * 1000
        self.last_error = None
        return resp

    def _read_body(self, raw: Any, method: str, path: str) -> _Answer:
        """The whole answer, its body at most max_response_bytes (after decompression, so a small gzip
        bomb is caught too). A body not read to its end closes its connection: it cannot be reused."""
        cap = self.max_response_bytes
        length = raw.headers.get("Content-Length", "")
        body = bytearray()
        try:
            if length.isdigit() and int(length) > cap:
                raise ResponseTooLarge(f"{method} {path}: Content-Length {length} > {cap} bytes", raw.status)
            for chunk in raw.stream(_CHUNK, decode_content=True):
                body += chunk
                if len(body) > cap:
                    raise ResponseTooLarge(f"{method} {path}: body larger than {cap} bytes", raw.status)
        except BaseException:
            raw.close()
            raise
        return _Answer(raw.status, raw.headers, bytes(body))

    @staticmethod
    def _raise_for_status(method: str, path: str, resp: _Answer) -> None:
        code = resp.status_code
        if code < 300 or code == 304:
            return
        title = ""
        try:
            title = str(resp.json().get("title", ""))[:200]
        except (ValueError, AttributeError, RecursionError):
            pass
        detail = f"{method} {path} -> HTTP {code} {title}".strip()
        if code in (401, 403):
            raise Unauthorized(detail, code)
        if code == 404:
            raise NotFound(detail, code)
        if code in (408, 429) or code >= 500:
            raise Unavailable(detail, code)
        if 400 <= code < 500:
            raise Rejected(detail, code)
        raise BadResponse(detail, code)  # 1xx/3xx we did not ask for

    def _json(self, resp: _Answer, path: str) -> Any:
        try:
            return resp.json()
        except (ValueError, RecursionError):  # RecursionError: JSON nested deeper than the parser goes
            err = BadResponse(f"{path}: body is not JSON ({resp.headers.get('content-type', '?')}, "
                              f"{len(resp.content)} bytes)", resp.status_code)
            self.last_error = err
            self._tell(err)
            raise err from None

    def _parse(self, resp: _Answer, path: str, model: type[T]) -> T:
        data = self._json(resp, path)
        try:
            value = model.model_validate(data)
        except ValidationError as e:
            err = BadResponse(f"{path}: answer does not match {model.__name__}: {e.error_count()} errors",
                              resp.status_code)
            self.last_error = err
            self._tell(err)
            raise err from None
        self._tell(None)     # answered with what the contract says: only now is the API "up"
        return value

    def _parse_list(self, resp: _Answer, path: str, model: type[T]) -> list[T]:
        data = self._json(resp, path)
        try:
            value = TypeAdapter(list[model]).validate_python(data)  # type: ignore[valid-type]
        except ValidationError as e:
            err = BadResponse(f"{path}: answer is not a list of {model.__name__}: {e.error_count()} errors",
                              resp.status_code)
            self.last_error = err
            self._tell(err)
            raise err from None
        self._tell(None)
        return value

    def _get_one(self, path: str, model: type[T], params: dict[str, str] | None = None) -> T:
        return self._parse(self._request("GET", path, params=params), path, model)

    def _get_list(self, path: str, model: type[T], params: dict[str, str] | None = None) -> list[T]:
        return self._parse_list(self._request("GET", path, params=params), path, model)

    def _post_model(self, path: str, body: BaseModel | None, model: type[T], idempotency_key: str | None) -> T:
        key = idempotency_key or uuid.uuid4().hex
        payload = body.model_dump(mode="json", exclude_none=True) if body is not None else None
        resp = self._request("POST", path, json_body=payload, headers={"Idempotency-Key": key})
        return self._parse(resp, path, model)

    # ---- reads -------------------------------------------------------------------------------------

    def health(self) -> m.Health:
        return self._get_one("/v1/health", m.Health)

    def services(self) -> list[m.ServiceItem]:
        return self._get_list("/v1/services", m.ServiceItem)

    def service(self, id: str) -> m.ServiceItem:
        return self._get_one(f"/v1/services/{_seg(id)}", m.ServiceItem)

    def cases_by_id_number(self, id_number: str) -> list[m.Case]:
        """Only after the ID card was read in this session (the terminal vouches for it). The number goes in
        a POST body, never in a URL; an invalid one is Rejected here and never sent."""
        n = normalize_id_number(id_number)
        if not is_valid_id_number(n):
            raise Rejected("cases search: not a valid ID number")
        path = "/v1/case-search"
        resp = self._request("POST", path, json_body=m.CaseSearch(id_number=n).model_dump(mode="json"),
                             headers={"Idempotency-Key": uuid.uuid4().hex}, safe=True)
        return self._parse_list(resp, path, m.Case)

    def case_by_number(self, case_no: str, phone_last4: str) -> m.Case:
        return self._get_one(f"/v1/cases/{_seg(normalize_case_number(case_no))}", m.Case,
                             params={"phone_last4": phone_last4.strip()})

    def enterprise(self, uscc: str) -> m.Enterprise:
        return self._get_one(f"/v1/enterprises/{_seg(normalize_uscc(uscc))}", m.Enterprise)

    def enterprises_by_name(self, name: str, limit: int = 5) -> list[m.EnterpriseMatch]:
        """Enterprises whose name contains `name` (at most `limit`). A name the contract would refuse
        (blank, too long) is Rejected here and never sent."""
        words = name.strip()
        if not words or len(words) > m.ENTERPRISE_NAME_QUERY_MAX:
            raise Rejected(f"enterprise search: a name of 1..{m.ENTERPRISE_NAME_QUERY_MAX} characters")
        if not 1 <= limit <= m.ENTERPRISE_MATCHES_MAX:
            raise Rejected(f"enterprise search: limit must be 1..{m.ENTERPRISE_MATCHES_MAX}")
        return self._get_list("/v1/enterprises", m.EnterpriseMatch, params={"name": words, "limit": str(limit)})

    def feedback_status(self, tracking_no: str) -> m.FeedbackStatus:
        return self._get_one(f"/v1/feedback/{_seg(tracking_no.strip().upper())}", m.FeedbackStatus)

    def help_requests(self) -> list[m.HelpRequest]:
        return self._get_list("/v1/help-requests", m.HelpRequest, params={"terminal_id": self.terminal_id})

    def policies(self) -> list[m.Policy]:
        return self._get_list("/v1/policies", m.Policy)

    def jobs(self) -> list[m.JobPost]:
        return self._get_list("/v1/jobs", m.JobPost)

    def center_status(self) -> m.CenterStatus:
        return self._get_one("/v1/center/status", m.CenterStatus)

    def fetch_reference(self, name: str, etag: str | None = None) -> Conditional:
        """Conditional GET of services / policies / jobs, validated; 304 when the ETag still holds."""
        path = REFERENCE_PATHS[name]
        resp = self._request("GET", path, headers={"If-None-Match": etag} if etag else None)
        if resp.status_code == 304:
            self._tell(None)
            return Conditional(True, None, resp.headers.get("ETag", etag))
        model = {"services": m.ServiceItem, "policies": m.Policy, "jobs": m.JobPost}[name]
        items = self._parse_list(resp, path, model)
        return Conditional(False, [i.model_dump(mode="json") for i in items], resp.headers.get("ETag"))

    # ---- writes ------------------------------------------------------------------------------------

    def create_ticket(self, service_code: str | None = None, idempotency_key: str | None = None, *,
                      priority: bool = False) -> m.Ticket:
        """A number in the center's one queue; service_code None: a general ticket (no item)."""
        body = m.TicketCreate(service_code=service_code, priority=priority, terminal_id=self.terminal_id)
        return self._post_model("/v1/tickets", body, m.Ticket, idempotency_key)

    def submit_feedback(self, feedback: m.FeedbackCreate, idempotency_key: str | None = None
                        ) -> m.FeedbackReceipt:
        return self._post_model("/v1/feedback", feedback, m.FeedbackReceipt, idempotency_key)

    def submit_evaluation(self, evaluation: m.EvaluationCreate, idempotency_key: str | None = None
                          ) -> m.EvaluationReceipt:
        return self._post_model("/v1/evaluations", evaluation, m.EvaluationReceipt, idempotency_key)

    def create_help_request(self, reason: str = "", screen: str = "", service_code: str | None = None,
                            idempotency_key: str | None = None) -> m.HelpRequest:
        body = m.HelpRequestCreate(terminal_id=self.terminal_id, reason=reason, screen=screen,
                                   service_code=service_code)
        return self._post_model("/v1/help-requests", body, m.HelpRequest, idempotency_key)

    def mark_help_handled(self, id: str, idempotency_key: str | None = None) -> m.HelpRequest:
        return self._post_model(f"/v1/help-requests/{_seg(id)}/handled", None, m.HelpRequest, idempotency_key)

    def heartbeat(self, heartbeat: m.Heartbeat, idempotency_key: str | None = None) -> m.HeartbeatAck:
        return self._post_model(f"/v1/terminals/{_seg(self.terminal_id)}/heartbeat", heartbeat, m.HeartbeatAck,
                                idempotency_key)

    def report_security_event(self, event: m.SecurityEventCreate, idempotency_key: str | None = None
                              ) -> m.SecurityEventAck:
        return self._post_model(f"/v1/terminals/{_seg(self.terminal_id)}/events", event, m.SecurityEventAck,
                                idempotency_key)

    # ---- 证照打印 --------------------------------------------------------------------------------

    def licences_by_id_number(self, id_number: str) -> list[m.Licence]:
        """Only after the ID card was read in this session, like cases_by_id_number: the number goes in
        a POST body, never in a URL; an invalid one is Rejected here and never sent."""
        n = normalize_id_number(id_number)
        if not is_valid_id_number(n):
            raise Rejected("licence search: not a valid ID number")
        path = "/v1/licence-search"
        resp = self._request("POST", path, json_body=m.LicenceSearch(id_number=n).model_dump(mode="json"),
                             headers={"Idempotency-Key": uuid.uuid4().hex}, safe=True)
        return self._parse_list(resp, path, m.Licence)

    def enterprise_licences(self, uscc: str) -> list[m.Licence]:
        return self._get_list(f"/v1/enterprises/{_seg(normalize_uscc(uscc))}/licences", m.Licence)

    def licence_pdf(self, licence_id: str) -> bytes:
        """The licence's PDF, at most max_response_bytes like every answer; anything but a PDF is a
        BadResponse (a proxy's error page must not reach the printer)."""
        path = f"/v1/licences/{_seg(licence_id)}/pdf"
        resp = self._request("GET", path, headers={"Accept": "application/pdf"})
        ctype = resp.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype != "application/pdf" or not resp.content.startswith(b"%PDF-"):
            err = BadResponse(f"{path}: not a PDF ({ctype or '?'}, {len(resp.content)} bytes)", resp.status_code)
            self.last_error = err
            self._tell(err)
            raise err
        self._tell(None)
        return resp.content

    def record_licence_print(self, record: m.LicencePrintCreate, idempotency_key: str | None = None
                             ) -> m.LicencePrintReceipt:
        return self._post_model("/v1/licence-prints", record, m.LicencePrintReceipt, idempotency_key)

    def send_outbox(self, kind: str, payload: dict[str, Any], idempotency_key: str) -> BaseModel:
        """The Outbox's `send`: POST a stored payload of `kind` with its stored Idempotency-Key.

        A payload that no longer fits the model raises Rejected (permanent: dead-lettered)."""
        try:
            path, body_model, answer = OUTBOX_ROUTES[kind]
        except KeyError:
            raise Rejected(f"unknown outbox kind {kind!r}") from None
        try:
            body = body_model.model_validate(payload)
        except ValidationError as e:
            raise Rejected(f"stored {kind} payload is invalid: {e.error_count()} errors") from None
        return self._post_model(path.format(terminal_id=_seg(self.terminal_id)), body, answer, idempotency_key)


def _seg(s: str) -> str:
    """One URL path segment: quote everything but unreserved characters."""
    return urllib.parse.quote(s.strip(), safe="")
