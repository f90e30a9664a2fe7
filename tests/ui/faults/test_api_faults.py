"""Fault suite, central API and outbox storage (issue 9), end to end through the running app in demo mode.

Each case asserts what the citizen sees (the Chinese words on screen, the UI still answering taps), what
the technician sees (the API line of the diagnostics screen with the last error, and a log line), that
nothing is lost (feedback / evaluation / help calls queued in the outbox arrive exactly once at the demo
central API), and that the same flow works again after the fault clears, without a restart (TLS: the CA
bundle is read at start, so its recovery is a restart with the right bundle, and that is what is tested).
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from kivy.clock import Clock
from kivy.core.window import Window
from kivyhelp import (
    advance_frames,
    print_dialog,
    run_for,
    shared_app,
    start_demo_app,
    stop_app,
    tap,
    wait_until,
)

import kiosk.services as services_module
from kiosk.api.errors import BadResponse, TlsFailure, Unavailable
from kiosk.api.models import is_tracking_no
from kiosk.config import Config

JIANGUO = "92370104MA3C8K1N6B"          # 济南市槐荫区建国小吃店 in the demo data
PHONE = "13912345678"
NET_DOWN = "网络异常，请稍后再试"        # the enterprise screen's words for Unavailable
NOT_FOUND = "未查询到该企业，请核对代码"
BAD_ANSWER = "查询没有成功，请稍后再试或呼叫帮办"
BANNER = "网络暂不可用"


# ---------------------------------------------------------------------------------------------- fixtures

@contextlib.contextmanager
def running_app(cfg: Config, wait_api: bool = True):
    """The real KioskApp with Services for cfg; waits for the devices (and the API unless told not to)."""
    app = start_demo_app(cfg, wait_api=wait_api)
    try:
        yield app
    finally:
        stop_app(app)


def short_timeouts(cfg: Config, read_timeout: float = 1.0) -> Config:
    return replace(cfg, api=replace(cfg.api, connect_timeout=1.0, read_timeout=read_timeout))


@pytest.fixture
def fast_health(monkeypatch):
    # The health loop is how the API state (banner, diagnostics, heartbeat) follows the network; every
    # 15 s in production, a few times a second here so a test sees it turn.
    monkeypatch.setattr(services_module, "HEALTH_INTERVAL", 0.3)


@pytest.fixture
def fault_app(uses_shared_app, tmp_path_factory, fast_health):
    """Demo mode with short API timeouts (1 s connect and read): one app shared by the cases that need
    nothing else, reset to what a fresh one shows (no session, the API healthy and without faults, the
    outbox empty, the devices ready) and checked clean before each case (kivyhelp.reset_demo_app)."""
    app = shared_app("api-faults", lambda: short_timeouts(Config.demo(str(tmp_path_factory.mktemp("fault-app")))))
    app.services._health_wake.set()     # the health loop takes up fast_health's pace now, not in 15 s
    return app


@pytest.fixture
def logs(caplog):
    caplog.set_level(logging.INFO)
    return caplog


# ---------------------------------------------------------------------------------------------- helpers

def technician_sees(app) -> str:
    """The API line of the technician's diagnostics screen (opened as after the technician PIN)."""
    diag = app.screen("diagnostics")
    # Not the text of an earlier visit: wait for this one's. The flow keeps the last status it had, and
    # any other answer of this visit (ports, log) shows it again before the new status comes.
    diag.flow.status = []
    diag.status_text = ""
    app.enter_staff_mode("technician")
    wait_until(lambda: "中心接口" in diag.status_text, 5, "diagnostics status")
    line = next(x for x in diag.status_text.splitlines() if x.startswith("中心接口"))
    app.leave_staff_mode("test")
    advance_frames(2)
    return line


def dialogs():
    from screens.widgets import Dialog

    return [w for w in Window.children if isinstance(w, Dialog)]


def banner_texts(app) -> list[str]:
    return [w.text for w in app.root.ids.banners.children]


def frames_keep_running() -> None:
    """The frame loop runs and the clock ticks while something else waits."""
    before, tick = Clock.frames, app_tick()
    wait_until(lambda: Clock.frames > before + 5, 5, "frames")
    wait_until(lambda: app_tick() > tick, 3, "the clock's tick")


