"""Voice fixtures: espeak-ng and sox must be installed (scripts/setup.sh), and a Voice factory with the
real engine and a recording player, closed after each test."""

from __future__ import annotations

import shutil
from dataclasses import replace

import pytest
from voice_helpers import CountingEngine, Events, at, recording_player

from kiosk.config import VoiceSection
from kiosk.voice import Player, Voice


@pytest.fixture(scope="session", autouse=True)
def _espeak_installed():
    assert shutil.which("espeak-ng"), "espeak-ng is missing: run scripts/setup.sh"
    assert shutil.which("sox"), "sox is missing: run scripts/setup.sh"


@pytest.fixture
def make_voice(tmp_path):
    voices: list[Voice] = []

    def make(cfg: VoiceSection | None = None, *, player: Player | None = None, engine=None,
             clock=None, **overrides) -> tuple[Voice, Events]:
        events = Events()
        cfg = replace(cfg or VoiceSection(), **overrides)
        v = Voice(cfg, tmp_path / "data", engine=engine or CountingEngine(),
                  player=player or recording_player(tmp_path / "played.log"), clock=clock or at(10),
                  on_event=events)
        voices.append(v)
        return v, events

    yield make
    for v in voices:
        v.close()
