"""The demo central API crawled as a terminal would (issue 14): every list, every item, every case of
every demo citizen, every enterprise, policies, jobs and tickets, through the terminal's own client.
Every answer's raw body is read: the center is in 槐荫区 (370104), never 历下区 (370102), and every ticket
and every case goes through the one 综合窗口."""

from __future__ import annotations

import json

from kiosk.api import ApiClient
from kiosk.demo_api import DEMO_IDENTITIES, ENTERPRISES, DemoServer
from kiosk.demo_api.seed import FRONT_DESK

WRONG = ("历下", "370102", "Lixia")


def _crawl(server: DemoServer, client: ApiClient) -> tuple[list[str], dict]:
    bodies: list[str] = []
    request = client._request

    def keep(*args, **kwargs):
        answer = request(*args, **kwargs)
        bodies.append(answer.content.decode())
        return answer

    client._request = keep
    services = client.services()
    for svc in services:
        client.service(svc.id)
    cases = []
    for who in DEMO_IDENTITIES:
        for case in client.cases_by_id_number(who.id_number):
            cases.append(client.case_by_number(case.case_no, who.phone[-4:]))
    enterprises = [client.enterprise(e.uscc) for e in ENTERPRISES]
    client.policies()
    client.jobs()
    tickets = [client.create_ticket(), client.create_ticket(priority=True)]
    tickets += [client.create_ticket(s.code, priority=i % 7 == 0) for i, s in enumerate(services)]
    return bodies, {"services": services, "cases": cases, "enterprises": enterprises, "tickets": tickets}


def test_the_demo_api_never_says_lixia(server: DemoServer, client: ApiClient) -> None:
    bodies, seen = _crawl(server, client)
    # services + 62 items + searches + cases + enterprises + policies + jobs + tickets: all read
    assert len(seen["services"]) == 62 and len(seen["cases"]) >= 13 and len(seen["tickets"]) == 64
    assert len(bodies) >= 1 + 62 + len(DEMO_IDENTITIES) + 13 + len(ENTERPRISES) + 2 + 64
    for body in bodies:
        text = json.dumps(json.loads(body), ensure_ascii=False)
        for word in WRONG:
            assert word not in text, (word, text[:300])
    assert all(e.uscc[2:8] == "370104" and "槐荫区" in e.registration_authority for e in seen["enterprises"])


def test_every_ticket_and_case_goes_through_the_one_window(server: DemoServer, client: ApiClient) -> None:
    _bodies, seen = _crawl(server, client)
    assert {(t.wait_area, t.window) for t in seen["tickets"]} == {("综合服务区", "综合窗口")}
    assert {s.window for s in seen["services"]} == {"综合服务区 综合窗口"}
    for case in seen["cases"]:
        assert case.case_no.startswith("370104")
        # 前台综合受理、后台分类审批: the front desk receives, a 槐荫区 department approves behind it.
        assert case.steps[0].department == FRONT_DESK
        assert all(s.department == FRONT_DESK or s.department.startswith("槐荫区") for s in case.steps)
        if case.delivery is not None and case.delivery.method == "自取":
            assert "综合窗口" in case.delivery.place
    assert any(s.department.startswith("槐荫区") for c in seen["cases"] for s in c.steps)
