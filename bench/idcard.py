"""Bench: card-read latency against the simulator's wire-time floor, and record decode time.

    python bench/idcard.py [--rounds N] [--baud B]

Prints ratios, asserts nothing (targets: read/floor <= 1.10, decode <= 1 ms).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _summary import summary  # noqa: E402  (bench/ is on sys.path when run as a script)

from drivers.idcard import IdCardReader, build_frame, build_reply, decode_text, encode_text  # noqa: E402
from drivers.sim.idcard import SYNTHETIC_CARDS, IdCardSimulator  # noqa: E402


def wire_floor(baud: int) -> tuple[int, float]:
    """Bytes and seconds the find/select/read exchange needs on the wire at 8N1."""
    commands = [build_frame(0x20, 0x01), build_frame(0x20, 0x02), build_frame(0x30, 0x01)]
    replies = [build_reply(0x9F, bytes(4)), build_reply(0x90, bytes(8)), build_reply(0x90, bytes(4 + 256 + 1024))]
    n = sum(map(len, commands)) + sum(map(len, replies))
    return n, n * 10 / baud


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--rounds", type=int, default=20)
    p.add_argument("--baud", type=int, default=115200)
    args = p.parse_args()
    n_bytes, floor = wire_floor(args.baud)
    card = SYNTHETIC_CARDS[0]
    times = []
    with IdCardSimulator(baudrate=args.baud) as sim, IdCardReader(sim.port, baudrate=args.baud) as reader:
        sim.allow_reread = True
        sim.put_card(card)
        reader.read_card()  # warm up: open, first exchange
        for _ in range(args.rounds):
            t = time.perf_counter()
            got = reader.read_card()
            times.append(time.perf_counter() - t)
            assert got == card, "bench read the wrong card"
    med = statistics.median(times)
    print(f"read_card at {args.baud} bd: median {med * 1000:.1f} ms, min {min(times) * 1000:.1f} ms "
          f"over {args.rounds} reads")  # fmt: skip
    print(f"wire-time floor: {n_bytes} bytes x 10 / {args.baud} = {floor * 1000:.1f} ms")
    print(f"ratio read/floor: {med / floor:.3f} (target <= 1.10)")
    summary("ID card read", f"{med * 1000:.1f} ms", f"wire floor {floor * 1000:.1f} ms", med / floor,
            "ratio <= 1.10", med / floor <= 1.10)

    text = encode_text(card)
    reps = 2000
    t = time.perf_counter()
    for _ in range(reps):
        decode_text(text)
    per = (time.perf_counter() - t) / reps
    print(f"decode_text: {per * 1e6:.1f} us per record (target <= 1000 us, ratio {per / 1e-3:.3f})")
    summary("ID record decode", f"{per * 1e6:.1f} us", "budget 1000 us", per / 1e-3, "<= 1000 us", per <= 1e-3)
    return 0


if __name__ == "__main__":
    sys.exit(main())
