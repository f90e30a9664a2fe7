"""Speech engines: text → a WAV file, offline. One small interface so a center can put a better voice
installed on the terminal behind `[voice] engine = "command"` without code changes.

The default is espeak-ng from Debian. Its plain `cmn` voice in Debian 12 (espeak-ng 1.51) reads Han
characters as their pinyin spelled out in English ("你好" → "ni three hao three", espeak-ng issue #1236);
`cmn-latn-pinyin` is the same Mandarin voice reading that pinyin as Mandarin, so we use it.
"""

from __future__ import annotations

import hashlib
import io
import re
import shlex
import shutil
import subprocess
import wave
from abc import ABC, abstractmethod
from pathlib import Path

#: Seconds a synthesis may take before it is given up (a prompt is a sentence; espeak-ng needs ~50 ms).
TIMEOUT = 30.0


class EngineError(Exception):
    """The engine is missing, failed, or wrote something that is not a WAV. str() is for the log."""


class Engine(ABC):
    """Turns text into a WAV file. Implementations run no network and download nothing."""

    name: str = ""

    @abstractmethod
    def version(self) -> str:
        """Changes whenever the sound for the same text may change (the cache key includes it)."""

    @abstractmethod
    def synthesize(self, text: str, out: Path, lang: str = "zh_CN") -> Path:
        """Write `text` spoken in `lang` ("zh_CN" or "en") to the WAV file `out`; returns `out`."""


def check_wav(path: Path) -> float:
    """Duration in seconds of a readable, non-empty WAV, else EngineError."""
    try:
        with wave.open(str(path), "rb") as w:
            frames, rate = w.getnframes(), w.getframerate()
    except (wave.Error, EOFError, OSError) as e:
        raise EngineError(f"not a WAV file: {path.name} ({e})") from None
    if frames <= 0 or rate <= 0:
        raise EngineError(f"empty WAV: {path.name}")
    return frames / rate


def _run(argv: list[str], text_in: str | None) -> subprocess.CompletedProcess:
    try:
        proc = subprocess.run(argv, input=None if text_in is None else text_in.encode("utf-8"),
                              capture_output=True, timeout=TIMEOUT, check=False)
    except FileNotFoundError:
        raise EngineError(f"{argv[0]}: not installed") from None
    except subprocess.TimeoutExpired:
        raise EngineError(f"{argv[0]}: no result after {TIMEOUT:g} s") from None
    except OSError as e:
        raise EngineError(f"{argv[0]}: cannot run ({e.strerror})") from None
    if proc.returncode != 0:
        last = (proc.stderr.decode("utf-8", "replace").strip().splitlines() or [""])[-1]
        raise EngineError(f"{argv[0]} exited with {proc.returncode}: {last[:200]}")
    return proc


class EspeakEngine(Engine):
    name = "espeak-ng"
    VOICES = {"zh_CN": "cmn-latn-pinyin", "en": "en"}

    def __init__(self, binary: str = "espeak-ng", speed: int = 175):
        # espeak-ng's own default rate: about 3 syllables a second in Mandarin, already a calm pace
        # (150 dragged: "请将身份证放在感应区" took 4 s).
        self.binary, self.speed = binary, speed
        self._version: str | None = None

    def version(self) -> str:
        if self._version is None:
            out = _run([self.binary, "--version"], None).stdout.decode("utf-8", "replace")
            m = re.search(r"text-to-speech:\s*(\S+)", out)
            self._version = f"{m[1] if m else out.strip()[:40]} s{self.speed}"
        return self._version

    def synthesize(self, text: str, out: Path, lang: str = "zh_CN") -> Path:
        voice = self.VOICES.get(lang, self.VOICES["zh_CN"])
        # Text on stdin: as an argument, text starting with "-" would be read as an option.
        _run([self.binary, "-v", voice, "-s", str(self.speed), "-w", str(out)], text)
        check_wav(out)
        return out


class CommandEngine(Engine):
    """An offline TTS the center installed, as a command line run without a shell. Placeholders:
    {text} the text as one argument (else it goes to stdin, UTF-8), {out} the WAV file to write (else
    the WAV is read from stdout), {lang} "zh_CN" or "en"."""

    name = "command"

    def __init__(self, command: str):
        self.argv = shlex.split(command)
        if not self.argv:
            raise EngineError("empty TTS command line")
        self.command = command

    def version(self) -> str:
        # The command line and the program file: upgrading the TTS or changing its model argument
        # changes the key, so the cache never serves the old voice.
        h = hashlib.sha256(self.command.encode("utf-8"))
        exe = shutil.which(self.argv[0])
        if exe:
            st = Path(exe).stat()
            h.update(f"{st.st_size}:{st.st_mtime_ns}".encode())
        return h.hexdigest()[:16]

    def synthesize(self, text: str, out: Path, lang: str = "zh_CN") -> Path:
        values = {"text": text, "out": str(out), "lang": lang}
        argv = [w.format(**values) for w in self.argv]
        uses = "".join(self.argv)
        proc = _run(argv, None if "{text}" in uses else text)
        if "{out}" not in uses:
            out.write_bytes(_whole_wav(proc.stdout))
        check_wav(out)
        return out


def _whole_wav(data: bytes) -> bytes:
    """A WAV streamed to stdout carries a placeholder length (the writer could not seek back); rewrite
    it with the real one so players and the cache see the true duration."""
    try:
        with wave.open(io.BytesIO(data), "rb") as r:
            params = r.getparams()
            frames = r.readframes(params.nframes)
    except (wave.Error, EOFError) as e:
        raise EngineError(f"the TTS command did not write a WAV to stdout ({e or 'too short'})") from None
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setparams(params)
        w.writeframes(frames)
    return buf.getvalue()


def make_engine(engine: str, command: str = "") -> Engine:
    """The engine `[voice]` names."""
    if engine == "command":
        return CommandEngine(command)
    return EspeakEngine()
