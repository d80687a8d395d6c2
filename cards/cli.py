"""The command line: parse options, call one function in cards.build, print.

Imports of the heavy libraries happen inside the commands, so `cards --help`
stays quick. Content problems print as `path:line: level: message` and exit
with 1; no traceback reaches the user unless --debug asks for one.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeVar

import click

from cards import __version__

if TYPE_CHECKING:
    from cards.options import BuildSettings
    from cards.problems import Problem

T = TypeVar("T")


def _deck_argument(deck: str | None) -> Path:
    from cards.build import default_deck

    return Path(deck) if deck else default_deck()


def colour_wanted() -> bool:
    """Colours only on a terminal, and never when NO_COLOR is set (no-color.org)."""
    return "NO_COLOR" not in os.environ and sys.stderr.isatty()


LEVEL_COLOURS = {"error": "red", "warning": "yellow"}


def _print_problems(problems: Iterable[Problem], verbose: bool = False) -> None:
    """One line a problem; past ten warnings of one kind, three and a count unless ``verbose``."""
    from cards.problems import folded

    colour = colour_wanted()
    for problem in problems if verbose else folded(list(problems)):
        if isinstance(problem, str):
            click.echo(problem, err=True)
            continue
        line = problem.format()
        if colour:
            marker = f": {problem.level}: "
            styled = click.style(problem.level, fg=LEVEL_COLOURS[problem.level], bold=True)
            line = line.replace(marker, f": {styled}: ", 1)
        click.echo(line, err=True, color=colour)


def _progress(items: Iterable[T], length: int, label: str) -> Iterator[T]:
    """A progress bar on stderr for long builds, only where someone is watching."""
    if length <= PROGRESS_FROM or not sys.stderr.isatty():
        yield from items
        return
    with click.progressbar(
        items, length=length, label=label, file=sys.stderr, color=colour_wanted()
    ) as bar:
        yield from bar


PROGRESS_FROM = 50


class Fail(click.ClickException):
    """Exit 1 with lines already printed (or one message)."""

    exit_code = 1

    def show(self, file: IO[Any] | None = None) -> None:
        if self.message:
            click.echo(self.message, err=True)


def _run(action: Callable[[], T], debug: bool, verbose: bool = False) -> T:
    from cards.output import OutputError
    from cards.problems import ContentError, plural

    try:
        return action()
    except ContentError as exc:
        _print_problems(exc.problems, verbose)
        if exc.errors:
            raise Fail(f"{plural(len(exc.errors), 'error')}; nothing was written") from None
        warnings = plural(len(exc.problems), "warning")
        raise Fail(f"{warnings}, counted as errors by --strict; nothing was written") from None
    except OutputError as exc:
        raise Fail(f"error: {exc}") from None
    except Exception as exc:  # a bug in cards, not in the content
        if debug:
            raise
        raise Fail(
            f"internal error: {type(exc).__name__}: {exc} (run again with --debug for details)"
        ) from None


class CardsGroup(click.Group):
    """Usage mistakes in one line (`cards: error: ...`), not click's three."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        try:
            result = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.UsageError as exc:
            hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx else ""
            click.echo(f"cards: error: {exc.format_message()}{hint}", err=True)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("Aborted.", err=True)
            sys.exit(1)
        sys.exit(result if isinstance(result, int) else 0)


