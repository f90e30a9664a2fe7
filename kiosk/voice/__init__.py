"""Voice guidance (语音播报): an offline Mandarin voice for what to do next. Plain Python, no Kivy.

`Voice(cfg.voice, cfg.data_dir).say("place_card")` from any thread; `speaker_test(cfg)` for the
diagnostics screen; `python -m kiosk.voice render --out DIR | say TEXT | test` for technicians.
"""

from kiosk.voice.engines import CommandEngine, Engine, EngineError, EspeakEngine, make_engine
from kiosk.voice.guard import SpeechRefused, check_speakable
from kiosk.voice.player import Player
from kiosk.voice.prompts import FIXED, PROMPTS, render
from kiosk.voice.service import SpeakerTest, Voice, in_quiet_hours, speaker_test

__all__ = [
    "Voice", "speaker_test", "SpeakerTest", "in_quiet_hours", "Engine", "EspeakEngine", "CommandEngine",
    "EngineError", "make_engine", "Player", "SpeechRefused", "check_speakable", "PROMPTS", "FIXED", "render",
]
