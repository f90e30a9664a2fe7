"""Pictures the UI shows but does not draw itself (QR codes, the demo printer's receipt): their pixels are
made on the app's worker pool and only the texture upload runs on the UI thread.

Making a QR code (qrcode tries all eight masks) took 50-75 ms here and decoding the receipt PNG with
Kivy's loader 30-60 ms: whole frames of the UI thread. A texture from raw pixels is a few milliseconds.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from kivy.app import App
from kivy.graphics.texture import Texture

Pixels = tuple[tuple[int, int], bytes]      # (width, height), RGBA rows top to bottom


def off_ui(make: Callable[[], Any], done: Callable[[Any], None]) -> None:
    """make() on the app's worker pool, done(result) back on the UI thread. Without a running app (a
    widget built alone) it runs at once."""
    worker = getattr(App.get_running_app(), "worker", None)
    if worker is None:
        done(make())
        return
    worker.submit(make, done)


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
