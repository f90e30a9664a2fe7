"""Home (attract) screen: a tile with a pictogram per function, filling the screen in either
orientation and readable from two metres; tiles whose function cannot work right now (API or
printer down) are disabled and say why. Beside (landscape) or under (portrait) the tiles, the
information strip of kiosk.flows.home.HomeFlow; an ID card placed on the reader opens the person's
cases at once."""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from pathlib import Path

from kivy.clock import Clock
from kivy.core.text.markup import MarkupLabel
from kivy.core.window import Window
from kivy.lang import Builder
from kivy.metrics import dp
from kivy.properties import StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.flows.home import REFRESH_SECONDS, HomeFlow
from screens.base import BaseScreen
from screens.tr import tr
from screens.widgets import KLabel, Tile, icon_markup, plain

Builder.load_file(str(Path(__file__).with_suffix(".kv")))

log = logging.getLogger(__name__)


class InfoItem(BoxLayout):
    """A pictogram and its words, in the information strip."""

    icon = StringProperty("")
    text = StringProperty("")
    role = StringProperty("body")
    tone = StringProperty("text")       # a colour of kiosk.theme.COLORS


@dataclass(frozen=True)
class TileSpec:
    target: str
    title: str
    subtitle: str
    icon: str
    needs: tuple[str, ...] = ()


TILES = (
    TileSpec("cases", "办件查询", "刷身份证查看办理进度", "content_paste_search", ("api",)),
    TileSpec("guide", "事项指南", "62项便民服务怎么办", "menu_book", ()),
    TileSpec("ticket", "排队取号", "取号后请留意叫号", "confirmation_number", ("api", "printer")),
    TileSpec("enterprise", "企业信息查询", "按统一社会信用代码查询", "business", ("api",)),
    TileSpec("policies", "政策与补贴", "创业就业补贴政策", "savings", ()),
    TileSpec("jobs", "就业驿站", "最新招聘岗位", "work", ()),
    TileSpec("feedback", "诉求反馈", "企业诉求 一事一记", "rate_review", ()),
    TileSpec("feedback_status", "查询反馈", "凭受理编号查看答复", "mark_chat_read", ("api",)),
    TileSpec("licences", "证照打印", "打印营业执照等证照", "print", ("api",)),
)

REASONS = {
    "api": "网络暂不可用",
    "printer": "打印机暂不可用",
    "reader": "读卡器暂不可用",
}


