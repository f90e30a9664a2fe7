"""python -m drivers.sim.printer [--baud N] [--link-dir DIR] [--out-dir DIR]

Prints the port path, then reads commands on stdin:
paper ok|near_end|out, cover open|closed, offline on|off, mute on|off, unplug, replug, jobs, quit.
"""

from __future__ import annotations

import argparse
import sys

from drivers.sim.printer.sim import PrinterSimulator

_ONOFF = {"on": True, "off": False}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m drivers.sim.printer")
    ap.add_argument("--baud", type=int, default=19200)
    ap.add_argument("--link-dir")
    ap.add_argument("--out-dir")
    args = ap.parse_args(argv)
    sim = PrinterSimulator(baudrate=args.baud, link_dir=args.link_dir, out_dir=args.out_dir)
    port = sim.start()
    print(port, flush=True)
    print(f"jobs are saved in {sim.out_dir}", file=sys.stderr, flush=True)
    try:
        for line in sys.stdin:
            words = line.split()
            if not words:
                continue
            cmd, arg = words[0], (words[1] if len(words) > 1 else "")
            try:
                if cmd == "quit":
                    break
                elif cmd == "paper":
                    sim.set_paper(arg)
                elif cmd == "cover" and arg in ("open", "closed"):
                    sim.set_cover_open(arg == "open")
                elif cmd == "offline" and arg in _ONOFF:
                    sim.set_offline(_ONOFF[arg])
                elif cmd == "mute" and arg in _ONOFF:
                    sim.set_mute(_ONOFF[arg])
                elif cmd == "unplug":
                    sim.unplug()
                elif cmd == "replug":
                    sim.replug()
                elif cmd == "jobs":
                    for job in sim.jobs:
                        print(job.index, len(job.raw), job.png_path, flush=True)
                    continue
                else:
                    print(f"? {line.strip()}", file=sys.stderr, flush=True)
                    continue
            except ValueError as e:
                print(f"error: {e}", file=sys.stderr, flush=True)
                continue
            print("ok", flush=True)
    except KeyboardInterrupt:
        pass
    finally:
        sim.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
