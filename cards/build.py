"""What the commands do, as plain functions usable from Python.

``check`` finds every problem a build would meet; ``build`` makes every
requested PDF in memory first and writes them only when all succeeded, each
atomically, so a failed build never leaves a half-written or missing file.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cards.model import Deck
from cards.options import BuildServices, BuildSettings
from cards.problems import ERROR, WARNING, ContentError, Problem
from cards.session import new_cache, watch_cache

if TYPE_CHECKING:
    import jinja2

    from cards.formats.cardsheet import CardsResult
    from cards.formats.drawing import Drawing
    from cards.layout.theme import CardTheme
    from cards.marks import Chunk
    from cards.workers import WorkCache

__all__ = [
    "BuildReport",
    "BuildServices",
    "BuildSettings",
    "Written",
    "build",
    "check",
    "default_deck",
    "load",
    "new_cache",
]

DEFAULT_DECK = Path("content") / "foot-massage"
FORMATS = ("cards", "booklet", "all")
LARGE_PRINT_SIZES = ("pocket", "a7", "a6")


def default_deck() -> Path:
    """The deck in the current folder's content/, else the one shipped with the package."""
    if DEFAULT_DECK.is_dir():
        return DEFAULT_DECK
    from cards.resources import data_dir

    return data_dir("content") / DEFAULT_DECK.name


@dataclass(frozen=True)
class Written:
    path: Path
    summary: str


@dataclass
class BuildReport:
    written: list[Written] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # lines for the user, not problems


def ready() -> None:
    """What every build and check does first: ReportLab learns our fonts."""
    from cards.layout.theme import register_fonts

    register_fonts()


def load(
    deck_path: Path,
    jobs: int = 1,
    kept: WorkCache | None = None,
    meanwhile: Callable[[], None] | None = None,
    language: str | None = None,
) -> tuple[Deck, list[Problem]]:
    from cards.content import load_deck
    from cards.layout.theme import use_deck_fonts

    deck, problems = load_deck(deck_path, jobs, kept, meanwhile, language)
    use_deck_fonts(deck.fonts)  # what the deck's text is set in, from here on
    return deck, problems


def translations(deck: Deck, settings: BuildSettings) -> tuple[str, ...]:
    """The deck's other languages a build writes after its own: every one,
    unless ``--lang`` asked for one."""
    return deck.languages[1:] if settings.language is None else ()


# What each format lays out and draws with: imported while workers read the deck.
LAYOUT_MODULES = {
    "cards": ("cards.formats.card_fitting", "cards.formats.cardsheet"),
    "booklet": ("cards.formats.booklet_plan", "cards.formats.booklet_files"),
}


def _get_ready(settings: BuildSettings) -> None:
    """What a build needs besides the deck: the fonts registered, the layout
    machinery imported (a fifth of a second), while worker processes read a
    large deck."""
    import importlib

    ready()
    for what, modules in LAYOUT_MODULES.items():
        if settings.format in (what, "all"):
            for module in modules:
                importlib.import_module(module)


def check(deck_path: Path, templates: Path | None = None, paper: str = "a4") -> list[Problem]:
    """Every problem in the deck, including text that will not fit a card or a
    booklet page; raises nothing."""
    from cards.templating import environment

    ready()
    try:
        deck, problems = load(deck_path)
    except ContentError as exc:
        return exc.problems
    from cards.layout.glyphs import missing_characters

    found = list(problems)
    decks = [deck]
    for language in deck.languages[1:]:  # each translation, as its build reads it
        try:
            other, more = load(deck_path, language=language)
        except ContentError as exc:
            found += exc.problems
            continue
        decks.append(other)
        found += more
    for each in decks:
        env = environment(templates, each.templates)
        found += missing_characters(each) + safety_note_problems(each)
        found += layout_problems(each, env, paper)
    unique = list(dict.fromkeys(found))  # a broken template is reported once
    return sorted(unique, key=lambda p: (str(p.path), p.line))


def layout_problems(deck: Deck, env: Any, paper: str) -> list[Problem]:
    """What laying the deck out finds: text that does not fit a card or a page."""
    from cards.formats.booklet_plan import booklet_problems, booklet_theme
    from cards.formats.card_fitting import prepare_cards
    from cards.layout.theme import CardTheme

    found: list[Problem] = []
    layouts: list[Callable[[], list[Problem]]] = [
        lambda: prepare_cards(deck, env, CardTheme())[1],
        lambda: booklet_problems(deck, env, booklet_theme(paper)),
    ]
    for layout in layouts:
        try:
            found += layout()
        except ContentError as exc:
            found += exc.problems
    return found


