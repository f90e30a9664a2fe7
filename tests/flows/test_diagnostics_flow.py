"""技术维护 as rules, without a window: the status block from real services in demo mode (simulators on
ptys, the demo API), a refused port, and the masked test read."""

from __future__ import annotations

from datetime import date

import pytest

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
