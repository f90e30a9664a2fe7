"""The committed contract, the models, the demo server and the client agree."""

from __future__ import annotations

from pathlib import Path

import requests
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from kiosk.api import contract
from kiosk.api import models as m
from kiosk.demo_api import DEMO_IDENTITIES, ENTERPRISES, DemoServer
from kiosk.demo_api.app import DemoState, create_app

from .conftest import TOKEN

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "api" / "openapi.yaml"


def test_committed_document_matches_models() -> None:
    assert DOC.read_text("utf-8") == contract.render(), (
        "docs/api/openapi.yaml is out of date: run `python -m kiosk.api.contract > docs/api/openapi.yaml`")


def test_document_is_openapi_31_with_every_route() -> None:
    doc = yaml.safe_load(DOC.read_text("utf-8"))
    assert doc["openapi"] == "3.1.0"
    ops = {(p, meth.upper()) for p, item in doc["paths"].items() for meth in item}
    assert ops == {(r.path, r.method) for r in contract.ROUTES}
    for r in contract.ROUTES:
        op = doc["paths"][r.path][r.method.lower()]
        if r.method == "POST":
            assert any(p["name"] == "Idempotency-Key" and p["required"] for p in op["parameters"])
        if r.auth:
            assert "401" in op["responses"]
        assert "application/problem+json" in op["responses"]["503"]["content"]


def test_demo_server_serves_exactly_the_contract_routes() -> None:
    app = create_app(DemoState(), "t")
    served = {(r.path, meth) for r in app.routes if hasattr(r, "methods") for meth in r.methods}
    assert served == {(r.path, r.method) for r in contract.ROUTES}


# ---- property-based run of the demo server against the contract ---------------------------------

_GOOD_PATH_VALUES = {
    "id": ["370102-SCJG-001", "370102-RSJ-002", "H00001", "DDJ-T01"],
    "case_no": [],  # filled from the server's seed
    "uscc": [e.uscc for e in ENTERPRISES],
    "tracking_no": ["FK20261126JT010001"],
}
_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=30)


def _path_value(name: str) -> st.SearchStrategy[str]:
    good = _GOOD_PATH_VALUES.get(name) or ["x"]
    return st.one_of(st.sampled_from(good), _text.filter(lambda s: s.strip() not in ("", ".", "..")))


def _query_value(p: contract.Param) -> st.SearchStrategy[str]:
    if p.name == "id_number":
        return st.one_of(st.sampled_from([i.id_number for i in DEMO_IDENTITIES]), _text)
    if p.name == "phone_last4":
        return st.one_of(st.sampled_from([i.phone[-4:] for i in DEMO_IDENTITIES]), st.from_regex(r"\A\d{4}\Z"), _text)
    return _text


def _body(model: type | None) -> st.SearchStrategy[object]:
    if model is None:
        return st.none()
    junk = st.dictionaries(st.sampled_from(list(model.model_fields) + ["zzz"]),
                           st.one_of(st.none(), st.integers(-3, 9), _text, st.lists(_text, max_size=2)), max_size=6)
    valid = {
        m.TicketCreate: st.builds(dict, service_code=st.sampled_from(["370102-SCJG-001", "nope"]),
                                  terminal_id=st.just("T1")),
        m.FeedbackCreate: st.builds(dict, category=_text, content=_text, terminal_id=st.just("T1")),
        m.EvaluationCreate: st.builds(dict, level=st.integers(0, 6), reasons=st.lists(_text, max_size=2),
                                      case_no=st.just("C1"), terminal_id=st.just("T1")),
        m.HelpRequestCreate: st.builds(dict, terminal_id=st.just("T1"), reason=_text),
        m.Heartbeat: st.builds(dict, app_version=st.just("1"), uptime_s=st.floats(-1, 1e6),
                               sent_at=st.just("2026-11-26T10:00:00+08:00")),
        m.SecurityEventCreate: st.builds(dict, kind=st.sampled_from(["pin_lockout", "x"]),
                                         role=st.sampled_from(["helper", "technician", "citizen"]),
                                         failures=st.integers(0, 20), at=st.just("2026-11-26T10:00:00+08:00"),
                                         locked_until=st.just("2026-11-26T10:01:00+08:00")),
    }[model]
    return st.one_of(valid, junk)


@st.composite
def _calls(draw: st.DrawFn) -> tuple[contract.Route, str, dict, object, dict]:
    r = draw(st.sampled_from(contract.ROUTES))
    path = r.path
    params: dict[str, str] = {}
    for p in r.params:
        if p.where == "path":
            path = path.replace("{" + p.name + "}", requests.utils.quote(draw(_path_value(p.name)), safe=""))
        elif p.where == "query" and draw(st.booleans() if not p.required else st.just(True)):
            params[p.name] = draw(_query_value(p))
    headers = {"Authorization": f"Bearer {TOKEN}" if draw(st.integers(0, 9)) else "Bearer nope"}
    if r.method == "POST" and draw(st.integers(0, 9)):
        headers["Idempotency-Key"] = draw(st.sampled_from(["k" * 8, "key-00000001", "x" * 20, "short"]))
    return r, path, params, draw(_body(r.body)), headers


def test_demo_server_honours_contract_on_generated_requests() -> None:
    srv = DemoServer(token=TOKEN)
    base = srv.start()
    _GOOD_PATH_VALUES["case_no"] = list(srv.state.cases)
    session = requests.Session()
    seen: set[int] = set()
    try:
        @settings(max_examples=150, deadline=None, database=None,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
        @given(_calls())
        def check(call: tuple[contract.Route, str, dict, object, dict]) -> None:
            r, path, params, body, headers = call
            resp = session.request(r.method, base + path, params=params, headers=headers,
                                   json=body if r.method == "POST" else None, timeout=5)
            seen.add(resp.status_code)
            assert resp.status_code < 500, (r.operation_id, resp.status_code, resp.text)
            declared = {str(r.status), "304", "400", "401", "404", "409", "422"} & set(
                yaml_doc["paths"][r.path][r.method.lower()]["responses"])
            # Starlette answers 404 for a path segment it cannot route (e.g. an encoded '/').
            assert str(resp.status_code) in declared | {"404"}, (r.operation_id, resp.status_code)
            if resp.status_code == r.status:
                data = resp.json()
                TypeAdapter(list[r.response] if r.many else r.response).validate_python(data)
            else:
                assert resp.headers["content-type"].startswith("application/problem+json")
                problem = m.Problem.model_validate(resp.json())
                assert problem.status == resp.status_code
            # answers never carry a citizen's full ID number (masked applicant only)
            assert not any(i.id_number in resp.text for i in DEMO_IDENTITIES), (r.operation_id, resp.text[:200])

        yaml_doc = yaml.safe_load(DOC.read_text("utf-8"))
        check()
    finally:
        session.close()
        srv.stop()
    assert {200, 401} <= seen  # the run reached both the happy path and the guard