class HomeScreen(BaseScreen):
    kind = "menu"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.flow = HomeFlow(self.app.flow_deps())
        self.flow.subscribe(self._show_info)
        self._timer = None
        self._words_set = False     # the tiles have had words (see refresh)
        self._fill_bound = False

    def on_kv_post(self, base_widget):
        # Sizes are read again whenever the tiles' area changes (rotation, elder mode, banners).
        self.app.bind(lang=self.refresh, elder=self.refresh, api_ok=self.refresh, printer_ok=self.refresh,
                      orientation=self.refresh)
        self.app.bind(lang=self._show_info, reader_ok=self._show_info, elder=self._show_info)
        # Once per frame, not at each pass: the first layout sizes the area several times (100x100, one
        # side, both, ...) and each fit measured the nine tiles' words up to eight times over.
        self._refresh_soon = Clock.create_trigger(self.refresh, -1)
        self.ids.tiles_view.bind(size=self._refresh_soon)
        self.app.bind(api_ok=self._api_back)
        if self.app.services is not None:
            # The API client starts after the first frame: the strip asks as soon as it is there.
            self.app.services.subscribe(self._on_service_event)

    def _on_service_event(self, event: str, _payload) -> None:
        if event == "ready":
            self._api_back()

    def _api_back(self, *_args) -> None:
        if self.app is not None and self.app.current_screen == self.name and self.app.api_ok:
            self.flow.refresh()

    # ------------------------------------------------------------ visits

    def on_activate(self, **params):
        self.refresh()
        self._show_info()
        self.flow.start()
        if self._timer is None:
            # One wake-up a minute while home is on show, none elsewhere.
            self._timer = Clock.schedule_interval(self._tick, REFRESH_SECONDS)

    def on_deactivate(self):
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _tick(self, _dt):
        if self.app is None:             # the app stopped (tests build many)
            self._timer = None
            return False
        self.flow.refresh()
        return None

    def _open(self, tile: Tile) -> None:
        log.info("home: %s", tile.target)        # what people use, for the technician's log
        self.app.go(tile.target)

    def on_card_inserted(self, _card) -> None:
        """The card is the way into 办件查询: no tap. What an earlier visit found (by case number)
        is not this card's, so the cases flow starts afresh with the card's identity."""
        from screens import SCREENS

        if "cases" not in SCREENS:
            return
        self.app.screen("cases").flow.reset(keep_identity=True)
        self.app.go("cases")

    # ------------------------------------------------------------ tiles

    def refresh(self, *_args) -> None:
        """Update the tiles in place: state changes (API or printer coming and going) arrive at any
        moment, and a tile rebuilt under a finger would swallow the touch."""
        from screens import SCREENS

        grid = self.ids.tiles
        if not hasattr(self, "_tiles"):
            self._tiles: dict[str, Tile] = {}
            for spec in TILES:
                if spec.target not in SCREENS:
                    continue
                tile = Tile(target=spec.target, icon=spec.icon)
                tile.bind(on_release=self._open)
                self._tiles[spec.target] = tile
                grid.add_widget(tile)
        row_h, tile_w = self._cell_size()
        if not self._words_set and not self._laid_out(row_h, tile_w):
            # The first layout sizes the area several times (100x100, one side, then both) before its
            # real size, and each size comes here: the tiles' words set at a passing size were rendered
            # for nothing (18 of the first frame's 27 tile renders). Still not laid out when that frame
            # is drawn (a window too small for the tiles): the smallest words then, as after any change.
            if not self._fill_bound:
                self._fill_bound = True
                Window.bind(on_flip=self._fill_anyway)
            return
        self._words_set = True
        texts = {}
        for spec in TILES:
            tile = self._tiles.get(spec.target)
            if tile is None:
                continue
            missing = [n for n in spec.needs if not self.app.capability(n)]
            reason = tr._(REASONS[missing[0]]) if missing else ""
            texts[spec.target] = (spec.icon, tr._(spec.title), reason or tr._(spec.subtitle), bool(reason))
            tile.disabled = bool(missing)
            tile.disabled_reason = reason
        markup, height = self._fit(texts, row_h, tile_w)
        for target, text in markup.items():
            tile = self._tiles[target]
            tile.min_height = height          # one height for all: rows stay even
            tile.text = text

    def _fill_anyway(self, *_args) -> None:
        Window.unbind(on_flip=self._fill_anyway)
        if not self._words_set and self.app is not None:
            self._words_set = True
            self.refresh()

    def _laid_out(self, row_h: float, tile_w: float) -> bool:
        """False while the tiles' area has not had its real size: words measured in a sliver cost
        seconds of one-character lines, and in an area of no height every try fails."""
        sz = self.app.sz
        return not (tile_w < sz.title * 2 or row_h < sz.tile / 2)

    def _fit(self, texts: dict[str, tuple[str, str, str, bool]], row_h: float, tile_w: float
             ) -> tuple[dict[str, str], float]:
        """The tiles' markup and height. Tiles share the height there is; with room to spare
        (portrait) the pictogram and the words grow instead of leaving it empty. Where the words wrap
        (elder mode, English) the pictogram shrinks first, then the explanatory line goes (a reason
        why a tile is off stays), so that no tile needs scrolling to."""
        sz = self.app.sz
        floor_icon = sz.title * 1.2
        big_icon = max(floor_icon, min(row_h * 0.3, tile_w * 0.25))
        grow = max(1.0, min(1.35, row_h / (sz.tile * 1.6), tile_w / (sz.tile * 2.6)))
        tries = [(grow, big_icon, True), (1.0, big_icon, True), (1.0, (big_icon + floor_icon) / 2, True),
                 (1.0, floor_icon, True), (1.0, sz.title, True), (1.0, floor_icon, False),
                 # Nine tiles in elder mode and English: the words a little smaller rather than scrolled to.
                 (0.85, floor_icon, False), (0.75, floor_icon, False)]
        if not self._laid_out(row_h, tile_w):
            # Passing sizes after the first frame (a rotation's layout passes) or an area too small:
            # the smallest words, and the tiles scroll.
            return self._markup(texts, *tries[-1]), sz.tile
        for g, icon_px, with_sub in tries:
            markup = self._markup(texts, g, icon_px, with_sub)
            need = max((self._text_height(m, tile_w) for m in markup.values()), default=0.0) + dp(24)
            if need <= row_h:
                return markup, max(sz.tile, row_h)
        return markup, max(sz.tile, need)

    def _markup(self, texts: dict[str, tuple[str, str, str, bool]], g: float, icon_px: float,
                with_sub: bool) -> dict[str, str]:
        sz = self.app.sz
        markup = {}
        for target, (icon, title, sub, is_reason) in texts.items():
            text = f"{icon_markup(icon, icon_px)}\n[size={int(sz.title * g)}][b]{title}[/b][/size]"
            if with_sub or is_reason:
                text += f"\n[size={int(sz.body * g)}]{sub}[/size]"
            markup[target] = text
        return markup

    def _text_height(self, markup: str, tile_w: float) -> float:
        """Height of a tile's words at width tile_w, as the tile will lay them out (KButton's rule)."""
        label = MarkupLabel(text=markup, font_size=self.app.sz.title, text_size=(max(1.0, tile_w - dp(24)), None),
                            halign="center", line_height=1.15)
        label.resolve_font_name()
        return float(label.render()[1])      # the layout pass only: no texture is made to be thrown away

    def _cell_size(self) -> tuple[float, float]:
        view, grid = self.ids.tiles_view, self.ids.tiles
        n = max(1, len(getattr(self, "_tiles", {})) or len(TILES))
        cols = max(1, int(grid.cols))
        rows = math.ceil(n / cols)
        pad_l, pad_t, pad_r, pad_b = grid.padding
        sp_x, sp_y = grid.spacing
        row_h = (view.height - pad_t - pad_b - sp_y * (rows - 1)) / rows
        tile_w = (view.width - pad_l - pad_r - sp_x * (cols - 1)) / cols
        return max(0.0, row_h), max(0.0, tile_w)

    # ------------------------------------------------------------ information strip

    def _show_info(self, *_args) -> None:
        role = "small" if self.app.elder else "body"       # elder "small" is larger than normal "body"
        items: list[tuple] = []
        hint = self.flow.card_hint()
        if hint is not None and "cases" in getattr(self, "_tiles", {}):
            items.append(("badge", f"[b]{tr._(hint)}[/b]", "accent"))
        for line in self.flow.lines():
            items.append((line.icon, plain(tr._(line.text)), None))
        notices = self.flow.notices()
        if notices:
            items.append((None, tr._("通知公告"), None))
            items += [("campaign", f"[b]{plain(tr._(n.when))}[/b] {plain(n.title)}", "primary") for n in notices]
        # The home flow asks the center's status every minute and usually hears the same: rebuilding the
        # strip then cost an idle kiosk ~15 full redraws (1.2 s of CPU a minute in software GL).
        if (role, items) == getattr(self, "_info_shown", None):
            return
        self._info_shown = (role, items)
        box = self.ids.info
        # The strip changes at most citizens' session end (the card hint, the queue's figures): the
        # rows on show are given their new words rather than made again. Rows made at each session end
        # (~20 widgets, ~3,000 small objects that live until the next) scattered long-lived objects
        # over Python's memory arenas, which then cannot be given back.
        rows = list(reversed(box.children))
        for i, (icon, text, tone) in enumerate(items):
            kind = KLabel if icon is None else InfoItem
            row = rows[i] if i < len(rows) and type(rows[i]) is kind else None
            if row is None:
                row = KLabel(bold=True) if kind is KLabel else InfoItem()
                if i < len(rows):
                    box.remove_widget(rows[i])
                    rows[i] = row
                else:
                    rows.append(row)
                box.add_widget(row, index=len(box.children) - i)
            row.text, row.role = text, role
            if kind is InfoItem:
                row.icon, row.tone = icon, tone or "text"
        for row in rows[len(items):]:
            box.remove_widget(row)
        box.opacity = 1 if items else 0
