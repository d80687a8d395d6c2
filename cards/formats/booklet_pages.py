"""One booklet page drawn: its furniture (panel, band, tab, folio) and its blocks.

The origin is the page's bottom-left trim corner. Colour that reaches an edge
runs past it by the bleed; the page box (or the form's box, in the imposed
file) decides how much of that shows.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape, unescape

from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

# -- drawing ---------------------------------------------------------------------
from cards.formats.booklet_box import flow_box
from cards.formats.booklet_plan import TEMPLATES, Page, text_left_mm
from cards.formats.card import (
    colour_block,
    draw_band,
    draw_motif,
)
from cards.geometry import (
    Bleed,
)
from cards.layout.blocks import diagram_flowable
from cards.layout.canvas import group, piece
from cards.layout.fit import draw_stack
from cards.layout.markup import markup_error
from cards.layout.parsed import paragraph as make_paragraph
from cards.layout.styles import styles_for
from cards.layout.textline import draw_line, line_width
from cards.layout.theme import (
    FONT_REGULAR,
    FONT_SEMIBOLD,
    BookletTheme,
    mm_to_pt,
    paint,
)


def draw_page(canvas: Canvas, page: Page, theme: BookletTheme) -> None:
    """Draw one page with its trim's bottom-left corner at the origin: one
    section of the structure tree (``Sect``).

    Colour that reaches an edge runs ``bleed_mm`` past it; the page box (or
    the form's box, in the imposed file) decides how much of that shows.
    """
    language = page.layout.attributes.get("lang", "") if page.layout else ""
    with group(canvas, "Sect", language):
        _draw_page(canvas, page, theme)


def _draw_page(canvas: Canvas, page: Page, theme: BookletTheme) -> None:
    layout, bleed = page.layout, theme.bleed_mm
    assert layout is not None and page.flowables is not None, "lay the page out first"
    motif = layout.furniture.get("motif")
    with piece(canvas, "Artifact:Layout"):  # colour, not content
        if motif is not None:
            draw_motif(canvas, motif, theme, Bleed(bleed, bleed, bleed, bleed))
    if "panel" in layout.furniture:  # the section's heading (its diagrams: artifacts)
        draw_panel(canvas, layout.furniture["panel"], page, theme)
    with piece(canvas, "Artifact:Layout"):  # the running band and the thumb tab
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
        with piece(canvas, "Artifact:Pagination"):  # the page number and running title
            draw_folio(canvas, page, theme)


PANEL_NUMBER_GAP_EM = 0.3  # the section number to its name, times the number's size


def draw_panel(canvas: Canvas, element: ET.Element, page: Page, theme: BookletTheme) -> None:
    """Where a section opens: the top of the page in its colour, bleeding, with
    its number big and its name, and on the outer side its diagrams with every
    area its techniques work lit, each on a white card."""
    colour = element.get("colour", theme.ink)
    width, height = mm_to_pt(theme.width_mm), mm_to_pt(theme.height_mm)
    bleed, pad = mm_to_pt(theme.bleed_mm), mm_to_pt(theme.panel_pad_mm)
    bottom = height - mm_to_pt(float(element.get("height_mm", theme.panel_height_mm)))
    with piece(canvas, "Artifact:Layout"):  # colour, not content
        text = paint(
            colour_block(
                canvas, colour, theme, -bleed, bottom, width + 2 * bleed, height - bottom + bleed
            )
        )
    canvas.saveState()
    left = mm_to_pt(text_left_mm(page, theme))
    right = width - mm_to_pt(theme.margin_outer_mm if page.on_right else theme.margin_inner_mm)
    pictures = panel_pictures(element, page, theme, colour, height - bottom - 2 * pad)
    number = element.get("number", "")
    number_w = stringWidth(number, FONT_SEMIBOLD, theme.panel_number_pt)
    gap = theme.panel_number_pt * PANEL_NUMBER_GAP_EM if number else 0.0
    room = right - left - number_w - gap - sum(p.width + pad for p in pictures)
    style = styles_for(page.scale).display.clone(
        "panel", fontSize=theme.panel_title_pt, leading=theme.panel_title_pt * 1.15, textColor=text
    )
    # the number big at the left, the name beside it, both on one baseline at
    # the panel's foot: the panel stays shallow and every word 8 mm below the
    # top edge however the name wraps
    paragraph = make_paragraph(escape(element.get("label", "")), style)
    # the name wraps in the room beside the pictures, unless that is too narrow
    name_width = room if room >= width / 4 else max(room, width / 3)
    paragraph.wrap(name_width, height)
    baseline = bottom + pad * 0.8
    descent = style.leading - style.fontSize  # the paragraph's last baseline sits this far up
    heading = " ".join(part for part in (number, element.get("label", "")) if part)
    name_drawn = paragraph.drawn_text()
    # right to left (a booklet bound on the right): the number at the right,
    # the name to its left, the pictures from the left edge
    mirrored = page.right_to_left
    drawn = (
        None if name_drawn is None or mirrored else (f"{number} " if number else "") + name_drawn
    )
    with piece(canvas, "H1", heading, drawn):  # the section's heading: its number and name
        canvas.setFillColor(text)
        canvas.setFont(FONT_SEMIBOLD, theme.panel_number_pt)
        if mirrored:
            canvas.drawString(right - number_w, baseline, number)
            paragraph.drawOn(canvas, right - number_w - gap - name_width, baseline - descent)
        else:
            # the space after the number drawn: the heading copies out as "1 Name"
            canvas.drawString(left, baseline, number + " " if number else "")
            paragraph.drawOn(canvas, left + number_w + gap, baseline - descent)
    inset = mm_to_pt(theme.panel_picture_pad_mm)
    placed: list[tuple[Flowable, float]] = []  # the last picture at the outer edge
    x = left if mirrored else right
    for picture in reversed(pictures):
        if mirrored:
            placed.append((picture, x))
            x += picture.width + pad
        else:
            x -= picture.width
            placed.append((picture, x))
            x -= pad
    for picture, x in placed:
        with piece(canvas, "Artifact:Layout"):  # the technique pages show each one, described
            canvas.setFillColor(paint("#FFFFFF"))
            radius = mm_to_pt(theme.panel_picture_radius_mm)
            canvas.roundRect(
                x - inset, bottom + pad - inset, picture.width + 2 * inset,
                picture.height + 2 * inset, radius, stroke=0, fill=1,
            )  # fmt: skip
            picture.drawOn(canvas, x, bottom + pad)
    canvas.restoreState()


def panel_pictures(
    element: ET.Element, page: Page, theme: BookletTheme, colour: str, height_pt: float
) -> list[Flowable]:
    """The panel's diagrams, each as tall as the panel allows."""
    styles = styles_for(page.scale)
    pictures = []
    template = page.layout.template if page.layout else TEMPLATES["technique"]
    for child in element:
        if child.tag != "diagram":
            raise markup_error(template, f"<panel> holds <diagram> elements, not <{child.tag}>")
        child.set("colour", child.get("colour", colour))
        child.set("width_mm", child.get("width_mm", f"{theme.panel_height_mm:g}"))
        child.set("max_height_mm", f"{height_pt / mm_to_pt(1):.2f}")
        picture = diagram_flowable(child, styles, template)
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
    x = width - depth if page.on_right else -bleed
    text = colour_block(
        canvas, colour, theme, x, mm_to_pt(bottom_mm), depth + bleed, mm_to_pt(top_mm - bottom_mm)
    )
    canvas.saveState()
    canvas.setFillColor(paint(text))
    canvas.setFont(FONT_SEMIBOLD, theme.tab_number_pt)
    from_edge = mm_to_pt(theme.tab_number_from_edge_mm)  # clear of a home printer's margin
    centre_x = width - from_edge if page.on_right else from_edge
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
    if page.on_right:
        canvas.drawRightString(width - outer, y, number)
    else:
        canvas.drawString(outer, y, number)
    if layout.footer:
        room = width - inner - outer - number_width - gap
        x_right, x_left = width - outer - number_width - gap, outer + number_width + gap
        plain = plain_footer(layout.footer)
        language = str(getattr(canvas, "language", ""))
        if plain is not None and line_width(plain, FONT_REGULAR, theme.footer_pt, language) <= room:
            # the usual case, a plain line: no paragraph to lay out, twice per page
            canvas.setFillColor(paint(theme.grey))
            canvas.setFont(FONT_REGULAR, theme.footer_pt)
            if page.on_right:
                draw_line(canvas, x_right, y, plain, FONT_REGULAR, theme.footer_pt, language, "end")
            else:
                draw_line(canvas, x_left, y, plain, FONT_REGULAR, theme.footer_pt, language)
        else:
            style = styles_for(page.scale).footer.clone(
                "running", alignment=TA_RIGHT if page.on_right else TA_LEFT
            )
            running = make_paragraph(layout.footer, style)
            running.wrap(room, mm_to_pt(theme.folio_from_edge_mm))
            x = inner if page.on_right else x_left
            # drawOn places the paragraph's bottom; lift it so the baselines line up
            running.drawOn(canvas, x, y - (style.leading - style.fontSize))
    canvas.restoreState()
