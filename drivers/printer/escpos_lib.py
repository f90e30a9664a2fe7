"""python-escpos 3.1, imported without its side effects.

3.1 calls logging.basicConfig() at import (adds a stderr handler to the root logger when it has none)
and print()s to stdout from barcode()/image(). We keep both away from the kiosk's logs and stdout.
We use it only to build bytes (Dummy), never to talk to the port.
"""

from __future__ import annotations

import contextlib
import io
import logging
from functools import cache

_root = logging.getLogger()
_guard = logging.NullHandler()
_added = not _root.handlers
if _added:
    _root.addHandler(_guard)  # basicConfig() is a no-op when the root logger has a handler
try:
    from escpos import capabilities as _capabilities
    from escpos.printer import Dummy as _Dummy
finally:
    if _added:
        _root.removeHandler(_guard)

DEFAULT_PROFILE = "TM-T20II"  # generic 80 mm / 203 dpi / 576 dots; has qrCode, paperFullCut, barcodeB


class QuietDummy(_Dummy):
    """Dummy whose chatter on stdout is swallowed."""

    def quiet(self, fn, *args, **kwargs):
        with contextlib.redirect_stdout(io.StringIO()):
            return fn(*args, **kwargs)


def dummy(profile: str | None = None) -> QuietDummy:
    return QuietDummy(profile=profile or DEFAULT_PROFILE)


@cache
def profile_features(profile: str | None) -> dict[str, bool]:
    """What matters to us from a python-escpos profile: native QR, hardware cut, hardware barcode."""
    p = _capabilities.get_profile(profile or DEFAULT_PROFILE)
    return {
        "native_qr": bool(p.supports("qrCode")),
        "full_cut": bool(p.supports("paperFullCut")),
        "part_cut": bool(p.supports("paperPartCut")),
        "barcode_b": bool(p.supports("barcodeB")),
    }
