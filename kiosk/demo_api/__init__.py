"""The demo central government-service API (a real HTTP server on 127.0.0.1). See server.py.

DemoServer (uvicorn, FastAPI) is imported on first use: the kiosk's demo mode runs the server in a process
of its own (process.py) and needs only the seed (the demo cards) and the launcher here."""

from typing import TYPE_CHECKING

from kiosk.demo_api.seed import DEMO_IDENTITIES, ENTERPRISES, DemoIdentity

if TYPE_CHECKING:
    from kiosk.demo_api.server import DemoServer, Faults

__all__ = ["DEMO_IDENTITIES", "ENTERPRISES", "DemoIdentity", "DemoServer", "Faults"]


def __getattr__(name: str):
    if name in ("DemoServer", "Faults"):
        from kiosk.demo_api import server

        return getattr(server, name)
    raise AttributeError(f"module 'kiosk.demo_api' has no attribute {name!r}")