def app_tick() -> float:
    from kivy.app import App

    return App.get_running_app()._last_tick


def open_enterprise(app):
    tap(enterprise_tile(app))
    assert app.current_screen == "enterprise"
    wait_until(lambda: not app.sm.transition.is_active, 5, "the screen change")
    advance_frames(2)
    return app.screen("enterprise")


def enterprise_tile(app):
    return next(t for t in app.screen("home").ids.tiles.children if t.target == "enterprise")


def look_up(app, scr=None, code: str = JIANGUO):
    """Type the code on the USCC keypad (the lookup starts by itself at 18 valid characters)."""
    scr = scr or open_enterprise(app)
    pad = scr.ids.keypad
    pad.value = ""
    for ch in code[:-1]:
        pad.press(ch)
    advance_frames(3)
    tap(pad.key_widget(code[-1]))
    assert pad.value == code
    return scr


def lookup_fails_with(app, scr, words: str):
    """On the enterprise screen the citizen opened before the fault: the lookup fails with `words`."""
    scr = look_up(app, scr)
    wait_until(lambda: not scr.busy, 20, "the lookup to fail")
    assert scr.ids.message.text == words
    assert scr.stage == "input" and scr.enterprise is None
    return scr


def lookup_works(app):
    scr = look_up(app)
    wait_until(lambda: scr.stage == "result", 15, "the enterprise card")
    assert scr.ids.name.text == "济南市槐荫区建国小吃店"
    app.home()
    return scr


def feedback_at_review(app):
    """诉求反馈 through its steps (keypad keys pressed through their handler), up to 确认提交."""
    app.go("feedback")
    scr = app.screen("feedback")
    advance_frames(2)
    for msgid in ("融资信贷", "贷款难", "缺少抵押担保"):
        scr.buttons[msgid].dispatch("on_release")
    scr.next()
    for ch in PHONE:
        scr.keypad.press(ch)
    scr.next()
    scr.skip_uscc()
    assert scr.step == "extra"          # the optional free text (手写 / 拼音)
    scr.skip()
    assert scr.step == "review"
    return scr


def submit_feedback(app) -> str:
    """A feedback filled in and submitted: its tracking number."""
    scr = feedback_at_review(app)
    tap(scr.ids.next_button)
    wait_until(lambda: scr.step == "done", 10, "the tracking number")
    assert is_tracking_no(scr.tracking_no) and scr.buttons["tracking_no"].text == scr.tracking_no
    close_print_dialog()          # the receipt with the number prints whatever the network does
    return scr.tracking_no


def close_print_dialog() -> None:
    wait_until(lambda: print_dialog() is not None and print_dialog().status == "printed", 20, "receipt printed")
    tap(print_dialog().ids.close_button)
    assert print_dialog() is None


def evaluate_satisfied(app) -> None:
    """完成 on the feedback's last step opens 好差评 for it; 满意, submitted."""
    tap(app.screen("feedback").ids.next_button)
    assert app.current_screen == "evaluation"
    wait_until(lambda: not app.sm.transition.is_active, 5, "the screen change")
    scr = app.screen("evaluation")
    advance_frames(2)
    tap(scr.buttons["满意"])
    tap(scr.ids.submit_button)
    wait_until(lambda: scr.step == "thanks", 10, "thanks")


def call_helper(app) -> str:
    tap(app.root.ids.help_button)
    scr = app.screen("help")
    # "sending" is also where a fresh screen starts: the call is made once it has its record's key.
    wait_until(lambda: scr.status in ("queued", "sending") and scr._key, 10, "help queued")
    return scr._key


def arrived_once(api, kind: str, field: str, value: str) -> None:
    wait_until(lambda: any(r.get(field) == value for r in api.received(kind)), 15, f"{kind} delivery")
    run_for(0.5)      # a duplicate would come right behind
    assert [r.get(field) for r in api.received(kind)].count(value) == 1


def log_has(caplog, *words: str) -> bool:
    return any(all(w in r.getMessage() for w in words) for r in caplog.records)


# ---------------------------------------------------------------------------------------------- API down

