"""Which Kivy bindings grow per citizen session: counts the observers of every property and event of
every live EventDispatcher before and after N scripted sessions (bench/soak.py's script), and prints
the biggest growth. A tool for finding leaks, not a benchmark figure."""

from __future__ import annotations

import gc
import sys
from collections import Counter

from _demo_app import start_demo_app  # first: it sets Kivy's environment (bench/ is on sys.path)


def property_observers(obj):
    """(name, observers) for each property and event of an EventDispatcher; nothing if it cannot say."""
    try:
        names = list(obj.properties()) + list(obj.events())
    except Exception:
        return
    for name in names:
        try:
            yield name, len(obj.get_property_observers(name, args=True))
        except Exception:
            continue


def observer_counts() -> Counter:
    from kivy.event import EventDispatcher

    counts: Counter = Counter()
    for obj in gc.get_objects():
        # weakref proxies pass isinstance() for their target's class: count each widget once
        if not isinstance(obj, EventDispatcher) or type(obj).__name__ in ("WeakProxy", "ProxyType"):
            continue
        counts[(type(obj).__name__, "(instances)")] += 1
        for name, n in property_observers(obj):
            if n:
                counts[(type(obj).__name__, name)] += n
    return counts


def main(sessions: int = 20) -> None:
    from kivyhelp import advance_frames, stop_app
    from soak import BETWEEN, VISITED_BY_FLOW, Session, between_citizens

    from kiosk.demo import demo_cards
    from screens import SCREENS

    app, _services = start_demo_app(1280, 720, name="observers")
    ids = [c.id_number for c in demo_cards()]
    others = [n for n in SCREENS if n not in VISITED_BY_FLOW]

    def run(n: int) -> None:
        for i in range(n):
            Session(app, ids[i % len(ids)]).every_flow(others)
            app.end_session("probe")
            advance_frames(2)
            between_citizens(app, BETWEEN)          # idle on the home screen, as between two citizens

    run(5)
    gc.unfreeze()            # the app freezes what survives a session end: count those too
    gc.collect()
    # Kivy 2.3 makes a property's storage (and an AliasProperty's bindings) on first use: asking
    # for every observer makes them all. Once before the first count, or they read as growth.
    observer_counts()
    first = observer_counts()
    run(sessions)
    gc.unfreeze()            # the app freezes what survives a session end: count those too
    gc.collect()
    before = observer_counts()
    # Two windows: a one-off step (a screen's first visit) shows in the first only, a leak in both.
    print(f"first window: {sum(before.values()) - sum(first.values()):+d} observers and instances")
    run(sessions)
    gc.unfreeze()            # the app freezes what survives a session end: count those too
    gc.collect()
    after = observer_counts()
    print(f"second window: {sum(after.values()) - sum(before.values()):+d} observers and instances")
    grown = sorted(((k, after[k] - before.get(k, 0)) for k in after), key=lambda x: -x[1])
    print(f"observer growth over {sessions} sessions (per session):")
    for (cls, name), d in grown[:25]:
        if d > 0:
            print(f"  {cls}.{name}: +{d} ({d / sessions:.1f})")
    print("live instances that grew:")
    for (cls, name), d in grown:
        if name == "(instances)" and d > 0:
            print(f"  {cls}: +{d} ({d / sessions:.1f})")
    worst = grown[0][0] if grown else None
    if worst is not None:
        cls, name = worst
        from kivy.event import EventDispatcher

        objs = [o for o in gc.get_objects() if isinstance(o, EventDispatcher)
                and type(o).__name__ == cls and name in o.properties()]
        top = max(objs, key=lambda o: len(o.get_property_observers(name, args=True)))
        kinds = Counter(repr(getattr(cb[0], "__qualname__", cb[0]))[:90]
                        for cb in top.get_property_observers(name, args=True))
        print(f"callbacks on the {cls}.{name} with the most ({len(top.get_property_observers(name))}):")
        for k, n in kinds.most_common(6):
            print(f"  {n:5d}  {k}")
    stop_app(app)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
