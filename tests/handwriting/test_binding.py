"""The ctypes binding against the real libzinnia and Debian's model: loads, recognises, names its errors."""

import threading

import pytest

import kiosk.handwriting as hw
from kiosk.handwriting import preprocess, zinnia
from kiosk.handwriting.zinnia import HandwritingUnavailable, Recognizer


@pytest.fixture
def fresh_module():
    """recognize() with the default model again afterwards, whatever a test configured."""
    yield
    hw.configure(None)


def test_model_loads_with_the_gb2312_hanzi():
    rec = Recognizer()
    assert rec.path == zinnia.DEFAULT_MODEL
    assert rec.size == 6763  # GB2312's 3,755 + 3,008 hanzi
    rec.close()


def test_classify_real_medians_best_first(hanzi_data):
    rec = Recognizer()
    strokes = preprocess.prepare(preprocess.clean(hanzi_data.load("永")), 1024, 1024, preprocess.View())
    out = rec.classify(strokes, 300, 300, 10)
    assert out[0][0] == "永"
    scores = [s for _, s in out]
    assert len(out) == 10 and scores == sorted(scores, reverse=True)


def test_classify_without_strokes_is_empty():
    rec = Recognizer()
    assert rec.classify([], 300, 300, 5) == []
    assert rec.classify([[], []], 300, 300, 5) == []


def test_missing_model_is_named(tmp_path, fresh_module):
    with pytest.raises(HandwritingUnavailable, match="model not found"):
        Recognizer(str(tmp_path / "nope.model"))
    hw.configure(str(tmp_path / "nope.model"))
    assert not hw.available()
    with pytest.raises(HandwritingUnavailable):
        hw.recognize([[(1, 1), (50, 50)]], 100, 100)
    hw.configure(None)
    assert hw.available()
    assert hw.recognize([[(10, 50), (90, 50)]], 100, 100)[0] == "一"


def test_model_env_variable_is_used(tmp_path, monkeypatch, fresh_module):
    monkeypatch.setenv(zinnia.MODEL_ENV, str(tmp_path / "elsewhere.model"))
    hw.configure(None)
    with pytest.raises(HandwritingUnavailable, match="elsewhere.model"):
        hw.recognize([[(1, 1), (50, 50)]], 100, 100)


def test_garbage_model_file_is_named(tmp_path):
    bad = tmp_path / "bad.model"
    bad.write_bytes(b"this is not a zinnia model\n" * 100)
    with pytest.raises(HandwritingUnavailable, match="cannot open model"):
        Recognizer(str(bad))


def test_missing_library_is_named(monkeypatch):
    # The library really fails to load here: ctypes is asked for a name no system has.
    monkeypatch.setattr(zinnia, "_lib", None)
    monkeypatch.setattr(zinnia, "LIBRARY", "zinnia-not-installed")
    with pytest.raises(HandwritingUnavailable, match="libzinnia not found"):
        Recognizer()


def test_threads_share_one_recognizer_and_agree(hanzi_data):
    chars = "我们的是永和国人大中"
    expected = {c: hw.recognize(hanzi_data.load(c), 1024, 1024) for c in chars}
    got: dict[tuple[int, str], list[str]] = {}
    errors: list[BaseException] = []

    def work(k: int) -> None:
        try:
            for c in chars:
                got[(k, c)] = hw.recognize(hanzi_data.load(c), 1024, 1024)
        except BaseException as e:  # noqa: BLE001 - reported by the assert below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert all(got[(k, c)] == expected[c] for k in range(4) for c in chars)
    assert hw._get() is hw._get()  # loaded once
