"""好差评 after each finished transaction (国办发〔2019〕51号; DB2203/T 8—2024 5.1.3: the terminal opens
the evaluation by itself). Five levels, none preselected and none suggested (4.8: no hinting or
inducing). A 差评 asks for reasons and offers an optional phone for 实名 follow-up. Any level may carry
an optional comment, written by hand or in 拼音 (EvaluationCreate.comment). One evaluation per
transaction (Transaction.evaluated). Sent through the outbox, so it survives an outage.

What makes an evaluation valid — a 差评 needs a reason, one of case_no / transaction_id — is the
rule of `EvaluationCreate` (kiosk/api/models.py) and lives only there: this flow builds the model and
turns its refusal into words; which levels are a 差评 it learns by asking the model too.
"""

from __future__ import annotations

import logging
from enum import StrEnum
from functools import cache

from pydantic import ValidationError

from kiosk.api.models import EVALUATION_LABELS, EvaluationCreate
from kiosk.feedback_presets import EVALUATION_REASONS
from kiosk.flows.base import Flow
from kiosk.flows.deps import FlowDeps
from kiosk.flows.invalid import log_refused, max_length, problems
from kiosk.free_text import FreeTextError, clean_free_text
from kiosk.i18n import N_, Msg
from kiosk.outbox import OutboxUnavailable
from kiosk.privacy import mask_phone
from kiosk.session import Transaction
from kiosk.validators import is_valid_mobile

log = logging.getLogger(__name__)

LEVELS = (5, 4, 3, 2, 1)          # shown best first, as on every 好差评 form
NEEDS_REASON = N_("请至少选择一项不满意的原因")
BAD_PHONE = N_("联系电话有误，请重新输入")
REFUSED = N_("抱歉，这条评价无法提交。您可以跳过，或呼叫帮办。")
BAD_COMMENT = N_("评价意见无法提交，请按“写评价意见”修改")
NOT_STORED = N_("抱歉，评价暂时无法保存。您可以跳过，或呼叫帮办。")
_PROBE_REFERENCE = "probe"
#: The comment's limit is the model's own.
COMMENT_LIMIT = max_length(EvaluationCreate, "comment") or 500


class Stage(StrEnum):
    CHOOSE = "choose"
    PHONE = "phone"
    COMMENT = "comment"
    THANKS = "thanks"


def _is_reason_error(field: str, message: str) -> bool:
    # The model's own rule (a model validator, so no field): its message names the 差评.
    return field == "" and "差评" in message


@cache
def needs_reasons(level: int) -> bool:
    """True when the model refuses this level without a reason (a 差评): asked, not repeated here."""
    try:
        EvaluationCreate(level=level, transaction_id=_PROBE_REFERENCE, terminal_id=_PROBE_REFERENCE)
    except ValidationError as e:
        return any(_is_reason_error(f, m) for f, m in problems(e))
    return False


def label(level: int) -> str:
    return EVALUATION_LABELS[level]


