"""The home screen in a real window: tiles that fill the screen in both orientations and elder mode,
pictograms that are glyphs of the shipped icon font, the information strip, and an ID card on the
reader opening the person's cases without a tap."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from kivyhelp import make_app, run_for, set_window, shoot_all, stop_app, tap, wait_until

from kiosk.config import Config, HoursSection
from kiosk.demo_api import seed_center
from screens.home import TILES
from screens.widgets import ICON_FONT, ICONS, find_overflows

COMBOS = [(size, lang, elder) for size in ((1920, 1080), (1080, 1920)) for lang in ("zh_CN", "en")
          for elder in (False, True)]


def window_rect(w) -> tuple[float, float, float, float]:
    x, y = w.to_window(w.x, w.y)
    return x, y, x + w.width, y + w.height


def tiles_of(app):
    return list(app.screen("home").ids.tiles.children)


def texts_of(widget) -> list[str]:
    from kivy.uix.label import Label

    return [w.text for w in widget.walk(restrict=True) if isinstance(w, Label) and w.text]


@pytest.fixture(scope="module")
def cmap():
    return TTFont(ICON_FONT)["cmap"].getBestCmap()


def test_tiles_fill_the_area_between_header_and_footer(kiosk_app):
    check_fill(kiosk_app)


def check_fill(kiosk_app) -> None:
    """In every orientation, language and mode: the tiles cover most of the room between header and
    footer, all in sight, of one height, nothing cut."""
    root = kiosk_app.root
    for size, lang, elder in COMBOS:
        set_window(size)
        kiosk_app.set_language(lang)
        kiosk_app.set_elder(elder)
        run_for(0.1)
        top = window_rect(root.ids.header)[1]            # the header's bottom edge
        bottom = window_rect(root.ids.footer)[3]         # the footer's top edge
        rects = [window_rect(t) for t in tiles_of(kiosk_app)]
        x0, y0 = min(r[0] for r in rects), min(r[1] for r in rects)
        x1, y1 = max(r[2] for r in rects), max(r[3] for r in rects)
        where = (size, lang, elder)
        assert len(rects) == len(TILES), where
        assert (x1 - x0) >= 0.7 * size[0], where
        assert (y1 - y0) >= 0.55 * (top - bottom), where
        # Not huddled at the top: the tiles reach down into the lowest third (the strip lies below).
        assert y0 <= bottom + (top - bottom) / 3, where
        # Every tile in sight without scrolling, all of one height.
        home = kiosk_app.screen("home")
        assert home.ids.tiles.height <= home.ids.tiles_view.height + 1, where
        assert len({round(r[3] - r[1]) for r in rects}) == 1, where
        assert all(r[1] >= bottom - 1 and r[3] <= top + 1 for r in rects), where
        assert find_overflows(root) == [], where
    kiosk_app.set_language("zh_CN")
    kiosk_app.set_elder(False)
    set_window((1920, 1080))


def test_portrait_tiles_grow_instead_of_leaving_space(kiosk_app):
    set_window((1920, 1080))
    run_for(0.05)
    land = tiles_of(kiosk_app)[0].height
    set_window((1080, 1920))
    run_for(0.05)
    tile = tiles_of(kiosk_app)[0]
    cols = kiosk_app.screen("home").ids.tiles.cols       # the tiles share the width between them
    assert tile.height >= land * 0.85 and tile.width * cols >= 0.85 * 1080
    sizes = [int(s) for s in re.findall(r"\[size=(\d+)\]", tile.text)]
    assert sizes[0] >= kiosk_app.sz.title * 1.6                 # the pictogram
    set_window((1920, 1080))


def test_pictograms_are_glyphs_of_the_shipped_font(kiosk_app, cmap):
    from kivy.core.text import Label as CoreLabel

    assert ICONS and all(cp in cmap for cp in ICONS.values())
    licence = Path(ICON_FONT).with_name("MaterialIcons-LICENSE.txt").read_text("utf-8")
    assert "Apache License" in licence and "Version 2.0" in licence
    font = TTFont(ICON_FONT)
    glyf = font["glyf"]
    for tile in tiles_of(kiosk_app):
        glyph = next(c for c in tile.text if 0xE000 <= ord(c) <= 0xF8FF)
        assert ord(glyph) in cmap, tile.target
        name = cmap[ord(glyph)]
        assert name != ".notdef" and glyf[name].numberOfContours != 0, tile.target

    def pixels(ch: str) -> bytes:
        core = CoreLabel(text=ch, font_name=ICON_FONT, font_size=64)
        core.refresh()
        return bytes(core.texture.pixels)

    # Drawn, not a box: every pictogram differs from what the font draws for a code point it lacks.
    missing = next(cp for cp in range(0xE000, 0xF8FF) if cp not in cmap)
    box = pixels(chr(missing))
    drawn = {pixels(chr(cp)) for cp in ICONS.values()}
    assert box not in drawn and len(drawn) == len(ICONS)


def test_strip_shows_nothing_that_nobody_gave(tmp_path):
    cfg = replace(Config.demo(str(tmp_path)), hours=HoursSection(weekdays=(), periods=()))
    app = make_app(cfg)          # no services: no central API
    try:
        run_for(0.1)
        words = " ".join(texts_of(app.screen("home").ids.info))
        assert "放上身份证" in words
        for absent in ("咨询电话", "地址", "等候", "今日", "取号", "通知公告"):
            assert absent not in words, absent
    finally:
        stop_app(app)


def test_strip_shows_configured_values(tmp_path):
    cfg = Config.demo(str(tmp_path))
    cfg = replace(cfg, terminal=replace(cfg.terminal, phone="0531-1234 5678", address="一楼东侧"))
    app = make_app(cfg)
    try:
        run_for(0.1)
        words = texts_of(app.screen("home").ids.info)
        assert "咨询电话 0531-1234 5678" in words and "地址 一楼东侧" in words
        app.set_language("en")
        run_for(0.05)
        assert "Enquiries 0531-1234 5678" in texts_of(app.screen("home").ids.info)
    finally:
        stop_app(app)


def test_strip_shows_the_central_api_status_and_a_card_opens_the_cases(demo_app):
    from kiosk.demo import demo_cards

    home = demo_app.screen("home")
    wait_until(lambda: home.flow.status is not None, 10, "the center status")
    run_for(0.05)
    words = " ".join(texts_of(home.ids.info))
    assert f"咨询电话 {seed_center.DEMO_PHONE}" in words and seed_center.DEMO_ADDRESS in words
    assert "政银企对接会" in words and "乐业道德" in words and "等候" in words
    assert find_overflows(demo_app.root) == []
    check_fill(demo_app)                 # the strip full of the API's values leaves the tiles their room
    shoot_all(demo_app, "home-demo")     # with the API's values: the ones in docs/screenshots

    card = demo_cards()[0]
    demo_app.services.demo.reader_sim.put_card(card)
    wait_until(lambda: demo_app.sm.current == "cases", 10, "the cases screen")
    cases = demo_app.screen("cases")
    wait_until(lambda: cases.flow.stage == "list" and not cases.flow.busy, 10, "the card's cases")
    assert cases.flow.cases, "the demo card's holder has cases"
    assert all(c.applicant_id_masked.endswith(card.id_number[-4:]) for c in cases.flow.cases)
    run_for(0.05)
    assert find_overflows(demo_app.root) == []


def test_card_on_home_forgets_a_case_found_by_number(demo_app):
    """返回 to home (not 首页, which wipes) leaves the cases screen as it was; a card placed then must
    show the card's cases, not the case looked up by number before."""
    from kiosk.demo import demo_cards

    card = demo_cards()[1]
    state = demo_app.services.demo.api_server.state
    case_no, (_idn, phone, _case) = next((no, v) for no, v in state.cases.items() if v[0] != card.id_number)
    demo_app.go("cases")
    cases = demo_app.screen("cases")
    cases.flow.open_case_no()
    cases.flow.type_case_no(case_no)
    cases.flow.case_no_next()
    cases.flow.type_last4(phone[-4:])
    wait_until(lambda: cases.flow.stage == "detail" and not cases.flow.busy, 10, "the case by number")
    demo_app.back()
    run_for(0.05)
    assert demo_app.sm.current == "home" and cases.flow.case is not None
    demo_app.services.demo.reader_sim.put_card(card)
    wait_until(lambda: demo_app.sm.current == "cases" and cases.flow.stage == "list" and not cases.flow.busy,
               10, "the card's cases")
    assert cases.flow.cases and cases.flow.case is None
    assert all(c.applicant_id_masked.endswith(card.id_number[-4:]) for c in cases.flow.cases)


