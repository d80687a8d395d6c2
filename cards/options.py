"""The choices of one build, and the services it is given, as two objects.

``BuildSettings`` carries choices only, from the command line to the drawing
code; ``BuildServices`` what the caller lends a build: a watch session's
cache, a progress bar, a log. Nothing here imports the rest of the package;
every stage may read it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class BuildSettings:
    """Every choice of a build, from the command line (or a Python caller) to the
    code that draws: one object, declared once."""

    out_dir: Path = Path("out")
    format: str = "all"
    paper: str = "a4"
    guides: bool = False
    templates: Path | None = None
    duplex: str | None = None  # None: each format's usual flip (cards long, booklet short)
    print_shop: bool = False
    card_size: str = "pocket"
    backs: bool = False
    fold: bool = False
    # between cards on a sheet; None: twice the bleed where the paper allows
    # (each card its own bleed), else butted
    gutter_mm: float | None = None
    cmyk: bool = False
    back_offset_mm: tuple[float, float] = (0.0, 0.0)
    sections: tuple[str, ...] = ()
    only: tuple[str, ...] = ()
    copies: int = 1
    large_print: bool = False
    strict: bool = False  # warnings count as errors: nothing is written
    extras: bool = True  # the title, "Before you start" and routine cards
    low_ink: bool = False  # outlines and light tints instead of solid colour
    overflow: str = "shrink"  # or "continue": a card too long runs on over more cards
    jobs: int = 1  # worker processes that fit and draw cards and pages (large decks only)
    tags: bool = True  # a structure tree (tagged PDF/UA-1) in the cards and reading booklet
    # one of the deck's languages to build; None: every language it is kept in
    language: str | None = None

    @property
    def tagged(self) -> bool:
        """The cards and the reading booklet carry a structure tree: asked for
        (not ``--no-tags``), and not print files (``--print-shop``)."""
        return self.tags and not self.print_shop

    @property
    def card_backs(self) -> bool:
        """Cards get backs: asked for, or needed by fold-over pairs."""
        return self.backs or self.fold

    def duplex_for(self, what: str) -> str:
        """The flip to print with: as asked, else cards long and the booklet short."""
        return self.duplex or ("long" if what == "cards" else "short")


@dataclass(frozen=True)
class BuildServices:
    """What the caller lends a build besides its choices."""

    # what a watch session keeps between builds (session.BuildCache): files
    # read and fitted layouts, by all that decides them
    cache: Any = None
    # how the caller shows progress: wraps an iterable of `length` items
    progress: Callable[[Iterable[Any], int, str], Iterable[Any]] | None = None
    log: Callable[[str], None] | None = None
