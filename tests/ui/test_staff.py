"""Helper mode and technician diagnostics, driven through the real app in demo mode."""

import threading
from dataclasses import replace

import pytest
from kivyhelp import (
    advance_frames,
    dialogs_settled,
    make_app,
    press,
    print_dialog,
    run_for,
    screenshot,
    stop_app,
    tap,
    wait_until,
)

from drivers.a4.testpage import render_test_page
from kiosk.config import SecuritySection, load_config
from kiosk.security import PinGate, hash_pin
from kiosk.services import Services
from screens.widgets import find_overflows

HELPER_PIN, TECH_PIN = "246813", "1357902468"


@pytest.fixture
def staff_app(tmp_path):
    """Demo mode with a real config file (so port reassignment is written) and staff PINs set."""
    cfg_path = tmp_path / "kiosk.toml"
    cfg_path.write_text(
        f'mode = "demo"\ndata_dir = "{tmp_path / "data"}"\n[api]\nbase_url = "demo"\n[printer]\nport = "sim"\n'
        f'[reader]\nport = "sim"\n[security]\nhelper_pin_hash = "{hash_pin(HELPER_PIN)}"\n'
        f'technician_pin_hash = "{hash_pin(TECH_PIN)}"\n', encoding="utf-8")
    cfg_path.chmod(0o640)
    services = Services(load_config(cfg_path), demo_in_process=True)
    app = make_app(services.cfg, services)
    try:
        wait_until(lambda: services.ready.is_set() and app.printer_ok and app.reader_ok, 20, "services")
        yield app
    finally:
        stop_app(app)


def enter_pin(app, role: str, pin: str) -> None:
    wait_until(lambda: app.sm.current_screen is app.screen("pin") and app.screen("pin").parent is not None, 3,
               "the PIN pad on screen")
    advance_frames(3)          # let the new screen lay out before touching it
    pin_screen = app.screen("pin")
    tap(pin_screen.ids.helper_button if role == "helper" else pin_screen.ids.technician_button)
    assert app.current_screen == "pin" and pin_screen.parent is not None, (app.current_screen, app.sm.current)
    for digit in pin:
        tap(pin_screen.ids.pad.key_widget(digit))
    tap(pin_screen.ids.ok_button)
    # The PIN is checked on the worker pool; its answer comes back through the Clock.
    wait_until(lambda: not pin_screen.busy, 10, "the PIN check")


def test_emblem_hold_opens_the_pin_pad_and_helper_pin_enters_helper_mode(staff_app):
    app = staff_app
    emblem = app.root.ids.emblem
    tap(emblem)                                    # a short tap does nothing
    assert app.current_screen == "home"
    tap(emblem, hold=3.2)                          # the hidden gesture: 3 s on the emblem
    assert app.current_screen == "pin"
    enter_pin(app, "helper", HELPER_PIN)
    assert app.staff_mode == "helper" and app.current_screen == "staff"
    assert any("帮办模式" in w.text for w in app.root.ids.banners.children)
    assert find_overflows(app.root) == []
    screenshot("staff-helper-mode")
    tap(app.screen("staff").ids.leave_button)
    assert app.staff_mode == "" and app.current_screen == "home"


def test_five_wrong_pins_lock_the_pad_even_after_restart_and_the_center_hears_of_it(staff_app):
    app = staff_app
    app.request_staff_mode()
    app.pin_gate.clock = lambda: 1_800_000_000.0   # the lock must not run out while the test taps
    for i in range(4):
        enter_pin(app, "technician", "000000")
        assert app.screen("pin").message == f"密码错误，还可以再试 {4 - i} 次。"
    enter_pin(app, "helper", "000000")
    assert app.staff_mode == ""
    assert app.screen("pin").message == "输入错误次数过多，请 1 分钟后再试。"
    assert app.current_screen == "pin", app.current_screen
    enter_pin(app, "technician", TECH_PIN)           # even the right PIN is refused while locked
    assert app.staff_mode == ""
    restarted = PinGate.for_data_dir(app.cfg.data_dir, clock=app.pin_gate.clock)
    assert restarted.seconds_locked() == 60 and restarted.failures == 5
    # The lockout went through the outbox to the central API (the demo server here).
    api = app.services.demo.api_server
    wait_until(lambda: len(api.received("security_events")) == 1, 15, "the lockout report")
    event = api.received("security_events")[0]
    assert (event["kind"], event["role"], event["failures"]) == ("pin_lockout", "helper", 5)
    assert event["terminal_id"] == app.cfg.terminal.id


