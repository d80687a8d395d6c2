"""--large-print makes everything a reader needs larger, never smaller: the
cards' diagrams grow with the type (the booklet's keep their 60 mm and grow
into what room the page has), glance values are as large as the steps, and the
"Before you start" box stays with its heading."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import DEFAULT_DECK
from pdfcheck import Box, figure_paths, page_count, sized_runs, union

from cards.cli import main

TITLES = [
    "Sole Twists",
    "Toe Arches",
    "Foot and Sole Stretches",
    "Knead the Heels",
    "Thumb Slides on the Sole",
    "Ankle Stretches",
    "Instep Massage",
    "Oil Massage",
]
LABELS = ("Hold", "Repeat", "Pressure")


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> dict[str, Path]:
    out = {}
    for name, extra in {"default": [], "large": ["--large-print"]}.items():
        folder = tmp_path_factory.mktemp(name)
        # the card sheets, tagged: each diagram found by its marked content
        for args in (["-f", "booklet"], ["-f", "cards", "--no-extras"]):
            result = CliRunner().invoke(
                main, ["build", str(DEFAULT_DECK), "-o", str(folder), *args, *extra]
            )
            assert result.exit_code == 0, result.output
            size = re.search(r"cards \((\d+) × (\d+) mm\)", result.output)
            if size:  # the card's size, where the report says it
                (folder / "card-size").write_text(f"{size[1]} {size[2]}")
        out[name] = folder
    return out


def technique_diagram(pdf: Path, title: str) -> Box:
    """The box of the diagram on the first page or card titled ``title``: the
    paths drawn as its Figure (on a card sheet, those in the title's card)."""
    title_pt = 12 if pdf.name.endswith("cards.pdf") else 20  # not the contents' entries
    for index in range(page_count(pdf)):
        runs = sized_runs(pdf, index)
        heads = [
            r
            for r in runs
            if title.startswith(r.text) and len(r.text) > 3 and r.size_pt >= title_pt
        ]
        if heads:
            head = heads[0]
            region = None
            if pdf.name.endswith("cards.pdf"):  # the card the title starts, on its sheet
                width, height = map(float, (pdf.parent / "card-size").read_text().split())
                region = Box(
                    head.x_mm - 12, head.y_mm - height, head.x_mm + width - 2, head.y_mm + 12
                )
            paths = figure_paths(pdf, index, region)
            assert paths, (title, index)
            return union([p.box for p in paths])
    raise AssertionError(f"no page titled {title!r} in {pdf}")


@pytest.mark.parametrize("title", TITLES)
def test_large_print_card_diagrams_grow_with_the_type(builds, title):
    file = "foot-massage-cards.pdf"
    normal = technique_diagram(builds["default"] / file, title)
    large = technique_diagram(builds["large"] / file, title)
    assert large.width_mm >= normal.width_mm - 0.3, (normal, large)
    assert large.height_mm >= normal.height_mm - 0.3, (normal, large)
    assert large.width_mm * large.height_mm > normal.width_mm * normal.height_mm * 1.1


@pytest.mark.parametrize("title", TITLES)
def test_large_print_booklet_diagrams_keep_the_booklets_least_size(builds, title):
    """A booklet page's diagram is grown into the room its page has left; in
    large print the steps take more of it, so a diagram may grow less than on
    the default page, but never below the booklet's 60 mm (its long side)."""
    large = technique_diagram(builds["large"] / "foot-massage-booklet.pdf", title)
    assert max(large.width_mm, large.height_mm) >= 60, (title, large)


@pytest.mark.parametrize("file", ["foot-massage-booklet.pdf", "foot-massage-cards.pdf"])
def test_large_print_glance_values_are_at_least_the_body_size(builds, file):
    pdf = builds["large"] / file
    checked = 0
    for index in range(page_count(pdf)):
        runs = sized_runs(pdf, index)
        steps = [
            r.size_pt for r in runs if r.text.rstrip(".").isdigit() is False and len(r.text) > 25
        ]
        if not steps:
            continue
        body = min(steps)
        for at, run in enumerate(runs[:-1]):
            if run.text in LABELS:
                value = runs[at + 1]
                assert value.size_pt >= body - 0.05, (index, run.text, value, body)
                checked += 1
    assert checked >= 3 * len(TITLES)


def test_the_before_you_start_box_keeps_its_heading(builds):
    pdf = builds["large"] / "foot-massage-booklet.pdf"
    for index in range(page_count(pdf)):
        texts = [r.text for r in sized_runs(pdf, index)]
        if "Stop at once if anything hurts, and" in texts or any(
            t.startswith("Stop at once") for t in texts
        ):
            assert "Before you start" in texts, texts
            break
    else:
        raise AssertionError("no safety box in the booklet")
