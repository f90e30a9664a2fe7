"""The demo central government-service API (a real HTTP server on 127.0.0.1). See server.py."""

from kiosk.demo_api.seed import DEMO_IDENTITIES, ENTERPRISES, DemoIdentity
from kiosk.demo_api.server import DemoServer, Faults

__all__ = ["DEMO_IDENTITIES", "ENTERPRISES", "DemoIdentity", "DemoServer", "Faults"]
