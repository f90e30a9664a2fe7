"""What a broken or hostile server cannot make the client do, against real servers on 127.0.0.1: send an
ID number in a URL, talk plain http over a network, hold a worker past the call's deadline (by dribbling
bytes, or by answering 503 slowly while urllib3 retries), or fill memory with a huge body."""

from __future__ import annotations

import gzip
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from kiosk.api import ApiClient, Unavailable
from kiosk.api.client import MAX_RESPONSE_BYTES
from kiosk.api.errors import BadResponse, DeadlineExceeded, InsecureBaseUrl, ResponseTooLarge
from kiosk.demo_api import DEMO_IDENTITIES, DemoServer

from .conftest import TERMINAL, TOKEN

pytestmark = pytest.mark.timeout(60)
HANG_S = 15.0  # far beyond every deadline below: only a call that ignores its deadline gets near it


# ---- plain http only to the loopback --------------------------------------------------------------

@pytest.mark.parametrize("url", ["http://10.0.0.5:8080", "http://api.example.cn", "http://192.168.1.10",
                                 "http://[fe80::1]:80", "http://127.0.0.1.example.cn", "ftp://127.0.0.1",
                                 "127.0.0.1:8765", "https://", ""])
def test_plain_http_to_a_network_host_is_refused(url: str) -> None:
    with pytest.raises(InsecureBaseUrl):
        ApiClient(url, TOKEN, TERMINAL)


@pytest.mark.parametrize("url", ["http://127.0.0.1:8765", "http://127.0.0.2", "http://[::1]:8765",
                                 "http://localhost:8765", "https://api.example.cn", "https://10.0.0.5/api"])
def test_https_anywhere_and_http_on_the_loopback_are_allowed(url: str) -> None:
    ApiClient(url, TOKEN, TERMINAL).close()


# ---- the ID number is in no URL -------------------------------------------------------------------

