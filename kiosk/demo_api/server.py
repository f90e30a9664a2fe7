"""DemoServer: the demo central API on a uvicorn thread, with switchable faults for tests and demos.

    srv = DemoServer(host="127.0.0.1", port=0, token="demo-token")
    base_url = srv.start()          # "http://127.0.0.1:54321", returns once the server accepts
    srv.faults.latency = 2.0        # seconds before every answer
    srv.faults.error_rate = 1.0     # share of requests answered 503 problem+json
    srv.faults.error_status = 500   # ... or answered with this status instead
    srv.faults.drop = True          # close connections without an answer
    srv.faults.garbage = True       # 200 with a body that is not JSON
    srv.faults.wrong_shape = True   # 200 with JSON of the wrong shape
    srv.faults.reset()
    srv.received("feedback")        # stored records (each with its idempotency_key)
    srv.stop()
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import uvicorn

from kiosk.api.client import mask_loggers
from kiosk.demo_api.app import DemoState, _now_shanghai, create_app

log = logging.getLogger(__name__)
_UVICORN_TRACE = 5  # uvicorn.logging.TRACE_LOG_LEVEL


@dataclass
class Faults:
    latency: float = 0.0
    error_rate: float = 0.0
    error_status: int = 503
    drop: bool = False
    garbage: bool = False
    wrong_shape: bool = False

    def reset(self) -> None:
        self.latency, self.error_rate, self.error_status = 0.0, 0.0, 503
        self.drop = self.garbage = self.wrong_shape = False


class _FaultWrapper:
    """Outermost ASGI layer, so it sees uvicorn's own `send` (needed to drop the connection)."""

    def __init__(self, app: Any, faults: Faults) -> None:
        self.app, self.faults = app, faults

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        f = self.faults
        if f.latency > 0:
            await asyncio.sleep(f.latency)
        if f.drop:
            transport = getattr(getattr(send, "__self__", None), "transport", None)
            if transport is not None:
                transport.abort()  # RST, like a crashed proxy; uvicorn sees a lost connection
                return
            # No transport reachable through this send (another server implementation): fail the
            # request without an answer body, which uvicorn turns into a bare 500.
            raise ConnectionAbortedError("demo fault: connection dropped")
        if f.error_rate > 0 and random.random() < f.error_rate:
            code = f.error_status
            body = f'{{"type":"about:blank","title":"Server error","status":{code}}}'.encode()
            await _send(send, code, body, b"application/problem+json")
            return
        if f.garbage:
            await _send(send, 200, b"<html><body>502 Bad Gateway\x00\xff</body></html>", b"application/json")
            return
        if f.wrong_shape:
            await _send(send, 200, b'{"unexpected": true, "items": 7}', b"application/json")
            return
        await self.app(scope, receive, send)


async def _send(send: Callable, status: int, body: bytes, ctype: bytes) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", ctype), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


class _CalmServer(uvicorn.Server):
    """uvicorn's loop wakes ten times a second to see whether it should stop and, every tenth time, to
    renew its Date header: in demo mode that was the biggest wake-up of an idle kiosk after the window.
    This one wakes once a second (the Date header is still renewed every second) and at once when
    stopped (`wake`)."""

    _wake: asyncio.Event | None = None
    _loop: asyncio.AbstractEventLoop | None = None

    async def main_loop(self) -> None:
        self._loop, self._wake = asyncio.get_running_loop(), asyncio.Event()
        counter = 0
        should_exit = await self.on_tick(counter)
        while not should_exit:
            counter = (counter + 10) % 864000        # on_tick renews the Date header when counter % 10 == 0
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._wake.wait(), 1.0)
            should_exit = await self.on_tick(counter)

    def wake(self) -> None:
        """From any thread: look at should_exit now."""
        if self._loop is not None and self._wake is not None:
            with contextlib.suppress(RuntimeError):      # the loop has already closed
                self._loop.call_soon_threadsafe(self._wake.set)


class DemoServer:
    def __init__(self, host: str = "127.0.0.1", port: int = 0, token: str = "demo-token",
                 data_dir: str | Path | None = None, reply_delay: float = 30.0,
                 clock: Callable[[], datetime] = _now_shanghai, ssl_certfile: str | None = None,
                 ssl_keyfile: str | None = None) -> None:
        self.host, self.port, self.token = host, port, token
        self.ssl_certfile, self.ssl_keyfile = ssl_certfile, ssl_keyfile
        self.faults = Faults()
        self.state = DemoState(reply_delay=reply_delay, clock=clock, data_dir=data_dir)
        self.app = _FaultWrapper(create_app(self.state, token), self.faults)
        self._server: _CalmServer | None = None
        self._thread: threading.Thread | None = None
        self.base_url = ""

    def start(self, timeout: float = 10.0) -> str:
        """Run uvicorn on a daemon thread; return the base URL once it accepts connections."""
        mask_loggers("uvicorn.access", "uvicorn.error")  # access lines carry ID numbers in query strings
        # At TRACE level (Kivy leaves the root logger at NOTSET) uvicorn wraps the app in its ASGI message
        # logger: the fault wrapper is then no longer outermost (`drop` would answer 500 instead of
        # dropping) and request bodies would be traced to the log.
        uv_log = logging.getLogger("uvicorn.error")
        if uv_log.getEffectiveLevel() <= _UVICORN_TRACE:
            uv_log.setLevel(logging.DEBUG)
        # proto must be IPPROTO_TCP: asyncio sets TCP_NODELAY on accepted sockets only then (else 40 ms
        # delayed-ACK stalls on every keep-alive request)
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(self.app, log_config=None, access_log=False, lifespan="off",
                                timeout_graceful_shutdown=1, timeout_keep_alive=5,
                                ssl_certfile=self.ssl_certfile, ssl_keyfile=self.ssl_keyfile)
        self._server = _CalmServer(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]},
                                        name=f"demo-api:{self.port}", daemon=True)
        self._thread.start()
        deadline = threading.Event()
        waited = 0.0
        while not self._server.started:
            if not self._thread.is_alive() or waited > timeout:
                raise RuntimeError("demo API did not start")
            deadline.wait(0.01)
            waited += 0.01
        scheme = "https" if self.ssl_certfile else "http"
        self.base_url = f"{scheme}://{self.host}:{self.port}"
        log.info("demo API listening on %s", self.base_url)
        return self.base_url

    def stop(self) -> None:
        if self._server is not None:
            self.faults.reset()
            self._server.should_exit = True
            self._server.wake()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server, self._thread = None, None

    def received(self, kind: str) -> list[dict[str, Any]]:
        """Records stored for kind (tickets, feedback, evaluations, help_requests, heartbeats)."""
        with self.state.lock:
            return [dict(r) for r in self.state.records[kind]]

    def attempts(self, kind: str) -> int:
        """POSTs that reached the handler for kind, replays included."""
        return self.state.attempts[kind]

    def __enter__(self) -> DemoServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
