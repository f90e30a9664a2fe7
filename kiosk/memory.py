"""Hand memory the kiosk has freed back to the system.

glibc's malloc keeps freed memory inside the heap for reuse: after a start-up (kv rules compiled, the
catalogues parsed, the first textures made) or a citizen's session, tens of MB are free but still in the
kiosk's resident set for weeks, on a terminal whose RAM is small. `malloc_trim(0)` returns the free
pages in the middle of the heap too (madvise), without moving anything that lives; it is glibc's own
call, made here between citizens when the kiosk is idle. Elsewhere (another libc) it does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging

log = logging.getLogger(__name__)

_trim = None


def _load_trim():
    global _trim
    if _trim is None:
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
            _trim = libc.malloc_trim
            _trim.argtypes, _trim.restype = [ctypes.c_size_t], ctypes.c_int
        except (OSError, AttributeError):
            log.info("malloc_trim not available: freed memory stays with the process")
            _trim = False
    return _trim


def release_freed_memory() -> bool:
    """Return free heap pages to the system; True when something could be released. Takes a few ms
    (ctypes lets other threads run meanwhile): call it when nobody waits, not in a frame that matters."""
    trim = _load_trim()
    return bool(trim(0)) if trim else False
