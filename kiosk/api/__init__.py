"""Client of the central government-service API, its shared models and named errors.

The client (urllib3, ssl) and the models (pydantic) load on first use, not with the package:
kiosk.config needs only kiosk.api.urls, and the first frame of the home screen should not wait for
them (about a third of the kiosk's start-up before this).
"""

from typing import Any

from kiosk.api.errors import (
    ApiError,
    BadResponse,
    DeadlineExceeded,
    InsecureBaseUrl,
    NotFound,
    Rejected,
    ResponseTooLarge,
    TlsFailure,
    Unauthorized,
    Unavailable,
)

_LAZY = {"ApiClient", "Conditional"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from kiosk.api import client

        return getattr(client, name)
    raise AttributeError(f"module 'kiosk.api' has no attribute {name!r}")


__all__ = ["ApiClient", "ApiError", "BadResponse", "Conditional", "DeadlineExceeded", "InsecureBaseUrl",
           "NotFound", "Rejected", "ResponseTooLarge", "TlsFailure", "Unauthorized", "Unavailable"]
