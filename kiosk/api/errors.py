"""The few errors the API client raises; every failure of a call becomes one of them.

    ApiError                 base: a stable `code` (words: kiosk/error_words.py), detail for the log, status
     ├── NotFound            404: no such case / service / enterprise / tracking number
     ├── Unauthorized        401/403: the terminal's token is wrong or revoked (a technician's job)
     ├── Unavailable         network down, timeouts, TLS failure, 5xx, 408, 429: try again later
     │    ├── TlsFailure     the TLS handshake failed (certificate not trusted, expired, wrong name)
     │    └── DeadlineExceeded  the call's total time (connect, all reads, retries) ran out
     ├── BadResponse         the server answered, but not with what the contract promises
     │    └── ResponseTooLarge  the body is larger than the client accepts (MAX_RESPONSE_BYTES)
     └── Rejected            400/409/422: the server refused the request as invalid

InsecureBaseUrl (a ValueError, not an ApiError) is raised by the client's constructor for a base URL that
would send citizens' data in clear text over a network: http:// to any host but the loopback.

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


class DeadlineExceeded(Unavailable):
    """A server dribbling bytes never trips a per-read timeout; the call's total deadline catches it."""


class BadResponse(ApiError):
    code = "api.bad_response"


class ResponseTooLarge(BadResponse):
    """Reading on would hold megabytes of something that is not the contract's answer in memory."""


class InsecureBaseUrl(ValueError):
    """A configuration mistake, found when the client is made, not an answer of the server."""


class Rejected(ApiError):
    code = "api.rejected"

    @property
    def permanent(self) -> bool:
        return True
