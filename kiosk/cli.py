"""Command line: `kiosk [--config PATH] [--demo] [--windowed] [--size WxH] [--portrait] [--selftest] [--version]`.

What needs no window is done here (the config check, `--selftest`, `--set-pin`); running the kiosk
itself is the `run_ui` the caller hands in (screens.launch, the program's entry point), so the core
never imports Kivy or the screens.
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
from collections.abc import Callable

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


RunUi = Callable[[Config, argparse.Namespace], int]

NO_DEMO = ("kiosk: this package has no demo mode (device simulators, demo API): write the terminal's "
           "config file (/etc/kiosk/config.toml, see docs/install.md), or run the demo from a source "
           "checkout (README)")


def demo_parts_missing(cfg: Config) -> bool:
    """The config asks for a simulator or the demo API, and this build (the terminal's package) has
    none: said plainly instead of a ModuleNotFoundError from deep in the start-up."""
    import importlib.util

    return cfg.wants_demo_parts and importlib.util.find_spec("kiosk.demo") is None


def main(argv: list[str] | None = None, run_ui: RunUi | None = None) -> int:
    args = parse_args(argv)
    try:
        cfg = resolve_config(args.config, demo=args.demo)
    except ConfigError as e:
        print(f"kiosk: config error: {e}", file=sys.stderr)
        return EXIT_CONFIG
    if demo_parts_missing(cfg):
        print(NO_DEMO, file=sys.stderr)
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
    if run_ui is None:
        print("kiosk: this entry point has no user interface; run `kiosk` (screens.launch)", file=sys.stderr)
        return EXIT_FAULT
    return run_ui(cfg, args)


if __name__ == "__main__":
    sys.exit(main())
