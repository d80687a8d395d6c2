"""The command line: parse options, call one function in cards.build, print.

Imports of the heavy libraries happen inside the commands, so `cards --help`
stays quick. Content problems print as `path:line: level: message` and exit
with 1; no traceback reaches the user unless --debug asks for one.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cards import __version__


def _deck_argument(deck: str | None) -> Path:
    from cards.build import default_deck

    return Path(deck) if deck else default_deck()


def _print_problems(problems) -> None:
    for problem in problems:
        click.echo(problem.format(), err=True)


class Fail(click.ClickException):
    """Exit 1 with lines already printed (or one message)."""

    exit_code = 1

    def show(self, file=None) -> None:
        if self.message:
            click.echo(self.message, err=True)


def _run(action, debug: bool):
    from cards.output import OutputError
    from cards.problems import ContentError

    try:
        return action()
    except ContentError as exc:
        _print_problems(exc.problems)
        count = len(exc.errors)
        raise Fail(f"{count} error{'s' if count != 1 else ''}; nothing was written") from None
    except OutputError as exc:
        raise Fail(f"error: {exc}") from None
    except Exception as exc:  # a bug in cards, not in the content
        if debug:
            raise
        raise Fail(
            f"internal error: {type(exc).__name__}: {exc} (run again with --debug for details)"
        ) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cards")
def main() -> None:
    """Turn a folder of Markdown into print-ready pocket cards and A5 booklets."""


@main.command()
@click.argument("deck", required=False, type=click.Path(file_okay=True, dir_okay=True))
@click.option(
    "-f", "--format", "format_", type=click.Choice(["cards", "booklet", "all"]), default="all",
    show_default=True, help="What to write.",
)
@click.option("-o", "--out", "out_dir", default="out", show_default=True, type=click.Path(), help="Where to write; created if missing.")
@click.option("--paper", type=click.Choice(["a4", "letter"]), default="a4", show_default=True, help="Sheet size of the printable files.")
@click.option("--guides", is_flag=True, help="Draw trim, bleed and safe-area boxes on every card.")
@click.option(
    "--duplex", type=click.Choice(["short", "long"]), default="short", show_default=True,
    help="How your printer flips the booklet sheets: 'long' turns every back side 180°.",
)
@click.option("--print-shop", is_flag=True, help="Booklet pages with 3 mm bleed and trim boxes, for a print shop.")
@click.option("--debug", is_flag=True, hidden=True, help="Show tracebacks of internal errors.")
def build(
    deck: str | None, format_: str, out_dir: str, paper: str, guides: bool, duplex: str,
    print_shop: bool, debug: bool,
) -> None:
    """Write the PDFs of DECK into OUT (default: content/foot-massage)."""
    from cards.build import BuildSettings, build as build_deck

    settings = BuildSettings(
        out_dir=Path(out_dir), format=format_, paper=paper, guides=guides, duplex=duplex,
        print_shop=print_shop,
    )
    report = _run(lambda: build_deck(_deck_argument(deck), settings), debug)
    _print_problems(report.warnings)
    for written in report.written:
        click.echo(f"{written.path}  {written.summary}")


@main.command()
@click.argument("deck", required=False, type=click.Path())
@click.option("--debug", is_flag=True, hidden=True)
def check(deck: str | None, debug: bool) -> None:
    """Validate DECK and report every problem; exit 1 if any is an error."""
    from cards.build import check as check_deck
    from cards.problems import has_errors

    problems = _run(lambda: check_deck(_deck_argument(deck)), debug)
    _print_problems(problems)
    errors = sum(p.level == "error" for p in problems)
    warnings = len(problems) - errors
    if has_errors(problems):
        raise Fail(f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}")
    click.echo(f"ok: {warnings} warning{'s' if warnings != 1 else ''}" if warnings else "ok: no problems found")


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
                x for x in (t.hold and f"hold {t.hold}", t.repeat and f"repeat {t.repeat}", t.pressure) if x
            )
            click.echo(f"   {t.number:>3}  {t.title}" + (f"  ({details})" if details else ""))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
