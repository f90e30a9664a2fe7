"""Layers: the drivers (serial drivers and simulators) import nothing of the kiosk core, the screens or Kivy.

Walks every module under drivers/ with ast, so an import inside a function or behind `if` counts too.
(`lint-imports` checks all the layers in CI, pyproject.toml [tool.importlinter]; this runs with pytest.)
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = ("kiosk", "screens", "kivy")


def upward_imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import of a forbidden top-level package in one source file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found += [(node.lineno, n) for n in names if n.split(".")[0] in FORBIDDEN]
    return found


def driver_modules() -> list[Path]:
    return sorted((ROOT / "drivers").rglob("*.py"))


def test_there_are_drivers_to_check():
    names = {p.relative_to(ROOT).as_posix() for p in driver_modules()}
    assert {"drivers/idcard/record.py", "drivers/sim/idcard.py", "drivers/idcard/personal.py"} <= names


@pytest.mark.parametrize("path", driver_modules(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_driver_imports_nothing_of_the_core_screens_or_kivy(path):
    rel = path.relative_to(ROOT).as_posix()
    bad = [f"{rel}:{line} imports {mod}" for line, mod in upward_imports(path)]
    assert bad == [], "drivers must not import kiosk, screens or kivy:\n" + "\n".join(bad)


def test_the_checker_sees_every_form_of_import(tmp_path):
    src = tmp_path / "m.py"
    src.write_text("import os\nimport kivy.clock\nfrom kiosk import privacy\nfrom screens.tr import tr\n"
                   "from . import sibling\ndef f():\n    import kiosk.validators as v\n", encoding="utf-8")
    assert upward_imports(src) == [(2, "kivy.clock"), (3, "kiosk"), (4, "screens.tr"), (7, "kiosk.validators")]


def import_cycles(*packages: str) -> list[tuple[str, str]]:
    """Pairs of modules that import each other, directly or through others (grimp's import graph, the
    one lint-imports uses; imports inside functions count)."""
    import grimp

    graph = grimp.build_graph(*packages)
    cycles = set()
    for a in graph.modules:
        for b in graph.find_modules_directly_imported_by(a):
            if graph.chain_exists(importer=b, imported=a):
                cycles.add(tuple(sorted((a, b))))
    return sorted(cycles)


def test_no_import_cycles():
    assert import_cycles("kiosk", "screens", "drivers") == []


def test_the_cycle_finder_finds_one(tmp_path, monkeypatch):
    pkg = tmp_path / "cyclepkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("def f():\n    from cyclepkg import b\n")
    (pkg / "b.py").write_text("from cyclepkg import c\n")
    (pkg / "c.py").write_text("import cyclepkg.a\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert ("cyclepkg.a", "cyclepkg.b") in import_cycles("cyclepkg")
