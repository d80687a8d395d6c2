"""The A5 booklet: pages in reading order, and the same pages imposed for saddle stitching.

``plan_booklet`` renders every page's layout, fits the technique pages and
flows the intro and contents over as many pages as they need, then numbers
the pages. ``booklet_pdfs`` draws the plan twice: once page by page (with
links, bookmarks and, for print shops, bleed), once two-up on landscape
sheets in saddle order. In the imposed file each page is drawn once into a
form whose box is the page's trim, and the form is placed: nothing is laid
out again, and bleed cannot spill onto the facing page.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from xml.sax.saxutils import escape, unescape

import jinja2
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph

from cards.card import colour_block, draw_band, draw_motif
from cards.geometry import Bleed, padded_page_count, saddle_order
from cards.layout.blocks import diagram_flowable, flowables
from cards.layout.fit import Overflow, draw_stack, fit, paginate
from cards.layout.glance import define_icons
from cards.layout.markup import Layout, parse_layout
from cards.layout.styles import TypeScale, hyphenation_for, styles_for, type_scale
from cards.layout.theme import (
    BOOKLET_PAGES_MM,
    FONT_REGULAR,
    FONT_SEMIBOLD,
    PAPERS_MM,
    BookletTheme,
    mm_to_pt,
    paint,
)
from cards.model import Deck, Section, Technique
from cards.pdf import ask_for_duplex, new_canvas
from cards.problems import ERROR, WARNING, Problem
from cards.templating import (
    deck_view,
    labels_view,
    picture_roots,
    render,
    section_view,
    template_path,
)
from cards.workers import in_workers, worth_parallel

TEMPLATES = {
    kind: f"booklet/{kind}.xml.j2"
    for kind in ("cover", "intro", "contents", "technique", "notes", "back")
}


@dataclass(frozen=True)
class BookletOptions:
    paper: str = "a4"
    duplex: str = "short"
    print_shop: bool = False


@dataclass
class Page:
    """One page: planned (``pending`` says how to lay it out) or laid out."""

    kind: str
    layout: Layout | None
    flowables: list[Flowable] | None
    scale: TypeScale | None
    section: Section | None = None
    technique: Technique | None = None
    anchors: list[str] = field(default_factory=list)
    outline: list[tuple[str, str, int]] = field(default_factory=list)
    number: int = 0
    pending: dict[str, Any] | None = None

    @property
    def odd(self) -> bool:
        return self.number % 2 == 1


@dataclass(frozen=True)
class BookletResult:
    reading: bytes
    imposed: bytes
    pages: int
    sheets: int
    paper: str
    duplex: str


def sizes_view(theme: BookletTheme) -> SimpleNamespace:
    """The sizes a booklet layout may place things at, from the theme (so
    --large-print can give the text more room)."""
    return SimpleNamespace(
        diagram_width_mm=theme.diagram_width_mm,
        diagram_height_mm=theme.diagram_height_mm,
        opener_diagram_height_mm=theme.opener_diagram_height_mm,
    )


def booklet_theme(paper: str, large_print: bool = False, low_ink: bool = False) -> BookletTheme:
    theme = BookletTheme(low_ink=low_ink).sized(*BOOKLET_PAGES_MM[paper])
    return theme.large_print() if large_print else theme


# -- geometry of one page ------------------------------------------------------


@dataclass(frozen=True)
class FlowBox:
    top_pt: float
    bottom_pt: float
    width_pt: float

    @property
    def height_pt(self) -> float:
        return self.top_pt - self.bottom_pt


def flow_box(layout: Layout, theme: BookletTheme) -> FlowBox:
    """Where a page's blocks go: below whatever furniture fills its top."""
    height = theme.height_mm
    top_mm = height - theme.margin_top_mm
    if layout.band:
        top_mm = height - theme.band_height_mm - theme.band_gap_mm
    panel = layout.furniture.get("panel")
    if panel is not None:
        top_mm = height - float(panel.get("height_mm", theme.panel_height_mm)) - theme.band_gap_mm
    motif = layout.furniture.get("motif")
    if motif is not None and motif.get("at", "top") == "top":
        top_mm = height - float(motif.get("height_mm", "40")) - theme.band_gap_mm
    width_mm = theme.width_mm - theme.margin_inner_mm - theme.margin_outer_mm
    return FlowBox(mm_to_pt(top_mm), mm_to_pt(theme.margin_bottom_mm), mm_to_pt(width_mm))


