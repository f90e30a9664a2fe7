"""The written contract of the central API, generated from kiosk/api/models.py and the route table below.

    python -m kiosk.api.contract > docs/api/openapi.yaml

The committed docs/api/openapi.yaml must equal the output (tests/api/test_contract.py fails on drift).
The demo server serves exactly these routes (tested too), and the client calls only these.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from kiosk.api import models as m

API_VERSION = "1.0.0"
PROBLEM_JSON = "application/problem+json"


@dataclass(frozen=True)
class Param:
    name: str
    where: str  # "path" | "query" | "header"
    schema: dict[str, Any]
    required: bool = True
    description: str = ""


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    operation_id: str
    summary: str
    response: type[BaseModel] | None  # None: not JSON, see media_type
    many: bool = False  # response is a JSON array of `response`
    status: int = 200
    body: type[BaseModel] | None = None
    params: tuple[Param, ...] = ()
    errors: tuple[int, ...] = ()  # statuses of the route's own logic; the common ones are added in build()
    replay: bool = True  # POST: the first answer is stored per Idempotency-Key (409 on a reused key)
    etag: bool = False  # GET answers with ETag and honours If-None-Match (304)
    auth: bool = True
    description: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    media_type: str = "application/json"  # of the success answer; other than JSON: a document (a PDF)


def _pattern(pattern: str, *examples: str) -> dict[str, Any]:
    """A string parameter. Examples are the demo server's synthetic data: they show the shape to a reader,
    and the contract run (tests/api/test_contract_run.py) sends them to reach the answers that need real
    data."""
    return {"type": "string", "pattern": pattern, **({"examples": list(examples)} if examples else {})}


_ID = Param("id", "path", _pattern(m.KEY_PATTERN))
#: Printable ASCII without spaces: HTTP trims blanks around header values, so " key " would not be the key.
IDEMPOTENCY_KEY_PATTERN = r"^[!-~]{8,128}$"
_IDEM = Param(
    "Idempotency-Key", "header", _pattern(IDEMPOTENCY_KEY_PATTERN),
    description="Required on every POST and checked before anything else (token, body): 400 without it. "
    "Where a POST creates a record, the same key returns the stored response of the first request and "
    "creates no second record; the same key with a different body is 409.",
)
_TERMINAL = Param("terminal_id", "query", _pattern(m.TERMINAL_ID_PATTERN))

ROUTES: tuple[Route, ...] = (
    Route("GET", "/v1/health", "health", "Liveness of the API (no token needed)", m.Health, auth=False),
    Route("GET", "/v1/services", "listServices", "The service items (事项) of the center", m.ServiceItem,
          many=True, etag=True),
    Route("GET", "/v1/services/{id}", "getService", "One service item", m.ServiceItem,
          params=(Param("id", "path", _pattern(m.KEY_PATTERN, "370104-SCJG-001")),)),
    Route("POST", "/v1/case-search", "searchCasesByIdNumber", "Cases of the citizen whose ID card was read",
          m.Case, many=True, body=m.CaseSearch, replay=False,
          description="The terminal vouches that the ID card was read in the current session. The ID number "
          "travels only in this body, never in a URL. A read: nothing is stored, so an Idempotency-Key is never "
          "replayed here (it is still required, like on every POST). An unknown ID number gives an empty "
          "list; a wrong check character or birth date is 422. Answered with Cache-Control: no-store."),
    Route("GET", "/v1/cases/{case_no}", "caseByNumber", "One case by 办件编号 and the phone's last 4 digits",
          m.Case,
          params=(Param("case_no", "path", _pattern(m.CASE_NO_PATTERN, "3701042026000000001")),
                  Param("phone_last4", "query", _pattern(m.PHONE_LAST4_PATTERN, "1234"))),
          description="A wrong phone_last4 answers 404 like an unknown case, so existence is not revealed."),
    Route("GET", "/v1/enterprises/{uscc}", "getEnterprise", "Registration facts of an enterprise",
          m.Enterprise, params=(Param("uscc", "path", _pattern(m.USCC_PATTERN, "92370104MA3C8K1N6B")),),
          description="A USCC of the right shape with a wrong check character (GB 32100) is 422."),
    Route("GET", "/v1/enterprises", "searchEnterprisesByName", "Enterprises whose name contains the words",
          m.EnterpriseMatch, many=True,
          params=(Param("name", "query", {"type": "string", "minLength": 1,
                                          "maxLength": m.ENTERPRISE_NAME_QUERY_MAX, "examples": ["小吃"]}),
                  Param("limit", "query", {"type": "integer", "minimum": 1, "maximum": m.ENTERPRISE_MATCHES_MAX,
                                           "default": 5}, required=False)),
          description="For a citizen who knows the name, not the code: registered enterprises whose name "
          "contains `name` (blanks around it ignored), at most `limit`, in the registry's order. No match "
          "is an empty list. The answer names no person; the card (getEnterprise) has the rest."),
    Route("POST", "/v1/tickets", "createTicket", "Take a queue number", m.Ticket, status=201,
          body=m.TicketCreate, errors=(404,),
          description="一窗受理: the center has one queue for its one 综合窗口. Numbers come from one daily "
          "sequence that restarts at 00:00 Asia/Shanghai; the prefix says the kind: A general, V 绿色通道 "
          "(priority: called before the general tickets), e.g. A001, A002, V003. service_code is optional "
          "(null: a general ticket); it is printed so staff can prepare. 404: no such service item."),
    Route("POST", "/v1/feedback", "submitFeedback", "Record an enterprise's 诉求", m.FeedbackReceipt,
          status=201, body=m.FeedbackCreate,
          description="tracking_no is normally generated by the terminal (format FK + YYYYMMDD "
          "(Asia/Shanghai) + last 4 letters/digits of the terminal id + 4-digit daily sequence, e.g. "
          "FK20261126JT010007 for terminal DDJ-T01) so it can be printed at once even offline; the server "
          "keeps it. A second POST with an existing tracking_no and the same body returns the existing "
          "record; with another body it is 409. Without tracking_no the server assigns one."),
    Route("GET", "/v1/feedback/{tracking_no}", "feedbackStatus", "Status and reply of a 诉求",
          m.FeedbackStatus, params=(Param("tracking_no", "path", _pattern(m.TRACKING_NO_PATTERN)),)),
    Route("POST", "/v1/evaluations", "submitEvaluation", "好差评 of one transaction", m.EvaluationReceipt,
          status=201, body=m.EvaluationCreate,
          description="Levels 1..5 = 非常不满意, 不满意, 基本满意, 满意, 非常满意; 1 and 2 (差评) need a reason. "
          "case_no or transaction_id is required (一次一评)."),
    Route("POST", "/v1/help-requests", "createHelpRequest", "Call a 帮办 helper to the terminal",
          m.HelpRequest, status=201, body=m.HelpRequestCreate),
    Route("GET", "/v1/help-requests", "listHelpRequests", "Waiting help requests of a terminal",
          m.HelpRequest, many=True, params=(_TERMINAL,)),
    Route("POST", "/v1/help-requests/{id}/handled", "markHelpHandled", "A helper took care of a request",
          m.HelpRequest, params=(_ID,)),
    Route("POST", "/v1/terminals/{id}/heartbeat", "heartbeat", "Health report of a terminal",
          m.HeartbeatAck, body=m.Heartbeat, params=(Param("id", "path", _pattern(m.TERMINAL_ID_PATTERN)),)),
    Route("POST", "/v1/terminals/{id}/events", "reportSecurityEvent", "A security event of a terminal "
          "(a PIN pad lockout)", m.SecurityEventAck, status=201, body=m.SecurityEventCreate,
          params=(Param("id", "path", _pattern(m.TERMINAL_ID_PATTERN)),),
          description="Sent through the terminal's outbox, so it arrives late rather than never; "
          "the same Idempotency-Key returns the stored answer."),
    Route("GET", "/v1/policies", "listPolicies", "Policies and subsidies (政策与补贴)", m.Policy, many=True,
          etag=True),
    Route("GET", "/v1/jobs", "listJobs", "Job posts (就业驿站)", m.JobPost, many=True, etag=True),
    Route("GET", "/v1/center/status", "centerStatus", "Today's hours, the queue and notices of the center",
          m.CenterStatus,
          description="For the terminals' home screens, asked about once a minute. hours_today already "
          "applies holidays and 调休 days. A value the center has not set is null, never a guess."),
)


# ---- 证照打印: the licence routes, a block of their own (added to the table, not woven into it) ----
#: Largest licence PDF the client reads: the same cap as every other answer (kiosk/api/client.py).
LICENCE_PDF_MAX_BYTES = 4 * 2**20
ROUTES = ROUTES + (
    Route("POST", "/v1/licence-search", "searchLicencesByIdNumber", "Licences issued to the citizen whose ID "
          "card was read, and to the 个体工商户 they run", m.Licence, many=True, body=m.LicenceSearch, replay=False,
          description="The terminal vouches that the ID card was read in the current session. The ID number "
          "travels only in this body, never in a URL. A read: nothing is stored, so an Idempotency-Key is never "
          "replayed here (it is still required, like on every POST). An unknown ID number gives an empty list; "
          "a wrong check character or birth date is 422. Personal numbers and names come masked. Answered "
          "with Cache-Control: no-store."),
    Route("GET", "/v1/enterprises/{uscc}/licences", "enterpriseLicences", "Licences issued to a business",
          m.Licence, many=True,
          params=(Param("uscc", "path", _pattern(m.USCC_PATTERN, "92370104MA3C8K1N6B")),),
          description="For an enterprise's authorised agent, whom a helper checked at the terminal (帮办模式). "
          "A USCC of the right shape with a wrong check character (GB 32100) is 422; an unknown one 404. "
          "Answered with Cache-Control: no-store."),
    Route("GET", "/v1/licences/{id}/pdf", "licencePdf", "One licence as a PDF of A4 pages", None,
          media_type="application/pdf",
          params=(Param("id", "path", _pattern(m.KEY_PATTERN, "L0001")),),
          description="The licence's pages with the issuer's verification QR (the official e-licence format "
          f"OFD may follow). At most {LICENCE_PDF_MAX_BYTES // 2**20} MiB. Answered with Cache-Control: "
          "no-store."),
    Route("POST", "/v1/licence-prints", "recordLicencePrint", "A licence printed on a terminal (or a failed "
          "job)", m.LicencePrintReceipt, status=201, body=m.LicencePrintCreate, errors=(404,),
          description="Sent through the terminal's outbox; the same Idempotency-Key returns the stored "
          "answer. A printed copy counts towards printed_count (a `once` licence is then printed at the "
          "window). 404: no such licence."),
)


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _problem(status: int, title: str) -> dict[str, Any]:
    return {"description": title, "content": {PROBLEM_JSON: {"schema": _ref(m.Problem)}}}


_ERROR_TITLES = {
    400: "Missing or malformed Idempotency-Key (checked first)", 401: "Missing or wrong bearer token",
    404: "Not found", 409: "Idempotency-Key reused with a different body", 422: "Invalid input",
    500: "Server error", 503: "Service unavailable",
}


def build() -> dict[str, Any]:
    """The OpenAPI 3.1 document as a dict (deterministic order)."""
    all_models: list[type[BaseModel]] = [m.Problem]
    for r in ROUTES:
        for mod in (r.response, r.body):
            if mod is not None and mod not in all_models:
                all_models.append(mod)
    keyed = [(mod, "validation" if any(r.body is mod for r in ROUTES) else "serialization")
             for mod in all_models]
    _, top = models_json_schema(keyed, ref_template="#/components/schemas/{model}")
    schemas = dict(sorted(top.get("$defs", {}).items()))

    paths: dict[str, dict[str, Any]] = {}
    for r in ROUTES:
        params = list(r.params)
        if r.method == "POST":
            params.append(_IDEM)
        if r.etag:
            params.append(Param("If-None-Match", "header", {"type": "string"}, required=False,
                                description="ETag of the copy the terminal holds; 304 when unchanged"))
        op: dict[str, Any] = {"operationId": r.operation_id, "summary": r.summary}
        if r.description:
            op["description"] = r.description
        if params:
            op["parameters"] = [
                {"name": p.name, "in": p.where, "required": p.required or p.where == "path",
                 "schema": p.schema, **({"description": p.description} if p.description else {})}
                for p in params
            ]
        if r.body is not None:
            op["requestBody"] = {"required": True, "content": {"application/json": {"schema": _ref(r.body)}}}
        if r.response is None:
            schema: dict[str, Any] = {"type": "string", "contentMediaType": r.media_type}
        else:
            schema = {"type": "array", "items": _ref(r.response)} if r.many else _ref(r.response)
        ok: dict[str, Any] = {"description": "OK", "content": {r.media_type: {"schema": schema}}}
        if r.etag:
            ok["headers"] = {"ETag": {"schema": {"type": "string"}}}
        responses: dict[str, Any] = {str(r.status): ok}
        if r.etag:
            responses["304"] = {"description": "Not modified since the ETag in If-None-Match"}
        codes = set(r.errors) | {500, 503}
        if r.auth:
            codes.add(401)
        if r.method == "POST":
            codes.add(400)
            if r.replay:
                codes.add(409)
        if r.body is not None or any(p.where in ("path", "query") for p in r.params):
            codes.add(422)  # the server validates every body and parameter against the schema
        if any(p.where == "path" for p in r.params):
            codes.add(404)  # no such item (and a segment that does not route, e.g. an encoded '/')
        for c in sorted(codes):
            responses[str(c)] = _problem(c, _ERROR_TITLES[c])
        op["responses"] = responses
        if not r.auth:
            op["security"] = []
        paths.setdefault(r.path, {})[r.method.lower()] = op

    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Central government-service API for self-service terminals",
            "version": API_VERSION,
            "description": "Used by the 自助终端 of the 道德街 street convenience service center. Errors are "
            "application/problem+json (RFC 9457). Every call but /v1/health needs the terminal's bearer "
            "token. Every POST needs an Idempotency-Key header (400 before anything else without it). A method "
            "a path does not offer is 405 with an Allow header. Generated from kiosk/api/models.py by "
            "`python -m kiosk.api.contract`; do not edit by hand.",
        },
        "servers": [{"url": "http://127.0.0.1:8765", "description": "demo central API (python -m kiosk.demo_api)"}],
        "security": [{"bearerAuth": []}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
        },
    }


def render() -> str:
    import yaml  # only needed to write the document

    return yaml.safe_dump(build(), sort_keys=False, allow_unicode=True, width=100)


def route(operation_id: str) -> Route:
    for r in ROUTES:
        if r.operation_id == operation_id:
            return r
    raise KeyError(operation_id)


if __name__ == "__main__":
    sys.stdout.write(render())
