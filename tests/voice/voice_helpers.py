"""Voice test helpers: the real espeak-ng engine, counting; players that are real programs (one that
records what it was asked to play, optionally holding the "speaker" until stopped); the voice thread's
events, waited on by condition; a fixed clock."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from kiosk.hours import TZ
from kiosk.voice import EspeakEngine, Player

WAIT = 30.0  # seconds a test waits for the voice thread before it fails (a condition, not a timing claim)


class CountingEngine(EspeakEngine):
    """The real espeak-ng engine, counting how often it is asked to synthesise."""

    def __init__(self, version_suffix: str = ""):
        super().__init__()
        self.calls: list[str] = []
        self.suffix = version_suffix

    def version(self) -> str:
        return super().version() + self.suffix

    def synthesize(self, text, out, lang="zh_CN"):
        self.calls.append(text)
        return super().synthesize(text, out, lang)


def recording_player(log: Path, hold: float = 0) -> Player:
    """Appends each file it plays to `log`; with hold, keeps "playing" that long (exec: stop() kills it)."""
    return Player(f"sh -c 'echo \"$1\" >> \"$0\"; exec sleep {hold}' {log} {{file}}")


class Events:
    """The voice thread's events, waited on by condition."""

    def __init__(self):
        self.items: list[tuple[str, str]] = []
        self._cond = threading.Condition()

    def __call__(self, kind: str, text: str) -> None:
        with self._cond:
            self.items.append((kind, text))
            self._cond.notify_all()

    def wait_for(self, kind: str, count: int = 1) -> list[str]:
        with self._cond:
            ok = self._cond.wait_for(lambda: sum(k == kind for k, _ in self.items) >= count, WAIT)
        assert ok, f"no {count} {kind!r} events in {WAIT} s: {self.items}"
        return [t for k, t in self.items if k == kind]


def at(hour: int, minute: int = 0) -> Callable[[], datetime]:
    return lambda: datetime(2026, 3, 2, hour, minute, tzinfo=TZ)