class EvaluationFlow(Flow):
    def __init__(self, deps: FlowDeps) -> None:
        super().__init__(deps.runner)
        self.deps = deps
        self.stage = Stage.CHOOSE
        self.tx: Transaction | None = None
        self.level = 0                  # 0: nothing chosen (no default)
        self.reasons: list[str] = []
        self.phone = ""
        self.comment = ""               # cleaned, as it will be sent
        self.comment_error: FreeTextError | None = None   # why the comment written cannot be taken
        self.key = ""                   # the outbox's Idempotency-Key of the stored evaluation
        self.alert: Msg | None = None
        self.ready = False              # 提交评价 may be pressed
        self.hint: Msg | None = None    # why not, when the model says why

    # ------------------------------------------------------------ visit

    def start(self, tx: Transaction | None) -> None:
        """Every visit; a new transaction starts afresh, one already evaluated only thanks."""
        if tx is not None and tx is not self.tx:
            self._clear()
            self.tx = tx
            self.stage = Stage.THANKS if tx.evaluated else Stage.CHOOSE
        self._check()
        self._changed()

    def subject(self) -> Msg | None:
        """本次办理：… 编号：… (nothing on the thanks step)."""
        tx = self.tx
        if tx is None or self.stage == Stage.THANKS:
            return None
        return Msg(N_("本次办理：{what}　编号：{ref}"), what=Msg(tx.service_name) if tx.service_name else tx.kind,
                   ref=tx.reference)

    # ------------------------------------------------------------ choosing

    def is_bad(self) -> bool:
        return self.level > 0 and needs_reasons(self.level)

    def choose_level(self, level: int) -> None:
        self.level = level
        if not needs_reasons(level):
            self.reasons, self.phone = [], ""    # the reasons and phone belong to a 差评 only
        self._check()
        self._changed()

    def toggle_reason(self, reason: str) -> None:
        self.reasons = ([r for r in self.reasons if r != reason] if reason in self.reasons
                        else self.reasons + [reason])
        self._check()
        self._changed()

    def reason_choices(self) -> tuple[str, ...]:
        return EVALUATION_REASONS if self.is_bad() else ()

    def enter_phone(self) -> None:
        self.stage = Stage.PHONE
        self._check()
        self._changed()

    def phone_shown(self) -> str:
        """The phone as the screen may show it (masked: others may be looking)."""
        return mask_phone(self.phone)

    def phone_ok(self, value: str) -> bool:
        return is_valid_mobile(value)

    def phone_done(self, value: str) -> None:
        if self.stage == Stage.PHONE and is_valid_mobile(value):
            self.phone = value.strip()
            self.stage = Stage.CHOOSE
            self._check()
            self._changed()

    def phone_cancel(self) -> None:
        self.stage = Stage.CHOOSE
        self._check()
        self._changed()

    def enter_comment(self) -> None:
        self.stage = Stage.COMMENT
        self.comment_error = None
        self._check()
        self._changed()

    def comment_done(self, text: str) -> bool:
        """确定 on the comment page: the text cleaned and kept, or comment_error set (the text stays)."""
        if self.stage != Stage.COMMENT:
            return False
        try:
            self.comment = clean_free_text(text, COMMENT_LIMIT, multiline=True)
        except FreeTextError as e:
            self.comment_error = e
            self._changed()
            return False
        self.comment_error = None
        self.stage = Stage.CHOOSE
        self._check()
        self._changed()
        return True

    def comment_cancel(self) -> None:
        self.comment_error = None
        self.stage = Stage.CHOOSE
        self._check()
        self._changed()

    # ------------------------------------------------------------ the request

    def request(self) -> EvaluationCreate:
        """The body as the contract has it. ValidationError when the model refuses it."""
        tx = self.tx
        bad = self.is_bad()
        return EvaluationCreate(
            level=self.level,
            reasons=[r for r in EVALUATION_REASONS if r in self.reasons] if bad else [],
            phone=(self.phone or None) if bad else None,
            comment=self.comment,
            case_no=tx.reference if tx is not None and tx.kind == "case" else None,
            transaction_id=f"{tx.kind}:{tx.reference}" if tx is not None and tx.kind != "case" else None,
            service_code=(tx.service_code or None) if tx is not None else None,
            terminal_id=self.deps.cfg.terminal.id)

    def _words(self, exc: ValidationError) -> str:
        found = problems(exc)
        if any(_is_reason_error(f, m) for f, m in found):
            return NEEDS_REASON
        if any(f == "phone" for f, _m in found):
            return BAD_PHONE
        if any(f == "comment" for f, _m in found):
            return BAD_COMMENT
        return REFUSED

    def _check(self) -> None:
        """Whether 提交评价 may be pressed, and the hint when not: the model's answer for the draft."""
        self.ready, self.hint = False, None
        if self.stage != Stage.CHOOSE or self.tx is None or self.level == 0 or self.busy:
            return
        try:
            self.request()
        except ValidationError as e:
            self.hint = Msg(self._words(e))
            return
        self.ready = True

    def submit(self) -> None:
        if self.busy or self.stage != Stage.CHOOSE or self.tx is None or self.level == 0:
            return
        tx = self.tx
        if tx.evaluated:                          # one evaluation per transaction
            self.stage = Stage.THANKS
            self._changed()
            return
        try:
            body = self.request()
        except ValidationError as e:
            log_refused("evaluation", e)
            self.hint = Msg(self._words(e))
            self.alert = self.hint
            self._changed()
            return
        outbox = self.deps.outbox()
        payload = body.model_dump(mode="json", exclude_none=True)

        def store() -> str:
            if outbox is None:
                raise OutboxUnavailable("no outbox: the API part did not start")
            return outbox.enqueue("evaluation", payload)

        self.busy = True
        self._check()
        self._call(store, self._stored, self._not_stored)
        self._changed()

    def _stored(self, key: str) -> None:
        self.busy = False
        self.key = key
        if self.tx is not None:
            self.tx.evaluated = True
        log.info("evaluation stored: level %d for %s", self.level, self.tx.kind if self.tx else "?")
        self.stage = Stage.THANKS
        self._check()
        self._changed()

    def _not_stored(self, error: BaseException) -> None:
        self.busy = False
        log.error("evaluation could not be stored: %s", type(error).__name__)
        self.alert = Msg(NOT_STORED)
        self._check()
        self._changed()

    def take_alert(self) -> Msg | None:
        """The words for a dialog, once: the screen shows them and they are gone."""
        alert, self.alert = self.alert, None
        return alert

    # ------------------------------------------------------------ session

    def _clear(self) -> None:
        self._drop_pending()
        self.stage, self.level, self.reasons, self.phone, self.busy = Stage.CHOOSE, 0, [], "", False
        self.comment, self.comment_error = "", None
        self.tx = None
        self.key = ""
        self.alert = None
        self.message = None
        self._check()

    def reset(self) -> None:
        super().reset()
        self._clear()
        self._changed()
