"""Voice latency: from say() to the sound starting, for a cached fixed prompt (target <= 300 ms) beside
a prompt synthesised on the spot (a ticket number) in the same run, and espeak-ng's time per prompt.
Prints; asserts nothing.

"Start" is when the player program is running: the player here is `true`, so the figure is the voice
thread's work plus one fork/exec, without a sound card's own open time (aplay adds a few ms on ALSA).

    python bench/voice.py [-n 50]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _summary import summary  # noqa: E402  (bench/ is on sys.path when run as a script)

from kiosk.config import VoiceSection  # noqa: E402
from kiosk.voice import FIXED, EspeakEngine, Player, Voice  # noqa: E402


class Clock:
    """The moment of each voice-thread event, by kind."""

    def __init__(self):
        self.cond = threading.Condition()
        self.events: list[tuple[str, float]] = []

    def __call__(self, kind: str, _text: str) -> None:
        with self.cond:
            self.events.append((kind, time.perf_counter()))
            self.cond.notify_all()

    def after(self, kind: str, t0: float) -> float:
        with self.cond:
            self.cond.wait_for(lambda: any(k == kind and t >= t0 for k, t in self.events), 30)
            return min(t for k, t in self.events if k == kind and t >= t0) - t0


def pct(values: list[float], q: float) -> float:
    return sorted(values)[min(len(values) - 1, int(q * len(values)))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=50)
    args = ap.parse_args()
    engine = EspeakEngine()
    with tempfile.TemporaryDirectory() as tmp:
        synth = []
        for p in FIXED:
            t0 = time.perf_counter()
            engine.synthesize(p.text(), Path(tmp) / f"{p.id}.wav")
            synth.append(time.perf_counter() - t0)

        clock = Clock()
        voice = Voice(VoiceSection(), tmp, engine=engine, player=Player("true {file}"), on_event=clock)
        voice.start_session(elder=True)
        voice.warm(["zh_CN"])
        voice.idle(120)
        hit_ready, hit_start, miss_ready, miss_start = [], [], [], []
        for i in range(args.n):
            prompt = FIXED[i % len(FIXED)].id
            t0 = time.perf_counter()
            voice.say(prompt)
            hit_ready.append(clock.after("playing", t0))
            hit_start.append(clock.after("played", t0))
            t0 = time.perf_counter()
            voice.say("ticket_number", number=f"A{i:03d}", ahead=i % 20)
            miss_ready.append(clock.after("playing", t0))
            miss_start.append(clock.after("played", t0))
        voice.close()

    ms = 1000
    print(f"espeak-ng per fixed prompt: median {statistics.median(synth) * ms:.0f} ms, "
          f"max {max(synth) * ms:.0f} ms ({len(FIXED)} prompts, {engine.version()})")
    for name, ready, start in (("cached fixed prompt", hit_ready, hit_start),
                               ("ticket number, synthesised", miss_ready, miss_start)):
        print(f"{name:<28} WAV ready p50 {statistics.median(ready) * ms:6.1f} ms  p95 {pct(ready, .95) * ms:6.1f}"
              f"   player ran p50 {statistics.median(start) * ms:6.1f} ms  p95 {pct(start, .95) * ms:6.1f}"
              f"   (n={args.n})")
    p95 = pct(hit_start, .95) * ms
    summary("voice: cached prompt to player start, p95", f"{p95:.1f} ms",
            f"synthesised on the spot {pct(miss_start, .95) * ms:.0f} ms",
            pct(hit_start, .95) / pct(miss_start, .95), "<= 300 ms", p95 <= 300)


if __name__ == "__main__":
    main()
