"""The terminal that loses its power, for test_power_cut.py: the real KioskApp with the real Services,
built from a config file, driven by simulated touches until a queue ticket's print job and a feedback
POST are both in flight. Then it keeps its frame loop running until the parent SIGKILLs it.

    python powercut_child.py CONFIG PHONE USCC

Protocol, one line each way:
    child -> "TICKET <number> <job id>"   the number is taken; its print job went out and came back
                                          unconfirmed (the paper ran out mid-ticket) and waits in the queue
    parent -> any line                    the central API's answers are held now
    child -> "READY <tracking no>"        the feedback is in the outbox; the sender is on its way
    child -> "FAIL <why>"                 something did not go as the test needs (exit code 1)
"""

from __future__ import annotations

import sys
import traceback
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "ui")]

# A Monday morning: the ticket screen gives numbers only in business hours (as test_ticket.py's open_now).
OPEN = datetime.fromisoformat("2026-06-01T10:00:00+08:00")


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def configure_kivy() -> None:
    import os

    # As kiosk.cli: Kivy must not capture stderr, our log handlers write there (else they recurse).
    os.environ["KIVY_LOG_MODE"] = "MIXED"
    from kivy.config import Config as KivyConfig

    KivyConfig.set("graphics", "width", "1920")
    KivyConfig.set("graphics", "height", "1080")
    KivyConfig.set("graphics", "maxfps", "0")
    KivyConfig.set("kivy", "exit_on_escape", "0")
    for key, _ in KivyConfig.items("input"):
        KivyConfig.remove_option("input", key)


def take_ticket(app) -> tuple[str, int]:
    from kivyhelp import tap, wait_until

    tile = next(t for t in app.screen("home").ids.tiles.children if t.target == "ticket")
    tap(tile)
    scr = app.screen("ticket")
    # One queue: 取号, then one of the most common items (the second tap takes the number).
    wait_until(lambda: any("个体工商户设立登记" in b.text for b in scr.ids.popular_grid.children), 15,
               "the common items")
    tap(next(b for b in scr.ids.popular_grid.children if "个体工商户设立登记" in b.text))
    wait_until(lambda: scr.stage == "ticket" and scr.printed_job is not None, 15, "the number and its print job")
    job_id = scr.printed_job
    q = app.services.printq
    # The paper runs out mid-ticket: the after-status says "out", the job is kept for printing again.
    wait_until(lambda: q.state == "out" and q.job(job_id)["state"] == "waiting"
               and q.job(job_id)["attempts"] >= 1, 20, "the ticket's print job to come back unconfirmed")
    return scr.ids.number.text, job_id


def close_print_dialog() -> None:
    from kivy.core.window import Window
    from kivyhelp import tap, wait_until

    from screens.dialogs.print_dialog import PrintDialog

    wait_until(lambda: any(isinstance(w, PrintDialog) for w in Window.children), 10, "the print dialog")
    dialog = next(w for w in Window.children if isinstance(w, PrintDialog))
    wait_until(lambda: dialog.status == "waiting", 10, "the dialog to say the printer waits")
    tap(dialog.ids.close_button)
    wait_until(lambda: not any(isinstance(w, PrintDialog) for w in Window.children), 5, "the dialog to close")


def submit_feedback(app, phone: str, uscc: str) -> str:
    from kivyhelp import advance_frames, press, tap, wait_until

    app.home()
    tap(next(t for t in app.screen("home").ids.tiles.children if t.target == "feedback"))
    scr = app.screen("feedback")
    advance_frames(3)
    press(scr.buttons["融资信贷"])
    press(scr.buttons["贷款难"])
    press(scr.buttons["缺少抵押担保"])
    press(scr.ids.next_button)
    assert scr.step == "phone", scr.step
    press(scr.keypad.key_widget(phone[0]))
    for ch in phone[1:]:
        scr.keypad.press(ch)    # what the key's on_release does: software-GL frames are slow, 11 taps add up
    press(scr.ids.next_button)
    assert scr.step == "uscc", scr.step
    press(scr.keypad.key_widget(uscc[0]))
    for ch in uscc[1:]:
        scr.keypad.press(ch)
    press(scr.ids.next_button)
    assert scr.step == "extra", scr.step          # the optional free text (手写 / 拼音): 跳过
    press(scr.ids.skip_button)
    assert scr.step == "review", scr.step
    press(scr.ids.next_button)                    # 确认提交
    wait_until(lambda: scr.step == "done", 10, "the tracking number")
    return scr.tracking_no


def main(config_path: str, phone: str, uscc: str) -> int:
    configure_kivy()
    from kivyhelp import make_app, run_for, set_window, wait_until

    from kiosk import hours
    from kiosk.config import load_config
    from kiosk.logging_setup import setup_logging
    from kiosk.services import Services
    from screens.glue import register_font, route_kivy_logger

    hours.now = lambda: OPEN
    cfg = load_config(config_path)
    setup_logging(cfg.data_path, cfg.log_level)   # the log file in the data dir, as the terminal has it
    route_kivy_logger()
    register_font()
    services = Services(cfg)
    app = make_app(services.cfg, services)
    # Software GL under Xvfb draws every frame on the CPU: a smaller window keeps each tap's frames short.
    set_window((1280, 720))
    try:
        wait_until(lambda: services.ready.is_set(), 20, "services to start")
        wait_until(lambda: app.api_ok and app.printer_ok, 10, "API and printer ready")
        # The start-up heartbeat goes first: the outbox delivers in order, and the feedback must be the
        # record in flight when the power goes.
        wait_until(lambda: services.outbox.depth() == 0, 10, "the start-up heartbeat to be delivered")
        number, job_id = take_ticket(app)
        close_print_dialog()
        say(f"TICKET {number} {job_id}")
        sys.stdin.readline()                       # the parent holds the central API's answers now
        tracking_no = submit_feedback(app, phone, uscc)
        wait_until(lambda: services.outbox.depth() >= 1, 5, "the feedback in the outbox")
        say(f"READY {tracking_no}")
        while True:                                # the UI keeps running until the power goes
            run_for(0.5)
    except BaseException as e:
        say("FAIL " + " ".join(f"{type(e).__name__}: {e}".split()))
        traceback.print_exc()
        return 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
