"""The golden corpus: three decks built and rendered small, page by page.

Each built file becomes one contact sheet (its pages side by side, in rows)
at ``DPI``; ``tests/test_golden.py`` compares a fresh build with the sheets
committed here. Remake them, after looking at what changed, with

    .venv/bin/python tests/golden/corpus.py

The pictures are what a reader sees: a dependency upgrade (ReportLab, the
font, pdfium) or a refactor that moves a line, changes a colour or loses a
diagram fails the test with a picture of the difference beside it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
DPI = 30
COLUMNS = 6
EPOCH = "1767225600"  # 2026-01-01: the edition line never moves


@dataclass(frozen=True)
class GoldenDeck:
    name: str  # of the pictures: <name>-<file>.png
    options: tuple[str, ...]
    scaffold: bool = False  # the deck `cards new` makes, else the default deck


DECKS = (
    GoldenDeck("default", ()),
    GoldenDeck(
        "scaffold-letter-backs-low-ink", ("--paper", "letter", "--backs", "--low-ink"), True
    ),
    GoldenDeck("default-large-print-fold", ("--large-print", "--fold")),
)


def built(deck: GoldenDeck, work: Path) -> dict[str, Path]:
    """The deck's PDFs, built by the command line into ``work``, by picture name
    (``default-cards.png`` for the default deck's ``foot-massage-cards.pdf``)."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    command = [sys.executable, "-m", "cards"]
    source = REPO / "content" / "foot-massage"
    if deck.scaffold:
        source = work / "deck"
        subprocess.run([*command, "new", str(source)], check=True, env=env, capture_output=True)
    out = work / "out"
    subprocess.run(
        [*command, "build", str(source), "-o", str(out), "--jobs", "1", *deck.options],
        check=True,
        env=env,
        capture_output=True,
        cwd=REPO,
    )
    return {
        f"{deck.name}-{pdf.stem.removeprefix(source.name + '-')}.png": pdf
        for pdf in sorted(out.glob("*.pdf"))
    }


def contact_sheet(pdf: Path):  # -> PIL.Image.Image
    """Every page of ``pdf`` at ``DPI``, in rows of ``COLUMNS``, on grey."""
    import pypdfium2
    from PIL import Image

    document = pypdfium2.PdfDocument(str(pdf))
    pages = [page.render(scale=DPI / 72).to_pil().convert("RGB") for page in document]
    width = max(p.width for p in pages)
    height = max(p.height for p in pages)
    rows = -(-len(pages) // COLUMNS)
    columns = min(COLUMNS, len(pages))
    sheet = Image.new("RGB", (columns * (width + 4) + 4, rows * (height + 4) + 4), (128, 128, 128))
    for index, page in enumerate(pages):
        row, column = divmod(index, COLUMNS)
        sheet.paste(page, (4 + column * (width + 4), 4 + row * (height + 4)))
    return sheet


def sheets(deck: GoldenDeck) -> dict[str, object]:
    """The deck's contact sheets, by picture name."""
    with tempfile.TemporaryDirectory() as work:
        return {name: contact_sheet(pdf) for name, pdf in built(deck, Path(work)).items()}


def main() -> None:
    for old in HERE.glob("*.png"):
        old.unlink()
    for deck in DECKS:
        for name, sheet in sheets(deck).items():
            sheet.save(HERE / name, optimize=True)  # type: ignore[attr-defined]
            print(HERE / name)


if __name__ == "__main__":
    main()
