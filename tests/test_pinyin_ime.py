"""The pinyin IME: known characters for known syllables, GBK only, common characters first, never raises."""

from hypothesis import given, settings
from hypothesis import strategies as st
from pypinyin import Style, pinyin

from kiosk.pinyin_ime import Candidate, PinyinIme, gbk_level, strip_tone

IME = PinyinIme()


def test_known_characters_for_known_syllables():
    assert "水" in IME.candidates("shui")[:8]
    for ch in "税睡谁":
        assert ch in IME.candidates("shui")
    assert "张" in IME.candidates("zhang")[:8]
    assert "绿" in IME.candidates("lv")[:5]          # ü typed as v
    assert "女" in IME.candidates("nv")[:5]
    assert "中" in IME.candidates("ZHONG")[:5]       # case does not matter


def test_phrases_first_for_a_run_of_syllables():
    assert IME.candidates("beijing")[0] == "北京"
    assert "北京" in IME.candidates("beij")[:5]       # unfinished last syllable completes
    # No phrase for the whole run: the first syllable's characters, consuming only that syllable.
    zs = IME.lookup("zhangsan")
    assert Candidate("张", 5) in zs
    assert all(c.consumed == 5 for c in zs if len(c.text) == 1)


def test_prefix_gives_characters_of_every_syllable_it_starts():
    zh = IME.candidates("zh")
    for ch, syll in (("炸", "zha"), ("摘", "zhai"), ("张", "zhang"), ("中", "zhong"), ("主", "zhu")):
        assert ch in zh, syll
    assert IME.split_syllables("zh") == ["zh"]


def test_split_syllables():
    assert IME.split_syllables("beijing") == ["bei", "jing"]
    assert IME.split_syllables("zhangs") == ["zhang", "s"]
    assert IME.split_syllables("fangan") == ["fang", "an"]
    assert IME.split_syllables("xian") == ["xian"]
    assert IME.split_syllables("shenfenzheng") == ["shen", "fen", "zheng"]
    assert IME.split_syllables("xyz") == []
    assert IME.split_syllables("") == []


def test_every_candidate_is_gbk():
    for q in ("shui", "zhang", "zh", "a", "yi", "beijing", "x", "lv", "jiu", "shenfenzheng"):
        for c in IME.candidates(q):
            c.encode("gbk")
    # 𠀀 (U+20000, Extension B) reads hē in pypinyin but GBK lacks it.
    assert "𠀀" not in IME.candidates("he")


def _reads(ch: str, syllable: str) -> bool:
    return syllable in pinyin(ch, style=Style.NORMAL, heteronym=True)[0]


def test_level_one_before_level_two_before_the_rest():
    # A whole syllable: its own characters come first (then those of longer syllables it starts: li ->
    # lian, liang …); inside that run level 1, then level 2, then the rest of GBK.
    for q in ("shui", "zhang", "yi", "li", "he"):
        own = [c for c in IME.candidates(q) if len(c) == 1 and _reads(c, q)]
        levels = [gbk_level(c) for c in own]
        assert levels[0] == 0 and 1 in levels, q
        assert levels == sorted(levels), q
        assert IME.candidates(q)[:len(own)] == own, q
    # A prefix ranks the characters of all its syllables together.
    levels = [gbk_level(c) for c in IME.candidates("zh") if len(c) == 1]
    assert levels == sorted(levels) and 1 in levels
    assert gbk_level("啊") == 0 and gbk_level("亍") == 1 and gbk_level("丂") == 2 and gbk_level("𠀀") is None
    assert gbk_level("座") == 0                       # D7F9, the last level-1 hanzi


def test_empty_and_invalid_input_give_nothing():
    for q in ("", "   ", "xyz", "qqq", "shui1", "北京", "zh-", "v v", "'"):
        assert IME.candidates(q) == [], q


def test_strip_tone():
    assert strip_tone("shuǐ") == "shui"
    assert strip_tone("lǜ") == "lv"
    assert strip_tone("ń") == "n"
    assert strip_tone("ê̄") == "e"


def test_index_is_built_once_and_kept():
    a, b = PinyinIme(), PinyinIme()
    a.warm_up()
    first = a.build_seconds
    b.candidates("shui")
    assert b.build_seconds == first > 0


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=20))
def test_any_ascii_gives_a_list_of_gbk_strings(s):
    out = IME.candidates(s)
    assert isinstance(out, list)
    for c in out:
        assert isinstance(c, str) and c
        c.encode("gbk")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=12))
def test_lookup_consumes_a_leading_part_of_the_input(s):
    for c in IME.lookup(s):
        assert 1 <= c.consumed <= len(s)
