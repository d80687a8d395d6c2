"""What a drawn page keeps besides its drawing, and a chunk of drawn pages.

Drawing (``layout/canvas.py``, ``formats/drawing.py``) records these;
assembly (``formats/assembly.py``) turns them into links and, later, a
structure tree. Plain data: it travels between processes as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple


@dataclass(frozen=True, slots=True)
class BoxPt:
    """A box on a page in points, from its lower left corner: what a link covers."""

    left_pt: float
    bottom_pt: float
    right_pt: float
    top_pt: float


@dataclass(frozen=True, slots=True)
class Link:
    """A box on a page that goes to the page holding ``target`` (an anchor of the
    plan), drawn inside the piece of marked-content id ``mcid`` (its words)."""

    target: str
    box: BoxPt
    mcid: int | None = None
    text: str = ""  # what the link says it goes to (its annotation's /Contents)


class Piece(NamedTuple):
    """A piece of a page's drawing, wrapped in marked content: its role (``P``,
    ``H1``, ``Figure``…, or ``Artifact`` for what a reader need not hear) and
    its marked-content id on that page (None for an artifact).

    A named tuple, not a dataclass: a tagged card page draws some 170, made
    in the drawing's hot path and sent from the workers to assembly, where a
    dataclass took ten times as long to make and to unpickle."""

    role: str
    mcid: int | None
    # a figure's alternative text; what a piece says where its drawing says
    # otherwise (ActualText); a group's language, where given
    text: str = ""
    # "content" for marked content; "open" and "close" bound a group of the
    # pieces between them (a card, a page, a picture with its text), which
    # marks no content of its own
    kind: str = "content"


@dataclass(slots=True)
class PageMarks:
    """What a page keeps for assembly besides its drawing."""

    links: list[Link] = field(default_factory=list)
    pieces: list[Piece] = field(default_factory=list)

    def __reduce__(self) -> tuple[Any, ...]:
        # the pieces as plain tuples, rebuilt as pieces: a named tuple pickles
        # each as its class and a call, most of the time a page took to send
        return (_page_marks, (self.links, [tuple(piece) for piece in self.pieces]))


def _page_marks(links: list[Link], pieces: list[tuple[Any, ...]]) -> PageMarks:
    return PageMarks(links, list(map(Piece._make, pieces)))


@dataclass(frozen=True)
class Chunk:
    """Consecutive pages of one output file, drawn: an ordinary PDF, each page's
    marks, and what the drawing reports back (``found``: problems, counts)."""

    pdf: bytes
    marks: tuple[PageMarks, ...]
    found: Any = None
    tagged: bool = False  # its pages' pieces go into a structure tree
    language: str = ""  # that tree's document language
