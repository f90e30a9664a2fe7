"""The demo central government-service API (a real HTTP server on 127.0.0.1). See server.py.

Everything here is imported on first use: the kiosk's demo mode runs the server in a process of its own
(process.py) and must not pay, on the way, for the seed (the demo data, built as API models) or for
DemoServer (uvicorn, FastAPI)."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.demo_api.seed import DEMO_IDENTITIES, ENTERPRISES, DemoIdentity
    from kiosk.demo_api.server import DemoServer, Faults

__all__ = ["DEMO_IDENTITIES", "ENTERPRISES", "DemoIdentity", "DemoServer", "Faults"]
_WHERE = {"DEMO_IDENTITIES": "seed", "ENTERPRISES": "seed", "DemoIdentity": "seed", "DemoServer": "server",
          "Faults": "server"}


def __getattr__(name: str):
    if name in _WHERE:
        import importlib

        return getattr(importlib.import_module(f"kiosk.demo_api.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'kiosk.demo_api' has no attribute {name!r}")
