"""技术维护 as rules, without a window: the status block from real services in demo mode (simulators on
ptys, the demo API), a refused port, and the masked test read."""

from __future__ import annotations

from datetime import date

import pytest

from drivers.a4 import A4JobFailed
from drivers.idcard import IdentityCard
from kiosk.config import Config
from kiosk.flows.diagnostics import DiagnosticsFlow, card_line
from kiosk.flows.runners import InlineRunner
from kiosk.services import Services


@pytest.fixture
def services(tmp_path):
    svc = Services(Config.demo(str(tmp_path)))
    svc.start(post=lambda fn: fn())
    assert svc.ready.wait(20)
    try:
        yield svc
    finally:
        svc.stop()


@pytest.fixture
def flow(deps, services):
    deps.runner = InlineRunner()
    deps.services = lambda: services
    audit: list = []
    deps.audit = lambda what, detail="": audit.append((what, detail))
    f = DiagnosticsFlow(deps)
    f.audit_log = audit
    return f


def test_status_names_every_part(flow):
    flow.refresh()
    text = "\n".join(flow.status)
    for part in ("终端", "打印机", "读卡器", "中心接口", "待发送", "系统"):
        assert part in text, part


def test_a_port_that_is_not_a_device_is_refused_and_audited(flow, services, tmp_path):
    before = services.cfg.printer.port
    flow.reassign("printer", str(tmp_path / "no-such-tty"))
    assert flow.note and "已改为" not in flow.note
    assert services.cfg.printer.port == before
    assert flow.audit_log == [("reassign_port", f"printer -> {tmp_path / 'no-such-tty'}")]


def test_test_read_is_masked_and_wiped_with_the_session(flow):
    # A synthetic number with a valid check character (not a real person).
    from kiosk.validators import is_valid_id_number

    assert is_valid_id_number("370104198001010018")
    card = IdentityCard(card_type="resident", name="王小明", gender="男", nation="汉", birth_date=date(1980, 1, 1),
                        address="山东省济南市槐荫区经四路1号", id_number="370104198001010018",
                        issuer="济南市公安局槐荫分局", valid_from=date(2018, 6, 1), valid_until=None)
    flow.card_read(card)
    assert "王小明" not in flow.card_text and "370104198001010018" not in flow.card_text
    assert card_line(card) == flow.card_text and "长期" in flow.card_text
    flow.reset()
    assert flow.card_text == ""


def test_a_new_visit_shows_nothing_of_the_last_one_until_asked_afresh(deps, services):
    from kiosk.flows.runners import ManualRunner

    deps.runner = ManualRunner()
    deps.services = lambda: services
    flow = DiagnosticsFlow(deps)
    flow.status = ["中心接口 …：down"]          # what an earlier visit saw
    seen = []
    flow.subscribe(lambda: seen.append(list(flow.status)))
    flow.start()
    assert seen[0] == [] and flow.status == []
    deps.runner.run_all()
    assert any(line.startswith("中心接口") and "down" not in line for line in flow.status)


def test_speaker_test_plays_the_sentence_and_names_a_missing_sound_output(flow, tmp_path):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "voice"))
    from voice_helpers import recording_player

    from kiosk.voice import Player

    played = tmp_path / "played.log"
    flow.speaker_test(player=recording_player(played))
    assert flow.note.startswith("扬声器测试：已播放测试语音") and played.read_text().strip().endswith(".wav")
    flow.speaker_test(player=Player("false {file}"))
    assert "没有声音输出设备" in flow.note
    assert [a for a, _ in flow.audit_log].count("speaker_test") == 2


# ---------------------------------------------------------------- the A4 printer, on a real private cupsd

@pytest.fixture
def a4_flow(deps, a4_printer):
    deps.runner = InlineRunner()
    deps.a4 = lambda: a4_printer
    audit: list = []
    deps.audit = lambda what, detail="": audit.append((what, detail))
    f = DiagnosticsFlow(deps)
    f.audit_log = audit
    return f


def test_no_a4_printer_is_not_asked_and_says_so(deps):
    deps.runner = InlineRunner()
    flow = DiagnosticsFlow(deps)
    flow.refresh_a4()
    flow.a4_test_page()
    assert (flow.a4_configured, flow.a4, flow.a4_note) == (False, None, None)


