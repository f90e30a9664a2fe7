import logging
import subprocess
import sys
import threading
import time
from pathlib import Path

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
    from screens.glue import route_kivy_logger

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


# Synthetic numbers (check character computed): 370104 19800101 123X and a 138 mobile.
SYNTHETIC_ID = "37010419800101123X"


def test_uncaught_exception_in_a_worker_thread_is_logged_masked(tmp_path):
    saved = sys.excepthook, threading.excepthook
    try:
        path = setup_logging(tmp_path, "INFO", console=False)

        def work():
            raise RuntimeError(f"lookup of 3701 0419 8001 0112 3X / {SYNTHETIC_ID} for 138-0013-8000 failed")

        t = threading.Thread(target=work, name="lookup-worker")
        t.start()
        t.join(5)
        for h in logging.getLogger().handlers:
            h.flush()
        text = path.read_text(encoding="utf-8")
        assert "uncaught exception in thread lookup-worker" in text
        assert "RuntimeError: lookup of 3701**********123X / 3701**********123X for 138****8000" in text
        assert "Traceback" in text and "in work" in text       # the traceback is kept, only masked
        assert SYNTHETIC_ID not in text and "138-0013-8000" not in text and "3701 0419" not in text
    finally:
        setup_logging(None, "WARNING", console=False)
        sys.excepthook, threading.excepthook = saved


def test_uncaught_exception_in_the_main_thread_is_logged_masked(tmp_path):
    """A real process dies of an exception: its log file and its stderr (the journal) hold it masked."""
    root = Path(__file__).resolve().parents[1]
    code = ("import sys; from pathlib import Path; from kiosk.logging_setup import setup_logging; "
            "setup_logging(Path(sys.argv[1]), 'INFO', console=True); "
            f"raise ValueError('card {SYNTHETIC_ID} rejected')")
    p = subprocess.run([sys.executable, "-c", code, str(tmp_path)], cwd=root, capture_output=True, text=True,
                       timeout=60)
    assert p.returncode == 1
    text = (tmp_path / "logs" / "kiosk.log").read_text(encoding="utf-8")
    for out in (text, p.stderr):
        assert "uncaught exception in the main thread" in out
        assert "ValueError: card 3701**********123X rejected" in out
        assert SYNTHETIC_ID not in out


def test_an_answer_after_shutdown_is_not_delivered():
    """The app stopped while a call was on its way: its screens are gone, nothing may be called."""
    posted = []
    delivered = []
    started = threading.Event()
    release = threading.Event()
    w = Worker(post=posted.append)

    def slow():
        started.set()
        release.wait(5)
        return "late"

    w.submit(slow, delivered.append, delivered.append)
    assert started.wait(5)
    w.shutdown()
    release.set()
    deadline = time.monotonic() + 5
    while not posted and time.monotonic() < deadline:
        time.sleep(0.01)
    assert posted, "the pool still hands the answer to post"
    posted[0]()
    assert delivered == []
