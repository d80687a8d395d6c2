"""The module map in docs/architecture.md matches the code, no module grows past
about 450 lines, and no stage imports from a later one."""

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


def test_no_module_is_over_450_lines():
    sizes = {m: len((REPO / m).read_text(encoding="utf-8").splitlines()) for m in modules()}
    assert max(sizes.values()) <= 450, max(sizes.items(), key=lambda item: item[1])


def test_no_stage_imports_a_later_one():
    for stage, forbidden in LATER.items():
        for path in (PACKAGE / stage).glob("*.py"):
            imports = re.findall(r"^\s*from (cards[\w.]*) import", path.read_text(), re.MULTILINE)
            wrong = [m for m in imports if m.startswith(forbidden)]
            assert not wrong, (path.name, wrong)
