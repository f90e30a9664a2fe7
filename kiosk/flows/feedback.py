"""诉求反馈 (the economic grid's 一事一记、一事一馈): step by step with big buttons, no typing.

category -> problem type -> preset phrases -> contact phone (keypad) -> enterprise USCC (optional) ->
free text, optional (the citizen writes details and a contact name by hand or 拼音; a 帮办专员 types
them and the enterprise name too) -> review -> submit through the outbox -> done (the tracking
number) -> 好差评.

The body is a `FeedbackCreate`, built and validated here before anything enters the outbox: a body the
contract refuses is said on screen while the citizen is still there, never found as a dead letter
after they left with a tracking number. The tracking number is made at enqueue time (by the outbox's
counter), so the citizen gets it on screen and on the slip at once, even when the network is down.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pydantic import ValidationError

from kiosk import feedback_presets as presets
from kiosk import hours
from kiosk.api.models import FeedbackCreate
from kiosk.flows.base import Flow
from kiosk.flows.deps import FlowDeps
from kiosk.flows.invalid import log_refused, max_length, problems
from kiosk.free_text import FreeTextError, clean_free_text
from kiosk.i18n import N_, Msg
from kiosk.outbox import OutboxError, OutboxUnavailable
from kiosk.privacy import mask_name, mask_phone, mask_text
from kiosk.receipts import templates
from kiosk.session import Transaction
from kiosk.validators import is_valid_mobile, is_valid_uscc

log = logging.getLogger(__name__)

NOT_STORED = N_("抱歉，您的诉求暂时无法保存。您填写的内容仍在屏幕上，请呼叫帮办，工作人员会为您登记。")
REFUSED = N_("抱歉，您填写的内容有误，无法提交。请按“上一步”核对修改，或呼叫帮办。")
#: The contract's refusal of one field, in words for the citizen (anything else: REFUSED).
REFUSED_FIELD = {
    "phone": N_("联系电话有误，无法提交。请按“上一步”回到联系电话重新输入。"),
    "enterprise_uscc": N_("统一社会信用代码有误，无法提交。请按“上一步”核对，没有可以跳过。"),
    "contact_name": N_("联系人姓名有误，无法提交。请按“上一步”修改。"),
    "enterprise_name": N_("企业名称有误，无法提交。请按“上一步”修改。"),
}
# Part of the content the department reads (not translated): it says who wrote the details.
HELPER_DETAILS = "补充说明（帮办专员代填）："
CITIZEN_DETAILS = "补充说明："


class Step(StrEnum):
    CATEGORY = "category"
    TYPE = "type"
    PHRASES = "phrases"
    PHONE = "phone"
    USCC = "uscc"
    EXTRA = "extra"
    REVIEW = "review"
    DONE = "done"


STEPS = tuple(Step)
PROMPTS = {
    Step.CATEGORY: N_("请选择诉求类别"),
    Step.TYPE: N_("请选择具体问题"),
    Step.PHRASES: N_("请选择符合您情况的描述（可多选）"),
    Step.PHONE: N_("请输入联系电话，方便工作人员回复您"),
    Step.USCC: N_("如为企业诉求，请输入统一社会信用代码（可跳过）"),
    Step.EXTRA: N_("如需补充说明，可以手写或拼音输入（可不填，按“跳过”）"),
    Step.REVIEW: N_("请核对以下内容，确认后提交"),
    Step.DONE: N_("您的诉求已受理"),
}
PHONE_LENGTH, USCC_LENGTH = 11, 18


@dataclass(frozen=True)
class ExtraField:
    name: str
    label: str
    limit: int
    lines: int


# The free-text step. Limits fit FeedbackCreate (the contact name's is the model's own).
EXTRA_FIELDS = (
    ExtraField("details", N_("补充说明"), 500, 4),
    ExtraField("contact_name", N_("联系人姓名"), max_length(FeedbackCreate, "contact_name") or 40, 1),
    ExtraField("enterprise_name", N_("企业名称"), 100, 1),
)
#: What a citizen alone is offered: the enterprise is already named by its USCC (or by the helper).
CITIZEN_FIELDS = ("details", "contact_name")
HELPER_PROMPT = N_("帮办专员代为填写（均可不填）")


@dataclass(frozen=True)
class Nav:
    """The buttons under the form: which are there, whether 下一步 may be pressed, and its words."""

    prev: bool
    skip: bool
    next: bool
    next_enabled: bool
    next_label: str


class FeedbackFlow(Flow):
    def __init__(self, deps: FlowDeps) -> None:
        super().__init__(deps.runner)
        self.deps = deps
        self.helper = False                      # a 帮办专员 assists: all free-text fields, typed
        self.step = Step.CATEGORY
        self.category = ""
        self.problem = ""
        self.phrases: list[str] = []
        self.phone = ""
        self.uscc = ""
        self.extra: dict[str, str] | None = None            # cleaned free text, only fields with text
        self.extra_by_helper = False                         # who wrote it (the department is told)
        self.extra_errors: dict[str, FreeTextError] = {}
        self.tracking_no = ""
        self.idempotency_key = ""
        self.printed_job: int | None = None
        self.alert: Msg | None = None            # words for a dialog, shown once (take_alert)
        self.finished = False

    # ------------------------------------------------------------ visit and helper mode

    def start(self, restart: bool = False) -> None:
        if restart:
            self.reset()
        self._changed()

    def set_staff_mode(self, mode: str) -> None:
        """The app's staff mode: "helper" offers every free-text field (and the helper types them)."""
        self.helper = mode == "helper"
        self._changed()

    def steps(self) -> tuple[Step, ...]:
        return STEPS

    def step_label(self) -> Msg | None:
        """第 n 步，共 m 步 (the done step is not counted)."""
        if self.step == Step.DONE:
            return None
        steps = self.steps()
        return Msg(N_("第 {n} 步，共 {total} 步"), n=steps.index(self.step) + 1, total=len(steps) - 1)

    def prompt(self) -> str:
        if self.step == Step.EXTRA and self.helper:
            return HELPER_PROMPT
        return PROMPTS[self.step]

    def extra_fields(self) -> tuple[ExtraField, ...]:
        """The free-text fields offered now: all of them with a helper, details and a name to a citizen."""
        return tuple(f for f in EXTRA_FIELDS if self.helper or f.name in CITIZEN_FIELDS)

    def _go(self, step: Step) -> None:
        self.step = step
        self._changed()

    def _after(self, step: Step) -> Step:
        steps = self.steps()
        return steps[steps.index(step) + 1]

    # ------------------------------------------------------------ choosing

    def categories(self) -> list[str]:
        return [c.name for c in presets.CATEGORIES]

    def problem_types(self) -> list[str]:
        return [t.name for t in presets.category(self.category).types] if self.category else []

    def offered_phrases(self) -> list[str]:
        return presets.phrases_for(self.category, self.problem) if self.problem else []

    def choose_category(self, name: str) -> None:
        self.category, self.problem, self.phrases = name, "", []
        self._go(Step.TYPE)

    def choose_problem(self, name: str) -> None:
        self.problem, self.phrases = name, []
        self._go(Step.PHRASES)

    def toggle_phrase(self, phrase: str) -> None:
        if phrase in self.phrases:
            self.phrases = [p for p in self.phrases if p != phrase]
        else:
            self.phrases = self.phrases + [phrase]
        self._changed()

    # ------------------------------------------------------------ typed entries (keypads)

    def entry_length(self) -> int:
        return PHONE_LENGTH if self.step == Step.PHONE else USCC_LENGTH

    def entry_ok(self, value: str) -> bool:
        if self.step == Step.PHONE:
            return is_valid_mobile(value)
        if self.step == Step.USCC:
            return is_valid_uscc(value)
        return False

    def entry_hint(self, value: str) -> str:
        """The line under the keypad while the citizen types (a msgid)."""
        if self.step == Step.PHONE:
            if len(value) < PHONE_LENGTH:
                return N_("请输入11位手机号码")
            return N_("号码正确，请按“下一步”") if is_valid_mobile(value) else N_("号码有误，请核对后重新输入")
        if len(value) < USCC_LENGTH:
            return N_("请输入18位统一社会信用代码，没有可以跳过")
        return N_("代码正确，请按“下一步”") if is_valid_uscc(value) else N_("代码有误，请核对后重新输入")

    # ------------------------------------------------------------ moving on

    def nav(self, entry: str = "") -> Nav:
        step = self.step
        show_next = step not in (Step.CATEGORY, Step.TYPE)
        if self.busy or not show_next:
            enabled = False
        elif step == Step.PHRASES:
            enabled = bool(self.phrases)
        elif step in (Step.PHONE, Step.USCC):
            enabled = self.entry_ok(entry)
        else:
            enabled = True
        label = {Step.REVIEW: N_("确认提交"), Step.DONE: N_("完成")}.get(step, N_("下一步"))
        return Nav(prev=step not in (Step.CATEGORY, Step.DONE) and not self.busy,
                   skip=step in (Step.USCC, Step.EXTRA),
                   next=show_next, next_enabled=enabled, next_label=N_("正在提交，请稍候…") if self.busy else label)

    def next(self, entry: str = "", texts: dict[str, str] | None = None) -> bool:
        """下一步 with what is on the keypad (phone, USCC) or in the helper's boxes. True: the app should
        go home (完成 pressed a second time)."""
        if self.busy:
            return False
        step = self.step
        if step == Step.PHRASES and self.phrases:
            self._go(Step.PHONE)
        elif step == Step.PHONE and is_valid_mobile(entry):
            self.phone = entry.strip()
            self._go(Step.USCC)
        elif step == Step.USCC and is_valid_uscc(entry):
            self.uscc = entry.strip().upper()
            self._go(self._after(Step.USCC))
        elif step == Step.EXTRA:
            if self.take_extra(texts or {}):
                self._go(Step.REVIEW)
        elif step == Step.REVIEW:
            self.submit()
        elif step == Step.DONE:
            return not self.finish()
        return False

    def skip_uscc(self) -> None:
        self.uscc = ""
        self._go(self._after(Step.USCC))

    def skip(self) -> None:
        """跳过: no enterprise code, or no free text (what was written there is not sent)."""
        if self.busy:
            return
        if self.step == Step.USCC:
            self.skip_uscc()
        elif self.step == Step.EXTRA:
            self.extra, self.extra_errors = None, {}
            self._go(self._after(Step.EXTRA))

    def previous(self) -> None:
        steps = self.steps()
        i = steps.index(self.step) if self.step in steps else 0
        if self.step == Step.PHRASES:
            self.phrases = []
        if i > 0 and self.step != Step.DONE:
            self._go(steps[i - 1])

    def back(self) -> bool:
        """返回 is the previous step while the form is being filled in; False: leave from the first one."""
        if self.busy:
            return True                  # being stored: the tracking number is about to be shown
        if self.step in (Step.CATEGORY, Step.DONE):
            return False
        self.previous()
        return True

    def take_extra(self, texts: dict[str, str]) -> bool:
        """Check the free text; keep it (cleaned) when every field offered can be sent and printed.
        A field that cannot is named in extra_errors (the text stays in its box)."""
        cleaned, errors = {}, {}
        for f in self.extra_fields():
            try:
                cleaned[f.name] = clean_free_text(texts.get(f.name, ""), f.limit, multiline=f.lines > 1)
            except FreeTextError as e:
                errors[f.name] = e
        self.extra_errors = errors
        if errors:
            self._changed()
            return False
        self.extra = {k: v for k, v in cleaned.items() if v} or None
        self.extra_by_helper = self.helper
        return True

    # ------------------------------------------------------------ the request

    def content(self) -> str:
        chosen = [p for p in self.offered_phrases() if p in self.phrases]
        content = presets.compose_content(self.problem, chosen)
        details = (self.extra or {}).get("details")
        if not details:
            return content
        return content + (HELPER_DETAILS if self.extra_by_helper else CITIZEN_DETAILS) + details

    def request(self) -> FeedbackCreate:
        """The body as the contract has it (tracking_no comes when it is stored). ValidationError if refused."""
        extra = self.extra or {}
        try:
            content = self.content()
        except ValueError:
            content = ""             # no type or phrase: the model refuses the empty content, in one place
        return FeedbackCreate(category=self.category, content=content, phone=self.phone or None,
                              enterprise_uscc=self.uscc or None, contact_name=extra.get("contact_name"),
                              enterprise_name=extra.get("enterprise_name"),
                              terminal_id=self.deps.cfg.terminal.id)

    def submit(self) -> None:
        if self.busy or self.step != Step.REVIEW:
            return
        try:
            body = self.request()
        except ValidationError as e:
            log_refused("feedback", e)
            fields = [field for field, _msg in problems(e)]
            self.alert = Msg(next((REFUSED_FIELD[f] for f in fields if f in REFUSED_FIELD), REFUSED))
            self._changed()
            return
        outbox = self.deps.outbox()
        terminal_id, now = self.deps.cfg.terminal.id, self.deps.now()

        def store() -> tuple[str, str]:
            if outbox is None:
                raise OutboxUnavailable("no outbox: the API part did not start")
            tracking_no = outbox.new_tracking_no(terminal_id, now)
            # Validated again whole, with its number: what enters the outbox is what the contract takes.
            record = FeedbackCreate.model_validate({**body.model_dump(), "tracking_no": tracking_no})
            return outbox.enqueue_feedback(record.model_dump(mode="json", exclude_none=True), terminal_id)

        self.busy = True
        self.alert = None
        self._call(store, self._stored, self._not_stored)
        self._changed()

    def _stored(self, result: tuple[str, str]) -> None:
        self.busy = False
        self.idempotency_key, self.tracking_no = result
        log.info("feedback stored for delivery: %s (%s)", self.tracking_no, self.category)
        self.step = Step.DONE
        self.deps.print_slip(templates.feedback_receipt(self.slip()), "feedback", f"feedback {self.tracking_no}",
                             self._queued)
        self._changed()

    def _queued(self, job_id: int) -> None:
        self.printed_job = job_id

    def _not_stored(self, error: BaseException) -> None:
        self.busy = False
        if isinstance(error, ValidationError):
            log_refused("feedback with its tracking number", error)
        elif not isinstance(error, OutboxError):
            log.error("feedback could not be stored: %s", type(error).__name__)
        # Nothing is lost: the form stays on screen for the helper to record it by hand.
        self.alert = Msg(NOT_STORED)
        self._changed()

    def take_alert(self) -> Msg | None:
        """The words for a dialog, once: the screen shows them and they are gone."""
        alert, self.alert = self.alert, None
        return alert

    def slip(self) -> dict[str, Any]:
        return {
            "tracking_number": self.tracking_no,
            "category": self.category,
            # Free text may hold a phone or an ID number the helper typed; the slip leaves the hall.
            "summary": mask_text(self.content()),
            "time": f"{self.deps.now().astimezone(hours.TZ):%Y-%m-%d %H:%M}",
            "center_name": self.deps.cfg.terminal.center_name,
        }

    # ------------------------------------------------------------ what the review shows

    def review_rows(self) -> list[tuple[str, list[str | Msg]]]:
        """(label msgid, parts): a Msg part is translated, a str part is shown as it is (masked data)."""
        extra = self.extra or {}
        rows: list[tuple[str, list[str | Msg]]] = [
            (N_("诉求类别"), [Msg(self.category)]),
            (N_("具体问题"), [Msg(self.problem)]),
            (N_("情况描述"), [Msg(p) for p in self.offered_phrases() if p in self.phrases]),
            (N_("联系电话"), [mask_phone(self.phone)]),
            (N_("企业信用代码"), [self.uscc] if self.uscc else [Msg(N_("未填写"))]),
        ]
        if extra.get("details"):
            rows.append((N_("补充说明"), [mask_text(extra["details"])]))
        if extra.get("contact_name"):
            rows.append((N_("联系人姓名"), [mask_name(extra["contact_name"])]))
        if extra.get("enterprise_name"):
            rows.append((N_("企业名称"), [extra["enterprise_name"]]))
        return rows

    # ------------------------------------------------------------ the end

    def finish(self) -> bool:
        """完成: the first time hands the transaction to 好差评 (True); after that False (go home)."""
        if self.finished or not self.tracking_no:
            return False
        self.finished = True
        self.deps.finish_transaction(Transaction(kind="feedback", reference=self.tracking_no,
                                                 service_name="诉求反馈"))
        return True

    def reset(self) -> None:
        super().reset()
        self.step = Step.CATEGORY
        self.category = self.problem = self.phone = self.uscc = ""
        self.phrases = []
        self.extra = None
        self.extra_by_helper = False
        self.extra_errors = {}
        self.tracking_no = self.idempotency_key = ""
        self.printed_job = None
        self.alert = None
        self.finished = False
        self._changed()
