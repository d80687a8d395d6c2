"""What a reader sees, pinned: three decks built and compared, page by page,
with the contact sheets committed in tests/golden/ (see corpus.py there).

A change that moves a line, changes a colour or drops a diagram fails here,
and the difference is saved beside the golden pictures (tests/golden/diff/,
not committed) to look at: the golden, the new and the difference in red.
A change meant to be seen is pinned again with ``python tests/golden/corpus.py``.
"""

from __future__ import annotations

import pytest
from golden.corpus import DECKS, HERE, sheets
from PIL import Image, ImageChops

# A pixel differs when a channel moves by more than this (antialiasing by
# another pdfium build moves edges a little), and a picture differs when more
# than this share of its pixels do: the cards' footers moved by 1 mm are four times it.
CHANNEL_TOLERANCE = 24
SHARE_TOLERANCE = 0.001


@pytest.mark.parametrize("deck", DECKS, ids=[deck.name for deck in DECKS])
def test_what_a_reader_sees_is_what_the_golden_pictures_show(deck):
    made = sheets(deck)
    files = ("cards.png", "booklet.png", "booklet-imposed.png")
    assert sorted(made) == sorted(f"{deck.name}-{name}" for name in files)
    failures = []
    for name, picture in made.items():
        expected = Image.open(HERE / name).convert("RGB")
        share = differing_share(expected, picture)
        if share > SHARE_TOLERANCE:
            saved = save_diff(name, expected, picture)
            failures.append(f"{name}: {share:.2%} of pixels differ, see {saved}")
    assert failures == []


def differing_share(expected: Image.Image, made: Image.Image) -> float:
    if expected.size != made.size:
        return 1.0
    difference = ImageChops.difference(expected, made).convert("L")
    counts = difference.histogram()
    return sum(counts[CHANNEL_TOLERANCE + 1 :]) / (expected.width * expected.height)


def save_diff(name: str, expected: Image.Image, made: Image.Image) -> str:
    """The golden, the new and the difference (red where pixels differ), side by side."""
    folder = HERE / "diff"
    folder.mkdir(exist_ok=True)
    width = max(expected.width, made.width)
    height = max(expected.height, made.height)
    picture = Image.new("RGB", (3 * width, height), (255, 255, 255))
    picture.paste(expected, (0, 0))
    picture.paste(made, (width, 0))
    if expected.size == made.size:
        mask = (
            ImageChops.difference(expected, made)
            .convert("L")
            .point(lambda v: 255 if v > CHANNEL_TOLERANCE else 0)
        )
        marked = made.convert("L").convert("RGB")
        marked.paste((220, 0, 0), mask=mask)
        picture.paste(marked, (2 * width, 0))
    path = folder / name
    picture.save(path)
    return str(path)