def text_left_mm(page: Page, theme: BookletTheme) -> float:
    """Odd pages are right-hand pages: their inner margin is on the left."""
    return theme.margin_inner_mm if page.odd else theme.margin_outer_mm


# -- planning ------------------------------------------------------------------


class Planner:
    def __init__(self, deck: Deck, env: jinja2.Environment, theme: BookletTheme):
        self.deck, self.env, self.theme = deck, env, theme
        self.problems: list[Problem] = []
        self.page_of: dict[str, int] = {}
        self.context = {
            "deck": deck_view(deck),
            "labels": labels_view(deck),
            "sections": [section_view(s, theme.low_ink) for s in deck.sections],
            "sizes": sizes_view(theme),
        }

    def layout(self, kind: str, **extra: object) -> Layout:
        name = TEMPLATES[kind]
        xml = render(self.env, name, **self.context, **extra)
        return parse_layout(xml, template_path(self.env, name), picture_roots(self.deck))

    def build(
        self, layout: Layout, body_pt: float, accent: str
    ) -> tuple[list[Flowable], TypeScale]:
        scale = type_scale(self.theme, body_pt, accent, hyphenation_for(self.deck))
        return flowables(layout.blocks, styles_for(scale), "booklet", self.page_of), scale

    def planned_page(
        self, kind: str, accent: str, source: Path, title: str, **extra: object
    ) -> Page:
        """A page that must hold all its text, planned now and laid out (set
        smaller if need be, else an error) by ``lay_out`` just before drawing."""
        return Page(
            kind,
            None,
            None,
            None,
            pending={"accent": accent, "source": source, "title": title, "extra": extra},
        )

    def lay_out(self, page: Page, cache: dict[Any, Any] | None = None) -> Page:
        """Fill in a planned page's layout; a page whose text cannot fit stays empty.

        ``cache`` (a watch session's) keeps laid-out pages by their rendered
        layout and theme: an unchanged page is not laid out again.
        """
        if page.pending is None:
            return page
        accent, source, title = (
            page.pending["accent"],
            page.pending["source"],
            page.pending["title"],
        )
        name = TEMPLATES[page.kind]
        xml = render(self.env, name, **self.context, **page.pending["extra"])
        key = (xml, self.theme, accent, hyphenation_for(self.deck), str(source), page.number)
        if cache is not None and key in cache:
            laid_out, found = cache[key]
            self.problems.extend(found)
            return replace(page, **laid_out)
        before = len(self.problems)
        layout = parse_layout(xml, template_path(self.env, name), picture_roots(self.deck))
        box = flow_box(layout, self.theme)
        result = fit(
            lambda size: self.build(layout, size, accent)[0],
            box.width_pt,
            box.height_pt,
            self.theme.body_pt,
            self.theme.body_min_pt,
        )
        if isinstance(result, Overflow):
            self.problems.append(
                Problem(
                    source,
                    1,
                    ERROR,
                    f"'{title}' does not fit its booklet page even at {result.body_pt:g} pt: "
                    f"{result.shortfall()}; shorten the text",
                )
            )
            flows, body_pt = [], self.theme.body_pt
        else:
            if result.shrunk_from(self.theme.body_pt):
                self.problems.append(
                    Problem(
                        source,
                        1,
                        WARNING,
                        f"'{title}' fits its booklet page only when set smaller "
                        f"({result.body_pt:.1f} pt instead of {self.theme.body_pt:g} pt)",
                    )
                )
            flows, body_pt = result.flowables, result.body_pt
        scale = type_scale(self.theme, body_pt, accent, hyphenation_for(self.deck))
        laid_out = {"layout": layout, "flowables": flows, "scale": scale, "pending": None}
        if cache is not None:
            cache[key] = (laid_out, self.problems[before:])
        return replace(page, **laid_out)

    def flowing_pages(self, kind: str) -> list[Page]:
        """A layout that continues over as many pages as its text needs."""
        layout = self.layout(kind)
        items, scale = self.build(layout, self.theme.body_pt, self.theme.ink)
        box = flow_box(layout, self.theme)
        chunks = paginate(items, box.width_pt, box.height_pt) or [[]]
        return [Page(kind, layout, chunk, scale) for chunk in chunks]


