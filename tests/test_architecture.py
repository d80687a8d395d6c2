"""The module map in docs/architecture.md matches the code, every module imports
only from the rows above it, and no stage imports from a later one."""

from __future__ import annotations

import re

from conftest import REPO

PACKAGE = REPO / "cards"
STAGES = ["content", "sheets", "templating", "layout", "formats", "output"]
LATER = {  # what each stage must never import
    "content": ("cards.sheets", "cards.templating", "cards.layout", "cards.formats", "cards.output", "cards.build", "cards.cli"),
    "layout": ("cards.content", "cards.sheets", "cards.formats", "cards.build", "cards.cli"),
    "formats": ("cards.content", "cards.sheets", "cards.build", "cards.cli"),
    "output": ("cards.content", "cards.layout", "cards.formats", "cards.build", "cards.cli"),
}  # fmt: skip


def modules() -> list[str]:
    return sorted(
        p.relative_to(REPO).as_posix()
        for p in PACKAGE.rglob("*.py")
        if p.name not in ("__init__.py", "__main__.py")
    )


def test_the_module_map_lists_every_module_and_no_other():
    doc = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    listed = sorted(re.findall(r"^\| `(cards/[\w/]+\.py)` \|", doc, re.MULTILINE))
    assert listed == modules()


def test_every_module_imports_only_from_the_rows_above_it():
    """Data flows one way in the imports too: the table's order is the
    pipeline's, and no module (even in a function) imports one below it."""
    doc = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    order = re.findall(r"^\| `(cards/[\w/]+\.py)` \|", doc, re.MULTILINE)
    place = {module: row for row, module in enumerate(order)}
    wrong = []
    for module in order:
        source = (REPO / module).read_text(encoding="utf-8")
        for imported in re.findall(r"^\s*from (cards[\w.]*) import", source, re.MULTILINE):
            target = imported.replace(".", "/") + ".py"
            if target in place and place[target] >= place[module]:
                wrong.append(f"{module} imports {target}")
    assert wrong == []


def test_no_stage_imports_a_later_one():
    for stage, forbidden in LATER.items():
        for path in (PACKAGE / stage).glob("*.py"):
            imports = re.findall(r"^\s*from (cards[\w.]*) import", path.read_text(), re.MULTILINE)
            wrong = [m for m in imports if m.startswith(forbidden)]
            assert not wrong, (path.name, wrong)
