"""A walk through every screen a citizen can reach (and the staff panel and diagnostics), in both
orientations, both languages and elder mode on and off, that reads every visible label as Kivy drew it:

- no rendered line begins with closing punctuation (。，）…) or ends with opening punctuation (（《…)
  where Kivy or we broke the line, and no Latin word or number is cut in two at such a break;
- no text is clipped: a label's texture is never bigger than its box, no label sticks out of the window
  (unless it sits in a scroll view), and nothing is shortened with "…";
- no text is smaller than the theme's smallest size of the mode (a size that ignores elder mode, or
  Kivy's default 15sp, shows up here).

One demo app for the whole walk; orientation, language and elder mode switch in place, as a citizen
switches them. The states are reached through the screens' own flows with the demo API and simulators.
"""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from kivyhelp import dialogs_settled, print_dialog, screenshot, set_window, tap, wait_until

from kiosk import hours
from kiosk.typography import CLOSING, OPENING, _is_word_char

OPEN = datetime(2026, 6, 1, 10, 0, tzinfo=hours.TZ)        # a Monday morning: the ticket screen is open
_TAG = re.compile(r"\[.*?\]")
_ENTITY = re.compile(r"&(?:bl|br|amp);")
_SIZE_TAG = re.compile(r"\[size=(\d+(?:\.\d+)?)\]")
#: Screenshots (artifacts/wrap-*.png, for docs/screenshots): wrapped Chinese in both orientations and
#: elder mode, and the portrait header with the center's whole name.
SHOTS = {
    ("guide detail 370104-SCJG-001", "portrait zh_CN elder"): "guide-detail",
    ("guide detail 370104-SCJG-001", "landscape zh_CN elder"): "guide-detail",
    ("policies detail 0", "portrait zh_CN"): "policy-detail",
    ("policies detail 0", "landscape zh_CN elder"): "policy-detail",
    ("policies list", "portrait zh_CN elder"): "policy-list",
    ("cases start", "portrait zh_CN elder"): "cases-start",
    ("ticket number", "portrait zh_CN elder"): "ticket-printed",
    ("home", "portrait en elder"): "header",
    ("home", "portrait en"): "header",
}
COMBOS = [(size, lang, elder) for size in ((1920, 1080), (1080, 1920)) for lang in ("zh_CN", "en")
          for elder in (False, True)]


def _shown(w) -> bool:
    """On screen: attached to the window, and neither it nor a parent is hidden or squeezed to nothing."""
    if w.get_root_window() is None:
        return False
    p = w
    while p is not None and p is not p.parent:
        if p.opacity <= 0 or p.width < 1 or p.height < 1:
            return False
        p = p.parent
    return True


def _in_scroll_view(w) -> bool:
    from kivy.uix.scrollview import ScrollView

    p = w.parent
    while p is not None and p is not p.parent:
        if isinstance(p, ScrollView):
            return True
        p = p.parent
    return False


def rendered_lines(label) -> list[str]:
    """The lines Kivy drew for label."""
    return ["".join(word.text for word in line.words) for line in getattr(label._label, "_cached_lines", [])]