@dataclass
class Booklet:
    """The numbered page plan; ``pages()`` lays each page out as it is needed."""

    plan: list[Page]
    planner: Planner
    jobs: int = 1
    cache: dict[Any, Any] | None = None

    @property
    def problems(self) -> list[Problem]:
        return self.planner.problems

    def pages(self) -> Iterator[Page]:
        """Every page laid out, in order: in worker processes for a large booklet
        (the same layout, so the same bytes), else here, from the cache if any."""
        if self.cache is None and worth_parallel(self.jobs, len(self.plan)):
            for page, found in in_workers(self._for_main, len(self.plan), self.jobs):
                self.planner.problems.extend(found)
                yield page
            return
        for page in self.plan:
            yield self.planner.lay_out(page, self.cache)

    def _for_main(self, index: int) -> tuple[Page, list[Problem]]:
        """In a worker: one page laid out, light to send (no layout markup but the
        furniture drawing needs), with what laying it out found."""
        before = len(self.planner.problems)
        page = self.planner.lay_out(self.plan[index])
        found = self.planner.problems[before:]
        del self.planner.problems[before:]
        if page.layout is not None:
            page = replace(page, layout=replace(page.layout, blocks=[]))
        return page, found


def plan_booklet(
    deck: Deck,
    env: jinja2.Environment,
    theme: BookletTheme,
    jobs: int = 1,
    cache: dict[Any, Any] | None = None,
) -> Booklet:
    """Every page of the booklet, numbered. Technique pages are fitted later,
    one at a time, as ``Booklet.pages()`` is walked: every one of them is one
    page whatever its text, so the numbering (and the contents) stand before."""
    planner = Planner(deck, env, theme)
    source = deck.source.path
    pages: list[Page] = [planner.planned_page("cover", theme.ink, source, deck.title)]
    pages += planner.flowing_pages("intro")
    pages += planner.flowing_pages("contents")
    views: list[SimpleNamespace] = planner.context["sections"]  # type: ignore[assignment]
    for section, view in zip(deck.sections, views):
        for index, (technique, t_view) in enumerate(zip(section.techniques, view.techniques)):
            # a section opens at the top of its first technique page: no divider pages
            opens = index == 0
            page = planner.planned_page(
                "technique",
                section.colour,
                technique.source.path,
                technique.title,
                section=view,
                technique=t_view,
                opens_section=opens,
            )
            page.section, page.technique = section, technique
            if opens:
                page.anchors.append(f"section-{section.number}")
                page.outline.append((section.title, f"section-{section.number}", 0))
            key = f"technique-{technique.number}"
            page.anchors.append(key)
            page.outline.append((technique.title, key, 1))
            pages.append(page)
    notes_needed = padded_page_count(len(pages) + 1) - len(pages) - 1
    for index in range(notes_needed):
        notes = planner.planned_page("notes", theme.ink, source, "Notes")
        if index == 0:
            notes.anchors.append("notes")
        pages.append(notes)
    pages.append(planner.planned_page("back", theme.ink, source, deck.title))
    for number, page in enumerate(pages, start=1):
        page.number = number
        for anchor in page.anchors:
            planner.page_of[anchor] = number
    return Booklet(pages, planner, jobs, cache)


def booklet_problems(deck: Deck, env: jinja2.Environment, theme: BookletTheme) -> list[Problem]:
    """Lay out every page without drawing, for ``cards check``."""
    booklet = plan_booklet(deck, env, theme)
    for _ in booklet.pages():
        pass
    return booklet.problems


# -- drawing ---------------------------------------------------------------------


