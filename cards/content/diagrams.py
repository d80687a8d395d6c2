"""Which diagram a technique uses, and whether the parts it names are in it.

``diagram:`` names an SVG inside the deck or a built-in diagram; the nearest of
technique, section and deck wins. Each SVG is read once per load.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path
from typing import Any

from cards.content.files import Document, Problems
from cards.content.paths import did_you_mean, nearest_file
from cards.content.translations import variant
from cards.images import ImageTrouble, read_svg, svg_parts
from cards.model import Diagram
from cards.resources import builtin_diagrams

# A diagram that was named but could not be used: its error is reported once,
# where it was named, and nothing that inherits it repeats it ("areas need a
# diagram"). Never reaches the model: ``usable`` makes it None.
UNREADABLE = Diagram(Path(""), "", (), ())


def usable(diagram: Diagram | None) -> Diagram | None:
    return None if diagram == UNREADABLE else diagram


class DiagramReader:
    """Resolves ``diagram:`` values and reads each SVG's parts once per load."""

    def __init__(self, deck_root: Path, problems: Problems, language: str = ""):
        self.deck_root, self.problems = deck_root, problems
        self.language = language  # a translation's: a diagram's variant (neck.de.svg) first
        self.read: dict[Path, Diagram | None] = {}

    def resolve(self, doc: Document, value: str) -> Diagram | None:
        """The diagram ``value`` names: an SVG file inside the deck, or a built-in one."""
        line = doc.field_lines.get("diagram", 1)
        if value.lower().endswith(".svg"):
            written = Path(os.path.normpath(doc.path.parent / value))
            if not written.resolve().is_relative_to(self.deck_root.resolve()):
                self.problems.error(
                    doc.path, line, f"diagram '{value}' is outside the deck folder; keep it inside"
                )
                return UNREADABLE
            if not written.is_file():
                near = nearest_file(self.deck_root, doc.path.parent, value, (".svg",))
                self.problems.error(
                    doc.path,
                    line,
                    f"diagram '{value}' not found beside {doc.path.name}{did_you_mean(near)}",
                )
                return UNREADABLE
            return self._parts(variant(written, self.language), Path(value).name)
        builtin = builtin_diagrams()
        if value not in builtin:
            meant = nearest_file(self.deck_root, doc.path.parent, value, (".svg",))
            meant = meant or next(iter(difflib.get_close_matches(value, list(builtin), n=1)), None)
            hint = f"did you mean '{meant}'? " if meant else ""
            self.problems.error(
                doc.path,
                line,
                f"diagram '{value}' is neither an SVG file in the deck nor a built-in diagram; "
                f"{hint}built-in: {', '.join(builtin)}",
            )
            return UNREADABLE
        return self._parts(builtin[value], value)

    def _parts(self, path: Path, name: str) -> Diagram | None:
        if path not in self.read:
            try:
                areas, arrows = svg_parts(read_svg(path))
                self.read[path] = Diagram(path.resolve(), name, areas, arrows)
            except ImageTrouble as exc:
                self.problems.error(path, 1, str(exc))
                self.read[path] = UNREADABLE
        return self.read[path]

    def parts_named(
        self, doc: Document, values: dict[str, Any], diagram: Diagram | None
    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The technique's ``areas`` and ``arrows``, each checked against its diagram."""
        named: list[tuple[str, ...]] = []
        if diagram == UNREADABLE:  # its own error says why; the parts wait for it
            return (), ()
        for field, offered in (("areas", "areas"), ("arrows", "arrows")):
            wanted = values.get(field, ())
            line = doc.field_lines.get(field, 1)
            if wanted and diagram is None:
                self.problems.error(
                    doc.path,
                    line,
                    f"{field} need a diagram: add  diagram: foot-sole  (or another) here, "
                    "to the section's _index.md or to the deck's",
                )
                named.append(())
                continue
            known = getattr(diagram, offered, ())
            kept = []
            name_of = diagram.name if diagram else ""
            for name in wanted:
                if name in known:
                    kept.append(name)
                    continue
                what = "area" if field == "areas" else "arrow"
                has = ", ".join(known) if known else f"no {field}"
                self.problems.error(
                    doc.path, line, f"{what} '{name}' is not in {name_of}; it has: {has}"
                )
            named.append(tuple(kept))
        return named[0], named[1]
