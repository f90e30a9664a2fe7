"""办件查询: by ID card (or, when the reader is unavailable, the ID number on a keypad), or by case
number + the last four digits of the applicant's phone. Shows the cases, a case's steps in plain words,
how the result is collected, and prints a progress slip. Everything shown is identity data: it lives in
this screen only while the session lasts, and goes when the card is taken away or the session ends.
"""

from __future__ import annotations

import logging
import math
from datetime import datetime
from pathlib import Path

from kivy.clock import Clock
from kivy.lang import Builder
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from kiosk.api.errors import NotFound, Unavailable
from kiosk.hours import TZ
from kiosk.i18n import gettext
from kiosk.privacy import mask_id_number, mask_name
from kiosk.receipts import templates
from kiosk.validators import id_prefix_ok, is_plausible_case_number, is_valid_id_number, normalize_case_number
from screens.base import BaseScreen
from screens.widgets import KButton, KLabel, QRCode, plain

log = logging.getLogger(__name__)

#: The case status in words a first-time user understands (status_code -> msgid).
STATUS_WORDS = {
    "SUBMITTED": "已提交，等待窗口受理",
    "ACCEPTED": "已受理，正在办理",
    "CORRECTION": "需要补充材料，请看下面的说明",
    "REVIEW": "正在审查",
    "DECISION": "已作出决定，即将办结",
    "COMPLETED": "已办结",
    "REJECTED": "不予受理，原因见下面的说明",
    "WITHDRAWN": "已撤回",
}
ID_GROUPS = (6, 8, 4)          # address code, birth date, sequence + check: easier to compare


def grouped_id(n: str) -> str:
    out, i = [], 0
    for g in ID_GROUPS:
        if i < len(n):
            out.append(n[i:i + g])
        i += g
    return " ".join(out)


class CaseRow(BoxLayout):
    """One "label: value" line of a case."""

    key = StringProperty("")
    value = StringProperty("")


class CardOutline(Widget):
    """An ID card drawn as an outline that pulses, to show where the card goes."""

    pulse = NumericProperty(1.0)


Builder.load_file(str(Path(__file__).with_suffix(".kv")))


