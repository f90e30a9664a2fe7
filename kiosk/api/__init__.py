"""Client of the central government-service API, its shared models and named errors.

The client (urllib3, ssl), the models (pydantic) and the errors (with kiosk.privacy, which brings the
ID-card driver) load on first use, not with the package: kiosk.config needs only kiosk.api.urls, and
the first frame of the home screen should not wait for them.
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # what __getattr__ hands out, for readers and type checkers
    from kiosk.api.client import ApiClient, Conditional  # noqa: F401
    from kiosk.api.errors import (  # noqa: F401
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

_ERRORS = {"ApiError", "BadResponse", "DeadlineExceeded", "InsecureBaseUrl", "NotFound", "Rejected",
           "ResponseTooLarge", "TlsFailure", "Unauthorized", "Unavailable"}
_LAZY = {"ApiClient", "Conditional"}


def __getattr__(name: str) -> Any:
    if name in _ERRORS:
        from kiosk.api import errors  # with kiosk.privacy (masking), not needed for kiosk.api.urls

        return getattr(errors, name)
    if name in _LAZY:
        from kiosk.api import client

        return getattr(client, name)
    raise AttributeError(f"module 'kiosk.api' has no attribute {name!r}")


__all__ = ["ApiClient", "ApiError", "BadResponse", "Conditional", "DeadlineExceeded", "InsecureBaseUrl",
           "NotFound", "Rejected", "ResponseTooLarge", "TlsFailure", "Unauthorized", "Unavailable"]
