"""The demo central API: a FastAPI app implementing docs/api/openapi.yaml over seeded synthetic data.

State lives in memory (DemoState). Every POST needs an Idempotency-Key, checked before anything else
(400 without it); where a POST creates a record, the first response is stored and replayed for the same
key, and the same key with another body is 409. A method a path does not offer is 405 with `Allow`.
Parameters are validated with the patterns of kiosk/api/models.py (422), so server and contract agree.
Access logging stays off all the same: a URL is not the place for identity data, but a log is not either.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import warnings
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, Header, Query, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from pydantic.warnings import UnsupportedFieldAttributeWarning
from starlette.exceptions import HTTPException

from kiosk.api import models as m
from kiosk.api.contract import IDEMPOTENCY_KEY_PATTERN, PROBLEM_JSON
from kiosk.demo_api import seed, seed_center, seed_licences
from kiosk.demo_api.licences import add_licence_routes
from kiosk.demo_api.seed_services import build_services
from kiosk.validators import is_valid_uscc

VERSION = "demo-1.0"

#: 一窗受理: one queue, waiting in the 综合服务区 for the one 综合窗口.
QUEUE_AREA = "综合服务区"
QUEUE_WINDOW = "综合窗口"
#: The queue's status page; a placeholder host, like the items' online links.
QUEUE_PAGE = "https://zwfw.demo.invalid/queue"

_KINDS = ("tickets", "feedback", "evaluations", "help_requests", "help_handled", "heartbeats",
          "security_events", "licence_prints")


def _now_shanghai() -> datetime:
    return datetime.now(seed.SHANGHAI)


def _etag(payload: Any) -> str:
    raw = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()
    return '"' + hashlib.sha256(raw).hexdigest()[:20] + '"'


class DemoState:
    """All data of the demo API. Handlers run on the server's event loop; tests read through the lock."""

    def __init__(self, reply_delay: float = 30.0, clock: Callable[[], datetime] = _now_shanghai,
                 data_dir: str | Path | None = None, serve_interval: float = 120.0) -> None:
        self.lock = threading.Lock()
        self.clock = clock
        self.reply_delay = reply_delay
        self.serve_interval = serve_interval
        self.started = clock()
        services = build_services()
        policies, jobs = seed.POLICIES, seed.JOBS
        if data_dir is not None:
            d = Path(data_dir)
            if (d / "services.json").exists():
                services = [m.ServiceItem.model_validate(x)
                            for x in json.loads((d / "services.json").read_text("utf-8"))]
            if (d / "policies.json").exists():
                policies = [m.Policy.model_validate(x) for x in json.loads((d / "policies.json").read_text("utf-8"))]
            if (d / "jobs.json").exists():
                jobs = [m.JobPost.model_validate(x) for x in json.loads((d / "jobs.json").read_text("utf-8"))]
        self.services = {s.id: s for s in services}
        self.reference: dict[str, list[dict[str, Any]]] = {
            "services": [s.model_dump(mode="json") for s in services],
            "policies": [p.model_dump(mode="json") for p in policies],
            "jobs": [j.model_dump(mode="json") for j in jobs],
        }
        self.etags = {k: _etag(v) for k, v in self.reference.items()}
        self.cases = seed.build_cases(self.services, self.started)
        self.enterprises = {e.uscc: e for e in seed.ENTERPRISES}
        #: The center's one queue, per Asia/Shanghai day: whether each ticket issued was 绿色通道.
        self.queue: dict[str, list[bool]] = {}
        self.feedback: dict[str, tuple[m.FeedbackCreate, datetime]] = {}
        self.feedback_seq: dict[str, int] = {}
        self.help: dict[str, m.HelpRequest] = {}
        self.idem: dict[tuple[str, str], tuple[str, int, Any]] = {}
        self.records: dict[str, list[dict[str, Any]]] = {k: [] for k in _KINDS}
        self.attempts: dict[str, int] = dict.fromkeys(_KINDS, 0)
        # 证照打印: the licences, their rendered PDFs (made on first ask) and the copies printed so far.
        self.licences = seed_licences.build_licences()
        self.licence_pdfs: dict[str, bytes] = {}
        self.licence_printed: dict[str, int] = {}

    def waiting_now(self) -> int:
        """People in the one queue: today's tickets not yet called (one called every serve_interval,
        the same rule the tickets' `waiting` follows)."""
        now = self.clock()
        day = now.astimezone(seed.SHANGHAI).strftime("%Y%m%d")
        served = int((now - self.started).total_seconds() // self.serve_interval)
        return max(0, len(self.queue.get(day, [])) - served)

    def update_reference(self, name: str, items: list[dict[str, Any]]) -> None:
        """Change a reference list (tests: a new ETag must reach the terminal's cache)."""
        with self.lock:
            self.reference[name] = items
            self.etags[name] = _etag(items)


def _problem(status: int, title: str, detail: str | None = None, headers: dict[str, str] | None = None
             ) -> JSONResponse:
    body = m.Problem(title=title, status=status, detail=detail).model_dump(mode="json", exclude_none=True)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


class _ProblemError(Exception):
    def __init__(self, status: int, title: str, detail: str | None = None) -> None:
        self.status, self.title, self.detail = status, title, detail


_IDEMPOTENCY_KEY = re.compile(IDEMPOTENCY_KEY_PATTERN)


class _KeyFirstRoute(APIRoute):
    """A POST without a valid Idempotency-Key is refused before anything else: FastAPI would otherwise
    check the token and parse and validate the body first, and answer 401 or 422 instead."""

    def get_route_handler(self) -> Callable:
        handler = super().get_route_handler()
        if "POST" not in self.methods:
            return handler

        async def key_first(request: Request) -> Response:
            if not _IDEMPOTENCY_KEY.match(request.headers.get("idempotency-key", "")):
                return _problem(400, "Idempotency-Key header required", "8 to 128 printable ASCII characters")
            return await handler(request)

        return key_first


# The terminal's models are built on first use (defer_build, kiosk.api.models); FastAPI's body adapters then
# build them late, and pydantic >= 2.12 mistakes FastAPI's own alias (the parameter's name) for one it
# ignores. A false positive (pydantic issue 12356's family): requests are validated all the same.
warnings.filterwarnings("ignore", category=UnsupportedFieldAttributeWarning,
                        message=r"The 'alias' attribute with value '\w+' was provided to the `Field\(\)`")


def create_app(state: DemoState, token: str) -> FastAPI:
    app = FastAPI(title="demo central API", openapi_url=None, docs_url=None, redoc_url=None)
    app.router.route_class = _KeyFirstRoute

    @app.exception_handler(_ProblemError)
    async def _on_problem(_: Request, exc: _ProblemError) -> JSONResponse:
        return _problem(exc.status, exc.title, exc.detail)

    @app.exception_handler(HTTPException)
    async def _on_http(request: Request, exc: HTTPException) -> JSONResponse:
        headers = dict(exc.headers or {})
        if exc.status_code == 401:
            headers["WWW-Authenticate"] = "Bearer"
        if exc.status_code == 405:
            # Starlette names only the methods of the first route matching the path; a path served by two
            # routes (GET and POST /v1/help-requests) must list both (RFC 9110 §15.5.6).
            path = request.scope.get("path", "")
            headers["Allow"] = ", ".join(sorted({meth for r in app.router.routes if isinstance(r, APIRoute)
                                                 and r.path_regex.match(path) for meth in r.methods}))
        return _problem(exc.status_code, str(exc.detail), headers=headers or None)

    @app.exception_handler(RequestValidationError)
    async def _on_invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        # The error list may echo input (an ID number); say only which fields failed.
        fields = sorted({".".join(str(p) for p in e.get("loc", ())) for e in exc.errors()})
        return _problem(422, "Invalid input", "invalid: " + ", ".join(fields))

    @app.exception_handler(Exception)
    async def _on_crash(_: Request, exc: Exception) -> JSONResponse:
        return _problem(500, "Server error", type(exc).__name__)

    def auth(authorization: str | None = Header(default=None)) -> None:
        if authorization != f"Bearer {token}":
            raise HTTPException(401, "Missing or wrong bearer token")

    def conditional(name: str, request: Request) -> Response:
        etag = state.etags[name]
        inm = request.headers.get("if-none-match", "")
        if etag in [t.strip().removeprefix("W/") for t in inm.split(",")]:
            return Response(status_code=304, headers={"ETag": etag})
        return JSONResponse(state.reference[name], headers={"ETag": etag})

    def idempotent(kind: str, key: str, body: Any, create: Callable[[], tuple[int, Any, bool]]) -> JSONResponse:
        state.attempts[kind] += 1  # the key was checked by _KeyFirstRoute before the body was read
        digest = hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
        with state.lock:
            stored = state.idem.get((kind, key))
            if stored is not None:
                if stored[0] != digest:
                    raise _ProblemError(409, "Idempotency-Key reused with a different body")
                return JSONResponse(stored[2], status_code=stored[1], headers={"Idempotent-Replayed": "true"})
            status, payload, new_record = create()
            state.idem[(kind, key)] = (digest, status, payload)
            if new_record:
                state.records[kind].append({**body, "idempotency_key": key})
        return JSONResponse(payload, status_code=status)

    secured = [Depends(auth)]

    @app.get("/v1/health")
    async def health() -> Any:
        return m.Health(status="ok", version=VERSION, time=state.clock()).model_dump(mode="json")

    @app.get("/v1/services", dependencies=secured)
    async def list_services(request: Request) -> Response:
        return conditional("services", request)

    @app.get("/v1/services/{id}", dependencies=secured)
    async def get_service(id: str = PathParam(pattern=m.KEY_PATTERN)) -> Any:
        svc = state.services.get(id)
        if svc is None:
            raise _ProblemError(404, "No such service item")
        return svc.model_dump(mode="json")

    @app.post("/v1/case-search", dependencies=secured)
    async def cases_search(body: m.CaseSearch) -> Any:
        # CaseSearch checked the shape, check character and birth date (422 otherwise).
        found = [c.model_dump(mode="json") for idn, _, c in state.cases.values() if idn == body.id_number]
        return JSONResponse(found, headers={"Cache-Control": "no-store"})

    @app.get("/v1/cases/{case_no}", dependencies=secured)
    async def case_by_no(case_no: str = PathParam(pattern=m.CASE_NO_PATTERN),
                         phone_last4: str = Query(pattern=m.PHONE_LAST4_PATTERN)) -> Any:
        found = state.cases.get(case_no)
        if found is None or not found[1].endswith(phone_last4):
            raise _ProblemError(404, "No such case", "unknown case number or phone digits do not match")
        return found[2].model_dump(mode="json")

    @app.get("/v1/enterprises", dependencies=secured)
    async def enterprises_by_name(
            name: str = Query(min_length=1, max_length=m.ENTERPRISE_NAME_QUERY_MAX),
            limit: int = Query(default=5, ge=1, le=m.ENTERPRISE_MATCHES_MAX)) -> Any:
        words = name.strip()
        found = [e for e in state.enterprises.values() if words and words in e.name][:limit]
        return [m.EnterpriseMatch(uscc=e.uscc, name=e.name, type=e.type, status=e.status).model_dump(mode="json")
                for e in found]

    @app.get("/v1/enterprises/{uscc}", dependencies=secured)
    async def enterprise(uscc: str = PathParam(pattern=m.USCC_PATTERN)) -> Any:
        if not is_valid_uscc(uscc):  # the shape was checked by the pattern; this is the check character
            raise _ProblemError(422, "Invalid input", "uscc: wrong check character")
        e = state.enterprises.get(uscc)
        if e is None:
            raise _ProblemError(404, "No such enterprise")
        return e.model_dump(mode="json")

    @app.post("/v1/tickets", dependencies=secured, status_code=201)
    async def create_ticket(body: m.TicketCreate, key: str = Header(alias="Idempotency-Key")
                            ) -> Any:
        svc = None
        if body.service_code is not None:
            svc = state.services.get(body.service_code)
            if svc is None:
                raise _ProblemError(404, "No such service item")

        def create() -> tuple[int, Any, bool]:
            now = state.clock()
            day = now.astimezone(seed.SHANGHAI).strftime("%Y%m%d")
            issued = state.queue.setdefault(day, [])
            ahead = sum(issued) if body.priority else len(issued)   # 绿色通道 is called first
            issued.append(body.priority)
            served = int((now - state.started).total_seconds() // state.serve_interval)
            number = f"{'V' if body.priority else 'A'}{len(issued):03d}"
            t = m.Ticket(number=number, service_code=svc.code if svc else None,
                         service_name=svc.name if svc else None, priority=body.priority,
                         waiting=max(0, ahead - served), wait_area=QUEUE_AREA, window=QUEUE_WINDOW,
                         delegable=svc.delegable if svc else False,
                         status_url=f"{QUEUE_PAGE}/{day}-{number}", issued_at=now)
            return 201, t.model_dump(mode="json"), True

        return idempotent("tickets", key, body.model_dump(mode="json"), create)

    @app.post("/v1/feedback", dependencies=secured, status_code=201)
    async def submit_feedback(body: m.FeedbackCreate,
                              key: str = Header(alias="Idempotency-Key")) -> Any:
        def create() -> tuple[int, Any, bool]:
            now = state.clock()
            tn = body.tracking_no
            if tn is not None and tn in state.feedback:  # the terminal's own number: same record
                stored, at = state.feedback[tn]
                if stored != body:
                    raise _ProblemError(409, "tracking_no already used by another feedback")
                receipt = m.FeedbackReceipt(tracking_no=tn, status="已受理", submitted_at=at)
                return 201, receipt.model_dump(mode="json"), False
            if tn is None:
                day = now.strftime("%Y%m%d")
                state.feedback_seq[day] = state.feedback_seq.get(day, 0) + 1
                tn = f"FK{day}SRV0{state.feedback_seq[day]:04d}"
            state.feedback[tn] = (body, now)
            return 201, m.FeedbackReceipt(tracking_no=tn, status="已受理", submitted_at=now).model_dump(mode="json"), True

        return idempotent("feedback", key, body.model_dump(mode="json"), create)

    @app.get("/v1/feedback/{tracking_no}", dependencies=secured)
    async def feedback_status(tracking_no: str = PathParam(pattern=m.TRACKING_NO_PATTERN)) -> Any:
        found = state.feedback.get(tracking_no)
        if found is None:
            raise _ProblemError(404, "No such feedback")
        body, at = found
        elapsed = (state.clock() - at).total_seconds()
        if elapsed >= state.reply_delay:
            return m.FeedbackStatus(
                tracking_no=tracking_no, status="已回复", submitted_at=at, department="道德街街道经济发展办公室",
                reply=f"您反映的“{body.category}”问题已转交相关部门核实处理，网格员将与您联系。感谢您的反馈。",
                replied_at=at + timedelta(seconds=state.reply_delay)).model_dump(mode="json")
        status = "办理中" if elapsed >= state.reply_delay / 2 else "已受理"
        return m.FeedbackStatus(tracking_no=tracking_no, status=status, submitted_at=at,
                                department="道德街街道经济发展办公室").model_dump(mode="json")

    @app.post("/v1/evaluations", dependencies=secured, status_code=201)
    async def submit_evaluation(body: m.EvaluationCreate,
                                key: str = Header(alias="Idempotency-Key")) -> Any:
        def create() -> tuple[int, Any, bool]:
            n = len(state.records["evaluations"]) + 1
            return 201, m.EvaluationReceipt(id=f"EV{n:06d}", received_at=state.clock()).model_dump(mode="json"), True

        return idempotent("evaluations", key, body.model_dump(mode="json"), create)

    @app.post("/v1/help-requests", dependencies=secured, status_code=201)
    async def create_help(body: m.HelpRequestCreate,
                          key: str = Header(alias="Idempotency-Key")) -> Any:
        def create() -> tuple[int, Any, bool]:
            hid = f"H{len(state.help) + 1:05d}"
            h = m.HelpRequest(id=hid, terminal_id=body.terminal_id, reason=body.reason, screen=body.screen,
                              service_code=body.service_code, status="waiting", created_at=state.clock())
            state.help[hid] = h
            return 201, h.model_dump(mode="json"), True

        return idempotent("help_requests", key, body.model_dump(mode="json"), create)

    @app.get("/v1/help-requests", dependencies=secured)
    async def list_help(terminal_id: str = Query(pattern=m.TERMINAL_ID_PATTERN)) -> Any:
        return [h.model_dump(mode="json") for h in state.help.values()
                if h.terminal_id == terminal_id and h.status == "waiting"]

    @app.post("/v1/help-requests/{id}/handled", dependencies=secured)
    async def help_handled(id: str = PathParam(pattern=m.KEY_PATTERN),
                           key: str = Header(alias="Idempotency-Key")) -> Any:
        h = state.help.get(id)
        if h is None:
            raise _ProblemError(404, "No such help request")

        def create() -> tuple[int, Any, bool]:
            done = h.model_copy(update={"status": "handled", "handled_at": state.clock()})
            state.help[id] = done
            return 200, done.model_dump(mode="json"), True

        return idempotent("help_handled", key, {"handled": id}, create)

    @app.post("/v1/terminals/{id}/heartbeat", dependencies=secured)
    async def heartbeat(body: m.Heartbeat, id: str = PathParam(pattern=m.TERMINAL_ID_PATTERN),
                        key: str = Header(alias="Idempotency-Key")) -> Any:
        def create() -> tuple[int, Any, bool]:
            return 200, m.HeartbeatAck(terminal_id=id, received_at=state.clock()).model_dump(mode="json"), True

        return idempotent("heartbeats", key, {"terminal_id": id, **body.model_dump(mode="json")}, create)

    @app.post("/v1/terminals/{id}/events", dependencies=secured, status_code=201)
    async def security_event(body: m.SecurityEventCreate, id: str = PathParam(pattern=m.TERMINAL_ID_PATTERN),
                             key: str = Header(alias="Idempotency-Key")) -> Any:
        def create() -> tuple[int, Any, bool]:
            n = len(state.records["security_events"]) + 1
            ack = m.SecurityEventAck(id=f"SE{n:06d}", terminal_id=id, received_at=state.clock())
            return 201, ack.model_dump(mode="json"), True

        return idempotent("security_events", key, {"terminal_id": id, **body.model_dump(mode="json")}, create)

    @app.get("/v1/policies", dependencies=secured)
    async def policies(request: Request) -> Response:
        return conditional("policies", request)

    @app.get("/v1/jobs", dependencies=secured)
    async def jobs(request: Request) -> Response:
        return conditional("jobs", request)

    @app.get("/v1/center/status", dependencies=secured)
    async def center_status() -> Any:
        now = state.clock().astimezone(seed.SHANGHAI)
        with state.lock:
            waiting = state.waiting_now()
        status = seed_center.center_status(now, state.started.astimezone(seed.SHANGHAI).date(), waiting)
        return status.model_dump(mode="json")

    add_licence_routes(app, state, secured, idempotent, _ProblemError)
    return app
