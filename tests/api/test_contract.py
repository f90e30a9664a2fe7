"""The committed contract, the models, the demo server and the client agree (the generated-request run
of schemathesis against the demo server is in test_contract_run.py)."""

from __future__ import annotations

from pathlib import Path

import requests
import yaml

from kiosk.api import contract
from kiosk.demo_api import DemoServer
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


def test_missing_idempotency_key_is_refused_before_anything_else(server: DemoServer) -> None:
    """No key: 400, even with a wrong token, a body that is not JSON, or an item that does not exist."""
    with requests.Session() as s:
        for r in (r for r in contract.ROUTES if r.method == "POST"):
            url = server.base_url + r.path.replace("{id}", "NOPE")
            for headers, body in (({"Authorization": "Bearer wrong"}, b"{}"),
                                  ({"Authorization": f"Bearer {TOKEN}"}, b"{not json"),
                                  ({"Authorization": f"Bearer {TOKEN}"}, b"{}"),
                                  ({"Authorization": f"Bearer {TOKEN}", "Idempotency-Key": "short"}, b"{}")):
                resp = s.post(url, data=body, headers={**headers, "Content-Type": "application/json"}, timeout=5)
                assert resp.status_code == 400, (r.operation_id, headers, body, resp.status_code)
                assert resp.headers["content-type"].startswith("application/problem+json")
                assert "Idempotency-Key" in resp.json()["title"]
            # with a key, the token is the next thing checked
            resp = s.post(url, data=b"{not json", headers={"Authorization": "Bearer wrong",
                                                             "Idempotency-Key": "key-00000001"}, timeout=5)
            assert resp.status_code == 401, (r.operation_id, resp.status_code)


def test_405_names_every_method_of_the_path(server: DemoServer) -> None:
    with requests.Session() as s:
        for path in {r.path for r in contract.ROUTES}:
            offered = {r.method for r in contract.ROUTES if r.path == path}
            url = server.base_url + path.replace("{id}", "H00001").replace("{case_no}", "X00001") \
                .replace("{uscc}", "91370104MA3C5RKX9L").replace("{tracking_no}", "FK20261126JT010001")
            for method in sorted({"GET", "POST", "PUT", "DELETE", "PATCH"} - offered):
                resp = s.request(method, url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=5)
                assert resp.status_code == 405, (method, path, resp.status_code)
                assert set(resp.headers["Allow"].split(", ")) == offered, (method, path, resp.headers["Allow"])
