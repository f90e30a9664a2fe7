import logging
import threading

from kiosk.logging_setup import setup_logging
from kiosk.workers import Worker


def test_log_file_masks_id_and_phone(tmp_path):
    path = setup_logging(tmp_path, "DEBUG", console=False)
    log = logging.getLogger("test.masking")
    log.info("card %s read, phone %s", "370101190102039973", "13812345678")
    try:
        raise ValueError("lookup failed for 11010519491231002X")
    except ValueError:
        log.exception("boom")
    for h in logging.getLogger().handlers:
        h.flush()
    text = path.read_text(encoding="utf-8")
    assert "370101190102039973" not in text and "13812345678" not in text
    assert "11010519491231002X" not in text
    assert "3701**********9973" in text and "138****5678" in text and "1101**********002X" in text
    setup_logging(None, "WARNING", console=False)


def test_kivy_logger_goes_through_the_mask(tmp_path):
    from kiosk.logging_setup import route_kivy_logger

    path = setup_logging(tmp_path, "INFO", console=False)
    route_kivy_logger()
    from kivy.logger import Logger

    Logger.info("Test: 370101190102039973")
    for h in logging.getLogger().handlers:
        h.flush()
    text = path.read_text(encoding="utf-8")
    assert "3701**********9973" in text and "370101190102039973" not in text
    setup_logging(None, "WARNING", console=False)


def test_worker_delivers_results_and_errors_through_post():
    posted = []
    done = threading.Event()

    def post(fn):
        posted.append(threading.current_thread().name)
        fn()

    results = []
    w = Worker(post=post)
    w.submit(lambda: 41 + 1, on_result=results.append)
    w.submit(lambda: 1 / 0, on_error=lambda e: (results.append(type(e).__name__), done.set()))
    assert done.wait(5)
    w.shutdown(wait=True)
    assert sorted(map(str, results)) == ["42", "ZeroDivisionError"]
    assert len(posted) == 2          # every result went through post, none called directly
