"""Client of the central government-service API, its shared models and named errors."""

from kiosk.api.client import ApiClient, Conditional
from kiosk.api.errors import ApiError, BadResponse, NotFound, Rejected, TlsFailure, Unauthorized, Unavailable

__all__ = ["ApiClient", "ApiError", "BadResponse", "Conditional", "NotFound", "Rejected", "TlsFailure",
           "Unauthorized", "Unavailable"]
