"""Kivy glue: what the UI side does to Kivy before and around the app — its Config for a public
terminal (lockdown, one touch source, window geometry), the font, Kivy's logger, the SIGTERM handler,
and `kivy_post`, the one place where work done on other threads comes back to the UI thread.

Kivy reads its Config when the window is created (at the first import of kivy.core.window), so
configure_kivy() runs before anything imports the app.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import signal
from collections.abc import Callable
from pathlib import Path

from kiosk.config import Config

log = logging.getLogger(__name__)


def kivy_post(fn: Callable[[], None]) -> None:
    """Deliver fn on the Kivy main thread at the next frame."""
    from kivy.clock import Clock

    Clock.schedule_once(lambda _dt: fn(), 0)


def route_kivy_logger() -> None:
    """Kivy logs to its own 'kivy' logger with its own handlers; send it through ours instead."""
    from kivy.logger import Logger

    for h in list(Logger.handlers):
        Logger.removeHandler(h)
    Logger.propagate = True


def display_size() -> tuple[int, int] | None:
    """The X screen's size, asked of libX11 before any window exists (SDL can only tell afterwards)."""
    if not os.environ.get("DISPLAY"):
        return None
    try:
        x11 = ctypes.CDLL(ctypes.util.find_library("X11") or "libX11.so.6")
    except OSError:
        return None
    x11.XOpenDisplay.restype = ctypes.c_void_p
    x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
    x11.XDefaultScreen.argtypes = [ctypes.c_void_p]
    x11.XDisplayWidth.argtypes = [ctypes.c_void_p, ctypes.c_int]
    x11.XDisplayHeight.argtypes = [ctypes.c_void_p, ctypes.c_int]
    x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
    display = x11.XOpenDisplay(None)
    if not display:
        return None
    try:
        screen = x11.XDefaultScreen(display)
        return x11.XDisplayWidth(display, screen), x11.XDisplayHeight(display, screen)
    finally:
        x11.XCloseDisplay(display)


def window_geometry(cfg: Config, size: str | None, portrait: bool) -> tuple[int, int]:
    text = size or cfg.ui.size
    if text:
        w, h = (int(v) for v in text.split("x"))
    else:
        w, h = display_size() or (1920, 1080)
    if (portrait or cfg.ui.orientation == "portrait") and w > h:
        w, h = h, w
    return w, h


def configure_kivy(cfg: Config, windowed: bool, size: str | None, portrait: bool) -> None:
    """Lockdown for a public terminal; --windowed relaxes it for development."""
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    os.environ.setdefault("KIVY_HOME", str(Path(cfg.data_dir) / "kivy"))
    os.environ.setdefault("KIVY_NO_FILELOG", "1")
    os.environ.setdefault("KIVY_LOG_MODE", "MIXED")
    Path(os.environ["KIVY_HOME"]).mkdir(parents=True, exist_ok=True)
    from kivy.config import Config as KivyConfig

    w, h = window_geometry(cfg, size, portrait)
    fullscreen = cfg.ui.fullscreen and not windowed
    KivyConfig.set("graphics", "width", str(w))
    KivyConfig.set("graphics", "height", str(h))
    KivyConfig.set("graphics", "maxfps", "30")
    KivyConfig.set("graphics", "allow_screensaver", "0")
    KivyConfig.set("kivy", "exit_on_escape", "0" if fullscreen else "1")
    KivyConfig.set("kivy", "keyboard_mode", "system")
    # Exactly one touch source: X turns the touchscreen into pointer events, and probesysfs would read
    # the same panel again (double touches, kivy#1903). No right-click red dots.
    for key, _ in KivyConfig.items("input"):
        KivyConfig.remove_option("input", key)
    KivyConfig.set("input", "mouse", "mouse,disable_multitouch")
    for key, _ in KivyConfig.items("modules"):
        KivyConfig.remove_option("modules", key)
    if fullscreen:
        # No window manager on the terminal: explicit 0,0 geometry at the display's size, borderless
        # (fullscreen=auto without a WM leaves the window at 800x600 and offsets every touch).
        KivyConfig.set("graphics", "fullscreen", "0")
        KivyConfig.set("graphics", "borderless", "1")
        KivyConfig.set("graphics", "position", "custom")
        KivyConfig.set("graphics", "left", "0")
        KivyConfig.set("graphics", "top", "0")
        KivyConfig.set("graphics", "show_cursor", "0")
        KivyConfig.set("graphics", "resizable", "0")
    else:
        KivyConfig.set("graphics", "fullscreen", "0")
        KivyConfig.set("graphics", "borderless", "0")
        KivyConfig.set("graphics", "show_cursor", "1")


