"""What the kiosk says, and when: the events of a session mapped to voice prompts (kiosk.voice).

The rules, in one place: voice starts on for a session in elder mode (when the terminal says so) and
off otherwise; the citizen switches it; the next step is spoken (place the card, take the card back,
take the slip), the ticket number and the people ahead, results in general words. Nothing personal is
ever spoken: the card's name and address are handed to the voice's guard for the session, and every
text goes through it. With no voice (no engine, tests) every call does nothing.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

log = logging.getLogger(__name__)


class VoiceLike(Protocol):
    def start_session(self, elder: bool, lang: str = "zh_CN") -> None: ...
    def end_session(self) -> None: ...
    def set_on(self, on: bool) -> None: ...
    def set_language(self, lang: str) -> None: ...
    def set_private(self, values: Any) -> None: ...
    def say(self, what: str, /, **params: Any) -> bool: ...
    def stop(self) -> None: ...
    @property
    def on(self) -> bool: ...


class Announcer:
    def __init__(self, voice: VoiceLike | None = None) -> None:
        self.voice = voice
        self._session = False

    @property
    def available(self) -> bool:
        return self.voice is not None

    @property
    def on(self) -> bool:
        return self.voice is not None and self.voice.on

    def _say(self, prompt: str, **params: Any) -> None:
        if self.voice is not None:
            self.voice.say(prompt, **params)

    # ------------------------------------------------------------ the session

    def session_started(self, elder: bool, lang: str) -> None:
        if self.voice is not None and not self._session:
            self._session = True
            self.voice.start_session(elder, lang)

    def session_ended(self) -> None:
        self._session = False
        if self.voice is not None:
            self.voice.end_session()

    def elder_changed(self, elder: bool, lang: str) -> None:
        """Turning elder mode on turns voice on for the session (as a new session in elder mode would)."""
        if self.voice is None:
            return
        if not self._session:
            self.session_started(elder, lang)
        elif elder:
            self.voice.start_session(elder, lang)

    def language_changed(self, lang: str) -> None:
        if self.voice is not None:
            self.voice.set_language(lang)

    def toggle(self) -> bool:
        """The citizen's switch; returns whether voice is on now (and says so when it is)."""
        if self.voice is None:
            return False
        on = not self.voice.on
        self.voice.set_on(on)
        if on:
            self._say("voice_on")
        return on

    def read_aloud(self, text: str) -> None:
        """The 朗读 button: voice on for the session, then the screen's title and instruction (refused by
        the guard, and only logged, if it holds anything personal)."""
        if self.voice is None or not text.strip():
            return
        if not self.voice.on:
            self.voice.set_on(True)
        self._say(text)

    # ------------------------------------------------------------ events

    def card_read(self, card: Any) -> None:
        if self.voice is None:
            return
        self.voice.set_private([getattr(card, "name", ""), getattr(card, "address", ""),
                                getattr(card, "id_number", "")])
        self._say("take_card")

    def card_failed(self) -> None:
        self._say("card_failed")

    def print_status(self, status: str) -> None:
        if status == "printed":
            self._say("take_slip")
        elif status in ("waiting", "failed"):
            self._say("printer_unavailable")

    def ticket(self, number: str, ahead: int) -> None:
        self._say("ticket_number", number=number, ahead=ahead)

    def cases_found(self, total: int, needing_materials: int) -> None:
        if total == 0:
            self._say("no_results")
        elif needing_materials:
            self._say("cases_need_materials", count=needing_materials)
        else:
            self._say("results_ready")

    # 证照打印: what to do next, never which licence or whose
    def licences_found(self, total: int) -> None:
        self._say("licences_ready" if total else "no_licences")

    def licence_printer_down(self) -> None:
        self._say("licence_printer_down")

    def licence_printing(self) -> None:
        self._say("licence_printing")

    def licence_printed(self) -> None:
        self._say("licence_printed")

    def licence_print_failed(self) -> None:
        self._say("licence_print_failed")

    def session_ending(self) -> None:
        self._say("session_ending")
