"""Pictures the UI shows but does not draw itself (QR codes, the demo printer's receipt): their pixels are
made on a thread of their own and only the texture upload runs on the UI thread.

Making a QR code (qrcode tries all eight masks) took 50-75 ms here and decoding the receipt PNG with
Kivy's loader 30-60 ms: whole frames of the UI thread. A texture from raw pixels is a few milliseconds.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from kivy.app import App
from kivy.clock import Clock
from kivy.graphics.texture import Texture

log = logging.getLogger(__name__)

Pixels = tuple[tuple[int, int], bytes]      # (width, height), RGBA rows top to bottom


class _Painter:
    """One thread of its own for pictures, started at a quiet moment (`warm`): a new thread of the app's
    worker pool, started in the frame of an answer that also queued a print, held that frame 20-30 ms
    here until the thread was running."""

    def __init__(self) -> None:
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    def pool(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kiosk-pictures")
            return self._pool

    def warm(self) -> None:
        self.pool().submit(lambda: None)

    def submit(self, make: Callable[[], Any], done: Callable[[Any], None]) -> None:
        def finished(future) -> None:
            if future.cancelled():
                return
            error = future.exception()
            if error is not None:
                log.error("picture not made", exc_info=error)
                return
            result = future.result()
            Clock.schedule_once(lambda _dt: done(result), 0)       # back on the UI thread

        self.pool().submit(make).add_done_callback(finished)


_painter = _Painter()


def warm() -> None:
    """Start the pictures' thread now (a quiet moment), not in the frame of the first picture."""
    _painter.warm()


def off_ui(make: Callable[[], Any], done: Callable[[Any], None]) -> None:
    """make() on the pictures' thread, done(result) back on the UI thread (between frames). Without a
    running app (a widget built alone) it runs at once."""
    if App.get_running_app() is None:
        done(make())
        return
    _painter.submit(make, done)


def qr_pixels(data: str) -> Pixels:
    """The QR code of data, black on white with its quiet zone, 8 pixels a module (worker thread)."""
    import qrcode

    img = qrcode.make(data, box_size=8, border=4).convert("RGBA")
    return img.size, img.tobytes()


def png_pixels(path: str | Path) -> Pixels:
    """An image file's pixels (worker thread)."""
    from PIL import Image as PILImage

    with PILImage.open(path) as img:
        rgba = img.convert("RGBA")
        return rgba.size, rgba.tobytes()


def texture(pixels: Pixels, nearest: bool = False) -> Texture:
    """A texture of the pixels, the right way up (UI thread: it talks to GL)."""
    size, data = pixels
    tex = Texture.create(size=size, colorfmt="rgba")
    tex.blit_buffer(data, colorfmt="rgba", bufferfmt="ubyte")
    tex.flip_vertical()
    if nearest:
        tex.mag_filter = "nearest"
    return tex