def register_font() -> None:
    from kivy.core.text import DEFAULT_FONT, LabelBase

    from kiosk.assets import FONT_PATH

    LabelBase.register(DEFAULT_FONT, str(FONT_PATH))
    _one_face_per_size()
    _remember_extents()
    _forgive_collected_rule_targets()


def _one_face_per_size() -> None:
    """Kivy's SDL2 text provider keeps an open font face per key str(font_size)|name|style, but opens
    it at int(font_size): a widget's 22.0 and markup's [size=22] were two faces of the same size, each
    ~0.4 MB of the CJK font held for good (Kivy keeps up to 64). Keyed by the size it opens instead."""
    from kivy.core.text import Label as CoreLabel

    if getattr(CoreLabel, "_kiosk_font_id", False) or not hasattr(CoreLabel, "_get_font_id"):
        return

    def font_id(label) -> str:
        o = label.options
        return "|".join([str(int(o["font_size"])), str(o["font_name_r"]), str(o["bold"]), str(o["italic"]),
                         str(o["underline"]), str(o["strikethrough"])])

    CoreLabel._get_font_id = font_id
    CoreLabel._kiosk_font_id = True


def _forgive_collected_rule_targets() -> None:
    """A kv rule that depends on the app (``size: dp(220) * (1.3 if app.elder else 1)``) stays bound until
    Kivy hears that its widget was collected. When a collection frees the widget in the middle of that
    property's dispatch (a screen rebuilt by the same change drops a QR code held in a reference cycle),
    Kivy 2.3 still calls the rule and raises ReferenceError out of ``app.elder = True``: a CI run's elder
    switch on the guide failed so. A rule whose widget is gone has nothing left to set."""
    from kivy.lang import builder

    if getattr(builder.call_fn, "_kiosk_forgiving", False):
        return
    call_fn = builder.call_fn

    def forgiving(args, instance, value):
        try:
            call_fn(args, instance, value)
        except ReferenceError:
            log.debug("kv rule for a collected widget skipped (%s)", args[1])

    forgiving._kiosk_forgiving = True
    builder.call_fn = forgiving


EXTENTS_KEPT = 2048


def _remember_extents() -> None:
    """Kivy measures the same words again and again (its markup layout measures a line's pieces, spaces
    and empty strings on every render; our line breaking measures before it): the home screen's first
    layout asked SDL_ttf 892 times for 304 different sizes (a few ms of the first frame here; each
    later relayout asks again).
    The answers are kept per face and text, at most EXTENTS_KEPT of them (then all are dropped: a
    citizen's texts change, the interface's stay). UI thread only, as Kivy's text rendering is."""
    from kivy.core.text import Label as CoreLabel

    if getattr(CoreLabel, "_kiosk_extents", None) is not None:
        return
    measure = CoreLabel.get_extents
    kept: dict[tuple, tuple] = {}

    def get_extents(label, text: str):
        o = label.options
        key = (label._get_font_id(), o.get("font_hinting"), o.get("font_kerning"), text)
        size = kept.get(key)
        if size is None:
            if len(kept) >= EXTENTS_KEPT:
                kept.clear()
            size = kept[key] = tuple(measure(label, text))
        return size

    CoreLabel.get_extents = get_extents
    CoreLabel._kiosk_extents = kept


def leave_on_sigterm() -> None:
    """systemd stops the kiosk (and restarts it every night, and for upgrades) with SIGTERM.

    SDL turns SIGTERM into a window-close request, which a fullscreen kiosk refuses (citizens must not
    close it), so the app ran on until systemd's SIGKILL TimeoutStopSec later: every stop was a power
    cut. Our handler replaces SDL's. It only sets a flag: a signal can land while the main thread holds
    Kivy's Clock lock. The frame loop leaves on its next check; app.run() then stops the services."""
    from kivy.base import stopTouchApp
    from kivy.clock import Clock

    requested: list[int] = []

    def on_signal(signum: int, _frame: object) -> None:
        requested.append(signum)

    def check(_dt: float) -> bool | None:
        if not requested:
            return None
        log.info("SIGTERM: leaving")
        stopTouchApp()
        return False

    signal.signal(signal.SIGTERM, on_signal)
    Clock.schedule_interval(check, 0.2)