class CasesScreen(BaseScreen):
    stage = StringProperty("start")     # start | manual_id | case_no | last4 | list | detail
    busy = BooleanProperty(False)
    message = StringProperty("")         # translated status / error line
    message_level = StringProperty("info")
    note = StringProperty("")            # translated note on the start stage (card removed, read error)
    greeting = StringProperty("")
    id_display = StringProperty("")
    case_no_display = StringProperty("")
    last4_display = StringProperty("")
    case = ObjectProperty(None, allownone=True)
    demo = BooleanProperty(False)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._cases: list = []
        self._request = 0
        self._msg: tuple[str, str, dict] = ("", "info", {})
        self._note: tuple[str, dict] = ("", {})
        self._query: tuple = ()
        self._by_card = False
        self._holder_name = ""
        self._from_list = False
        self._anim = None                # the pulse of the card outline (a Clock event)
        self._pulse_t = 0.0
        self._error_ev = None
        self._seen_failures = 0

    def on_kv_post(self, base_widget):
        self.app.bind(lang=self._relang, reader_ok=self._update_start_buttons)
        self._back_button = self.ids.back_to_list.__self__   # ids are weak: it may leave its row
        if self.app.services is not None:
            # The card may leave the reader while another screen (好差评, the print dialog…) is on
            # show: the app only tells the current screen, so listen for it here as well.
            self.app.services.subscribe(self._on_service_event)
        self._update_start_buttons()

    def _on_service_event(self, event: str, _payload) -> None:
        if event == "card_removed" and self.app is not None and self.app.current_screen != self.name:
            if self._by_card or self.app.session.identity is not None:
                self.app.session.clear_identity()
                self._clear_results()
                self.stage = "start"

    def on_stage(self, _instance, stage: str) -> None:
        self.ids.stages.current = stage
        if stage == "start":
            self._start_waiting()
        else:
            self._stop_waiting()

    # ------------------------------------------------------------ text

    def _t(self, msgid: str) -> str:
        # The app's `lang` changes before tr switches: translate for app.lang, not tr's language.
        return gettext(msgid, self.app.lang)

    def _say(self, msgid: str, level: str = "info", **kw) -> None:
        self._msg = (msgid, level, kw)
        self.message_level = level
        self.message = self._t(msgid).format(**kw) if msgid else ""

    def _set_note(self, msgid: str, **kw) -> None:
        self._note = (msgid, kw)
        self.note = self._t(msgid).format(**kw) if msgid else ""

    def _relang(self, *_args) -> None:
        msgid, level, kw = self._msg
        self._say(msgid, level, **kw)
        msgid, kw = self._note
        self._set_note(msgid, **kw)
        self._update_greeting()
        self._update_start_buttons()
        self._build_list()
        self._build_detail()

    # ------------------------------------------------------------ visit

    def on_activate(self, **params) -> None:
        if self.stage in ("list", "detail") and self._cases_or_case():
            return                       # back from the print dialog or 好差评 with the card still there
        identity = self.app.session.identity
        if identity is not None:
            self.on_card_inserted(identity)
            return
        self.stage = "start"
        self._start_waiting()

    def on_deactivate(self) -> None:
        self._stop_waiting()

    def _cases_or_case(self) -> bool:
        return bool(self._cases) or self.case is not None

    def _update_start_buttons(self, *_args) -> None:
        box = self.ids.get("start_buttons")
        if box is None:
            return
        box.clear_widgets()
        svc = self.app.services
        self.demo = bool(svc is not None and getattr(svc.demo, "reader_sim", None) is not None)
        if self.demo and self.app.reader_ok:
            btn = KButton(kind="secondary", text=self._t("演示：放置身份证"))
            btn.bind(on_release=lambda *_: self.app.demo_toggle_card())
            self.ids["demo_button"] = btn
            box.add_widget(btn)
        # A typed ID number lists that person's cases: only a helper, who has checked the person's
        # document, may type one (the API trusts the terminal that the holder is present).
        manual_allowed = self.app.staff_mode == "helper"
        if not self.app.reader_ok and manual_allowed:
            btn = KButton(kind="primary", text=self._t("手动输入身份证号码"))
            btn.bind(on_release=lambda *_: self.open_manual_id())
            self.ids["manual_button"] = btn
            box.add_widget(btn)
        if self.app.reader_ok:
            self.ids.reader_state.text = self._t("请将身份证放在读卡区")
        elif manual_allowed:
            self.ids.reader_state.text = self._t("读卡器暂不可用，请手动输入身份证号码")
        else:
            self.ids.reader_state.text = self._t("读卡器暂不可用，请用办件编号查询，或呼叫帮办")

    def _start_waiting(self) -> None:
        if self._anim is None:
            # A plain Clock event: one handle to cancel when the stage is left, and it stops itself
            # when the app is gone (tests build many apps in one process).
            self._pulse_t = 0.0
            self._anim = Clock.schedule_interval(self._pulse, 1 / 20)
        card = getattr(self.app.services, "card", None) if self.app.services else None
        self._seen_failures = getattr(card, "read_failures", 0)
        if self._error_ev is None:
            self._error_ev = Clock.schedule_interval(self._check_read_error, 0.5)

    def _stop_waiting(self) -> None:
        if self._anim is not None:
            self._anim.cancel()
            self._anim = None
            self.ids.outline.pulse = 1.0
        if self._error_ev is not None:
            self._error_ev.cancel()
            self._error_ev = None

    def _pulse(self, dt: float):
        if self.app is None:
            self._anim = None
            return False
        self._pulse_t += dt
        self.ids.outline.pulse = 0.675 + 0.325 * math.cos(self._pulse_t * math.pi / 0.9)
        return None

    def _check_read_error(self, _dt) -> None:
        # The card service counts read failures (no event for them): a new one while waiting for a
        # card means the card was there but could not be read. Counted, not compared by text: the
        # next citizen's card can fail with the very same words.
        app = self.app
        if app is None:              # the app stopped (tests build many): stop polling
            self._error_ev = None
            return False
        card = getattr(app.services, "card", None) if app.services else None
        failures = getattr(card, "read_failures", 0)
        if failures != self._seen_failures and self.app.reader_ok:
            self._set_note("没有读出身份证信息，请重新放置身份证")
        self._seen_failures = failures

    # ------------------------------------------------------------ by card / ID number

    def on_card_inserted(self, card) -> None:
        self._by_card = True
        self._holder_name = card.name or ""
        self._set_note("")
        self._query_id(card.id_number)

    def on_card_removed(self) -> None:
        if not self._by_card:
            return
        self.app.session.clear_identity()
        self._clear_results()
        self.stage = "start"
        self._set_note("身份证已取走，查询结果已清除。")

    def open_manual_id(self) -> None:
        self.ids.id_keypad.value = ""
        self.typed_id("")
        self.stage = "manual_id"

    def typed_id(self, value: str) -> None:
        n = value.upper()
        self.id_display = grouped_id(n)
        if not id_prefix_ok(n) or (len(n) == 18 and not is_valid_id_number(n)):
            self._say("号码有误，请核对", "error")
        elif len(n) < 18:
            self._say("还差 {n} 位" if n else "", "info", n=18 - len(n))
        else:
            self._say("")
            self._by_card = False
            self._holder_name = ""
            self.app.session.manual_id_number = n
            self._query_id(n)

    def _query_id(self, id_number: str) -> None:
        self._query = ("id", id_number)
        api = getattr(self.app.services, "api", None)
        if api is None:
            self._say("网络异常，请稍后再试", "error")
            return
        self._request += 1
        req = self._request
        self.busy = True
        self._say("正在查询，请稍候…")
        self.app.call(lambda: api.cases_by_id_number(id_number), lambda cases: self._got_cases(req, cases),
                      lambda exc: self._failed(req, exc))

    def _got_cases(self, req: int, cases) -> None:
        if req != self._request:
            return
        self.busy = False
        self._cases = list(cases)
        self.case = None
        self._update_greeting()
        self._build_list()
        self._say("" if self._cases else "未查询到办件", "info")
        self.stage = "list"

    def _update_greeting(self) -> None:
        if self._query[:1] != ("id",):
            self.greeting = ""
        elif self._by_card and self._holder_name:
            self.greeting = self._t("您好，{name}").format(name=mask_name(self._holder_name))
        else:
            self.greeting = self._t("身份证号 {id} 的办件").format(id=mask_id_number(self._query[1]))

    def _build_list(self) -> None:
        grid = self.ids.get("case_list")
        if grid is None:
            return
        grid.clear_widgets()
        for c in self._cases:
            status = self._t(STATUS_WORDS.get(c.status_code, str(c.status)))
            when = c.submitted_at.astimezone(TZ).strftime("%Y-%m-%d")
            text = (f"[b]{plain(c.service_name)}[/b]\n" + self._t("办件编号 {no}").format(no=plain(c.case_no)) + "\n"
                    + self._t("状态：{status}").format(status=status) + "    "
                    + self._t("提交日期：{date}").format(date=when))
            btn = KButton(kind="tile", text=text, markup=True)
            btn.case = c
            btn.bind(on_release=lambda b: self.open_case(b.case, from_list=True))
            grid.add_widget(btn)

    # ------------------------------------------------------------ by case number

    def open_case_no(self) -> None:
        self.ids.case_keypad.value = ""
        self.ids.last4_keypad.value = ""
        self.typed_case_no("")
        self.stage = "case_no"

    def typed_case_no(self, value: str) -> None:
        self.case_no_display = value
        self.ids.case_next.disabled = not is_plausible_case_number(value)
        if value and len(value) >= 6 and not is_plausible_case_number(value):
            self._say("办件编号有误，请核对", "error")
        else:
            self._say("")

    def case_no_next(self) -> None:
        if not is_plausible_case_number(self.ids.case_keypad.value):
            return
        self.ids.last4_keypad.value = ""
        self.typed_last4("")
        self.stage = "last4"

    def typed_last4(self, value: str) -> None:
        self.last4_display = " ".join(value.ljust(4, "_"))
        if len(value) == 4:
            self._query_case(normalize_case_number(self.ids.case_keypad.value), value)
        else:
            self._say("")

    def _query_case(self, case_no: str, last4: str) -> None:
        self._query = ("case", case_no, last4)
        self._by_card = False
        api = getattr(self.app.services, "api", None)
        if api is None:
            self._say("网络异常，请稍后再试", "error")
            return
        self._request += 1
        req = self._request
        self.busy = True
        self._say("正在查询，请稍候…")
        self.app.call(lambda: api.case_by_number(case_no, last4), lambda case: self._got_case(req, case),
                      lambda exc: self._failed(req, exc))

    def _got_case(self, req: int, case) -> None:
        if req != self._request:
            return
        self.busy = False
        self._say("")
        self._cases = []
        self.open_case(case, from_list=False)

    def _failed(self, req: int, exc: BaseException) -> None:
        if req != self._request:
            return
        self.busy = False
        log.warning("case query failed: %s", getattr(exc, "detail", type(exc).__name__))
        if isinstance(exc, NotFound):
            if self._query[:1] == ("case",):
                self.ids.last4_keypad.value = ""     # clears the message too: say it after
                self._say("未查询到办件，请核对办件编号和手机号后四位", "error")
            else:
                self._cases = []
                self._update_greeting()
                self._build_list()
                self._say("未查询到办件", "info")
                self.stage = "list"
            return
        words = "网络异常，请稍后再试" if isinstance(exc, Unavailable) else "查询没有成功，请稍后再试或呼叫帮办"
        if self._query[:1] == ("id",):
            # The list stage carries the retry button (card read or typed number alike).
            self._cases = []
            self._update_greeting()
            self._build_list()
            self.stage = "list"
        self._say(words, "error")

    def retry(self) -> None:
        if self.busy or not self._query:
            return
        if self._query[0] == "id":
            self._query_id(self._query[1])
        else:
            self._query_case(self._query[1], self._query[2])

    # ------------------------------------------------------------ detail

    def open_case(self, case, from_list: bool) -> None:
        self.case = case
        self._from_list = from_list
        self._build_detail()
        # No list on the case-number path: the button leaves the row (a squeezed button would wrap
        # its text into a tall column and push the case off the screen).
        row, back = self.ids.detail_buttons, self._back_button
        if from_list and back.parent is None:
            row.add_widget(back, index=len(row.children))
        elif not from_list and back.parent is not None:
            row.remove_widget(back)
        self.stage = "detail"

    def _build_detail(self) -> None:
        c = self.case
        rows, steps = self.ids.get("case_rows"), self.ids.get("timeline")
        if rows is None:
            return
        rows.clear_widgets()
        steps.clear_widgets()
        self.ids.qr_box.clear_widgets()
        if c is None:
            self.ids.case_title.text = ""
            return
        self.ids.case_title.text = c.service_name
        data = [
            ("办件编号", c.case_no),
            ("当前状态", self._t(STATUS_WORDS.get(c.status_code, str(c.status)))),
            ("申请人", c.applicant_masked),
            ("证件号码", c.applicant_id_masked),
            ("提交时间", c.submitted_at.astimezone(TZ).strftime("%Y-%m-%d %H:%M")),
        ]
        if c.delivery is not None:
            d = c.delivery
            if d.method == "邮寄":
                how = self._t("邮寄：{carrier}，运单号 {no}").format(carrier=d.carrier or "", no=d.tracking_no or "")
            else:
                how = self._t("窗口自取：{place}").format(place=d.place or self._t("请到综合受理窗口"))
            data.append(("领取方式", how))
        for key, value in data:
            rows.add_widget(CaseRow(key=self._t(key), value=value))
        for i, s in enumerate(c.steps):
            when = s.time.astimezone(TZ).strftime("%Y-%m-%d %H:%M")
            latest = i == len(c.steps) - 1
            head = f"[b]{when}  {self._t(str(s.status))}[/b]" if latest else f"{when}  {self._t(str(s.status))}"
            lbl = KLabel(text=f"{head}\n{plain(s.department)}" + (f"\n{plain(s.note)}" if s.note else ""), markup=True)
            steps.add_widget(lbl)
        url = getattr(c, "url", None)           # the contract has none yet; show a QR when it does
        if url:
            self.ids.qr_box.add_widget(QRCode(data=url))
            self.ids.qr_box.add_widget(KLabel(text=self._t("手机扫码，随时查看办件进度")))

    def slip(self) -> dict:
        c = self.case
        return {
            "case_number": c.case_no,
            "service": c.service_name,
            "status": str(c.status),
            "applicant_name": c.applicant_masked,
            "applicant_id": c.applicant_id_masked,
            "timeline": [(s.time.astimezone(TZ).strftime("%m-%d %H:%M"), f"{s.status} {s.department}")
                         for s in c.steps],
            "url": getattr(c, "url", None),
            "time": datetime.now(TZ).strftime("%Y-%m-%d %H:%M"),
            "center_name": self.app.cfg.terminal.center_name,
        }

    def print_slip(self) -> None:
        if self.case is None:
            return
        self.app.print_receipt(templates.case_status_slip(self.slip()), "case", f"case {self.case.case_no}")

    def on_back(self) -> bool:
        """返回 from a case opened from the person's list shows the list again."""
        if self.stage == "detail" and self._from_list:
            self.back_to_list()
            return True
        return False

    def back_to_list(self) -> None:
        self.case = None
        self._build_detail()
        self.stage = "list"

    def finish(self) -> None:
        c = self.case
        if c is None:
            return
        by_card = self._by_card
        self.wipe(keep_identity=by_card)
        self.app.finish_transaction("case", c.case_no, c.service_code, c.service_name)

    # ------------------------------------------------------------ session

    def _clear_results(self) -> None:
        self._request += 1
        self.busy = False
        self._cases = []
        self.case = None
        self._query = ()
        self._holder_name = ""
        self._by_card = False
        self.greeting = ""
        self._say("")
        for pad in ("id_keypad", "case_keypad", "last4_keypad"):
            if pad in self.ids:
                self.ids[pad].value = ""
        self.id_display = self.case_no_display = self.last4_display = ""
        self._build_list()
        self._build_detail()

    def wipe(self, keep_identity: bool = False) -> None:
        """Forget every case, number and name shown or typed here."""
        self._clear_results()
        self._set_note("")
        if not keep_identity:
            self.app.session.clear_identity()
        self.stage = "start"
