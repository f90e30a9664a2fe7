"""证照打印: a citizen (or an enterprise's agent with a helper) prints a licence on the terminal's A4
printer.

Who: the licences are listed for the ID card read in this session (the person's own, and the
个体工商户 they run), or for a USCC a helper typed in 帮办模式 after checking an enterprise's authorised
agent. Nobody else's are ever shown, and everything is wiped with the session or when the card leaves.

What: the list (name, number masked where personal, issuer, dates, whether it can be printed here),
a preview of the page, then the print: the A4 printer's state is asked BEFORE the citizen chooses (a
printer out of paper is said at once, in plain words, with 呼叫帮办; a terminal without one says where
licences are printed instead); the page gets the 自助打印 mark (terminal id, time), the job is followed
to its end; a printed licence gives a slip and a record through the outbox; a failed one gives words
on screen, a record, and a helper can print it again.

Rules: window-only licences are listed but not printed here; a once-only licence printed already is
refused. The request body of the record is a pydantic model, validated here before anything prints.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pydantic import ValidationError

from drivers.a4 import A4Error, A4NotReady
from kiosk import hours
from kiosk.a4 import reason_keyword, reason_words
from kiosk.api.errors import NotFound, Unavailable
from kiosk.api.models import LicencePrintCreate, PrintPolicy
from kiosk.error_words import error_words
from kiosk.flows.base import Flow
from kiosk.flows.deps import FlowDeps
from kiosk.flows.enterprise import USCC_LEN, grouped, shape_problem
from kiosk.i18n import N_, Msg
from kiosk.licence_pages import marked_pdf, preview_pngs
from kiosk.privacy import mask_id_number, mask_name
from kiosk.receipts import templates
from kiosk.session import Transaction
from kiosk.validators import is_valid_id_number, is_valid_uscc, normalize_id_number, normalize_uscc

log = logging.getLogger(__name__)

#: How long a job may take from submission to its end when the config does not say ([a4] job_timeout).
JOB_TIMEOUT_S = 180.0
#: Where licences are printed when this terminal cannot (一窗受理: the one window hands out results).
WINDOW = N_("综合服务区 综合窗口")

LOADING = N_("正在查询，请稍候…")
NETWORK_DOWN = N_("网络异常，请稍后再试")
FAILED = N_("查询没有成功，请稍后再试或呼叫帮办")
NONE_FOUND = N_("没有查到可以在这里打印的证照")
PLACE_CARD = N_("请将身份证放在读卡区")
CARD_TAKEN = N_("身份证已取走，证照信息已清除。")
HELPER_ONLY = N_("按统一社会信用代码查询企业证照，需由帮办人员核实代办人身份后操作，请呼叫帮办")
NO_ENTERPRISE = N_("未查询到该企业，请核对代码")
BAD_USCC = N_("统一社会信用代码有误，请核对（第18位是校验码）")
TO_GO = N_("还差 {n} 位")
PREVIEW_LOADING = N_("正在打开证照，请稍候…")
PREVIEW_FAILED = N_("证照文件暂时打不开，请稍后再试，或到{place}打印")
WINDOW_ONLY = N_("此证照只能到{place}打印")
ONCE_ONLY = N_("只能自助打印一次")
ONCE_DONE = N_("此证照只能自助打印一次，已经打印过；如需再打印，请到{place}")
PRINTER_CHECKING = N_("正在检查证照打印机…")
PRINTER_READY = N_("证照打印机正常，可以打印")
NO_PRINTER = N_("本机不能打印证照，请到{place}打印")
PRINTER_DOWN = N_("证照打印机暂时不能使用：{why}。请呼叫帮办，或到{place}打印")
PRINTING = N_("正在打印证照，请稍候，不要离开…")
PRINTED = N_("证照已打印，请从证照打印机取走证照，从凭条口取走凭条")
PRINT_FAILED_NEXT = N_("请不要离开，按“呼叫帮办”，工作人员可以为您重新打印")
REPRINT_HELPER_ONLY = N_("重新打印需由帮办人员操作，请呼叫帮办")
RECORD_REFUSED = N_("打印记录有误，本次不能打印，请呼叫帮办")

#: Reasons that stop a job (the same set A4Status.ready reads): said before the warnings.
_BLOCKING = ("media-empty", "media-needed", "media-jam", "offline", "paused", "door-open", "cover-open",
             "toner-empty", "marker-supply-empty", "shutdown", "stopped")
STATE_STOPPED = N_("已暂停")
NOT_ACCEPTING = N_("暂停接收打印任务")
OUT_OF_ORDER = N_("暂时不能打印")


class Stage(StrEnum):
    START = "start"          # place the card (a helper may type a USCC instead)
    USCC = "uscc"            # a helper types the business's USCC
    LIST = "list"            # the licences
    PREVIEW = "preview"      # one licence's page
    PRINTING = "printing"    # the job is on its way
    RESULT = "result"        # printed, or not (and what now)


class Way(StrEnum):
    CARD = "card"            # the holder's ID card, read in this session
    HELPER = "helper"        # a helper typed an enterprise's USCC for its authorised agent


class Printer(StrEnum):
    UNKNOWN = "unknown"      # not asked yet
    CHECKING = "checking"
    READY = "ready"
    NOT_READY = "not_ready"
    NONE = "none"            # no A4 printer on this terminal


@dataclass(frozen=True)
class Row:
    """One licence in the list, ready to show."""

    licence: Any             # kiosk.api.models.Licence
    lines: tuple[Msg, ...]   # number, issuer, dates
    blocked: Msg | None      # why it cannot be printed here; None: it can
    highlight: bool          # the licence of the case the citizen came from


@dataclass
class _Job:
    """A print being made or made: what a helper's reprint sends again."""

    licence: Any
    pdf: bytes               # the marked pages
    job_id: int = 0
    reprint: bool = False
    when: Any = None         # the time in the mark (the slip says the same)


