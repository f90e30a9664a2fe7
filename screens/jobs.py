"""就业驿站: job posts from the reference cache (offline too, marked "可能不是最新"), each with the
employer, pay, requirements, the employer's public contact number and address, a QR that puts the post
on a phone, and a printout. Information only: no 好差评 here."""

from __future__ import annotations

from pathlib import Path

from kivy.lang import Builder

from kiosk.receipts.model import Receipt
from screens.policies import InfoListScreen, info_receipt
from screens.tr import tr
from screens.widgets import plain

Builder.load_file(str(Path(__file__).with_suffix(".kv")))


class JobsScreen(InfoListScreen):
    list_title = "请选择要查看的岗位"
    empty_text = "暂无招聘岗位"
    print_kind = "job"

    def fetch(self, reference):
        return reference.jobs()

    def row_text(self, j) -> str:
        small = int(self.app.sz.small)
        return f"{plain(j.title)}  {plain(j.salary)}\n[size={small}]{plain(j.employer)}  {plain(j.location)}[/size]"

    def _rows(self, j) -> list[tuple[str, str]]:
        # The contact is the employer's published recruiting number, not a private person's.
        return [("招聘单位", j.employer), ("薪资待遇", j.salary),
                ("招聘人数", tr._("{n}人").format(n=j.headcount)), ("工作地点", j.location),
                ("岗位要求", j.requirements), ("联系电话", j.contact), ("发布日期", j.posted.isoformat())]

    def detail(self, j):
        return j.title, self._rows(j), ""

    def qr(self, j):
        # Job posts carry no link: the QR holds the post itself, so a phone keeps the number to call.
        return (f"{j.title}\n{j.employer}\n{j.salary}\n{j.location}\n{j.contact}",
                "手机扫码保存岗位信息")

    def receipt(self, j) -> Receipt:
        rows = [("招聘单位", j.employer), ("薪资待遇", j.salary), ("招聘人数", f"{j.headcount}人"),
                ("工作地点", j.location), ("联系电话", j.contact), ("发布日期", j.posted.isoformat())]
        return info_receipt(self.app.cfg.terminal.center_name, "就业驿站 招聘岗位", j.title, rows,
                            f"岗位要求：{j.requirements}")
