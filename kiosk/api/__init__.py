"""Client of the central government-service API, its shared models and named errors."""

from kiosk.api.client import ApiClient, Conditional
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

__all__ = ["ApiClient", "ApiError", "BadResponse", "Conditional", "DeadlineExceeded", "InsecureBaseUrl",
           "NotFound", "Rejected", "ResponseTooLarge", "TlsFailure", "Unauthorized", "Unavailable"]
