"""Payloads of the central government-service API (/v1), shared by the client and the demo server.

These models are the source of the written contract: `python -m kiosk.api.contract` turns them (and the
route table in kiosk/api/contract.py) into docs/api/openapi.yaml. Change a model, regenerate the document.

Models the server sends are lenient about extra fields (a newer server may add some); models the
terminal sends are strict (a typo in a field name is our bug and must fail loudly in tests).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import IntEnum, StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, Strict, field_validator, model_validator

from kiosk.validators import is_valid_id_number

# Patterns of the identifiers, shared by the models, the route parameters (kiosk/api/contract.py) and the
# demo server, so the written contract and the server enforce the same thing. [0-9], not \d: JSON Schema
# (ECMAScript) reads \d as ASCII digits, pydantic's regex engine as any Unicode digit ("١٢٣٤").
TRACKING_NO_PATTERN = r"^FK[0-9]{8}[0-9A-Z]{4}[0-9]{4}$"
_TRACKING_NO = re.compile(TRACKING_NO_PATTERN)
#: GB 11643 shape; the check character and birth date are checked too (kiosk/validators.py), which a
#: pattern cannot say: a wrong one is 422.
ID_NUMBER_PATTERN = r"^[0-9]{17}[0-9X]$"
#: GB 32100 shape (registration-authority and area codes, no I, O, S, V, Z); check character as above.
USCC_PATTERN = r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$"
PHONE_LAST4_PATTERN = r"^[0-9]{4}$"
MOBILE_PATTERN = r"^1[3-9][0-9]{9}$"
#: 办件编号 have no national format (kiosk/validators.py): the shape the terminal lets people type.
CASE_NO_PATTERN = r"^[0-9A-Z_-]{6,64}$"
#: Same rule as terminal.id in kiosk/config.py; it travels in a URL path (heartbeat).
TERMINAL_ID_PATTERN = r"^[A-Za-z0-9_-]{1,32}$"
#: Ids of service items, help requests and the like: one URL path segment.
KEY_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"

TerminalId = Annotated[str, Field(pattern=TERMINAL_ID_PATTERN)]
# What the terminal sends is read strictly by the server: pydantic's lax mode would take true for 1.0,
# "3" for 3 and 1700000000 for a time, which the contract (JSON Schema types) says are invalid.
SFloat = Annotated[float, Strict()]  # an int is still a valid float, as in JSON Schema's "number"


def _json_integer(v: object) -> object:
    # JSON Schema's "integer" is a number with no fraction: 4.0 is one, true and "4" are not.
    if isinstance(v, bool) or not isinstance(v, int | float):
        raise ValueError("must be a JSON integer")
    return v


SInt = Annotated[int, BeforeValidator(_json_integer)]


def _time_as_text(v: object) -> object:
    if isinstance(v, str | datetime):
        return v
    raise ValueError("a date-time must be an ISO 8601 string")


Stamp = Annotated[datetime, BeforeValidator(_time_as_text)]
ServiceCode = Annotated[str, Field(pattern=KEY_PATTERN)]


class _In(BaseModel):
    """Sent by the server: tolerate fields we do not know yet."""

    # Built on first use, not at import: a terminal at rest uses a handful of the ~40 models (about
    # 10 MB and 80 ms of start-up for the rest).
    model_config = ConfigDict(extra="ignore", defer_build=True)


class _Out(BaseModel):
    """Sent by the terminal: unknown fields are a bug."""

    model_config = ConfigDict(extra="forbid", defer_build=True)


# ---- errors -----------------------------------------------------------------------------------------


class Problem(_In):
    """RFC 9457 problem details (media type application/problem+json)."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None


# ---- health -----------------------------------------------------------------------------------------


class Health(_In):
    status: Literal["ok", "degraded"]
    version: str
    time: datetime


# ---- service catalog (事项) -------------------------------------------------------------------------


class MaterialForm(StrEnum):
    ORIGINAL = "原件"
    COPY = "复印件"
    ORIGINAL_AND_COPY = "原件及复印件"
    ELECTRONIC = "电子材料"


class Material(_In):
    name: str
    form: MaterialForm
    copies: int = Field(ge=0, description="Number of copies (份); 0 = shown only, not kept")
    notes: str = ""


