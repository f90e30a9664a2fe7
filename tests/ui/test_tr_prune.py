"""tr.prune(): the kv observers of widgets that are gone leave without a language switch (a terminal
where nobody switches would keep a few per closed dialog, for weeks); live ones stay and still switch."""

from __future__ import annotations

import gc

from kivy.lang import Builder

from screens.tr import tr

RULE = """
#:import tr screens.tr.tr
Label:
    text: tr._("首页")
"""


def test_prune_drops_the_observers_of_gone_widgets_and_keeps_the_live_ones():
    start = tr.lang                             # whatever the test before this one in the process left
    tr.switch("zh_CN")
    before = len(tr._observers)
    live = Builder.load_string(RULE)
    gone = [Builder.load_string(RULE) for _ in range(3)]
    assert len(tr._observers) == before + 4
    del gone
    gc.collect()
    assert tr.prune() == 3
    assert len(tr._observers) == before + 1
    assert tr.prune() == 0                      # nothing more to drop: the live one stays
    try:
        tr.switch("en")
        assert live.text == "Home"
        tr.switch("zh_CN")
        assert live.text == "首页"
    finally:
        tr.switch(start)
