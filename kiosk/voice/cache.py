"""Synthesised prompts on disk, keyed by (text, language, engine, engine version, volume): a fixed
prompt is made once, and a cache hit never calls the engine — that is what lets a prompt start at once.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
from pathlib import Path

from kiosk.voice.audio import scale_volume
from kiosk.voice.engines import Engine

_PARTIAL = ".partial-"  # a WAV being written; never served, never trimmed


class VoiceCache:
    def __init__(self, root: Path, engine: Engine, volume: int, max_files: int = 400):
        self.root, self.engine, self.volume, self.max_files = Path(root), engine, volume, max_files
        self._lock = threading.Lock()

    def path_for(self, text: str, lang: str) -> Path:
        key = json.dumps([self.engine.name, self.engine.version(), self.volume, lang, text], ensure_ascii=False)
        return self.root / (hashlib.sha256(key.encode("utf-8")).hexdigest()[:32] + ".wav")

    def get(self, text: str, lang: str) -> Path | None:
        """The cached WAV, or None. Never calls the engine (beyond its memoised version)."""
        path = self.path_for(text, lang)
        return path if path.is_file() else None

    def make(self, text: str, lang: str) -> Path:
        """The cached WAV, synthesising it first on a miss. EngineError when the engine fails."""
        path = self.path_for(text, lang)
        if path.is_file():
            return path
        self.root.mkdir(parents=True, exist_ok=True)
        # ".wav" last: a command engine (sox, for one) may pick the format by the extension
        fd, tmp_name = tempfile.mkstemp(prefix=_PARTIAL, suffix=".wav", dir=self.root)
        os.close(fd)
        tmp = Path(tmp_name)
        try:
            self.engine.synthesize(text, tmp, lang)
            tmp.write_bytes(scale_volume(tmp.read_bytes(), self.volume))
            os.replace(tmp, path)  # atomic: a player never sees half a file
        finally:
            tmp.unlink(missing_ok=True)
        self._trim()
        return path

    def _trim(self) -> None:
        # Dynamic prompts (ticket numbers) accumulate; the oldest go first. Fixed prompts are re-made on
        # the next start if they were among them.
        with self._lock:
            files = sorted((p for p in self.root.glob("*.wav") if not p.name.startswith(_PARTIAL)), key=_mtime)
            for old in files[:max(0, len(files) - self.max_files)]:
                old.unlink(missing_ok=True)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:  # removed meanwhile
        return 0.0
