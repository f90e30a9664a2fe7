"""就业驿站: the screen of kiosk.flows.jobs.JobsFlow: the station's services, the district and type
filters, the posts and one post (the employer's public number shown whole), its QR and printout."""

from __future__ import annotations

from pathlib import Path

from kivy.factory import Factory
from kivy.lang import Builder

from kiosk.flows.jobs import STATION_SERVICES, JobsFlow
from screens.policies import InfoListScreen
from screens.tr import tr
from screens.widgets import KButton, KLabel, plain

Builder.load_file(str(Path(__file__).with_suffix(".kv")))


class JobsScreen(InfoListScreen):
    list_title = "请选择要查看的岗位"
    flow_class = JobsFlow

    def _empty_words(self) -> str:
        return tr._(self.flow.empty_words())

    def _render_key(self) -> tuple:
        f = self.flow
        return (*super()._render_key(), f.district, f.type, f.districts(), f.types())

    def row_text(self, j) -> str:
        small = int(self.app.sz.small)
        kind = f"{plain(j.type)}  " if j.type else ""
        return (f"{plain(j.title)}  {plain(j.salary)}\n"
                f"[size={small}]{kind}{plain(j.employer)}  {plain(j.location)}[/size]")

    def _draw_above_list(self, rows) -> None:
        card = Factory.Card()
        card.add_widget(KLabel(text=tr._("“乐业道德”就业驿站可以为您提供："), bold=True))
        card.add_widget(KLabel(text="  ·  ".join(tr._(s) for s in STATION_SERVICES)))
        rows.add_widget(card)
        f = self.flow
        landscape = self.app.orientation == "landscape"
        for label, values, chosen, choose, ids in (
                (tr._("地区"), f.districts(), f.district, f.set_district, "district"),
                (tr._("类型"), f.types(), f.type, f.set_type, "type")):
            if not values:
                continue
            row = Factory.BoxLayout(size_hint_y=None, spacing="12dp")
            head = KLabel(text=label, bold=True, size_hint_x=0.14 if landscape else 0.2)
            grid = Factory.GridLayout(cols=len(values) + 1 if landscape else 3, spacing="10dp", size_hint_y=None)
            grid.bind(minimum_height=grid.setter("height"))
            grid.bind(height=row.setter("height"))
            for v in ["", *values]:
                btn = KButton(kind="primary" if v == chosen else "tile", text=v if v else tr._("全部"))
                btn.bind(on_release=lambda _b, v=v, choose=choose: choose(v))
                btn.filter = (ids, v)
                grid.add_widget(btn)
            row.add_widget(head)
            row.add_widget(grid)
            rows.add_widget(row)
