"""Booklet technique pages that look composed, for the foot-massage deck and two
decks that are not it (the one `cards new` writes, and one imported from a
spreadsheet): the diagram large, the steps on one comfortable measure, and no
page more than a quarter empty."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import DEFAULT_DECK, REPO
from pdfcheck import (
    figure_paths,
    longest_blank_share,
    outline_pages,
    printed_lines,
    render,
    union,
)

from cards.cli import main
from cards.content import load_deck
from cards.formats.booklet_plan import booklet_theme

MOST_EMPTY = 0.25  # of a technique page's height, in one white band
LEAST_DIAGRAM_MM = 60  # the diagram's long side
MEASURE_CHARACTERS = (55, 70)  # what a line of the steps holds


@pytest.fixture(scope="module")
def decks(tmp_path_factory) -> dict[str, tuple[Path, Path]]:
    """Each deck's folder and its reading booklet."""
    work = tmp_path_factory.mktemp("composed")
    runner = CliRunner()
    scaffold, imported = work / "scaffold", work / "imported"
    assert runner.invoke(main, ["new", str(scaffold)]).exit_code == 0
    result = runner.invoke(
        main, ["import", str(REPO / "examples" / "stretches.csv"), str(imported)]
    )
    assert result.exit_code == 0, result.output
    built = {}
    for name, folder in {
        "foot-massage": DEFAULT_DECK,
        "scaffold": scaffold,
        "imported": imported,
    }.items():
        out = work / f"out-{name}"
        result = runner.invoke(main, ["build", str(folder), "-f", "booklet", "-o", str(out)])
        assert result.exit_code == 0 and "warning" not in result.output.replace(
            "no safety note", ""
        ), result.output
        [booklet] = [p for p in out.glob("*-booklet.pdf")]
        built[name] = (folder, booklet)
    return built


def technique_pages(folder: Path, booklet: Path) -> dict[str, int]:
    deck = load_deck(folder)[0]
    pages = outline_pages(booklet)
    return {t.title: pages[t.title] for t in deck.techniques}


DECKS = ["foot-massage", "scaffold", "imported"]


@pytest.mark.parametrize("name", DECKS)
def test_no_technique_page_is_more_than_a_quarter_empty(decks, name):
    folder, booklet = decks[name]
    theme = booklet_theme("a4")
    dpi = 50
    px = dpi / 25.4
    for title, page in technique_pages(folder, booklet).items():
        odd = (page + 1) % 2 == 1
        left = theme.margin_inner_mm if odd else theme.margin_outer_mm
        right = theme.width_mm - (theme.margin_outer_mm if odd else theme.margin_inner_mm)
        share = longest_blank_share(render(booklet, page, dpi), int(left * px), int(right * px))
        assert share <= MOST_EMPTY, (name, title, f"{share:.0%}")


@pytest.mark.parametrize("name", DECKS)
def test_each_technique_diagram_is_60_mm_or_more(decks, name):
    folder, booklet = decks[name]
    deck = load_deck(folder)[0]
    pages = technique_pages(folder, booklet)
    for t in deck.techniques:
        if t.diagram is None:
            continue
        box = union([p.box for p in figure_paths(booklet, pages[t.title])])
        assert max(box.width_mm, box.height_mm) >= LEAST_DIAGRAM_MM, (name, t.title, box)


@pytest.mark.parametrize("name", DECKS)
def test_the_steps_keep_one_measure_of_55_to_70_characters(decks, name):
    """Every line of body text on a technique page starts at the column's edge
    or at the steps' indent (none beside the diagram, at a narrower measure),
    ends inside the column, and the steps' column holds 55 to 70 characters
    of the text as printed."""
    folder, booklet = decks[name]
    theme = booklet_theme("a4")
    for title, page in technique_pages(folder, booklet).items():
        odd = (page + 1) % 2 == 1
        left = theme.margin_inner_mm if odd else theme.margin_outer_mm
        right = theme.width_mm - (theme.margin_outer_mm if odd else theme.margin_inner_mm)
        body = [
            line
            for line in printed_lines(booklet, page)
            if abs(line.size_pt - theme.body_pt) < 0.05 and line.text.strip()
        ]
        words = [line for line in body if not line.text.strip().isdigit()]  # not the numbers
        starts = {round(line.left_mm, 1) for line in words}
        assert len(starts) <= 2 and min(starts) >= left - 0.1, (name, title, starts)
        assert max(line.right_mm for line in words) <= right + 0.5, (name, title)
        step_x = max(starts)
        advance = sum(line.right_mm - line.left_mm for line in words) / sum(
            len(line.text) for line in words
        )
        holds = (right - step_x) / advance
        low, high = MEASURE_CHARACTERS
        assert low <= holds <= high, (name, title, round(holds, 1))
        paths = figure_paths(booklet, page)
        if paths:
            box = union([p.box for p in paths])
            beside = [line.text for line in words if box.bottom_mm < line.baseline_mm < box.top_mm]
            assert not beside, (name, title, beside)  # no step set beside the diagram
