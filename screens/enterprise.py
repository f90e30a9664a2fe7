"""企业信息查询: the citizen types a unified social credit code on the USCC keypad, sees it checked as
they type (GB 32100 check character), and gets the enterprise's registration card, which they can print.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from kivy.lang import Builder
from kivy.properties import BooleanProperty, ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.api.errors import ApiError, NotFound, Unavailable
from kiosk.i18n import gettext
from kiosk.privacy import mask_name
from kiosk.receipts.model import Receipt
from kiosk.validators import USCC_ALPHABET, is_valid_uscc
from screens.base import BaseScreen

log = logging.getLogger(__name__)


class EntRow(BoxLayout):
    """One "label: value" line of the enterprise card."""

    key = StringProperty("")
    value = StringProperty("")


Builder.load_file(str(Path(__file__).with_suffix(".kv")))

USCC_LEN = 18
# GB 32100 structure: registration dept + category (2), region code (6), organisation code (9), check (1).
GROUPS = (2, 6, 9, 1)


def grouped(code: str, placeholder: str = "_") -> str:
    """'92370102MA3' -> '92 370102 MA3______ _': the structure shows and the remaining places too."""
    padded = code + placeholder * (USCC_LEN - len(code))
    out, i = [], 0
    for n in GROUPS:
        out.append(padded[i:i + n])
        i += n
    return " ".join(out)


def shape_problem(code: str) -> str:
    """A msgid for a code that can no longer become valid, else ''."""
    if any(c not in USCC_ALPHABET for c in code):
        return "代码中不会出现字母 I、O、S、V、Z，请核对"
    if any(not c.isdigit() for c in code[2:8]):
        return "第3到8位是地区代码，只能是数字，请核对"
    return ""


class EnterpriseScreen(BaseScreen):
    code = StringProperty("")
    display = StringProperty(grouped(""))
    valid = BooleanProperty(False)
    stage = StringProperty("input")          # input | result
    busy = BooleanProperty(False)
    message = StringProperty("")             # live hint or error under the code (translated)
    message_level = StringProperty("info")   # info | error
    enterprise = ObjectProperty(None, allownone=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._request = 0
        self._msg: tuple[str, dict] = ("", {})

    def on_kv_post(self, base_widget):
        self.app.bind(lang=self._relang)

    def _relang(self, *_args) -> None:
        self._refresh_card()
        msgid, kw = self._msg
        self._say(msgid, self.message_level, **kw)

    def on_stage(self, _instance, stage: str) -> None:
        self.ids.stages.current = stage

    # ------------------------------------------------------------ input

    def typed(self, code: str) -> None:
        """Keypad value changed: live display and check."""
        self.code = code
        self.display = grouped(code)
        self.valid = is_valid_uscc(code)
        problem = shape_problem(code)
        if problem:
            self._say(problem, "error")
        elif len(code) < USCC_LEN:
            self._say("还差 {n} 位" if code else "", "info", n=USCC_LEN - len(code))
        elif not self.valid:
            self._say("统一社会信用代码有误，请核对（第18位是校验码）", "error")
        else:
            self._say("", "info")
            self.search()

    def _t(self, msgid: str) -> str:
        # The app's `lang` changes before tr switches: translate for app.lang, not tr's language.
        return gettext(msgid, self.app.lang)

    def _say(self, msgid: str, level: str, **kw) -> None:
        self._msg = (msgid, kw)
        self.message_level = level
        self.message = self._t(msgid).format(**kw) if msgid else ""

    def search(self) -> None:
        if not self.valid or self.busy:
            return
        api = getattr(self.app.services, "api", None)
        if api is None:
            self._say("网络异常，请稍后再试", "error")
            return
        self._request += 1
        req, code = self._request, self.code
        self.busy = True
        self._say("正在查询，请稍候…", "info")
        self.app.call(lambda: api.enterprise(code), lambda e: self._found(req, e),
                      lambda exc: self._failed(req, exc))

    def _found(self, req: int, enterprise) -> None:
        if req != self._request:
            return                      # the citizen left or the session ended meanwhile
        self.busy = False
        self._say("", "info")
        self.enterprise = enterprise
        self._refresh_card()
        self.stage = "result"

    def _failed(self, req: int, exc: BaseException) -> None:
        if req != self._request:
            return
        self.busy = False
        if isinstance(exc, NotFound):
            self._say("未查询到该企业，请核对代码", "error")
        elif isinstance(exc, Unavailable):
            self._say("网络异常，请稍后再试", "error")
        else:
            log.warning("enterprise lookup failed: %s", getattr(exc, "detail", type(exc).__name__))
            self._say("查询没有成功，请稍后再试或呼叫帮办", "error")
            if not isinstance(exc, ApiError):
                log.exception("unexpected error", exc_info=exc)

    # ------------------------------------------------------------ result

    def rows(self) -> list[tuple[str, str]]:
        e = self.enterprise
        if e is None:
            return []
        return [
            ("统一社会信用代码", e.uscc),
            ("类型", e.type),
            ("法定代表人", mask_name(e.legal_representative)),
            ("注册资本", e.registered_capital),
            ("成立日期", e.established.isoformat()),
            ("登记状态", e.status),
            ("住所", e.address),
            ("经营范围", e.business_scope),
            ("登记机关", e.registration_authority),
        ]

    def _refresh_card(self, *_args) -> None:
        box = self.ids.get("rows")
        if box is None:
            return
        box.clear_widgets()
        for key, value in self.rows():
            box.add_widget(EntRow(key=self._t(key), value=value))

    def receipt(self) -> Receipt:
        e = self.enterprise
        r = Receipt()
        r.title(self.app.cfg.terminal.center_name, size=1)
        r.title("企业信息查询结果", size=2)
        r.separator()
        r.kv(("企业名称", e.name), *[(k, v) for k, v in self.rows() if k != "经营范围"])
        r.text("经营范围：", bold=True)
        r.text(e.business_scope)
        r.separator()
        r.text(f"打印时间：{datetime.now(self.app_tz()):%Y-%m-%d %H:%M}", align="center")
        r.text("本查询结果仅供参考，以登记机关记载为准。", align="center")
        return r.cut()

    @staticmethod
    def app_tz():
        from kiosk.hours import TZ

        return TZ

    def print_card(self) -> None:
        if self.enterprise is None:
            return
        self.app.print_receipt(self.receipt(), "enterprise", f"enterprise {self.enterprise.uscc}")

    def on_back(self) -> bool:
        """返回 from an enterprise's card goes back to the keypad for another code."""
        if self.stage == "result":
            self.new_search()
            return True
        return False

    def new_search(self) -> None:
        self._request += 1
        self.enterprise = None
        self.busy = False
        self._refresh_card()
        self.ids.keypad.value = ""
        self.typed("")
        self.stage = "input"

    # ------------------------------------------------------------ session

    def wipe(self) -> None:
        self.new_search()
