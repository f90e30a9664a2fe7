"""企业信息查询: the citizen types a unified social credit code, sees it checked as they type (GB 32100
check character), gets the enterprise's registration card and may print it."""

from __future__ import annotations

import logging
from enum import StrEnum
from typing import Any

from kiosk import hours
from kiosk.api.errors import ApiError, NotFound, Unavailable
from kiosk.flows.base import Flow
from kiosk.flows.deps import FlowDeps
from kiosk.i18n import N_
from kiosk.privacy import mask_name
from kiosk.receipts.model import Receipt
from kiosk.validators import USCC_ALPHABET, is_valid_uscc

log = logging.getLogger(__name__)

USCC_LEN = 18
# GB 32100 structure: registration dept + category (2), region code (6), organisation code (9), check (1).
GROUPS = (2, 6, 9, 1)


class Stage(StrEnum):
    INPUT = "input"
    RESULT = "result"


def grouped(code: str, placeholder: str = "_") -> str:
    """'92370104MA3' -> '92 370104 MA3______ _': the structure shows and the remaining places too."""
    padded = code + placeholder * (USCC_LEN - len(code))
    out, i = [], 0
    for n in GROUPS:
        out.append(padded[i:i + n])
        i += n
    return " ".join(out)


def shape_problem(code: str) -> str:
    """A msgid for a code that can no longer become valid, else ''."""
    if any(c not in USCC_ALPHABET for c in code):
        return N_("代码中不会出现字母 I、O、S、V、Z，请核对")
    if any(not c.isdigit() for c in code[2:8]):
        return N_("第3到8位是地区代码，只能是数字，请核对")
    return ""


class EnterpriseFlow(Flow):
    def __init__(self, deps: FlowDeps) -> None:
        super().__init__(deps.runner)
        self.deps = deps
        self.stage = Stage.INPUT
        self.code = ""
        self.valid = False
        self.level = "info"                  # of the message: info | error
        self.enterprise: Any = None          # kiosk.api.models.Enterprise

    def _tell(self, msgid: str, level: str, **values: object) -> None:
        self._say(msgid, **values)
        self.level = level

    # ------------------------------------------------------------ input

    def typed(self, code: str) -> None:
        """The keypad's value changed: live check, and the search once the code is whole and valid."""
        self.code = code
        self.valid = is_valid_uscc(code)
        problem = shape_problem(code)
        if problem:
            self._tell(problem, "error")
        elif len(code) < USCC_LEN:
            self._tell(N_("还差 {n} 位") if code else "", "info", n=USCC_LEN - len(code))
        elif not self.valid:
            self._tell(N_("统一社会信用代码有误，请核对（第18位是校验码）"), "error")
        else:
            self._tell("", "info")
            self.search()
            return
        self._changed()

    def display(self) -> str:
        return grouped(self.code)

    def search(self) -> None:
        if not self.valid or self.busy:
            return
        api = self.deps.api()
        if api is None:
            self._tell(N_("网络异常，请稍后再试"), "error")
            self._changed()
            return
        code = self.code
        self.busy = True
        self._tell(N_("正在查询，请稍候…"), "info")
        self._call(lambda: api.enterprise(code), self._found, self._failed)
        self._changed()

    def _found(self, enterprise: Any) -> None:
        self.busy = False
        self._tell("", "info")
        self.enterprise = enterprise
        self.stage = Stage.RESULT
        self._changed()

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        if isinstance(exc, NotFound):
            self._tell(N_("未查询到该企业，请核对代码"), "error")
        elif isinstance(exc, Unavailable):
            self._tell(N_("网络异常，请稍后再试"), "error")
        else:
            log.warning("enterprise lookup failed: %s", getattr(exc, "detail", type(exc).__name__))
            self._tell(N_("查询没有成功，请稍后再试或呼叫帮办"), "error")
            if not isinstance(exc, ApiError):
                log.error("unexpected error in the enterprise lookup", exc_info=exc)
        self._changed()

    # ------------------------------------------------------------ result

    def rows(self) -> list[tuple[str, str]]:
        """(msgid of the label, value) of the card; the legal representative's name masked."""
        e = self.enterprise
        if e is None:
            return []
        return [
            (N_("统一社会信用代码"), e.uscc),
            (N_("类型"), e.type),
            (N_("法定代表人"), mask_name(e.legal_representative)),
            (N_("注册资本"), e.registered_capital),
            (N_("成立日期"), e.established.isoformat()),
            (N_("登记状态"), e.status),
            (N_("住所"), e.address),
            (N_("经营范围"), e.business_scope),
            (N_("登记机关"), e.registration_authority),
        ]

    def receipt(self) -> Receipt:
        e = self.enterprise
        r = Receipt()
        r.title(self.deps.cfg.terminal.center_name, size=1)
        r.title("企业信息查询结果", size=2)
        r.separator()
        r.kv(("企业名称", e.name), *[(k, v) for k, v in self.rows() if k != "经营范围"])
        r.text("经营范围：", bold=True)
        r.text(e.business_scope)
        r.separator()
        r.text(f"打印时间：{self.deps.now().astimezone(hours.TZ):%Y-%m-%d %H:%M}", align="center")
        r.text("本查询结果仅供参考，以登记机关记载为准。", align="center")
        return r.cut()

    def print_card(self) -> None:
        if self.enterprise is None:
            return
        self.deps.print_slip(self.receipt(), "enterprise", f"enterprise {self.enterprise.uscc}")

    def back(self) -> bool:
        """返回 from an enterprise's card goes back to the keypad for another code."""
        if self.stage == Stage.RESULT:
            self.new_search()
            return True
        return False

    def new_search(self) -> None:
        self._drop_pending()
        self.enterprise = None
        self.busy = False
        self.stage = Stage.INPUT
        self.typed("")

    def reset(self) -> None:
        super().reset()
        self.new_search()



