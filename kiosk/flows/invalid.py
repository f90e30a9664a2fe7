"""A request body the contract refuses, seen from a flow: which fields, for the words, and a log line.

The flows build every body as its pydantic model (kiosk/api/models.py) before it enters the outbox; a
refusal is said on screen while the citizen is still there. The log names the model, the fields and
the kinds of error, never the values (they may hold a phone number or a name).
"""

from __future__ import annotations

import logging

from pydantic import BaseModel, ValidationError

log = logging.getLogger(__name__)


def problems(exc: ValidationError) -> list[tuple[str, str]]:
    """(field, message) per error; field "" for a rule of the whole model (a model validator)."""
    return [(".".join(str(p) for p in e["loc"]), str(e["msg"])) for e in exc.errors()]


def log_refused(what: str, exc: ValidationError) -> None:
    fields = ", ".join(f"{e['loc'] and '.'.join(str(p) for p in e['loc']) or '(model)'}:{e['type']}"
                       for e in exc.errors())
    log.warning("%s refused before the outbox: %s", what, fields)


def max_length(model: type[BaseModel], field: str) -> int | None:
    """The model's own limit on a text field, so a flow that clips or checks text repeats no number."""
    for meta in model.model_fields[field].metadata:
        limit = getattr(meta, "max_length", None)
        if limit is not None:
            return int(limit)
    return None