def label_problems(label, smallest: float) -> list[str]:
    from screens.widgets import Icon

    name = f"{type(label).__name__} {label.text[:24]!r}"
    label.texture_update()
    out = []
    tw, th = label.texture_size
    if tw > label.width + 2 or th > label.height + 2:
        out.append(f"{name}: clipped, text {tw:.0f}x{th:.0f} > box {label.width:.0f}x{label.height:.0f}")
    if not _in_scroll_view(label):
        win = label.get_root_window()
        x0, y0 = label.to_window(label.x, label.y)
        if x0 < -2 or y0 < -2 or x0 + label.width > win.width + 2 or y0 + label.height > win.height + 2:
            out.append(f"{name}: outside the window at {x0:.0f},{y0:.0f}")
    if label.shorten and label.is_shortened:
        out.append(f"{name}: shortened with …")
    if label.font_size < smallest - 0.5:
        out.append(f"{name}: font {label.font_size:.0f}px < the mode's smallest {smallest:.0f}")
    if label.markup:
        small = [float(s) for s in _SIZE_TAG.findall(label.text) if float(s) < smallest - 0.5]
        if small:
            out.append(f"{name}: markup size {min(small):.0f}px < the mode's smallest {smallest:.0f}")
    if isinstance(label, Icon):
        return out
    plain = _ENTITY.sub(lambda m: {"&bl;": "[", "&br;": "]", "&amp;": "&"}[m.group()],
                        _TAG.sub("", label.text)) if label.markup else label.text
    lines = rendered_lines(label)
    hard = _hard_breaks(plain)
    if "".join("".join(line.split()) for line in lines) != "".join(plain.split()):
        out.append(f"{name}: drawn text differs from the label's text")
        return out
    shown = 0
    for before, after in zip(lines, lines[1:], strict=False):
        shown += len("".join(before.split()))
        b, a = before.rstrip(), after.lstrip()
        if shown in hard or not b or not a:
            continue              # a break the text itself makes ("\n"), or an empty line
        if a[0] in CLOSING:
            out.append(f"{name}: a line starts with {a[0]!r}: …{b[-6:]!r} / {a[:6]!r}…")
        if b[-1] in OPENING:
            out.append(f"{name}: a line ends with {b[-1]!r}: …{b[-6:]!r} / {a[:6]!r}…")
        # The space a line was broken at is dropped: a word is cut where the two ends touch in the
        # text. A line that is one run of word characters held a token wider than the line (forced).
        if _is_word_char(b[-1]) and _is_word_char(a[0]) and (b[-6:] + a[:6]) in plain \
                and not all(_is_word_char(ch) for ch in b):
            out.append(f"{name}: a word or number is split: …{b[-8:]!r} / {a[:8]!r}…")
    return out


def _hard_breaks(plain: str) -> set[int]:
    """The text's own line breaks, as counts of the visible (non-space) characters before them."""
    out, seen = set(), 0
    for ch in plain:
        if ch == "\n":
            out.add(seen)
        elif not ch.isspace():
            seen += 1
    return out


def walk_problems(app) -> list[str]:
    from kivy.core.window import Window
    from kivy.uix.label import Label

    out = []
    for root in Window.children:
        for w in root.walk(restrict=True):
            if isinstance(w, Label) and w.text.strip() and _shown(w):
                out.extend(label_problems(w, app.sz.small))
    return out


def settle(frames: int = 3) -> None:
    """Frames without drawing them: clock events, input (the window's resize), layouts and label
    updates run as in EventLoop.idle, but nothing is flipped to the screen (a flip of a 1080x1920
    window under Xvfb costs half a second; the walk reads widgets, not pixels)."""
    from kivy.base import EventLoop
    from kivy.clock import Clock
    from kivy.lang import Builder

    for _ in range(frames):
        Clock.tick()
        EventLoop.dispatch_input()
        Builder.sync()
        Clock.tick_draw()
        Builder.sync()


class Walk:
    """Every state, checked in one combination of orientation, language and elder mode at a time:
    switching those re-lays every screen built so far, visiting a state costs little."""

    def __init__(self, app) -> None:
        self.app = app
        self.found: dict[str, list[str]] = {}
        self.checked: set[str] = set()
        self.where = ""

    def combination(self, size: tuple[int, int], lang: str, elder: bool) -> None:
        from kivy.core.window import Window

        if tuple(Window.size) != size:
            Window.size = size
        self.app.set_language(lang)
        self.app.set_elder(elder)
        settle(3)
        orient = "landscape" if size[0] > size[1] else "portrait"
        self.where = f"{orient} {lang}{' elder' if elder else ''}"

    def check(self, state: str) -> None:
        settle(3)
        for problem in walk_problems(self.app):
            self.found.setdefault(problem, []).append(f"{state}, {self.where}")
        self.checked.add(state)
        shot = SHOTS.get((state, self.where))
        if shot:
            screenshot(f"wrap-{shot}-{self.where.replace(' ', '-')}")

    def report(self) -> str:
        return "\n".join(f"{p}  [{w[0]}{f' +{len(w) - 1}' if len(w) > 1 else ''}]"
                         for p, w in sorted(self.found.items()))


@pytest.fixture
def fixed_clock(monkeypatch):
    monkeypatch.setattr(hours, "now", lambda: OPEN)


def _settled(scr, stage: str) -> bool:
    return scr.stage == stage and not getattr(scr, "busy", False) and not scr.ids.stages.transition.is_active