def safety_note_problems(deck: Deck) -> list[Problem]:
    """A warning for ``cards check`` when the deck has no safety note: for a
    clinic the most important text (a deck of recipes may go without one, so a
    build does not warn)."""
    from cards.templating import before_you_start, labels_view

    if before_you_start(deck):
        return []
    words = labels_view(deck).before_you_start
    return [
        Problem(
            deck.source.path,
            1,
            WARNING,
            f"the deck has no safety note: add a part to its intro headed '## {words}' "
            "(when to stop, what to avoid, when to ask a doctor first), or a paragraph "
            f"that starts '**{words}:**'; it goes on a card of its own, in a box in the "
            "booklet and on its back cover",
        )
    ]


def build(
    deck_path: Path, settings: BuildSettings, services: BuildServices | None = None
) -> BuildReport:
    """Write the requested PDFs; raises ContentError or OutputError, writing nothing then."""
    from cards.layout.glyphs import missing_characters
    from cards.output.files import size_of, write_all_atomic
    from cards.workers import set_aside

    services = services or BuildServices()
    started = time.perf_counter()
    cache = watch_cache(services)
    deck, warnings = load(
        deck_path,
        settings.jobs,
        cache.files if cache else None,
        lambda: _get_ready(settings),
        settings.language,
    )
    report = BuildReport(warnings=list(warnings) + missing_characters(deck))
    # a deck kept in several languages: each one's files ("-de" in their names)
    decks = [deck]
    for language in translations(deck, settings):
        other, found = load(
            deck_path, settings.jobs, cache.files if cache else None, None, language
        )
        decks.append(other)
        report.warnings += [*found, *missing_characters(other)]
    # a problem of a file every language reads (a technique not translated) once
    report.warnings = list(dict.fromkeys(report.warnings))
    log = services.log
    if log:
        where = (
            f"; layouts from {settings.templates or deck.templates}"
            if settings.templates or deck.templates
            else ""
        )
        log(
            f"read {deck_path}: {len(deck.sections)} sections, {deck.technique_count} techniques "
            f"in {time.perf_counter() - started:.2f} s{where}"
        )
    # the decks, their layouts and the fonts live to the end of the build: no
    # collection need walk them again while drawing and assembly make the many
    # small objects they drop (a tenth of a second of a 1,000-card build)
    with set_aside():
        pending = [
            made for each in decks for made in _draw_and_assemble(each, settings, services, report)
        ]
    if cache:
        cache.forget_unused()
    if settings.strict and report.warnings:
        raise ContentError(report.warnings)
    write_all_atomic([(made.path, made.data) for made in pending])  # all, or none
    from cards.review.note import review_note  # the deck's reading grades, after the build

    report.notes += review_note(deck)
    for made in pending:
        report.written.append(Written(made.path, made.summary))
        if log:
            log(f"wrote {made.path}: {size_of(made.data):,} bytes")
    return report


@dataclass(frozen=True)
class Made:
    """A file made in memory: where it goes, its bytes, the line that sums it up."""

    path: Path
    data: bytes
    summary: str


@dataclass(frozen=True)
class Finished:
    """A format's files, assembled, and what laying them out found."""

    files: list[Made]
    problems: list[Problem]


@dataclass(frozen=True)
class Planned:
    """A format laid out as far as drawing: its drawing work, and how its files
    are assembled from the drawn chunks, with what laying them out found."""

    drawing: Drawing
    finish: Callable[[Iterable[Chunk]], Finished]
    label: str  # for a progress bar


