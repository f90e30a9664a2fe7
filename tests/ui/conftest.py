"""In-process Kivy fixtures: a real window (offscreen or under Xvfb), the real app, simulated touches.

Approach from reference/kivy.md §3: build with App._run_prepare(), inject UnitTestTouch, pump frames
with EventLoop.idle().
"""

from __future__ import annotations

import pytest
from kivy.config import Config as KivyConfig

KivyConfig.set("graphics", "width", "1920")
KivyConfig.set("graphics", "height", "1080")
KivyConfig.set("graphics", "maxfps", "0")
KivyConfig.set("kivy", "exit_on_escape", "0")
for _key, _ in KivyConfig.items("input"):
    KivyConfig.remove_option("input", _key)

from kivyhelp import make_app, reset_demo_app, start_demo_app, stop_app  # noqa: E402


@pytest.fixture(scope="session", autouse=True)
def _font():
    from screens.glue import register_font

    register_font()


@pytest.fixture
def kiosk_app(tmp_path):
    from kiosk.config import Config

    app = make_app(Config.demo(str(tmp_path)))
    try:
        yield app
    finally:
        stop_app(app)


@pytest.fixture
def demo_app(tmp_path):
    """The real app in demo mode: printer and reader simulators on ptys, the demo API on 127.0.0.1."""
    from kiosk.config import Config

    app = start_demo_app(Config.demo(str(tmp_path)))
    try:
        yield app
    finally:
        stop_app(app)


@pytest.fixture(scope="module")
def module_demo_app(tmp_path_factory):
    """One demo app for a whole module (starting one costs seconds); use it through a per-case fixture
    that calls reset_demo_app first, so each case starts from what a fresh app shows."""
    from kiosk.config import Config

    app = start_demo_app(Config.demo(str(tmp_path_factory.mktemp("demo-app"))))
    try:
        yield app
    finally:
        stop_app(app)


@pytest.fixture
def shared_demo_app(module_demo_app):
    """The module's demo app, reset to a fresh app's state (and checked) before this case."""
    reset_demo_app(module_demo_app)
    return module_demo_app
