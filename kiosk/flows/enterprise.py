"""企业信息查询: the citizen types a unified social credit code, sees it checked as they type (GB 32100
check character), gets the enterprise's registration card and may print it. Or, not knowing the code,
writes a few characters of the name (by hand or 拼音), picks the enterprise from a short list of
matches and gets the same card."""

from __future__ import annotations

import logging
from enum import StrEnum
from typing import Any

from kiosk import hours
from kiosk.api.errors import ApiError, NotFound, Unavailable
from kiosk.flows.base import Flow
from kiosk.flows.deps import FlowDeps
from kiosk.free_text import FreeTextError, clean_free_text
from kiosk.i18n import N_
from kiosk.privacy import mask_name
from kiosk.receipts.model import Receipt
from kiosk.validators import USCC_ALPHABET, is_valid_uscc

log = logging.getLogger(__name__)

USCC_LEN = 18
# GB 32100 structure: registration dept + category (2), region code (6), organisation code (9), check (1).
GROUPS = (2, 6, 9, 1)
#: A search by name: at least two characters (one matches half the registry), at most the contract's.
NAME_MIN = 2
NAME_MAX = 50          # = kiosk.api.models.ENTERPRISE_NAME_QUERY_MAX, checked in the flow test
MATCHES = 5


class Stage(StrEnum):
    INPUT = "input"
    NAME = "name"          # search by name: the text entry and the matches
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
        self.name = ""                       # the words searched for (cleaned)
        self.matches: list[Any] = []         # kiosk.api.models.EnterpriseMatch of the last name search
        self.came_from = Stage.INPUT         # where 返回 from the card goes

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
        self.came_from = self.stage if self.stage != Stage.RESULT else self.came_from
        self.stage = Stage.RESULT
        self._changed()

    # ------------------------------------------------------------ by name

    def by_name(self) -> None:
        """按名称查询: the second way in."""
        self._drop_pending()
        self.busy = False
        self.stage = Stage.NAME
        self.matches = []
        self._tell(N_("请写出企业名称中的几个字，如“小吃店”"), "info")
        self._changed()

    def search_name(self, text: str) -> None:
        if self.busy or self.stage != Stage.NAME:
            return
        try:
            words = clean_free_text(text, NAME_MAX, multiline=False)
        except FreeTextError as e:
            self._tell(N_("名称太长或含有无法识别的字，请修改"), "error")
            log.info("enterprise name search refused: %s", e.code)
            self._changed()
            return
        if len(words) < NAME_MIN:
            self._tell(N_("请至少写两个字"), "error")
            self._changed()
            return
        api = self.deps.api()
        if api is None:
            self._tell(N_("网络异常，请稍后再试"), "error")
            self._changed()
            return
        self.name, self.matches, self.busy = words, [], True
        self._tell(N_("正在查询，请稍候…"), "info")
        self._call(lambda: api.enterprises_by_name(words, MATCHES), self._matched, self._failed)
        self._changed()

    def _matched(self, matches: list[Any]) -> None:
        self.busy = False
        self.matches = list(matches)
        if matches:
            self._tell(N_("找到 {n} 家企业，请点选"), "info", n=len(matches))
        else:
            self._tell(N_("没有找到名称相符的企业，请换几个字再试"), "error")
        self._changed()

    def choose(self, uscc: str) -> None:
        """A match tapped: its card, by its code (the same card as the USCC lookup)."""
        if self.busy or not any(m.uscc == uscc for m in self.matches):
            return
        api = self.deps.api()
        if api is None:
            self._tell(N_("网络异常，请稍后再试"), "error")
            self._changed()
            return
        self.busy = True
        self._tell(N_("正在查询，请稍候…"), "info")
        self._call(lambda: api.enterprise(uscc), self._found, self._failed)
        self._changed()

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        if isinstance(exc, NotFound):
            self._tell(N_("未查询到该企业，请核对代码") if self.stage == Stage.INPUT
                       else N_("未查询到该企业，请重新查询"), "error")
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
        """返回 from an enterprise's card goes back to where the search was made (the keypad, or the
        matches of a search by name); from the search by name back to the keypad."""
        if self.stage == Stage.RESULT and self.came_from == Stage.NAME:
            self._drop_pending()
            self.enterprise, self.busy, self.stage = None, False, Stage.NAME
            self._tell("", "info")
            self._changed()
            return True
        if self.stage in (Stage.RESULT, Stage.NAME):
            self.new_search()
            return True
        return False

    def new_search(self) -> None:
        self._drop_pending()
        self.enterprise = None
        self.busy = False
        self.stage = Stage.INPUT
        self.came_from = Stage.INPUT
        self.name, self.matches = "", []
        self.typed("")

    def reset(self) -> None:
        super().reset()
        self.new_search()



