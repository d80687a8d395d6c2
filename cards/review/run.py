"""The review run on a deck's folder: the deck read, and its cards and booklet
built anew to read the type sizes they were set at."""

from __future__ import annotations

from pathlib import Path

from cards.build import BuildSettings, build, load, ready
from cards.model import Deck
from cards.problems import ContentError
from cards.review.checks import (
    plain_text,
    review,
)
from cards.review.report import (
    BOOKLET_BODY_MIN_PT,
    CARD_BODY_MIN_PT,
    Finding,
    Review,
    ReviewSettings,
)

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
