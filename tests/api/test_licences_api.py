"""证照打印's part of the contract, through the real client against the demo server on 127.0.0.1: the
lists (by ID number in a body, by USCC), masked where personal; the PDF (A4, capped, a PDF or an
error); the record of a print, which counts copies."""

from __future__ import annotations

import subprocess
from datetime import datetime

import pytest

from kiosk.api import ApiClient
from kiosk.api import models as m
from kiosk.api.errors import BadResponse, NotFound, Rejected, ResponseTooLarge
from kiosk.demo_api import DEMO_IDENTITIES, ENTERPRISES, DemoServer
from kiosk.demo_api.seed import SHANGHAI, make_uscc

from .conftest import TERMINAL, TOKEN

WANG, _, _, LIU, CHEN = DEMO_IDENTITIES
SHOP = next(e for e in ENTERPRISES if e.name == "济南市槐荫区建国小吃店")


def test_a_person_gets_their_own_and_their_businesss_licences(client: ApiClient) -> None:
    found = {lic.id: lic for lic in client.licences_by_id_number(WANG.id_number)}
    assert set(found) == {"L0001", "L0002"}
    assert found["L0001"].holder == SHOP.name and found["L0001"].number == SHOP.uscc    # public: whole
    assert found["L0002"].print_policy is m.PrintPolicy.ONCE


def test_personal_numbers_and_names_come_masked(client: ApiClient) -> None:
    (lic,) = client.licences_by_id_number(CHEN.id_number)
    assert lic.name == "就业创业证" and lic.holder_kind == "person"
    assert lic.holder == "陈*" and "*" in lic.number and lic.number[:4] + lic.number[-4:] == "37010517"
    (card,) = client.licences_by_id_number(LIU.id_number)
    assert LIU.id_number not in card.number and card.print_policy is m.PrintPolicy.WINDOW_ONLY


def test_an_unknown_person_has_none_and_a_wrong_number_is_not_sent(client: ApiClient) -> None:
    assert client.licences_by_id_number("11010519491231002X") == []
    with pytest.raises(Rejected):
        client.licences_by_id_number("370104199003077510")        # wrong check character


def test_a_business_by_uscc(client: ApiClient) -> None:
    assert [lic.id for lic in client.enterprise_licences(SHOP.uscc)] == ["L0001", "L0002"]
    assert client.enterprise_licences(ENTERPRISES[1].uscc) == []          # known, no licences
    with pytest.raises(NotFound):
        client.enterprise_licences(make_uscc("92", "370104", "MA3F5G6H"))   # valid, unknown


def test_the_pdf_is_one_a4_page(client: ApiClient, tmp_path) -> None:
    pdf = client.licence_pdf("L0001")
    assert pdf.startswith(b"%PDF-")
    (tmp_path / "l.pdf").write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(tmp_path / "l.pdf")], capture_output=True, text=True, check=True).stdout
    assert "Pages:           1" in info and "(A4)" in info
    with pytest.raises(NotFound):
        client.licence_pdf("L9999")


def test_a_pdf_larger_than_the_cap_is_refused(server: DemoServer) -> None:
    with ApiClient(server.base_url, TOKEN, TERMINAL, retries=0, max_response_bytes=10_000) as small:
        with pytest.raises(ResponseTooLarge):
            small.licence_pdf("L0001")


def test_anything_but_a_pdf_is_a_bad_response(server: DemoServer, client: ApiClient) -> None:
    server.faults.wrong_shape = True          # 200 with JSON: a proxy's answer, not a licence
    with pytest.raises(BadResponse):
        client.licence_pdf("L0001")


def test_a_printed_copy_counts_and_a_failed_one_does_not(client: ApiClient) -> None:
    def record(outcome: str) -> m.LicencePrintReceipt:
        return client.record_licence_print(m.LicencePrintCreate(
            licence_id="L0002", licence_name="食品经营许可证（副本）", holder_masked=SHOP.name, uscc=SHOP.uscc,
            via="card", outcome=outcome, job_id=7, pages=1, terminal_id=TERMINAL,
            at=datetime(2026, 6, 1, 10, 0, tzinfo=SHANGHAI)))
    assert record("failed").printed_count == 0
    assert record("printed").printed_count == 1
    (_, once) = client.licences_by_id_number(WANG.id_number)
    assert once.id == "L0002" and once.printed_count == 1


def test_the_record_refuses_a_whole_id_number() -> None:
    with pytest.raises(ValueError):
        m.LicencePrintCreate(licence_id="L0004", licence_name="就业创业证", holder_masked="陈*",
                             holder_id_masked=CHEN.id_number, via="card", outcome="printed", pages=1,
                             terminal_id=TERMINAL, at=datetime(2026, 6, 1, 10, 0, tzinfo=SHANGHAI))


def test_the_outbox_sends_a_print_record(client: ApiClient, server: DemoServer) -> None:
    payload = {"licence_id": "L0001", "licence_name": "营业执照（副本）", "holder_masked": SHOP.name,
               "via": "helper", "uscc": SHOP.uscc, "outcome": "printed", "job_id": 3, "pages": 1,
               "terminal_id": TERMINAL, "at": "2026-06-01T10:00:00+08:00"}
    ack = client.send_outbox("licence_print", payload, "lp-key-0001")
    assert isinstance(ack, m.LicencePrintReceipt)
    again = client.send_outbox("licence_print", payload, "lp-key-0001")       # a retry: the same answer
    assert again == ack and len(server.received("licence_prints")) == 1
