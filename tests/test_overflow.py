"""`--overflow continue`: a technique too long for its card or booklet page runs
on over as many as it needs, at the normal size, broken between steps, every
part numbered and cued, the parts balanced, and every file written."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import small_deck, technique
from pdfcheck import page_count, sized_runs

from cards.formats.booklet_plan import booklet_theme

LONG_STEP = "Press the heel gently with both thumbs and slide it slowly to the toes"


def long_deck(deck_dir, steps: int = 21, one_long_step: bool = False) -> Path:
    lines = [f"{i}. {LONG_STEP} ({i})." for i in range(1, steps + 1)]
    if one_long_step:
        lines.insert(3, f"4. {' '.join([LONG_STEP] * 40)} (huge).")
        lines = [re.sub(r"^\d+\.", f"{n}.", line) for n, line in enumerate(lines, start=1)]
    body = "\n".join(lines)
    long_one = technique("Long One", body, hold="5 seconds", diagram="foot-sole", areas="heel")
    return deck_dir(small_deck(**{"01-one/01-alpha.md": long_one}))


def card_parts(pdf: Path) -> list[list[str]]:
    """The text runs of each part of 'Long One', in order, across the sheets."""
    runs = [r for page in range(page_count(pdf)) for r in sized_runs(pdf, page)]
    parts: list[list[str]] = []
    current: list[str] | None = None
    for run in runs:
        if run.text.startswith("Long One"):
            current = []
        if current is not None:
            current.append(run.text)
            if "· part" in run.text:  # the footer ends a card
                parts.append(current)
                current = None
    return parts


def test_continued_cards_are_set_at_the_body_size_numbered_and_cued(run, deck_dir, tmp_path):
    long_deck(deck_dir)
    result = run("build", "test-deck", "--overflow", "continue", "-o", "out", "--no-extras")
    assert result.exit_code == 0, result.output
    pdf = tmp_path / "out" / "test-deck-cards.pdf"
    runs = [r for page in range(page_count(pdf)) for r in sized_runs(pdf, page)]
    step_sizes = {round(r.size_pt, 1) for r in runs if "Press the heel" in r.text}
    assert step_sizes == {9.0}, "continuation cards keep the body size, never the floor"
    parts = card_parts(pdf)
    total = len(parts)
    assert total >= 3
    for number, part in enumerate(parts, start=1):
        footer = next(text for text in part if "· part" in text)
        assert footer.endswith(f"part {number} of {total}"), footer
        cued = any("continued on the next card" in text for text in part)
        assert cued == (number < total), (number, part)
        if number > 1:
            assert part[0] == "Long One (continued)"
            # the first line of text under the title is a step's number: no
            # step is cut mid-sentence
            assert re.fullmatch(r"\d+", part[1]), part[:3]
    # every step is there once, whole, in order
    steps = [int(m) for part in parts for text in part for m in re.findall(r"\((\d+)\)\.", text)]
    assert steps == list(range(1, 22))


def test_continued_cards_are_balanced(run, deck_dir, tmp_path):
    long_deck(deck_dir)
    result = run("build", "test-deck", "-f", "cards", "--overflow", "continue", "-o", "out")
    assert result.exit_code == 0, result.output
    parts = card_parts(tmp_path / "out" / "test-deck-cards.pdf")
    counts = [sum(1 for text in part if re.fullmatch(r"\d+", text)) for part in parts]
    assert max(counts[1:]) - min(counts[1:]) <= 1, counts  # no near-empty last card


def test_a_step_longer_than_a_card_breaks_between_lines_and_keeps_its_number(
    run, deck_dir, tmp_path
):
    long_deck(deck_dir, steps=6, one_long_step=True)
    result = run("build", "test-deck", "-f", "cards", "--overflow", "continue", "-o", "out")
    assert result.exit_code == 0, result.output
    parts = card_parts(tmp_path / "out" / "test-deck-cards.pdf")
    starts = [part[1] for part in parts[1:]]
    assert starts.count("4") >= 2, starts  # step 4 goes on under its own number


def test_the_booklet_runs_a_long_technique_onto_the_next_pages(run, deck_dir, tmp_path):
    long_deck(deck_dir, steps=40)
    plain = run("build", "test-deck", "-o", "plain")
    assert plain.exit_code == 1
    result = run("build", "test-deck", "--overflow", "continue", "-o", "out")
    assert result.exit_code == 0, result.output
    assert "'Long One' is too long for one booklet page; it continues on" in result.output
    out = tmp_path / "out"
    assert sorted(p.name for p in out.glob("*.pdf")) == [
        "test-deck-booklet-imposed.pdf",
        "test-deck-booklet.pdf",
        "test-deck-cards.pdf",
    ]
    booklet = out / "test-deck-booklet.pdf"
    pages = [[r.text for r in sized_runs(booklet, i)] for i in range(page_count(booklet))]
    later = [i for i, texts in enumerate(pages) if "Long One (continued)" in texts]
    first = later[0] - 1
    assert "Long One" in pages[first] and "5 seconds" in pages[first]
    assert later == list(range(first + 1, first + 1 + len(later)))
    for index in [first, *later[:-1]]:
        assert "continued on the next page →" in pages[index]
    assert "continued on the next page →" not in pages[later[-1]]
    sizes = {
        round(r.size_pt, 1)
        for i in [first, *later]
        for r in sized_runs(booklet, i)
        if "Press the heel" in r.text
    }
    assert sizes == {booklet_theme("a4").body_pt}  # the normal size: never set smaller
    steps = [int(m) for i in [first, *later] for t in pages[i] for m in re.findall(r"\((\d+)\)", t)]
    assert steps == list(range(1, 41))
    assert page_count(booklet) % 4 == 0
