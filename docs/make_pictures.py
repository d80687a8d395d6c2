"""Make the README's pictures from the real output: `make docs`.

Builds the default deck into a temporary folder and renders the first cards
sheet and a booklet spread (two facing pages) to PNG files in docs/; then
each deck of examples/languages, a card and a technique's booklet page, to
docs/languages/.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import pypdfium2
from PIL import Image

DOCS = Path(__file__).resolve().parent
DPI = 60
SPREAD = (4, 5)  # facing pages: even on the left (a section opening), odd on the right
GAP_PX = 6
CARD_DPI = 150


def page_image(pdf: Path, number: int, dpi: int = DPI) -> Image.Image:
    document = pypdfium2.PdfDocument(str(pdf))
    return document[number - 1].render(scale=dpi / 72).to_pil().convert("RGB")


def first_card(pdf: Path) -> Image.Image:
    """The first technique's card alone (beside the title card, in the sheet's
    second slot as the build lays it), at a size where its diagram can be read."""
    from cards.formats.cardsheet import card_grid
    from cards.layout.theme import CardTheme, SheetTheme

    layout = card_grid("a4", CardTheme(), SheetTheme())
    box = layout.slot(1)
    sheet = page_image(pdf, 1, CARD_DPI)
    px = CARD_DPI / 25.4
    left, top = round(box.x_mm * px), round((layout.sheet_height_mm - box.top_mm) * px)
    return sheet.crop((left, top, left + round(box.width_mm * px), top + round(box.height_mm * px)))


LANGUAGES = DOCS.parent / "examples" / "languages"
TECHNIQUE_PAGE = 4  # the first technique's page, under its section's panel
PAGE_DPI = 80


def language_pictures(out: Path) -> list[str]:
    """A card and a booklet page of each language's deck, in docs/languages/."""
    pictures = DOCS / "languages"
    pictures.mkdir(exist_ok=True)
    written = []
    for deck in sorted(p for p in LANGUAGES.iterdir() if p.is_dir()):
        built = out / deck.name
        subprocess.run(
            [sys.executable, "-m", "cards", "build", str(deck), "-o", str(built), "-q"],
            check=True,
        )
        first_card(built / f"{deck.name}-cards.pdf").save(
            pictures / f"{deck.name}-card.png", optimize=True
        )
        page_image(built / f"{deck.name}-booklet.pdf", TECHNIQUE_PAGE, PAGE_DPI).save(
            pictures / f"{deck.name}-page.png", optimize=True
        )
        written += [f"{deck.name}-card.png", f"{deck.name}-page.png"]
    return written


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        subprocess.run([sys.executable, "-m", "cards", "build", "-o", str(out), "-q"], check=True)
        page_image(out / "foot-massage-cards.pdf", 1).save(DOCS / "cards-sheet.png", optimize=True)
        first_card(out / "foot-massage-cards.pdf").save(DOCS / "card.png", optimize=True)
        left, right = (page_image(out / "foot-massage-booklet.pdf", n) for n in SPREAD)
        spread = Image.new("RGB", (left.width + right.width + GAP_PX, left.height), "#9A9A9A")
        spread.paste(left, (0, 0))
        spread.paste(right, (left.width + GAP_PX, 0))
        spread.save(DOCS / "booklet-spread.png", optimize=True)
        page_image(out / "foot-massage-booklet.pdf", 1).save(
            DOCS / "booklet-cover.png", optimize=True
        )
        languages = language_pictures(out)
    print(
        "wrote docs/cards-sheet.png, docs/card.png, docs/booklet-spread.png, docs/booklet-cover.png"
        f" and {len(languages)} pictures in docs/languages/"
    )


if __name__ == "__main__":
    main()
