"""The command line's frame: the command group, how problems are printed, how a
failure ends (one line, exit 1) and progress on a terminal.

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
    from cards.output.files import OutputError
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
