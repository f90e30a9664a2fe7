"""Every character the UI can show is in the shipped font, and every UI string has an English entry."""

import re
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from kiosk.assets import FONT_PATH
from kiosk.i18n import I18N_DIR, load_language

ROOT = Path(__file__).resolve().parents[1]
SOURCE_DIRS = ("kiosk", "screens", "drivers")
MSGID_RE = re.compile(r"""(?:tr\._|\bT|\bN_)\(\s*(["'])((?:(?!\1).)+)\1""")


@pytest.fixture(scope="module")
def cmap():
    return TTFont(str(FONT_PATH))["cmap"].getBestCmap()


def source_files():
    for d in SOURCE_DIRS:
        yield from (ROOT / d).rglob("*.py")
        yield from (ROOT / d).rglob("*.kv")


def ui_text() -> str:
    # What reaches the screen: the screens' code and kv, and the catalogs. (Driver and receipt code
    # mention characters such as € only to refuse them.)
    files = [*(ROOT / "screens").rglob("*.py"), *(ROOT / "screens").rglob("*.kv")]
    parts = [p.read_text(encoding="utf-8") for p in files]
    parts += [p.read_text(encoding="utf-8") for p in I18N_DIR.rglob("*.po")]
    return "".join(parts)


def test_font_is_the_simplified_chinese_face():
    font = TTFont(str(FONT_PATH))
    assert font["name"].getDebugName(1) == "Noto Sans CJK SC"
    assert (FONT_PATH.parent / "OFL.txt").read_text().count("SIL OPEN FONT LICENSE") >= 1


def test_every_ui_character_is_in_the_font(cmap):
    missing = sorted({c for c in ui_text() if ord(c) > 0x7F and ord(c) not in cmap and c not in "\ufeff"})
    assert missing == [], f"not in {FONT_PATH.name}: {''.join(missing)}"


def test_rare_name_characters_are_covered(cmap):
    # Outside GB2312 but common in names on ID cards.
    for c in "喆堃昇玥珺镕":
        assert ord(c) in cmap, c


def test_every_msgid_used_in_code_has_an_english_translation():
    en = load_language(I18N_DIR / "en")
    used = set()
    for p in source_files():
        for m in MSGID_RE.finditer(p.read_text(encoding="utf-8")):
            used.add(m.group(2).encode().decode("unicode_escape").encode("latin-1").decode("utf-8")
                     if "\\" in m.group(2) else m.group(2))
    chinese = {u for u in used if re.search(r"[\u4e00-\u9fff]", u)}
    assert chinese, "the scan found no strings: the pattern is broken"
    missing = sorted(chinese - set(en))
    assert missing == [], f"no English for: {missing}"


def test_placeholders_survive_translation():
    en = load_language(I18N_DIR / "en")
    for zh, tr in en.items():
        assert set(re.findall(r"\{\w*\}", zh)) == set(re.findall(r"\{\w*\}", tr)), zh


def test_every_nation_name_is_in_the_font(cmap):
    from drivers.idcard.record import NATIONS

    names = set(NATIONS.values())
    assert len(names) >= 56
    missing = sorted({c for n in names for c in n if ord(c) not in cmap})
    assert missing == [], missing


def test_a_catalog_is_read_when_its_language_is_first_wanted(tmp_path):
    from kiosk.i18n import CatalogError, Translations

    (tmp_path / "zh_CN").mkdir()
    (tmp_path / "zh_CN" / "home.po").write_text("", encoding="utf-8")
    (tmp_path / "en").mkdir()
    for name, words in (("home.po", "Case status"), ("cases.po", "Progress")):    # translated two ways
        (tmp_path / "en" / name).write_text(f'msgid "办件查询"\nmsgstr "{words}"\n', encoding="utf-8")
    t = Translations(tmp_path)
    assert t.gettext("办件查询", "zh_CN") == "办件查询"        # the home screen's language: English unread
    assert "en" not in t.catalogs
    with pytest.raises(CatalogError):
        t.load("en")


def test_font_holds_no_alternates_the_kiosk_never_shows(cmap):
    # SDL2_ttf opens a FreeType face per font size and weight, and each holds tables sized by the
    # number of glyphs: the locale (locl) and vertical (vert, vrt2) forms were 18,000 of 40,000
    # glyphs and more than half of every face's memory, for text the kiosk never draws.
    font = TTFont(str(FONT_PATH), lazy=True)
    tags = {rec.FeatureTag for table in ("GSUB", "GPOS") if table in font
            for rec in font[table].table.FeatureList.FeatureRecord}
    assert not tags & {"locl", "vert", "vrt2", "vkrn", "vpal", "vhal", "fwid", "hwid", "pwid", "aalt"}, tags
    assert len(font.getGlyphOrder()) <= len(cmap) * 1.02


def test_font_cids_are_consecutive():
    # A CFF charset with gaps is written as thousands of ranges, which FreeType reads a field at a
    # time through SDL2_ttf's stream: ~10 ms for every face (font size and weight) a screen opens.
    order = TTFont(str(FONT_PATH), lazy=True).getGlyphOrder()
    assert order[1:] == [f"cid{i:05d}" for i in range(1, len(order))]
