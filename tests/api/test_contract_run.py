"""Schemathesis generates requests from the committed docs/api/openapi.yaml and sends them to the real
demo server on 127.0.0.1; its checks compare every answer with the document.

Positive and negative data (values that break a pattern, a length, a type, a required field), the
coverage phase's edge cases (missing Idempotency-Key, methods a path does not offer) and fuzzing.
Seeded and bounded, so every run sends the same requests and takes seconds, not minutes.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis

from kiosk.demo_api import DEMO_IDENTITIES, DemoServer

from .conftest import TOKEN

DOC = Path(__file__).resolve().parents[2] / "docs" / "api" / "openapi.yaml"
SEED = 20261126

CONFIG = schemathesis.Config.from_dict({
    "seed": SEED,
    # Generation time depends on the machine's load (CI shares it): not a property of the contract.
    "suppress-health-check": ["too_slow"],
    "generation": {"mode": "all", "max-examples": 30, "database": "none", "deterministic": True},
    "phases": {"examples": {"enabled": True}, "coverage": {"enabled": True}, "fuzzing": {"enabled": True},
               "stateful": {"enabled": False}},
    "auth": {"openapi": {"bearerAuth": {"bearer": TOKEN}}},
    "checks": {
        "not_a_server_error": {"enabled": True},
        "status_code_conformance": {"enabled": True},
        "content_type_conformance": {"enabled": True},
        "response_schema_conformance": {"enabled": True},
        "response_headers_conformance": {"enabled": True},
        "negative_data_rejection": {"enabled": True},
        # Without Idempotency-Key a POST is 400 (the contract says so), not whatever else went wrong.
        "missing_required_header": {"enabled": True, "expected-statuses": ["400"]},
        "unsupported_method": {"enabled": True},
        "ignored_auth": {"enabled": True},
        "positive_data_acceptance": {"enabled": True},
    },
    # A check character (GB 11643, GB 32100) is more than a pattern can say: a schema-valid number with a
    # wrong one is 422, as the two operations document.
    "operations": [{
        "include-operation-id": ["searchCasesByIdNumber", "getEnterprise", "searchLicencesByIdNumber",
                                 "enterpriseLicences"],
        "checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "401", "404", "422"]}},
    }],
})
schema = schemathesis.openapi.from_path(DOC, config=CONFIG)


@schemathesis.check
def no_full_id_number_in_answers(ctx: schemathesis.CheckContext, response: schemathesis.Response,
                                 case: schemathesis.Case) -> bool | None:
    """Answers carry the applicant masked (3701**********771X), never a full ID number."""
    body = response.content           # bytes: a licence PDF is no text
    for who in DEMO_IDENTITIES:
        if who.id_number.encode() in body:
            raise AssertionError(f"{case.operation.label} answered with a full ID number")
    return None


@pytest.fixture(scope="module")
def demo_url() -> Iterator[str]:
    srv = DemoServer(host="127.0.0.1", port=0, token=TOKEN, reply_delay=0.5)
    try:
        yield srv.start()
    finally:
        srv.stop()


@schema.parametrize()
def test_demo_server_keeps_the_written_contract(case: schemathesis.Case, demo_url: str) -> None:
    case.call_and_validate(base_url=demo_url, timeout=5)
