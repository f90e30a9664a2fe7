"""The home screen's information strip: today's hours and whether tickets are issued now, people
waiting, the 咨询电话 and address, and the center's notices.

The values come from the central API (GET /v1/center/status) and the terminal's config; a value that
neither gives is left out, never guessed. The phone number and address of the config win (a center
sets them locally on purpose); the hours of the API win (it knows today's holidays and 调休 days,
the config only weekdays). The status is asked for when home is shown and then every
REFRESH_SECONDS while it stays on show; an answer older than STALE_SECONDS is forgotten when a
refresh fails, so the strip never shows a queue length from an hour ago.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from kiosk import hours
from kiosk.flows.base import Flow
from kiosk.flows.deps import FlowDeps
from kiosk.i18n import N_, Msg

log = logging.getLogger(__name__)

REFRESH_SECONDS = 60.0
STALE_SECONDS = 300.0

HOURS_TODAY = N_("今日办公 {periods}")
CLOSED_TODAY = N_("今日不办公")
ISSUING = N_("正在取号")
NOT_ISSUING = N_("现在不取号")
WAITING = N_("等候 {n} 人")
PHONE = N_("咨询电话 {phone}")
ADDRESS = N_("地址 {address}")
CARD_HINT = N_("放上身份证，查看您的办件")


@dataclass(frozen=True)
class InfoLine:
    """One item of the strip: a pictogram (a name of the icon font) and its words."""

    icon: str
    text: Msg


@dataclass(frozen=True)
class NoticeLine:
    title: str          # from the API, shown as it is
    when: Msg           # the day, written per language


def _clock(text: str) -> time:
    h, m = text.split(":")
    return time(int(h), int(m))


def _periods_text(periods: list[tuple[time, time]]) -> Any:
    def render(lang: str) -> str:
        sep = "，" if lang == "zh_CN" else ", "
        return sep.join(f"{s.hour}:{s.minute:02d}-{e.hour}:{e.minute:02d}" for s, e in periods)
    return render


def _day_text(day: date) -> Any:
    def render(lang: str) -> str:
        return f"{day.month}月{day.day}日" if lang == "zh_CN" else f"{day.day} {day:%b}"
    return render


def config_hours_today(cfg: Any, now: datetime) -> list[tuple[time, time]] | None:
    """Today's periods from the config's [hours]; [] on a day it does not open; None when the config
    sets no hours at all."""
    section = getattr(cfg, "hours", None)
    if section is None or not section.weekdays or not section.periods:
        return None
    if now.astimezone(hours.TZ).isoweekday() not in section.weekdays:
        return []
    return sorted(section.periods)


class HomeFlow(Flow):
    def __init__(self, deps: FlowDeps) -> None:
        super().__init__(deps.runner)
        self.deps = deps
        self.status: Any = None                  # kiosk.api.models.CenterStatus, the last answer
        self._status_at: datetime | None = None  # when it came
        self._asked_at: datetime | None = None

    # ------------------------------------------------------------ asking

    def start(self) -> None:
        """Home is on show: ask unless the last question is younger than REFRESH_SECONDS."""
        if self.due():
            self.refresh()

    def due(self) -> bool:
        return self._asked_at is None or self._age(self._asked_at) >= REFRESH_SECONDS

    def refresh(self) -> None:
        if self.busy and self._asked_at is not None and self._age(self._asked_at) < 2 * REFRESH_SECONDS:
            return                               # the last question is still on its way
        api = self.deps.api()
        if api is None:                          # not started yet, or none configured: ask next time
            self._forget_if_stale()
            self._changed()
            return
        self._asked_at = self.deps.now()
        self.busy = True
        self._call(api.center_status, self._got, self._failed)

    def _got(self, status: Any) -> None:
        self.busy = False
        self.status = status
        self._status_at = self.deps.now()
        self._changed()

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        log.info("center status not available: %s", getattr(exc, "detail", type(exc).__name__))
        self._forget_if_stale()
        self._changed()

    def _forget_if_stale(self) -> None:
        if self._status_at is None or self._age(self._status_at) >= STALE_SECONDS:
            self.status = None
            self._status_at = None

    def _age(self, since: datetime) -> float:
        return (self.deps.now() - since).total_seconds()

    # ------------------------------------------------------------ what the strip says

    def hours_today(self) -> list[tuple[time, time]] | None:
        s = self.status
        if s is not None and s.hours_today is not None:
            return sorted((_clock(p.start), _clock(p.end)) for p in s.hours_today)
        return config_hours_today(self.deps.cfg, self.deps.now())

    def issuing_now(self) -> bool | None:
        s = self.status
        if s is not None and s.issuing_now is not None:
            return bool(s.issuing_now)
        periods = self.hours_today()
        if periods is None:
            return None
        clock = self.deps.now().astimezone(hours.TZ).time().replace(tzinfo=None)
        return any(start <= clock < end for start, end in periods)

    def phone(self) -> str:
        return self.deps.cfg.terminal.phone or (self.status.phone if self.status is not None else None) or ""

    def address(self) -> str:
        return self.deps.cfg.terminal.address or (self.status.address if self.status is not None else None) or ""

    def lines(self) -> list[InfoLine]:
        """The strip's items, in order; nothing for a value nobody gave."""
        out: list[InfoLine] = []
        periods = self.hours_today()
        if periods is not None:
            out.append(InfoLine("schedule", Msg(HOURS_TODAY, periods=_periods_text(periods)) if periods
                                else Msg(CLOSED_TODAY)))
        issuing = self.issuing_now()
        if issuing is not None and not (periods == [] and not issuing):      # "closed today" says it
            out.append(InfoLine("confirmation_number", Msg(ISSUING if issuing else NOT_ISSUING)))
        if self.status is not None and self.status.waiting is not None:
            out.append(InfoLine("groups", Msg(WAITING, n=self.status.waiting)))
        if phone := self.phone():
            out.append(InfoLine("phone", Msg(PHONE, phone=phone)))
        if address := self.address():
            out.append(InfoLine("location_on", Msg(ADDRESS, address=address)))
        return out

    def notices(self) -> list[NoticeLine]:
        if self.status is None:
            return []
        return [NoticeLine(n.title, Msg("{day}", day=_day_text(n.date))) for n in self.status.notices]

    def card_hint(self) -> Msg | None:
        """Placing an ID card opens the person's cases from home: said only while the reader works."""
        return Msg(CARD_HINT) if self.deps.reader_ok() else None

    def reset(self) -> None:
        # Nothing personal here; the status stays for the next person.
        self._changed()
