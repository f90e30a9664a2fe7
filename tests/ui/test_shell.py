"""The app starts, renders home, switches language and elder mode live, and wipes idle sessions."""

import re
from dataclasses import replace

from kivyhelp import make_app, run_for, screenshot, set_window, stop_app, tap, wait_until

from kiosk.config import Config, SessionSection
from screens.widgets import find_overflows


def name_width(label) -> float:
    from kivy.core.text import Label as CoreLabel

    core = CoreLabel(text=label.text, font_size=label.font_size, bold=label.bold)
    core.refresh()
    return core.texture.size[0]


def test_home_renders_with_tiles_and_header(kiosk_app):
    root = kiosk_app.root
    assert kiosk_app.sm.current == "home"
    assert root.ids.center_name.text == "道德街街道便民服务中心"
    assert "年" in root.ids.clock.text
    assert root.ids.home_button.disabled          # already home
    assert root.ids.help_button.text == "呼叫帮办"
    assert kiosk_app.screen("home").ids.welcome.text == "您好，请选择要办理的事项"


def test_language_switch_is_live(kiosk_app):
    root = kiosk_app.root
    tap(root.ids.lang_button)
    assert kiosk_app.lang == "en"
    assert root.ids.help_button.text == "Call a helper"
    assert root.ids.center_name.text == "Daodejie Subdistrict Convenience Service Center"
    assert kiosk_app.screen("home").ids.welcome.text == "Hello, please choose a service"
    assert root.ids.lang_button.text == "中文"
    tap(root.ids.lang_button)
    assert root.ids.help_button.text == "呼叫帮办"


def test_elder_mode_scales_text_and_targets(kiosk_app):
    root = kiosk_app.root
    body_before = root.ids.help_button.font_size
    tap(root.ids.elder_button)
    assert kiosk_app.elder
    assert root.ids.help_button.font_size >= body_before * 1.5
    assert root.ids.help_button.height >= 60
    assert root.ids.elder_button.text == "退出长辈模式"
    tiles = kiosk_app.screen("home").ids.tiles.children
    assert tiles, "home shows no tiles"
    for t in tiles:                 # titles and (where there is room for them) subtitles follow elder sizes
        sizes = [int(s) for s in re.findall(r"\[size=(\d+)\]", t.text)]
        assert sizes[1] >= int(kiosk_app.sz.title) and all(s >= int(kiosk_app.sz.body) for s in sizes[2:]), t.text
    assert find_overflows(root) == []


def test_tiles_follow_service_state_in_place(kiosk_app):
    """The API or printer may come and go while a finger is on a tile: the tile the citizen sees stays
    the same widget, changes its words and enabled state, and still works when tapped."""
    home = kiosk_app.screen("home")
    tile = next(t for t in home.ids.tiles.children if t.target == "enterprise")
    kiosk_app.api_ok = False
    run_for(0.05)
    assert tile.disabled and "网络暂不可用" in tile.text
    assert tile.get_root_window() is not None
    kiosk_app.api_ok = True
    run_for(0.05)
    assert not tile.disabled and "按统一社会信用代码查询" in tile.text
    tap(tile)
    assert kiosk_app.sm.current == "enterprise"


def _idle_app(tmp_path, idle=0.3):
    cfg = Config.demo(str(tmp_path))
    cfg = replace(cfg, session=SessionSection(idle_menu_seconds=idle, idle_form_seconds=idle,
                                              countdown_seconds=20))
    return make_app(cfg)


def test_idle_countdown_then_wipe(tmp_path):
    app = _idle_app(tmp_path)
    try:
        app.set_language("en")
        app.session.manual_id_number = "370101190102039973"
        app.session.data["cases"] = ["secret"]
        app.session.touch()
        app.show_error("一条只给这位市民看的提示")      # a dialog left open by the person who walked away
        app._restart_idle()
        wait_until(lambda: app.countdown is not None, 3, "countdown")
        assert app.countdown.remaining == 20
        app.countdown.remaining = 1          # skip the 20 s wait; the tick logic is what is tested
        wait_until(lambda: app.countdown is None, 3, "wipe")
        assert app.session.manual_id_number is None
        assert app.session.data == {}
        assert not app.session.active
        assert app.lang == "zh_CN"           # next citizen starts with the defaults
        assert app.sm.current == "home"
        from kivy.core.window import Window
        from kivy.uix.modalview import ModalView

        run_for(0.1)
        assert not [w for w in Window.children if isinstance(w, ModalView)], "a dialog outlived the session"
    finally:
        stop_app(app)


def test_touch_during_countdown_keeps_session(tmp_path):
    # A longer idle time than the others: after "继续办理" the timer restarts, and a slow frame must
    # not let it expire again before the assertion.
    app = _idle_app(tmp_path, idle=1.5)
    try:
        app.session.data["form"] = "keep me"
        app.session.touch()
        app._restart_idle()
        wait_until(lambda: app.countdown is not None, 3, "countdown")
        tap(app.countdown.ids.keep)
        assert app.countdown is None
        assert app.session.data == {"form": "keep me"}
    finally:
        stop_app(app)


def test_touches_restart_the_idle_timer(tmp_path):
    app = _idle_app(tmp_path, idle=1.0)
    try:
        app.session.touch()
        app._restart_idle()
        for _ in range(8):          # 2 s of use, twice the idle time, one touch every 0.25 s
            run_for(0.25)
            tap(app.root.ids.clock)
        assert app.countdown is None
        run_for(1.5)                # then nobody touches: the countdown comes
        assert app.countdown is not None
    finally:
        stop_app(app)