class ServiceItem(_In):
    """One 政务服务事项 handled at the center."""

    id: str = Field(description="Stable id used in URLs (same as code)")
    code: str = Field(description="事项编码")
    name: str
    name_en: str
    category: str = Field(description="Category shown on the guide, e.g. 市场监管")
    department: str = Field(description="The department that approves it, behind the front desk")
    window: str = Field(description="Where it is taken: the one 综合窗口 of the 综合服务区 (一窗受理)")
    legal_days: int = Field(ge=0, description="法定办结时限 (working days); 0 = 即办")
    promised_days: int = Field(ge=0, description="承诺办结时限 (working days); 0 = 即办")
    fee: str = Field(description="收费标准; '不收费' when free")
    conditions: list[str]
    materials: list[Material]
    online_url: str | None = None
    pinyin_initials: str = Field(pattern=r"^[A-Z0-9]*$")
    delegable: bool = Field(default=False, description="The center's 帮代办 team can handle it for the applicant")
    popular: int | None = Field(default=None, ge=1, description="Rank among the most common items "
                                "(1 = most common); null for the others. The ticket screen offers these.")


# ---- cases (办件) ----------------------------------------------------------------------------------


class _IdNumberBody(_Out):
    """A body that carries an ID number: it travels in a body, never in a URL (URLs end up in proxy,
    server and library logs)."""

    id_number: str = Field(pattern=ID_NUMBER_PATTERN, description="GB 11643, check character upper-case X",
                           examples=["37010419900307751X"])  # synthetic: the demo server's 王建国

    @field_validator("id_number")
    @classmethod
    def _check_character(cls, v: str) -> str:
        if not is_valid_id_number(v):
            raise ValueError("not a valid ID number (check character or birth date)")
        return v


class CaseSearch(_IdNumberBody):
    """Body of POST /v1/case-search: the ID number travels in a body, never in a URL (URLs end up in
    proxy, server and library logs)."""


class CaseStatus(StrEnum):
    SUBMITTED = "已提交"
    ACCEPTED = "受理"
    CORRECTION = "补正"
    REVIEW = "审查"
    DECISION = "决定"
    COMPLETED = "办结"
    REJECTED = "不予受理"
    WITHDRAWN = "撤回"


#: Stable machine codes of CaseStatus, for UI logic and translations.
CASE_STATUS_CODES: dict[CaseStatus, str] = {
    CaseStatus.SUBMITTED: "SUBMITTED",
    CaseStatus.ACCEPTED: "ACCEPTED",
    CaseStatus.CORRECTION: "CORRECTION",
    CaseStatus.REVIEW: "REVIEW",
    CaseStatus.DECISION: "DECISION",
    CaseStatus.COMPLETED: "COMPLETED",
    CaseStatus.REJECTED: "REJECTED",
    CaseStatus.WITHDRAWN: "WITHDRAWN",
}


class CaseStep(_In):
    time: datetime
    status: CaseStatus
    department: str
    note: str = ""


class Delivery(_In):
    method: Literal["自取", "邮寄"]
    place: str | None = Field(default=None, description="Where to collect, for 自取")
    hours: str | None = Field(default=None, description="When to collect, for 自取 (e.g. 工作日 9:00-17:00)")
    carrier: str | None = None
    tracking_no: str | None = Field(default=None, description="Postal tracking number for 邮寄")


class Correction(_In):
    """What a case in 补正 still needs: the citizen's next step."""

    materials: list[str] = Field(description="Materials to bring, as the department words them")
    place: str = Field(description="Where to bring them")
    deadline: date | None = Field(default=None, description="Last day to bring them, when the department set one")


class Rejection(_In):
    """Why a case was 不予受理, and whom to ask about it."""

    reason: str
    contact: str = Field(description="Who answers questions about the decision (a desk, a phone)")


class Case(_In):
    case_no: str
    service_code: str
    service_name: str
    applicant_masked: str = Field(description="Masked name, e.g. 王*")
    applicant_id_masked: str = Field(description="Masked ID number, e.g. 3701**********751X")
    submitted_at: datetime
    status: CaseStatus
    status_code: str
    steps: list[CaseStep]
    delivery: Delivery | None = None
    url: str | None = Field(default=None, description="The case's page on the online service portal")
    correction: Correction | None = Field(default=None, description="Set while the case is in 补正")
    rejection: Rejection | None = Field(default=None, description="Set when the case is 不予受理")


# ---- enterprises --------------------------------------------------------------------------------


class Enterprise(_In):
    uscc: str
    name: str
    type: str
    legal_representative: str
    registered_capital: str
    established: date
    status: Literal["存续", "在业", "注销", "吊销", "迁出", "停业"]
    address: str
    business_scope: str
    registration_authority: str


#: Bounds of a search by name: a few characters of a name the citizen writes, a few answers to tap.
ENTERPRISE_NAME_QUERY_MAX = 50
ENTERPRISE_MATCHES_MAX = 10


