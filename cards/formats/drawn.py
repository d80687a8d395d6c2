"""Drawing once, placing anywhere: a card side or a booklet page as PDF operators.

A ``Sketch`` draws into a ``Drawn`` (operators, and the fonts and forms they
use) on a document of its own that shares the file's glyph codes. ``place``
puts a ``Drawn`` on a page of that file, or of a second file sharing the same
codes (``share_glyphs``: the imposed booklet). Fonts join a file when a
drawing that uses them is placed, so a file is the same whoever drew what.

This is what lets worker processes draw, and a watch session keep drawings.
Before anything is drawn, every font has codes for every character of the
deck (``seed_glyphs``), in one order; a worker draws with a frozen copy. What
cannot be drawn away from the file's own document — a character with no
code yet (in a worker), a picture (an object of the file) — raises
``NotDrawn``, and the caller draws it in place, in its turn: the file is
byte-for-byte the one a single process makes. Links to places in the file
are kept with the drawing as boxes and names, and made when it is placed.
"""

from __future__ import annotations

import copy
import zlib
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, replace
from functools import partial
from typing import TYPE_CHECKING

from reportlab.pdfbase import pdfdoc
from reportlab.pdfgen.canvas import Canvas, ExtGState

from cards.layout.theme import faces

if TYPE_CHECKING:
    from cards.workers import WorkCache

# Drawings are packed fast: they are unpacked within the build, never written packed.
PACK_LEVEL = 1

# Characters every file codes up front, besides the deck's own: what the
# built-in layouts and labels write around the deck's text.
LAYOUT_CHARACTERS = "–—‘’“”…·•×→←↑↓°"


@dataclass(frozen=True)
class Drawn:
    """Drawing operators (balanced ``q … Q``) and the file resources they use.
    A booklet page's are packed: it waits to be placed a second time (the
    imposed booklet), a fifth of the size for a little time on each side. A
    card's are placed as soon as they come, and a watch session keeps what it
    places build after build unpacked (``plain``)."""

    packed: bytes
    forms: tuple[str, ...] = ()
    fonts: tuple[str, ...] = ()  # every font it uses, in order of first use
    colours: tuple[tuple[str, object], ...] = ()  # separation colours, by name
    # its links to places in the file: (words, destination, box from its origin, border)
    links: tuple[tuple[str, str, tuple[float, float, float, float], float], ...] = ()
    # it used only the codes every build of this deck gives (seed_glyphs): it can
    # be kept for the next build of a watch session
    lasting: bool = True
    plain: str | None = None  # the operators unpacked, when kept so (``unpacked``)

    @property
    def code(self) -> str:
        if self.plain is not None:
            return self.plain
        return zlib.decompress(self.packed).decode("latin-1")

    def unpacked(self) -> Drawn:
        """The same drawing held unpacked, for one placed again build after build
        (a watch session's): five times the memory, no unpacking each time."""
        return replace(self, packed=b"", plain=self.code)


class NotDrawn(Exception):
    """This cannot be drawn away from its file: draw it in place."""


