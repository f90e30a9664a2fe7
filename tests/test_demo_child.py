"""kiosk.demo_child.ParentedChild against a real child process: its answers stay paired with the questions."""

from __future__ import annotations

import sys
import time

import pytest

from kiosk.demo_child import ChildError, ParentedChild

# Says "ready", then answers each line: "slow" after a second, anything else at once; "die" exits.
CHILD = """
import sys, time
print("ready", flush=True)
for line in sys.stdin:
    word = line.strip()
    if word == "die":
        sys.exit(3)
    if word == "slow":
        time.sleep(1.0)
    print("answer " + word, flush=True)
"""


@pytest.fixture
def child(tmp_path):
    c = ParentedChild("test", [sys.executable, "-c", CHILD], tmp_path / "child.log")
    assert c.start(timeout=30) == "ready"
    yield c
    c.stop()


def test_answers_in_order(child):
    assert [child.ask(w) for w in ("a", "b", "c")] == ["answer a", "answer b", "answer c"]


def test_a_late_answer_is_not_taken_for_the_next_question(child):
    with pytest.raises(ChildError, match="did not answer 'slow'"):
        child.ask("slow", timeout=0.2)
    # The answer to "slow" comes while "next" waits: it is skipped, and "next" gets its own.
    assert child.ask("next", timeout=10) == "answer next"
    assert child.ask("after", timeout=10) == "answer after"


def test_a_question_asked_while_the_late_answer_is_still_owed_can_time_out_too(child):
    with pytest.raises(ChildError):
        child.ask("slow", timeout=0.1)
    with pytest.raises(ChildError):
        child.ask("quick", timeout=0.1)     # "slow" still owed: not answered within 0.1 s
    assert child.ask("then", timeout=10) == "answer then"


def test_a_child_that_died_is_said_at_once(child):
    with pytest.raises(ChildError):
        child.ask("die", timeout=10)
    started = time.monotonic()
    with pytest.raises(ChildError):
        child.ask("again", timeout=10)
    assert time.monotonic() - started < 5      # the end of its output is remembered, not waited for
