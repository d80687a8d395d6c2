"""The peer: the same visible cards typeset by Typst, as a tagged PDF.

    python benchmarks/typst_peer.py DECK OUT.pdf

The cards the floor draws (band in the section colour with its number and
name, title, numbered steps wrapped to the card, nine 63 × 88 mm cards to an
A4 sheet, the same embedded font), written as a Typst document and compiled
by Typst's Python package with its PDF tags on (the default): a tool that
lays out and tags, measured as a whole process like ours.
"""

from __future__ import annotations

import sys
from pathlib import Path

import font_source_sans_pro
import typst
from floor import CARD, MARGIN, cards_of


def typst_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def document(deck: Path) -> str:
    numbers: dict[str, int] = {}
    cards = []
    for section, fields, steps in cards_of(deck):
        number = numbers.setdefault(section["title"], len(numbers) + 1)
        colour = section.get("colour", "#2A6CB8")
        items = ", ".join(f"[#{typst_string(step)}]" for step in steps)
        cards.append(
            f"card({typst_string(colour)}, {number}, {typst_string(section['title'].upper())}, "
            f"{typst_string(str(fields.get('title', '')))}, ({items},))"
        )
    return (
        f'#set page(paper: "a4", margin: {MARGIN}mm)\n'
        '#set text(font: "Source Sans Pro", size: 9pt, lang: "en")\n'
        "#let card(colour, number, section, title, steps) = box(\n"
        f"  width: {CARD[0]}mm, height: {CARD[1]}mm, clip: true, {{\n"
        "    block(width: 100%, height: 10mm, fill: rgb(colour), inset: (x: 4mm),\n"
        '      align(horizon, text(fill: white, weight: "semibold", size: 7.5pt)[#number #section]))\n'
        "    pad(x: 4mm, top: 3mm, {\n"
        '      text(weight: "semibold", size: 12.5pt, title)\n'
        "      enum(..steps)\n"
        "    })\n"
        "  })\n"
        "#grid(columns: 3, row-gutter: 6mm,\n" + ",\n".join(cards) + ")\n"
    )


def main(deck: Path, out: Path) -> None:
    source = out.with_suffix(".typ")
    source.write_text(document(deck), encoding="utf-8")
    typst.compile(
        str(source),
        output=str(out),
        font_paths=[font_source_sans_pro.font_directory],
        ignore_system_fonts=True,
    )


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: typst_peer.py DECK OUT.pdf")
    main(Path(sys.argv[1]), Path(sys.argv[2]))