def _draw_and_assemble(
    deck: Deck, settings: BuildSettings, services: BuildServices, report: BuildReport
) -> list[Made]:
    """Every requested file: each format planned, then all their chunks drawn by
    one pool of workers and each file assembled as its chunks come. The booklet
    is drawn first: its assembly, the longer, is done while the workers draw
    the cards. Problems come in the formats' order, the cards' first."""
    from contextlib import closing
    from itertools import islice

    from cards.formats.drawing import drawn_chunks
    from cards.workers import worth_parallel

    planned: list[Planned] = []
    deferred: ContentError | None = None
    if settings.format in ("cards", "all"):
        planned.append(_cards(deck, settings, services, report))
    if settings.format in ("booklet", "all"):
        try:
            planned.append(_booklet(deck, settings, services, report))
        except ContentError as exc:
            if not planned:
                raise
            deferred = exc  # after the cards' own errors, if they have any
    drawn_first = planned[::-1]
    parallel = worth_parallel(settings.jobs, max(p.drawing.size for p in planned))
    finished = {}
    drawings = [p.drawing for p in drawn_first]
    with closing(drawn_chunks(drawings, settings.jobs, parallel)) as chunks:
        for plan in drawn_first:
            part: Iterable[Chunk] = islice(chunks, len(plan.drawing.ranges))
            if services.progress:
                part = services.progress(part, len(plan.drawing.ranges), plan.label)
            finished[plan.label] = plan.finish(part)
    pending: list[Made] = []
    for plan in planned:
        done = finished[plan.label]
        if any(p.level == ERROR for p in done.problems):
            raise ContentError(report.warnings + done.problems)
        report.warnings.extend(done.problems)
        pending += done.files
    if deferred is not None:
        raise deferred
    return pending


def watched_paths(deck_path: Path, *template_dirs: Path | None) -> list[Path]:
    """What `--watch` follows: the deck and every layout folder in use."""
    from cards.resources import data_dir

    paths = [deck_path, *(p for p in template_dirs if p), data_dir("templates")]
    return list(dict.fromkeys(p for p in paths if p.exists()))


def select(deck: Deck, sections: tuple[str, ...], only: tuple[str, ...]) -> Deck:
    """The deck cut down to some sections and/or techniques (by folder and file stem).

    Cards keep their numbers in the whole deck, so "6 / 13" still finds its
    place in the full set.
    """
    if not sections and not only:
        return deck
    known_sections = {s.slug for s in deck.sections}
    known_techniques = {t.slug for t in deck.techniques}
    unknown = [
        f"no section '{slug}' (sections: {', '.join(sorted(known_sections))})"
        for slug in sections
        if slug not in known_sections
    ] + [
        f"no technique '{slug}' (techniques are named by file, e.g. {min(known_techniques)})"
        for slug in only
        if slug not in known_techniques
    ]
    problems = [Problem(deck.source.path.parent, 1, ERROR, message) for message in unknown]
    if problems:
        raise ContentError(problems)
    kept = []
    for section in deck.sections:
        techniques = tuple(
            t
            for t in section.techniques
            if (not sections or section.slug in sections) and (not only or t.slug in only)
        )
        if techniques:
            kept.append(replace(section, techniques=techniques))
    return replace(deck, sections=tuple(kept), full_count=deck.technique_count)


def card_theme(settings: BuildSettings, size: str | None = None) -> CardTheme:
    from cards.geometry import parse_size_mm
    from cards.layout.theme import CARD_SIZES_MM, CardTheme

    name = size or settings.card_size
    width_mm, height_mm = CARD_SIZES_MM.get(name) or parse_size_mm(name)
    theme = CardTheme(cmyk=settings.cmyk, low_ink=settings.low_ink).scaled(width_mm, height_mm)
    return theme.large_print() if settings.large_print else theme


def large_print_theme(
    deck: Deck, env: jinja2.Environment, settings: BuildSettings, backs: bool, report: BuildReport
) -> CardTheme:
    """The first card size whose cards all hold 12 pt text; else the errors for the largest."""
    from cards.formats.card_fitting import prepare_cards

    for size in LARGE_PRINT_SIZES:
        theme = card_theme(settings, size)
        _, problems = prepare_cards(deck, env, theme, backs)
        if not any(p.level == ERROR for p in problems):
            return theme
    raise ContentError(report.warnings + problems)


