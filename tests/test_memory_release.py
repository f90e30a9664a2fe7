"""kiosk.memory gives freed heap pages back to the system (glibc malloc_trim): measured in a child
process's own resident set, so nothing else in the test run moves the figure."""

from __future__ import annotations

import subprocess
import sys

CHILD = r"""
import gc, sys
from kiosk.memory import release_freed_memory

def rss_kb():
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))

# 150 MB in 1.5 KB blocks (glibc malloc, not pymalloc), every 64th kept: the heap's top stays in use,
# so free() alone cannot give the pages in between back.
blocks = [bytearray(1500) for _ in range(100_000)]
kept = blocks[::64]
del blocks
gc.collect()
before = rss_kb()
released = release_freed_memory()
after = rss_kb()
print(before, after, released, len(kept))
"""


def test_freed_pages_go_back_to_the_system():
    out = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, timeout=120, check=True)
    before, after, released, _kept = out.stdout.split()
    assert released == "True"
    # Nearly all of the ~150 MB freed was still resident before the call, and most of it is gone after.
    assert int(before) - int(after) > 80_000, (before, after)


ARENAS = r"""
import ctypes, sys, threading
from kiosk.memory import limit_arenas

limited = limit_arenas(2) if sys.argv[1] == "limit" else None
barrier = threading.Barrier(9)
def work():
    kept = [bytearray(1500) for _ in range(2000)]     # glibc malloc: this thread's arena
    barrier.wait()                                    # all alive at once: no arena is handed on
    barrier.wait()
threads = [threading.Thread(target=work) for _ in range(8)]
for t in threads:
    t.start()
barrier.wait()
ctypes.CDLL("libc.so.6").malloc_stats()               # one "Arena N:" block per arena, on stderr
barrier.wait()
for t in threads:
    t.join()
print(limited)
"""


def _arenas(mode: str, **env: str) -> tuple[int, str]:
    import os

    out = subprocess.run([sys.executable, "-c", ARENAS, mode], capture_output=True, text=True, timeout=120,
                         check=True, env={k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"} | env)
    return sum(line.startswith("Arena ") for line in out.stderr.splitlines()), out.stdout.strip()


def test_threads_share_two_malloc_arenas_unless_the_operator_says_otherwise():
    free, _ = _arenas("free")
    assert free > 2, free                   # eight busy threads do make arenas of their own
    assert _arenas("limit") == (2, "True")
    many, limited = _arenas("limit", MALLOC_ARENA_MAX="4")
    assert (many, limited) == (4, "False")  # the environment's setting is left alone


THRESHOLD = r"""
import ctypes, sys
from kiosk.memory import fixed_mmap_threshold

class Info(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks",
                                               "fsmblks", "uordblks", "fordblks", "keepcost")]
libc = ctypes.CDLL("libc.so.6")
libc.mallinfo2.restype = Info
libc.malloc.restype, libc.malloc.argtypes = ctypes.c_void_p, [ctypes.c_size_t]
libc.free.argtypes = [ctypes.c_void_p]
fixed = fixed_mmap_threshold() if sys.argv[1] == "fixed" else None
libc.free(libc.malloc(8 << 20))        # a big picture, made and freed: glibc raises its threshold to 8 MB
before = libc.mallinfo2().hblks
blocks = [libc.malloc(300 << 10) for _ in range(20)]        # then a screen's label pixels
print(fixed, libc.mallinfo2().hblks - before)   # how many of them live in mappings of their own
"""


def test_label_sized_blocks_stay_in_mappings_of_their_own_after_a_big_one_was_freed():
    import os

    def run(mode: str, **env: str) -> str:
        clean = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
        return subprocess.run([sys.executable, "-c", THRESHOLD, mode], capture_output=True, text=True,
                              timeout=60, check=True, env=clean | env).stdout.split()

    assert run("glibc") == ["None", "0"]              # glibc's own rule: all twenty in the heap
    assert run("fixed") == ["True", "20"]
    assert run("fixed", MALLOC_MMAP_THRESHOLD_="1048576") == ["False", "0"]   # the operator's setting stands
