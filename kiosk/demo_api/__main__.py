"""python -m kiosk.demo_api [--host 127.0.0.1] [--port 8765] [--token demo-token] [--reply-delay 30]"""

from __future__ import annotations

import argparse
import logging

import uvicorn

from kiosk.api.client import mask_loggers
from kiosk.demo_api.app import DemoState, create_app
from kiosk.demo_api.server import Faults, _FaultWrapper


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m kiosk.demo_api", description="Run the demo central API.")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--token", default="demo-token")
    p.add_argument("--reply-delay", type=float, default=30.0, help="seconds until feedback gets a reply")
    p.add_argument("--data-dir", default=None, help="folder with services.json / policies.json / jobs.json")
    a = p.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    mask_loggers("uvicorn.access", "uvicorn.error")
    app = _FaultWrapper(create_app(DemoState(reply_delay=a.reply_delay, data_dir=a.data_dir), a.token), Faults())
    # access_log off: request lines carry case numbers and phone digits; the log is not the place for them.
    uvicorn.run(app, host=a.host, port=a.port, access_log=False)


if __name__ == "__main__":
    main()