class EnterpriseMatch(_In):
    """One answer of a search by name: enough to pick the right one (the card comes by its USCC).
    No person's name: the legal representative is on the card only, masked there."""

    uscc: str
    name: str
    type: str
    status: Literal["存续", "在业", "注销", "吊销", "迁出", "停业"]


# ---- tickets -------------------------------------------------------------------------------------


class TicketCreate(_Out):
    """One queue for the one window: a ticket names an item only so staff can prepare."""

    service_code: ServiceCode | None = Field(default=None, examples=["370104-SCJG-001"],
                                             description="The item the citizen came for; null: a general ticket")
    priority: Annotated[bool, Strict()] = Field(default=False, description="绿色通道: elderly, disabled or "
                                                "pregnant; called before the general tickets")
    terminal_id: TerminalId


class Ticket(_In):
    number: str = Field(description="Prefix + 3 digits from the center's one daily sequence (Asia/Shanghai "
                        "day): A for general tickets, V for 绿色通道, e.g. A023, V024")
    service_code: str | None = Field(default=None, description="null: a general ticket (no item chosen)")
    service_name: str | None = None
    priority: bool = Field(default=False, description="绿色通道 ticket")
    waiting: int = Field(ge=0, description="People called before this ticket")
    wait_area: str = Field(description="Where to wait for the call, e.g. 综合服务区")
    window: str = Field(description="Where the ticket is served, e.g. 综合窗口")
    delegable: bool = Field(default=False, description="The item can be handled by the 帮代办 team")
    status_url: str | None = Field(default=None, description="Web page that follows the queue (a QR on the slip)")
    issued_at: datetime


# ---- feedback (诉求反馈) ---------------------------------------------------------------------------


class FeedbackCreate(_Out):
    """An enterprise's 诉求. tracking_no is generated by the terminal at enqueue time (see outbox.py),
    so the citizen gets it on the receipt at once even when offline; the server accepts it as the key
    of the record (a second POST with the same tracking_no returns the same record)."""

    tracking_no: str | None = Field(default=None, pattern=TRACKING_NO_PATTERN)
    category: str = Field(min_length=1, max_length=40)
    content: str = Field(min_length=1, max_length=2000)
    enterprise_uscc: str | None = Field(default=None, pattern=USCC_PATTERN)
    enterprise_name: str | None = Field(default=None, max_length=100)
    contact_name: str | None = Field(default=None, max_length=40)
    phone: str | None = Field(default=None, pattern=MOBILE_PATTERN)
    terminal_id: TerminalId


class FeedbackReceipt(_In):
    tracking_no: str
    status: str
    submitted_at: datetime


class FeedbackStatus(_In):
    tracking_no: str
    status: Literal["已受理", "办理中", "已回复"]
    submitted_at: datetime
    department: str | None = None
    reply: str | None = None
    replied_at: datetime | None = None


# ---- 好差评 ---------------------------------------------------------------------------------------


class EvaluationLevel(IntEnum):
    VERY_DISSATISFIED = 1  # 非常不满意
    DISSATISFIED = 2  # 不满意
    BASIC = 3  # 基本满意
    SATISFIED = 4  # 满意
    VERY_SATISFIED = 5  # 非常满意


EVALUATION_LABELS = {1: "非常不满意", 2: "不满意", 3: "基本满意", 4: "满意", 5: "非常满意"}


class EvaluationCreate(_Out):
    # The two rules of the validator below, said in JSON Schema too, so a generated request knows them.
    model_config = ConfigDict(extra="forbid", defer_build=True, json_schema_extra={"allOf": [
        {"if": {"properties": {"level": {"maximum": 2}}, "required": ["level"]},
         "then": {"properties": {"reasons": {"minItems": 1}}, "required": ["reasons"]}},
        {"anyOf": [{"properties": {"case_no": {"type": "string"}}, "required": ["case_no"]},
                   {"properties": {"transaction_id": {"type": "string"}}, "required": ["transaction_id"]}]},
    ]})

    level: SInt = Field(ge=1, le=5, description="1 非常不满意 … 5 非常满意; 1 and 2 are 差评")
    reasons: list[Annotated[str, Field(min_length=1, max_length=40)]] = Field(default_factory=list, max_length=10)
    comment: str = Field(default="", max_length=500)
    phone: str | None = Field(default=None, pattern=MOBILE_PATTERN)
    case_no: str | None = Field(default=None, pattern=CASE_NO_PATTERN)
    transaction_id: str | None = Field(default=None, min_length=1, max_length=64)
    service_code: ServiceCode | None = None
    channel: Literal["自助终端"] = "自助终端"
    terminal_id: TerminalId

    @model_validator(mode="after")
    def _bad_needs_reason(self) -> EvaluationCreate:
        # GB/T 39734: a 差评 must say what was wrong, so it can be verified and rectified.
        if self.level <= 2 and not self.reasons:
            raise ValueError("a 差评 (level 1 or 2) needs at least one reason")
        if not (self.case_no or self.transaction_id):
            raise ValueError("case_no or transaction_id is required (一次一评)")
        return self


