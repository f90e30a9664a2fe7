"""One error shape: every named error that can reach people has a stable code, and the catalog has
words for that code in both languages. Drivers and the API client word nothing for citizens."""

from __future__ import annotations

import pytest

from drivers.a4 import A4Error
from drivers.idcard.errors import ReaderError
from drivers.printer.errors import PrinterError
from kiosk.api.errors import ApiError
from kiosk.error_words import UNEXPECTED, WORDS, error_code, error_words


def every_subclass(base: type) -> list[type]:
    found, todo = [], [base]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return found


def make(cls: type) -> BaseException:
    return cls("detail for the log") if not issubclass(cls, ReaderError) else cls("detail for the log", None)


ERRORS = [c for base in (PrinterError, ReaderError, ApiError, A4Error) for c in every_subclass(base)]


@pytest.mark.parametrize("cls", ERRORS, ids=lambda c: c.__name__)
def test_every_named_error_has_a_code_with_words_in_both_languages(cls):
    error = make(cls)
    assert error_code(error) == cls.code and cls.code in WORDS
    words = error_words(error)
    zh, en = words.render("zh_CN"), words.render("en")
    assert zh and en and zh != en and "{" not in zh + en
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in en), en


def test_drivers_word_nothing_for_people():
    for cls in every_subclass(PrinterError) + every_subclass(ReaderError) + every_subclass(A4Error):
        assert not hasattr(cls, "message"), cls


def test_an_unknown_error_gets_the_general_words():
    assert error_code(RuntimeError("x")) == UNEXPECTED
    assert error_words(KeyError("x")).render("zh_CN") == "出现了问题，请稍后再试，或呼叫帮办。"


def test_values_fill_the_placeholders():
    class TooLong(ValueError):
        code = "text.too_long"
        values = {"max": 200, "n": 230}

    assert error_words(TooLong()).render("zh_CN") == "内容过长：最多 200 个字，现在 230 个字"
    assert error_words(TooLong()).render("en") == "Too long: at most 200 characters, now 230"
