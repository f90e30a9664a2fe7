"""CUPS' keywords in plain words, Chinese first and English from the catalog (kiosk/a4.py)."""

from __future__ import annotations

import pytest

from drivers.a4 import A4Job, A4Status, Marker
from kiosk.a4 import job_words, marker_words, queue_words, reason_words, status_words


@pytest.mark.parametrize("reason, zh, en", [
    ("media-empty-error", "缺纸", "out of paper"), ("media-jam", "卡纸", "paper jam"),
    ("toner-low-warning", "墨粉不足", "toner low"), ("cover-open-report", "机盖打开", "cover open"),
    ("offline-report", "打印机离线", "printer offline"), ("paused", "队列已暂停", "queue paused"),
    ("cups-waiting-for-job-completed", "打印机报告：cups-waiting-for-job-completed",
     "printer reports: cups-waiting-for-job-completed"),
])
def test_reasons(reason, zh, en):
    assert (reason_words(reason).render("zh_CN"), reason_words(reason).render("en")) == (zh, en)


def test_a_status_line_and_the_queue():
    st = A4Status("kiosk-a4", "idle", False, ("media-low-warning",))
    line = queue_words("kiosk-a4", status_words(st))
    assert line.render("zh_CN") == "kiosk-a4：空闲，不能打印，不接收新任务；纸张快用完了"
    assert line.render("en") == "kiosk-a4: idle, cannot print, not accepting jobs; paper running low"


@pytest.mark.parametrize("marker, zh, en", [
    (Marker("Black", "toner", 9, 10), "Black：9%（偏低）", "Black: 9% (low)"),
    (Marker("Black", "toner", 60, 10), "Black：60%", "Black: 60%"),
    (Marker("Drum", "opc", -3), "Drum：有余量", "Drum: some left"),
    (Marker("Waste", "waste-toner", -1), "Waste：未知", "Waste: unknown"),
])
def test_supplies(marker, zh, en):
    assert (marker_words(marker).render("zh_CN"), marker_words(marker).render("en")) == (zh, en)


def test_jobs_say_why_they_did_not_print_and_stale_reasons_of_waiting_jobs_are_left_out():
    held = A4Job(7, "营业执照", "held", ("job-hold-until-specified",))
    assert job_words(held).render("zh_CN") == "任务 7  营业执照  已挂起（等待放行）"
    assert job_words(held).render("en") == "Job 7  营业执照  held (waiting to be released)"
    pending = A4Job(8, "x", "pending", ("job-printing",))
    assert job_words(pending).render("zh_CN") == "任务 8  x  排队中"
