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

from kivyhelp import make_app, shared_app, start_demo_app, stop_app, stop_shared_app  # noqa: E402


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


@pytest.fixture
def uses_shared_app():
    """Asked for by the fixtures that hand out the shared app (kivyhelp.shared_app)."""


@pytest.fixture(autouse=True)
def _one_app_in_the_window(request):
    # Two apps cannot share the window (a tap lands on whichever root is on top): a test that brings
    # its own app stops the shared one first.
    if "uses_shared_app" not in request.fixturenames:
        stop_shared_app()


@pytest.fixture(scope="module", autouse=True)
def _shared_app_ends_with_its_module():
    yield
    stop_shared_app()


@pytest.fixture
def shared_demo_app(uses_shared_app, tmp_path_factory):
    """One demo app for the cases of a module that ask for it (starting one costs seconds), reset to
    what a fresh app shows and checked clean before each case (kivyhelp.reset_demo_app)."""
    from kiosk.config import Config

    return shared_app("demo", lambda: Config.demo(str(tmp_path_factory.mktemp("demo-app"))))
