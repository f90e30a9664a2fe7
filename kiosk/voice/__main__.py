"""Technicians' voice tools, no UI needed:

    python -m kiosk.voice render --out DIR [--lang zh_CN|en]   every fixed prompt as DIR/<id>.wav + prompts.json
    python -m kiosk.voice say TEXT [--lang zh_CN|en] [--out FILE]   speak one text (or write it to FILE)
    python -m kiosk.voice test                                       the speaker test of the diagnostics screen

--config FILE (or $KIOSK_CONFIG) picks the engine, volume and player of a terminal; without, demo defaults.
Exit: 0 done, 1 engine or sound failed, 2 bad use (config error, text refused by the privacy guard).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from kiosk.config import Config, ConfigError, resolve_config
from kiosk.voice.audio import scale_volume, stats
from kiosk.voice.engines import EngineError, make_engine
from kiosk.voice.guard import SpeechRefused, check_speakable
from kiosk.voice.player import Player
from kiosk.voice.prompts import FIXED, LANGS
from kiosk.voice.service import speaker_test


def _render(cfg: Config, out: Path, lang: str) -> int:
    engine = make_engine(cfg.voice.engine, cfg.voice.command)
    out.mkdir(parents=True, exist_ok=True)
    texts: dict[str, str] = {}
    for prompt in FIXED:
        text = prompt.text(lang)
        wav = out / f"{prompt.id}.wav"
        engine.synthesize(text, wav, lang)
        wav.write_bytes(scale_volume(wav.read_bytes(), cfg.voice.volume))
        texts[prompt.id] = text
        duration, rms = stats(wav)
        print(f"{prompt.id:<22} {duration:5.2f} s  rms {rms:.3f}  {text}")
    (out / "prompts.json").write_text(json.dumps(texts, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"{len(texts)} prompts, {engine.name} {engine.version()}, volume {cfg.voice.volume} → {out}")
    return 0


def _say(cfg: Config, text: str, lang: str, out: Path | None) -> int:
    try:
        check_speakable(text)
    except SpeechRefused as e:
        print(f"不能朗读：含个人信息 / {e}", file=sys.stderr)
        return 2
    engine = make_engine(cfg.voice.engine, cfg.voice.command)
    with tempfile.TemporaryDirectory(prefix="kiosk-say-") as tmp:
        wav = out or Path(tmp) / "say.wav"
        engine.synthesize(text, wav, lang)
        wav.write_bytes(scale_volume(wav.read_bytes(), cfg.voice.volume))
        if out is not None:
            print(f"{out}: {stats(out)[0]:.2f} s")
            return 0
        player = Player(cfg.voice.player)
        if not player.play(wav):
            print(f"没有声音输出设备 / no sound output: {player.last_problem}", file=sys.stderr)
            return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m kiosk.voice", description="voice guidance tools")
    ap.add_argument("--config", help="terminal config file (default: $KIOSK_CONFIG, else demo defaults)")
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("render", help="write every fixed prompt as a WAV, plus prompts.json")
    r.add_argument("--out", required=True, type=Path)
    r.add_argument("--lang", choices=LANGS, default="zh_CN")
    s = sub.add_parser("say", help="speak one text")
    s.add_argument("text")
    s.add_argument("--lang", choices=LANGS, default="zh_CN")
    s.add_argument("--out", type=Path, help="write the WAV here instead of playing it")
    sub.add_parser("test", help="the speaker test")
    args = ap.parse_args(argv)
    try:
        cfg = resolve_config(args.config)
    except ConfigError as e:
        print(e, file=sys.stderr)
        return 2
    try:
        if args.cmd == "render":
            return _render(cfg, args.out, args.lang)
        if args.cmd == "say":
            return _say(cfg, args.text, args.lang, args.out)
    except EngineError as e:
        print(f"语音引擎失败 / speech engine failed: {e}", file=sys.stderr)
        return 1
    result = speaker_test(cfg)
    print(result.message)
    print(result.detail)
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
