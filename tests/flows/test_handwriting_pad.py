"""The handwriting pad's rules without a window: real strokes (Make Me a Hanzi medians) recognised by
the real Zinnia model through a ManualRunner, only the answer for the strokes on the pad taken, 手写
hidden with a log line when the model is missing, and nothing written ever logged."""

from __future__ import annotations

import logging

import pytest

from kiosk.flows.handwriting import CANDIDATES, HandwritingPad
from kiosk.flows.runners import ManualRunner
from kiosk.handwriting import HandwritingUnavailable
from kiosk.pinyin_ime import gbk_level
from tests.handwriting import strokedata

PAD = 400


def on_pad(ch: str) -> list[list[tuple[float, float]]]:
    """The character's medians scaled from the 1024 box into a PAD-pixel pad, y downwards."""
    return [[(x * PAD / 1024, (y + 124) * PAD / 1024) for x, y in s] for s in strokedata.load(ch)]


def write(pad: HandwritingPad, strokes) -> None:
    for s in strokes:
        pad.begin(*s[0])
        for p in s[1:]:
            pad.extend(*p)
        pad.end()


@pytest.fixture
def pad(hanzi_data) -> HandwritingPad:
    p = HandwritingPad(ManualRunner())
    p.probe()
    p._runner.run_all()
    assert p.available is True
    return p


@pytest.fixture(scope="session")
def hanzi_data():
    # As tests/handwriting/conftest.py: without the stroke data the test fails and says so.
    if not (strokedata.data_dir() / "package.json").exists():
        pytest.fail(f"hanzi-writer-data missing at {strokedata.data_dir()}: run `bash scripts/setup.sh`")
    return strokedata


@pytest.mark.parametrize("ch", ["王", "明", "李"])
def test_real_strokes_give_the_character_among_the_candidates(pad, ch):
    write(pad, on_pad(ch))
    pad.recognise(PAD, PAD)
    assert pad.busy and len(pad._runner.pending) == 1
    pad._runner.run_all()
    assert not pad.busy and ch in pad.candidates[:5], pad.candidates
    assert len(pad.candidates) <= CANDIDATES and all(gbk_level(c) is not None for c in pad.candidates)
    assert pad.take(ch) == ch and pad.strokes == [] and pad.candidates == []
    assert pad.take(ch) == ""                       # not on offer any more


def test_a_new_stroke_drops_the_answer_for_the_strokes_before_it(pad):
    strokes = on_pad("王")
    write(pad, strokes[:2])
    pad.recognise(PAD, PAD)
    old = pad._runner.pending[-1]
    write(pad, strokes[2:3])                        # the finger went on before the answer came
    old.run()
    assert pad.candidates == [] and len(pad.strokes) == 3
    write(pad, strokes[3:])
    pad.recognise(PAD, PAD)
    pad._runner.pending[-1].run()
    assert "王" in pad.candidates[:5]
    late = pad._runner.submit                       # 重写 drops an answer on its way too
    pad.recognise(PAD, PAD)
    pending = pad._runner.pending[-1]
    pad.clear()
    pending.run()
    assert pad.candidates == [] and pad.strokes == [] and late


def test_recognise_waits_for_the_finger_and_an_empty_pad_has_no_candidates(pad):
    pad.begin(10, 10)
    pad.extend(200, 12)
    pad.recognise(PAD, PAD)                         # still down: nothing asked
    assert not pad._runner.pending
    pad.end()
    assert pad.undo_stroke() and pad.strokes == []
    assert pad.undo_stroke() is False               # an empty pad: 退格 is the field's
    pad.recognise(PAD, PAD)
    assert not pad._runner.pending and pad.candidates == []


def test_a_missing_model_hides_handwriting_and_says_why(caplog):
    def missing(*_a, **_k):
        raise HandwritingUnavailable("zinnia model not found: /nowhere (apt-get install tegaki-zinnia-simplified-chinese)")

    runner = ManualRunner()
    pad = HandwritingPad(runner, recognise=missing, probe=lambda: missing())
    seen = []
    pad.subscribe(lambda: seen.append(pad.available))
    with caplog.at_level(logging.WARNING, "kiosk.flows.handwriting"):
        pad.probe()
        runner.run_all()
    assert pad.available is False and seen == [False]
    assert "handwriting pad hidden" in caplog.text and "tegaki-zinnia-simplified-chinese" in caplog.text
    write(pad, on_pad("王"))
    pad.recognise(PAD, PAD)
    assert not runner.pending                       # hidden: nothing asked
    # Found missing only at the first character (the probe said yes): hidden then, said once.
    pad2 = HandwritingPad(runner, recognise=missing, probe=lambda: True)
    pad2.probe()
    runner.run_all()
    write(pad2, on_pad("王"))
    caplog.clear()
    with caplog.at_level(logging.WARNING, "kiosk.flows.handwriting"):
        pad2.recognise(PAD, PAD)
        runner.run_all()
    assert pad2.available is False and caplog.text.count("handwriting pad hidden") == 1


def test_what_is_written_is_never_logged(pad, caplog):
    with caplog.at_level(logging.DEBUG):
        write(pad, on_pad("明"))
        pad.recognise(PAD, PAD)
        pad._runner.run_all()
        pad.take("明")
    assert "明" not in caplog.text
