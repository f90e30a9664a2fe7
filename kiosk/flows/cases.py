"""办件查询: the ways in (the ID card on the reader; the case number + the last four digits of the
applicant's phone; a typed ID number, by a helper only), the person's list of cases, one case in plain
words, and its progress slip.

Everything a lookup by ID number finds is the person's: it lives here only while the card is on the
reader (or the session lasts, for a helper's typed number) and is wiped when the card is taken away
or the session ends. A case found by its number + phone digits is not bound to a card.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from kiosk import hours
from kiosk.api.errors import NotFound, Unavailable
from kiosk.api.models import CaseStatus
from kiosk.flows.base import Flow
from kiosk.flows.deps import FlowDeps
from kiosk.i18n import N_, Msg, render
from kiosk.privacy import mask_id_number, mask_name
from kiosk.receipts import templates
from kiosk.session import Transaction
from kiosk.validators import (
    id_prefix_ok,
    is_plausible_case_number,
    is_valid_id_number,
    normalize_case_number,
    normalize_id_number,
)

log = logging.getLogger(__name__)
PAPER = "zh_CN"                    # slips are printed in Chinese whatever the screen's language

LOADING = N_("正在查询，请稍候…")
NETWORK_DOWN = N_("网络异常，请稍后再试")
FAILED = N_("查询没有成功，请稍后再试或呼叫帮办")
NO_CASES = N_("未查询到办件")
NO_CASE_BY_NUMBER = N_("未查询到办件，请核对办件编号和手机号后四位")
BAD_ID = N_("号码有误，请核对")
ID_TO_GO = N_("还差 {n} 位")
BAD_CASE_NO = N_("办件编号有误，请核对")
BAD_LAST4 = N_("请输入手机号的后四位数字")
HELPER_ONLY = N_("手动输入身份证号码需由帮办人员协助，请呼叫帮办，或用办件编号查询")
CARD_TAKEN = N_("身份证已取走，查询结果已清除。")
PLACE_AGAIN = N_("没有读出身份证信息，请重新放置身份证")
PLACE_CARD = N_("请将身份证放在读卡区")
READER_GONE_HELPER = N_("读卡器暂不可用，请手动输入身份证号码")
READER_GONE = N_("读卡器暂不可用，请用办件编号查询，或呼叫帮办")

#: The case status in words a first-time user understands (status_code -> msgid).
STATUS_WORDS = {
    "SUBMITTED": N_("已提交，等待窗口受理"),
    "ACCEPTED": N_("已受理，正在办理"),
    "CORRECTION": N_("需要补充材料，请看下面的说明"),
    "REVIEW": N_("正在审查"),
    "DECISION": N_("已作出决定，即将办结"),
    "COMPLETED": N_("已办结"),
    "REJECTED": N_("不予受理，原因见下面的说明"),
    "WITHDRAWN": N_("已撤回"),
}
#: A step of the timeline, as the API names it, in the catalog.
STEP_WORDS = {
    CaseStatus.SUBMITTED: N_("已提交"),
    CaseStatus.ACCEPTED: N_("受理"),
    CaseStatus.CORRECTION: N_("补正"),
    CaseStatus.REVIEW: N_("审查"),
    CaseStatus.DECISION: N_("决定"),
    CaseStatus.COMPLETED: N_("办结"),
    CaseStatus.REJECTED: N_("不予受理"),
    CaseStatus.WITHDRAWN: N_("撤回"),
}
ID_GROUPS = (6, 8, 4)          # address code, birth date, sequence + check: easier to compare


def grouped_id(n: str) -> str:
    out, i = [], 0
    for g in ID_GROUPS:
        if i < len(n):
            out.append(n[i:i + g])
        i += g
    return " ".join(out)


def status_words(case: Any) -> str:
    return STATUS_WORDS.get(case.status_code, str(case.status))


def _local(t: Any, fmt: str) -> str:
    return t.astimezone(hours.TZ).strftime(fmt)


#: Where a case's next step happens when the API does not say: one window takes everything (一窗受理).
ONE_WINDOW = N_("综合服务区 综合窗口")


@dataclass(frozen=True)
class NextStep:
    """What the citizen must do next, in plain words: a heading and its lines (both Msg)."""

    title: Msg
    lines: tuple[Msg, ...]


def next_step(case: Any) -> NextStep | None:
    """The next step from the case's facts (its status, 补正, delivery, rejection); None without a case.
    Each line is a whole sentence: the screen shows and the slip prints the same lines."""
    if case is None:
        return None
    code, d = case.status_code, case.delivery
    if code == "CORRECTION":
        corr = getattr(case, "correction", None)
        if corr is None:
            return NextStep(Msg(N_("需要补充材料")), (Msg(N_("请到{place}询问需要补充的材料。"), place=Msg(ONE_WINDOW)),))
        lines = [Msg(N_("请带上：{item}"), item=m) for m in corr.materials]
        lines.append(Msg(N_("送到：{place}"), place=corr.place or Msg(ONE_WINDOW)))
        if corr.deadline is not None:
            lines.append(Msg(N_("请在 {date} 前送到，逾期需重新申请。"), date=corr.deadline.isoformat()))
        return NextStep(Msg(N_("需要补充材料")), tuple(lines))
    if code == "REJECTED":
        rej = getattr(case, "rejection", None)
        reason = rej.reason if rej is not None else (case.steps[-1].note if case.steps else "")
        lines = [Msg(N_("原因：{reason}"), reason=reason)] if reason else []
        lines.append(Msg(N_("有疑问请咨询：{contact}"), contact=rej.contact if rej is not None else Msg(ONE_WINDOW)))
        return NextStep(Msg(N_("不予受理")), tuple(lines))
    if d is not None and d.method == "邮寄" and d.tracking_no and code in ("DECISION", "COMPLETED"):
        return NextStep(Msg(N_("结果已邮寄，请留意查收")), (
            Msg(N_("快递公司：{carrier}"), carrier=d.carrier or ""),
            Msg(N_("运单号：{no}"), no=d.tracking_no),
            Msg(N_("可凭运单号向快递公司查询物流。")),
        ))
    if code == "COMPLETED" and d is not None and d.method == "自取":
        lines = [Msg(N_("领取地点：{place}"), place=d.place or Msg(ONE_WINDOW))]
        if d.hours:
            lines.append(Msg(N_("领取时间：{hours}"), hours=d.hours))
        lines.append(Msg(N_("请带上本人身份证；请他人代领的，代领人带上双方身份证。")))
        return NextStep(Msg(N_("已办结，请来领取结果")), tuple(lines))
    if code == "COMPLETED":
        return NextStep(Msg(N_("已办结")), (Msg(N_("不需要再做什么。有疑问请到{place}咨询。"),
                                                 place=Msg(ONE_WINDOW)),))
    if code == "WITHDRAWN":
        return NextStep(Msg(N_("申请已撤回")), (Msg(N_("如需重新办理，请到{place}。"), place=Msg(ONE_WINDOW)),))
    return NextStep(Msg(N_("正在办理，您不需要做什么")), (Msg(N_("办理有结果或需要补充材料时，会通知您。")),))


def slip_next_step(step: NextStep | None) -> list[str]:
    """The next step as the slip prints it: the heading, then the lines, in Chinese (paper is Chinese)."""
    if step is None:
        return []
    return [render(step.title, PAPER)] + [render(m, PAPER) for m in step.lines]


class Stage(StrEnum):
    START = "start"            # place the card, or choose another way in
    MANUAL_ID = "manual_id"    # a helper types the ID number
    CASE_NO = "case_no"        # the case number
    LAST4 = "last4"            # the last four digits of the phone
    LIST = "list"              # the person's cases (by card or typed ID number)
    DETAIL = "detail"          # one case


class Way(StrEnum):
    CARD = "card"
    TYPED_ID = "typed_id"
    CASE_NO = "case_no"


@dataclass(frozen=True)
class Step:
    """One line of a case's timeline, ready to show."""

    when: str
    status: str                # msgid
    department: str
    note: str
    latest: bool