def forget_printed(a4: Any, job_id: int) -> None:
    """A licence carries a person's name, numbers and address: once CUPS says it printed, its document
    leaves the spool (CUPS would keep it a day for reprints). A failed job keeps it, for the helper's
    reprint. Not removing it is the technician's to know, not the citizen's: the licence did print."""
    try:
        a4.forget(job_id)
    except A4Error as exc:
        log.warning("licence job %d printed, but its document could not be removed from CUPS: %s %s",
                    job_id, exc.code, getattr(exc, "detail", exc))


def status_words(status: Any) -> Msg | None:
    """None when the printer can print; else why not, in plain words (kiosk.a4's words for CUPS)."""
    if status.ready:
        return None
    reasons = sorted(status.reasons, key=lambda r: reason_keyword(r) not in _BLOCKING)
    if reasons:
        return reason_words(reasons[0])
    if status.state == "stopped":
        return Msg(STATE_STOPPED)
    if not status.accepting:
        return Msg(NOT_ACCEPTING)
    return Msg(OUT_OF_ORDER)


def _date(d: Any) -> str:
    return d.isoformat() if d is not None else ""


class LicencesFlow(Flow):
    def __init__(self, deps: FlowDeps) -> None:
        super().__init__(deps.runner)
        self.deps = deps
        self.stage = Stage.START
        self.way: Way | None = None
        self.message_level = "info"
        self.note: Msg | None = None             # under the card outline (card taken away)
        self.licences: list[Any] = []
        self.licence: Any = None                 # on preview / being printed
        self.preview: list[bytes] = []           # PNG pages of the licence on preview
        self.printer = Printer.UNKNOWN
        self.printer_words: Msg | None = None
        self.result_ok: bool | None = None
        self.result_words: tuple[Msg, ...] = ()
        self.uscc_typed = ""
        self.case_no = ""                        # the finished case the citizen came from (自取)
        self._pdf = b""                          # the licence on preview, as the API sent it
        self._job: _Job | None = None            # the print on its way, or the failed one
        self._id_number = ""
        self._uscc = ""
        self._holder = ""                        # masked
        self._printer_req = 0

    # ------------------------------------------------------------ ways in

    def may_type_uscc(self) -> bool:
        """Only a helper, who has checked the agent's authorisation, may list a business by its USCC."""
        return self.deps.staff_mode() == "helper"

    def start(self, case_no: str = "") -> None:
        """Every visit; from a finished case (办结, 自取) its licence is marked in the list. Results of
        this session stay; a card already read is looked up at once."""
        if case_no:
            self.case_no = case_no
        if self.stage != Stage.START and self.stage != Stage.USCC and (self.licences or self.busy):
            self._changed()
            return
        identity = self.deps.session.identity
        if identity is not None:
            self.card_inserted(identity)
            return
        self._drop_pending()
        self.busy = False
        self.stage = Stage.START
        self._tell(PLACE_CARD)
        self._changed()

    def card_inserted(self, card: Any) -> None:
        id_number = normalize_id_number(getattr(card, "id_number", "") or "")
        if not is_valid_id_number(id_number):
            return
        self._clear_results()
        self.way = Way.CARD
        self.note = None
        self._id_number = id_number
        self._holder = mask_name(getattr(card, "name", "") or "")
        self._lookup(lambda api: api.licences_by_id_number(id_number))

    def card_removed(self) -> None:
        """The list leaves with the card, whatever screen is on show (a job already sent prints on)."""
        if self.way != Way.CARD:
            return
        self.deps.session.clear_identity()
        self._clear_results()
        self.stage = Stage.START
        self.note = Msg(CARD_TAKEN)
        self._changed()

    def open_uscc(self) -> None:
        if not self.may_type_uscc():
            self._tell(HELPER_ONLY, "error")
            self._changed()
            return
        self._drop_pending()
        self.busy = False
        self.uscc_typed = ""
        self._tell("")
        self.stage = Stage.USCC
        self._changed()

    def type_uscc(self, value: str) -> None:
        code = normalize_uscc(value)
        if code == self.uscc_typed:
            return
        self.uscc_typed = code
        problem = shape_problem(code)
        if problem:
            self._tell(problem, "error")
        elif len(code) < USCC_LEN:
            self._tell(TO_GO if code else "", n=USCC_LEN - len(code))
        elif not is_valid_uscc(code):
            self._tell(BAD_USCC, "error")
        elif not self.may_type_uscc():          # the helper left while it was typed
            self._tell(HELPER_ONLY, "error")
        else:
            self._clear_results()
            self.way = Way.HELPER
            self._uscc = code
            self._lookup(lambda api: api.enterprise_licences(code))
            return
        self._changed()

    def uscc_display(self) -> str:
        return grouped(self.uscc_typed)

    # ------------------------------------------------------------ the list

    def _lookup(self, fetch: Any) -> None:
        api = self.deps.api()
        if api is None:
            self._tell(NETWORK_DOWN, "error")
            self.stage = Stage.LIST
            self._changed()
            return
        self.busy = True
        self._tell(LOADING)
        self._call(lambda: fetch(api), self._got, self._lookup_failed)
        self.check_printer()
        self._changed()

    def retry(self) -> None:
        if self.busy:
            return
        if self.way == Way.CARD and self._id_number:
            n = self._id_number
            self._lookup(lambda api: api.licences_by_id_number(n))
        elif self.way == Way.HELPER and self._uscc:
            u = self._uscc
            self._lookup(lambda api: api.enterprise_licences(u))

    def _got(self, licences: list[Any]) -> None:
        self.busy = False
        self.licences = list(licences)
        self.stage = Stage.LIST
        self._tell("" if self.licences else NONE_FOUND)
        self.deps.announcer.licences_found(len(self.licences))
        self._changed()

    def _lookup_failed(self, exc: BaseException) -> None:
        self.busy = False
        log.warning("licence query failed: %s", getattr(exc, "detail", type(exc).__name__))
        if isinstance(exc, NotFound) and self.way == Way.HELPER:
            self.stage = Stage.USCC
            self._tell(NO_ENTERPRISE, "error")
        else:
            self.licences = []
            self.stage = Stage.LIST             # it carries the retry button
            self._tell(NETWORK_DOWN if isinstance(exc, Unavailable) else FAILED, "error")
        self._changed()

    def greeting(self) -> Msg | None:
        if self.way == Way.CARD and self._holder:
            return Msg(N_("您好，{name}，以下是您的证照"), name=self._holder)
        if self.way == Way.HELPER and self._uscc:
            return Msg(N_("统一社会信用代码 {uscc} 的证照"), uscc=self._uscc)
        return None

    def blocked(self, licence: Any) -> Msg | None:
        """Why this licence cannot be printed here (its policy), or None."""
        policy = licence.print_policy
        if policy == PrintPolicy.WINDOW_ONLY:
            return Msg(WINDOW_ONLY, place=Msg(WINDOW))
        if policy == PrintPolicy.ONCE and licence.printed_count >= 1:
            return Msg(ONCE_DONE, place=Msg(WINDOW))
        return None

    def rows(self) -> list[Row]:
        out = []
        for lic in self.licences:
            lines = [Msg(N_("证照编号 {no}"), no=lic.number),
                     Msg(N_("发证机关：{issuer}"), issuer=lic.issuer),
                     Msg(N_("发证日期：{date}"), date=_date(lic.issued_on)),
                     Msg(N_("有效期至：{date}"), date=_date(lic.valid_until)) if lic.valid_until
                     else Msg(N_("有效期：长期"))]
            if lic.print_policy == PrintPolicy.ONCE and lic.printed_count == 0:
                lines.append(Msg(ONCE_ONLY))
            out.append(Row(lic, tuple(lines), self.blocked(lic), bool(self.case_no) and lic.case_no == self.case_no))
        return out

    # ------------------------------------------------------------ the A4 printer

    def check_printer(self) -> None:
        """Asked when the list is asked for, so the citizen knows before choosing. The answer has its
        own guard: it must not drop (or be dropped by) the list's answer."""
        a4 = self.deps.a4()
        self._printer_req += 1
        if a4 is None:
            self.printer = Printer.NONE
            self.printer_words = Msg(NO_PRINTER, place=Msg(WINDOW))
            return
        req = self._printer_req
        self.printer = Printer.CHECKING
        self.printer_words = Msg(PRINTER_CHECKING)

        def got(status: Any) -> None:
            if req == self._printer_req:
                self._printer_state(status_words(status))

        def failed(exc: BaseException) -> None:
            if req == self._printer_req:
                log.warning("A4 printer status: %s", getattr(exc, "detail", type(exc).__name__))
                self._printer_state(Msg(OUT_OF_ORDER))

        self._runner.submit(a4.status, got, failed)

    def _printer_state(self, why: Msg | None) -> None:
        if why is None:
            self.printer = Printer.READY
            self.printer_words = Msg(PRINTER_READY)
        else:
            self.printer = Printer.NOT_READY
            self.printer_words = Msg(PRINTER_DOWN, why=why, place=Msg(WINDOW))
            self.deps.announcer.licence_printer_down()
        self._changed()

    def can_print(self) -> bool:
        return (self.stage == Stage.PREVIEW and not self.busy and self.licence is not None
                and self.blocked(self.licence) is None and self.printer == Printer.READY and bool(self._pdf))

    # ------------------------------------------------------------ preview

    def open_preview(self, licence: Any) -> None:
        """The page as an image. A licence that cannot be printed here is not fetched: its row says why."""
        reason = self.blocked(licence)
        if reason is not None:
            self.message, self.message_level = reason, "error"
            self._changed()
            return
        api = self.deps.api()
        if api is None:
            self._tell(NETWORK_DOWN, "error")
            self._changed()
            return
        self.licence = licence
        self.preview, self._pdf = [], b""
        self.busy = True
        self._tell(PREVIEW_LOADING)
        lid = licence.id

        def fetch() -> tuple[bytes, list[bytes]]:
            pdf = api.licence_pdf(lid)
            return pdf, preview_pngs(pdf)

        self._call(fetch, self._got_preview, self._preview_failed)
        self._changed()

    def _got_preview(self, answer: tuple[bytes, list[bytes]]) -> None:
        self.busy = False
        self._pdf, self.preview = answer
        self.stage = Stage.PREVIEW
        self._tell("")
        if self.printer in (Printer.UNKNOWN, Printer.NOT_READY):
            self.check_printer()                 # it may have been fixed meanwhile
        self._changed()

    def _preview_failed(self, exc: BaseException) -> None:
        self.busy = False
        self.licence = None
        log.warning("licence PDF: %s", getattr(exc, "detail", type(exc).__name__))
        self._tell(PREVIEW_FAILED, "error", place=Msg(WINDOW))
        self._changed()

    # ------------------------------------------------------------ print

    def record(self, job: _Job, outcome: str, detail: str = "") -> LicencePrintCreate:
        """The outbox record of a print: who masked, which licence, which terminal. Raises
        ValidationError (before anything prints, for the first one)."""
        lic = job.licence
        return LicencePrintCreate(
            licence_id=lic.id, licence_name=lic.name[:60], holder_masked=lic.holder[:100],
            holder_id_masked=mask_id_number(self._id_number) if self.way == Way.CARD else None,
            uscc=self._uscc if self.way == Way.HELPER else None,
            via="card" if self.way == Way.CARD else "helper", outcome=outcome, job_id=job.job_id,
            pages=max(1, min(20, len(self.preview) or lic.pages)), reprint=job.reprint, detail=detail[:200],
            terminal_id=self.deps.cfg.terminal.id, at=self.deps.now())

    def print_licence(self) -> None:
        if not self.can_print():
            if self.printer != Printer.READY and self.printer_words is not None:
                self.message, self.message_level = self.printer_words, "error"
                self._changed()
            return
        a4 = self.deps.a4()
        if a4 is None:
            self.check_printer()
            self._changed()
            return
        job = _Job(self.licence, b"")
        try:
            self.record(job, "printed")          # the record must be sendable before anything prints
        except ValidationError as e:
            log.error("licence print record refused: %s", e.errors(include_input=False))
            self._tell(RECORD_REFUSED, "error")
            self._changed()
            return
        self._job = job
        pdf, terminal, when = self._pdf, self.deps.cfg.terminal.id, self.deps.now().astimezone(hours.TZ)
        job.when = when
        title = f"licence-{job.licence.id}"      # no name or number: CUPS keeps job titles in its logs

        def send() -> int:
            status = a4.status()                 # asked again: it may have changed since the list
            why = status_words(status)
            if why is not None:
                raise A4NotReady(f"{status.state} {','.join(status.reasons)}")
            job.pdf = marked_pdf(pdf, terminal, when)
            return a4.submit(job.pdf, title)

        self._send(a4, send)

    def _send(self, a4: Any, send: Any) -> None:
        self.stage = Stage.PRINTING
        self.busy = True
        self.result_ok = None
        self._tell(PRINTING)
        self.deps.announcer.licence_printing()
        self._call(send, lambda job_id: self._follow(a4, job_id), self._print_failed)
        self._changed()

    def _follow(self, a4: Any, job_id: int) -> None:
        job = self._job
        if job is not None:
            job.job_id = job_id
        log.info("licence job %d sent", job_id)
        timeout = float(getattr(getattr(self.deps.cfg, "a4", None), "job_timeout", JOB_TIMEOUT_S))

        def printed_then_forgotten() -> Any:
            done = a4.wait(job_id, timeout)
            forget_printed(a4, job_id)
            return done

        self._call(printed_then_forgotten, self._printed, self._print_failed)

    def _printed(self, _job: Any) -> None:
        job = self._job
        self.busy = False
        self.stage = Stage.RESULT
        self.result_ok = True
        self.result_words = (Msg(PRINTED),)
        self._tell("")
        if job is not None:
            lic = job.licence
            # Counted here too: a once-only licence is refused again at once, not after the next list.
            self.licences = [x.model_copy(update={"printed_count": x.printed_count + 1}) if x.id == lic.id else x
                             for x in self.licences]
            self._store(job, "printed")
            self.deps.print_slip(templates.licence_print_slip(self.slip(job)), "licence", f"licence {lic.id}")
            self._job = None
        self.deps.announcer.licence_printed()
        self._changed()

    def _print_failed(self, exc: BaseException) -> None:
        job = self._job
        self.busy = False
        self.stage = Stage.RESULT
        self.result_ok = False
        seen = getattr(exc, "job", None)              # A4JobFailed: the job as last seen
        if job is not None and seen is not None and not job.job_id:
            job.job_id = seen.job_id
        code = getattr(exc, "code", type(exc).__name__)
        log.warning("licence print failed: %s %s", code, getattr(exc, "detail", ""))
        self.result_words = (error_words(exc), Msg(PRINT_FAILED_NEXT))
        self._tell("")
        if job is not None:
            self._store(job, "failed", str(code))
        self.deps.announcer.licence_print_failed()
        self.check_printer()                     # what the list says next must be true
        self._changed()

    def may_reprint(self) -> bool:
        return self.result_ok is False and self._job is not None and self.deps.staff_mode() == "helper"

    def reprint(self) -> None:
        """A helper prints the failed licence again (after fixing the printer). A job CUPS has is
        restarted from the document it kept (the same job: a held one cannot print twice later);
        one that never reached CUPS is sent again."""
        job = self._job
        if job is None or self.result_ok is not False or self.busy:
            return
        if self.deps.staff_mode() != "helper":
            self._tell(REPRINT_HELPER_ONLY, "error")
            self._changed()
            return
        a4 = self.deps.a4()
        if a4 is None:
            return
        again = _Job(job.licence, job.pdf, job_id=job.job_id, reprint=True, when=job.when)
        self._job = again
        pdf, terminal = self._pdf, self.deps.cfg.terminal.id
        when = job.when or self.deps.now().astimezone(hours.TZ)
        self.deps.audit("licence reprint", f"{job.licence.id} job {job.job_id}")

        def send() -> int:
            if again.job_id:
                return a4.reprint(again.job_id)
            if not again.pdf:
                again.pdf = marked_pdf(pdf, terminal, when)
            return a4.submit(again.pdf, f"licence-{again.licence.id}")

        self._send(a4, send)

    def _store(self, job: _Job, outcome: str, detail: str = "") -> None:
        """The record goes through the outbox (it arrives late rather than never). Stored off the UI
        thread (SQLite); a record that cannot be stored is logged for the technician."""
        try:
            payload = self.record(job, outcome, detail).model_dump(mode="json", exclude_none=True)
        except ValidationError as e:
            log.error("licence print record refused: %s", e.errors(include_input=False))
            return
        outbox = self.deps.outbox()
        if outbox is None:
            log.error("licence print not recorded: no outbox")
            return
        self._runner.submit(lambda: outbox.enqueue("licence_print", payload), None,
                            lambda e: log.error("licence print not recorded: %s", type(e).__name__))

    def slip(self, job: _Job) -> dict[str, Any]:
        """The slip's data: paper is Chinese; the holder as the list showed it (masked for a person)."""
        lic = job.licence
        return {
            "center_name": self.deps.cfg.terminal.center_name,
            "licence": lic.name,
            "number": lic.number,
            "holder": lic.holder if lic.holder_kind == "business" else mask_name(lic.holder),
            "issuer": lic.issuer,
            "pages": len(self.preview) or lic.pages,
            "terminal_id": self.deps.cfg.terminal.id,
            "time": (job.when or self.deps.now()).astimezone(hours.TZ).strftime("%Y-%m-%d %H:%M"),
            "verify_url": lic.verify_url,
        }

    # ------------------------------------------------------------ moving about

    def back(self) -> bool:
        """返回 goes up one level (preview or result → list, typing a USCC → start); False: the app
        goes back to where the citizen came from."""
        if self.stage in (Stage.PREVIEW, Stage.RESULT) and not self.busy:
            self.back_to_list()
            return True
        if self.stage == Stage.USCC:
            self._drop_pending()
            self.busy = False
            self.stage = Stage.START
            self._tell(PLACE_CARD)
            self._changed()
            return True
        return False

    def back_to_list(self) -> None:
        if self.busy:
            return
        self.licence = None
        self.preview, self._pdf = [], b""
        if self.result_ok is not False:
            self._job = None
        self.result_ok = None
        self.result_words = ()
        self.stage = Stage.LIST
        self._tell("" if self.licences else NONE_FOUND)
        self.check_printer()
        self._changed()

    def finish(self) -> None:
        lic = self.licence
        self.reset(keep_identity=self.way == Way.CARD)
        if lic is not None:
            self.deps.finish_transaction(Transaction(kind="licence", reference=lic.id, service_name=lic.name))

    # ------------------------------------------------------------ session

    def _tell(self, msgid: str, level: str = "info", **values: object) -> None:
        self._say(msgid, **values)
        self.message_level = level

    def _clear_results(self) -> None:
        self._drop_pending()
        self._printer_req += 1
        self.busy = False
        self.way = None
        self.licences = []
        self.licence = None
        self.preview, self._pdf = [], b""
        self._job = None
        self.result_ok = None
        self.result_words = ()
        self.printer = Printer.UNKNOWN
        self.printer_words = None
        self._id_number = self._uscc = self._holder = ""
        self.uscc_typed = ""
        self._tell("")

    def reset(self, keep_identity: bool = False) -> None:
        """Forget every licence, page and number shown or typed here (a job already sent prints on)."""
        super().reset()
        self._clear_results()
        self.note = None
        self.case_no = ""
        if not keep_identity:
            self.deps.session.clear_identity()
        self.stage = Stage.START
        self._changed()
