"""What the commands do, as plain functions usable from Python.

``check`` finds every problem a build would meet; ``build`` makes every
requested PDF in memory first and writes them only when all succeeded, each
atomically, so a failed build never leaves a half-written or missing file.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from cards.model import Deck
from cards.problems import ERROR, ContentError, Problem

DEFAULT_DECK = Path("content") / "foot-massage"
FORMATS = ("cards", "booklet", "all")


def default_deck() -> Path:
    """The deck in the current folder's content/, else the one shipped with the package."""
    if DEFAULT_DECK.is_dir():
        return DEFAULT_DECK
    from cards.templating import data_dir

    return data_dir("content") / DEFAULT_DECK.name


@dataclass(frozen=True)
class BuildSettings:
    out_dir: Path = Path("out")
    format: str = "all"
    paper: str = "a4"
    guides: bool = False
    templates: Path | None = None
    duplex: str = "short"
    print_shop: bool = False


@dataclass(frozen=True)
class Written:
    path: Path
    summary: str


@dataclass
class BuildReport:
    written: list[Written] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def load(deck_path: Path) -> tuple[Deck, list[Problem]]:
    from cards.content import load_deck

    return load_deck(deck_path)


def check(deck_path: Path, templates: Path | None = None) -> list[Problem]:
    """Every problem in the deck, including cards that will not fit; raises nothing."""
    from cards.cardsheet import prepare_cards
    from cards.templating import environment
    from cards.theme import CardTheme

    try:
        deck, problems = load(deck_path)
    except ContentError as exc:
        return exc.problems
    try:
        _, fit_problems = prepare_cards(deck, environment(templates), CardTheme())
    except ContentError as exc:
        fit_problems = exc.problems
    return sorted(problems + fit_problems, key=lambda p: (str(p.path), p.line))


def build(deck_path: Path, settings: BuildSettings) -> BuildReport:
    """Write the requested PDFs; raises ContentError or OutputError, writing nothing then."""
    from cards.output import write_atomic

    deck, warnings = load(deck_path)
    report = BuildReport(warnings=list(warnings))
    pending: list[tuple[Path, bytes, str]] = []
    if settings.format in ("cards", "all"):
        pending.append(_cards(deck, settings, report))
    if settings.format in ("booklet", "all"):
        pending.extend(_booklet(deck, settings, report))
    for path, data, summary in pending:
        write_atomic(path, data)
        report.written.append(Written(path, summary))
    return report


def _cards(deck: Deck, settings: BuildSettings, report: BuildReport) -> tuple[Path, bytes, str]:
    from cards.cardsheet import CardOptions, cards_pdf, prepare_cards
    from cards.templating import environment
    from cards.theme import CardTheme, SheetTheme

    started = time.perf_counter()
    theme = CardTheme()
    cards, problems = prepare_cards(deck, environment(settings.templates), theme)
    if any(p.level == ERROR for p in problems):
        raise ContentError(report.warnings + problems)
    report.warnings.extend(problems)
    result = cards_pdf(deck, cards, CardOptions(settings.paper, settings.guides), theme, SheetTheme())
    path = settings.out_dir / f"{deck.slug}-cards.pdf"
    orientation = " landscape" if result.landscape else ""
    seconds = time.perf_counter() - started
    summary = (
        f"{result.cards} cards · {result.sheets} {result.paper.upper() if result.paper == 'a4' else result.paper.title()}"
        f"{orientation} sheet{'s' if result.sheets != 1 else ''} · {result.per_sheet} per sheet · {seconds:.1f} s"
    )
    return path, result.data, summary


def _booklet(deck: Deck, settings: BuildSettings, report: BuildReport) -> list[tuple[Path, bytes, str]]:
    from cards.booklet import DUPLEX_SETTING, BookletOptions, booklet_pdfs, plan_booklet, booklet_theme
    from cards.templating import environment

    started = time.perf_counter()
    pages, problems = plan_booklet(deck, environment(settings.templates), booklet_theme(settings.paper))
    if any(p.level == ERROR for p in problems):
        raise ContentError(report.warnings + problems)
    report.warnings.extend(problems)
    options = BookletOptions(settings.paper, settings.duplex, settings.print_shop)
    result = booklet_pdfs(deck, pages, options)
    seconds = time.perf_counter() - started
    size = "A5" if settings.paper == "a4" else "half-letter"
    paper = "A4" if settings.paper == "a4" else "Letter"
    bleed = " with 3 mm bleed" if settings.print_shop else ""
    reading = settings.out_dir / f"{deck.slug}-booklet.pdf"
    imposed = settings.out_dir / f"{deck.slug}-booklet-imposed.pdf"
    return [
        (reading, result.reading, f"{result.pages} {size} pages{bleed} · {seconds:.1f} s"),
        (
            imposed,
            result.imposed,
            f"{result.sheets} {paper} sheet{'s' if result.sheets != 1 else ''} · print "
            f"{DUPLEX_SETTING[settings.duplex]}, fold, staple",
        ),
    ]
