"""Child process for bench/frames.py: a bare Kivy app (one Label, the kiosk's font) at the given size,
the unchanged window redrawn every frame for the given seconds, each frame split as bench/_split.py
does. Prints one line: BARE <python p50 ms> <gl p50 ms> <gl max ms> <frames>.

    python bench/_bare_frames.py 1920 1080 3
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("KIVY_NO_ARGS", "1")
os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
os.environ.setdefault("KIVY_NO_FILELOG", "1")
os.environ.setdefault("KIVY_HOME", tempfile.mkdtemp(prefix="kivy-bench-"))


def main() -> None:
    width, height, seconds = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
    from kivy.config import Config as KivyConfig

    KivyConfig.set("graphics", "width", str(width))
    KivyConfig.set("graphics", "height", str(height))
    KivyConfig.set("graphics", "maxfps", "60")
    for key, _ in KivyConfig.items("input"):
        KivyConfig.remove_option("input", key)
    from _split import SplitLoop, pct
    from kivy.app import App
    from kivy.base import EventLoop
    from kivy.core.text import DEFAULT_FONT, LabelBase
    from kivy.core.window import Window
    from kivy.uix.label import Label

    from kiosk.assets import FONT_PATH

    LabelBase.register(DEFAULT_FONT, str(FONT_PATH))

    class Bare(App):
        def build(self):
            return Label(text="道德街街道便民服务中心", font_size=40)

    app = Bare()
    app._run_prepare()
    Window.size = (width, height)
    loop = SplitLoop()
    end = time.perf_counter() + 0.5
    while time.perf_counter() < end:
        loop.step()
    loop.recording = True
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        Window.canvas.ask_update()
        loop.step()
    f = loop.frames
    print(f"BARE {pct([x.python_ms for x in f], 0.5):.2f} {pct([x.gl_ms for x in f], 0.5):.2f} "
          f"{max(x.gl_ms for x in f):.2f} {len(f)}", flush=True)
    EventLoop.close()
    os._exit(0)


if __name__ == "__main__":
    main()