class CasesFlow(Flow):
    def __init__(self, deps: FlowDeps) -> None:
        super().__init__(deps.runner)
        self.deps = deps
        self.stage = Stage.START
        self.message_level = "info"          # "info" | "error": how the message line looks
        self.note: Msg | None = None         # under the card outline (card taken away, not readable)
        self.cases: list[Any] = []           # kiosk.api.models.Case, the person's list
        self.case: Any = None                # the case on show
        self.from_list = False               # the case was opened from the list (返回 goes there)
        self.way: Way | None = None          # how the results on show were found
        self.id_typed = ""
        self.case_no_typed = ""
        self.last4_typed = ""
        self._holder = ""                    # the card holder's name, masked
        self._id_number = ""                 # the ID number the list is for (a retry asks again)
        self._case_query: tuple[str, str] = ("", "")
        self._seen_failures = 0

    # ------------------------------------------------------------ ways in

    def may_type_id(self) -> bool:
        """A typed ID number lists that person's cases: only a helper, who has checked the person's
        document, may type one (the API trusts the terminal that the holder is present)."""
        return self.deps.staff_mode() == "helper"

    def reader_ok(self) -> bool:
        return bool(self.deps.reader_ok())

    def offers_typed_id(self) -> bool:
        """The keypad for the ID number is offered when the card cannot be read, and only to a helper."""
        return not self.reader_ok() and self.may_type_id()

    def reader_words(self) -> str:
        if self.reader_ok():
            return PLACE_CARD
        return READER_GONE_HELPER if self.may_type_id() else READER_GONE

    def start(self) -> None:
        """Every visit. Back from the print dialog or 好差评 the results stay; a card already on the
        reader (read on another screen) is looked up at once."""
        if self.stage in (Stage.LIST, Stage.DETAIL) and (self.cases or self.case is not None):
            return
        identity = self.deps.session.identity
        if identity is not None:
            self.card_inserted(identity)
            return
        self._drop_pending()
        self.busy = False
        self._to_start()
        self._changed()

    def _to_start(self) -> None:
        self.stage = Stage.START
        # Read failures counted from here on are this person's card.
        self._seen_failures = self.deps.card_read_failures()

    def check_reader(self) -> None:
        """Called now and then while the start stage waits for a card: a read failure counted since
        means a card was there but could not be read. Counted, not compared by text: the next
        citizen's card can fail with the very same words."""
        failures = self.deps.card_read_failures()
        if failures != self._seen_failures and self.reader_ok():
            self.note = Msg(PLACE_AGAIN)
            self._changed()
        self._seen_failures = failures

    # ------------------------------------------------------------ by card

    def card_inserted(self, card: Any) -> None:
        self.way = Way.CARD
        self._holder = mask_name(getattr(card, "name", "") or "")
        self.note = None
        self._lookup_id(normalize_id_number(card.id_number))

    def card_removed(self) -> None:
        """What the card found leaves with it, whatever screen is on show. A second call (the app and
        the service both tell) finds nothing left to do."""
        if self.way != Way.CARD:
            return
        self.deps.session.clear_identity()
        self._clear_results()
        self._to_start()
        self.note = Msg(CARD_TAKEN)
        self._changed()

    # ------------------------------------------------------------ by typed ID number (helpers)

    def open_manual_id(self) -> None:
        if not self.may_type_id():
            self._say(HELPER_ONLY)
            self.message_level = "error"
            self._changed()
            return
        self._drop_pending()
        self.busy = False
        self.id_typed = ""
        self._say()
        self.stage = Stage.MANUAL_ID
        self._changed()

    def type_id(self, value: str) -> None:
        n = normalize_id_number(value)
        if n == self.id_typed:
            return
        self.id_typed = n
        if not id_prefix_ok(n) or (len(n) == 18 and not is_valid_id_number(n)):
            self._tell(BAD_ID, "error")
        elif len(n) < 18:
            self._tell(ID_TO_GO if n else "", n=18 - len(n))
        elif not self.may_type_id():
            # The helper left (staff mode ended) while the number was typed.
            self._tell(HELPER_ONLY, "error")
        else:
            self.way = Way.TYPED_ID
            self._holder = ""
            self.deps.session.manual_id_number = n
            self._lookup_id(n)
            return
        self._changed()

    # ------------------------------------------------------------ by case number + phone digits

    def open_case_no(self) -> None:
        self._drop_pending()
        self.busy = False
        self.case_no_typed = self.last4_typed = ""
        self._say()
        self.stage = Stage.CASE_NO
        self._changed()

    def case_no_ok(self) -> bool:
        return is_plausible_case_number(self.case_no_typed)

    def type_case_no(self, value: str) -> None:
        if value == self.case_no_typed:
            return
        self.case_no_typed = value
        if len(value) >= 6 and not self.case_no_ok():
            self._tell(BAD_CASE_NO, "error")
        else:
            self._tell("")
        self._changed()

    def case_no_next(self) -> None:
        if not self.case_no_ok():
            return
        self.last4_typed = ""
        self._say()
        self.stage = Stage.LAST4
        self._changed()

    def type_last4(self, value: str) -> None:
        if value == self.last4_typed:
            return
        self.last4_typed = value
        if len(value) < 4:
            self._tell("")
        elif not (len(value) == 4 and value.isascii() and value.isdigit()):
            self._tell(BAD_LAST4, "error")
        else:
            self._lookup_case(normalize_case_number(self.case_no_typed), value)
            return
        self._changed()

    def last4_display(self) -> str:
        return " ".join(self.last4_typed.ljust(4, "_"))

    # ------------------------------------------------------------ the API (one place per lookup)

    @staticmethod
    def _fetch_by_id(api: Any, id_number: str) -> list[Any]:
        return api.cases_by_id_number(id_number)

    @staticmethod
    def _fetch_by_number(api: Any, case_no: str, last4: str) -> Any:
        return api.case_by_number(case_no, last4)

    def _lookup_id(self, id_number: str) -> None:
        self._id_number = id_number
        self._ask(lambda api: self._fetch_by_id(api, id_number), self._got_cases)

    def _lookup_case(self, case_no: str, last4: str) -> None:
        self._case_query = (case_no, last4)
        self.way = Way.CASE_NO
        self._holder = ""
        self._ask(lambda api: self._fetch_by_number(api, case_no, last4), self._got_case)

    def _ask(self, fetch: Any, on_result: Any) -> None:
        api = self.deps.api()
        if api is None:
            self._drop_pending()
            self.busy = False
            self._tell(NETWORK_DOWN, "error")
            self._changed()
            return
        self.busy = True
        self._tell(LOADING)
        self._call(lambda: fetch(api), on_result, self._failed)
        self._changed()

    def retry(self) -> None:
        if self.busy:
            return
        if self.way in (Way.CARD, Way.TYPED_ID) and self._id_number:
            self._lookup_id(self._id_number)
        elif self.way == Way.CASE_NO and self._case_query[0]:
            self._lookup_case(*self._case_query)

    def _got_cases(self, cases: list[Any]) -> None:
        self.busy = False
        self.cases = list(cases)
        self.case = None
        self._tell("" if self.cases else NO_CASES)
        self.stage = Stage.LIST
        # Spoken in general words only: how many need materials, never what or whose.
        self.deps.announcer.cases_found(len(self.cases),
                                        sum(c.status == CaseStatus.CORRECTION for c in self.cases))
        self._changed()

    def _got_case(self, case: Any) -> None:
        self.busy = False
        self._tell("")
        self.cases = []
        self.open_case(case, from_list=False)

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        log.warning("case query failed: %s", getattr(exc, "detail", type(exc).__name__))
        by_number = self.way == Way.CASE_NO
        if isinstance(exc, NotFound) and by_number:
            self.last4_typed = ""                # type the digits again
            self._tell(NO_CASE_BY_NUMBER, "error")
        elif isinstance(exc, NotFound):
            self.cases = []                      # an answer, not a fault: an empty list
            self.stage = Stage.LIST
            self._tell(NO_CASES)
            self.deps.announcer.cases_found(0, 0)
        else:
            if not by_number:
                self.cases = []                  # the list stage carries the retry button
                self.stage = Stage.LIST
            self._tell(NETWORK_DOWN if isinstance(exc, Unavailable) else FAILED, "error")
        self._changed()

    # ------------------------------------------------------------ the list

    def greeting(self) -> Msg | None:
        if self.way == Way.CARD and self._holder:
            return Msg(N_("您好，{name}"), name=self._holder)
        if self.way in (Way.CARD, Way.TYPED_ID) and self._id_number:
            return Msg(N_("身份证号 {id} 的办件"), id=mask_id_number(self._id_number))
        return None

    def summary(self, case: Any) -> list[Msg]:
        """The lines under a case's name in the list."""
        return [Msg(N_("办件编号 {no}"), no=case.case_no),
                Msg(N_("状态：{status}"), status=Msg(status_words(case))),
                Msg(N_("提交日期：{date}"), date=_local(case.submitted_at, "%Y-%m-%d"))]

    # ------------------------------------------------------------ one case

    def open_case(self, case: Any, from_list: bool) -> None:
        self.case = case
        self.from_list = from_list
        self.stage = Stage.DETAIL
        self._changed()

    def back_to_list(self) -> None:
        self.case = None
        self.stage = Stage.LIST
        self._changed()

    def back(self) -> bool:
        """返回 from a case opened from the person's list shows the list again; False: the app goes
        back to where the citizen came from."""
        if self.stage == Stage.DETAIL and self.from_list:
            self.back_to_list()
            return True
        return False

    def rows(self) -> list[tuple[str, Msg | str]]:
        """(label msgid, value) of the case on show; names and numbers masked."""
        c = self.case
        if c is None:
            return []
        data: list[tuple[str, Msg | str]] = [
            (N_("办件编号"), c.case_no),
            (N_("当前状态"), Msg(status_words(c))),
            (N_("申请人"), mask_name(c.applicant_masked)),
            (N_("证件号码"), mask_id_number(c.applicant_id_masked)),
            (N_("提交时间"), _local(c.submitted_at, "%Y-%m-%d %H:%M")),
        ]
        d = c.delivery
        if d is not None:
            if d.method == "邮寄":
                how = Msg(N_("邮寄：{carrier}，运单号 {no}"), carrier=d.carrier or "", no=d.tracking_no or "")
            else:
                how = Msg(N_("窗口自取：{place}"), place=d.place or Msg(N_("请到综合受理窗口")))
            data.append((N_("领取方式"), how))
        return data

    def timeline(self) -> list[Step]:
        c = self.case
        if c is None:
            return []
        last = len(c.steps) - 1
        return [Step(_local(s.time, "%Y-%m-%d %H:%M"), STEP_WORDS.get(s.status, str(s.status)), s.department,
                     s.note, i == last) for i, s in enumerate(c.steps)]

    def next_step(self) -> NextStep | None:
        return next_step(self.case)

    def offers_licences(self) -> bool:
        """A finished case collected at the window (办结, 自取) may have produced a licence the citizen
        can print here instead (证照打印): offered only for a card read in this session, whose holder
        the licence list is for."""
        c = self.case
        return (c is not None and c.status_code == "COMPLETED" and c.delivery is not None
                and c.delivery.method == "自取" and self.way == Way.CARD)

    def case_url(self) -> str:
        return (getattr(self.case, "url", None) or "") if self.case is not None else ""

    def slip(self) -> dict[str, Any]:
        """The progress slip's data: paper is Chinese, names and ID numbers masked (the API masks them
        already; masking again costs nothing and keeps a changed API from printing them whole)."""
        c = self.case
        return {
            "case_number": c.case_no,
            "service": c.service_name,
            "status": str(c.status),
            "applicant_name": mask_name(c.applicant_masked),
            "applicant_id": mask_id_number(c.applicant_id_masked),
            "timeline": [(_local(s.time, "%m-%d %H:%M"), f"{s.status} {s.department}") for s in c.steps],
            "next_step": slip_next_step(next_step(c)),
            "url": getattr(c, "url", None),
            "time": _local(self.deps.now(), "%Y-%m-%d %H:%M"),
            "center_name": self.deps.cfg.terminal.center_name,
        }

    def print_slip(self) -> None:
        if self.case is None:
            return
        self.deps.print_slip(templates.case_status_slip(self.slip()), "case", f"case {self.case.case_no}")

    def finish(self) -> None:
        c = self.case
        if c is None:
            return
        # The card may still be on the reader: the session keeps it, this view forgets the case.
        self.reset(keep_identity=self.way == Way.CARD)
        self.deps.finish_transaction(Transaction(kind="case", reference=c.case_no, service_code=c.service_code,
                                                 service_name=c.service_name))

    # ------------------------------------------------------------ session

    def _tell(self, msgid: str, level: str = "info", **values: object) -> None:
        self._say(msgid, **values)
        self.message_level = level

    def _clear_results(self) -> None:
        self._drop_pending()
        self.busy = False
        self.cases = []
        self.case = None
        self.from_list = False
        self.way = None
        self._holder = ""
        self._id_number = ""
        self._case_query = ("", "")
        self.id_typed = self.case_no_typed = self.last4_typed = ""
        self._tell("")

    def reset(self, keep_identity: bool = False) -> None:
        """Forget every case, number and name shown or typed here."""
        super().reset()
        self._clear_results()
        self.note = None
        if not keep_identity:
            self.deps.session.clear_identity()
        self._to_start()
        self._changed()
