"""Home (attract) screen: a tile per function, readable from two metres; tiles whose function cannot
work right now (API or printer down) are disabled and say why."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kivy.lang import Builder
from kivy.metrics import dp

from screens.base import BaseScreen
from screens.tr import tr
from screens.widgets import Tile

Builder.load_file(str(Path(__file__).with_suffix(".kv")))


@dataclass(frozen=True)
class TileSpec:
    target: str
    title: str
    subtitle: str
    needs: tuple[str, ...] = ()


TILES = (
    TileSpec("cases", "办件查询", "刷身份证查看办理进度", ("api",)),
    TileSpec("guide", "事项指南", "62项便民服务怎么办", ()),
    TileSpec("ticket", "排队取号", "取号后请留意叫号", ("api", "printer")),
    TileSpec("enterprise", "企业信息查询", "按统一社会信用代码查询", ("api",)),
    TileSpec("policies", "政策与补贴", "创业就业补贴政策", ()),
    TileSpec("jobs", "就业驿站", "最新招聘岗位", ()),
    TileSpec("feedback", "诉求反馈", "企业诉求 一事一记", ()),
    TileSpec("feedback_status", "查询反馈", "凭受理编号查看答复", ("api",)),
)

REASONS = {
    "api": "网络暂不可用",
    "printer": "打印机暂不可用",
    "reader": "读卡器暂不可用",
}


class HomeScreen(BaseScreen):
    kind = "menu"

    def on_kv_post(self, base_widget):
        self.app.bind(lang=self.refresh, orientation=self.refresh, elder=self.refresh,
                      api_ok=self.refresh, printer_ok=self.refresh)

    def on_activate(self, **params):
        self.refresh()

    def refresh(self, *_args) -> None:
        """Update the tiles in place: state changes (API or printer coming and going) arrive at any
        moment, and a tile rebuilt under a finger would swallow the touch."""
        from screens import SCREENS

        grid = self.ids.tiles
        grid.cols = 4 if self.app.orientation == "landscape" else 2
        if not hasattr(self, "_tiles"):
            self._tiles: dict[str, Tile] = {}
            for spec in TILES:
                if spec.target not in SCREENS:
                    continue
                tile = Tile(target=spec.target)
                tile.bind(on_release=lambda t: self.app.go(t.target))
                self._tiles[spec.target] = tile
                grid.add_widget(tile)
        size = int(self.app.sz.body)
        for spec in TILES:
            tile = self._tiles.get(spec.target)
            if tile is None:
                continue
            missing = [n for n in spec.needs if not self.app.capability(n)]
            reason = tr._(REASONS[missing[0]]) if missing else ""
            sub = reason or tr._(spec.subtitle)
            tile.text = f"[b]{tr._(spec.title)}[/b]\n[size={size}]{sub}[/size]"
            tile.disabled = bool(missing)
            tile.disabled_reason = reason
        grid.height = grid.minimum_height or dp(10)
