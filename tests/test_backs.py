"""Every card has a back when backs are asked for: the deck's own cards (title,
"Before you start", routine) take the deck's back, so no printed front has a
blank back behind it and a print shop's pages pair front with back."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from conftest import DEFAULT_DECK
from pdfcheck import page_count, page_size_mm, pixel_mm, render, sized_runs

from cards.cli import main
from cards.formats.cardsheet import card_grid
from cards.geometry import fold_halves, mirror_slot
from cards.layout.theme import CardTheme, SheetTheme

TECHNIQUE_FOOTER = re.compile(r"^Foot Massage · (\d+) / 13$")
EXTRA_FRONTS = ("Before you start", "The routine", "Thirteen techniques for tired feet")


def build(tmp_path, *args: str):
    result = CliRunner().invoke(
        main, ["build", str(DEFAULT_DECK), "-f", "cards", "-o", str(tmp_path), *args]
    )
    assert result.exit_code == 0, result.output
    return tmp_path / "foot-massage-cards.pdf"


def texts(pdf, index: int) -> list[str]:
    return [run.text for run in sized_runs(pdf, index)]


def test_a_print_shop_pairs_every_front_with_its_back(tmp_path):
    pdf = build(tmp_path, "--print-shop", "--backs")
    pages = page_count(pdf)
    assert pages == 2 * (13 + 3), "thirteen techniques and the deck's three, each front and back"
    for front in range(0, pages, 2):
        front_texts, back_texts = texts(pdf, front), texts(pdf, front + 1)
        footer = [m.group(1) for t in front_texts if (m := TECHNIQUE_FOOTER.match(t))]
        if footer:  # a technique: its back says its section and number
            assert f"Foot Massage · {footer[0]} / 13" in back_texts, (front, back_texts)
        else:  # the deck's own: the deck's back
            assert "Foot Massage" in back_texts and "Thirteen techniques for tired" in " ".join(
                back_texts
            ), (front, back_texts)
            assert not any(t in EXTRA_FRONTS for t in back_texts)


def slot_is_printed(image, sheet_h_mm: float, box) -> bool:
    """Ink somewhere on a line across the slot's middle (a card back is never white)."""
    y = box.y_mm + box.height_mm * 0.5
    samples = [
        pixel_mm(image, sheet_h_mm, box.x_mm + box.width_mm * f, y) for f in (0.2, 0.35, 0.5)
    ]
    samples += [
        pixel_mm(image, sheet_h_mm, box.x_mm + box.width_mm * 0.5, box.y_mm + box.height_mm * f)
        for f in (0.3, 0.45, 0.6, 0.9)
    ]
    return any(sum(pixel) < 3 * 235 for pixel in samples)


@pytest.mark.parametrize("mode", ["--backs", "--fold"])
def test_no_printed_front_has_a_blank_back(tmp_path, mode):
    pdf = build(tmp_path, mode)
    theme = CardTheme()
    fold = mode == "--fold"
    grid = card_grid("a4", theme, SheetTheme(), fold)
    _, height_mm = page_size_mm(pdf)
    cards_left = 13 + 3
    step = 1 if fold else 2
    for front in range(0, page_count(pdf), step):
        on_sheet = min(cards_left, grid.per_sheet)
        cards_left -= on_sheet
        image = render(pdf, front if fold else front + 1)
        for index in range(on_sheet):
            if fold:
                box = fold_halves(grid.slot(index))[1]
            else:
                box = grid.slot(mirror_slot(grid, index, "long"))
            assert slot_is_printed(image, height_mm, box), (mode, front, index)
    assert cards_left == 0
