"""The one fixed clock of the tests: it says what it is told and moves only when a test moves it (no
sleeps, no time of day). Works for datetimes (business hours) and epoch seconds (queues, lockouts)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Generic, TypeVar

T = TypeVar("T", datetime, float)


class FixedClock(Generic[T]):
    def __init__(self, at: T = 1_800_000_000.0) -> None:        # 2027-01-15, a fixed epoch
        self.at = at

    def __call__(self) -> T:
        return self.at

    @property
    def t(self) -> T:            # the float-clock tests' spelling
        return self.at

    @t.setter
    def t(self, value: T) -> None:
        self.at = value

    def advance(self, seconds: float) -> None:
        self.at = self.at + (timedelta(seconds=seconds) if isinstance(self.at, datetime) else seconds)
