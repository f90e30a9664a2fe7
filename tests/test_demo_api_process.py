"""Demo mode's central API in a process of its own: it answers over real HTTP, stops when asked, and
never outlives the kiosk that started it, even one killed without a word."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from processes import gone

from kiosk.demo_api.process import DemoApiError, DemoApiProcess

ROOT = Path(__file__).resolve().parents[1]




def test_it_answers_and_stops_when_asked(tmp_path):
    api = DemoApiProcess(token="t0ken", data_dir=tmp_path / "api", log_path=tmp_path / "api.log")
    url = api.start()
    pid = api.pid
    try:
        assert url.startswith("http://127.0.0.1:") and pid != os.getpid()
        req = urllib.request.Request(f"{url}/v1/health", headers={"Authorization": "Bearer t0ken"})
        with urllib.request.urlopen(req, timeout=10) as resp:
            assert resp.status == 200 and "status" in json.loads(resp.read())
    finally:
        api.stop()
    assert api.pid is None and gone(pid, 10)
    assert (tmp_path / "api.log").exists()
    api.stop()                              # twice is harmless


def test_it_ends_with_a_kiosk_killed_without_a_word(tmp_path):
    script = ("import sys, time\n"
              "from kiosk.demo_api.process import DemoApiProcess\n"
              f"api = DemoApiProcess(data_dir={str(tmp_path / 'api')!r})\n"
              "api.start()\n"
              "print(api.pid, flush=True)\n"
              "time.sleep(600)\n")
    kiosk = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        api_pid = int(kiosk.stdout.readline())
        os.kill(api_pid, 0)                 # running
        kiosk.send_signal(signal.SIGKILL)
        kiosk.wait(10)
        assert gone(api_pid, 15), "the demo API outlived the kiosk"
    finally:
        kiosk.kill()
        kiosk.wait()
        kiosk.stdout.close()


def test_a_server_that_dies_at_start_is_a_named_error_and_its_words_are_in_its_log(tmp_path, monkeypatch):
    broken = tmp_path / "python"
    broken.write_text("#!/bin/sh\necho 'ModuleNotFoundError: No module named fastapi' >&2\nexit 1\n", encoding="utf-8")
    broken.chmod(0o755)
    monkeypatch.setattr(sys, "executable", str(broken))
    api = DemoApiProcess(log_path=tmp_path / "api.log")
    with pytest.raises(DemoApiError) as err:
        api.start(timeout=10)
    assert str(tmp_path / "api.log") in str(err.value) and api.pid is None
    assert "No module named fastapi" in (tmp_path / "api.log").read_text(encoding="utf-8")
