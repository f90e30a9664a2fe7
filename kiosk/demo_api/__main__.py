"""python -m kiosk.demo_api [--host 127.0.0.1] [--port 8765] [--token demo-token] [--reply-delay 30]
                            [--data-dir DIR] [--for-parent]

--for-parent: how the kiosk's demo mode runs it (process.py): the URL is printed on stdout once the server
accepts, and the server stops when stdin closes, so it never outlives the kiosk that started it."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading

from kiosk.demo_api.server import DemoServer


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m kiosk.demo_api", description="Run the demo central API.")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8765, help="0: any free port (see --for-parent)")
    p.add_argument("--token", default="demo-token")
    p.add_argument("--reply-delay", type=float, default=30.0, help="seconds until feedback gets a reply")
    p.add_argument("--data-dir", default=None, help="folder with services.json / policies.json / jobs.json")
    p.add_argument("--for-parent", action="store_true", help="print the URL on stdout; stop when stdin closes")
    a = p.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    server = DemoServer(host=a.host, port=a.port, token=a.token, data_dir=a.data_dir, reply_delay=a.reply_delay)
    url = server.start()
    stop = threading.Event()
    if a.for_parent:
        print(url, flush=True)
        # Reading stdin to its end returns when the parent closes the pipe or dies, whichever comes first.
        threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), name="parent-watch", daemon=True).start()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    try:
        stop.wait()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
