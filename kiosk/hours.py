"""Business hours of the center (取号时间): is the queue open now, and when does it open next.

Times are Asia/Shanghai wall-clock times, whatever zone the `now` passed in carries (a terminal whose
system clock runs in UTC must still open the queue at 9:00 in Jinan). `now()` is the one place the
screens read the clock, so tests replace it instead of depending on the day they run.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from kiosk.config import HoursSection

#: Asia/Shanghai as the fixed UTC+8 it has been since China ended daylight saving in 1991: the same
#: wall clock as the tz database's zone for every time a kiosk handles, without needing the database
#: on the terminal's image, and without importing zoneinfo (with sysconfig) before the first frame.
TZ = timezone(timedelta(hours=8), "Asia/Shanghai")
_WEEKDAY_ZH = "一二三四五六日"
_WEEKDAY_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def now() -> datetime:
    """The current time in Asia/Shanghai (tests monkeypatch this)."""
    return datetime.now(TZ)


def _local(when: datetime) -> datetime:
    if when.tzinfo is None:
        # A naive time is taken as Shanghai local time: that is what people and config files mean.
        return when.replace(tzinfo=TZ)
    return when.astimezone(TZ)


def is_open(hours: HoursSection, when: datetime) -> bool:
    """True when `when` falls on an opening weekday inside a period (start inclusive, end exclusive)."""
    t = _local(when)
    if t.isoweekday() not in hours.weekdays:
        return False
    clock = t.time().replace(tzinfo=None)
    return any(start <= clock < end for start, end in hours.periods)


def next_opening(hours: HoursSection, when: datetime) -> datetime | None:
    """The next moment the queue opens after `when` (itself if it is exactly an opening time); `when`
    itself is returned when it is already open. None when the hours never open (no days or periods)."""
    t = _local(when)
    if is_open(hours, t):
        return t
    if not hours.weekdays or not hours.periods:
        return None
    starts = sorted(start for start, _end in hours.periods)
    for day in range(8):
        date = (t + timedelta(days=day)).date()
        if date.isoweekday() not in hours.weekdays:
            continue
        for start in starts:
            candidate = datetime.combine(date, start, tzinfo=TZ)
            if candidate >= t:
                return candidate
    return None


def _days_text(days: tuple[int, ...], lang: str) -> str:
    names = _WEEKDAY_ZH if lang == "zh_CN" else _WEEKDAY_EN
    ds = sorted(set(days))
    # Consecutive days read better as a range: 周一至周五 / Mon-Fri.
    if len(ds) > 2 and ds == list(range(ds[0], ds[-1] + 1)):
        if lang == "zh_CN":
            return f"周{names[ds[0] - 1]}至周{names[ds[-1] - 1]}"
        return f"{names[ds[0] - 1]}-{names[ds[-1] - 1]}"
    if lang == "zh_CN":
        return "、".join(f"周{names[d - 1]}" for d in ds)
    return ", ".join(names[d - 1] for d in ds)


def describe(hours: HoursSection, lang: str = "zh_CN") -> str:
    """周一至周五 9:00-12:00，13:00-17:00 (or the English equivalent) for the after-hours message."""
    periods = [f"{s.hour}:{s.minute:02d}-{e.hour}:{e.minute:02d}" for s, e in sorted(hours.periods)]
    sep = "，" if lang == "zh_CN" else ", "
    return f"{_days_text(hours.weekdays, lang)} {sep.join(periods)}"


def describe_moment(when: datetime, lang: str = "zh_CN") -> str:
    """6月8日 周一 9:00 / Mon 8 Jun 9:00: when the queue opens next, in the citizen's words."""
    t = _local(when)
    if lang == "zh_CN":
        return f"{t.month}月{t.day}日 周{_WEEKDAY_ZH[t.weekday()]} {t.hour}:{t.minute:02d}"
    return f"{_WEEKDAY_EN[t.weekday()]} {t.day} {t:%b} {t.hour}:{t.minute:02d}"
