"""Kivy screens, one module + one .kv each, named after what the citizen sees.

A screen is found by its file: `screens/<name>.py` beside `screens/<name>.kv` defines `<Name>Screen`
(cases.py -> CasesScreen, feedback_status.py -> FeedbackStatusScreen). Screens are imported and built
on their first visit, then kept.
"""

from pathlib import Path

_HERE = Path(__file__).resolve().parent
_NOT_SCREENS = {"base", "shell", "widgets", "widgets_on_demand", "handwriting_pad"}   # rules of widgets, not screens


def class_name(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_")) + "Screen"


# Found by their .kv files: in the PyInstaller bundle the modules live in the archive, not beside them
# (globbing *.py found no screen there, and the bundle stopped at its first frame).
SCREENS: dict[str, str] = {
    p.stem: f"screens.{p.stem}:{class_name(p.stem)}"
    for p in sorted(_HERE.glob("*.kv"))
    if p.stem not in _NOT_SCREENS and not p.stem.startswith("_")
}
