"""就业驿站: the job posts the "乐业道德"就业驿站 publishes (from the reference cache, offline too), filtered
by district and type, each with the employer, pay, requirements and the employer's public contact
number (a company's recruiting line is not personal data: shown and printed whole), and the station's
own services. Information only: no 好差评 here.
"""

from __future__ import annotations

from typing import Any

from kiosk.api.models import JobPost
from kiosk.flows.policies import InfoFlow, Section
from kiosk.i18n import N_, Msg

#: What the 就业驿站 does for people who come to it (shown above the posts). Not a rule: words.
STATION_SERVICES = (
    N_("岗位信息发布与推荐"),
    N_("职业指导和政策咨询"),
    N_("就业、失业登记"),
    N_("创业补贴、社保补贴申请帮办"),
    N_("高校毕业生就业见习"),
)


class JobsFlow(InfoFlow):
    print_kind = "job"
    kind_title = N_("“乐业道德”就业驿站 招聘岗位")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.district = ""          # "" = every district
        self.type = ""              # "" = every type

    def fetch(self, reference: Any) -> tuple[list[JobPost], bool, float]:
        return reference.jobs()

    # -- filters ------------------------------------------------------------------------------------
    def districts(self) -> list[str]:
        """The districts of the posts, in the order they first appear (the API lists the center's own
        district first)."""
        return list(dict.fromkeys(j.district for j in self.entries if j.district))

    def types(self) -> list[str]:
        return list(dict.fromkeys(j.type for j in self.entries if j.type))

    def set_district(self, district: str) -> None:
        self.district = "" if district == self.district else district      # a second tap clears it
        self._changed()

    def set_type(self, job_type: str) -> None:
        self.type = "" if job_type == self.type else job_type
        self._changed()

    def shown(self) -> list[JobPost]:
        return [j for j in self.entries if (not self.district or j.district == self.district)
                and (not self.type or j.type == self.type)]

    def empty_words(self) -> Msg:
        if self.entries and (self.district or self.type):
            return Msg(N_("没有符合条件的岗位，请换个条件"))
        return Msg(N_("暂无招聘岗位"))

    # -- one post -----------------------------------------------------------------------------------
    def sections(self, j: JobPost) -> list[Section]:
        facts: list[Msg | str] = [
            Msg(N_("招聘单位：{v}"), v=j.employer),
            Msg(N_("联系电话：{v}"), v=j.contact),
            Msg(N_("薪资待遇：{v}"), v=j.salary),
            Msg(N_("招聘人数：{n}人"), n=j.headcount),
            Msg(N_("工作地点：{v}"), v=j.location),
        ]
        if j.type:
            facts.append(Msg(N_("岗位类型：{v}"), v=j.type))
        facts.append(Msg(N_("发布日期：{date}"), date=j.posted.isoformat()))
        return [(N_("岗位信息"), facts), (N_("岗位要求"), [j.requirements])]

    def qr(self, j: JobPost) -> tuple[str, str]:
        # Job posts carry no link: the QR holds the post itself, so a phone keeps the number to call.
        return f"{j.title}\n{j.employer}\n{j.salary}\n{j.location}\n{j.contact}", N_("手机扫码保存岗位信息")

    def reset(self) -> None:
        self.district = self.type = ""
        super().reset()