def test_a_tap_on_a_tile_opens_its_screen(kiosk_app):
    tile = next(t for t in tiles_of(kiosk_app) if t.target == "guide")
    tap(tile)
    assert kiosk_app.sm.current == "guide"
    kiosk_app.home()
    assert kiosk_app.sm.current == "home" and not kiosk_app.session.active


def test_settled_home_screen_runs_at_the_idle_pace_until_touched(tmp_path):
    """Kivy's loop wakes at maxfps whether or not anything changed: the settled, untouched home screen
    asks for IDLE_FPS, and the first touch brings back the configured pace (the tests run unlimited,
    so the configured 30 is set here)."""
    from kivy.clock import Clock

    from screens.app import IDLE_FPS

    unlimited, Clock._max_fps = Clock._max_fps, 30.0      # Clock is a proxy: monkeypatch cannot undo
    try:
        app = make_app(Config.demo(str(tmp_path)))
        try:
            assert Clock._max_fps == 30.0             # not before the home screen has settled
            app._settle_memory()
            assert Clock._max_fps == IDLE_FPS < 30.0
            tap(app.screen("home").ids.welcome)
            assert app.session.active and Clock._max_fps == 30.0
            app._settle_memory()                      # someone is here: no idle pace
            assert Clock._max_fps == 30.0
            app.home()                                # they left; the next settle slows down again
            app._settle_memory()
            assert Clock._max_fps == IDLE_FPS
        finally:
            stop_app(app)
        assert Clock._max_fps == 30.0                 # another app in this process starts at the full pace
    finally:
        Clock._max_fps = unlimited


