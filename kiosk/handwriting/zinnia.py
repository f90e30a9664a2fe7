"""A small ctypes binding to libzinnia (Debian `libzinnia0`), the offline handwriting recogniser.

Why our own: Debian 12 packages no Python binding for Zinnia and PyPI has none, and the C API we need
is fifteen functions. Only the runtime library (libzinnia.so.0) is needed, not libzinnia-dev.

Zinnia is not documented as thread-safe for classify, so a Recognizer serialises its calls with a lock;
the model (26 MB, memory-mapped by Zinnia) is opened once per Recognizer.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import threading
from collections.abc import Sequence

#: The simplified-Chinese model of Debian's tegaki-zinnia-simplified-chinese (see `dpkg -L`).
DEFAULT_MODEL = "/usr/share/tegaki/models/zinnia/handwriting-zh_CN.model"
#: Overrides DEFAULT_MODEL, e.g. for a bundle that carries its own copy.
MODEL_ENV = "KIOSK_ZINNIA_MODEL"
#: The library's name for ctypes.util.find_library (libzinnia.so.0 from Debian's libzinnia0).
LIBRARY = "zinnia"


class HandwritingUnavailable(RuntimeError):
    """libzinnia or its model cannot be used here. The screen shows 手写输入暂不可用; str() is for the log."""


_lib: ctypes.CDLL | None = None
_lib_lock = threading.Lock()


def _load_library() -> ctypes.CDLL:
    global _lib
    with _lib_lock:
        if _lib is not None:
            return _lib
        names = [n for n in (ctypes.util.find_library(LIBRARY), f"lib{LIBRARY}.so.0") if n]
        errors = []
        for name in names:
            try:
                lib = ctypes.CDLL(name)
                break
            except OSError as e:
                errors.append(str(e))
        else:
            raise HandwritingUnavailable(
                "libzinnia not found (apt-get install libzinnia0): " + "; ".join(errors or ["no candidates"]))
        vp, sz = ctypes.c_void_p, ctypes.c_size_t
        sigs = {
            "zinnia_recognizer_new": (vp, []),
            "zinnia_recognizer_destroy": (None, [vp]),
            "zinnia_recognizer_open": (ctypes.c_int, [vp, ctypes.c_char_p]),
            "zinnia_recognizer_size": (sz, [vp]),
            "zinnia_recognizer_strerror": (ctypes.c_char_p, [vp]),
            "zinnia_recognizer_classify": (vp, [vp, vp, sz]),
            "zinnia_character_new": (vp, []),
            "zinnia_character_destroy": (None, [vp]),
            "zinnia_character_set_width": (None, [vp, sz]),
            "zinnia_character_set_height": (None, [vp, sz]),
            "zinnia_character_add": (ctypes.c_int, [vp, sz, ctypes.c_int, ctypes.c_int]),
            "zinnia_result_value": (ctypes.c_char_p, [vp, sz]),
            "zinnia_result_score": (ctypes.c_float, [vp, sz]),
            "zinnia_result_size": (sz, [vp]),
            "zinnia_result_destroy": (None, [vp]),
        }
        try:
            for fname, (res, args) in sigs.items():
                fn = getattr(lib, fname)
                fn.restype, fn.argtypes = res, args
        except AttributeError as e:
            raise HandwritingUnavailable(f"libzinnia lacks a function: {e}") from e
        _lib = lib
        return lib


def model_path() -> str:
    """The model file to open: $KIOSK_ZINNIA_MODEL, else Debian's."""
    return os.environ.get(MODEL_ENV) or DEFAULT_MODEL


class Recognizer:
    """One opened model. classify() is safe to call from several threads (one call at a time)."""

    def __init__(self, path: str | None = None):
        self.path = path or model_path()
        lib = _load_library()
        if not os.path.isfile(self.path):
            raise HandwritingUnavailable(
                f"zinnia model not found: {self.path} (apt-get install tegaki-zinnia-simplified-chinese)")
        self._lib = lib
        self._lock = threading.Lock()
        self._rec = lib.zinnia_recognizer_new()
        if not self._rec:
            raise HandwritingUnavailable("zinnia_recognizer_new failed")
        if not lib.zinnia_recognizer_open(self._rec, os.fsencode(self.path)):
            err = (lib.zinnia_recognizer_strerror(self._rec) or b"").decode("utf-8", "replace")
            lib.zinnia_recognizer_destroy(self._rec)
            self._rec = None
            raise HandwritingUnavailable(f"zinnia cannot open model {self.path}: {err}")
        # The model's own size of the alphabet, e.g. for the log line at start.
        self.size = lib.zinnia_recognizer_size(self._rec)

    def classify(self, strokes: Sequence[Sequence[tuple[int, int]]], width: int, height: int,
                 nbest: int) -> list[tuple[str, float]]:
        """(character, score) best first for strokes of integer points in a width x height box, y down.
        Empty strokes are left out; no strokes at all gives []."""
        lib = self._lib
        with self._lock:
            if self._rec is None:
                raise HandwritingUnavailable("recognizer closed")
            ch = lib.zinnia_character_new()
            if not ch:
                raise MemoryError("zinnia_character_new")
            try:
                lib.zinnia_character_set_width(ch, max(1, int(width)))
                lib.zinnia_character_set_height(ch, max(1, int(height)))
                sid = 0
                for stroke in strokes:
                    if not stroke:
                        continue
                    for x, y in stroke:
                        lib.zinnia_character_add(ch, sid, int(x), int(y))
                    sid += 1
                if sid == 0:
                    return []
                res = lib.zinnia_recognizer_classify(self._rec, ch, max(1, int(nbest)))
                if not res:
                    return []
                try:
                    out = []
                    for i in range(lib.zinnia_result_size(res)):
                        value = lib.zinnia_result_value(res, i)
                        if value:
                            out.append((value.decode("utf-8", "replace"), float(lib.zinnia_result_score(res, i))))
                    return out
                finally:
                    lib.zinnia_result_destroy(res)
            finally:
                lib.zinnia_character_destroy(ch)

    def close(self) -> None:
        with self._lock:
            if self._rec:
                self._lib.zinnia_recognizer_destroy(self._rec)
                self._rec = None

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # noqa: BLE001 - interpreter shutdown; nothing to tell anyone
            pass
