"""`cards build`: options into one BuildSettings, one build (or a watch session), the summary."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from cards.options import BuildServices, BuildSettings
from cards.cli import options as opt
from cards.cli.app import _deck_argument, _print_problems, _progress, _run


@click.command(short_help="Write the PDFs: cards, booklet, imposed booklet.")
@opt.deck_argument
@click.option(
    "-f",
    "--format",
    "format_",
    type=click.Choice(["cards", "booklet", "all"]),
    default="all",
    show_default=True,
    help="What to write.",
)
@opt.out_option
@opt.paper_option
@click.option(
    "--card-size",
    default="pocket",
    show_default=True,
    callback=opt.card_size,
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
    callback=opt.offset,
    help="Move the backs by X and Y mm to match your printer (see 'cards calibrate').",
)
@click.option(
    "--fold",
    is_flag=True,
    help="Front and back side by side, to cut out, fold and glue (no duplex needed).",
)
@click.option(
    "--gutter",
    "gutter_mm",
    type=click.FloatRange(0, 20),
    default=None,
    metavar="MM",
    help="Space between cards on a sheet. Default: 6 mm where the paper allows, each "
    "card with its own 3 mm bleed (two cuts a gap, no neighbour's colour on a "
    "miscut); 0 butts them (one cut a line, more cards a sheet).",
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
    "--no-tags",
    is_flag=True,
    help="Leave the structure tree out (the smallest file; not accessible to screen readers).",
)
@click.option(
    "--lang",
    "language",
    metavar="TAG",
    default=None,
    help="Only this one of the deck's languages (its languages: in _index.md); "
    "default: every one, each language's files named with it (deck-de-cards.pdf).",
)
@opt.templates_option
@click.option(
    "--watch", is_flag=True, help="Rebuild whenever the deck or the layouts change (Ctrl-C stops)."
)
@opt.strict_option
@opt.quiet_option
@click.option(
    "-v",
    "--verbose",
    is_flag=True,
    help="Also say what is read and how long each step takes; print every warning.",
)
@opt.debug_option
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
    gutter_mm: float | None,
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
    no_tags: bool,
    language: str | None,
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
    from cards.options import BuildServices, BuildSettings
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
        gutter_mm=gutter_mm,
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
        tags=not no_tags,
        language=language,
    )
    services = BuildServices(
        progress=_progress, log=(lambda line: click.echo(line, err=True)) if verbose else None
    )
    deck_path = _deck_argument(deck)
    if watch:
        _watch(deck_path, settings, services, quiet, debug)
        return
    _build_once(deck_path, settings, services, quiet, debug)


def _build_once(
    deck_path: Path, settings: BuildSettings, services: BuildServices, quiet: bool, debug: bool
) -> None:
    from cards.build import build as build_deck

    verbose = services.log is not None
    report = _run(lambda: build_deck(deck_path, settings, services), debug, verbose)
    if quiet:
        return
    _print_problems(report.warnings, verbose)
    for note in report.notes:  # with the warnings, before what was written
        click.echo(note, err=True)
    for written in report.written:
        click.echo(f"{written.path}  {written.summary}")


def _watch(
    deck_path: Path, settings: BuildSettings, services: BuildServices, quiet: bool, debug: bool
) -> None:
    """Build, then build again after every change to the deck or the layouts,
    following the deck as it changes: new and removed files and folders, a
    layout folder named anew in ``_index.md``, the deck folder itself removed
    and made again (the watch says so and waits for it)."""
    from dataclasses import replace

    from cards.build import new_cache

    cache = new_cache()  # rebuild only what changed; a rebuild equals a cold build
    services = replace(services, cache=cache)

    def once() -> None:
        try:
            _build_once(deck_path, settings, services, quiet, debug)
            done = "built"
        except click.ClickException as exc:
            exc.show()  # errors are shown; the watch goes on
            done = "not built, the last good files stay"
        cache.settle()  # now, not in the middle of the next build
        if not quiet:  # a rebuild that changed nothing still says it ran
            click.echo(f"[{time.strftime('%H:%M:%S')}] {done}; watching for changes", err=True)

    once()
    try:
        while True:
            if not deck_path.is_dir():
                click.echo(f"{deck_path} is gone; waiting for it to come back", err=True)
                while not deck_path.is_dir():
                    time.sleep(WAIT_FOR_DECK_S)
                click.echo(f"{deck_path} is back; building", err=True)
                once()
            _watch_until_moved(deck_path, settings, once)
    except KeyboardInterrupt:
        pass
    click.echo("stopped watching", err=True)


# How often the watch looks whether a watched folder was removed or replaced,
# and, once the deck is gone, whether it is back.
CHECK_FOLDERS_MS = 500
WAIT_FOR_DECK_S = 0.25


def _watch_until_moved(deck_path: Path, settings: BuildSettings, once: Callable[[], None]) -> None:
    """Rebuild on every change until a watched folder is removed or replaced (a
    watcher follows the folder it was given, not its name) or the deck names
    another layout folder; then return, for the caller to watch anew."""
    from watchfiles import watch

    paths = _watched_paths(deck_path, settings)
    folders = {path: _identity(path) for path in paths}
    out = settings.out_dir.resolve()
    deck_index = (deck_path / "_index.md").resolve()

    def relevant(change: object, path: str) -> bool:
        name = Path(path).name
        return (
            not Path(path).resolve().is_relative_to(out)
            and not name.startswith(".")
            and not name.endswith("~")
        )

    click.echo(f"watching {', '.join(str(p) for p in paths)}; Ctrl-C to stop", err=True)
    for changes in watch(
        *paths,
        watch_filter=relevant,
        debounce=300,
        step=50,
        rust_timeout=CHECK_FOLDERS_MS,
        yield_on_timeout=True,
    ):
        moved = any(_identity(path) != identity for path, identity in folders.items())
        if moved and not deck_path.is_dir():
            return  # the caller waits for the deck
        if changes or moved:
            once()
        if moved:
            return
        index_changed = any(Path(path).resolve() == deck_index for _, path in changes)
        if index_changed and _watched_paths(deck_path, settings) != paths:
            return  # the deck names other layouts: watch their folder


def _watched_paths(deck_path: Path, settings: BuildSettings) -> list[Path]:
    """The deck and every layout folder in use (the deck's own, if it reads)."""
    from cards.build import load, watched_paths
    from cards.problems import ContentError

    try:
        deck = load(deck_path)[0]
    except ContentError:
        deck = None  # watch the deck folder anyway: the next save may mend it
    return watched_paths(deck_path, settings.templates, deck.templates if deck else None)


def _identity(path: Path) -> tuple[int, int] | None:
    """Which folder is at ``path`` now: a removed and remade one is another."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_dev, stat.st_ino)
