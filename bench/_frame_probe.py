"""Child process for bench/startup.py and bench/idle.py: start either a bare Kivy app (one Label, the
same font) or the kiosk in demo mode, print FRAME when the first frame has been drawn, then keep
running (idle measurement) until killed or --exit-after-frame."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("KIVY_NO_ARGS", "1")
os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
os.environ.setdefault("KIVY_HOME", tempfile.mkdtemp(prefix="kivy-bench-"))


def main() -> None:
    mode, exit_after = sys.argv[1], "--exit-after-frame" in sys.argv
    from kivy.config import Config as KivyConfig

    KivyConfig.set("graphics", "width", "1920")
    KivyConfig.set("graphics", "height", "1080")
    KivyConfig.set("graphics", "maxfps", "30")
    for key, _ in KivyConfig.items("input"):
        KivyConfig.remove_option("input", key)

    from kivy.clock import Clock
    from kivy.core.window import Window

    def first_frame(*_args):
        Window.unbind(on_flip=first_frame)
        print("FRAME", flush=True)
        if exit_after:
            Clock.schedule_once(lambda _dt: os._exit(0), 0)

    Window.bind(on_flip=first_frame)
    if mode == "bare":
        from kivy.app import App
        from kivy.core.text import DEFAULT_FONT, LabelBase
        from kivy.uix.label import Label

        from kiosk.assets import FONT_PATH

        LabelBase.register(DEFAULT_FONT, str(FONT_PATH))

        class Bare(App):
            def build(self):
                return Label(text="道德街街道便民服务中心", font_size=40)

        Bare().run()
    else:
        from kiosk.config import Config
        from screens.glue import register_font

        register_font()
        from kiosk.services import Services
        from screens.app import KioskApp

        services = Services(Config.demo(tempfile.mkdtemp(prefix="kiosk-bench-")))
        KioskApp(cfg=services.cfg, services=services).run()


if __name__ == "__main__":
    main()
