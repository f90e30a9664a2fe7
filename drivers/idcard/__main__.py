"""Technician tool for the ID-card reader, usable without the kiosk UI.

    python -m drivers.idcard read --port /dev/kiosk-idcard [--baud N] [--timeout S] [--watch] [--json]
    python -m drivers.idcard sam --port PORT
    python -m drivers.idcard selfcheck --port PORT

Exit codes: 0 card read / command succeeded, 1 no card in time (or self-check failed),
2 usage, 3 the reader did not answer (or cannot be opened, or its SAM is faulty).
Names and ID numbers are always printed masked.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date

from .errors import (
    CardReadError,
    ReaderError,
    ReaderNotConnected,
    ReaderProtocolError,
    ReaderTimeout,
    SamFault,
)
from .reader import IdCardReader
from .record import IdentityCard

EXIT_OK, EXIT_NO_CARD, EXIT_USAGE, EXIT_NO_READER = 0, 1, 2, 3
POLL = 0.3  # vendor note: poll for a card no more often than every 300 ms


def _show(card: IdentityCard, as_json: bool) -> str:
    if as_json:
        data = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in card.masked().items()}
        return json.dumps(data, ensure_ascii=False)
    return str(card)


def _read(reader: IdCardReader, args: argparse.Namespace) -> int:
    end = time.monotonic() + args.timeout
    last_error: ReaderError | None = None
    while True:
        try:
            card = reader.read_card()
        except (ReaderTimeout, ReaderNotConnected, SamFault) as e:
            print(f"reader did not answer: {e}", file=sys.stderr)
            return EXIT_NO_READER
        except (CardReadError, ReaderProtocolError) as e:
            card, last_error = None, e
            print(f"read failed, retrying: {e}", file=sys.stderr)
        if card is not None:
            print(_show(card, args.json), flush=True)
            return EXIT_OK
        if time.monotonic() + POLL > end:
            msg = "no card read in time" + (f" (last error: {last_error})" if last_error else "")
            print(msg, file=sys.stderr)
            return EXIT_NO_CARD
        time.sleep(POLL)


def _watch(reader: IdCardReader, args: argparse.Namespace) -> int:
    present = False
    while True:
        try:
            if present:
                present = reader.card_present()
                if not present:
                    print("card removed", file=sys.stderr, flush=True)
            else:
                card = reader.read_card()
                if card is not None:
                    print(_show(card, args.json), flush=True)
                    present = True
        except ReaderError as e:
            present = False
            print(f"{type(e).__name__}: {e}", file=sys.stderr, flush=True)
        time.sleep(POLL)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m drivers.idcard", description="ID-card reader technician tool")
    sub = p.add_subparsers(dest="command", required=True)
    for name, text in (
        ("read", "read the card on the reader (masked)"),
        ("sam", "print the SAM module number"),
        ("selfcheck", "SAM status check"),
    ):
        sp = sub.add_parser(name, help=text)
        sp.add_argument("--port", required=True, help="pyserial URL, e.g. /dev/kiosk-idcard or spy:///dev/ttyUSB0")
        sp.add_argument("--baud", type=int, default=115200)
        sp.add_argument("--timeout", type=float, default=3.0, help="seconds (read: to wait for a card)")
        if name == "read":
            sp.add_argument("--watch", action="store_true", help="print every card put on the reader until Ctrl-C")
            sp.add_argument("--json", action="store_true", help="the card's fields as JSON (masked)")
    try:
        args = p.parse_args(argv)
    except SystemExit as e:
        return EXIT_USAGE if e.code else EXIT_OK
    if args.timeout <= 0:
        print("--timeout must be positive", file=sys.stderr)
        return EXIT_USAGE
    # Each exchange gets at most the requested time, and never more than the driver default.
    reader = IdCardReader(args.port, baudrate=args.baud, timeout=min(args.timeout, 3.0))
    try:
        if args.command == "read":
            return _watch(reader, args) if args.watch else _read(reader, args)
        if args.command == "sam":
            print(reader.sam_id())
            return EXIT_OK
        ok = reader.self_check()
        print("SAM OK" if ok else "SAM self-check FAILED")
        return EXIT_OK if ok else EXIT_NO_CARD
    except KeyboardInterrupt:
        return EXIT_OK
    except ReaderError as e:
        print(f"reader did not answer: {e}", file=sys.stderr)
        return EXIT_NO_READER
    finally:
        reader.close()


if __name__ == "__main__":
    sys.exit(main())