def draw_page(canvas: Canvas, page: Page, theme: BookletTheme) -> None:
    """Draw one page with its trim's bottom-left corner at the origin.

    Colour that reaches an edge runs ``bleed_mm`` past it; the page box (or
    the form's box, in the imposed file) decides how much of that shows.
    """
    layout, bleed = page.layout, theme.bleed_mm
    assert layout is not None and page.flowables is not None, "lay the page out first"
    motif = layout.furniture.get("motif")
    if motif is not None:
        draw_motif(canvas, motif, theme, Bleed(bleed, bleed, bleed, bleed))
    if "panel" in layout.furniture:
        draw_panel(canvas, layout.furniture["panel"], page, theme)
    if layout.band:
        draw_band(
            canvas, layout.band, theme, Bleed(bleed, bleed, bleed, 0), text_left_mm(page, theme)
        )
    if "tab" in layout.furniture:
        draw_tab(canvas, layout.furniture["tab"], page, theme)
    box = flow_box(layout, theme)
    draw_stack(  # laid out at this width already, by fit or paginate
        canvas,
        page.flowables,
        mm_to_pt(text_left_mm(page, theme)),
        box.top_pt,
        box.width_pt,
        box.bottom_pt,
        wrapped=True,
    )
    if layout.attributes.get("folio", "yes") != "no":
        draw_folio(canvas, page, theme)


def draw_panel(canvas: Canvas, element: ET.Element, page: Page, theme: BookletTheme) -> None:
    """Where a section opens: the top of the page in its colour, bleeding, with
    its number big and its name, and on the outer side its diagrams with every
    area its techniques work lit, each on a white card."""
    colour = element.get("colour", theme.ink)
    width, height = mm_to_pt(theme.width_mm), mm_to_pt(theme.height_mm)
    bleed, pad = mm_to_pt(theme.bleed_mm), mm_to_pt(theme.panel_pad_mm)
    bottom = height - mm_to_pt(float(element.get("height_mm", theme.panel_height_mm)))
    text = paint(
        colour_block(
            canvas, colour, theme, -bleed, bottom, width + 2 * bleed, height - bottom + bleed
        )
    )
    canvas.saveState()
    left = mm_to_pt(text_left_mm(page, theme))
    right = width - mm_to_pt(theme.margin_outer_mm if page.odd else theme.margin_inner_mm)
    pictures = panel_pictures(element, page, theme, colour, height - bottom - 2 * pad)
    room = right - left - sum(p.width + pad for p in pictures)
    style = styles_for(page.scale).display.clone(
        "panel", fontSize=theme.panel_title_pt, leading=theme.panel_title_pt * 1.15, textColor=text
    )
    paragraph = Paragraph(escape(element.get("label", "")), style)
    _, title_height = paragraph.wrap(max(room, width / 3), height)
    paragraph.drawOn(canvas, left, bottom + pad * 0.8)
    canvas.setFillColor(text)
    canvas.setFont(FONT_SEMIBOLD, theme.panel_number_pt)
    number_y = bottom + pad * 0.8 + title_height + theme.panel_number_pt * 0.2
    canvas.drawString(left, number_y, element.get("number", ""))
    x = right
    inset = mm_to_pt(theme.panel_picture_pad_mm)
    for picture in reversed(pictures):
        x -= picture.width
        canvas.setFillColor(paint("#FFFFFF"))
        radius = mm_to_pt(theme.panel_picture_radius_mm)
        canvas.roundRect(
            x - inset, bottom + pad - inset, picture.width + 2 * inset,
            picture.height + 2 * inset, radius, stroke=0, fill=1,
        )  # fmt: skip
        picture.drawOn(canvas, x, bottom + pad)
        x -= pad
    canvas.restoreState()


def panel_pictures(
    element: ET.Element, page: Page, theme: BookletTheme, colour: str, height_pt: float
) -> list[Flowable]:
    """The panel's diagrams, each as tall as the panel allows."""
    styles = styles_for(page.scale)
    pictures = []
    for child in element:
        child.set("colour", child.get("colour", colour))
        child.set("width_mm", child.get("width_mm", f"{theme.panel_height_mm:g}"))
        child.set("max_height_mm", f"{height_pt / mm_to_pt(1):.2f}")
        picture = diagram_flowable(child, styles, TEMPLATES["technique"])
        picture.wrap(1e6, 1e6)
        pictures.append(picture)
    return pictures