def test_the_pin_is_checked_off_the_ui_thread_while_the_pad_shows_it_is_busy(staff_app):
    app = staff_app
    app.request_staff_mode()
    gate, checked_on, release = app.pin_gate, [], threading.Event()
    real_try = gate.try_pin

    def held_try(role, pin, stored):   # the real check, held until the test has looked at the pad
        checked_on.append(threading.current_thread())
        assert release.wait(10)
        return real_try(role, pin, stored)

    gate.try_pin = held_try
    pin_screen = app.screen("pin")
    wait_until(lambda: app.sm.current_screen is pin_screen and pin_screen.parent is not None, 3, "the PIN pad")
    advance_frames(3)
    tap(pin_screen.ids.helper_button)
    for digit in HELPER_PIN:
        tap(pin_screen.ids.pad.key_widget(digit))
    tap(pin_screen.ids.ok_button)
    try:
        wait_until(lambda: checked_on, 5, "the check to start")
        run_for(0.2)                   # the UI keeps drawing frames meanwhile
        assert checked_on[0] is not threading.main_thread()
        assert pin_screen.busy and pin_screen.message == "正在验证…"
        assert pin_screen.ids.ok_button.disabled and pin_screen.ids.pad.disabled
        assert pin_screen.ids.technician_button.disabled
        assert app.staff_mode == ""
    finally:
        release.set()
    wait_until(lambda: app.staff_mode == "helper", 10, "helper mode")
    assert not pin_screen.busy


def test_fewer_than_six_digits_cannot_be_sent(staff_app):
    app = staff_app
    app.request_staff_mode()
    pin_screen = app.screen("pin")
    wait_until(lambda: app.sm.current_screen is pin_screen and pin_screen.parent is not None, 3, "the PIN pad")
    advance_frames(3)
    tap(pin_screen.ids.helper_button)
    for digit in "24681":
        tap(pin_screen.ids.pad.key_widget(digit))
    assert pin_screen.ids.ok_button.disabled
    tap(pin_screen.ids.pad.key_widget("3"))
    assert not pin_screen.ids.ok_button.disabled


def close_print_dialogs() -> None:
    """As a person does: 知道了 once the dialog has finished appearing, then on only when it has gone (in
    CI, with a soak beside it, the helper's PIN screen once still lay under the print dialog for 10 s)."""
    wait_until(dialogs_settled, 5, "the print dialog to finish appearing")
    while (dialog := print_dialog()) is not None:
        tap(dialog.ids.close_button)
        wait_until(lambda d=dialog: d.parent is None, 5, "the print dialog to close")


def test_helper_reprints_a_receipt_and_handles_a_help_request(staff_app):
    from kiosk.receipts import templates

    app = staff_app
    sim = app.services.demo.printer_sim
    app.print_receipt(templates.test_page(terminal_id="T", version="1"), "test", "test page")
    wait_until(lambda: len(sim.jobs) == 1, 20, "first print")
    app.call(lambda: app.services.api.create_help_request(reason="需要帮助", screen="home"), lambda r: None)
    from kivy.core.window import Window

    from screens.dialogs.print_dialog import PrintDialog

    wait_until(lambda: any(isinstance(w, PrintDialog) and w.status == "printed" for w in Window.children), 10,
               "printed")
    close_print_dialogs()
    app.request_staff_mode()
    enter_pin(app, "helper", HELPER_PIN)
    staff = app.screen("staff")
    wait_until(lambda: any("补打" in getattr(w, "text", "") for w in staff.ids.jobs.children), 10, "jobs")
    wait_until(lambda: any("标记已处理" in getattr(w, "text", "") for w in staff.ids.requests.children), 10,
               "help request")
    reprint = next(w for w in staff.ids.jobs.children if "补打" in w.text)
    tap(reprint)
    wait_until(lambda: len(sim.jobs) == 2, 20, "reprint")
    wait_until(lambda: any(isinstance(w, PrintDialog) and w.status == "printed" for w in Window.children), 10,
               "reprint dialog")
    close_print_dialogs()
    tap(next(w for w in staff.ids.requests.children if "标记已处理" in w.text))
    wait_until(lambda: any("没有待处理" in getattr(w, "text", "") for w in staff.ids.requests.children), 10,
               "handled")


def test_diagnostics_show_a_printer_fault_and_reader_unplug_within_2_s(staff_app):
    app = staff_app
    app.request_staff_mode()
    enter_pin(app, "technician", TECH_PIN)
    assert app.current_screen == "diagnostics"
    diag = app.screen("diagnostics")
    wait_until(lambda: "打印机" in diag.status_text, 5, "status")
    app.services.demo.printer_sim.set_paper("out")
    wait_until(lambda: "缺纸" in diag.status_text, 2.5, "paper out shown")
    app.services.demo.reader_sim.unplug()
    wait_until(lambda: "读卡器" in diag.status_text and ("未连接" in diag.status_text or "断开" in diag.status_text
                                                          or "not_connected" in diag.status_text),
               2.5, "reader unplug shown")
    screenshot("diagnostics-faults")
    app.services.demo.reader_sim.replug()
    app.services.demo.printer_sim.set_paper("ok")


