"""The voice service: `say(prompt_id | text)` from anywhere (the UI thread included) returns at once;
its own thread synthesises (or takes the cached WAV) and plays. A newer prompt wins: what is waiting is
dropped and what is playing is cut short, unless the caller asks to queue behind it (interrupt=False).

On or off: `[voice] enabled` for the terminal; per session on by default in elder mode
(`elder_default`), off otherwise, and the citizen's switch (`set_on`) decides after that. Quiet hours
silence it whatever the switch says. Every text passes kiosk.voice.guard first.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path

from kiosk import hours
from kiosk.config import Config, VoiceSection
from kiosk.voice.audio import stats
from kiosk.voice.cache import VoiceCache
from kiosk.voice.engines import Engine, EngineError, make_engine
from kiosk.voice.guard import SpeechRefused, check_speakable
from kiosk.voice.player import Player
from kiosk.voice.prompts import FIXED, LANGS, PROMPTS, render

log = logging.getLogger(__name__)

#: Below this RMS amplitude (0..1) a synthesised prompt counts as silence.
SILENCE_RMS = 0.005

#: on_event(kind, text): "playing", "played", "dropped" (stale or no sound), "failed" (engine). Called on
#: the voice thread; for tests, the benchmark and a future on-screen indicator.
EventHook = Callable[[str, str], None]


def in_quiet_hours(quiet: tuple[time, time] | None, when: datetime) -> bool:
    """True inside [start, end) in Asia/Shanghai wall-clock time; a period may wrap midnight."""
    if quiet is None:
        return False
    t = (when.astimezone(hours.TZ) if when.tzinfo else when).time()
    start, end = quiet
    return start <= t < end if start < end else (t >= start or t < end)


@dataclass(frozen=True)
class _Job:
    text: str
    lang: str
    generation: int


class Voice:
    def __init__(self, cfg: VoiceSection, data_dir: Path | str, *, engine: Engine | None = None,
                 player: Player | None = None, clock: Callable[[], datetime] = hours.now,
                 on_event: EventHook | None = None):
        self.cfg = cfg
        self.engine = engine or make_engine(cfg.engine, cfg.command)
        self.cache = VoiceCache(Path(data_dir) / "voice", self.engine, cfg.volume)
        self.player = player or Player(cfg.player)
        self._clock = clock
        self._on_event = on_event
        self._on = False
        self._lang = "zh_CN"
        self._private: tuple[str, ...] = ()
        self._cond = threading.Condition()
        self._pending: deque[_Job] = deque()
        self._warm: deque[tuple[str, str]] = deque()
        self._generation = 0
        self._closed = False
        self._engine_failing = False
        self._busy = False
        self._thread = threading.Thread(target=self._run, name="kiosk-voice", daemon=True)
        self._thread.start()

    # ------------------------------------------------------------ session and switches

    def start_session(self, elder: bool, lang: str = "zh_CN") -> None:
        """A new citizen: voice on in elder mode if the terminal says so, else off until switched on."""
        self.stop()
        self._on = self.cfg.elder_default if elder else False
        self._lang = lang if lang in LANGS else "zh_CN"
        self._private = ()

    def end_session(self) -> None:
        self.stop()
        self._on = False
        self._private = ()

    def set_on(self, on: bool) -> None:
        """The citizen's switch."""
        self._on = on
        if not on:
            self.stop()

    def set_language(self, lang: str) -> None:
        self._lang = lang if lang in LANGS else "zh_CN"

    def set_private(self, values: Iterable[str]) -> None:
        """Identity values this session holds (name, address…): text containing them is never spoken."""
        self._private = tuple(v for v in values if v)

    @property
    def on(self) -> bool:
        return self._on

    def speaking(self) -> bool:
        """Would say() speak now: terminal enabled, switched on for this session, audible, not quiet."""
        return (self.cfg.enabled and self._on and self.cfg.volume > 0
                and not in_quiet_hours(self.cfg.quiet_hours, self._clock()))

    # ------------------------------------------------------------ speaking

    def say(self, what: str, /, *, lang: str | None = None, interrupt: bool = True, **params: object) -> bool:
        """Speak a prompt (an id of kiosk.voice.prompts, with its parameters) or a text. Returns at once:
        True when queued, False when voice is off, quiet or the text was refused (logged)."""
        lang = lang or self._lang
        text = render(what, lang, **params) if what in PROMPTS else what
        if what not in PROMPTS and params:
            raise ValueError("parameters are for prompts, not free text")
        try:  # checked even when silent, so a screen that would speak personal data shows in the log at once
            check_speakable(text, self._private)
        except SpeechRefused as e:
            log.warning("voice: %s (%s)", e, f"prompt {what}" if what in PROMPTS else "free text")
            return False
        if not self.speaking():
            return False
        with self._cond:
            if self._closed:
                return False
            if interrupt:
                self._generation += 1
                self._pending.clear()
            self._pending.append(_Job(text, lang, self._generation))
            self._cond.notify()
        if interrupt:
            self.player.stop()
        return True

    def stop(self) -> None:
        """Silence now: drop what waits, cut what plays. Never waits."""
        with self._cond:
            self._generation += 1
            self._pending.clear()
        self.player.stop()

    def warm(self, langs: Iterable[str] = LANGS) -> None:
        """Synthesise every fixed prompt ahead, on the voice thread, when it has nothing to say."""
        with self._cond:
            self._warm.extend((p.text(lang), lang) for lang in langs for p in FIXED)
            self._cond.notify()

    def idle(self, timeout: float | None = None) -> bool:
        """Wait until nothing is waiting to be said or synthesised (tests, the CLI, shutdown)."""
        with self._cond:
            return self._cond.wait_for(lambda: self._closed or (not self._pending and not self._warm
                                                                and not self._busy), timeout)

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._generation += 1
            self._pending.clear()
            self._warm.clear()
            self._cond.notify_all()
        self.player.stop()
        self._thread.join(timeout=5)

    # ------------------------------------------------------------ the voice thread

    def _event(self, kind: str, text: str) -> None:
        if self._on_event is not None:
            try:
                self._on_event(kind, text)
            except Exception:  # an observer must not stop the voice
                log.exception("voice: event hook failed")

    def _run(self) -> None:
        while True:
            with self._cond:
                self._busy = False
                self._cond.notify_all()
                self._cond.wait_for(lambda: self._closed or self._pending or self._warm)
                if self._closed:
                    return
                self._busy = True
                job = self._pending.popleft() if self._pending else None
                warm = None if job else self._warm.popleft()
            if warm is not None:
                self._synthesize(*warm)
                continue
            assert job is not None
            path = self._synthesize(job.text, job.lang)
            if path is None:
                self._event("failed", job.text)
                continue
            if job.generation != self._generation:
                self._event("dropped", job.text)  # a newer prompt came while this one was made
                continue
            self._event("playing", job.text)
            played = self.player.play(path, cancelled=lambda g=job.generation: g != self._generation)
            self._event("played" if played else "dropped", job.text)

    def _synthesize(self, text: str, lang: str) -> Path | None:
        """The WAV from the cache, made first on a miss; None (logged once) when the engine fails —
        its version() too runs a program, so even a cache lookup can fail on a broken install."""
        try:
            path = self.cache.make(text, lang)
        except (EngineError, OSError) as e:
            if not self._engine_failing:
                self._engine_failing = True
                log.warning("voice: the speech engine failed (%s); the kiosk carries on without voice", e)
            return None
        self._engine_failing = False
        return path


