"""Business hours: open/closed at the edges of periods and days, next opening across lunch, evenings,
weekends and time zones."""

from datetime import UTC, datetime, time

from kiosk import hours
from kiosk.config import HoursSection

TZ = hours.TZ
# An example a center might configure (there is no default: kiosk/config.py).
DEFAULT = HoursSection(weekdays=(1, 2, 3, 4, 5), periods=((time(9, 0), time(12, 0)), (time(13, 0), time(17, 0))))
# 2026-06-01 is a Monday.


def at(day: int, hh: int, mm: int = 0) -> datetime:
    return datetime(2026, 6, day, hh, mm, tzinfo=TZ)


def test_open_inside_periods_closed_outside():
    assert hours.is_open(DEFAULT, at(1, 9, 0))           # start inclusive
    assert hours.is_open(DEFAULT, at(1, 11, 59))
    assert not hours.is_open(DEFAULT, at(1, 12, 0))      # end exclusive: lunch break
    assert not hours.is_open(DEFAULT, at(1, 12, 30))
    assert hours.is_open(DEFAULT, at(1, 13, 0))
    assert not hours.is_open(DEFAULT, at(1, 17, 0))
    assert not hours.is_open(DEFAULT, at(1, 8, 59))


def test_weekend_is_closed():
    assert not hours.is_open(DEFAULT, at(6, 10))          # Saturday
    assert not hours.is_open(DEFAULT, at(7, 10))          # Sunday
    assert hours.is_open(DEFAULT, at(5, 10))              # Friday


def test_other_time_zones_are_read_as_shanghai_time():
    # 02:00 UTC on Monday is 10:00 in Jinan: open; 10:00 UTC is 18:00 there: closed.
    assert hours.is_open(DEFAULT, datetime(2026, 6, 1, 2, 0, tzinfo=UTC))
    assert not hours.is_open(DEFAULT, datetime(2026, 6, 1, 10, 0, tzinfo=UTC))
    # Naive times mean Shanghai local time.
    assert hours.is_open(DEFAULT, datetime(2026, 6, 1, 10, 0))


def test_next_opening():
    assert hours.next_opening(DEFAULT, at(1, 10)) == at(1, 10)          # already open
    assert hours.next_opening(DEFAULT, at(1, 7, 30)) == at(1, 9)        # early morning
    assert hours.next_opening(DEFAULT, at(1, 12, 10)) == at(1, 13)      # lunch
    assert hours.next_opening(DEFAULT, at(1, 18)) == at(2, 9)           # evening
    assert hours.next_opening(DEFAULT, at(5, 17)) == at(8, 9)           # Friday evening -> Monday
    assert hours.next_opening(DEFAULT, at(6, 10)) == at(8, 9)           # Saturday


def test_next_opening_with_unusual_hours():
    saturday_only = HoursSection(weekdays=(6,), periods=((time(14, 0), time(16, 0)),))
    assert hours.next_opening(saturday_only, at(6, 16)) == at(13, 14)   # a week later
    assert hours.next_opening(HoursSection(weekdays=(), periods=DEFAULT.periods), at(1, 10)) is None
    assert hours.next_opening(HoursSection(weekdays=(1,), periods=()), at(1, 10)) is None


def test_describe_in_both_languages():
    assert hours.describe(DEFAULT) == "周一至周五 9:00-12:00，13:00-17:00"
    assert hours.describe(DEFAULT, "en") == "Mon-Fri 9:00-12:00, 13:00-17:00"
    odd = HoursSection(weekdays=(2, 4), periods=((time(8, 30), time(11, 0)),))
    assert hours.describe(odd) == "周二、周四 8:30-11:00"


def test_now_is_aware_shanghai_time():
    n = hours.now()
    assert n.tzinfo is not None and n.utcoffset().total_seconds() == 8 * 3600


def test_describe_moment_for_the_next_opening():
    monday_nine = hours.next_opening(DEFAULT, at(6, 10))
    assert hours.describe_moment(monday_nine) == "6月8日 周一 9:00"
    assert hours.describe_moment(monday_nine, "en") == "Mon 8 Jun 9:00"
    assert hours.describe_moment(at(1, 13, 5)) == "6月1日 周一 13:05"


def test_the_fixed_offset_is_shanghais_wall_clock_at_every_time_a_kiosk_handles():
    """hours.TZ is UTC+8 fixed (no tz database needed, nothing imported before the first frame); the
    tz database's Asia/Shanghai has had that offset since 1991: every hour of 1992-2040 agrees."""
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from kiosk import hours

    real = ZoneInfo("Asia/Shanghai")
    t = datetime(1992, 1, 1, tzinfo=UTC)
    while t.year < 2041:
        assert t.astimezone(hours.TZ).replace(tzinfo=None) == t.astimezone(real).replace(tzinfo=None), t
        t += timedelta(hours=7)          # every hour of the day over the years, not a sample of noons
