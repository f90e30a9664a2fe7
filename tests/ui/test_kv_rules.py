"""A kv rule whose widget was collected in the middle of a dispatch (screens/glue.py)."""

from __future__ import annotations

import gc


def test_a_rule_for_a_collected_widget_is_skipped_not_raised():
    from kivy.lang import builder
    from kivy.uix.widget import Widget
    from kivy.weakproxy import WeakProxy

    class Rule:                       # what Builder keeps of a rule: a use counter and its source
        count = 0
        value = "width: 10"

    widget = Widget()
    proxy = WeakProxy(widget)
    args = [proxy, "width", compile("10", "<rule>", "eval"), Rule(), {}]
    builder.call_fn(args, None, None)
    assert widget.width == 10
    del widget
    gc.collect()
    builder.call_fn(args, None, None)       # Kivy 2.3 raised ReferenceError out of the property's setter