class _Recorder:
    """Outermost ASGI layer of the demo server: the request line (method, raw path, query) and body of
    every request as the server received it."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.lines: list[str] = []
        self.bodies: list[bytes] = []

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        query = scope.get("query_string", b"")
        self.lines.append(f"{scope['method']} {scope['raw_path'].decode('latin-1')}"
                          + (f"?{query.decode('latin-1')}" if query else ""))
        chunks: list[bytes] = []

        async def recording_receive() -> dict:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                self.bodies.append(b"".join(chunks))
            return message

        await self.app(scope, recording_receive, send)


def test_a_full_case_lookup_puts_no_id_number_in_any_url() -> None:
    srv = DemoServer(token=TOKEN)
    recorder = _Recorder(srv.app)
    srv.app = recorder
    srv.start()
    try:
        with ApiClient(srv.base_url, TOKEN, TERMINAL) as c:
            for who in DEMO_IDENTITIES:
                # as the card reader gives it, with a lower-case x where there is one
                for case in c.cases_by_id_number(who.id_number.lower()):
                    assert c.case_by_number(case.case_no, who.phone[-4:]).case_no == case.case_no
    finally:
        srv.stop()
    searches = [line for line in recorder.lines if line.startswith("POST /v1/case-search")]
    opened = [line for line in recorder.lines if line.startswith("GET /v1/cases/")]
    assert len(searches) == len(DEMO_IDENTITIES) and opened  # the lookup really happened
    numbers = [who.id_number for who in DEMO_IDENTITIES]
    for line in recorder.lines:
        assert not any(n in line.upper() or n[:17] in line for n in numbers), line
    assert all(any(n.encode() in body for body in recorder.bodies) for n in numbers)  # they went in bodies


# ---- total deadline -------------------------------------------------------------------------------

class _RawServer:
    """A TCP server on 127.0.0.1 that runs `script(conn)` for every connection (a thread each)."""

    def __init__(self, script: Callable[[socket.socket], None]) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.script = script
        self.stop = threading.Event()
        self.accepted = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            threading.Thread(target=self._run, args=(conn,), daemon=True).start()

    def _run(self, conn: socket.socket) -> None:
        with conn:
            try:
                conn.recv(65536)  # the request (small, one segment on the loopback)
                self.script(conn)
            except OSError:
                pass  # the client gave up and closed: what these tests want

    def close(self) -> None:
        self.stop.set()
        self.sock.close()


@pytest.fixture
def raw_server() -> Iterator[Callable[[Callable[[socket.socket], None]], _RawServer]]:
    made: list[_RawServer] = []

    def make(script: Callable[[socket.socket], None]) -> _RawServer:
        made.append(_RawServer(script))
        return made[-1]

    yield make
    for s in made:
        s.close()


def _run(call: Callable[[], Any]) -> BaseException | None:
    """The call on a worker thread, as in the app; a call still running after HANG_S fails the test."""
    box: dict[str, BaseException] = {}

    def run() -> None:
        try:
            call()
        except BaseException as e:  # noqa: BLE001 - the test is about what comes out
            box["error"] = e

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(HANG_S)
    assert not t.is_alive(), "the call outlived its deadline"
    return box.get("error")


def _dribble(head: bytes, then: bytes, gap: float) -> Callable[[socket.socket], None]:
    def script(conn: socket.socket) -> None:
        conn.sendall(head)
        for i in range(10_000):  # longer than any test waits
            conn.sendall(then[i % len(then):i % len(then) + 1])
            time.sleep(gap)
    return script


@pytest.mark.parametrize("head, then", [
    (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n", b"[ "),
    (b"HTTP/1.1 200 OK\r\n", b"X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n"),  # the headers never end
])
def test_a_server_dribbling_bytes_meets_the_total_deadline(raw_server, head: bytes, then: bytes) -> None:
    # One byte every 50 ms never trips the 2 s read timeout; only the 1 s total deadline ends the call.
    srv = raw_server(_dribble(head, then, 0.05))
    with ApiClient(srv.url, TOKEN, TERMINAL, read_timeout=2.0, retries=0, total_timeout=1.0) as c:
        error = _run(c.services)
        assert isinstance(error, DeadlineExceeded), repr(error)
        assert isinstance(error, Unavailable)  # the citizen hears "try again later"
        assert c.last_error is error


def test_retries_and_backoff_count_against_the_deadline(raw_server) -> None:
    def slow_503(conn: socket.socket) -> None:
        time.sleep(0.4)
        conn.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")

    srv = raw_server(slow_503)
    # Ten retries of 0.4 s each would take over 4 s; the call may take 1 s in all.
    with ApiClient(srv.url, TOKEN, TERMINAL, retries=10, backoff_factor=0.0, total_timeout=1.0) as c:
        error = _run(c.services)
    assert isinstance(error, DeadlineExceeded), repr(error)
    assert 2 <= srv.accepted < 11  # it did retry, and it stopped retrying


def test_a_call_after_a_deadline_works_again(raw_server) -> None:
    srv = raw_server(_dribble(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", b" ", 0.05))
    demo = DemoServer(token=TOKEN)
    demo.start()
    try:
        with ApiClient(srv.url, TOKEN, TERMINAL, retries=0, total_timeout=0.5) as c:
            assert isinstance(_run(c.services), DeadlineExceeded)
        with ApiClient(demo.base_url, TOKEN, TERMINAL, retries=0, total_timeout=0.5) as c:
            for _ in range(3):  # a timer of an earlier call must not cut a later one
                assert c.health().status == "ok"
    finally:
        demo.stop()


# ---- response size cap ----------------------------------------------------------------------------

def _huge(with_length: bool) -> Callable[[socket.socket], None]:
    def script(conn: socket.socket) -> None:
        size = MAX_RESPONSE_BYTES * 4
        head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        head += f"Content-Length: {size}\r\n".encode() if with_length else b"Connection: close\r\n"
        conn.sendall(head + b"\r\n[")
        chunk = b'"x",' * 16384
        for _ in range(size // len(chunk)):
            conn.sendall(chunk)
    return script


@pytest.mark.parametrize("with_length", [True, False])
def test_a_body_over_the_cap_is_refused(raw_server, with_length: bool) -> None:
    srv = raw_server(_huge(with_length))
    with ApiClient(srv.url, TOKEN, TERMINAL, retries=0) as c:
        error = _run(c.policies)
    assert isinstance(error, ResponseTooLarge), repr(error)
    assert str(MAX_RESPONSE_BYTES) in error.detail


def _gzipped(body: bytes) -> Callable[[socket.socket], None]:
    def script(conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n"
                     b"Content-Length: %d\r\n\r\n" % len(body) + body)
    return script


def test_a_small_gzip_body_that_unpacks_over_the_cap_is_refused(raw_server) -> None:
    bomb = gzip.compress(b"[" + b" " * (MAX_RESPONSE_BYTES + 1024) + b"]")
    assert len(bomb) < 64 * 1024                   # small on the wire: Content-Length cannot tell
    srv = raw_server(_gzipped(bomb))
    with ApiClient(srv.url, TOKEN, TERMINAL, retries=0) as c:
        error = _run(c.policies)
    assert isinstance(error, ResponseTooLarge), repr(error)


def test_a_gzip_body_that_is_not_gzip_is_a_bad_response_and_a_good_one_is_read(raw_server) -> None:
    srv = raw_server(_gzipped(b"this is not gzip at all"))
    with ApiClient(srv.url, TOKEN, TERMINAL, retries=0) as c:
        error = _run(c.policies)
    assert isinstance(error, BadResponse) and "decoded" in error.detail, repr(error)
    srv = raw_server(_gzipped(gzip.compress(b"[]")))
    with ApiClient(srv.url, TOKEN, TERMINAL, retries=0) as c:
        assert c.policies() == []


def test_a_smaller_cap_can_be_set() -> None:
    demo = DemoServer(token=TOKEN)
    demo.start()
    try:
        with ApiClient(demo.base_url, TOKEN, TERMINAL, max_response_bytes=1000) as c:
            assert c.health().status == "ok"  # small answers pass
            with pytest.raises(ResponseTooLarge):
                c.services()  # 62 service items are more than 1000 bytes
    finally:
        demo.stop()


@pytest.mark.parametrize("url, ok", [("http://10.20.30.40:8443", False), ("http://central.example.cn", False),
                                     ("https://central.example.cn", True), ("http://127.0.0.1:8765", True)])
def test_config_refuses_plain_http_to_a_network_host(tmp_path, url: str, ok: bool) -> None:
    from kiosk.config import ConfigError, load_config

    path = tmp_path / "kiosk.toml"
    path.write_text(f'data_dir = "{tmp_path}"\n[terminal]\nid = "T-1"\n[api]\nbase_url = "{url}"\ntoken = "t-123"\n'
                    '[printer]\nport = "/dev/kiosk-printer"\n[reader]\nport = "/dev/kiosk-reader"\n', encoding="utf-8")
    if ok:
        assert load_config(path).api.base_url == url
        return
    with pytest.raises(ConfigError) as e:
        load_config(path)
    assert "api.base_url" in str(e.value) and "https://" in str(e.value)
