"""The few errors the API client raises; every failure of a call becomes one of them.

    ApiError                 base: message_zh / message_en for people, detail for the log, status
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
    message_zh = "服务暂时不可用，请稍后再试"
    message_en = "The service is not available right now. Please try again later."

    def __init__(self, detail: str = "", status: int | None = None) -> None:
        self.detail = mask_text(detail)
        self.status = status
        super().__init__(self.detail)

    @property
    def permanent(self) -> bool:
        """True when sending the same request again cannot succeed (the outbox dead-letters it)."""
        return False


class NotFound(ApiError):
    message_zh = "未查询到相关信息，请核对后重试"
    message_en = "Nothing was found. Please check and try again."

    @property
    def permanent(self) -> bool:
        return True


class Unauthorized(ApiError):
    message_zh = "本机未获授权访问服务，请联系工作人员"
    message_en = "This terminal is not authorised. Please ask the staff for help."


class Unavailable(ApiError):
    message_zh = "网络异常，服务暂时不可用，请稍后再试"
    message_en = "The network or service is unavailable. Please try again later."


class TlsFailure(Unavailable):
    """The citizen hears the same as for any outage; the name tells a technician to look at certificates."""


class DeadlineExceeded(Unavailable):
    """A server dribbling bytes never trips a per-read timeout; the call's total deadline catches it."""


class BadResponse(ApiError):
    message_zh = "服务返回了无法识别的结果，请稍后再试或联系工作人员"
    message_en = "The service gave an answer we cannot read. Please try later or ask the staff."


class ResponseTooLarge(BadResponse):
    """Reading on would hold megabytes of something that is not the contract's answer in memory."""


class InsecureBaseUrl(ValueError):
    """A configuration mistake, found when the client is made, not an answer of the server."""


class Rejected(ApiError):
    message_zh = "提交的信息有误，请核对后重试"
    message_en = "The information was not accepted. Please check it and try again."

    @property
    def permanent(self) -> bool:
        return True
