"""Build assets/fonts/MaterialIcons-Kiosk.ttf and its name map: Material Icons cut to the pictograms
the kiosk shows.

Reproducible from Debian's fonts-material-design-icons-iconfont (Apache-2.0; apt-get install
fonts-material-design-icons-iconfont) and fontTools:
    .venv/bin/python scripts/build_icons.py
The full font is 340 kB of 2,000 icons; the kiosk shows about twenty. Kivy's text providers do not
apply ligatures, so the UI asks for an icon by its code point, which the map
(MaterialIcons-Kiosk.json: name -> code point) gives; the map is written from the same list, so a
name the UI uses is in the font. Add a name to ICONS and run this again to use another icon.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

from fontTools.subset import Options, Subsetter
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = Path("/usr/share/fonts-material-design-icons-iconfont")
SOURCE = Path("/usr/share/fonts/truetype/material-design-icons-iconfont/MaterialIcons-Regular.ttf")
CODEPOINTS = PACKAGE / "scss" / "_variables.scss"
APACHE = Path("/usr/share/common-licenses/Apache-2.0")
OUT = ROOT / "assets" / "fonts" / "MaterialIcons-Kiosk.ttf"
MAP = OUT.with_suffix(".json")
LICENSE = ROOT / "assets" / "fonts" / "MaterialIcons-LICENSE.txt"

ICONS = (
    # home tiles
    "content_paste_search",     # 办件查询
    "menu_book",                # 事项指南
    "confirmation_number",      # 排队取号
    "business",                 # 企业信息查询
    "savings",                  # 政策与补贴
    "work",                     # 就业驿站
    "rate_review",              # 诉求反馈
    "mark_chat_read",           # 查询反馈
    "print",                    # 证照打印
    # the home screen's information strip
    "schedule", "groups", "phone", "location_on", "campaign", "event", "badge",
)

NOTICE = """\
MaterialIcons-Kiosk.ttf is a subset of MaterialIcons-Regular.ttf (Material Icons, Copyright 2014-2020
Material Design Authors, 2019-2022 Jossef Harush), taken from Debian's package
fonts-material-design-icons-iconfont and cut by scripts/build_icons.py to the icons the kiosk shows
(the only change). It is licensed under the Apache License, Version 2.0, whose text follows.

"""


def codepoints() -> dict[str, int]:
    if not CODEPOINTS.exists() or not SOURCE.exists():
        sys.exit("build_icons: apt-get install fonts-material-design-icons-iconfont")
    text = CODEPOINTS.read_text("utf-8")
    return {name: int(cp, 16) for name, cp in re.findall(r'"([a-z0-9_]+)": ([0-9a-f]+)', text)}


def main() -> None:
    known = codepoints()
    missing = [n for n in ICONS if n not in known]
    if missing:
        sys.exit(f"build_icons: not in Material Icons: {', '.join(missing)}")
    wanted = {n: known[n] for n in ICONS}
    # The source's own timestamp, not today's: the same input gives the same bytes.
    font = TTFont(str(SOURCE), recalcTimestamp=False)
    options = Options()
    options.layout_features = []        # the ligatures (name -> icon) are of no use to Kivy
    options.hinting = False
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = Subsetter(options)
    subsetter.populate(unicodes=set(wanted.values()))
    subsetter.subset(font)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(OUT))
    MAP.write_text(json.dumps(wanted, indent=1, sort_keys=True) + "\n", "utf-8")
    with LICENSE.open("w", encoding="utf-8") as out:
        out.write(NOTICE)
        with APACHE.open(encoding="utf-8") as src:
            shutil.copyfileobj(src, out)
    print(f"wrote {OUT} ({OUT.stat().st_size / 1e3:.1f} kB, {len(wanted)} icons) and {MAP.name}")


if __name__ == "__main__":
    main()