def test_diagnostics_show_the_a4_printer_its_faults_and_jobs_and_print_its_test_page(staff_app):
    """Demo mode's A4 printer is a real private cupsd with a cups-pdf queue (kiosk-demo-pdf)."""
    app = staff_app
    cupsd = app.services.demo.cupsd
    assert cupsd is not None and app.services.a4.queue == "kiosk-demo-pdf"
    app.request_staff_mode()
    enter_pin(app, "technician", TECH_PIN)
    diag = app.screen("diagnostics")
    wait_until(lambda: "kiosk-demo-pdf：空闲，可以打印" in diag.a4_text, 10, "the A4 printer idle")
    assert "（没有打印任务）" in _texts(diag.ids.a4_jobs)
    press(diag.ids.a4_test_page_button)
    wait_until(lambda: diag.a4_note.startswith("A4 测试页已发送"), 10, "test page sent")
    wait_until(lambda: "A4 test page  已完成" in _texts(diag.ids.a4_jobs), 60, "test page printed")
    assert len(list((app.cfg.data_path / "a4-pdf").glob("*job_1.pdf"))) == 1      # where the demo prints

    cupsd.lp("cupsdisable", "-r", "换纸", "kiosk-demo-pdf")
    wait_until(lambda: "已停止，不能打印；队列已暂停" in diag.a4_text and "换纸" in diag.a4_text, 10,
               "the stopped queue shown")
    press(diag.ids.a4_test_page_button)
    wait_until(lambda: diag.a4_note == "A4 打印机暂时无法打印（缺纸、卡纸或已暂停），请联系工作人员", 10,
               "test page refused in words")
    cupsd.lp("cupsenable", "kiosk-demo-pdf")
    held = app.cfg.data_path / "held.pdf"
    held.write_bytes(render_test_page("kiosk-demo-pdf", when=0))
    cupsd.lp("lp", "-d", "kiosk-demo-pdf", "-H", "hold", "-t", "licence", str(held))
    wait_until(lambda: _button(diag.ids.a4_jobs, "放行") is not None, 10, "the held job with its release button")
    screenshot("diagnostics-a4")
    app.set_language("en")
    wait_until(lambda: "kiosk-demo-pdf: idle, can print" in diag.a4_text
               and _button(diag.ids.a4_jobs, "Release") is not None, 10, "English")
    assert find_overflows(app.root) == []
    advance_frames(3)          # the rows just drawn in English lay out before press() scrolls to one
    press(_button(diag.ids.a4_jobs, "Release"))
    wait_until(lambda: "licence  completed" in _texts(diag.ids.a4_jobs), 60, "released and printed")
    app.set_language("zh_CN")


def _texts(box) -> str:
    return "\n".join(getattr(w, "text", "") for w in box.walk(restrict=True))


def _button(box, text: str):
    from screens.widgets import KButton

    return next((w for w in box.walk(restrict=True) if isinstance(w, KButton) and w.text == text), None)


def test_port_reassignment_is_written_and_takes_effect(staff_app, tmp_path):
    from drivers.sim.printer import PrinterSimulator

    app = staff_app
    second = PrinterSimulator(baudrate=19200, link_dir=str(tmp_path / "second"), out_dir=str(tmp_path / "jobs2"))
    (tmp_path / "second").mkdir(exist_ok=True)
    port = second.start()
    try:
        app.request_staff_mode()
        enter_pin(app, "technician", TECH_PIN)
        diag = app.screen("diagnostics")
        diag.reassign("printer", port)
        wait_until(lambda: "已写入配置文件" in diag.note, 10, "reassigned")
        assert load_config(app.cfg.path if app.cfg.path else app.services.cfg.path).printer.port == port
        wait_until(lambda: app.printer_ok, 10, "new printer ready")
        tap(diag.ids.test_print_button)
        assert second.wait_for_jobs(1, 20)
        diag.reassign("reader", "/dev/definitely-not-here")
        wait_until(lambda: "没有改成" in diag.note or "不存在" in diag.note or "找不到" in diag.note, 10,
                   "bad port refused")
    finally:
        second.stop()


def test_staff_mode_leaves_by_itself_when_idle(staff_app):
    app = staff_app
    app.cfg = replace(app.cfg, session=replace(app.cfg.session, staff_idle_seconds=3.0))
    app.request_staff_mode()
    enter_pin(app, "helper", HELPER_PIN)
    assert app.staff_mode == "helper"
    run_for(4.5)
    assert app.staff_mode == "" and app.current_screen == "home"


def test_config_keeps_security_section_type():
    assert SecuritySection().helper_pin_hash == ""
