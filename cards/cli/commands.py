"""The other commands: new, preview, calibrate, check, import, export, list."""

from __future__ import annotations

from pathlib import Path

import click

from cards.cli import options as opt
from cards.cli.app import Fail, _deck_argument, _print_problems, _run


@click.command(name="new", short_help="Start a new deck in PATH.")
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


@click.command(short_help="Build DECK, then write PNG pictures of its first pages.")
@opt.deck_argument
@opt.out_option
@opt.paper_option
@opt.templates_option
@click.option("--open", "open_", is_flag=True, help="Open the cards PDF in your PDF viewer too.")
@opt.quiet_option
@click.option("-v", "--verbose", is_flag=True, help="Print every warning, however many alike.")
@opt.debug_option
def preview(
    deck: str | None,
    out_dir: str,
    paper: str,
    templates: str | None,
    open_: bool,
    quiet: bool,
    verbose: bool,
    debug: bool,
) -> None:
    """Build DECK, then write PNG pictures of the first cards sheet and booklet pages into OUT/preview/."""
    from cards.build import build as build_deck
    from cards.options import BuildSettings
    from cards.output.preview import previews

    settings = BuildSettings(
        out_dir=Path(out_dir), paper=paper, templates=Path(templates) if templates else None
    )
    if quiet and verbose:
        raise click.UsageError("--quiet and --verbose cannot go together")
    deck_path = _deck_argument(deck)
    report = _run(lambda: build_deck(deck_path, settings), debug)
    if not quiet:
        _print_problems(report.warnings, verbose)
    slug = (
        report.written[0].path.name.rsplit("-cards.pdf", 1)[0] if report.written else deck_path.name
    )
    for path in _run(lambda: previews(Path(out_dir), slug), debug):
        if not quiet:
            click.echo(str(path))
    if open_:
        pdf = Path(out_dir) / f"{slug}-cards.pdf"
        if click.launch(str(pdf)) != 0:
            raise Fail(f"error: no PDF viewer opened {pdf}; open it yourself")


@click.command(short_help="Write a test sheet that measures your printer's back offset.")
@opt.out_option
@opt.paper_option
@click.option(
    "--duplex",
    type=click.Choice(["long", "short"]),
    default="long",
    show_default=True,
    help="How your printer turns the sheet over: on its long edge or its short edge.",
)
@opt.debug_option
def calibrate(out_dir: str, paper: str, duplex: str, debug: bool) -> None:
    """Write a two-sided test sheet that measures how far your printer shifts the back."""
    from cards.formats.calibrate import calibration_pdf
    from cards.output.files import write_atomic

    path = Path(out_dir) / "duplex-calibration.pdf"
    _run(lambda: write_atomic(path, calibration_pdf(paper, duplex)), debug)
    click.echo(f"{path}  print two-sided, flip on {duplex} edge; then read the offset as it says")


@click.command(short_help="Report every problem in DECK; write nothing.")
@opt.deck_argument
@opt.templates_option
@opt.check_strict_option
@click.option("-v", "--verbose", is_flag=True, help="Print every warning, however many alike.")
@opt.debug_option
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


@click.command(name="import", short_help="Write a deck folder from a spreadsheet.")
@click.argument("sheet", type=click.Path(dir_okay=False))
@click.argument("deck", type=click.Path(file_okay=False))
@click.option(
    "--title", help="The deck's title (a .csv has no deck sheet); default: the file's name."
)
@click.option("--force", is_flag=True, help="Replace DECK if it exists.")
@opt.debug_option
def import_(sheet: str, deck: str, title: str | None, force: bool, debug: bool) -> None:
    """Write the deck folder DECK from SHEET, a .csv, .xlsx, .ods or .xls with one row
    per technique."""
    from cards.sheets import import_sheet

    warnings = _run(lambda: import_sheet(Path(sheet), Path(deck), title, force), debug)
    _print_problems(warnings)
    click.echo(f"wrote {deck}; next: cards build {deck}")


@click.command(name="export", short_help="Write a deck as a .csv or .xlsx spreadsheet.")
@click.argument("deck", type=click.Path())
@click.argument("sheet", type=click.Path(dir_okay=False))
@opt.debug_option
def export(deck: str, sheet: str, debug: bool) -> None:
    """Write DECK as SHEET (.csv: the techniques; .xlsx: the whole deck) for cards import."""
    from cards.sheets import export_deck

    rows = _run(lambda: export_deck(Path(deck), Path(sheet)), debug)
    click.echo(f"wrote {sheet}: {rows} techniques")


@click.command(name="list", short_help="Print the deck's sections and techniques.")
@opt.deck_argument
@opt.debug_option
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
