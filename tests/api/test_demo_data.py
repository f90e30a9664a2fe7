"""The demo API's seed data is valid and complete; tickets restart on the Shanghai day boundary."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from kiosk.api import ApiClient, NotFound
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
    assert ids[0].startswith("37010419900307751") and ids[1].startswith("370104196505120")
    assert all(is_valid_uscc(e.uscc) for e in ENTERPRISES)
    assert {e.status for e in ENTERPRISES} >= {"存续", "在业", "注销", "吊销"}
    # by hand: D=13 -> 13*3 + 2*7 + 6*9 + 8*10 + 3*5 + 0*8 + 0*4 + 3*2 = 208; 208 mod 11 = 10; 11-10 = 1
    assert org_code("D2683003") == "D26830031"


def test_cases_cover_every_status(server: DemoServer, client: ApiClient) -> None:
    seen = {c.status for i in DEMO_IDENTITIES for c in client.cases_by_id_number(i.id_number)}
    assert seen == set(CaseStatus)
    assert client.cases_by_id_number("11010519491231002X") == []  # valid but unknown: no cases


def test_every_item_is_taken_at_the_one_window() -> None:
    items = build_services()
    assert {i.window for i in items} == {"综合服务区 综合窗口"}              # 一窗受理: no department windows
    assert all(i.department.startswith("槐荫区") for i in items)             # who approves behind the desk
    assert all(i.code.startswith("370104-") for i in items)
    by_name = {i.name: i for i in items}
    assert by_name["个体工商户设立登记"].delegable and by_name["企业社保账户开通"].delegable
    assert not by_name["高龄津贴申领"].delegable
    ranks = sorted(i.popular for i in items if i.popular is not None)
    assert 3 <= len(ranks) <= 8 and ranks == list(range(1, len(ranks) + 1))   # a handful, ranked 1..n
    assert by_name["个体工商户设立登记"].popular == 1


def test_one_queue_one_daily_sequence_and_numbers_restart_at_shanghai_midnight() -> None:
    now = [datetime(2026, 11, 26, 23, 59, 0, tzinfo=SHANGHAI)]
    srv = DemoServer(token=TOKEN, clock=lambda: now[0])
    srv.start()
    try:
        with ApiClient(srv.base_url, TOKEN, TERMINAL) as c:
            # Items of any department, general tickets and 绿色通道 share one sequence; V marks priority.
            a1, a2 = c.create_ticket("370104-SCJG-001"), c.create_ticket("370104-MZJ-001")
            general = c.create_ticket()
            v4 = c.create_ticket(priority=True)
            v5 = c.create_ticket("370104-RSJ-001", priority=True)
            assert [t.number for t in (a1, a2, general, v4, v5)] == ["A001", "A002", "A003", "V004", "V005"]
            assert (general.service_code, general.service_name, general.delegable) == (None, None, False)
            assert a1.service_name == "个体工商户设立登记" and a1.delegable and not a2.delegable
            assert {(t.wait_area, t.window) for t in (a1, a2, general, v4, v5)} == {("综合服务区", "综合窗口")}
            # Nobody served yet (the clock stands still): 绿色通道 is called before the general tickets.
            assert [t.waiting for t in (a1, a2, general, v4, v5)] == [0, 1, 2, 0, 1]
            assert v5.priority and not a1.priority
            assert v5.status_url == "https://zwfw.demo.invalid/queue/20261126-V005"
            with pytest.raises(NotFound):
                c.create_ticket("370104-NOPE-001")
            now[0] += timedelta(minutes=2)  # 00:01 Shanghai, 16:01 UTC the same calendar day
            assert c.create_ticket("370104-SCJG-002").number == "A001"
    finally:
        srv.stop()
