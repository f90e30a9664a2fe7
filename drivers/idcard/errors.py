"""Errors of the reader driver, named by what went wrong (python-can style)::

    ReaderError
     +-- ReaderNotConnected   port missing, cannot be opened, or I/O error (unplugged)
     +-- ReaderTimeout        no complete reply within the step's time (dead or booting reader)
     +-- ReaderProtocolError  only garbage, corrupted frames or frames that do not fit the command
                              arrived (after asking again), or the reader rejected our frame
     +-- SamFault             SAM self-test failed (0x60) / not authorised (0x66)
     +-- CardReadError        the card was found but could not be read (0x41, 0x31-0x33, 0x40, 0x47,
                              or a record that does not decode)

Frame- and record-level problems stay ValueErrors (FrameError, RecordError); the driver chains them.
Each error has a stable `code` ("reader.timeout"); the words for people are the kiosk's
(kiosk/error_words.py), the message is for the log.
"""

from __future__ import annotations


class ReaderError(Exception):
    """Base of every reader failure. ``sw3`` is the reader's status byte when one was received."""

    code = "reader.fault"

    def __init__(self, message: str, sw3: int | None = None) -> None:
        super().__init__(message)
        self.sw3 = sw3


class ReaderNotConnected(ReaderError):
    code = "reader.not_connected"


class ReaderTimeout(ReaderError, TimeoutError):
    code = "reader.timeout"


class ReaderProtocolError(ReaderError):
    code = "reader.protocol"


class SamFault(ReaderError):
    code = "reader.sam_fault"


class CardReadError(ReaderError):
    code = "reader.card_unreadable"