def test_escape_and_close_do_not_quit(kiosk_app):
    from kivy.core.window import Window

    Window.dispatch("on_key_down", 27, 0, "", [])
    assert kiosk_app.root.get_root_window() is not None
    assert kiosk_app._refuse_close() is True
    assert kiosk_app.open_settings() is False


def test_screenshots_both_orientations_and_languages(kiosk_app):
    for size, orient in (((1920, 1080), "landscape"), ((1080, 1920), "portrait")):
        set_window(size)
        assert kiosk_app.orientation == orient
        for lang in ("zh_CN", "en"):
            kiosk_app.set_language(lang)
            for elder in (False, True):
                kiosk_app.set_elder(elder)
                run_for(0.05)
                assert find_overflows(kiosk_app.root) == [], (orient, lang, elder)
                if lang == "zh_CN":         # the center's name is never cut to "…"
                    assert name_width(kiosk_app.root.ids.center_name) <= kiosk_app.root.ids.center_name.width, \
                        (orient, elder)
                path = screenshot(f"home-{orient}-{lang}{'-elder' if elder else ''}")
                assert path.stat().st_size > 10_000
    set_window((1920, 1080))


def _mark_shown(app) -> bool:
    from kivy.core.window import Window

    mark = app.root.ids.demo_mark
    x, y = mark.to_window(*mark.pos)
    return (mark.get_root_window() is not None and mark.opacity == 1 and "演示模式" in mark.text
            and "DEMO" in mark.text and mark.width >= mark.texture_size[0] > 0 and mark.height > 0
            and 0 <= x and x + mark.width <= Window.width and 0 <= y and y + mark.height <= Window.height)


def test_demo_mark_is_on_every_screen_in_both_orientations(kiosk_app):
    from screens import SCREENS

    assert kiosk_app.demo_mode
    for size in ((1920, 1080), (1080, 1920)):
        set_window(size)
        for name in SCREENS:
            kiosk_app.go(name)
            run_for(0.05)
            assert _mark_shown(kiosk_app), (size, name)
        kiosk_app.set_elder(True)
        run_for(0.05)
        assert _mark_shown(kiosk_app), (size, "elder")
        assert not find_overflows(kiosk_app.root.ids.header)
        screenshot(f"demo-mark-{size[0]}x{size[1]}-elder")
        kiosk_app.set_elder(False)
        kiosk_app.home()
    set_window((1920, 1080))


def test_a_terminal_shows_no_demo_mark(tmp_path):
    cfg = replace(Config.demo(str(tmp_path)), mode="terminal")
    app = make_app(cfg)
    try:
        run_for(0.05)
        assert not app.demo_mode
        mark = app.root.ids.demo_mark
        assert mark.text == "" and mark.height == 0 and mark.opacity == 0
    finally:
        stop_app(app)


def test_services_start_after_the_first_frame_is_on_screen(tmp_path, monkeypatch):
    """The services' threads (and demo mode's processes) start once the first frame has been put on the
    screen: Kivy runs on_flip handlers before the window's own, which swaps the frame, so services started
    in one competed with that swap."""
    from kivy.core.window import Window
    from kivyhelp import render_frames

    from kiosk.config import load_config
    from kiosk.services import Services

    cfg_path = tmp_path / "kiosk.toml"
    cfg_path.write_text(                # a terminal whose devices and API are all absent: nothing to wait for
        f'mode = "terminal"\ndata_dir = "{tmp_path / "data"}"\n[terminal]\nid = "T-FLIP"\n'
        '[api]\nbase_url = "http://127.0.0.1:9/kiosk"\ntoken = "test-token-not-a-secret"\n'
        '[printer]\nport = ""\n[reader]\nport = ""\n', encoding="utf-8")
    services = Services(load_config(cfg_path))
    swaps: list[int] = []
    window_type = type(Window)
    flip = window_type.flip

    def counting_flip(self):
        swaps.append(1)
        return flip(self)

    started_after: list[int] = []
    start = Services.start

    def recording_start(self, *args, **kwargs):
        started_after.append(len(swaps))
        return start(self, *args, **kwargs)

    monkeypatch.setattr(window_type, "flip", counting_flip)
    monkeypatch.setattr(Services, "start", recording_start)
    render_frames(True)
    try:
        app = make_app(services.cfg, services)
        try:
            wait_until(lambda: services.ready.is_set(), 20, "services started")
            assert started_after and started_after[0] >= 1, started_after
        finally:
            stop_app(app)
            services.stop()
    finally:
        render_frames(False)


def test_the_background_is_the_windows_clear_colour_not_a_rectangle_over_the_whole_window(kiosk_app):
    """Software GL fills a full-window rectangle pixel by pixel (~9 ms of each full frame at 1920x1080);
    clearing the window to the background colour costs next to nothing and shows the same pixels."""
    import pytest
    from kivy.core.window import Window
    from kivy.graphics import Rectangle

    from kiosk import theme

    assert tuple(Window.clearcolor) == pytest.approx(theme.hex_rgba(theme.COLORS["bg"]))
    root = kiosk_app.root
    assert [i for i in root.canvas.before.children if isinstance(i, Rectangle)] == []
