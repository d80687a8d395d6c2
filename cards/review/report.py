"""What the plain-language review reports: its settings, findings, grades and
the report itself (as data for ``--format json``, whose shape stays)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from cards.model import Deck

DEFAULT_GRADE = 8  # MedlinePlus: grade 6 to 8 or lower
DEFAULT_SENTENCE_WORDS = 20  # CDC Clear Communication Index
CARD_BODY_MIN_PT = 8.0  # DESIGN.md: body 8 pt or more on pocket cards
BOOKLET_BODY_MIN_PT = 13.0  # DESIGN.md: body 13-14 pt in the booklet


@dataclass(frozen=True)
class ReviewSettings:
    """What the review checks, and against which targets: the deck's own
    ``review:`` switches first, then what the command line says."""

    grade: int = DEFAULT_GRADE
    sentence_words: int = DEFAULT_SENTENCE_WORDS
    passive: bool = True
    long_words: bool = True
    actions: bool = True
    numbers: bool = True

    def with_deck(self, deck: Deck) -> ReviewSettings:
        known = {k: v for k, v in deck.review.items() if k in self.__dataclass_fields__}
        return replace(self, **known)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Finding:
    """One thing the review found, where it is, with the figure and the target."""

    path: Path
    line: int
    check: str  # grade, sentence, actions, passive, long-word, number, steps, deck, type
    message: str
    figure: float | None = None
    target: float | None = None
    heuristic: bool = False


@dataclass(frozen=True)
class Grade:
    """A reading grade: the formula's own score and the school grade it stands for."""

    formula: str
    score: float
    grade: float


@dataclass(frozen=True)
class TextReview:
    """One technique's steps, or one intro, reviewed."""

    path: Path
    line: int
    title: str
    kind: str  # technique or intro
    words: int
    sentences: int
    grade: Grade | None
    findings: tuple[Finding, ...] = ()


@dataclass(frozen=True)
class Review:
    deck: str
    language: str
    formula: str | None  # None: no formula for the language; the other checks only
    settings: ReviewSettings
    texts: tuple[TextReview, ...]
    findings: tuple[Finding, ...]  # of the deck as a whole, and of its built files
    main_message: str

    @property
    def techniques(self) -> tuple[TextReview, ...]:
        return tuple(t for t in self.texts if t.kind == "technique")

    def above_grade(self) -> list[TextReview]:
        """Techniques above the grade target, hardest first."""
        over = [t for t in self.techniques if t.grade and t.grade.grade > self.settings.grade]
        return sorted(over, key=lambda t: -t.grade.grade if t.grade else 0)

    def all_findings(self) -> list[Finding]:
        return [f for t in self.texts for f in t.findings] + list(self.findings)

    def summary(self) -> str:
        total = len(self.techniques)
        if self.formula is None:
            return f"{total} techniques; no reading-grade formula for '{self.language}'"
        passing = total - len(self.above_grade())
        worst = ", ".join(
            f"{t.title} ({t.grade.grade:.1f})" for t in self.above_grade()[:3] if t.grade
        )
        line = f"{passing} of {total} techniques at grade {self.settings.grade} or below"
        return line + (f"; hardest: {worst}" if worst else "")

    def as_json(self) -> dict[str, Any]:
        """The report as data; its shape is documented in the README and stays."""

        def finding(f: Finding) -> dict[str, Any]:
            data = asdict(f)
            data["path"] = str(f.path)
            return data

        return {
            "deck": self.deck,
            "language": self.language,
            "formula": self.formula,
            "targets": asdict(self.settings),
            "summary": self.summary(),
            "main_message": self.main_message,
            "texts": [
                {
                    "path": str(t.path),
                    "line": t.line,
                    "title": t.title,
                    "kind": t.kind,
                    "words": t.words,
                    "sentences": t.sentences,
                    "grade": asdict(t.grade) if t.grade else None,
                    "findings": [finding(f) for f in t.findings],
                }
                for t in self.texts
            ],
            "findings": [finding(f) for f in self.findings],
        }