def test_api_down_then_back(fault_app, logs):
    app = fault_app
    svc = app.services
    api = svc.demo.api_server
    svc.outbox.base_delay = 60.0     # a long backoff: recovery must not wait it out
    scr = open_enterprise(app)       # the citizen is on a screen that needs the API when it goes
    api.stop()
    lookup_fails_with(app, scr, NET_DOWN)
    frames_keep_running()
    tap(app.root.ids.back_button)
    assert app.current_screen == "home"

    # Technician: the API line says down with the connection error, and the log has it.
    wait_until(lambda: svc.states["api"] == "down", 10, "api down")
    line = technician_sees(app)
    assert "：down" in line and "连接异常" in line and "ConnectionError" in line
    # The health check logs it on its next round (the state may have gone down with the lookup first).
    wait_until(lambda: log_has(logs, "API GET /v1/health failed", "ConnectionError"), 15, "the health check's log line")

    # Citizen: a banner, and the functions that need the API say so on their tiles.
    wait_until(lambda: not app.api_ok and any(BANNER in t for t in banner_texts(app)), 5, "banner")
    assert enterprise_tile(app).disabled and "网络暂不可用" in enterprise_tile(app).text

    # Nothing lost: feedback (its number at once), an evaluation and a help call are queued.
    tn = submit_feedback(app)
    evaluate_satisfied(app)
    app.home()
    help_key = call_helper(app)
    assert app.screen("help").status == "queued"
    run_for(0.5)
    assert svc.outbox.depth() >= 3

    # Recovery: the server is back on the same address; no retry_now from the test.
    api.start()
    wait_until(lambda: app.api_ok and not any(BANNER in t for t in banner_texts(app)), 10, "api back")
    arrived_once(api, "feedback", "tracking_no", tn)
    arrived_once(api, "evaluations", "transaction_id", f"feedback:{tn}")
    arrived_once(api, "help_requests", "screen", "home")
    wait_until(lambda: app.screen("help").status == "delivered", 5, "help delivered shown")
    assert help_key
    assert "正常" in technician_sees(app)
    lookup_works(app)


# ---------------------------------------------------------------------------------------------- errors

