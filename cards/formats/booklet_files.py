"""The booklet's two files: pages in reading order, and imposed for saddle stitching.

``booklet_pdfs`` draws the reading-order pages chunk by chunk (in worker
processes for a large booklet) and assembly joins them, with the contents'
links and the outline. The imposed file is made from those finished pages:
each placed as a form XObject cut to its trim, two-up on the sheets in
saddle order, so nothing is laid out or drawn twice and bleed cannot spill
onto the facing page.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial

from cards.formats.assembler import APART_FROM, AssemblyProcess
from cards.formats.assembly import Assembly, Imposition, OutlineEntry, file_info
from cards.formats.booklet_pages import draw_page
from cards.formats.booklet_plan import Booklet
from cards.formats.drawing import Drawing, chunk_font_seed, chunk_ranges, finished
from cards.geometry import saddle_order
from cards.language import right_to_left
from cards.layout.canvas import PageCanvas
from cards.layout.glance import define_icons
from cards.layout.theme import PAPERS_MM, BookletTheme, mm_to_pt
from cards.marks import Chunk
from cards.model import Deck
from cards.options import BuildSettings
from cards.problems import Problem

# The fewest pages drawn into one chunk (formats/drawing.py): a file embeds
# its fonts once a chunk, and the cores share the chunks.
CHUNK_PAGES = 32


@dataclass(frozen=True)
class BookletResult:
    reading: bytes  # the finished files
    imposed: bytes
    pages: int
    sheets: int
    paper: str
    duplex: str


def booklet_drawing(deck: Deck, booklet: Booklet, options: BuildSettings) -> Drawing:
    """The reading-order file's drawing work: chunks of pages."""
    count = len(booklet.plan)
    ranges = chunk_ranges(count, CHUNK_PAGES)
    seed = chunk_font_seed(deck, ranges)
    theme = booklet.planner.theme
    draw = partial(
        draw_reading_pages, booklet, theme, options.print_shop, seed, options.tagged, deck.language
    )
    return Drawing(ranges, draw, booklet.cache, count)


def booklet_pdfs(
    deck: Deck, booklet: Booklet, options: BuildSettings, chunks: Iterable[Chunk]
) -> BookletResult:
    """Both files: the reading-order pages joined from their drawn ``chunks``,
    then imposed from the finished pages."""
    count = len(booklet.plan)
    assembly = AssemblyProcess() if count >= APART_FROM else Assembly()
    try:
        for chunk in chunks:
            assembly.add(chunk)
            booklet.problems.extend(chunk.found)
        anchors = {anchor: number - 1 for anchor, number in booklet.planner.page_of.items()}
        outline = [
            (page.number - 1, OutlineEntry(title, key, level))
            for page in booklet.plan
            for title, key, level in page.outline
        ]
        reading = assembly.finish(
            file_info(deck, "booklet", tagged=options.tagged),
            anchors,
            outline,
        )
        duplex = options.duplex_for("booklet")
        imposed = assembly.impose(  # the finished file's own pages become the forms
            saddle_order(count, right_to_left(deck.language)),
            imposition(booklet.planner.theme, options.paper, duplex),
            file_info(deck, "booklet for saddle stitching", duplex, tagged=False),
        )
    finally:
        assembly.close()  # the assembly process, too, whatever happened
    return BookletResult(
        reading=reading,
        imposed=imposed,
        pages=count,
        sheets=count // 4,
        paper=options.paper,
        duplex=duplex,
    )


def draw_reading_pages(
    booklet: Booklet,
    theme: BookletTheme,
    print_shop: bool,
    seed: str,
    tags: bool,
    language: str,
    numbers: range,
) -> Chunk:
    """Pages ``numbers`` (0-based) of the reading-order file, laid out and drawn:
    trim size, or with bleed and page boxes for a print shop."""
    bleed = mm_to_pt(theme.bleed_mm) if print_shop else 0.0
    width, height = mm_to_pt(theme.width_mm), mm_to_pt(theme.height_mm)
    canvas = PageCanvas(
        (width + 2 * bleed, height + 2 * bleed), font_seed=seed, tags=tags, language=language
    )
    if print_shop:
        canvas.setTrimBox((bleed, bleed, bleed + width, bleed + height))
        canvas.setBleedBox((0, 0, width + 2 * bleed, height + 2 * bleed))
    define_icons(canvas)
    found: list[Problem] = []
    for index in numbers:
        page, problems = booklet.page(index)
        found.extend(problems)
        canvas.saveState()
        canvas.translate(bleed, bleed)
        draw_page(canvas, page, theme)
        canvas.restoreState()
        canvas.showPage()
    return finished(canvas, found)


def imposition(theme: BookletTheme, paper: str, duplex: str) -> Imposition:
    """Two pages side by side in the middle of a landscape sheet; with
    ``duplex='long'`` every back side is turned 180°, for printers that can
    only flip on the long edge."""
    sheet_w, sheet_h = (mm_to_pt(v) for v in sorted(PAPERS_MM[paper], reverse=True))
    page_w, page_h = mm_to_pt(theme.width_mm), mm_to_pt(theme.height_mm)
    return Imposition(
        sheet_width_pt=sheet_w,
        sheet_height_pt=sheet_h,
        left_pt=(sheet_w - 2 * page_w) / 2,
        bottom_pt=(sheet_h - page_h) / 2,
        page_width_pt=page_w,
        turn_backs=duplex == "long",
    )
