"""Answers worked out by hand, not by the code under test: page orders, grids,
crop marks, mirrored points, the floor benchmark's cards, a Letter booklet."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from conftest import DEFAULT_DECK, REPO
from pdfcheck import all_text, page_count, page_size_mm, words_in_box

from cards.cli import main
from cards.geometry import best_grid, crop_marks, grid, mirror_point, saddle_order
from cards.layout.theme import PAPERS_MM, SheetTheme

TITLES = [
    "Sole Twists", "Toe Arches", "Foot and Sole Stretches", "Toe Slides", "Knead the Heels",
    "Knuckle Presses", "Thumb Slides on the Sole", "Pressure Points", "Ankle Stretches",
    "Tendon Massage", "Instep Massage", "Water Dips", "Oil Massage",
]  # fmt: skip


def test_saddle_order_of_12_and_24_pages():
    # sheet by sheet, front then back: the outer pages first, folding inwards
    assert saddle_order(12) == [(12, 1), (2, 11), (10, 3), (4, 9), (8, 5), (6, 7)]
    assert saddle_order(24) == [
        (24, 1), (2, 23), (22, 3), (4, 21), (20, 5), (6, 19),
        (18, 7), (8, 17), (16, 9), (10, 15), (14, 11), (12, 13),
    ]  # fmt: skip


def test_the_pocket_grid_and_its_crop_marks():
    sheet = SheetTheme()  # 10.5 mm from the sheet edge to the nearest trim
    assert sheet.card_margin_mm == 10.5
    a4 = grid((210, 297), (63, 88), 10.5, 6.0)
    # 189 mm across holds three 63 mm cards butted; 276 mm down holds three
    # 88 mm cards with (276 - 264) / 2 = 6 mm between the rows
    assert (a4.columns, a4.rows, a4.gutter_x_mm, a4.gutter_y_mm) == (3, 3, 0.0, 6.0)
    # 4 vertical trim lines and 6 horizontal ones, each marked at both ends
    assert len(crop_marks(a4, 3.0, 2.5)) == 2 * 4 + 2 * 6 == 20
    letter = best_grid(PAPERS_MM["letter"], (63, 88), 10.5, 6.0)
    # landscape 279.4 mm: 258.4 mm across holds four cards, (258.4 - 252) / 3 apart
    assert (letter.columns, letter.rows, letter.landscape) == (4, 2, True)
    assert round(letter.gutter_x_mm, 3) == 2.133
    assert len(crop_marks(letter, 3.0, 2.5)) == 2 * 8 + 2 * 4 == 24


def test_mirror_points_for_backs():
    # portrait A4 turned over its long (vertical) edge: left and right swap
    assert mirror_point((210, 297), 10, 20, "long") == (200, 20)
    # over its short edge: top and bottom swap
    assert mirror_point((210, 297), 10, 20, "short") == (10, 277)
    # landscape: the long edge is horizontal
    assert mirror_point((297, 210), 10, 20, "long") == (10, 190)
    assert mirror_point((297, 210), 10, 20, "short") == (287, 20)


def test_the_floor_draws_the_cards_titles(tmp_path):
    out = tmp_path / "floor.pdf"
    subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "floor.py"), str(DEFAULT_DECK), str(out)],
        check=True,
    )
    text = " ".join(all_text(out).split())
    assert [title for title in TITLES if title in text] == TITLES
    assert page_count(out) == 2  # 13 cards, 9 to a sheet


def test_a_letter_booklet(tmp_path):
    result = CliRunner().invoke(
        main,
        ["build", str(DEFAULT_DECK), "-f", "booklet", "--paper", "letter", "-o", str(tmp_path)],
    )
    assert result.exit_code == 0, result.output
    reading = tmp_path / "foot-massage-booklet.pdf"
    imposed = tmp_path / "foot-massage-booklet-imposed.pdf"
    assert page_size_mm(reading) == (139.7, 215.9)  # half-letter
    assert page_size_mm(imposed) == (279.4, 215.9)
    assert (page_count(reading), page_count(imposed)) == (20, 10)  # 5 sheets, both sides
    # sheet 1 front: the back cover (page 20) on the left, the cover (page 1) on the right
    assert "Relaxing" in words_in_box(imposed, 0, (139.7, 0, 279.4, 215.9))
    assert "Relaxing" not in words_in_box(imposed, 0, (0, 0, 139.7, 215.9))
    assert "Edition" in words_in_box(imposed, 0, (0, 0, 139.7, 215.9))


def test_titles_literal_list_matches_the_deck():
    from cards.content import load_deck

    deck, _ = load_deck(DEFAULT_DECK)
    assert [t.title for t in deck.techniques] == TITLES
    assert Path(DEFAULT_DECK).is_dir()