@click.group(cls=CardsGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cards", message="%(version)s")
def main() -> None:
    """Turn a folder of Markdown into print-ready pocket cards and A5 booklets."""


def _card_size(ctx: click.Context, param: click.Parameter, value: str) -> str:
    from cards.geometry import parse_size_mm
    from cards.layout.theme import CARD_SIZES_MM

    if value in CARD_SIZES_MM:
        return value
    try:
        parse_size_mm(value)
    except ValueError as exc:
        presets = ", ".join(CARD_SIZES_MM)
        raise click.BadParameter(f"{exc}; or one of {presets}") from None
    return value


def _offset(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[float, float]:
    from cards.geometry import parse_offset_mm

    if value is None:
        return (0.0, 0.0)
    try:
        return parse_offset_mm(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@main.command()
@click.argument("deck", required=False, type=click.Path(file_okay=True, dir_okay=True))
@click.option(
    "-f",
    "--format",
    "format_",
    type=click.Choice(["cards", "booklet", "all"]),
    default="all",
    show_default=True,
    help="What to write.",
)
@click.option(
    "-o",
    "--out",
    "out_dir",
    default="out",
    show_default=True,
    type=click.Path(),
    help="Where to write; created if missing.",
)
@click.option(
    "--paper",
    type=click.Choice(["a4", "letter"]),
    default="a4",
    show_default=True,
    help="Sheet size of the printable files.",
)
@click.option(
    "--card-size",
    default="pocket",
    show_default=True,
    callback=_card_size,
    help="pocket (63x88), a7 (74x105), a6 (105x148), index (3x5 in), business (85x55) or WxH in mm, e.g. 70x100.",
)
@click.option(
    "--backs", is_flag=True, help="Double-sided cards: a sheet of backs after each sheet of fronts."
)
@click.option(
    "--duplex",
    type=click.Choice(["long", "short"]),
    default=None,
    help="How your printer turns the sheet over. Cards default to long, the booklet to short; 'long' turns the booklet's backs 180°.",
)
@click.option(
    "--back-offset",
    metavar="XxY",
    callback=_offset,
    help="Move the backs by X and Y mm to match your printer (see 'cards calibrate').",
)
@click.option(
    "--fold",
    is_flag=True,
    help="Front and back side by side, to cut out, fold and glue (no duplex needed).",
)
@click.option(
    "--print-shop",
    is_flag=True,
    help="One card or page per page with 3 mm bleed, TrimBox and BleedBox; no crop marks.",
)
@click.option("--cmyk", is_flag=True, help="Write the cards' colours as CMYK, text in 100 % black.")
@click.option(
    "--section",
    "sections",
    multiple=True,
    metavar="SLUG",
    help="Only this section's cards (its folder name); repeatable.",
)
@click.option(
    "--only",
    multiple=True,
    metavar="SLUG",
    help="Only this technique (its file name without .md); repeatable.",
)
@click.option(
    "--copies",
    type=click.IntRange(1, 100),
    default=1,
    show_default=True,
    help="Print each card this many times.",
)
@click.option(
    "--large-print",
    is_flag=True,
    help="Body text of at least 12 pt; picks a card size that holds it.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(1, 64),
    default=None,
    help="Worker processes for fitting large decks (default: the cores available; 1: none).",
)
@click.option(
    "--overflow",
    type=click.Choice(["shrink", "continue"]),
    default="shrink",
    show_default=True,
    help="A card too long even at the smallest size: an error (shrink), or continued "
    "on another card (continue).",
)
@click.option(
    "--low-ink",
    is_flag=True,
    help="Bands, tabs and backs as outlines and light tints: for printers low on ink.",
)
@click.option(
    "--no-extras",
    is_flag=True,
    help="Only the technique cards: no title, 'Before you start' or routine card.",
)
@click.option("--guides", is_flag=True, help="Draw trim, bleed and safe-area boxes on every card.")
@click.option(
    "--templates",
    "templates",
    type=click.Path(file_okay=False, exists=True),
    help="A folder of your own layouts; a file there replaces the built-in one of the same name.",
)
@click.option(
    "--watch", is_flag=True, help="Rebuild whenever the deck or the layouts change (Ctrl-C stops)."
)
@click.option(
    "--strict",
    is_flag=True,
    help="Warnings count as errors: exit 1 and write nothing (for unattended builds).",
)
@click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
@click.option(
    "-v",
    "--verbose",
    is_flag=True,
    help="Also say what is read and how long each step takes; print every warning.",
)
@click.option("--debug", is_flag=True, hidden=True, help="Show tracebacks of internal errors.")
def build(
    deck: str | None,
    format_: str,
    out_dir: str,
    paper: str,
    card_size: str,
    backs: bool,
    duplex: str | None,
    back_offset: tuple[float, float],
    fold: bool,
    print_shop: bool,
    cmyk: bool,
    sections: tuple[str, ...],
    only: tuple[str, ...],
    copies: int,
    large_print: bool,
    jobs: int | None,
    overflow: str,
    low_ink: bool,
    no_extras: bool,
    guides: bool,
    templates: str | None,
    watch: bool,
    strict: bool,
    quiet: bool,
    verbose: bool,
    debug: bool,
) -> None:
    """Write the PDFs of DECK into OUT (default: content/foot-massage).

    \b
    Examples:
      cards build                         cards and booklet of the default deck
      cards build content/my-deck -f cards --backs
      cards build --paper letter --watch  rebuild on every save
    """
    from cards.options import BuildSettings
    from cards.workers import available_cores

    if fold and print_shop:
        raise click.UsageError(
            "--fold is for printing at home; a print shop takes --print-shop with --backs"
        )
    if back_offset != (0.0, 0.0) and not backs:
        raise click.UsageError("--back-offset moves the backs: add --backs")
    if large_print and card_size == "business":
        raise click.UsageError("--large-print needs a card taller than a business card")
    if quiet and verbose:
        raise click.UsageError("--quiet and --verbose cannot go together")
    settings = BuildSettings(
        out_dir=Path(out_dir),
        format=format_,
        paper=paper,
        guides=guides,
        duplex=duplex,
        print_shop=print_shop,
        card_size=card_size,
        backs=backs,
        fold=fold,
        cmyk=cmyk,
        back_offset_mm=back_offset,
        sections=sections,
        only=only,
        copies=copies,
        large_print=large_print,
        templates=Path(templates) if templates else None,
        strict=strict,
        extras=not no_extras,
        low_ink=low_ink,
        overflow=overflow,
        jobs=jobs or available_cores(),
        progress=_progress,
        log=(lambda line: click.echo(line, err=True)) if verbose else None,
    )
    deck_path = _deck_argument(deck)
    if watch:
        _watch(deck_path, settings, quiet, debug)
        return
    _build_once(deck_path, settings, quiet, debug)


def _build_once(deck_path: Path, settings: BuildSettings, quiet: bool, debug: bool) -> None:
    from cards.build import build as build_deck

    verbose = settings.log is not None
    report = _run(lambda: build_deck(deck_path, settings), debug, verbose)
    if quiet:
        return
    _print_problems(report.warnings, verbose)
    for written in report.written:
        click.echo(f"{written.path}  {written.summary}")


def _watch(deck_path: Path, settings: BuildSettings, quiet: bool, debug: bool) -> None:
    """Build, then build again after every change to the deck or the layouts."""
    from dataclasses import replace

    from watchfiles import watch

    from cards.build import load, new_cache, watched_paths

    settings = replace(settings, cache=new_cache())  # rebuild only what changed

    def once() -> None:
        try:
            _build_once(deck_path, settings, quiet, debug)
        except click.ClickException as exc:
            exc.show()  # errors are shown; the watch goes on

    once()
    out = settings.out_dir.resolve()

    def relevant(change: object, path: str) -> bool:
        name = Path(path).name
        return (
            not Path(path).resolve().is_relative_to(out)
            and not name.startswith(".")
            and not name.endswith("~")
        )

    from cards.problems import ContentError

    try:
        deck = load(deck_path)[0]
    except ContentError:
        deck = None  # watch the deck folder anyway: the next save may mend it
    paths = watched_paths(deck_path, settings.templates, deck.templates if deck else None)
    click.echo(f"watching {', '.join(str(p) for p in paths)}; Ctrl-C to stop", err=True)
    try:
        for _ in watch(*paths, watch_filter=relevant, debounce=300, step=50):
            once()
    except KeyboardInterrupt:
        pass
    click.echo("stopped watching", err=True)


@main.command(name="new")
@click.argument("path", type=click.Path())
def new(path: str) -> None:
    """Start a deck in PATH: one section, two techniques showing every field."""
    from cards.scaffold import ScaffoldError, new_deck

    try:
        files = new_deck(Path(path))
    except ScaffoldError as exc:
        raise Fail(f"error: {exc}") from None
    except OSError as exc:
        raise Fail(f"error: {path}: cannot write here: {exc.strerror or exc}") from None
    for file in files:
        click.echo(f"created {file}")
    click.echo(
        "\nNext:\n"
        f"  cards check {path}      find mistakes\n"
        f"  cards build {path}      write the PDFs into out/\n"
        f"  cards preview {path}    see the first pages as pictures\n"
        f"  cards build {path} --watch   rebuild on every save"
    )


@main.command()
@click.argument("deck", required=False, type=click.Path())
@click.option("-o", "--out", "out_dir", default="out", show_default=True, type=click.Path())
@click.option("--paper", type=click.Choice(["a4", "letter"]), default="a4", show_default=True)
@click.option(
    "--templates",
    type=click.Path(file_okay=False, exists=True),
    help="A folder of your own layouts.",
)
@click.option("--open", "open_", is_flag=True, help="Open the cards PDF in your PDF viewer too.")
@click.option("--debug", is_flag=True, hidden=True)
def preview(
    deck: str | None, out_dir: str, paper: str, templates: str | None, open_: bool, debug: bool
) -> None:
    """Build DECK, then write PNG pictures of the first cards sheet and booklet pages into OUT/preview/."""
    from cards.build import build as build_deck
    from cards.options import BuildSettings
    from cards.preview import previews

    settings = BuildSettings(
        out_dir=Path(out_dir), paper=paper, templates=Path(templates) if templates else None
    )
    deck_path = _deck_argument(deck)
    report = _run(lambda: build_deck(deck_path, settings), debug)
    _print_problems(report.warnings)
    slug = (
        report.written[0].path.name.rsplit("-cards.pdf", 1)[0] if report.written else deck_path.name
    )
    for path in _run(lambda: previews(Path(out_dir), slug), debug):
        click.echo(str(path))
    if open_:
        click.launch(str(Path(out_dir) / f"{slug}-cards.pdf"))


@main.command()
@click.option("-o", "--out", "out_dir", default="out", show_default=True, type=click.Path())
@click.option("--paper", type=click.Choice(["a4", "letter"]), default="a4", show_default=True)
@click.option("--duplex", type=click.Choice(["long", "short"]), default="long", show_default=True)
@click.option("--debug", is_flag=True, hidden=True)
def calibrate(out_dir: str, paper: str, duplex: str, debug: bool) -> None:
    """Write a two-sided test sheet that measures how far your printer shifts the back."""
    from cards.calibrate import calibration_pdf
    from cards.output import write_atomic

    path = Path(out_dir) / "duplex-calibration.pdf"
    _run(lambda: write_atomic(path, calibration_pdf(paper, duplex)), debug)
    click.echo(f"{path}  print two-sided, flip on {duplex} edge; then read the offset as it says")


@main.command()
@click.argument("deck", required=False, type=click.Path())
@click.option(
    "--templates",
    type=click.Path(file_okay=False, exists=True),
    help="A folder of your own layouts.",
)
@click.option("--strict", is_flag=True, help="Warnings count as errors (exit 1).")
@click.option("-v", "--verbose", is_flag=True, help="Print every warning, however many alike.")
@click.option("--debug", is_flag=True, hidden=True)
def check(
    deck: str | None, templates: str | None, strict: bool, verbose: bool, debug: bool
) -> None:
    """Validate DECK and report every problem; exit 1 if any is an error."""
    from cards.build import check as check_deck
    from cards.problems import has_errors, plural

    problems = _run(
        lambda: check_deck(_deck_argument(deck), Path(templates) if templates else None), debug
    )
    _print_problems(problems, verbose)
    errors = sum(p.level == "error" for p in problems)
    warnings = len(problems) - errors
    if has_errors(problems):
        raise Fail(f"{plural(errors, 'error')}, {plural(warnings, 'warning')}")
    if strict and warnings:
        raise Fail(f"{plural(warnings, 'warning')}, counted as errors by --strict")
    click.echo(f"ok: {plural(warnings, 'warning')}" if warnings else "ok: no problems found")


@main.command(name="import")
@click.argument("sheet", type=click.Path(dir_okay=False))
@click.argument("deck", type=click.Path(file_okay=False))
@click.option(
    "--title", help="The deck's title (a .csv has no deck sheet); default: the file's name."
)
@click.option("--force", is_flag=True, help="Replace DECK if it exists.")
@click.option("--debug", is_flag=True, hidden=True)
def import_(sheet: str, deck: str, title: str | None, force: bool, debug: bool) -> None:
    """Write the deck folder DECK from SHEET, a .csv or .xlsx with one row per technique."""
    from cards.sheets import import_sheet

    warnings = _run(lambda: import_sheet(Path(sheet), Path(deck), title, force), debug)
    _print_problems(warnings)
    click.echo(f"wrote {deck}; next: cards build {deck}")


@main.command(name="export")
@click.argument("deck", type=click.Path())
@click.argument("sheet", type=click.Path(dir_okay=False))
@click.option("--debug", is_flag=True, hidden=True)
def export(deck: str, sheet: str, debug: bool) -> None:
    """Write DECK as SHEET (.csv: the techniques; .xlsx: the whole deck) for cards import."""
    from cards.sheets import export_deck

    rows = _run(lambda: export_deck(Path(deck), Path(sheet)), debug)
    click.echo(f"wrote {sheet}: {rows} techniques")


@main.command(name="list")
@click.argument("deck", required=False, type=click.Path())
@click.option("--debug", is_flag=True, hidden=True)
def list_(deck: str | None, debug: bool) -> None:
    """Print the deck's sections and techniques."""
    from cards.build import load

    loaded, warnings = _run(lambda: load(_deck_argument(deck)), debug)
    _print_problems(warnings)
    click.echo(f"{loaded.title} ({loaded.technique_count} techniques)")
    for section in loaded.sections:
        click.echo(f"{section.number}  {section.title}  [{section.colour}]")
        for t in section.techniques:
            details = " · ".join(
                x
                for x in (
                    t.hold and f"hold {t.hold}",
                    t.repeat and f"repeat {t.repeat}",
                    t.pressure,
                )
                if x
            )
            click.echo(f"   {t.number:>3}  {t.title}" + (f"  ({details})" if details else ""))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