def test_the_a4_panel_shows_the_queue_idle_and_its_test_page_completed(a4_flow, a4_printer, a4_queue):
    a4_flow.refresh_a4()
    view = a4_flow.a4
    assert (view.queue, view.status.state, view.status.ready, view.jobs, view.error) == (
        a4_queue.name, "idle", True, (), None)
    a4_flow.a4_test_page()
    assert a4_flow.a4_note.msgid.startswith("A4 测试页已发送")
    job_id = a4_flow.a4_note.values["id"]
    assert a4_printer.wait(job_id, 60).state == "completed"
    a4_flow.refresh_a4()
    assert [(j.job_id, j.state) for j in a4_flow.a4.jobs] == [(job_id, "completed")]
    assert a4_flow.audit_log == [("a4_test_page", a4_queue.name)]
    a4_queue.pdf_of(job_id)                      # and it came out


def test_a_disabled_queue_shows_its_reason_and_the_test_page_is_refused_in_words(a4_flow, a4_queue):
    from kiosk.a4 import status_words

    a4_queue.lp("cupsdisable", a4_queue.name)
    a4_flow.refresh_a4()
    assert a4_flow.a4.status.ready is False
    assert "队列已暂停" in status_words(a4_flow.a4.status).render("zh_CN")
    assert "queue paused" in status_words(a4_flow.a4.status).render("en")
    a4_flow.a4_test_page()
    assert a4_flow.a4_note.msgid == "A4 打印机暂时无法打印（缺纸、卡纸或已暂停），请联系工作人员"
    assert a4_flow.a4.jobs == ()


def test_out_of_paper_and_toner_low_are_shown_in_plain_words_with_the_supplies(a4_flow, a4_printer, a4_queue):
    from kiosk.a4 import marker_words, status_words

    a4_queue.fault("ATTR: marker-names='Black Toner' marker-types=toner marker-levels=4 marker-low-levels=10",
                   "STATE: +toner-low-warning", "STATE: +media-empty-error", exit_code=4)
    a4_flow.a4_test_page()
    with pytest.raises(A4JobFailed):
        a4_printer.wait(a4_flow.a4_note.values["id"], 60)
    a4_flow.refresh_a4()
    view = a4_flow.a4
    assert status_words(view.status).render("zh_CN") == "已停止，不能打印；墨粉不足；缺纸；队列已暂停"
    assert status_words(view.status).render("en") == ("stopped, cannot print; toner low; out of paper; "
                                                      "queue paused")
    assert [marker_words(m).render("zh_CN") for m in view.status.markers] == ["Black Toner：4%（偏低）"]
    [job] = view.jobs
    assert job.state == "pending"                 # kept: it prints once paper is in and the queue enabled


def test_a_held_job_is_listed_with_release_and_prints_once_released(a4_flow, a4_printer, a4_queue, tmp_path):
    from drivers.a4.testpage import render_test_page
    from kiosk.flows.diagnostics import a4_action

    page = tmp_path / "p.pdf"
    page.write_bytes(render_test_page(a4_queue.name, when=0))
    out = a4_queue.lp("lp", "-d", a4_queue.name, "-H", "hold", "-t", "licence", str(page))
    job_id = int(out.split(f"{a4_queue.name}-")[1].split()[0])
    a4_flow.refresh_a4()
    [job] = a4_flow.a4.jobs
    assert (job.job_id, job.state, a4_action(job)) == (job_id, "held", "release")
    a4_flow.a4_release(job_id)
    assert a4_flow.a4_note.msgid == "任务 {id} 已放行"
    assert a4_printer.wait(job_id, 60).state == "completed"
    a4_flow.a4_reprint(job_id)                   # a completed job: printed again from the kept document
    assert a4_flow.a4_note.msgid == "任务 {id} 已重新打印"
    assert a4_printer.wait(job_id, 60).state == "completed"
    assert [w for w, _ in a4_flow.audit_log] == ["a4_release", "a4_reprint"]


def test_cupsd_down_is_shown_in_words_not_raised(deps):
    from drivers.a4.cups_printer import CupsPrinter

    deps.runner = InlineRunner()
    deps.a4 = lambda: CupsPrinter("gone", server="/nonexistent/cups.sock")
    flow = DiagnosticsFlow(deps)
    flow.refresh_a4()
    assert (flow.a4.status, flow.a4.jobs) == (None, None)
    assert flow.a4.error.msgid == "A4 打印机暂不可用，请联系工作人员" and "cupsd not reachable" in flow.a4.error_detail
    flow.a4_test_page()
    assert flow.a4_note.msgid == "A4 打印机暂不可用，请联系工作人员"