class Sketch:
    """Draws into ``Drawn`` with the glyph codes and forms of ``canvas``'s file."""

    def __init__(self, canvas: Canvas, pack: bool = True):
        """``pack``: drawings that wait to be placed (a booklet page, for the
        imposed file) are packed; a card's, placed as soon as it comes, is not."""
        self.pack = pack
        # every drawing starts from this one state, on a document of its own
        self.canvas = copy.copy(canvas)
        self.canvas.init_graphics_state()
        self.canvas._doc = pdfdoc.PDFDocument(invariant=1)
        # what makes objects of the file is the file's to draw: refused at once
        # (links, which are only boxes and names, are kept with the drawing)
        for method in ("drawImage", "drawInlineImage", "_addAnnotation", "bookmarkPage"):
            setattr(self.canvas, method, _refuse)
        share_glyphs(canvas, self.canvas)
        self.seeded = getattr(canvas, "glyph_seed", "")
        self.seeded_codes = _next_codes(canvas)
        self.frozen = False

    def freeze(self) -> None:
        """In a worker: no new glyph codes, only those the file had when it forked."""
        self.frozen = True
        for font in faces().values():
            font._assignState(self.canvas._doc).frozen = 1

    def draw(self, paint: Callable[[Canvas], None]) -> Drawn:
        """What ``paint`` draws at the origin; ``NotDrawn`` when it needs the file's
        own objects (a picture, a link) or, frozen, a glyph code the file lacks."""
        canvas = copy.copy(self.canvas)
        canvas._code, canvas._formsinuse, canvas._annotationrefs = [], [], []
        canvas._colorsUsed, canvas._shadingUsed = {}, {}
        canvas._codeStack, canvas.state_stack = [], []
        canvas._extgstate = ExtGState()
        links: list[tuple[str, str, tuple[float, float, float, float], float]] = []
        canvas.linkRect = partial(_keep_link, canvas, links)
        doc = canvas._doc
        doc.fontMapping, doc.delayedFonts = {}, []  # to learn which fonts it uses
        objects = len(doc.idToObject)
        try:
            canvas.saveState()
            paint(canvas)
            canvas.restoreState()
        except pdfdoc.PDFError as exc:  # a frozen font met a character with no code
            if self.frozen:
                raise NotDrawn(str(exc)) from exc
            raise
        if (
            len(doc.idToObject) > objects
            or canvas._annotationrefs
            or canvas._shadingUsed
            or canvas._extgstate._d
        ):
            raise NotDrawn("it adds objects to its file")
        code = "\n".join(canvas._code)
        return Drawn(
            packed=zlib.compress(code.encode("latin-1"), PACK_LEVEL) if self.pack else b"",
            plain=None if self.pack else code,
            forms=tuple(dict.fromkeys(canvas._formsinuse)),
            fonts=tuple(doc.fontMapping),
            colours=tuple(canvas._colorsUsed.items()),
            links=tuple(links),
            lasting=_next_codes(canvas) == self.seeded_codes,
        )

    def draw_kept(
        self, key: Hashable, paint: Callable[[Canvas], None], kept: WorkCache | None
    ) -> Drawn:
        """``draw(paint)``, or what a watch session kept under ``key`` when it was
        drawn with the same glyph codes; kept in turn if the next build's codes
        will be the same."""
        if kept is None:
            return self.draw(paint)
        full_key = (key, self.seeded)
        drawn: Drawn | None = kept.find(full_key)
        if drawn is None:
            drawn = self.draw(paint)
            if drawn.lasting:
                kept.store(full_key, drawn := drawn.unpacked())
        return drawn


def place(canvas: Canvas, drawn: Drawn, links: bool = True) -> None:
    """``drawn`` at the canvas's current origin; its fonts join the file, and its
    links too unless ``links`` is false."""
    doc = canvas._doc
    for name in drawn.fonts:
        if name not in doc.fontMapping:
            faces()[name].getSubsetInternalName(0, doc)
    canvas._code.append(drawn.code)
    if links:
        for words, destination, box, border in drawn.links:
            canvas.linkRect(words, destination, box, relative=1, thickness=border)
    canvas._formsinuse.extend(drawn.forms)
    canvas._colorsUsed.update(drawn.colours)


def seed_glyphs(canvas: Canvas, texts: Iterable[str]) -> None:
    """Give every font of the file a code for each character of ``texts`` (and of
    the layouts' own punctuation), in one fixed order: the codes a drawing
    uses are then the same in every process and every build of the deck."""
    characters = set(LAYOUT_CHARACTERS)
    for text in texts:
        characters.update(text)
    wanted = "".join(sorted(c for c in characters if ord(c) > 126))
    for font in faces().values():
        font._assignState(canvas._doc)
        font.splitString(wanted, canvas._doc)
    canvas.glyph_seed = wanted


def share_glyphs(source: Canvas, target: Canvas) -> None:
    """Give ``target``'s file the very glyph codes of ``source``'s, from now on:
    one drawing can then be placed in both."""
    for font in faces().values():
        font.state[target._doc] = font._assignState(source._doc)
    target.glyph_seed = getattr(source, "glyph_seed", "")


def _keep_link(
    canvas: Canvas,
    links: list[tuple[str, str, tuple[float, float, float, float], float]],
    contents: str,
    destination: str,
    rect: tuple[float, float, float, float] | None = None,
    relative: int = 1,
    thickness: float = 0,
    **others: object,
) -> None:
    """``linkRect`` on a sketch: the link's box from the drawing's origin, kept
    (a link over the whole page, or of another kind, is the file's to draw)."""
    if rect is None or others or not relative:
        raise NotDrawn("a link of a kind a drawing does not keep")
    corners = [canvas.absolutePosition(x, y) for x in rect[::2] for y in rect[1::2]]
    xs, ys = [x for x, _ in corners], [y for _, y in corners]
    links.append((contents, destination, (min(xs), min(ys), max(xs), max(ys)), thickness))


def _refuse(*args: object, **kwargs: object) -> None:
    raise NotDrawn("it adds objects to its file")


def _next_codes(canvas: Canvas) -> tuple[int, ...]:
    return tuple(font._assignState(canvas._doc).nextCode for font in faces().values())
