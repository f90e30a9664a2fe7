"""Child process for bench/startup.py and bench/idle.py: start either a bare Kivy app (one Label, the
same font), the kiosk in demo mode ("kiosk"), or the kiosk in a terminal configuration ("terminal":
a config file whose serial ports do not exist and whose central API does not answer, demo API off),
print FRAME when the first frame has been drawn, then keep running (idle measurement) until killed
or --exit-after-frame. With --receipt, one receipt is printed before READY (idle after it). With --wakeups N: after N seconds, print what the Kivy Clock has scheduled
and which threads run (what wakes the loop and the process)."""

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
        # CPU seconds of the whole process so far (every thread): on a shared machine the wall time
        # to the first frame varies with the load, the work done for it much less.
        print(f"FRAME {time.process_time():.3f}", flush=True)
        if exit_after:
            Clock.schedule_once(lambda _dt: os._exit(0), 0)

    Window.bind(on_flip=first_frame)
    if mode == "bare":
        Clock.schedule_once(lambda _dt: print("READY", flush=True), 2.0)
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
        from kiosk.config import Config, load_config
        from screens.glue import register_font

        register_font()
        from kiosk.services import Services
        from screens.app import KioskApp

        data = tempfile.mkdtemp(prefix="kiosk-bench-")
        cfg = load_config(terminal_config(data)) if mode == "terminal" else Config.demo(data)
        if "--wakeups" in sys.argv:
            Clock.schedule_once(report_wakeups, float(sys.argv[sys.argv.index("--wakeups") + 1]))
        services = Services(cfg)

        def settle() -> None:
            # Idle means after start-up: the services' threads have started the devices and the API, the
            # voice has made its fixed prompts (a fresh data folder here: a terminal does that once),
            # and with --receipt one receipt has been built and printed (a terminal's steady state).
            if services.voice is not None:
                services.voice.idle(60)
            if "--receipt" in sys.argv:
                print_one(services)
            Clock.schedule_once(lambda _dt: print("READY", flush=True), 2.0)

        def ready(_dt):
            if not services.ready.is_set():
                return None
            import threading

            threading.Thread(target=settle, daemon=True).start()
            return False

        Clock.schedule_interval(ready, 0.25)
        KioskApp(cfg=services.cfg, services=services).run()


TERMINAL_CONFIG = """mode = "terminal"
data_dir = "{data}"
[terminal]
id = "JN-HY-DDJ-BENCH"
name = "自助终端 bench"
center_name = "道德街街道便民服务中心"
center_name_en = "Daodejie Subdistrict Convenience Service Center"
[api]
base_url = "http://127.0.0.1:9/kiosk"
token = "bench-token-not-a-secret"
connect_timeout = 1.0
read_timeout = 2.0
[printer]
port = "/dev/kiosk-bench-no-printer"
[reader]
port = "/dev/kiosk-bench-no-reader"
"""


def terminal_config(data: str) -> str:
    """A terminal's config: ports that are absent, an API on 127.0.0.1 where nothing listens."""
    path = Path(data) / "config.toml"
    path.write_text(TERMINAL_CONFIG.format(data=data), encoding="utf-8")
    return str(path)


def print_one(services) -> None:
    """A citizen's receipt, as a flow prints it: through the print queue when there is a printer (demo
    mode: the simulator), else built only (terminal cfg: no printer here); off the UI thread."""
    import time

    from kiosk.receipts import Receipt, render_escpos

    receipt = (Receipt().title("排队取号").text("道德街街道便民服务中心").kv(("号码", "A012"), ("前面", "3 人"))
               .qr("https://example.invalid/ticket/A012").cut())
    if services.printq is None:
        render_escpos(receipt)
        return
    job = services.printq.submit(receipt, "ticket", "A012")
    end = time.monotonic() + 30
    while time.monotonic() < end and (services.printq.job(job) or {}).get("state") != "printed":
        time.sleep(0.1)


def report_wakeups(_dt) -> None:
    import threading

    from kivy.clock import Clock

    for ev in Clock.get_events():
        cb = ev.get_callback()
        print(f"CLOCK {getattr(cb, '__qualname__', cb)!s:60s} every {ev.timeout}s "
              f"{'(interval)' if ev.loop else '(once)'}", flush=True)
    from kivy.animation import Animation

    for anim in list(Animation._instances):
        for w in anim._widgets.values():
            widget = w["widget"]
            print(f"ANIMATION {type(widget).__name__} {sorted(anim.animated_properties)} "
                  f"duration {anim.duration}", flush=True)
    for t in threading.enumerate():
        print(f"THREAD {t.native_id} {t.name}", flush=True)
    from kivy.core.window import Window

    flips = []
    Window.bind(on_flip=lambda *_a: flips.append(1))
    Clock.schedule_once(lambda _dt: print(f"FLIPS {len(flips)} in 5 s", flush=True), 5)
    tops = sorted({m.split(".")[0] for m in sys.modules})
    print(f"MODULES {len(sys.modules)}: {' '.join(tops)}", flush=True)


if __name__ == "__main__":
    main()
