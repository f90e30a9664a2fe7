"""WAV helpers in plain Python: volume applied to the samples (so every engine and every player get the
same loudness from `[voice] volume`), and the figures a speaker test reports."""

from __future__ import annotations

import array
import io
import math
import sys
import wave
from pathlib import Path

_TYPECODES = {1: "B", 2: "h", 4: "i"}


def scale_volume(data: bytes, volume: int) -> bytes:
    """The WAV `data` with its samples multiplied by volume/100 (0-100; 100 leaves it as it is)."""
    if volume >= 100:
        return data
    factor = max(0, volume) / 100
    with wave.open(io.BytesIO(data), "rb") as r:
        params = r.getparams()
        frames = r.readframes(params.nframes)
    width = params.sampwidth
    if width in _TYPECODES:
        samples = array.array(_TYPECODES[width], frames)
        if sys.byteorder == "big" and width > 1:
            samples.byteswap()
        if width == 1:  # 8-bit WAV is unsigned around 128
            samples = array.array("B", (int(128 + (s - 128) * factor) for s in samples))
        else:
            samples = array.array(samples.typecode, (int(s * factor) for s in samples))
        if sys.byteorder == "big" and width > 1:
            samples.byteswap()
        frames = samples.tobytes()
    else:  # 24-bit: rare, done sample by sample
        out = bytearray()
        for i in range(0, len(frames) - width + 1, width):
            s = int.from_bytes(frames[i:i + width], "little", signed=True)
            out += int(s * factor).to_bytes(width, "little", signed=True)
        frames = bytes(out)
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setparams(params)
        w.writeframes(frames)
    return buf.getvalue()


def stats(path: Path) -> tuple[float, float]:
    """(duration in seconds, RMS amplitude 0..1) of a 16-bit WAV; other widths give RMS -1."""
    with wave.open(str(path), "rb") as r:
        rate, width, n = r.getframerate(), r.getsampwidth(), r.getnframes()
        frames = r.readframes(n)
    duration = n / rate if rate else 0.0
    if width != 2 or not frames:
        return duration, -1.0
    samples = array.array("h", frames)
    if sys.byteorder == "big":
        samples.byteswap()
    rms = math.sqrt(sum(s * s for s in samples) / len(samples)) / 32768
    return duration, rms
