"""Pinyin-initials search of the service guide, on the demo catalogue's 62 items and on small lists."""

import pytest

from kiosk.demo_api.seed_services import build_services
from kiosk.pinyin_search import name_initials, search


@pytest.fixture(scope="module")
def items():
    return build_services()


def names(found):
    return [i.name if hasattr(i, "name") else i["name"] for i in found]


def test_full_initials_find_the_item_first(items):
    found = search(items, "GTGSHSLDJ")
    assert names(found) == ["个体工商户设立登记"]


def test_partial_initials_find_every_item_that_starts_so(items):
    found = names(search(items, "GTGSH"))
    assert found[:4] == ["个体工商户设立登记", "个体工商户变更登记", "个体工商户注销登记", "个体工商户年度报告"]
    assert all(n.startswith("个体工商户") for n in found)


def test_initials_inside_the_name_are_found_after_prefix_matches():
    data = [{"name": "注销个体工商户", "pinyin_initials": "ZXGTGSH"},
            {"name": "个体工商户设立登记", "pinyin_initials": "GTGSHSLDJ"},
            {"name": "失业登记", "pinyin_initials": "SYDJ"}]
    assert names(search(data, "GTGS")) == ["个体工商户设立登记", "注销个体工商户"]
    assert names(search(data, "DJ")) == ["个体工商户设立登记", "失业登记"]


def test_lower_case_and_spaces_are_accepted(items):
    assert names(search(items, " gtgs hsldj ")) == ["个体工商户设立登记"]


def test_name_initials_are_used_when_the_api_gives_none():
    data = [{"name": "个体工商户设立登记"}, {"name": "失业登记", "pinyin_initials": ""}]
    assert names(search(data, "GTGS")) == ["个体工商户设立登记"]
    assert names(search(data, "SYDJ")) == ["失业登记"]


def test_every_reading_of_a_polyphonic_character_matches():
    data = [{"name": "银行开户", "pinyin_initials": "YHKH"}]
    assert names(search(data, "YH")) == ["银行开户"]
    assert names(search(data, "YX")) == ["银行开户"]      # 行 read xíng
    assert {"H", "X"} <= name_initials("银行开户")[1]


def test_punctuation_in_names_is_skipped():
    assert name_initials("食品经营许可（新办）")[-2:] == (frozenset({"X"}), frozenset({"B"}))
    data = [{"name": "食品经营许可（新办）", "pinyin_initials": "SPJYXKXB"}]
    assert names(search(data, "XKXB")) == ["食品经营许可（新办）"]


def test_chinese_substring(items):
    found = names(search(items, "个体工商户"))
    assert len(found) == 4 and found[0] == "个体工商户设立登记"
    assert names(search(items, "设立登记"))[0] == "个体工商户设立登记"
    assert all("登记" in n for n in names(search(items, "登记")))
    assert names(search(items, "登记")) != []


def test_no_match_and_empty_query(items):
    assert search(items, "QQQQQ") == []
    assert search(items, "火星") == []
    assert search(items, "") == []
    assert search(items, "   ") == []
    assert search([], "GT") == []
