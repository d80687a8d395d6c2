"""The floor: the same visible cards drawn with raw ReportLab canvas calls.

    python benchmarks/floor.py DECK OUT.pdf

Band in the section colour with its number and name, title, body wrapped to
the card width, crop marks, the same card and sheet sizes and the same
embedded font, but no Markdown, no templates, no layout markup, no fitting:
what no tool built on ReportLab can beat. The distance from `cards build` to
this is what our layers cost.
"""

from __future__ import annotations

import sys
from pathlib import Path

import font_source_sans_pro
import yaml
from reportlab.lib.colors import HexColor
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

MM = 72 / 25.4
CARD = (63.0, 88.0)
SHEET = (210.0, 297.0)
MARGIN = 10.5
GUTTER_Y = 6.0
BAND = 10.0
SAFE = 4.0


def front_matter(path: Path) -> tuple[dict, list[str]]:
    text = path.read_text(encoding="utf-8")
    _, head, body = text.split("---\n", 2)
    lines = [line.split(". ", 1)[-1] for line in body.splitlines() if line.strip()]
    return yaml.safe_load(head) or {}, lines


def cards_of(deck: Path):
    for section_dir in sorted(p for p in deck.iterdir() if p.is_dir()):
        section, _ = front_matter(section_dir / "_index.md")
        for path in sorted(section_dir.glob("*.md")):
            if path.name != "_index.md":
                fields, steps = front_matter(path)
                yield section, fields, steps


def main(deck: Path, out: Path) -> None:
    folder = font_source_sans_pro.font_directory
    pdfmetrics.registerFont(TTFont("R", f"{folder}/SourceSansPro-Regular.ttf"))
    pdfmetrics.registerFont(TTFont("S", f"{folder}/SourceSansPro-Semibold.ttf"))
    canvas = Canvas(
        str(out), pagesize=(SHEET[0] * MM, SHEET[1] * MM), initialFontName="R", invariant=1
    )
    slots = [
        (MARGIN + c * CARD[0], SHEET[1] - MARGIN - (r + 1) * CARD[1] - r * GUTTER_Y)
        for r in range(3)
        for c in range(3)
    ]
    width = (CARD[0] - 2 * SAFE) * MM
    numbers = {}
    for index, (section, fields, steps) in enumerate(cards_of(deck)):
        slot = index % 9
        if slot == 0 and index:
            crop_marks(canvas, slots)
            canvas.showPage()
        x, y = (v * MM for v in slots[slot])
        top = y + CARD[1] * MM
        number = numbers.setdefault(section["title"], len(numbers) + 1)
        canvas.setFillColor(HexColor(section.get("colour", "#2A6CB8")))
        canvas.rect(x, top - BAND * MM, CARD[0] * MM, BAND * MM, stroke=0, fill=1)
        canvas.setFillColor(HexColor("#FFFFFF"))
        canvas.setFont("S", 7.5)
        canvas.drawString(
            x + SAFE * MM, top - BAND * MM / 2 - 2.5, f"{number}  {section['title'].upper()}"
        )
        canvas.setFillColor(HexColor("#1A1A1A"))
        canvas.setFont("S", 12.5)
        cursor = top - (BAND + 3) * MM - 12
        canvas.drawString(x + SAFE * MM, cursor, str(fields.get("title", "")))
        cursor -= 16
        canvas.setFont("R", 9)
        for step_number, step in enumerate(steps, start=1):
            for line in simpleSplit(f"{step_number}  {step}", "R", 9, width):
                canvas.drawString(x + SAFE * MM, cursor, line)
                cursor -= 11.25
            cursor -= 3.5
    crop_marks(canvas, slots)
    canvas.showPage()
    canvas.save()


def crop_marks(canvas: Canvas, slots) -> None:
    canvas.setLineWidth(0.35)
    xs = sorted({x for x, _ in slots} | {x + CARD[0] for x, _ in slots})
    ys = sorted({y for _, y in slots} | {y + CARD[1] for _, y in slots})
    for x in xs:
        canvas.line(x * MM, (SHEET[1] - MARGIN + 3) * MM, x * MM, (SHEET[1] - MARGIN + 5.5) * MM)
        canvas.line(x * MM, (MARGIN - 3) * MM, x * MM, (MARGIN - 5.5) * MM)
    for y in ys:
        canvas.line((MARGIN - 3) * MM, y * MM, (MARGIN - 5.5) * MM, y * MM)
        canvas.line((SHEET[0] - MARGIN + 3) * MM, y * MM, (SHEET[0] - MARGIN + 5.5) * MM, y * MM)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: floor.py DECK OUT.pdf")
    main(Path(sys.argv[1]), Path(sys.argv[2]))