def tab_span_mm(theme: BookletTheme, number: int, count: int) -> tuple[float, float]:
    """Bottom and top of section ``number``'s thumb tab, from the page's bottom edge.

    Each section's tab sits lower than the one before, so the closed
    booklet's fore-edge shows one block of colour per section.
    """
    room = theme.height_mm - theme.tab_top_mm - theme.tab_bottom_mm
    height = min(theme.tab_height_mm, room / max(count, 1))
    top = theme.height_mm - theme.tab_top_mm - (number - 1) * height
    return top - height, top


def draw_tab(canvas: Canvas, element: ET.Element, page: Page, theme: BookletTheme) -> None:
    colour = element.get("colour", theme.ink)
    number = int(element.get("number", "1"))
    bottom_mm, top_mm = tab_span_mm(theme, number, int(element.get("of", "1")))
    depth, bleed = mm_to_pt(theme.tab_depth_mm), mm_to_pt(theme.bleed_mm)
    width = mm_to_pt(theme.width_mm)
    x = width - depth if page.odd else -bleed
    text = colour_block(
        canvas, colour, theme, x, mm_to_pt(bottom_mm), depth + bleed, mm_to_pt(top_mm - bottom_mm)
    )
    canvas.saveState()
    canvas.setFillColor(paint(text))
    canvas.setFont(FONT_SEMIBOLD, theme.tab_number_pt)
    from_edge = mm_to_pt(theme.tab_number_from_edge_mm)  # clear of a home printer's margin
    centre_x = width - from_edge if page.odd else from_edge
    middle = mm_to_pt((bottom_mm + top_mm) / 2)
    canvas.drawCentredString(centre_x, middle - theme.tab_number_pt * 0.34, str(number))
    canvas.restoreState()


def plain_footer(markup: str) -> str | None:
    """The footer as plain text when it has no inline tags, else None."""
    if "<" in markup:
        return None
    return unescape(markup)


def draw_folio(canvas: Canvas, page: Page, theme: BookletTheme) -> None:
    """Page number at the outer corner; the running footer beside it, towards the spine."""
    assert page.layout is not None
    layout = page.layout
    y = mm_to_pt(theme.folio_from_edge_mm)
    width = mm_to_pt(theme.width_mm)
    inner, outer = mm_to_pt(theme.margin_inner_mm), mm_to_pt(theme.margin_outer_mm)
    number = str(page.number)
    gap = theme.folio_pt * 1.5
    number_width = stringWidth(number, FONT_SEMIBOLD, theme.folio_pt)
    canvas.saveState()
    canvas.setFillColor(paint(theme.ink))
    canvas.setFont(FONT_SEMIBOLD, theme.folio_pt)
    if page.odd:
        canvas.drawRightString(width - outer, y, number)
    else:
        canvas.drawString(outer, y, number)
    if layout.footer:
        room = width - inner - outer - number_width - gap
        x_right, x_left = width - outer - number_width - gap, outer + number_width + gap
        plain = plain_footer(layout.footer)
        if plain is not None and stringWidth(plain, FONT_REGULAR, theme.footer_pt) <= room:
            # the usual case, a plain line: no paragraph to lay out, twice per page
            canvas.setFillColor(paint(theme.grey))
            canvas.setFont(FONT_REGULAR, theme.footer_pt)
            if page.odd:
                canvas.drawRightString(x_right, y, plain)
            else:
                canvas.drawString(x_left, y, plain)
        else:
            style = styles_for(page.scale).footer.clone(
                "running", alignment=TA_RIGHT if page.odd else TA_LEFT
            )
            running = Paragraph(layout.footer, style)
            running.wrap(room, mm_to_pt(theme.folio_from_edge_mm))
            x = inner if page.odd else x_left
            # drawOn places the paragraph's bottom; lift it so the baselines line up
            running.drawOn(canvas, x, y - (style.leading - style.fontSize))
    canvas.restoreState()


# -- the two files ------------------------------------------------------------------


