"""What the flows say aloud: the ticket number and people ahead, case results in general words. The
announcer's rules over a recording voice (the voice itself is tested with espeak-ng in tests/voice)."""

from __future__ import annotations

from kiosk.announcer import Announcer
from kiosk.demo import demo_cards
from kiosk.demo_api import DEMO_IDENTITIES
from kiosk.flows.cases import CasesFlow
from kiosk.flows.ticket import TicketFlow


class RecordingVoice:
    """The voice's interface; remembers what it was asked to say and with which private values."""

    def __init__(self) -> None:
        self.on = False
        self.said: list[tuple[str, dict]] = []
        self.private: list[str] = []

    def start_session(self, elder: bool, lang: str = "zh_CN") -> None:
        self.on = elder

    def end_session(self) -> None:
        self.on = False

    def set_on(self, on: bool) -> None:
        self.on = on

    def set_language(self, lang: str) -> None:
        pass

    def set_private(self, values) -> None:
        self.private = list(values)

    def say(self, what: str, /, **params) -> bool:
        self.said.append((what, params))
        return True

    def stop(self) -> None:
        pass


def test_a_ticket_is_announced_with_its_number_and_people_ahead(deps):
    voice = RecordingVoice()
    deps.announcer = Announcer(voice)
    flow = TicketFlow(deps)
    flow.start()
    deps.runner.run_all()
    flow.take_general()                     # 立即取号
    deps.runner.run_all()
    assert flow.ticket is not None
    assert ("ticket_number", {"number": flow.ticket.number, "ahead": flow.ticket.waiting}) in voice.said


def test_case_results_are_said_in_general_words_and_the_card_holder_is_private(deps):
    voice = RecordingVoice()
    deps.announcer = Announcer(voice)
    card = next(c for c in demo_cards() if c.id_number == DEMO_IDENTITIES[0].id_number)
    deps.announcer.card_read(card)
    assert card.name in voice.private and card.id_number in voice.private
    flow = CasesFlow(deps)
    flow.card_inserted(card)
    deps.runner.run_all()
    assert flow.cases
    needing = sum(c.status.value == "补正" for c in flow.cases)
    prompt, params = voice.said[-1]
    if needing:
        assert (prompt, params) == ("cases_need_materials", {"count": needing})
    else:
        assert prompt == "results_ready"
    assert all(card.name not in str(p) for _w, p in voice.said)