class EvaluationReceipt(_In):
    id: str
    received_at: datetime


# ---- 帮办 ------------------------------------------------------------------------------------------


class HelpRequestCreate(_Out):
    terminal_id: TerminalId
    reason: str = Field(default="", max_length=200)
    screen: str = Field(default="", max_length=60, description="Screen the citizen was on")
    service_code: ServiceCode | None = None


class HelpRequest(_In):
    id: str
    terminal_id: str
    reason: str
    screen: str
    service_code: str | None = None
    status: Literal["waiting", "handled"]
    created_at: datetime
    handled_at: datetime | None = None


# ---- heartbeat -----------------------------------------------------------------------------------


class DeviceState(_In):
    name: str
    state: Literal["ok", "warning", "error", "offline", "unknown"]
    detail: str = ""


class Heartbeat(_Out):
    app_version: str = Field(min_length=1, max_length=64)
    uptime_s: SFloat = Field(ge=0)
    memory_mb: SFloat | None = None
    devices: list[DeviceState] = Field(default_factory=list, max_length=20)
    outbox_depth: SInt = Field(default=0, ge=0)
    network: str = Field(default="", max_length=200)
    sent_at: Stamp
    cpu_percent: SFloat | None = None
    disk_free_mb: SFloat | None = None
    last_error: str | None = Field(default=None, max_length=500)
    # The center must be able to tell a demo from a terminal that serves citizens.
    demo: Annotated[bool, Strict()] = False


class HeartbeatAck(_In):
    terminal_id: str
    received_at: datetime


# ---- terminal security events ----------------------------------------------------------------------


class SecurityEventCreate(_Out):
    """Something the center's security staff must know about a terminal, sent through the outbox."""

    kind: Literal["pin_lockout"] = Field(description="pin_lockout: the staff PIN pad locked itself after "
                                         "too many wrong PINs")
    role: Literal["helper", "technician"] = Field(description="Role the last wrong PIN was entered for")
    failures: SInt = Field(ge=1, le=1_000_000, description="Wrong PINs in a row since the last right one")
    locked_until: Stamp
    at: Stamp = Field(description="When the lockout began")


class SecurityEventAck(_In):
    id: str
    terminal_id: str
    received_at: datetime


# ---- policies and jobs ---------------------------------------------------------------------------


class Policy(_In):
    id: str
    title: str
    department: str
    summary: str
    published: date
    tags: list[str]
    url: str | None = None
    eligibility: list[str] = Field(default_factory=list, description="Who qualifies (申请条件)")
    amount: str | None = Field(default=None, description="How much (补贴标准), as the department words it")
    materials: list[str] = Field(default_factory=list, description="What to bring (申请材料)")
    service_code: str | None = Field(default=None, description="The service item (事项编码) that handles "
                                     "the application: links to its guide and to 取号")


class JobPost(_In):
    id: str
    title: str
    employer: str
    salary: str
    location: str
    headcount: int = Field(ge=1)
    requirements: str
    contact: str = Field(description="The employer's public recruiting number (a company's, not a person's: "
                         "shown whole)")
    posted: date
    district: str | None = Field(default=None, description="区县 of the workplace, e.g. 槐荫区")
    type: str | None = Field(default=None, description="全职 / 兼职 / 公益性岗位 …")


# ---- the center's status (home screen) ---------------------------------------------------------

#: A wall-clock time of day, Asia/Shanghai, 24-hour "HH:MM".
CLOCK_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"


def _day_as_text(v: object) -> object:
    # pydantic's lax mode would take a number of seconds for a date; the contract says an ISO string.
    if isinstance(v, str | date):
        return v
    raise ValueError("a date must be an ISO 8601 string")


Day = Annotated[date, BeforeValidator(_day_as_text)]


class OpeningPeriod(_In):
    start: str = Field(pattern=CLOCK_PATTERN, description="HH:MM Asia/Shanghai, the first minute open")
    end: str = Field(pattern=CLOCK_PATTERN, description="HH:MM Asia/Shanghai, the first minute closed")


class Notice(_In):
    """A notice of the center for the home screen (an event such as the next 政银企对接会)."""

    id: str = Field(pattern=KEY_PATTERN)
    title: str = Field(min_length=1, max_length=100)
    date: Day = Field(description="The day it is about (an event) or was published")
    body: str | None = Field(default=None, max_length=1000)