def booklet_pdfs(deck: Deck, booklet: Booklet, options: BookletOptions) -> BookletResult:
    """Both files in one pass over the pages: each page is laid out once, drawn
    onto its own page of the reading-order file and into a form of the imposed
    file, then let go."""
    theme = booklet.planner.theme
    count = len(booklet.plan)
    reading = ReadingFile(deck, theme, options.print_shop)
    imposed = ImposedFile(deck, theme, options)
    for page in booklet.pages():
        reading.add(page)
        imposed.add(page)
    return BookletResult(
        reading=reading.finish(),
        imposed=imposed.finish(count),
        pages=count,
        sheets=count // 4,
        paper=options.paper,
        duplex=options.duplex,
    )


class ReadingFile:
    """Pages in reading order: trim size, or with bleed and page boxes for a print shop."""

    def __init__(self, deck: Deck, theme: BookletTheme, print_shop: bool):
        self.theme = theme
        self.bleed = mm_to_pt(theme.bleed_mm) if print_shop else 0.0
        width, height = mm_to_pt(theme.width_mm), mm_to_pt(theme.height_mm)
        size = (width + 2 * self.bleed, height + 2 * self.bleed)
        self.buffer = io.BytesIO()
        self.canvas = new_canvas(self.buffer, deck, "booklet", size)
        self.canvas.cards_links = True  # contents entries link to their pages
        define_icons(self.canvas)
        if print_shop:
            b = self.bleed
            self.canvas.setTrimBox((b, b, b + width, b + height))
            self.canvas.setBleedBox((0, 0, size[0], size[1]))

    def add(self, page: Page) -> None:
        canvas = self.canvas
        for anchor in page.anchors:
            canvas.bookmarkPage(anchor, fit="Fit")
        for title, key, level in page.outline:
            canvas.addOutlineEntry(title, key, level=level, closed=False)
        canvas.saveState()
        canvas.translate(self.bleed, self.bleed)
        draw_page(canvas, page, self.theme)
        canvas.restoreState()
        canvas.showPage()

    def finish(self) -> bytes:
        self.canvas.showOutline()
        self.canvas.save()
        return self.buffer.getvalue()


class ImposedFile:
    """Two pages per landscape sheet side, in saddle order, for duplex printing.

    Each page becomes a form whose box is its trim, so bleed never reaches
    the facing page; the sheets place the forms once all exist. With
    ``duplex='long'`` every back side is turned 180°, for printers that can
    only flip on the long edge.
    """

    def __init__(self, deck: Deck, theme: BookletTheme, options: BookletOptions):
        self.theme, self.options = theme, options
        self.sheet_w, self.sheet_h = (
            mm_to_pt(v) for v in sorted(PAPERS_MM[options.paper], reverse=True)
        )
        self.page_w, self.page_h = mm_to_pt(theme.width_mm), mm_to_pt(theme.height_mm)
        self.buffer = io.BytesIO()
        self.canvas = new_canvas(
            self.buffer, deck, "booklet for saddle stitching", (self.sheet_w, self.sheet_h)
        )
        ask_for_duplex(self.canvas, options.duplex)
        define_icons(self.canvas)

    def add(self, page: Page) -> None:
        self.canvas.beginForm(f"page{page.number}", 0, 0, self.page_w, self.page_h)
        draw_page(self.canvas, page, self.theme)
        self.canvas.endForm()

    def finish(self, count: int) -> bytes:
        canvas = self.canvas
        left_x = (self.sheet_w - 2 * self.page_w) / 2
        bottom_y = (self.sheet_h - self.page_h) / 2
        for index, (left, right) in enumerate(saddle_order(count)):
            back = index % 2 == 1
            canvas.saveState()
            if back and self.options.duplex == "long":
                canvas.translate(self.sheet_w, self.sheet_h)
                canvas.rotate(180)
            for number, x in ((left, left_x), (right, left_x + self.page_w)):
                canvas.saveState()
                canvas.translate(x, bottom_y)
                canvas.doForm(f"page{number}")
                canvas.restoreState()
            canvas.restoreState()
            canvas.showPage()
        canvas.save()
        return self.buffer.getvalue()
