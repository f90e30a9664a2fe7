"""The terminal's services behind the UI: devices, the central API, the outbox. Filled in as the
drivers and the API client land; until then every device reports "not configured"."""

from __future__ import annotations

import logging

from kiosk.config import Config

log = logging.getLogger(__name__)


class Services:
    def __init__(self, cfg: Config):
        self.cfg = cfg
        self.app = None

    def start(self, app) -> None:
        self.app = app

    def stop(self) -> None:
        self.app = None
