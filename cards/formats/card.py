"""One card: its layout markup fitted to the card and drawn in card coordinates.

The origin is the card's bottom-left trim corner. Only the band and its
bleed go outside the safe area; text always stays inside it.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, replace
from functools import lru_cache
from xml.sax.saxutils import escape

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from cards.colour import text_colour_on, tint
from cards.geometry import Bleed
from cards.language import needs_shaping, right_to_left
from cards.layout.blocks import flowables
from cards.layout.canvas import group, piece
from cards.layout.fit import (
    MOST_RUN_ON_PARTS,
    Fitted,
    Overflow,
    draw_stack,
    fit,
    hopeless,
    lay_stack,
    most_characters,
)
from cards.layout.markup import Band, Layout
from cards.layout.parsed import paragraph
from cards.layout.runon import ContinuedWords, run_on, run_on_marks
from cards.layout.styles import TextLanguage, TypeScale, styles_for, type_scale
from cards.layout.textline import begin_text, line_width, text_out
from cards.layout.theme import FONT_SEMIBOLD, LOW_INK, CardTheme, Theme, mm_to_pt, paint


@dataclass(frozen=True)
class ContentBox:
    x_pt: float
    top_pt: float
    width_pt: float
    height_pt: float


def content_box(theme: CardTheme, layout: Layout) -> ContentBox:
    """Inside the safe area, below the band and above the footer when there are any."""
    safe = mm_to_pt(theme.safe_mm)
    top = mm_to_pt(theme.height_mm) - safe
    if layout.band:
        top = mm_to_pt(theme.height_mm - theme.band_height_mm - theme.band_gap_mm)
    motif = layout.furniture.get("motif")
    if motif is not None and motif.get("at", "top") == "top":
        top = mm_to_pt(theme.height_mm - float(motif.get("height_mm", "12")) - theme.band_gap_mm)
    bottom = safe
    if layout.footer:
        bottom += theme.footer_pt * 1.2 + mm_to_pt(theme.footer_gap_mm)
    return ContentBox(safe, top, mm_to_pt(theme.width_mm) - 2 * safe, top - bottom)


@dataclass(frozen=True)
class FittedCard:
    layout: Layout
    fitted: Fitted
    scale: TypeScale
    template: str


def fit_card(
    layout: Layout,
    theme: CardTheme,
    language: TextLanguage,
    template: str,
) -> FittedCard | Overflow:
    """The card laid out at the largest body size that fits."""
    accent = layout.band.colour if layout.band else theme.ink
    box = content_box(theme, layout)

    def build(body_pt: float) -> list[Flowable]:
        styles = styles_for(type_scale(theme, body_pt, accent, language))
        return flowables(layout.blocks, styles, layout.template or template)

    known = hopeless(layout.characters(), box.width_pt, box.height_pt, theme.body_min_pt)
    if known is not None:
        return known
    result = fit(build, box.width_pt, box.height_pt, theme.body_pt, theme.body_min_pt)
    if isinstance(result, Overflow):
        return result
    return FittedCard(layout, result, type_scale(theme, result.body_pt, accent, language), template)


def too_long_to_run_on(layout: Layout, theme: CardTheme) -> bool:
    """More text than ``MOST_RUN_ON_PARTS`` cards could hold at the body size."""
    box = content_box(theme, layout)
    most = most_characters(box.width_pt, box.height_pt, theme.body_pt) * MOST_RUN_ON_PARTS
    return layout.characters() > most


def continued_cards(
    layout: Layout, theme: CardTheme, language: TextLanguage, template: str, words: ContinuedWords
) -> list[FittedCard]:
    """A card too long even at the smallest size, run on over as many cards as it
    needs (``--overflow continue``), all at the normal body size (see
    ``layout.runon``); every footer says "part 1 of 3"."""
    accent = layout.band.colour if layout.band else theme.ink
    box = content_box(theme, layout)
    scale = type_scale(theme, theme.body_pt, accent, language)
    styles = styles_for(scale)
    flows = flowables(layout.blocks, styles, layout.template or template)
    parts = run_on(flows, box.width_pt, box.height_pt, run_on_marks(layout, styles, words))
    cards = []
    for number, page in enumerate(parts, start=1):
        part = escape(words.part.format(number=number, total=len(parts)))
        footer = f"{layout.footer} · {part}" if layout.footer else part
        height = lay_stack(page, box.width_pt).height_pt
        cards.append(
            FittedCard(
                replace(layout, footer=footer, footer_role="P"),
                Fitted(page, theme.body_pt, height),
                scale,
                template,
            )
        )
    return cards


def draw_card(canvas: Canvas, card: FittedCard, theme: CardTheme, bleed: Bleed) -> None:
    """Draw at the current origin (the card's bottom-left trim corner)."""
    with piece(canvas, "Artifact:Layout"):  # colour, not content
        draw_furniture(canvas, card, theme, bleed)
    # one card, read whole before the next; in its own language where it has one
    with group(canvas, "Sect", card.layout.attributes.get("lang", "")):
        draw_content(canvas, card, theme)


def draw_furniture(canvas: Canvas, card: FittedCard, theme: CardTheme, bleed: Bleed) -> None:
    """The colour of the card: fill, motif and band, bleeding as far as ``bleed``
    lets them (which depends on the card's place on its sheet)."""
    fill = card.layout.furniture.get("fill")
    if fill is not None:
        draw_fill(canvas, fill.get("colour", theme.ink), theme, bleed)
    motif = card.layout.furniture.get("motif")
    if motif is not None:
        draw_motif(canvas, motif, theme, bleed)
    if card.layout.band:
        draw_band(canvas, card.layout.band, theme, bleed)


def draw_content(canvas: Canvas, card: FittedCard, theme: CardTheme) -> None:
    """What lies inside the trim, over the colour: the blocks, each a marked
    piece of its role, and the footer."""
    box = content_box(theme, card.layout)
    top = box.top_pt
    if card.layout.attributes.get("valign") == "middle":
        top -= (box.height_pt - card.fitted.height_pt) / 2
    draw_stack(canvas, card.fitted.flowables, box.x_pt, top, box.width_pt, wrapped=True)
    if card.layout.footer:
        styles = styles_for(card.scale)
        footer = paragraph(card.layout.footer, styles.footer)
        footer.wrap(box.width_pt, 1e6)
        with piece(canvas, card.layout.footer_role, footer.plain_text(), footer.drawn_text()):
            footer.drawOn(canvas, box.x_pt, mm_to_pt(theme.safe_mm))


def furniture_only(card: FittedCard) -> FittedCard:
    """The card without its text, once the text is drawn: light to send between processes."""
    return replace(
        card,
        layout=replace(card.layout, blocks=[]),
        fitted=replace(card.fitted, flowables=[]),
    )


def colour_block(
    canvas: Canvas, colour: str, theme: Theme, x: float, y: float, width: float, height: float
) -> str:
    """A block of section colour: solid, or with --low-ink a light tint inside an
    outline of the colour. Returns the colour text on it should take.

    In low ink nothing is drawn in the bleed: the block is cut back to
    ``LOW_INK.trim_inset_mm`` inside the trim (the card's or page's, the
    origin's), so every cut card keeps its whole outline and no stray line."""
    cmyk = getattr(theme, "cmyk", False)
    if getattr(theme, "low_ink", False):
        inside = mm_to_pt(LOW_INK.trim_inset_mm)
        right = min(x + width, mm_to_pt(theme.width_mm) - inside)
        top = min(y + height, mm_to_pt(theme.height_mm) - inside)
        x, y = max(x, inside), max(y, inside)
        width, height = right - x, top - y
        if width <= 0 or height <= 0:
            return theme.ink
    canvas.saveState()
    if getattr(theme, "low_ink", False):
        canvas.setFillColor(paint(tint(colour, LOW_INK.tint), cmyk))
        canvas.setStrokeColor(paint(colour, cmyk))
        canvas.setLineWidth(LOW_INK.outline_pt)
        inset = LOW_INK.outline_pt / 2
        canvas.rect(x + inset, y + inset, width - 2 * inset, height - 2 * inset, stroke=1, fill=1)
        text = theme.ink
    else:
        canvas.setFillColor(paint(colour, cmyk))
        canvas.rect(x, y, width, height, stroke=0, fill=1)
        text = text_colour_on(colour)
    canvas.restoreState()
    return text


def draw_fill(canvas: Canvas, colour: str, theme: CardTheme, bleed: Bleed) -> None:
    """The whole card in one colour (a card back), bleeding where it may; with
    --low-ink a tint inside an outline just within the trim."""
    left, right = mm_to_pt(bleed.left_mm), mm_to_pt(bleed.right_mm)
    top, bottom = mm_to_pt(bleed.top_mm), mm_to_pt(bleed.bottom_mm)
    width, height = mm_to_pt(theme.width_mm), mm_to_pt(theme.height_mm)
    if theme.low_ink:  # no ink in the bleed: the outline must show after cutting
        inset = mm_to_pt(LOW_INK.frame_inset_mm)
        colour_block(canvas, colour, theme, inset, inset, width - 2 * inset, height - 2 * inset)
        return
    colour_block(canvas, colour, theme, -left, -bottom, width + left + right, height + top + bottom)


def draw_band(
    canvas: Canvas, band: Band, theme: Theme, bleed: Bleed, left_mm: float | None = None
) -> None:
    """The section's colour across the top, bleeding past every trim edge it touches.

    The number disc and label start at ``left_mm`` (the safe margin by default);
    the booklet shares this band with its own theme and margins.
    """
    width, height = mm_to_pt(theme.width_mm), mm_to_pt(theme.height_mm)
    band_pt = mm_to_pt(theme.band_height_mm)
    left, right, top = mm_to_pt(bleed.left_mm), mm_to_pt(bleed.right_mm), mm_to_pt(bleed.top_mm)
    cmyk = getattr(theme, "cmyk", False)
    low_ink = getattr(theme, "low_ink", False)
    colour = paint(band.colour, cmyk)
    text_hex = colour_block(
        canvas, band.colour, theme, -left, height - band_pt, width + left + right, band_pt + top
    )
    text = paint(text_hex, cmyk)
    canvas.saveState()

    safe = mm_to_pt(getattr(theme, "safe_mm", 0.0) if left_mm is None else left_mm)
    radius = mm_to_pt(theme.band_disc_mm) / 2
    # the disc and label in the band's middle, or (the booklet) where the theme
    # keeps them clear of a home printer's margin
    middle = height - mm_to_pt(getattr(theme, "band_middle_mm", theme.band_height_mm / 2))
    language = str(getattr(canvas, "language", ""))
    # right to left, the disc and its label start at the right edge
    mirrored = right_to_left(language)

    def from_start(x: float, item_width: float = 0.0) -> float:
        return width - x - item_width if mirrored else x

    label_x = safe
    if band.number:
        disc_x = from_start(safe + radius)
        if low_ink:  # an outlined disc, the number in ink
            canvas.setStrokeColor(colour)
            canvas.setFillColor(paint("#FFFFFF", cmyk))
            canvas.setLineWidth(LOW_INK.outline_pt)
            canvas.circle(disc_x, middle, radius, stroke=1, fill=1)
            canvas.setFillColor(text)
        else:
            canvas.setFillColor(text)
            canvas.circle(disc_x, middle, radius, stroke=0, fill=1)
            canvas.setFillColor(colour)
        number_pt = radius * 1.25
        canvas.setFont(FONT_SEMIBOLD, number_pt)
        canvas.drawCentredString(disc_x, middle - number_pt * 0.34, band.number)
        label_x = safe + 2 * radius + radius * 0.7

    label = band.caps or band.label.upper()
    room = width - safe - label_x
    tracking = theme.band_tracking_pt
    size, narrowed = band_label_size(
        label, room, theme.band_label_pt, theme.band_label_min_pt, tracking
    )
    drawn_width = band_label_width(label, size, theme.band_label_pt, tracking) * narrowed / 100
    text_object = begin_text(canvas, from_start(label_x, drawn_width), middle - size * 0.34)
    text_object.setFont(FONT_SEMIBOLD, size)
    if narrowed < 100:  # a very long name is narrowed, never cut off
        text_object.setHorizScale(narrowed)
    if tracked(label):
        text_object.setCharSpace(tracking * size / theme.band_label_pt)
    text_object.setFillColor(text)
    text_out(text_object, label, FONT_SEMIBOLD, size, language)
    canvas.drawText(text_object)
    canvas.restoreState()


def band_label_width(label: str, at_pt: float, size_pt: float, tracking_pt: float) -> float:
    """A band label's width at ``at_pt``, its tracking (set for ``size_pt``) included."""
    letters = line_width(label, FONT_SEMIBOLD, at_pt)
    if not tracked(label):
        return letters
    return letters + tracking_pt * at_pt / size_pt * len(label)


def tracked(label: str) -> bool:
    """Whether a band label is letter-spaced: capitals are; letters that join
    (Arabic, Devanagari) never, nor scripts without capitals (Chinese,
    Japanese, Hebrew), whose labels are set as written."""
    return label != label.lower() and not needs_shaping(label)


@lru_cache(maxsize=256)
def band_label_size(
    label: str, room_pt: float, size_pt: float, least_pt: float, tracking_pt: float
) -> tuple[float, float]:
    """The size a band's label is set at to fit ``room_pt`` (a quarter point at a
    time, down to ``least_pt``), and the horizontal scale in per cent that
    narrows it when even that is too wide. The same for every card of a
    section: worked out once."""

    def label_width(at_pt: float) -> float:
        return band_label_width(label, at_pt, size_pt, tracking_pt)

    size = size_pt
    while size > least_pt and label_width(size) > room_pt:
        size -= 0.25
    width = label_width(size)
    return size, (100 * room_pt / width if width > room_pt else 100.0)


def draw_motif(canvas: Canvas, element: ET.Element, theme: Theme, bleed: Bleed) -> None:
    """Stripes in the section colours across the top (or bottom), bleeding
    where the page or card may (a cover, a title card)."""
    colours = element.get("colours", "").split() or [theme.ink]
    height = mm_to_pt(float(element.get("height_mm", "40")))
    width, page_height = mm_to_pt(theme.width_mm), mm_to_pt(theme.height_mm)
    at_top = element.get("at", "top") == "top"
    y = page_height - height if at_top else -mm_to_pt(bleed.bottom_mm)
    stripe_height = height + mm_to_pt(bleed.top_mm if at_top else bleed.bottom_mm)
    stripe = width / len(colours)
    for index, colour in enumerate(colours):
        x = index * stripe
        left = x - (mm_to_pt(bleed.left_mm) if index == 0 else 0)
        right = x + stripe + (mm_to_pt(bleed.right_mm) if index == len(colours) - 1 else 0)
        colour_block(canvas, colour, theme, left, y, right - left, stripe_height)