# ---------------------------------------------------------------- technicians' speaker test

@dataclass(frozen=True)
class SpeakerTest:
    ok: bool
    message: str          # one line for the diagnostics screen, Chinese first
    detail: str = ""      # engine, player, figures: for the technician and the log
    duration: float = 0.0
    rms: float = 0.0


def speaker_test(cfg: Config, *, engine: Engine | None = None, player: Player | None = None) -> SpeakerTest:
    """Synthesise and play the test sentence, whatever the switches and quiet hours say. Blocks for the
    length of the sentence: the diagnostics screen calls it through kiosk.workers, off the UI thread."""
    vcfg = cfg.voice
    engine = engine or make_engine(vcfg.engine, vcfg.command)
    player = player or Player(vcfg.player)
    if vcfg.volume == 0:
        return SpeakerTest(False, "音量设置为 0，听不到声音 / Volume is set to 0", "[voice] volume = 0")
    cache = VoiceCache(cfg.data_path / "voice", engine, vcfg.volume)
    text = PROMPTS["speaker_test"].text("zh_CN")
    try:
        path = cache.make(text, "zh_CN")
        detail = f"engine {engine.name} {engine.version()}, player {player.command!r}"
    except (EngineError, OSError) as e:
        log.warning("voice: speaker test: engine failed: %s", e)
        return SpeakerTest(False, "语音引擎不可用 / The speech engine does not work", str(e))
    duration, rms = stats(path)
    if 0 <= rms < SILENCE_RMS:
        return SpeakerTest(False, "合成的声音是静音 / The engine produced silence", detail, duration, rms)
    if not player.play(path):
        return SpeakerTest(False, "没有声音输出设备 / No sound output", f"{detail}: {player.last_problem}",
                           duration, rms)
    log.info("voice: speaker test played (%.1f s, %s)", duration, detail)
    return SpeakerTest(True, "已播放测试语音，请确认听到了声音 / Test played: check that you heard it",
                       detail, duration, rms)