def visit(app, name: str, **params):
    """Open a screen at its first stage without ending the session (首页 would put the language and
    elder mode back to the terminal's defaults)."""
    scr = app.screen(name)
    scr.wipe()
    app.go(name, **params)
    return scr


def _printed_and_shown() -> bool:
    d = print_dialog()
    return dialogs_settled() and d is not None and d.status == "printed" and d.ids.preview.texture is not None


def walk_states(app, walk: Walk) -> None:
    from screens.widgets import show_dialog

    visit(app, "home")
    walk.check("home")

    # 排队取号: the common items, then an item's confirmation.
    ticket = visit(app, "ticket")
    wait_until(lambda: ticket.ids.popular_grid.children and not ticket.busy, 15, "the common items")
    walk.check("ticket start")
    app.go("ticket", service_code="370104-MZJ-005")
    wait_until(lambda: _settled(ticket, "confirm"), 15, "ticket confirm")
    walk.check("ticket confirm")
    tap(ticket.ids.take_button)
    wait_until(lambda: _settled(ticket, "ticket"), 30, "the ticket")
    # The dialog opens once the slip is queued (a worker's answer, later than the stage on a busy
    # machine): waited for, or closing dialogs below could come before it and leave it over what follows.
    wait_until(lambda: _printed_and_shown(), 30, "the print dialog with the slip")
    walk.check("ticket number")            # with the print dialog over it
    app._close_dialogs()

    # 办件查询: place the card, the list, two cases' details, the card taken away.
    cases = visit(app, "cases")
    wait_until(lambda: _settled(cases, "start"), 15, "the start stage")
    walk.check("cases start")
    tap(cases.ids.demo_button)
    wait_until(lambda: _settled(cases, "list"), 15, "the case list")
    walk.check("cases list")
    for case in list(cases.flow.cases)[:2]:
        cases.flow.open_case(case, from_list=True)
        wait_until(lambda: _settled(cases, "detail"), 30,
                   f"the case detail ({cases.stage}, busy {cases.busy}, {cases.ids.stages.current})")
        walk.check(f"cases detail {case.case_no}")
    app.demo_toggle_card()
    wait_until(lambda: app.session.identity is None and _settled(cases, "start"), 15, "the card to leave")

    # 事项指南: categories, a category's items, two items' details.
    guide = visit(app, "guide")
    wait_until(lambda: guide.state == "categories", 15, "the catalogue")
    walk.check("guide categories")
    guide.open_category(guide.categories()[0][0])
    walk.check("guide items")
    for item in guide.flow.items[:2]:
        guide.open_item(item)
        walk.check(f"guide detail {item.code}")

    # 政策与补贴 and 就业招聘: lists and details.
    for name in ("policies", "jobs"):
        scr = visit(app, name)
        wait_until(lambda scr=scr: scr.state == "list", 15, f"{name} loaded")
        walk.check(f"{name} list")
        for k, entry in enumerate(scr.flow.entries[:2]):
            scr.open(entry)
            walk.check(f"{name} detail {k}")

    for name in ("help", "feedback", "feedback_status", "enterprise"):
        visit(app, name)
        walk.check(name)

    app.finish_transaction("case", "DDJ-20261103-0042", "370104-001-01", "个体工商户设立登记")
    walk.check("evaluation")

    show_dialog("抱歉", "网络暂不可用：办件查询、取号等功能暂停，事项指南等内容可能不是最新。（请稍后再试）",
                "知道了", cancel_text="呼叫帮办")
    walk.check("a dialog")
    app._close_dialogs()

    # Staff: the PIN pad, the helper panel, diagnostics.
    visit(app, "pin")
    walk.check("pin")
    app.enter_staff_mode("helper")
    walk.check("staff")
    app.enter_staff_mode("technician")
    walk.check("diagnostics")
    app.leave_staff_mode("test")


@pytest.mark.timeout(400)     # ~60 s of CPU; on a shared, busy machine the wall clock is longer
def test_every_screen_reads_right_and_nothing_is_clipped(demo_app, fixed_clock):
    app = demo_app
    walk = Walk(app)
    for combo in COMBOS:
        walk.combination(*combo)
        walk_states(app, walk)
    set_window((1920, 1080))
    assert len(walk.checked) >= 25
    assert not walk.found, f"{len(walk.found)} problems:\n{walk.report()}"
