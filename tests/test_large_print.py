"""--large-print makes everything a reader needs larger, never smaller: the
diagrams grow with the type, glance values are as large as the steps, and the
"Before you start" box stays with its heading."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import DEFAULT_DECK
from pdfcheck import Box, page_count, page_size_mm, paths_box_mm, sized_runs

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
        for args in (["-f", "booklet"], ["-f", "cards", "--print-shop", "--no-extras"]):
            result = CliRunner().invoke(
                main, ["build", str(DEFAULT_DECK), "-o", str(folder), *args, *extra]
            )
            assert result.exit_code == 0, result.output
        out[name] = folder
    return out


def diagram_beside(pdf: Path, title: str) -> tuple[Box, int]:
    title_pt = 12 if pdf.name.endswith("cards.pdf") else 20  # not the contents' entries
    """The diagram beside a technique's title: the paths right of the title's
    start and no higher than its top, away from the page's outer edge."""
    width_mm, _ = page_size_mm(pdf)
    for index in range(page_count(pdf)):
        runs = sized_runs(pdf, index)
        heads = [
            r
            for r in runs
            if title.startswith(r.text) and len(r.text) > 3 and r.size_pt >= title_pt
        ]
        if heads:
            head = heads[0]
            top = head.y_mm + head.size_pt * 0.9 / (72 / 25.4)
            region = Box(head.x_mm + 15, 12, width_mm - 12, top + 1)
            box = paths_box_mm(pdf, index, region)
            assert box is not None, (title, index)
            return box, index
    raise AssertionError(f"no page titled {title!r} in {pdf}")


@pytest.mark.parametrize("title", TITLES)
@pytest.mark.parametrize("file", ["foot-massage-booklet.pdf", "foot-massage-cards.pdf"])
def test_large_print_diagrams_are_never_smaller(builds, title, file):
    normal, _ = diagram_beside(builds["default"] / file, title)
    large, _ = diagram_beside(builds["large"] / file, title)
    assert large.width_mm >= normal.width_mm - 0.3, (normal, large)
    assert large.height_mm >= normal.height_mm - 0.3, (normal, large)
    assert large.width_mm * large.height_mm > normal.width_mm * normal.height_mm * 1.1


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
