"""Hand memory the kiosk has freed back to the system.

glibc's malloc keeps freed memory inside the heap for reuse: after a start-up (kv rules compiled, the
catalogues parsed, the first textures made) or a citizen's session, tens of MB are free but still in the
kiosk's resident set for weeks, on a terminal whose RAM is small. `malloc_trim(0)` returns the free
pages in the middle of the heap too (madvise), without moving anything that lives; it is glibc's own
call, made here between citizens when the kiosk is idle. Elsewhere (another libc) it does nothing.

glibc also gives each thread that allocates its own malloc arena (up to 8 per core): the kiosk's dozen
threads (devices, API, outbox, voice, pictures) each keep a heap of their own whose free pages no other
thread reuses. Two arenas serve its light threads as well (`limit_arenas`, measured: -1.3 MB at rest).

And glibc raises its mmap threshold each time a large block is freed (up to 32 MB): after the first big
picture, every label's pixels (100-500 KB, made and freed at each text change) come from the heap and
leave holes between the small blocks that live on, which no trim can give back. Over a 1,000-session
soak the memory malloc held free grew 23 -> 31.5 MB while what it had in use grew 1.7 MB. A fixed
threshold (`fixed_mmap_threshold`, glibc's own starting value) keeps such blocks in mappings of their
own, returned whole when freed.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os

log = logging.getLogger(__name__)

_trim = None
_M_ARENA_MAX = -8          # glibc malloc.h
_M_MMAP_THRESHOLD = -3


def _libc():
    return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")


def _load_trim():
    global _trim
    if _trim is None:
        try:
            _trim = _libc().malloc_trim
            _trim.argtypes, _trim.restype = [ctypes.c_size_t], ctypes.c_int
        except (OSError, AttributeError):
            log.info("malloc_trim not available: freed memory stays with the process")
            _trim = False
    return _trim


def _mallopt(param: int, value: int, env: str) -> bool:
    if env in os.environ:           # the operator's choice wins
        return False
    try:
        mallopt = _libc().mallopt
        mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    except (OSError, AttributeError):
        return False
    return mallopt(param, value) == 1


def limit_arenas(n: int = 2) -> bool:
    """At most n malloc arenas from now on; call it before the threads start. True when glibc took it.
    MALLOC_ARENA_MAX in the environment (the operator's choice) wins."""
    return _mallopt(_M_ARENA_MAX, n, "MALLOC_ARENA_MAX")


def fixed_mmap_threshold(size: int = 128 * 1024) -> bool:
    """Blocks of at least size bytes in mappings of their own, whatever was freed before. True when
    glibc took it; MALLOC_MMAP_THRESHOLD_ in the environment wins."""
    return _mallopt(_M_MMAP_THRESHOLD, size, "MALLOC_MMAP_THRESHOLD_")


def release_freed_memory() -> bool:
    """Return free heap pages to the system; True when something could be released. Takes a few ms
    (ctypes lets other threads run meanwhile): call it when nobody waits, not in a frame that matters."""
    trim = _load_trim()
    return bool(trim(0)) if trim else False
