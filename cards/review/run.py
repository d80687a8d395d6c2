"""The review run on a deck's folder: the deck read, its cards and booklet built
anew to read the type sizes they were set at, and the line ``cards build``
prints when techniques are above the grade target."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from cards.build import BuildSettings, build, load, ready
from cards.model import Deck, Technique
from cards.problems import ContentError
from cards.review.checks import (
    ReviewUnavailable,
    formula_for,
    plain_text,
    review,
    review_texts,
    sentences_of,
    words_of,
)
from cards.review.report import (
    BOOKLET_BODY_MIN_PT,
    CARD_BODY_MIN_PT,
    Finding,
    Review,
    ReviewSettings,
)

REVIEW_IN_BUILD_UP_TO = 200  # techniques: past that, grading them would slow the build
PROBE_CHARACTERS = 24


def review_deck(
    deck_path: Path, settings: ReviewSettings | None = None, grade: int | None = None
) -> Review:
    """The plain-language review of a deck (``cards.review``), with the type
    sizes its steps are set at read from its cards and booklet, built anew;
    ``grade``, when given, is the target over the deck's own."""
    ready()
    deck, _ = load(deck_path)
    return review(deck, settings or ReviewSettings(), lambda d: built_sizes(d, deck_path), grade)


def built_sizes(deck: Deck, deck_path: Path) -> list[Finding]:
    """Findings for steps set below the design's minimum sizes, in the files as
    built (the first words of each technique's first step, found and measured)."""
    import tempfile

    from cards.output.sizes import sizes_of

    probes = {}
    for technique in deck.techniques:
        first = next((b.items[0] for b in technique.body if b.kind == "steps" and b.items), "")
        # enough of the step to be found only there (not in the glance strip),
        # and short enough to stand on the step's first line
        words = plain_text(first)[:PROBE_CHARACTERS]
        if len(words) >= PROBE_CHARACTERS // 2:
            probes[str(technique.number)] = words
    findings: list[Finding] = []
    with tempfile.TemporaryDirectory() as folder:
        try:
            build(deck_path, BuildSettings(out_dir=Path(folder), jobs=1))
        except ContentError:
            return []  # a deck that does not build: cards build says why
        cards_pdf = Path(folder) / f"{deck.slug}-cards.pdf"
        booklet_pdf = Path(folder) / f"{deck.slug}-booklet.pdf"
        for pdf, least, where in (
            (cards_pdf, CARD_BODY_MIN_PT, "card"),
            (booklet_pdf, BOOKLET_BODY_MIN_PT, "booklet page"),
        ):
            sizes = sizes_of(pdf, probes)
            for technique in deck.techniques:
                size = sizes.get(str(technique.number))
                if size is not None and size < least - 0.05:
                    findings.append(
                        Finding(
                            technique.source.path,
                            1,
                            "type",
                            f"its steps are set at {size:g} pt on its {where}, below the "
                            f"{least:g} pt the design asks: shorten the text",
                            size,
                            least,
                        )
                    )
    return findings


def review_note(deck: Deck) -> list[str]:
    """One line when the plain-language review finds techniques above the grade
    target. English grades need the CMU dictionary, a second to load: a quick
    estimate (syllables from pyphen) screens first, and only a deck with a
    technique near the target is graded exactly."""
    if deck.technique_count > REVIEW_IN_BUILD_UP_TO:
        return []
    if formula_for(deck.language) is None:
        return []
    settings = ReviewSettings().with_deck(deck)
    if deck.language.split("-")[0].lower() == "en" and all(
        rough_grade(technique_text(t)) < settings.grade - SCREEN_MARGIN for t in deck.techniques
    ):
        return []
    try:
        texts = review_texts(deck, settings)
    except ReviewUnavailable:
        return []  # the build's own files are what matters here; cards review says why
    over = [
        t for t in texts if t.kind == "technique" and t.grade and t.grade.grade > settings.grade
    ]
    if not over:
        return []
    noun = "technique" if len(over) == 1 else "techniques"
    return [f"{len(over)} {noun} above grade {settings.grade}: run cards review"]


SCREEN_MARGIN = 2.0  # grades: the quick estimate is never off by that much on steps


def technique_text(technique: Technique) -> str:
    return " ".join(
        plain_text(item)
        for block in technique.body
        if block.kind != "heading"
        for item in block.items
    )


@functools.cache
def english_hyphenator() -> Any:
    """One pyphen dictionary for the screen, not one a technique."""
    import pyphen

    return pyphen.Pyphen(lang="en_US")


def rough_grade(text: str) -> float:
    """Flesch–Kincaid with pyphen's syllables: quick, and close to textstat's."""
    words = words_of(text)
    sentences = max(len(sentences_of(text)), 1)
    if not words:
        return 0.0
    hyphenator = english_hyphenator()
    syllables = sum(len(hyphenator.positions(word)) + 1 for word in words)
    return 0.39 * len(words) / sentences + 11.8 * syllables / len(words) - 15.59
