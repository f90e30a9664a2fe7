"""The few errors the API client raises; every failure of a call becomes one of them.

    ApiError                 base: a stable `code` (words: kiosk/error_words.py), detail for the log, status
     ├── NotFound            404: no such case / service / enterprise / tracking number
     ├── Unauthorized        401/403: the terminal's token is wrong or revoked (a technician's job)
     ├── Unavailable         network down, timeouts, TLS failure, 5xx, 408, 429: try again later
     │    └── TlsFailure     the TLS handshake failed (certificate not trusted, expired, wrong name)
     ├── BadResponse         the server answered, but not with what the contract promises
     └── Rejected            400/409/422: the server refused the request as invalid

`detail` goes through kiosk.privacy.mask_text, so an ID number or phone in a URL or message never
reaches the log unmasked.
"""

from __future__ import annotations

from kiosk.privacy import mask_text


class ApiError(Exception):
    code = "api.error"

    def __init__(self, detail: str = "", status: int | None = None) -> None:
        self.detail = mask_text(detail)
        self.status = status
        super().__init__(self.detail)

    @property
    def permanent(self) -> bool:
        """True when sending the same request again cannot succeed (the outbox dead-letters it)."""
        return False


class NotFound(ApiError):
    code = "api.not_found"

    @property
    def permanent(self) -> bool:
        return True


class Unauthorized(ApiError):
    code = "api.unauthorized"


class Unavailable(ApiError):
    code = "api.unavailable"


class TlsFailure(Unavailable):
    """The citizen hears the same as for any outage; the name tells a technician to look at certificates."""


class BadResponse(ApiError):
    code = "api.bad_response"


class Rejected(ApiError):
    code = "api.rejected"

    @property
    def permanent(self) -> bool:
        return True