class CenterStatus(_In):
    """What the home screen says about the center right now. Every value the center has not given is
    null (the terminal then says nothing about it: it never guesses hours, a phone number or an
    address)."""

    phone: str | None = Field(default=None, max_length=40, description="咨询电话")
    address: str | None = Field(default=None, max_length=200)
    hours_today: list[OpeningPeriod] | None = Field(
        default=None, max_length=6,
        description="Today's opening periods (holidays and 调休 days included); [] = closed today")
    issuing_now: Annotated[bool, Strict()] | None = Field(default=None, description="Queue tickets are "
                                                          "being issued at this moment")
    waiting: SInt | None = Field(default=None, ge=0, description="People waiting in the queue")
    notices: list[Notice] = Field(default_factory=list, max_length=20)


def is_tracking_no(s: str) -> bool:
    return bool(_TRACKING_NO.match(s))


# ---- 证照打印 (licences) --------------------------------------------------------------------------
# Kept in one block of their own: the licence routes are an addition to the contract, not a change.

#: A masked ID number as the API and the terminal show it (kiosk.privacy.mask_id_number): the first
#: four and the last four characters, ten stars between.
MASKED_ID_PATTERN = r"^[0-9]{4}\*{10}[0-9]{3}[0-9X]$"


class PrintPolicy(StrEnum):
    """Whether the terminal may print a licence itself."""

    ALLOWED = "allowed"            # as often as wanted
    ONCE = "once"                  # one self-printed copy; the next one at the window
    WINDOW_ONLY = "window_only"    # listed, printed only at the 综合窗口 (a card, a licence with a seal)


class LicenceSearch(_IdNumberBody):
    """Body of POST /v1/licence-search: like the case search, the ID number travels only in a body."""


class Licence(_In):
    """One licence or certificate (证照) issued to a person or to a business, as a list shows it."""

    id: str = Field(pattern=KEY_PATTERN, description="Stable id, used in the URL of its PDF")
    name: str = Field(description="What it is, e.g. 营业执照（副本）, 食品经营许可证, 就业创业证")
    number: str = Field(description="证照编号 as it may be shown: masked where it is personal (a number "
                        "derived from an ID number), whole where it is public (a USCC)")
    holder: str = Field(description="The holder: a person's name masked (王**), a business's name whole")
    holder_kind: Literal["person", "business"]
    issuer: str = Field(description="The issuing authority, e.g. 济南市槐荫区行政审批服务局")
    issued_on: date
    valid_until: date | None = Field(default=None, description="null: 长期 (no end date)")
    print_policy: PrintPolicy
    printed_count: int = Field(ge=0, description="Copies printed on self-service terminals so far")
    pages: int = Field(default=1, ge=1, le=20, description="Pages of its PDF")
    verify_url: str | None = Field(default=None, description="The issuer's verification page (the QR on the page)")
    case_no: str | None = Field(default=None, description="The case (办件) that produced it, when known")


class LicencePrintCreate(_Out):
    """A licence printed (or failed to print) on a terminal, sent through the outbox, so the center can
    answer "was this printed here?". Who is said masked, never whole."""

    licence_id: str = Field(pattern=KEY_PATTERN)
    licence_name: str = Field(min_length=1, max_length=60)
    holder_masked: str = Field(min_length=1, max_length=100, description="The holder as the list showed it "
                               "(a person's name masked, a business's name)")
    holder_id_masked: str | None = Field(default=None, pattern=MASKED_ID_PATTERN,
                                         description="The masked ID number of the person whose card was read")
    uscc: str | None = Field(default=None, pattern=USCC_PATTERN, description="The business, for an agent "
                             "a helper checked (帮办模式)")
    via: Literal["card", "helper"] = Field(description="card: the holder's ID card was read at the terminal; "
                                           "helper: a helper checked an enterprise's authorised agent")
    outcome: Literal["printed", "failed"]
    job_id: SInt = Field(default=0, ge=0, description="The CUPS job id on the terminal; 0: no job was made")
    pages: SInt = Field(ge=1, le=20)
    reprint: Annotated[bool, Strict()] = Field(default=False, description="A helper printed a failed job again")
    detail: str = Field(default="", max_length=200, description="Why it failed (a stable code such as a4.job_failed)")
    terminal_id: TerminalId
    at: Stamp = Field(description="When the job ended")


class LicencePrintReceipt(_In):
    id: str
    licence_id: str
    printed_count: int = Field(ge=0)
    received_at: datetime
