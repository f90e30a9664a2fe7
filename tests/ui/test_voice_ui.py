"""语音播报 in the running app: the 朗读 button on a citizen screen, voice on by default in elder mode,
the next step spoken after a card read, nothing personal ever spoken, the citizen's switch. The real
espeak-ng engine and a real player program that records what it was asked to play."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from kivyhelp import run_for, tap, wait_until

from kiosk.config import VoiceSection
from kiosk.demo import demo_cards
from kiosk.voice import Voice

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "voice"))
from voice_helpers import Events, recording_player  # noqa: E402


def said(events: Events, n: int = 1) -> list[str]:
    """What was played so far, once at least n things were (the UI loop runs meanwhile: card events and
    print events reach the app through Kivy's clock)."""
    wait_until(lambda: sum(k == "playing" for k, _ in events.items) >= n, 30, f"{n} spoken prompt(s)")
    return [t for k, t in events.items if k == "playing"]


@pytest.fixture
def spoken(demo_app, tmp_path):
    """Swap the app's voice for one whose player records instead of needing a sound card."""
    events = Events()
    voice = Voice(VoiceSection(), tmp_path / "voice-data", player=recording_player(tmp_path / "played.log"),
                  on_event=events)
    wait_until(lambda: demo_app.voice_available, 20, "the voice to start")
    demo_app.announcer.voice.close()
    demo_app.announcer.voice = voice
    try:
        yield events
    finally:
        voice.close()


def test_read_aloud_speaks_the_title_and_instruction(demo_app, spoken):
    demo_app.go("guide")
    scr = demo_app.screen("guide")
    wait_until(lambda: scr.state == "categories", 15, "the guide")
    button = scr.ids.read_button
    assert button.opacity == 1 and not button.disabled and button.width > 0
    assert not demo_app.voice_on
    tap(button)
    texts = said(spoken)
    assert texts[0].startswith("事项指南") and "请选择事项类别" in texts[0]
    assert demo_app.voice_on and scr.ids.voice_button.text == "语音：开"


def test_elder_mode_turns_voice_on_and_a_card_read_says_take_the_card_without_the_name(demo_app, spoken):
    demo_app.set_elder(True)
    assert demo_app.voice_on
    card = demo_cards()[0]
    demo_app.services.demo.reader_sim.put_card(card)
    # Two prompts follow the card: take it back, and what the case search found; in either order (the
    # search's answer can come first on a busy machine).
    wait_until(lambda: any("请取回您的身份证" in t for t in said(spoken)), 30, "the take-your-card prompt")
    texts = said(spoken)
    assert not any(card.name in t or card.id_number[-4:] in t for t in texts)
    demo_app.services.demo.reader_sim.remove_card()
    demo_app.home()
    assert not demo_app.voice_on and not demo_app.elder      # the next citizen starts with defaults


def test_the_citizen_switches_voice_off(demo_app, spoken):
    demo_app.go("guide")
    scr = demo_app.screen("guide")
    tap(scr.ids.voice_button)
    said(spoken)                                  # "语音播报已开启"
    assert demo_app.voice_on
    tap(scr.ids.voice_button)
    assert not demo_app.voice_on and scr.ids.voice_button.text == "语音：关"
    # Counted by what started playing: the first prompt's "played" may still come in.
    before = [t for k, t in spoken.items if k == "playing"]
    demo_app.announcer.print_status("printed")
    run_for(0.5)
    assert [t for k, t in spoken.items if k == "playing"] == before     # switched off: nothing queued


def test_the_switch_is_on_home_too_and_not_for_staff(demo_app, spoken):
    demo_app.home()
    scr = demo_app.screen("home")
    button = scr.ids.home_voice
    wait_until(lambda: button.width > 0, 5, "the home voice switch")
    assert button.opacity == 1 and not button.disabled and button.text == "语音：关"
    tap(button)
    said(spoken)                                  # "语音播报已开启"
    assert demo_app.voice_on and button.text == "语音：开"
    tap(button)
    assert not demo_app.voice_on
    demo_app.staff_mode = "helper"                # a helper at the terminal: the switch is the citizen's
    run_for(0.1)
    assert button.opacity == 0 and button.disabled and button.width == 0
    demo_app.staff_mode = ""
