"""Command line: `kiosk [--config PATH] [--demo] [--windowed] [--size WxH] [--portrait] [--selftest] [--version]`.

Kivy reads its Config when the window is created (at the first import of kivy.core.window), so this
module sets the environment and Config first and imports the app last.
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import logging
import os
import re
import signal
import sys
from pathlib import Path

from kiosk import __version__
from kiosk.config import Config, ConfigError, resolve_config

log = logging.getLogger(__name__)

EXIT_OK, EXIT_FAULT, EXIT_CONFIG = 0, 1, 2


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="kiosk", description="政务服务自助终端 / government self-service terminal")
    p.add_argument("--config", help="TOML config file (else $KIOSK_CONFIG, else demo mode)")
    p.add_argument("--demo", action="store_true",
                   help="demo mode: simulators and the demo API for whatever the config leaves out")
    p.add_argument("--windowed", action="store_true", help="a normal window for development: no lockdown")
    p.add_argument("--size", help="window size WxH (default: the display's size)")
    p.add_argument("--portrait", action="store_true", help="portrait layout (1080x1920)")
    p.add_argument("--selftest", action="store_true", help="check config, devices and API, then exit")
    p.add_argument("--set-pin", choices=("helper", "technician"),
                   help="set a staff PIN (6 to 12 digits) in the config file")
    p.add_argument("--version", action="version", version=f"kiosk {__version__}")
    args = p.parse_args(argv)
    if args.size and not re.match(r"^\d{3,5}x\d{3,5}$", args.size):
        p.error(f"--size must look like 1920x1080, not {args.size!r}")
    return args


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


def run_app(cfg: Config, args: argparse.Namespace) -> int:
    from kiosk.logging_setup import route_kivy_logger, setup_logging

    configure_kivy(cfg, args.windowed, args.size, args.portrait)
    import kivy  # noqa: F401  (Kivy's logger exists only after this)

    setup_logging(cfg.data_path, cfg.log_level)
    route_kivy_logger()
    register_font()
    from kiosk.app import KioskApp
    from kiosk.services import Services

    services = Services(cfg)
    app = KioskApp(cfg=services.cfg, services=services)
    leave_on_sigterm()
    try:
        app.run()
    finally:
        services.stop()
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        cfg = resolve_config(args.config, demo=args.demo)
    except ConfigError as e:
        print(f"kiosk: config error: {e}", file=sys.stderr)
        return EXIT_CONFIG
    from kiosk.permissions import check_secret_permissions, config_has_secrets

    if cfg.path:
        problem = check_secret_permissions(cfg.path, config_has_secrets(cfg))
        if problem:
            print(f"kiosk: {problem}", file=sys.stderr)
            return EXIT_CONFIG
    if args.set_pin:
        from kiosk.security import set_pin_interactive

        return set_pin_interactive(cfg, args.set_pin)
    if args.selftest:
        from kiosk.logging_setup import setup_logging
        from kiosk.selftest import run_selftest

        setup_logging(None, "WARNING")
        return run_selftest(cfg)
    return run_app(cfg, args)


if __name__ == "__main__":
    sys.exit(main())