# name -> (switch the fault on, named error, words on screen, what the technician's line shows)
ERRORS = {
    "http500": (lambda f: (setattr(f, "error_status", 500), setattr(f, "error_rate", 1.0)),
                Unavailable, NET_DOWN, "HTTP 500"),
    "http503": (lambda f: setattr(f, "error_rate", 1.0), Unavailable, NET_DOWN, "HTTP 503"),
    "dropped": (lambda f: setattr(f, "drop", True), Unavailable, NET_DOWN, "Connection aborted"),
    "read_timeout": (lambda f: setattr(f, "latency", 1.5), Unavailable, NET_DOWN, "Timeout"),
    "garbage": (lambda f: setattr(f, "garbage", True), BadResponse, BAD_ANSWER, "body is not JSON"),
    "wrong_shape": (lambda f: setattr(f, "wrong_shape", True), BadResponse, BAD_ANSWER, "does not match"),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_api_error_is_named_said_and_recovered(fault_app, logs, name):
    switch_on, error, words, tech = ERRORS[name]
    app = fault_app
    svc = app.services
    api = svc.demo.api_server
    scr = open_enterprise(app)
    switch_on(api.faults)
    # The health loop notices; the banner it raises moves the screen down under the citizen's finger.
    wait_until(lambda: svc.states["api"] == "down" and tech in (svc.details.get("api") or ""), 10, "api state")
    wait_until(lambda: any(BANNER in t for t in banner_texts(app)), 5, "banner")

    # Citizen: the plain words for this kind of failure, never 未查询到.
    lookup_fails_with(app, scr, words)
    assert scr.ids.message.text != NOT_FOUND
    frames_keep_running()
    tap(app.root.ids.home_button)

    # The named error at the client, with a detail for the log.
    with pytest.raises(error) as caught:
        svc.api.enterprise(JIANGUO)
    assert type(caught.value) is error and tech in caught.value.detail

    # Nothing lost: a feedback submitted now is kept and numbered at once.
    tn = submit_feedback(app)

    # Technician: the API line has the error; the log has a line naming it.
    line = technician_sees(app)
    assert "：down" in line and "连接异常" in line and tech in line
    assert log_has(logs, tech)
    assert not any(r.get("tracking_no") == tn for r in api.received("feedback"))

    # Recovery without a restart.
    api.faults.reset()
    wait_until(lambda: svc.states["api"] == "ok" and app.api_ok, 10, "api back")
    arrived_once(api, "feedback", "tracking_no", tn)
    assert "正常" in technician_sees(app)
    lookup_works(app)


def test_not_found_is_told_apart_from_a_network_fault(fault_app):
    """未查询到 is an answer, not a fault: the API stays ok and the words differ from 网络异常."""
    app = fault_app
    from kiosk.demo_api.seed import make_uscc

    scr = open_enterprise(app)
    code = make_uscc("91", "370104", "MA3Q0Q0Q")
    scr.ids.keypad.value = ""
    for ch in code:
        scr.ids.keypad.press(ch)
    wait_until(lambda: not scr.busy, 15, "the answer")
    assert scr.ids.message.text == NOT_FOUND
    run_for(0.5)
    assert app.services.states["api"] == "ok" and app.api_ok
    assert not any(BANNER in t for t in banner_texts(app))


# ---------------------------------------------------------------------------------------------- slow

def test_slow_answer_keeps_the_screen_responsive_and_does_not_clobber(tmp_path, logs):
    """The app's real read timeout (10 s) and an answer just inside it."""
    cfg = Config.demo(str(tmp_path / "data"))
    assert cfg.api.read_timeout == 10.0
    with running_app(cfg) as app:
        api = app.services.demo.api_server
        client = app.services.api
        api.faults.latency = cfg.api.read_timeout - 0.5

        # Citizen leaves with 首页 while the lookup is outstanding.
        scr = look_up(app)
        assert scr.busy and scr.ids.message.text == "正在查询，请稍候…"
        assert scr.ids.keypad.disabled and scr.ids.search_button.disabled
        frames_keep_running()
        started = client.last_latency_ms
        tap(app.root.ids.home_button)
        assert app.current_screen == "home" and not app.session.active
        wait_until(lambda: client.last_latency_ms != started and client.last_latency_ms > 9000, 15,
                   "the late answer")
        run_for(0.3)
        assert app.current_screen == "home" and not dialogs()
        assert scr.enterprise is None and scr.stage == "input" and scr.code == "" and not scr.busy

        # Citizen leaves with 返回 and goes on to another screen; the late answer lands behind it.
        scr = look_up(app)
        assert scr.busy
        tap(app.root.ids.back_button)
        assert app.current_screen == "home"
        app.go("feedback")
        fb = app.screen("feedback")
        fb.buttons["融资信贷"].dispatch("on_release")
        started = client.last_latency_ms
        wait_until(lambda: client.last_latency_ms != started and client.last_latency_ms > 9000, 15,
                   "the late answer")
        run_for(0.3)
        assert app.current_screen == "feedback" and fb.step == "type" and not dialogs()

        # Technician: slow is not down; the latency is there to see.
        assert app.services.states["api"] == "ok"
        assert "响应" in technician_sees(app)

        api.faults.reset()
        lookup_works(app)


# ---------------------------------------------------------------------------------------------- TLS

def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="module")
def certs(tmp_path_factory):
    """A CA that signed the server's certificate for 127.0.0.1, and another CA that did not."""
    d = tmp_path_factory.mktemp("certs")
    for ca in ("ca", "other-ca"):
        _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", f"/CN=kiosk test {ca}",
                 "-keyout", f"{ca}.key", "-out", f"{ca}.pem", cwd=d)
    (d / "san.ext").write_text("subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n")
    _openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", "server.key",
             "-out", "server.csr", cwd=d)
    _openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
             "-days", "2", "-extfile", "san.ext", "-out", "server.pem", cwd=d)
    return d


@pytest.fixture
def tls_server(certs, tmp_path):
    from kiosk.demo_api import DemoServer

    srv = DemoServer(host="127.0.0.1", port=0, token="demo-token", data_dir=str(tmp_path / "api"),
                     ssl_certfile=str(certs / "server.pem"), ssl_keyfile=str(certs / "server.key"))
    srv.start()
    try:
        yield srv
    finally:
        srv.stop()


