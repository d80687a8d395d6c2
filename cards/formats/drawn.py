"""Drawing once, placing anywhere: a card side or a booklet page as PDF operators.

A ``Sketch`` is a canvas that shares its file's document (fonts, glyph codes,
forms) but draws into a ``Drawn`` instead of onto a page. ``place`` puts a
``Drawn`` on a page or form of that file, or of a second file whose glyph
codes are shared with it (``share_glyphs``: the imposed booklet).

This is what lets worker processes draw. Before they start, every font of
the file has codes for every character of the deck (``seed_glyphs``, done the
same way whether or not workers run); each worker draws with a frozen copy
of the file. What a copy cannot draw as the file would — a character with no
code yet, a picture (a new object of the file), a link — comes back as not
drawn, and the main process draws it, in order: the file is byte-for-byte
the one a single process makes.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from cards.layout.theme import faces

# Characters every file codes up front, besides the deck's own: what the
# built-in layouts and labels write around the deck's text.
LAYOUT_CHARACTERS = "–—‘’“”…·•×→←↑↓°"


@dataclass(frozen=True)
class Drawn:
    """Drawing operators (balanced ``q … Q``) and the file resources they use."""

    code: str
    forms: tuple[str, ...] = ()
    # fonts this drawing added to the document it was drawn for, in order of first use
    fonts: tuple[str, ...] = ()
    colours: tuple[tuple[str, object], ...] = ()  # separation colours, by name
    links: tuple[object, ...] = ()  # its links (annotations): of the file it was drawn for
    # False when drawing it added objects to its own file only (a picture)
    portable: bool = True


class NotDrawn(Exception):
    """A worker's copy of the file cannot draw this as the file would: the main
    process draws it."""


class Sketch:
    """Draws into ``Drawn`` with ``canvas``'s document, fonts and forms."""

    def __init__(self, canvas: Canvas):
        # every drawing starts from this one state, whatever the file's canvas is doing
        self.canvas = copy.copy(canvas)
        self.canvas.init_graphics_state()
        self.copy = False  # True in a worker: its document is a copy, frozen

    def freeze(self) -> None:
        """In a worker: no new glyph codes or file objects, only what the file has."""
        self.copy = True
        for font in faces().values():
            font._assignState(self.canvas._doc).frozen = 1

    def draw(self, paint: Callable[[Canvas], None]) -> Drawn:
        """What ``paint`` draws at the origin; raises ``NotDrawn`` in a worker
        when only the main process can draw it."""
        canvas = copy.copy(self.canvas)  # the file's state, this drawing's accumulators
        canvas._code, canvas._formsinuse, canvas._annotationrefs = [], [], []
        canvas._colorsUsed, canvas._shadingUsed = {}, {}
        canvas._codeStack, canvas.state_stack = [], []
        doc = canvas._doc
        fonts_before = len(doc.fontMapping)
        objects_before = len(doc.idToObject)
        extgstates_before = len(canvas._extgstate._d)
        try:
            canvas.saveState()
            paint(canvas)
            canvas.restoreState()
        except Exception as exc:
            # in a worker: a frozen font met a character with no code yet, or a link
            # met the copy's own; the main process draws it (and meets any real error)
            if self.copy:
                raise NotDrawn(str(exc)) from exc
            raise
        links = tuple(canvas._annotationrefs)
        private = (  # objects a copy of the file cannot share: pictures, shadings
            len(doc.idToObject) - objects_before > len(links)
            or len(canvas._extgstate._d) > extgstates_before
            or bool(canvas._shadingUsed)
        )
        if (private or links) and self.copy:
            raise NotDrawn("it adds objects to the file")
        self.canvas._annotationCount = canvas._annotationCount  # links are numbered per file
        return Drawn(
            code="\n".join(canvas._code),
            forms=tuple(canvas._formsinuse),
            fonts=tuple(list(doc.fontMapping)[fonts_before:]),
            colours=tuple(canvas._colorsUsed.items()),
            links=links,
            portable=not private,
        )


def place(canvas: Canvas, drawn: Drawn, links: bool = True) -> None:
    """``drawn`` at the canvas's current origin, with its links (which only the
    file it was drawn for has) unless ``links`` is false."""
    doc = canvas._doc
    for name in drawn.fonts:
        if name not in doc.fontMapping:
            font = pdfmetrics.getFont(name)
            if getattr(font, "_dynamicFont", False):
                font.getSubsetInternalName(0, doc)
            else:
                doc.getInternalFontName(name)
    canvas._code.append(drawn.code)
    if links:
        canvas._annotationrefs.extend(drawn.links)
    canvas._formsinuse.extend(drawn.forms)
    canvas._colorsUsed.update(drawn.colours)


def seed_glyphs(canvas: Canvas, texts: Iterable[str]) -> None:
    """Give every font of the file a code for each character of ``texts`` (and of
    the layouts' own punctuation), in one fixed order: the codes a drawing
    uses are then the same in every process."""
    characters = set(LAYOUT_CHARACTERS)
    for text in texts:
        characters.update(text)
    wanted = "".join(sorted(c for c in characters if ord(c) > 126))
    for font in faces().values():
        font._assignState(canvas._doc)
        font.splitString(wanted, canvas._doc)


def share_glyphs(source: Canvas, target: Canvas) -> None:
    """Give ``target``'s file the very glyph codes of ``source``'s, from now on:
    one drawing can then be placed in both."""
    for font in faces().values():
        font.state[target._doc] = font._assignState(source._doc)
