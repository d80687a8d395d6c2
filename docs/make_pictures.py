"""Make the README's pictures from the real output: `make docs`.

Builds the default deck into a temporary folder and renders the first cards
sheet and a booklet spread (two facing pages) to PNG files in docs/.
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
SPREAD = (6, 7)  # facing pages: even on the left, odd on the right
GAP_PX = 6


def page_image(pdf: Path, number: int) -> Image.Image:
    document = pypdfium2.PdfDocument(str(pdf))
    return document[number - 1].render(scale=DPI / 72).to_pil().convert("RGB")


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        subprocess.run([sys.executable, "-m", "cards", "build", "-o", str(out), "-q"], check=True)
        page_image(out / "foot-massage-cards.pdf", 1).save(DOCS / "cards-sheet.png", optimize=True)
        left, right = (page_image(out / "foot-massage-booklet.pdf", n) for n in SPREAD)
        spread = Image.new("RGB", (left.width + right.width + GAP_PX, left.height), "#9A9A9A")
        spread.paste(left, (0, 0))
        spread.paste(right, (left.width + GAP_PX, 0))
        spread.save(DOCS / "booklet-spread.png", optimize=True)
        page_image(out / "foot-massage-booklet.pdf", 1).save(
            DOCS / "booklet-cover.png", optimize=True
        )
    print("wrote docs/cards-sheet.png, docs/booklet-spread.png, docs/booklet-cover.png")


if __name__ == "__main__":
    main()
