"""The booklet's two files: pages in reading order, and imposed for saddle stitching.

``booklet_pdfs`` draws each page of the plan once (in a worker process, for
a large booklet) and places that drawing twice: on its own page of the
reading-order file, and cut to its trim two-up on the imposed file's sheets
in saddle order. The two files share their glyph codes, so one drawing means
the same in both; nothing is laid out or drawn twice, and bleed cannot spill
onto the facing page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO

from reportlab.pdfgen.canvas import Canvas

from cards.formats.booklet_pages import draw_page
from cards.formats.booklet_plan import Booklet, Page
from cards.formats.canvas import ask_for_duplex, file_buffer, new_canvas
from cards.formats.drawn import Drawn, NotDrawn, Sketch, place
from cards.geometry import (
    saddle_order,
)
from cards.layout.glance import define_icons
from cards.layout.theme import (
    PAPERS_MM,
    BookletTheme,
    mm_to_pt,
)
from cards.model import Deck
from cards.options import BuildSettings
from cards.workers import WorkCache


@dataclass(frozen=True)
class BookletResult:
    reading: IO[bytes]  # the finished files (formats.canvas.file_buffer)
    imposed: IO[bytes]
    pages: int
    sheets: int
    paper: str
    duplex: str


# -- the two files ------------------------------------------------------------------


def booklet_pdfs(
    deck: Deck, booklet: Booklet, options: BuildSettings, streams: WorkCache | None = None
) -> BookletResult:
    """Both files from one pass over the pages: each page is laid out and drawn
    once, placed on its own page of the reading-order file and kept, packed,
    for the imposed file, which is made once the first is saved (a large
    booklet never holds both files at once)."""
    count = len(booklet.plan)
    theme = booklet.planner.theme
    reading = ReadingFile(deck, theme, options.print_shop, streams)
    # the imposed file takes the reading-order file's glyph codes: one drawing
    # of a page then serves both
    imposed = ImposedFile(deck, theme, options, streams, glyphs_from=reading.canvas)
    return BookletResult(
        reading=draw_pages(booklet, reading, imposed),  # saved before the imposed is made
        imposed=imposed.finish(count),
        pages=count,
        sheets=count // 4,
        paper=options.paper,
        duplex=options.duplex_for("booklet"),
    )


def draw_pages(booklet: Booklet, reading: ReadingFile, imposed: ImposedFile) -> IO[bytes]:
    """The reading-order file, each page drawn once and kept for ``imposed``."""
    theme = booklet.planner.theme
    define_icons(reading.canvas)
    define_icons(imposed.canvas)
    sketch = Sketch(reading.canvas)

    def draw(page: Page) -> Drawn:
        return sketch.draw(lambda canvas: draw_page(canvas, page, theme))

    for page, drawn in booklet.pages(draw, sketch.freeze, sketch.seeded):
        if drawn is None:
            try:
                drawn = draw(page)
            except NotDrawn:  # pictures: drawn in place, in each file
                pass
        reading.add(page, drawn)
        imposed.keep(page, drawn)
    return reading.finish()


class ReadingFile:
    """Pages in reading order: trim size, or with bleed and page boxes for a print shop."""

    def __init__(
        self, deck: Deck, theme: BookletTheme, print_shop: bool, streams: WorkCache | None = None
    ):
        self.theme = theme
        self.bleed = mm_to_pt(theme.bleed_mm) if print_shop else 0.0
        width, height = mm_to_pt(theme.width_mm), mm_to_pt(theme.height_mm)
        size = (width + 2 * self.bleed, height + 2 * self.bleed)
        self.buffer = file_buffer()
        self.canvas = new_canvas(self.buffer, deck, "booklet", size, streams=streams)
        self.canvas.links = True  # contents entries link to their pages
        if print_shop:
            b = self.bleed
            self.canvas.setTrimBox((b, b, b + width, b + height))
            self.canvas.setBleedBox((0, 0, size[0], size[1]))

    def add(self, page: Page, drawn: Drawn | None) -> None:
        canvas = self.canvas
        for anchor in page.anchors:
            canvas.bookmarkPage(anchor, fit="Fit")
        for title, key, level in page.outline:
            canvas.addOutlineEntry(title, key, level=level, closed=False)
        canvas.saveState()
        canvas.translate(self.bleed, self.bleed)
        if drawn is None:
            draw_page(canvas, page, self.theme)
        else:
            place(canvas, drawn)
        canvas.restoreState()
        canvas.showPage()

    def finish(self) -> IO[bytes]:
        self.canvas.showOutline()
        self.canvas.save()
        return self.buffer


class ImposedFile:
    """Two pages per landscape sheet side, in saddle order, for duplex printing.

    Each page is placed cut to its trim, so bleed never reaches the facing
    page. Pages are kept as drawn for the reading-order file (packed) until the
    sheets are made, and placed without its links; a page drawn in place
    there (its pictures) is kept laid out and drawn in place here. With
    ``duplex='long'`` every back side is turned 180°, for printers that can
    only flip on the long edge.
    """

    def __init__(
        self,
        deck: Deck,
        theme: BookletTheme,
        options: BuildSettings,
        streams: WorkCache | None = None,
        glyphs_from: Canvas | None = None,
    ):
        self.theme, self.options = theme, options
        self.sheet_w, self.sheet_h = (
            mm_to_pt(v) for v in sorted(PAPERS_MM[options.paper], reverse=True)
        )
        self.page_w, self.page_h = mm_to_pt(theme.width_mm), mm_to_pt(theme.height_mm)
        self.buffer = file_buffer()
        self.canvas = new_canvas(
            self.buffer,
            deck,
            "booklet for saddle stitching",
            (self.sheet_w, self.sheet_h),
            streams=streams,
            glyphs_from=glyphs_from,
        )
        ask_for_duplex(self.canvas, options.duplex_for("booklet"))
        self.kept: dict[int, Drawn | Page] = {}

    def keep(self, page: Page, drawn: Drawn | None) -> None:
        """The page for later: its drawing (packed), or laid out, to draw here."""
        self.kept[page.number] = page if drawn is None else drawn

    def place(self, number: int) -> None:
        """Page ``number`` at the current origin, cut to its trim."""
        canvas = self.canvas
        trim = canvas.beginPath()
        trim.rect(0, 0, self.page_w, self.page_h)
        canvas.clipPath(trim, stroke=0, fill=0)
        kept = self.kept.pop(number)
        if isinstance(kept, Page):
            draw_page(canvas, kept, self.theme)
        else:
            place(canvas, kept, links=False)

    def finish(self, count: int) -> IO[bytes]:
        canvas = self.canvas
        left_x = (self.sheet_w - 2 * self.page_w) / 2
        bottom_y = (self.sheet_h - self.page_h) / 2
        for index, (left, right) in enumerate(saddle_order(count)):
            back = index % 2 == 1
            canvas.saveState()
            if back and self.options.duplex_for("booklet") == "long":
                canvas.translate(self.sheet_w, self.sheet_h)
                canvas.rotate(180)
            for number, x in ((left, left_x), (right, left_x + self.page_w)):
                canvas.saveState()
                canvas.translate(x, bottom_y)
                self.place(number)
                canvas.restoreState()
            canvas.restoreState()
            canvas.showPage()
        canvas.save()
        return self.buffer
