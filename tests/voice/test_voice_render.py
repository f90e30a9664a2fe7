"""Every fixed prompt rendered for real with espeak-ng through the technicians' CLI, and measured with
sox: long enough to be speech, loud enough not to be silence."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.validators import id_check_char
from kiosk.voice import FIXED, EspeakEngine, render

ROOT = Path(__file__).resolve().parents[2]
SILENCE = 0.01  # RMS amplitude (sox stat, 0..1); espeak-ng speech at volume 80 measures about 0.07


def cli(*args: str, config: Path | None = None) -> subprocess.CompletedProcess:
    """The CLI as a technician runs it; demo defaults unless a config is given."""
    env = {k: v for k, v in os.environ.items() if k != "KIOSK_CONFIG"}
    cmd = [sys.executable, "-m", "kiosk.voice", *(["--config", str(config)] if config else []), *args]
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def sox_duration(path: Path) -> float:
    return float(subprocess.run(["sox", "--i", "-D", str(path)], capture_output=True, text=True,
                                check=True).stdout)


def sox_rms(path: Path) -> float:
    # `sox FILE -n stat` prints its table on stderr
    err = subprocess.run(["sox", str(path), "-n", "stat"], capture_output=True, text=True, check=True).stderr
    return float(re.search(r"RMS\s+amplitude:\s+([\d.]+)", err)[1])


def demo_config(tmp_path: Path, voice: str) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "config.toml"
    path.write_text(f'mode = "demo"\ndata_dir = "{tmp_path / "data"}"\n[voice]\n{voice}\n', encoding="utf-8")
    return path


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_render_writes_every_fixed_prompt_as_audible_speech(tmp_path, lang):
    out = tmp_path / "prompts"
    r = cli("render", "--out", str(out), "--lang", lang)
    assert r.returncode == 0, r.stderr
    texts = json.loads((out / "prompts.json").read_text(encoding="utf-8"))
    assert texts == {p.id: p.text(lang) for p in FIXED}
    assert sorted(f.stem for f in out.glob("*.wav")) == sorted(texts)
    for prompt_id in texts:
        wav = out / f"{prompt_id}.wav"
        assert sox_duration(wav) > 0.3, prompt_id
        assert sox_rms(wav) > SILENCE, prompt_id


def test_render_applies_the_configured_volume(tmp_path):
    loud, quiet = tmp_path / "loud", tmp_path / "quiet"
    assert cli("render", "--out", str(loud), config=demo_config(tmp_path / "a", "volume = 100")).returncode == 0
    assert cli("render", "--out", str(quiet), config=demo_config(tmp_path / "b", "volume = 40")).returncode == 0
    ratio = sox_rms(quiet / "take_slip.wav") / sox_rms(loud / "take_slip.wav")
    assert 0.38 < ratio < 0.42  # espeak-ng is deterministic; only the scaling differs


def test_say_writes_a_wav_on_request(tmp_path):
    out = tmp_path / "say.wav"
    r = cli("say", "您的号码是A零二三号", "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert sox_duration(out) > 0.3 and sox_rms(out) > SILENCE


def test_say_refuses_personal_data_and_writes_nothing(tmp_path):
    first17 = "37010419800101123"
    out = tmp_path / "say.wav"
    r = cli("say", f"证件号{first17}{id_check_char(first17)}", "--out", str(out))
    assert r.returncode == 2
    assert "不能朗读" in r.stderr and first17 not in r.stderr + r.stdout
    assert not out.exists()


def test_say_without_a_sound_device_says_so(tmp_path):
    # `false` fails like aplay on a terminal without a sound card
    r = cli("say", "请取走凭条", config=demo_config(tmp_path, 'player = "false {file}"'))
    assert r.returncode == 1
    assert "没有声音输出设备" in r.stderr


def test_cli_reports_a_broken_engine(tmp_path):
    r = cli("render", "--out", str(tmp_path / "x"),
            config=demo_config(tmp_path, 'engine = "command"\ncommand = "false {text} {out}"'))
    assert r.returncode == 1
    assert "语音引擎失败" in r.stderr and "false exited with 1" in r.stderr


def test_chinese_prompts_are_read_as_mandarin_not_as_english_spelled_pinyin():
    # Debian 12's plain `cmn` voice switches to English for every Han character ("(en)kI55NTr'i:55" for
    # 请, "qing three"); the voice the engine uses must keep them all in Mandarin.
    texts = [p.text("zh_CN") for p in FIXED] + [render("ticket_number", number="A023", ahead=2),
                                                 render("cases_need_materials", count=12)]
    for text in texts:
        phonemes = subprocess.run(["espeak-ng", "-v", EspeakEngine.VOICES["zh_CN"], "-x", "-q"],
                                  input=text, capture_output=True, text=True, check=True).stdout
        assert "(en)" not in phonemes, (text, phonemes)
        assert re.search(r"\d{2}", phonemes), phonemes  # Mandarin tone contours, e.g. 35 or 214


def test_counts_and_ticket_numbers_read_as_people_say_them():
    assert render("ticket_number", number="A023", ahead=2) == "您的号码是A零二三号，前面还有两人等候。"
    assert render("cases_need_materials", count=2) == "您有两件办件需要补充材料，请查看屏幕。"
    assert render("ticket_number", "en", number="A023", ahead=2) == "Your number is A 0 2 3. 2 people are ahead of you."
