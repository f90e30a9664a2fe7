"""政策与补贴: the published policies (from the reference cache, so they show offline too, marked
stale), each with who qualifies, how much, what to bring, and the ways to act on it: the guide of the
service item that takes the application, and 取号 for that item.

InfoFlow is the list → detail → print pattern the job posts (kiosk/flows/jobs.py) share. Viewing is
information, not a transaction: no 好差评 here.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from kiosk.api.models import Policy
from kiosk.flows.deps import FlowDeps
from kiosk.flows.reference_list import ReferenceListFlow
from kiosk.i18n import DEFAULT_LANGUAGE, N_, Msg, render
from kiosk.receipts.model import Receipt

PAPER = DEFAULT_LANGUAGE            # printouts are Chinese whatever the screen's language

DISCLAIMER = N_("以上内容仅供参考，具体以正式文件和窗口解释为准。")


class Stage(StrEnum):
    LOADING = "loading"
    ERROR = "error"
    LIST = "list"
    DETAIL = "detail"


#: (heading msgid, lines) of an entry's detail; a line is a Msg or data shown as it is.
Section = tuple[str, list[Msg | str]]


def info_receipt(center: str, kind_title: str, title: str, sections: list[Section], qr_data: str = "",
                 qr_caption: str = "") -> Receipt:
    """The printout of a policy or a job post: the sections the screen shows, in Chinese."""
    r = Receipt()
    r.title(center, size=1)
    r.text(kind_title, align="center")
    r.separator()
    r.text(title, bold=True)
    for heading, lines in sections:
        r.text(render(heading, PAPER), bold=True)
        for line in lines:
            r.text(render(line, PAPER))
    if qr_data:
        r.separator()
        r.qr(qr_data, module=5)
        r.text(render(qr_caption, PAPER), align="center")
    r.separator()
    r.text(render(DISCLAIMER, PAPER), align="center")
    return r.cut()


class InfoFlow(ReferenceListFlow):
    """A list from the reference cache → one entry's detail, its QR and its printout."""

    print_kind = "info"

    @property
    def what(self) -> str:          # the log says "policy not loaded", "job not loaded"
        return self.print_kind
    kind_title = ""

    def __init__(self, deps: FlowDeps) -> None:
        self.stage = Stage.LOADING
        super().__init__(deps)
        self.entry: Any = None

    # -- what a subclass provides -------------------------------------------------------------------
    def sections(self, entry: Any) -> list[Section]:
        raise NotImplementedError

    def qr(self, entry: Any) -> tuple[str, str]:
        """(data, caption msgid) of the QR for a phone."""
        raise NotImplementedError

    # -- loading ------------------------------------------------------------------------------------
    def start(self) -> None:
        if not self.entries:
            self.stage = Stage.LOADING
        self._changed()
        self._load()

    def _first_shown(self) -> None:
        self.stage = Stage.LIST

    # -- moving around ------------------------------------------------------------------------------
    def shown(self) -> list[Any]:
        """The entries of the list (a subclass filters)."""
        return list(self.entries)

    def open(self, entry: Any) -> None:
        self.entry = entry
        self.stage = Stage.DETAIL
        self._changed()

    def up(self) -> None:
        self.entry = None
        self.stage = Stage.LIST if self.entries else Stage.LOADING
        self._changed()

    def back(self) -> bool:
        """返回 from a detail shows the list again; from the list it leaves the screen."""
        if self.stage == Stage.DETAIL:
            self.up()
            return True
        return False

    # -- printing -----------------------------------------------------------------------------------
    def receipt(self, entry: Any) -> Receipt:
        data, caption = self.qr(entry)
        link = data if data.startswith("http") else ""
        return info_receipt(self.deps.cfg.terminal.center_name, render(self.kind_title, PAPER), entry.title,
                            self.sections(entry), link, caption if link else "")

    def print_entry(self) -> None:
        entry = self.entry
        if entry is not None:
            self.deps.print_slip(self.receipt(entry), self.print_kind, f"{self.print_kind} {entry.id}")

    def reset(self) -> None:
        # Nothing personal is shown; the next citizen starts at the list.
        super().reset()
        self.entry = None
        self.stage = Stage.LIST if self.entries else Stage.LOADING
        self._changed()


class PoliciesFlow(InfoFlow):
    print_kind = "policy"
    kind_title = N_("政策与补贴")

    def fetch(self, reference: Any) -> tuple[list[Policy], bool, float]:
        return reference.policies()

    def sections(self, p: Policy) -> list[Section]:
        """Who qualifies, how much, what to bring first: what a citizen needs to decide and to act."""
        out: list[Section] = [(N_("政策内容"), [p.summary])]
        if p.eligibility:
            out.append((N_("谁可以申请"), [f"{i}. {c}" for i, c in enumerate(p.eligibility, 1)]))
        if p.amount:
            out.append((N_("补贴标准"), [p.amount]))
        if p.materials:
            out.append((N_("申请材料"), [f"{i}. {m}" for i, m in enumerate(p.materials, 1)]))
        about = [Msg(N_("发布部门：{department}"), department=p.department),
                 Msg(N_("发布日期：{date}"), date=p.published.isoformat())]
        if p.tags:
            about.append(Msg(N_("相关主题：{tags}"), tags="、".join(p.tags)))
        out.append((N_("政策信息"), about))
        return out

    def qr(self, p: Policy) -> tuple[str, str]:
        if p.url:
            return p.url, N_("手机扫码查看政策原文")
        # No link published: the QR carries the text itself, so a phone can keep it.
        return f"{p.title}\n{p.department}\n{p.summary}", N_("手机扫码保存政策内容")

    def links(self, p: Policy) -> list[tuple[str, str, dict[str, str]]]:
        """(label msgid, screen, params) of the ways to act on a policy: the guide of its service item
        (materials, where to go) and a ticket for it. Without an item the ticket is a plain one: the
        one window (一窗受理) and its 帮代办 staff take every application."""
        if p.service_code:
            return [(N_("查看办事指南"), "guide", {"service_code": p.service_code}),
                    (N_("取号办理"), "ticket", {"service_code": p.service_code})]
        return [(N_("取号咨询"), "ticket", {})]
