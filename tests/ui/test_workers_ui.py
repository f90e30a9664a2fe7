"""The off-thread helper hands results and errors back on the Kivy main thread."""

import threading
import time

from kivyhelp import wait_until

from kiosk.workers import Worker
from screens.glue import kivy_post


def test_results_and_errors_arrive_on_the_ui_thread(kiosk_app):
    main = threading.main_thread()
    seen = {}
    w = Worker(kivy_post)

    def slow():
        time.sleep(0.2)
        return "ok"

    started = time.monotonic()
    w.submit(slow, on_result=lambda r: seen.update(result=(r, threading.current_thread() is main)))
    w.submit(lambda: (_ for _ in ()).throw(OSError("port gone")),
             on_error=lambda e: seen.update(error=(str(e), threading.current_thread() is main)))
    assert time.monotonic() - started < 0.1          # submit never waits for the work
    wait_until(lambda: len(seen) == 2, 5, "callbacks")
    assert seen["result"] == ("ok", True)
    assert seen["error"] == ("port gone", True)
    w.shutdown()
