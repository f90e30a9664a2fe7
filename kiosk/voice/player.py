"""Plays a WAV through the system's player program (aplay, paplay or sox's play), as a subprocess.

A terminal without a sound card (or with its speaker unplugged) is logged once, as a warning for the
technician, and the kiosk carries on silently; it is logged again only after sound worked in between.
"""

from __future__ import annotations

import logging
import shlex
import shutil
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)

#: Tried in this order when `[voice] player` is empty: ALSA directly, PulseAudio/PipeWire, sox.
CANDIDATES = ("aplay -q {file}", "paplay {file}", "play -q {file}")


def default_command() -> str:
    for command in CANDIDATES:
        if shutil.which(command.split()[0]):
            return command
    return CANDIDATES[0]  # not installed: the first play fails and says so, once


class Player:
    def __init__(self, command: str = ""):
        self.command = command or default_command()
        self._argv = shlex.split(self.command)
        self._lock = threading.Lock()
        self._proc: subprocess.Popen | None = None
        self._failing = False
        self.last_problem = ""

    def _argv_for(self, path: Path) -> list[str]:
        argv = [w.format(file=str(path)) for w in self._argv]
        return argv if "{file}" in self.command else argv + [str(path)]

    def play(self, path: Path, cancelled: Callable[[], bool] = lambda: False) -> bool:
        """Play `path` to the end (or until stop()). True when it played; False (logged once) when
        there is no audio device or no player. Blocks: call it from the voice thread, never the UI's.
        cancelled: checked once the player runs, so a stop() that came just before is not lost."""
        try:
            proc = subprocess.Popen(self._argv_for(path), stdin=subprocess.DEVNULL,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        except OSError as e:
            return self._failed(f"{self._argv[0]}: {e.strerror or e}")
        with self._lock:
            self._proc = proc
            if cancelled():
                proc.terminate()
        try:
            _, err = proc.communicate()
        finally:
            with self._lock:
                self._proc = None
        if proc.returncode < 0:  # stopped by us: a newer prompt took over
            return True
        if proc.returncode != 0:
            lines = err.decode("utf-8", "replace").strip().splitlines()
            return self._failed(f"{self._argv[0]} exited with {proc.returncode}: {(lines or [''])[-1][:200]}")
        if self._failing:
            self._failing = False
            log.info("voice: sound works again (%s)", self._argv[0])
        return True

    def stop(self) -> None:
        """Cut the sound now playing short; never waits."""
        with self._lock:
            proc = self._proc
        if proc is not None and proc.poll() is None:
            proc.terminate()

    def _failed(self, problem: str) -> bool:
        self.last_problem = problem
        if not self._failing:
            self._failing = True
            log.warning("voice: no sound output (%s); the kiosk carries on without voice", problem)
        return False
