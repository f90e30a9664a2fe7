"""The real program in a real X window, driven from outside as a finger would: `python -m kiosk --demo`
on an X server of its own, and xdotool tapping at screen coordinates: a home tile, and an older citizen's
whole 取号 (长辈模式, the tile, a common item, the ticket from the printer).

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


def x_screen(env: dict) -> tuple[bytes, int, int, int, int]:
    """xwd's dump of the X root window: a 100-byte header of 25 big-endian words, the colour map, then
    32-bit BGRX pixels. Returns (dump, width, height, bytes per line, offset of the pixels); a dump too
    short to hold a header (no window yet) gives zero sizes."""
    import struct

    dump = subprocess.run(["xwd", "-root", "-silent"], env=env, capture_output=True, timeout=10).stdout
    if len(dump) < 100:
        return dump, 0, 0, 0, 0
    head = struct.unpack(">25I", dump[:100])
    return dump, head[4], head[5], head[12], head[0] + head[19] * 12


def pixel(env: dict, x: int, y: int) -> tuple[int, int, int]:
    """The colour on the X screen at x, y ((0, 0, 0) while there is nothing to read)."""
    dump, _width, height, line, start = x_screen(env)
    if y >= height:
        return (0, 0, 0)
    at = start + y * line + x * 4
    b, g, r = dump[at:at + 3]
    return (r, g, b)


def save_screen(env: dict, out: Path) -> None:
    """The X screen as a PNG, for people to look at (what the program showed, not this process)."""
    from PIL import Image

    dump, width, height, line, start = x_screen(env)
    out.parent.mkdir(exist_ok=True)
    Image.frombytes("RGB", (width, height), dump[start:start + line * height], "raw", "BGRX", line).save(out)


def tile_center(app, target: str) -> tuple[int, int]:
    """Where a tile is on a 1920x1080 screen, in X coordinates (origin top left)."""
    from kivyhelp import run_for, set_window

    set_window(SIZE)
    run_for(0.1)
    tile = next(t for t in app.screen("home").ids.tiles.children if t.target == target)
    x, y = tile.to_window(*tile.center)
    return int(x), int(SIZE[1] - y)


class Program:
    """`python -m kiosk --demo` on `display`, its log, and a finger (xdotool)."""

    def __init__(self, display: str, tmp_path: Path) -> None:
        self.env = {**os.environ, "DISPLAY": display, "XDG_DATA_HOME": str(tmp_path), "KIVY_NO_CONSOLELOG": "1"}
        self.env.pop("KIVY_HOME", None)
        self.log = tmp_path / "kiosk-demo" / "logs" / "kiosk.log"
        self.proc = subprocess.Popen([sys.executable, "-m", "kiosk", "--demo", "--size", f"{SIZE[0]}x{SIZE[1]}"],
                                     cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        wait_for(lambda: "kiosk started" in self.text() or self.proc.poll() is not None, 60, "the program")
        assert self.proc.poll() is None, self.proc.stderr.read().decode(errors="replace")[-2000:]
        # The window is up once X knows it (found by class: xdotool's name search misses the
        # UTF-8 title 自助终端).
        wait_for(lambda: subprocess.run(["xdotool", "search", "--class", "."], env=self.env,
                                        capture_output=True).returncode == 0, 30, "the window")

    def text(self) -> str:
        return self.log.read_text("utf-8") if self.log.exists() else ""

    def pixel(self, x: int, y: int) -> tuple[int, int, int]:
        return pixel(self.env, x, y)

    def tap(self, x: int, y: int) -> None:
        subprocess.run(["xdotool", "mousemove", "--sync", str(x), str(y)], env=self.env, check=True, timeout=10)
        subprocess.run(["xdotool", "click", "1"], env=self.env, check=True, timeout=10)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)


def test_a_tap_through_x_opens_the_guide(kiosk_app, display, tmp_path):
    x, y = tile_center(kiosk_app, "guide")      # same code, same size as the program below
    program = Program(display, tmp_path)
    try:
        # The tile is drawn where the finger goes (a tile is white on the grey page; a window still
        # loading is black): a condition, not a guess of how long a loaded machine takes.
        wait_for(lambda: program.pixel(x, y) == (255, 255, 255), 60, "the home screen to be drawn")
        program.tap(x, y)
        wait_for(lambda: "home: guide" in program.text(), 20, "the tap to reach the guide tile")
        assert "home: ticket" not in program.text() and "Traceback" not in program.text()
    finally:
        program.stop()


def _x(widget, at: tuple[float, float]) -> tuple[int, int]:
    x, y = widget.to_window(*at)
    return int(x), int(SIZE[1] - y)


def test_an_older_citizen_takes_a_ticket_through_x(demo_app, display, tmp_path):
    """长辈模式, then 排队取号, then one of the common items, each a click on the X screen; the ticket the
    printer simulator prints names the item. Where to click is found by laying out the same code at the
    same size in this process (elder mode changes the sizes, so each place is taken in the mode the
    program is in when the finger comes)."""
    from kivyhelp import run_for, set_window, tap, wait_until

    app = demo_app
    set_window(SIZE)
    run_for(0.1)
    elder_at = _x(app.root.ids.elder_button, app.root.ids.elder_button.center)
    app.set_elder(True)
    run_for(0.1)
    tile = next(t for t in app.screen("home").ids.tiles.children if t.target == "ticket")
    tile_at = _x(tile, tile.center)
    tap(tile)
    scr = app.screen("ticket")
    wait_until(lambda: scr.ids.popular_grid.children and not scr.ids.stages.transition.is_active
               and not app.sm.transition.is_active, 15, "the common items")
    item = next(b for b in scr.ids.popular_grid.children if b.text.startswith("个体工商户设立登记"))
    item_at = _x(item.parent, item.center)
    # Drawn and at rest means: the item white a little inside its left edge (no text there) and
    # 立即取号 red, each where it ends up. Home has white tiles under both points, and a sliding screen
    # has neither in place. (Colours, not an in-process screenshot: this process's window may just have
    # been turned, and its pixels are not what the program shows.)
    general = scr.ids.general_button
    item_probe = _x(item.parent, (item.x + 8, item.center_y))
    general_probe = _x(general.parent, (general.x + 8, general.center_y))
    app.home()

    program = Program(display, tmp_path)
    try:
        wait_for(lambda: program.pixel(*tile_at) == (255, 255, 255), 60, "the home screen to be drawn")
        program.tap(*elder_at)
        wait_for(lambda: "elder mode on" in program.text(), 20, "the tap to reach 长辈模式")
        program.tap(*tile_at)
        wait_for(lambda: "home: ticket" in program.text(), 20, "the tap to reach the 取号 tile")

        # In elder mode the general ticket comes by itself after 16 s unless an item is chosen: the
        # finger goes as soon as the items are drawn (here well within a second of it).
        def at_rest() -> bool:
            r, g, b = program.pixel(*general_probe)
            return program.pixel(*item_probe) == (255, 255, 255) and r > 150 and g < 90 and b < 90

        wait_for(lambda: at_rest() or " for " in program.text(), 30, "the common items to be drawn")
        program.tap(*item_at)
        wait_for(lambda: "print job 1 printed" in program.text(), 30, "the ticket to print")
        last: list[bytes] = [b""]

        def still() -> bool:             # two reads alike: the dialog has finished opening
            now = x_screen(program.env)[0]
            was, last[0] = last[0], now
            return now == was

        wait_for(still, 20, "the screen to come to rest")
        save_screen(program.env, ROOT / "artifacts" / "x-elder-ticket.png")
        log = program.text()
        assert "for 370104-SCJG-001" in log and "(no item)" not in log, log[-1500:]
        assert "Traceback" not in log
        sim_line = next(line for line in log.splitlines() if "demo: printer simulator on " in line)
        printed = Path(sim_line.split("demo: printer simulator on ")[1].strip()).parent / "printed"
        # The simulator writes a job's files once it has drawn it, just after the printer said "done"
        # (the transcript last, whole).
        wait_for(lambda: (printed / "job-0001.txt").exists(), 20,
                 "the simulator to write the ticket down")
        transcript = (printed / "job-0001.txt").read_text("utf-8")
        assert "办理业务：个体工商户设立登记" in transcript and "办理窗口：综合窗口" in transcript
    finally:
        program.stop()