def _cards(
    deck: Deck, settings: BuildSettings, services: BuildServices, report: BuildReport
) -> Planned:
    from cards.formats.card_fitting import CardWork, PreparedCard, extra_cards
    from cards.formats.cardsheet import CardsFile
    from cards.layout.theme import SheetTheme, register_fonts
    from cards.templating import environment

    started = time.perf_counter()
    register_fonts()
    subset = select(deck, settings.sections, settings.only)
    env = environment(settings.templates, deck.templates)
    backs = settings.card_backs
    theme = card_theme(settings)
    if settings.large_print and settings.card_size == "pocket":
        theme = large_print_theme(subset, env, settings, backs, report)
    problems: list[Problem] = []
    whole_deck = not settings.sections and not settings.only
    extras: list[PreparedCard] = []  # the deck's own cards
    if settings.extras and whole_deck:
        extras = extra_cards(subset, env, theme, problems, backs)
    cache = watch_cache(services)
    work = CardWork(subset, env, theme, backs, settings.overflow, cache.layouts if cache else None)
    # cards fitted before drawing when they run on (their number decides the
    # sheets); else each where its chunk is drawn (a watch session's found kept)
    ready = None
    if settings.overflow == "continue":
        ready = {index: work.fitted(index) for index in range(len(work.techniques))}
    cards_file = CardsFile(subset, settings, theme, SheetTheme(), work, extras, ready)

    def finish(chunks: Iterable[Chunk]) -> Finished:
        result, fitting = cards_file.assembled(chunks)
        path = settings.out_dir / f"{deck.slug}-cards.pdf"
        seconds = time.perf_counter() - started
        summary = cards_summary(settings, theme, result, len(extras), seconds)
        return Finished([Made(path, result.data, summary)], problems + fitting)  # own cards first

    return Planned(cards_file.drawing(), finish, "cards")


def cards_summary(
    settings: BuildSettings, theme: CardTheme, result: CardsResult, extras: int, seconds: float
) -> str:
    """The line `cards build` prints for the cards file."""
    from cards.formats.assembly import DUPLEX_SETTING

    size = f"{theme.width_mm:g} × {theme.height_mm:g} mm"
    noun = "fold-over card" if settings.fold else "card"
    techniques = result.cards - extras
    parts = [f"{techniques} {noun}{'s' if techniques != 1 else ''} ({size})"]
    if extras:
        parts[0] += f" + {extras} of the deck's own"
    if settings.print_shop:
        parts.append(
            f"{result.pages} pages with 3 mm bleed"
            + (", fronts and backs" if settings.card_backs else "")
        )
    else:
        paper = "A4" if result.paper == "a4" else "Letter"
        orientation = " landscape" if result.landscape else ""
        parts.append(
            f"{result.sheets} {paper}{orientation} sheet{'s' if result.sheets != 1 else ''}"
        )
        parts.append(f"{result.per_sheet} per sheet")
        if settings.card_backs and not settings.fold:
            duplex = DUPLEX_SETTING[settings.duplex_for("cards")]
            parts.append(f"backs follow each sheet: print two-sided, {duplex}")
    if settings.cmyk:
        parts.append("CMYK")
    parts.append(f"{seconds:.1f} s")
    return " · ".join(parts)


def _booklet(
    deck: Deck, settings: BuildSettings, services: BuildServices, report: BuildReport
) -> Planned:
    from cards.formats.assembly import DUPLEX_SETTING
    from cards.formats.booklet_files import booklet_drawing, booklet_pdfs
    from cards.formats.booklet_plan import booklet_theme, plan_booklet
    from cards.templating import environment

    started = time.perf_counter()
    cache = watch_cache(services)
    booklet = plan_booklet(
        deck,
        environment(settings.templates, deck.templates),
        booklet_theme(settings.paper, settings.large_print, settings.low_ink),
        settings.jobs,
        cache.layouts if cache else None,
        settings.overflow,
        settings.large_print,
    )
    duplex = settings.duplex_for("booklet")

    def finish(chunks: Iterable[Chunk]) -> Finished:
        result = booklet_pdfs(deck, booklet, settings, chunks)
        seconds = time.perf_counter() - started
        size = "A5" if settings.paper == "a4" else "half-letter"
        paper = "A4" if settings.paper == "a4" else "Letter"
        bleed = " with 3 mm bleed" if settings.print_shop else ""
        reading = settings.out_dir / f"{deck.slug}-booklet.pdf"
        imposed = settings.out_dir / f"{deck.slug}-booklet-imposed.pdf"
        sheets = f"{result.sheets} {paper} sheet{'s' if result.sheets != 1 else ''}"
        files = [
            Made(reading, result.reading, f"{result.pages} {size} pages{bleed} · {seconds:.1f} s"),
            Made(
                imposed,
                result.imposed,
                f"{sheets} · print two-sided, {DUPLEX_SETTING[duplex]}, fold, staple",
            ),
        ]
        return Finished(files, booklet.problems)

    return Planned(booklet_drawing(deck, booklet, settings), finish, "booklet pages")
