"""The demo center's status for the home screen: hours, the queue, notices.

The news report the product was specified from gives no opening hours, street address or 咨询电话
(see the center facts in the docs), so the demo answers with values that cannot be taken for real
ones: a phone number whose local part starts with 0 (no Jinan number does) and an address that says
it is a demo. The hours are the demo's own, on a demo terminal whose every screen says 演示模式. The
notices are about what the center really runs: the 街道商会's 政银企对接会 and the "乐业道德"就业驿站.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from kiosk.api.models import CenterStatus, Notice, OpeningPeriod

DEMO_PHONE = "0531-00000000（演示）"
DEMO_ADDRESS = "槐荫区道德街街道（演示地址）"
#: Monday..Friday; 调休 and holidays are not modelled by the demo.
DEMO_WEEKDAYS = (1, 2, 3, 4, 5)
DEMO_PERIODS = ((time(9, 0), time(12, 0)), (time(13, 0), time(17, 0)))


def next_matchmaking(today: date) -> date:
    """The demo's next 政银企对接会: the first Thursday at least a week away, so it is always ahead."""
    day = today + timedelta(days=7)
    return day + timedelta(days=(3 - day.weekday()) % 7)


def notices(started: date) -> list[Notice]:
    return [
        Notice(id="N-ZYQ-NEXT", title="政银企对接会：企业融资现场对接", date=next_matchmaking(started),
               body="道德街街道商会联合多家银行举办政银企对接会，地点：道德街街道办事处四楼会议室。"
                    "有融资需求的企业可到综合窗口报名。"),
        Notice(id="N-JYYZ", title="“乐业道德”就业驿站：本周新岗位", date=started,
               body="就业驿站提供岗位推荐和就业、创业补贴政策咨询，岗位可在本机“就业驿站”查看。"),
    ]


def center_status(now: datetime, started: date, waiting: int) -> CenterStatus:
    """The status at `now` (Asia/Shanghai wall-clock time)."""
    periods = DEMO_PERIODS if now.isoweekday() in DEMO_WEEKDAYS else ()
    clock = now.time().replace(tzinfo=None)
    return CenterStatus(
        phone=DEMO_PHONE, address=DEMO_ADDRESS,
        hours_today=[OpeningPeriod(start=f"{s:%H:%M}", end=f"{e:%H:%M}") for s, e in periods],
        issuing_now=any(s <= clock < e for s, e in periods), waiting=waiting, notices=notices(started))