def test_the_same_center_status_again_leaves_the_information_strip_as_it_is(demo_app):
    """The home screen hears the center's status every minute, usually unchanged: its strip is rebuilt only
    when what it says changes (a rebuild is a dozen full redraws, CPU an idle terminal need not spend)."""
    home = demo_app.screen("home")
    demo_app.go("home")
    wait_until(lambda: any("campaign" in str(getattr(w, "icon", "")) for w in home.ids.info.children), 15,
               "the center's notices")
    shown = list(home.ids.info.children)
    home.flow.refresh()                      # the minute's refresh: the same answer
    run_for(1.0)
    home._show_info()
    assert list(home.ids.info.children) == shown and all(a is b for a, b in zip(home.ids.info.children, shown, strict=True))
    demo_app.toggle_elder()                  # what it says changes (larger text): the same rows, larger
    try:
        wait_until(lambda: all(r.role == "small" for r in home.ids.info.children), 5, "the strip in elder sizes")
        assert all(a is b for a, b in zip(home.ids.info.children, shown, strict=True))
    finally:
        demo_app.toggle_elder()


def strip_rows(home) -> list[tuple[str, str]]:
    return [(type(r).__name__, r.text) for r in reversed(home.ids.info.children)]


def test_the_information_strip_keeps_its_rows_when_what_it_says_changes(demo_app, monkeypatch):
    """A changed status (the notices gone, then back) changes the rows' words and adds or takes away
    rows at the end: the rows that stay are the same widgets, in the order of what they say."""
    home = demo_app.screen("home")
    demo_app.go("home")
    wait_until(lambda: any("campaign" in str(getattr(w, "icon", "")) for w in home.ids.info.children), 15,
               "the center's notices")
    full = strip_rows(home)
    before = list(reversed(home.ids.info.children))
    notices = home.flow.notices
    monkeypatch.setattr(home.flow, "notices", lambda: [])
    home._show_info()
    shown = strip_rows(home)
    assert 0 < len(shown) < len(full) and shown == full[:len(shown)]
    assert all(a is b for a, b in zip(reversed(home.ids.info.children), before, strict=False))
    monkeypatch.setattr(home.flow, "notices", notices)
    home._show_info()
    assert strip_rows(home) == full
    kept = list(reversed(home.ids.info.children))[:len(shown)]
    assert all(a is b for a, b in zip(kept, before, strict=False))
    run_for(0.3)
    assert home.ids.info.opacity == 1 and all(r.height > 0 for r in home.ids.info.children)


def count_tile_renders(monkeypatch) -> list[str]:
    """The words of every tile render from now on (Tile.texture_update, wrapped before any tile exists)."""
    import functools

    from screens.widgets import Tile

    renders: list[str] = []
    original = Tile.texture_update

    @functools.wraps(original)
    def texture_update(self, *args):
        if self.text:
            renders.append(self.text)
        return original(self, *args)

    monkeypatch.setattr(Tile, "texture_update", texture_update)
    return renders


def test_the_first_frame_renders_each_tile_once(tmp_path, monkeypatch):
    """The first layout sizes the tiles' area several times before its real size; the tiles' words are set
    at that size only, not at the passing ones (9 tiles had 27 renders of words, 18 of them thrown away)."""
    from kiosk.config import Config

    renders = count_tile_renders(monkeypatch)
    app = make_app(Config.demo(str(tmp_path)))
    try:
        tiles = tiles_of(app)
        assert len(renders) == len(tiles) == len(TILES)
        assert sorted(renders) == sorted(t.text for t in tiles)
        assert all(t.text for t in tiles)
    finally:
        stop_app(app)


def test_tiles_in_a_window_too_small_for_them_still_get_words(tmp_path, monkeypatch):
    """An area never laid out at a usable size (a window smaller than the header and footer) gets the
    smallest words after the first frame, and the tiles scroll, rather than staying blank."""
    from kivy.base import EventLoop
    from kivy.core.window import Window
    from kivyhelp import advance_frames

    from kiosk.config import Config
    from screens.app import KioskApp

    EventLoop.ensure_window()
    Window.size = (400, 260)
    app = KioskApp(cfg=Config.demo(str(tmp_path)))
    try:
        app._run_prepare()
        advance_frames(3)
        home = app.screen("home")
        assert not home._laid_out(*home._cell_size())
        assert all(t.text for t in tiles_of(app)) and len(tiles_of(app)) == len(TILES)
    finally:
        set_window((1920, 1080))        # while the app runs: its widgets' kv rules ask for it
        stop_app(app)
