"""The demo API's seed data is valid and complete; tickets restart on the Shanghai day boundary."""

from __future__ import annotations

from datetime import datetime, timedelta

from kiosk.api import ApiClient
from kiosk.api.models import CaseStatus
from kiosk.demo_api import DEMO_IDENTITIES, ENTERPRISES, DemoServer
from kiosk.demo_api.seed import SHANGHAI, org_code
from kiosk.demo_api.seed_services import build_services
from kiosk.validators import is_valid_id_number, is_valid_uscc

from .conftest import TERMINAL, TOKEN


def test_catalog_has_62_complete_items() -> None:
    items = build_services()
    assert len(items) == 62 and len({i.code for i in items}) == 62
    assert {i.category for i in items} >= {"市场监管", "人力资源和社会保障", "民政", "医疗保障"}
    for i in items:
        assert i.materials and i.conditions and i.name_en and i.pinyin_initials
        assert i.promised_days <= i.legal_days
    by_name = {i.name: i for i in items}
    assert by_name["个体工商户设立登记"].pinyin_initials == "GTGSHSLDJ"


def test_identities_and_enterprises_have_valid_check_characters() -> None:
    ids = [i.id_number for i in DEMO_IDENTITIES]
    assert all(is_valid_id_number(x) for x in ids)
    assert ids[0].startswith("37010219900307771") and ids[1].startswith("370103196505120")
    assert all(is_valid_uscc(e.uscc) for e in ENTERPRISES)
    assert {e.status for e in ENTERPRISES} >= {"存续", "在业", "注销", "吊销"}
    # by hand: D=13 -> 13*3 + 2*7 + 6*9 + 8*10 + 3*5 + 0*8 + 0*4 + 3*2 = 208; 208 mod 11 = 10; 11-10 = 1
    assert org_code("D2683003") == "D26830031"


def test_cases_cover_every_status(server: DemoServer, client: ApiClient) -> None:
    seen = {c.status for i in DEMO_IDENTITIES for c in client.cases_by_id_number(i.id_number)}
    assert seen == set(CaseStatus)
    assert client.cases_by_id_number("11010519491231002X") == []  # valid but unknown: no cases


def test_ticket_numbers_restart_at_shanghai_midnight() -> None:
    now = [datetime(2026, 11, 26, 23, 59, 0, tzinfo=SHANGHAI)]
    srv = DemoServer(token=TOKEN, clock=lambda: now[0])
    srv.start()
    try:
        with ApiClient(srv.base_url, TOKEN, TERMINAL) as c:
            assert [c.create_ticket("370102-SCJG-001").number for _ in range(2)] == ["A001", "A002"]
            assert c.create_ticket("370102-RSJ-001").number == "B001"
            now[0] += timedelta(minutes=2)  # 00:01 Shanghai, 16:01 UTC the same calendar day
            assert c.create_ticket("370102-SCJG-002").number == "A001"
    finally:
        srv.stop()
