"""The Voice service with the real espeak-ng engine and real player processes: the cache, newest-wins,
the switches, quiet hours on a fixed clock, the privacy guard, a missing sound device, the speaker test."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, time

import pytest
from voice_helpers import CountingEngine, at, recording_player

from kiosk.config import Config, VoiceSection
from kiosk.hours import TZ
from kiosk.validators import id_check_char
from kiosk.voice import (
    FIXED,
    CommandEngine,
    EspeakEngine,
    Player,
    SpeechRefused,
    check_speakable,
    in_quiet_hours,
    render,
)
from kiosk.voice import speaker_test as run_speaker_test
from kiosk.voice.cache import VoiceCache

FIRST17 = "11010519491231002"
SYNTHETIC_ID = FIRST17 + id_check_char(FIRST17)


def played(tmp_path) -> list[str]:
    log = tmp_path / "played.log"
    return log.read_text().splitlines() if log.exists() else []


# ---------------------------------------------------------------- cache


def test_a_cache_hit_never_calls_the_engine(make_voice, tmp_path):
    engine = CountingEngine()
    voice, events = make_voice(engine=engine)
    voice.start_session(elder=True)
    assert voice.say("place_card")
    events.wait_for("played")
    assert engine.calls == [render("place_card")]
    cached = voice.cache.get(render("place_card"), "zh_CN")
    assert cached is not None
    assert voice.say("place_card")
    events.wait_for("played", 2)
    assert engine.calls == [render("place_card")]  # the second time straight from the cache
    assert played(tmp_path) == [str(cached), str(cached)]


def test_warm_synthesises_every_fixed_prompt_ahead(make_voice):
    engine = CountingEngine()
    voice, events = make_voice(engine=engine)
    voice.warm()
    assert voice.idle(60)
    assert len(engine.calls) == 2 * len(FIXED)
    voice.start_session(elder=True)
    for p in FIXED:
        voice.say(p.id, interrupt=False)
    events.wait_for("played", len(FIXED))
    assert len(engine.calls) == 2 * len(FIXED)  # none of them needed the engine when spoken


def test_cache_key_has_engine_version_volume_and_language(tmp_path):
    a = VoiceCache(tmp_path, CountingEngine(), 80)
    assert a.path_for("请取走凭条", "zh_CN") == VoiceCache(tmp_path, CountingEngine(), 80).path_for("请取走凭条", "zh_CN")
    assert a.path_for("请取走凭条", "zh_CN") != VoiceCache(tmp_path, CountingEngine(), 60).path_for("请取走凭条", "zh_CN")
    assert a.path_for("请取走凭条", "zh_CN") != VoiceCache(tmp_path, CountingEngine("+new"), 80).path_for(
        "请取走凭条", "zh_CN")
    assert a.path_for("请取走凭条", "zh_CN") != a.path_for("请取走凭条", "en")
    assert a.path_for("请取走凭条", "zh_CN") != a.path_for("请取走凭条。", "zh_CN")


def test_a_new_engine_version_synthesises_again(tmp_path):
    old, new = CountingEngine(), CountingEngine("+upgrade")
    VoiceCache(tmp_path, old, 80).make("请取走凭条", "zh_CN")
    VoiceCache(tmp_path, old, 80).make("请取走凭条", "zh_CN")
    VoiceCache(tmp_path, new, 80).make("请取走凭条", "zh_CN")
    assert len(old.calls) == 1 and len(new.calls) == 1


def test_dynamic_prompts_are_spoken_with_the_ticket_read_digit_by_digit(make_voice):
    engine = CountingEngine()
    voice, events = make_voice(engine=engine)
    voice.start_session(elder=True)
    voice.say("ticket_number", number="A023", ahead=3)
    assert events.wait_for("played") == ["您的号码是A零二三号，前面还有3人等候。"]
    with pytest.raises(ValueError):
        voice.say("ticket_number", number="王二", ahead=3)


# ---------------------------------------------------------------- newest wins


def test_a_newer_prompt_cuts_the_playing_one_and_drops_the_waiting_ones(make_voice, tmp_path):
    voice, events = make_voice(player=recording_player(tmp_path / "played.log", hold=60))
    voice.start_session(elder=True)
    voice.say("place_card")
    events.wait_for("playing")
    voice.say("reading_card", interrupt=False)
    voice.say("take_card", interrupt=False)
    voice.say("take_slip")  # newest: stops place_card (held 60 s) and drops the two queued behind it
    assert events.wait_for("playing", 2) == [render("place_card"), render("take_slip")]
    # ended within WAIT (30 s) though held for 60 s: it was cut short, not played out
    assert events.wait_for("played") == [render("place_card")]
    assert render("reading_card") not in [t for _, t in events.items]
    assert render("take_card") not in [t for _, t in events.items]


def test_interrupt_false_queues_behind(make_voice, tmp_path):
    voice, events = make_voice()
    voice.start_session(elder=True)
    voice.say("ticket_taken")
    voice.say("take_slip", interrupt=False)
    assert events.wait_for("played", 2) == [render("ticket_taken"), render("take_slip")]


# ---------------------------------------------------------------- switches and quiet hours


def test_on_in_elder_mode_off_otherwise_and_the_citizens_switch(make_voice, tmp_path):
    voice, events = make_voice()
    voice.start_session(elder=False)
    assert not voice.on and not voice.say("place_card")
    voice.set_on(True)
    assert voice.say("place_card")
    events.wait_for("played")
    voice.start_session(elder=True)
    assert voice.on
    voice.set_on(False)
    assert not voice.say("take_card")
    assert voice.idle(30)
    assert played(tmp_path) == [str(voice.cache.get(render("place_card"), "zh_CN"))]


@pytest.mark.parametrize("overrides", [{"enabled": False}, {"volume": 0}, {"elder_default": False}])
def test_terminal_settings_keep_it_silent(make_voice, overrides):
    voice, _ = make_voice(**overrides)
    voice.start_session(elder=True)
    assert not voice.say("place_card")


@pytest.mark.parametrize("hour, minute, quiet", [(21, 59, False), (22, 0, True), (23, 30, True), (3, 0, True),
                                                 (6, 59, True), (7, 0, False), (12, 0, False)])
def test_quiet_hours_across_midnight(make_voice, hour, minute, quiet):
    voice, _ = make_voice(quiet_hours=(time(22, 0), time(7, 0)), clock=at(hour, minute))
    voice.start_session(elder=True)
    assert voice.say("place_card") is not quiet


def test_quiet_hours_are_shanghai_time_whatever_the_clock_zone():
    period = (time(12, 0), time(13, 30))
    assert in_quiet_hours(period, datetime(2026, 3, 2, 4, 30, tzinfo=UTC))   # 12:30 in Jinan
    assert not in_quiet_hours(period, datetime(2026, 3, 2, 12, 30, tzinfo=UTC))
    assert in_quiet_hours(period, datetime(2026, 3, 2, 13, 29, tzinfo=TZ))
    assert not in_quiet_hours(period, datetime(2026, 3, 2, 13, 30, tzinfo=TZ))
    assert not in_quiet_hours(None, datetime(2026, 3, 2, 12, 30, tzinfo=TZ))


# ---------------------------------------------------------------- privacy guard


def test_every_prompt_passes_the_guard():
    for p in FIXED:
        check_speakable(p.text("zh_CN"))
        check_speakable(p.text("en"))
    for lang in ("zh_CN", "en"):
        check_speakable(render("ticket_number", lang, number="B107", ahead=12))
        check_speakable(render("cases_need_materials", lang, count=2))


@pytest.mark.parametrize("text", [
    f"您的身份证号是{SYNTHETIC_ID}",
    f"{SYNTHETIC_ID[:6]} {SYNTHETIC_ID[6:14]} {SYNTHETIC_ID[14:]}",
    "请拨打13912345678",
    "联系电话 139-1234-5678",
    "１３９１２３４５６７８",
    "中心电话0531-87654321",
    "幺三九一二三四五六七八",
    "证件号码：1101**********0021",
    "姓名：张三",
    "申请人是李四",
    "王先生，您好",
    "Name: Zhang San",
    "Hello Mr. Smith",
    "住址：槐荫区经十路",
    "道德街17号",
    "3单元502室",
])
def test_personal_data_is_never_spoken(make_voice, tmp_path, caplog, text):
    with pytest.raises(SpeechRefused) as e:
        check_speakable(text)
    assert text not in str(e.value)
    voice, _ = make_voice()
    voice.start_session(elder=True)
    with caplog.at_level(logging.WARNING, logger="kiosk.voice.service"):
        assert voice.say(text) is False
        voice.start_session(elder=False)  # silent, and still the refusal is logged for the developer
        assert voice.say(text) is False
    assert voice.idle(30)
    assert played(tmp_path) == []
    lines = [r.getMessage() for r in caplog.records if "refused to speak" in r.getMessage()]
    assert len(lines) == 2 and text not in lines[0]


def test_the_sessions_own_identity_values_are_refused(make_voice):
    voice, _ = make_voice()
    voice.start_session(elder=True)
    voice.set_private(["欧阳娜娜", ""])
    assert voice.say("欧阳娜娜，请取卡") is False
    assert voice.say("请取卡")
    voice.start_session(elder=True)  # a new citizen: the old values are gone
    assert voice.say("欧阳娜娜，请取卡")


# ---------------------------------------------------------------- no sound device


@pytest.mark.parametrize("command", ["false {file}", "/nonexistent/aplay -q {file}"])
def test_no_sound_device_is_logged_once_and_say_carries_on(make_voice, caplog, command):
    voice, events = make_voice(player=Player(command))
    voice.start_session(elder=True)
    with caplog.at_level(logging.WARNING, logger="kiosk.voice.player"):
        for prompt in ("place_card", "take_card", "take_slip"):
            assert voice.say(prompt, interrupt=False) is True
        events.wait_for("dropped", 3)
    lines = [r.getMessage() for r in caplog.records if r.name == "kiosk.voice.player"]
    assert len(lines) == 1 and "no sound output" in lines[0]


@pytest.mark.parametrize("engine", [lambda: CommandEngine("false {text} {out}"),
                                    lambda: EspeakEngine(binary="/nonexistent/espeak-ng")])
def test_engine_failure_is_logged_once(make_voice, caplog, engine):
    voice, events = make_voice(engine=engine())
    voice.start_session(elder=True)
    with caplog.at_level(logging.WARNING, logger="kiosk.voice.service"):
        voice.say("place_card", interrupt=False)
        voice.say("take_card", interrupt=False)
        events.wait_for("failed", 2)
    lines = [r.getMessage() for r in caplog.records if "speech engine failed" in r.getMessage()]
    assert len(lines) == 1
    voice.warm(["zh_CN"])
    assert voice.idle(30)  # still alive: warming fails quietly too
    assert voice.say("take_slip")
    events.wait_for("failed", 3)


# ---------------------------------------------------------------- speaker test (diagnostics)


def _cfg(tmp_path, **voice) -> Config:
    return Config(data_dir=str(tmp_path / "data"), voice=VoiceSection(**voice))


def test_speaker_test_plays_the_test_sentence(tmp_path):
    result = run_speaker_test(_cfg(tmp_path), engine=CountingEngine(),
                              player=recording_player(tmp_path / "played.log"))
    assert result.ok, result
    assert result.message.startswith("已播放测试语音")
    assert result.duration > 0.3 and result.rms > 0.01
    assert len(played(tmp_path)) == 1


def test_speaker_test_plays_even_in_quiet_hours_and_when_switched_off(tmp_path):
    result = run_speaker_test(_cfg(tmp_path, enabled=False, quiet_hours=(time(0, 0), time(23, 59))),
                              engine=CountingEngine(), player=recording_player(tmp_path / "played.log"))
    assert result.ok and len(played(tmp_path)) == 1


@pytest.mark.parametrize("voice, player, engine, message", [
    ({}, "false {file}", None, "没有声音输出设备"),
    ({"volume": 0}, None, None, "音量设置为 0"),
    ({}, None, CommandEngine("false {text} {out}"), "语音引擎不可用"),
    ({}, None, CommandEngine("sox -n -r 16000 -b 16 {out} trim 0 1"), "合成的声音是静音"),
])
def test_speaker_test_names_what_is_wrong(tmp_path, voice, player, engine, message):
    result = run_speaker_test(_cfg(tmp_path, **voice), engine=engine or CountingEngine(),
                              player=Player(player) if player else recording_player(tmp_path / "played.log"))
    assert not result.ok
    assert result.message.startswith(message), result


def test_close_stops_a_playing_prompt(make_voice, tmp_path):
    voice, events = make_voice(player=recording_player(tmp_path / "played.log", hold=60))
    voice.start_session(elder=True)
    voice.say("welcome")
    events.wait_for("playing")
    voice.close()
    events.wait_for("played")
    assert not voice._thread.is_alive()
