"""The preset wording of 诉求反馈 and 好差评 is sane data: every category has types, every type phrases,
nothing repeats where a citizen would see it twice, everything has English, and the composed content
fits the API's FeedbackCreate."""

import pytest

from kiosk import feedback_presets as fp
from kiosk.api.models import FeedbackCreate
from kiosk.i18n import I18N_DIR, load_language


def test_every_category_has_types_and_every_type_phrases():
    assert [c.name for c in fp.CATEGORIES] == ["政务服务", "融资信贷", "用工招聘", "政策兑现", "水电气暖",
                                                "市场监管", "其他"]
    for c in fp.CATEGORIES:
        assert len(c.types) >= 2, c.name
        names = [t.name for t in c.types]
        assert len(set(names)) == len(names), c.name
        for t in c.types:
            assert len(t.phrases) >= 2, t.name
            assert len(set(t.phrases)) == len(t.phrases), t.name


def test_names_fit_the_api_limits():
    for c in fp.CATEGORIES:
        assert 1 <= len(c.name) <= 40          # FeedbackCreate.category max_length
        for t in c.types:
            for phrase in fp.phrases_for(c.name, t.name):
                assert 0 < len(phrase) <= 30


def test_phrases_for_adds_the_common_ones_once():
    phrases = fp.phrases_for("政务服务", "审批时间长")
    assert phrases[:3] == ("超过承诺时限还没办结", "不知道办到哪一步了", "希望加快审批进度")
    assert phrases[3:] == fp.COMMON_PHRASES
    with pytest.raises(KeyError):
        fp.phrases_for("政务服务", "没有这个类型")
    with pytest.raises(KeyError):
        fp.category("没有这个类别")


def test_compose_content_is_a_valid_feedback_body():
    content = fp.compose_content("贷款难", ["缺少抵押担保", "情况比较紧急"])
    assert content == "问题类型：贷款难。情况：缺少抵押担保；情况比较紧急。"
    body = FeedbackCreate(category="融资信贷", content=content, terminal_id="DDJ-T01")
    assert body.content == content
    with pytest.raises(ValueError):
        fp.compose_content("贷款难", [])


def test_the_longest_possible_content_fits():
    longest = max((fp.compose_content(t.name, fp.phrases_for(c.name, t.name)) for c in fp.CATEGORIES
                   for t in c.types), key=len)
    FeedbackCreate(category="其他", content=longest, terminal_id="DDJ-T01")
    assert len(longest) < 2000


def test_every_preset_has_english():
    en = load_language(I18N_DIR / "en")
    texts = fp.all_texts()
    assert len(texts) > 60
    missing = [t for t in texts if t not in en]
    assert missing == []
    for t in texts:
        assert en[t].isascii() and en[t].strip(), t


def test_evaluation_reasons_are_the_agreed_six():
    assert fp.EVALUATION_REASONS == ("办事效率低", "服务态度差", "指南不清楚", "多次跑腿", "系统操作难", "其他")
