"""The line ``cards build`` prints when techniques are above the grade target.

Below the build in the pipeline's order: it reads the deck the build loaded,
never what was built, so the build can call it without the review calling
the build back.
"""

from __future__ import annotations

import functools
from typing import Any

from cards.model import Deck, Technique
from cards.review.checks import (
    ReviewUnavailable,
    formula_for,
    plain_text,
    review_texts,
    sentences_of,
    words_of,
)
from cards.review.report import ReviewSettings

REVIEW_IN_BUILD_UP_TO = 200  # techniques: past that, grading them would slow the build


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
