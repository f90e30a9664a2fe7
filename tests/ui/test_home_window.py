"""The real program in a real X window, driven from outside as a finger would: `python -m kiosk --demo`
on an X server of its own, and xdotool tapping a home tile at its screen coordinates.

The in-process tests inject touches into Kivy; this one goes through X, SDL and Kivy's mouse provider
as the terminal's touch panel does, so a window placed off 0,0 or a touch offset would show here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SIZE = (1920, 1080)


def wait_for(predicate, timeout: float, what: str) -> None:
    end = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


@pytest.fixture
def display():
    """An Xvfb of its own (not the tests' window, which would lie on top of the program's)."""
    for tool in ("Xvfb", "xdotool"):
        assert shutil.which(tool), f"{tool} missing: bash scripts/setup.sh installs it"
    r, w = os.pipe()
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(w), "-screen", "0", f"{SIZE[0]}x{SIZE[1]}x24",
                             "-nolisten", "tcp"], pass_fds=(w,), stderr=subprocess.DEVNULL)
    os.close(w)
    try:
        with os.fdopen(r) as f:
            number = f.readline().strip()
        assert number.isdigit(), "Xvfb did not start"
        yield f":{number}"
    finally:
        xvfb.terminate()
        xvfb.wait(timeout=10)


def pixel(env: dict, x: int, y: int) -> tuple[int, int, int]:
    """The colour on the X screen at x, y (xwd's dump of the root window: a 100-byte header of 25
    big-endian words, the colour map, then 32-bit BGRX pixels)."""
    import struct

    dump = subprocess.run(["xwd", "-root", "-silent"], env=env, capture_output=True, timeout=10).stdout
    if len(dump) < 100:
        return (0, 0, 0)
    head = struct.unpack(">25I", dump[:100])
    at = head[0] + head[19] * 12 + y * head[12] + x * 4
    b, g, r = dump[at:at + 3]
    return (r, g, b)


def tile_center(app, target: str) -> tuple[int, int]:
    """Where a tile is on a 1920x1080 screen, in X coordinates (origin top left)."""
    from kivyhelp import run_for, set_window

    set_window(SIZE)
    run_for(0.1)
    tile = next(t for t in app.screen("home").ids.tiles.children if t.target == target)
    x, y = tile.to_window(*tile.center)
    return int(x), int(SIZE[1] - y)


def test_a_tap_through_x_opens_the_guide(kiosk_app, display, tmp_path):
    x, y = tile_center(kiosk_app, "guide")      # same code, same size as the program below
    env = {**os.environ, "DISPLAY": display, "XDG_DATA_HOME": str(tmp_path), "KIVY_NO_CONSOLELOG": "1"}
    env.pop("KIVY_HOME", None)
    log = tmp_path / "kiosk-demo" / "logs" / "kiosk.log"
    program = subprocess.Popen([sys.executable, "-m", "kiosk", "--demo", "--size", f"{SIZE[0]}x{SIZE[1]}"],
                               cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        def text() -> str:
            return log.read_text("utf-8") if log.exists() else ""

        wait_for(lambda: "kiosk started" in text() or program.poll() is not None, 60, "the program")
        assert program.poll() is None, program.stderr.read().decode(errors="replace")[-2000:]
        # The window is up once X knows it (found by class: xdotool's name search misses the
        # UTF-8 title 自助终端); then a moment for the home screen's first layout.
        wait_for(lambda: subprocess.run(["xdotool", "search", "--class", "."], env=env,
                                        capture_output=True).returncode == 0, 30, "the window")
        # The tile is drawn where the finger goes (a tile is white on the grey page; a window still
        # loading is black): a condition, not a guess of how long a loaded machine takes.
        wait_for(lambda: pixel(env, x, y) == (255, 255, 255), 60, "the home screen to be drawn")
        subprocess.run(["xdotool", "mousemove", "--sync", str(x), str(y)], env=env, check=True, timeout=10)
        subprocess.run(["xdotool", "click", "1"], env=env, check=True, timeout=10)
        wait_for(lambda: "home: guide" in text(), 20, "the tap to reach the guide tile")
        assert "home: ticket" not in text() and "Traceback" not in text()
    finally:
        program.terminate()
        try:
            program.wait(timeout=20)
        except subprocess.TimeoutExpired:
            program.kill()
            program.wait(timeout=10)
