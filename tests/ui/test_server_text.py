"""Text from the central API is shown as text: markup in it ("[b]", "[color=…]", "[size=300]") is not
obeyed by the labels that use markup for their own layout (policy and job rows here)."""

from kivyhelp import tap, wait_until

from screens.widgets import KButton, KLabel, plain

HOSTILE = "[b]x[/b] [color=ff0000]红[/color][size=300]&amp;"


def rendered(label) -> str:
    """The characters Kivy actually drew (after markup was applied); blanks and line breaks left out, as
    wrapping moves them."""
    label.texture_update()
    return "".join("".join(w.text for w in line.words) for line in label._label._cached_lines).replace(" ", "")


SHOWN = HOSTILE.replace(" ", "")


def test_rendered_text_tells_markup_from_text(demo_app):
    # The yardstick of the test below: without escaping the tags are obeyed and vanish from the drawing.
    raw, escaped = KLabel(text=HOSTILE, markup=True), KLabel(text=plain(HOSTILE), markup=True)
    assert "[b]" not in rendered(raw) and "x" in rendered(raw)
    assert rendered(escaped) == SHOWN


def _open(app, target: str):
    tile = next(t for t in app.screen("home").ids.tiles.children if t.target == target)
    tap(tile)
    scr = app.screen(target)
    wait_until(lambda: scr.state == "list", 15, f"{target} loaded")
    return scr


def test_policy_and_job_rows_show_server_markup_literally(demo_app):
    state = demo_app.services.demo.api_server.state
    policies, jobs = state.reference["policies"], state.reference["jobs"]
    state.update_reference("policies", [{**policies[0], "title": HOSTILE, "department": "[i]人社局[/i]"},
                                        *policies[1:]])
    state.update_reference("jobs", [{**jobs[0], "title": HOSTILE, "employer": "[u]某公司[/u]"}, *jobs[1:]])
    for target, second in (("policies", "[i]人社局[/i]"), ("jobs", "[u]某公司[/u]")):
        scr = _open(demo_app, target)
        rows = [w for w in scr.walk(restrict=True) if isinstance(w, KButton) and "x" in w.text
                and w.get_root_window() is not None]
        drawn = [rendered(w) for w in rows]
        assert any(SHOWN in d and second in d for d in drawn), (target, drawn)
        tap(demo_app.root.ids.home_button)
