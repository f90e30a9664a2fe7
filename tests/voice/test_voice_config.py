"""The [voice] section: defaults, the documented example, and one clear line for each mistake."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest

from kiosk.config import ConfigError, VoiceSection, load_config

ROOT = Path(__file__).resolve().parents[2]


def load(tmp_path: Path, voice: str):
    path = tmp_path / "c.toml"
    path.write_text(f'mode = "demo"\ndata_dir = "/d"\n[voice]\n{voice}\n', encoding="utf-8")
    return load_config(path).voice


def test_defaults_and_the_example(tmp_path):
    assert load(tmp_path, "") == VoiceSection()
    assert VoiceSection().enabled and VoiceSection().elder_default and VoiceSection().engine == "espeak-ng"
    example = (ROOT / "config.example.toml").read_text(encoding="utf-8").replace('"CHANGE-ME"', '"t0ken"')
    path = tmp_path / "example.toml"
    path.write_text(example, encoding="utf-8")
    assert load_config(path).voice == VoiceSection()


def test_every_key(tmp_path):
    v = load(tmp_path, 'enabled = false\nvolume = 55\nelder_default = false\nquiet_hours = "22:00-07:00"\n'
                       'engine = "command"\ncommand = "piper --model /opt/zh.onnx --output_file {out}"\n'
                       'player = "paplay --volume 40000 {file}"')
    assert v == VoiceSection(enabled=False, volume=55, elder_default=False,
                             quiet_hours=(time(22, 0), time(7, 0)), engine="command",
                             command="piper --model /opt/zh.onnx --output_file {out}",
                             player="paplay --volume 40000 {file}")


@pytest.mark.parametrize("voice, key, problem", [
    ("volume = 101", "voice.volume", "0 to 100"),
    ("volume = -1", "voice.volume", "0 to 100"),
    ("volume = 0.5", "voice.volume", "must be a int"),
    ('enabled = "yes"', "voice.enabled", "true or false"),
    ('quiet_hours = "22-7"', "voice.quiet_hours", "22:00-07:00"),
    ('quiet_hours = "25:00-07:00"', "voice.quiet_hours", "22:00-07:00"),
    ('quiet_hours = "07:00-07:00"', "voice.quiet_hours", "22:00-07:00"),
    ('engine = "festival"', "voice.engine", "must be one of espeak-ng, command"),
    ('engine = "command"', "voice.command", "must be set"),
    ('engine = "command"\ncommand = "tts {voice} {out}"', "voice.command", "unknown placeholder {voice}"),
    ('command = "tts \\"unclosed"', "voice.command", "not a command line"),
    ('command = "tts {out"', "voice.command", "not a command line"),
    ('player = "aplay {out}"', "voice.player", "unknown placeholder {out}"),
    ("speed = 2", "voice.speed", "unknown key"),
])
def test_mistakes_are_named(tmp_path, voice, key, problem):
    with pytest.raises(ConfigError) as e:
        load(tmp_path, voice)
    assert e.value.key == key
    assert problem in e.value.problem
