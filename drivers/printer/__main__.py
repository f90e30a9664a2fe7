"""Technician tool.

    python -m drivers.printer status --port PORT [--baud N]   exit 0 ready, 1 not ready, 3 no answer
    python -m drivers.printer test   --port PORT [--baud N]   print the test page
Usage errors exit 2. PORT is any pyserial URL (/dev/kiosk-printer, spy:///dev/ttyUSB0, socket://…).
"""

from __future__ import annotations

import argparse
import sys
import time

from drivers.printer.driver import ReceiptPrinter
from drivers.printer.errors import NotConnected, PrinterError


def _status(p: ReceiptPrinter) -> int:
    try:
        s = p.status()
    except NotConnected as e:
        print(f"connected:  no ({e.detail})")
        return 3
    print(f"online:     {s.online}")
    print(f"paper:      {s.paper}")
    print(f"cover_open: {s.cover_open}")
    print(f"error:      {s.error}")
    print(f"ready:      {s.ready}")
    if not s.answered:
        return 3
    return 0 if s.ready else 1


def _test(p: ReceiptPrinter) -> int:
    import socket

    from drivers.printer.bench_page import bench_page

    page = bench_page(socket.gethostname()[:20] or "kiosk", "driver", time.strftime("%Y-%m-%d %H:%M:%S"),
                           p.profile)
    try:
        p.print_receipt(page)
    except PrinterError as e:
        print(f"{type(e).__name__} [{e.code}]: {e.detail}")
        return 3 if isinstance(e, NotConnected) else 1
    print("test page printed")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m drivers.printer")
    ap.add_argument("command", choices=("status", "test"))
    ap.add_argument("--port", required=True)
    ap.add_argument("--baud", type=int, default=19200)
    ap.add_argument("--profile")
    ap.add_argument("--width", type=int, choices=(80, 58), default=80)
    ap.add_argument("--flow", choices=("none", "xonxoff", "rtscts"), default="none")
    args = ap.parse_args(argv)  # exits 2 on usage errors
    with ReceiptPrinter(args.port, args.baud, args.profile, args.width, args.flow) as p:
        return _status(p) if args.command == "status" else _test(p)


if __name__ == "__main__":
    sys.exit(main())
