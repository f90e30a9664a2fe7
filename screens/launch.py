"""The program: `kiosk [--config PATH] [--demo] [--windowed] [--size WxH] [--portrait] [--selftest]
[--set-pin ROLE] [--version]`.

kiosk.cli parses the command line and does what needs no window (config check, selftest, set-pin);
this module is the composition root above it: it configures Kivy, builds the services and the app
and runs them.
"""

from __future__ import annotations

import argparse
import sys

from kiosk import cli
from kiosk.config import Config
from screens.glue import configure_kivy, leave_on_sigterm, register_font, route_kivy_logger


def run_app(cfg: Config, args: argparse.Namespace) -> int:
    from kiosk.logging_setup import setup_logging

    configure_kivy(cfg, args.windowed, args.size, args.portrait)
    import kivy  # noqa: F401  (Kivy's logger exists only after this)

    setup_logging(cfg.data_path, cfg.log_level)
    route_kivy_logger()
    register_font()
    from kiosk.services import Services
    from screens.app import KioskApp

    services = Services(cfg)
    app = KioskApp(cfg=services.cfg, services=services)
    leave_on_sigterm()
    try:
        app.run()
    finally:
        services.stop()
    return cli.EXIT_OK


def main(argv: list[str] | None = None) -> int:
    return cli.main(argv, run_ui=run_app)


if __name__ == "__main__":
    sys.exit(main())
