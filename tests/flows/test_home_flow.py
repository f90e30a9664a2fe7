"""The home screen's information strip as rules: what the API and the config say, nothing for what
neither says, when the status is asked for again, and an old answer forgotten."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from fixed_clock import FixedClock

from kiosk import hours
from kiosk.api import ApiClient
from kiosk.api.errors import Unavailable
from kiosk.api.models import CenterStatus, Notice, OpeningPeriod
from kiosk.config import ConfigError, HoursSection, load_config
from kiosk.demo_api import DemoServer, seed_center
from kiosk.flows.home import (
    ADDRESS,
    CARD_HINT,
    PHONE,
    REFRESH_SECONDS,
    STALE_SECONDS,
    WAITING,
    HomeFlow,
)

TOKEN = "home-token"
MONDAY_10 = datetime(2026, 6, 1, 10, 0, tzinfo=hours.TZ)
MONDAY_LUNCH = datetime(2026, 6, 1, 12, 30, tzinfo=hours.TZ)
SATURDAY = datetime(2026, 6, 6, 10, 0, tzinfo=hours.TZ)


@pytest.fixture
def clock(deps) -> FixedClock:
    c = FixedClock(MONDAY_10)
    deps.now = c
    return c


def no_config_hours(deps) -> None:
    deps.cfg = replace(deps.cfg, hours=HoursSection(weekdays=(), periods=()))


def rendered(flow: HomeFlow, lang: str = "zh_CN") -> list[str]:
    return [line.text.render(lang) for line in flow.lines()]


def values_of(flow: HomeFlow, msgid: str) -> dict:
    return next(line.text.values for line in flow.lines() if line.text.msgid == msgid)


def loaded(deps) -> HomeFlow:
    flow = HomeFlow(deps)
    flow.start()
    assert flow.busy and deps.runner.run_all() == 1
    return flow


@pytest.fixture(scope="module")
def monday_server():
    """A demo API of its own whose clock stands at Monday 10:00, so its hours and queue are known."""
    srv = DemoServer(host="127.0.0.1", port=0, token=TOKEN, clock=lambda: MONDAY_10)
    srv.start()
    try:
        yield srv
    finally:
        srv.stop()


def test_the_demo_api_status_reaches_the_strip(deps, clock, monday_server):
    with ApiClient(monday_server.base_url, TOKEN, "FLOW-T01", retries=0) as client:
        deps.api = lambda: client
        flow = loaded(deps)
        assert rendered(flow) == ["今日办公 9:00-12:00，13:00-17:00", "正在取号", "等候 0 人",
                                  "咨询电话 0531-00000000（演示）", f"地址 {seed_center.DEMO_ADDRESS}"]
        assert [line.icon for line in flow.lines()] == ["schedule", "confirmation_number", "groups", "phone",
                                                        "location_on"]
        assert [(n.title, n.when.render("zh_CN")) for n in flow.notices()] == [
            ("政银企对接会：企业融资现场对接", "6月11日"), ("“乐业道德”就业驿站：本周新岗位", "6月1日")]
        code = next(iter(monday_server.state.services))
        for _ in range(2):
            client.create_ticket(code)
        clock.advance(REFRESH_SECONDS)
        flow.start()
        deps.runner.run_all()
        assert values_of(flow, WAITING) == {"n": 2}


def test_api_hours_and_words_in_both_languages(deps, clock):
    flow = HomeFlow(deps)
    flow.status = CenterStatus(hours_today=[OpeningPeriod(start="13:00", end="17:30"),
                                            OpeningPeriod(start="08:30", end="12:00")],
                               issuing_now=True, waiting=7, phone="0531-00000000")
    assert rendered(flow) == ["今日办公 8:30-12:00，13:00-17:30", "正在取号", "等候 7 人", "咨询电话 0531-00000000"]
    assert rendered(flow, "en") == ["Open today 8:30-12:00, 13:00-17:30", "Tickets are being issued",
                                    "7 waiting", "Enquiries 0531-00000000"]


def test_nothing_is_said_for_what_nobody_gave(deps, clock):
    no_config_hours(deps)
    flow = HomeFlow(deps)
    assert flow.lines() == [] and flow.notices() == []          # before any answer
    flow.status = CenterStatus()
    assert flow.lines() == [] and flow.notices() == []
    assert flow.phone() == "" and flow.address() == ""


def test_config_hours_when_the_api_gives_none(deps, clock):
    from dataclasses import replace
    from datetime import time

    from kiosk.config import HoursSection

    deps.cfg = replace(deps.cfg, hours=HoursSection(weekdays=(1, 2, 3, 4, 5), periods=(
        (time(9, 0), time(12, 0)), (time(13, 0), time(17, 0)))))      # as a center would configure them
    flow = HomeFlow(deps)
    assert rendered(flow) == ["今日办公 9:00-12:00，13:00-17:00", "正在取号"]
    clock.at = MONDAY_LUNCH
    assert rendered(flow) == ["今日办公 9:00-12:00，13:00-17:00", "现在不取号"]
    clock.at = SATURDAY                                         # "closed today" says it all
    assert rendered(flow) == ["今日不办公"]
    assert rendered(flow, "en") == ["Closed today"]


def test_no_hours_anywhere_means_no_hours_line(deps, clock):
    flow = HomeFlow(deps)                                       # Config.demo sets no [hours]
    assert not any("办公" in line for line in rendered(flow))


def test_the_api_knows_holidays_the_config_does_not(deps, clock):
    flow = HomeFlow(deps)
    flow.status = CenterStatus(hours_today=[], issuing_now=False)   # a Monday that is a holiday
    assert rendered(flow) == ["今日不办公"]


def test_issuing_follows_the_api_hours_when_it_does_not_say(deps, clock):
    no_config_hours(deps)
    flow = HomeFlow(deps)
    flow.status = CenterStatus(hours_today=[OpeningPeriod(start="09:30", end="10:00")])
    clock.at = MONDAY_10 - timedelta(minutes=15)
    assert rendered(flow) == ["今日办公 9:30-10:00", "正在取号"]
    clock.at = MONDAY_10                                        # 10:00: the period ended
    assert rendered(flow) == ["今日办公 9:30-10:00", "现在不取号"]


def test_the_config_phone_and_address_win(deps, clock, tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(f'mode = "demo"\ndata_dir = "{tmp_path}"\n[terminal]\nphone = "0531-1234 5678"\n'
                    'address = "一楼东侧"\n', "utf-8")
    deps.cfg = load_config(str(path))
    flow = HomeFlow(deps)
    flow.status = CenterStatus(phone="0531-00000000", address="别处")
    assert flow.phone() == "0531-1234 5678" and flow.address() == "一楼东侧"
    assert "地址 一楼东侧" in rendered(flow) and "Address 一楼东侧" in rendered(flow, "en")


@pytest.mark.parametrize("bad", ['phone = "call us"', 'phone = "12"', 'address = "a\\nb"'])
def test_a_bad_phone_or_address_in_the_config_is_named(tmp_path, bad):
    path = tmp_path / "config.toml"
    path.write_text(f'mode = "demo"\ndata_dir = "{tmp_path}"\n[terminal]\n{bad}\n', "utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(str(path))
    assert err.value.key in ("terminal.phone", "terminal.address", "phone", "address")


def test_asked_again_only_after_a_minute(deps, clock):
    flow = loaded(deps)
    changes: list[int] = []
    flow.subscribe(lambda: changes.append(1))
    flow.start()                                                # home shown again at once: no question
    assert not deps.runner.pending
    clock.advance(REFRESH_SECONDS - 1)
    flow.start()
    assert not deps.runner.pending
    clock.advance(1)
    flow.start()
    assert len(deps.runner.pending) == 1
    flow.refresh()                                              # the timer while that one is on its way
    assert len(deps.runner.pending) == 1
    deps.runner.run_all()
    assert changes == [1] and not flow.busy


def test_a_failed_refresh_keeps_a_fresh_answer_and_forgets_an_old_one(deps, clock):
    flow = loaded(deps)
    waiting = flow.status.waiting
    clock.advance(REFRESH_SECONDS)
    flow.refresh()
    deps.runner.pending[0].fail(Unavailable("GET /v1/center/status", "down"))
    assert flow.status is not None and values_of(flow, WAITING) == {"n": waiting}
    clock.advance(STALE_SECONDS)
    flow.refresh()
    deps.runner.pending[0].fail(Unavailable("GET /v1/center/status", "down"))
    assert flow.status is None
    assert all(line.text.msgid not in (WAITING, PHONE, ADDRESS) for line in flow.lines())
    assert flow.notices() == []


def test_without_an_api_the_config_still_speaks(deps, clock):
    from dataclasses import replace
    from datetime import time

    from kiosk.config import HoursSection

    deps.cfg = replace(deps.cfg, hours=HoursSection(weekdays=(1, 2, 3, 4, 5), periods=(
        (time(9, 0), time(12, 0)), (time(13, 0), time(17, 0)))))
    deps.api = lambda: None
    flow = HomeFlow(deps)
    changes: list[int] = []
    flow.subscribe(lambda: changes.append(1))
    flow.start()
    assert not deps.runner.pending and changes == [1]
    assert rendered(flow) == ["今日办公 9:00-12:00，13:00-17:00", "正在取号"]


def test_a_late_answer_after_a_newer_one_is_dropped(deps, clock):
    flow = HomeFlow(deps)
    flow.refresh()
    clock.advance(3 * REFRESH_SECONDS)                          # the first is taking long: ask again
    flow.refresh()
    first, second = deps.runner.pending
    second.on_result(CenterStatus(waiting=3))
    first.on_result(CenterStatus(waiting=99))
    assert flow.status.waiting == 3


def test_the_card_hint_only_while_the_reader_works(deps):
    flow = HomeFlow(deps)
    assert flow.card_hint().msgid == CARD_HINT
    deps.reader_ok = lambda: False
    assert flow.card_hint() is None


def test_notice_days_per_language(deps, clock):
    flow = HomeFlow(deps)
    flow.status = CenterStatus(notices=[Notice(id="N1", title="政银企对接会", date="2026-06-11")])
    (n,) = flow.notices()
    assert (n.title, n.when.render("zh_CN"), n.when.render("en")) == ("政银企对接会", "6月11日", "11 Jun")


def test_the_contract_refuses_what_the_strip_cannot_show():
    from pydantic import ValidationError

    for bad in ({"waiting": -1}, {"waiting": "3"}, {"issuing_now": 1},
                {"hours_today": [{"start": "9:00", "end": "12:00"}]},
                {"notices": [{"id": "N1", "title": "x", "date": 1700000000}]}):
        with pytest.raises(ValidationError):
            CenterStatus.model_validate(bad)
    assert seed_center.next_matchmaking(MONDAY_10.date()).isoformat() == "2026-06-11"