def test_tls_failure_is_named_and_a_restart_with_the_right_ca_recovers(tmp_path, certs, tls_server,
                                                                      fast_health, logs):
    base = short_timeouts(Config.demo(str(tmp_path / "data")))
    wrong = replace(base, api=replace(base.api, base_url=tls_server.base_url, ca_bundle=str(certs / "other-ca.pem")))
    with running_app(wrong, wait_api=False) as app:
        svc = app.services
        wait_until(lambda: svc.states["api"] == "down", 10, "api down")
        with pytest.raises(TlsFailure) as caught:
            svc.api.health()
        assert "TLS" in caught.value.detail and "certificate verify failed" in caught.value.detail
        assert caught.value.code == "api.unavailable"

        # Citizen: banner and 网络异常; a feedback is still taken and numbered.
        assert any(BANNER in t for t in banner_texts(app))
        assert enterprise_tile(app).disabled and "网络暂不可用" in enterprise_tile(app).text
        tn = submit_feedback(app)

        # Technician: "TLS" in the API line's error, and in the log.
        line = technician_sees(app)
        assert "连接异常：TLS failure" in line
        assert log_has(logs, "TLS failure")
        assert tls_server.received("feedback") == []

    # The CA bundle is read when the client is made: recovery is a restart with the right one.
    right = replace(wrong, api=replace(wrong.api, ca_bundle=str(certs / "ca.pem")))
    with running_app(right) as app:
        arrived_once(tls_server, "feedback", "tracking_no", tn)
        line = technician_sees(app)
        assert "TLS 已校验" in line and "正常" in line
        lookup_works(app)


# ---------------------------------------------------------------------------------------------- disk full

@pytest.fixture
def small_disk(tmp_path):
    """A 64 MB tmpfs for the data directory (root only), and a way to fill it up and free it again."""
    mnt = tmp_path / "data"
    mnt.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(mnt)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here (needs root): {done.stderr.decode().strip()}")
    filler = mnt / "filler"

    class Disk:
        path = mnt

        @staticmethod
        def fill() -> None:
            with open(filler, "ab", buffering=0) as f:
                try:
                    while True:
                        f.write(b"\0" * 65536)
                except OSError as e:
                    assert e.errno == errno.ENOSPC
            assert os.statvfs(mnt).f_bavail == 0

        @staticmethod
        def free() -> None:
            filler.unlink()

    try:
        yield Disk
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def test_disk_full_outbox_says_so_keeps_the_form_and_the_same_submission_goes_through(small_disk, fast_health,
                                                                                   logs):
    cfg = short_timeouts(Config.demo(str(small_disk.path)))
    with running_app(cfg) as app:
        api = app.services.demo.api_server
        scr = feedback_at_review(app)
        before = len(api.received("feedback"))

        small_disk.fill()
        tap(scr.ids.next_button)
        wait_until(lambda: dialogs(), 10, "the error dialog")
        dialog = dialogs()[0]
        assert "抱歉，您的诉求暂时无法保存" in dialog.message and "请呼叫帮办" in dialog.message
        # The form keeps what the citizen chose and typed; 确认提交 is there to press again.
        assert scr.step == "review" and scr.phone == PHONE and scr.phrases == ["缺少抵押担保"]
        assert scr.category == "融资信贷" and scr.problem == "贷款难" and scr.tracking_no == ""
        assert not scr.busy and not scr.ids.next_button.disabled
        frames_keep_running()
        # Technician: an error line saying the outbox cannot store it, and why.
        assert any(r.levelno >= logging.ERROR and "outbox" in r.getMessage()
                   and "database or disk is full" in r.getMessage() for r in logs.records)
        tap(dialog.ids.ok)
        advance_frames(2)
        assert not dialogs()

        small_disk.free()
        tap(scr.ids.next_button)
        wait_until(lambda: scr.step == "done", 10, "the tracking number")
        tn = scr.tracking_no
        arrived_once(api, "feedback", "tracking_no", tn)
        assert len(api.received("feedback")) == before + 1
