"""The cards PDF: fitted cards imposed for the printer at hand.

``CardsFile`` lays the fitted cards out in one of three ways:

- sheets (the default): as many cards as fit, crop marks in the margin; with
  backs, each sheet of fronts is followed by its sheet of backs, every back
  in the slot behind its front for the chosen duplex flip;
- fold-over: front and back side by side, a dashed fold line between them;
- print shop: one card per page, trim plus bleed, with TrimBox and BleedBox.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import IO

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from cards.formats.canvas import ask_for_duplex, file_buffer, new_canvas
from cards.formats.card import FittedCard, draw_content, draw_furniture
from cards.formats.card_fitting import PreparedCard, Side
from cards.formats.drawn import Drawn, NotDrawn, Sketch, place
from cards.geometry import (
    Bleed,
    Box,
    Grid,
    best_grid,
    crop_marks,
    fold_halves,
    mirror_slot,
    sheets_needed,
    slot_bleed,
)
from cards.layout.glance import define_icons
from cards.layout.markup import Layout
from cards.layout.theme import (
    FONT_REGULAR,
    GUIDE_BLEED,
    GUIDE_SAFE,
    GUIDE_TRIM,
    PAPERS_MM,
    REGISTRATION,
    CardTheme,
    SheetTheme,
    mm_to_pt,
    paint,
)
from cards.model import Deck
from cards.options import BuildSettings
from cards.problems import ERROR, ContentError, Problem
from cards.templating import labels_view
from cards.workers import WorkCache

FOLD_DASH_PT = (3, 2)


@dataclass(frozen=True)
class CardsResult:
    data: IO[bytes]  # the finished file (formats.canvas.file_buffer)
    cards: int
    sheets: int
    per_sheet: int
    paper: str
    landscape: bool
    pages: int = 0
    notes: list[str] = field(default_factory=list)


# -- laying out --------------------------------------------------------------------


def card_grid(paper: str, theme: CardTheme, sheet: SheetTheme, fold: bool = False) -> Grid:
    """The grid of cards (or of fold-over pairs, twice as wide) on the paper."""
    width = theme.width_mm * (2 if fold else 1)
    return best_grid(
        PAPERS_MM[paper], (width, theme.height_mm), sheet.card_margin_mm, 2 * theme.bleed_mm
    )


class CardsFile:
    """The cards PDF, opened (its glyph codes fixed) before any card is fitted:
    worker processes draw the cards into copies of it (``sketch``, formats/drawn.py)."""

    def __init__(
        self,
        deck: Deck,
        options: BuildSettings,
        theme: CardTheme,
        sheet: SheetTheme,
        streams: WorkCache | None = None,
        kept: WorkCache | None = None,
    ):
        self.deck, self.options, self.theme, self.sheet = deck, options, theme, sheet
        self.kept = kept  # a watch session's drawings made here (the colours)
        self.buffer = file_buffer()
        if options.print_shop:
            self.canvas = print_shop_canvas(self.buffer, deck, theme, streams)
        else:
            self.layout = card_grid(options.paper, theme, sheet, options.fold)
            if self.layout.per_sheet == 0:
                what = "fold-over pair" if options.fold else "card"
                size = f"{theme.width_mm * (2 if options.fold else 1):g} × {theme.height_mm:g} mm"
                raise ContentError(
                    [
                        Problem(
                            deck.source.path,
                            1,
                            ERROR,
                            f"a {size} {what} does not fit on {options.paper} paper",
                        )
                    ]
                )
            page_pt = (mm_to_pt(self.layout.sheet_width_mm), mm_to_pt(self.layout.sheet_height_mm))
            self.canvas = new_canvas(
                self.buffer, deck, "cards", page_pt, cmyk=theme.cmyk, streams=streams
            )
            if options.card_backs and not options.fold:
                ask_for_duplex(self.canvas, options.duplex_for("cards"))
            self.marks = define_crop_marks(self.canvas, self.layout, sheet, theme, options.fold)
        define_icons(self.canvas)
        self.sketch = Sketch(self.canvas, pack=False)
        self.colours: dict[Hashable, Drawn] = {}

    def draw(
        self,
        cards: Iterable[PreparedCard],
        count: int | None = None,
        extras: Sequence[PreparedCard] = (),
    ) -> CardsResult:
        """Draw the cards as they come, then ``extras`` (the deck's own, once: made
        while the first cards are); ``count``: how many cards, when they run on."""
        options = self.options
        count = (count or deck_card_count(self.deck)) * options.copies
        copied = (card for card in cards for _ in range(options.copies))
        drawn_cards = (self.drawn(card) for card in itertools.chain(copied, extras))
        if options.print_shop:
            return self.print_shop_pages(drawn_cards)
        canvas, layout = self.canvas, self.layout
        on_sheet = list(itertools.islice(drawn_cards, layout.per_sheet))
        total = sheets_needed(count + len(extras), layout.per_sheet)
        labels = vars(labels_view(self.deck))  # the deck's own words (labels:) over its language's
        pages = drawn = 0
        painter = SheetPainter(canvas, layout, self.theme, options, self.colour)
        for number in range(total):
            if number:
                on_sheet = list(itertools.islice(drawn_cards, layout.per_sheet))
            drawn += len(on_sheet)
            if options.fold:
                painter.folds(on_sheet)
            else:
                painter.fronts(on_sheet)
            canvas.doForm(self.marks)
            draw_sheet_footer(
                canvas, self.deck, layout, self.sheet, self.theme, labels, number + 1, total
            )
            canvas.showPage()
            pages += 1
            if options.card_backs and not options.fold:
                painter.backs(on_sheet)
                canvas.showPage()
                pages += 1
        return self.saved(drawn, pages, total, layout.per_sheet, layout.landscape)

    def drawn(self, card: PreparedCard) -> PreparedCard:
        """The card with both sides' text drawn (by a worker already, else here);
        placing it on a sheet draws its colour and places the text."""
        back = card.back if card.back and self.options.card_backs else None
        return PreparedCard(self.drawn_side(card.front), self.drawn_side(back) if back else None)

    def drawn_side(self, side: Side) -> Side:
        if side.content is not None:
            return side
        card = side.card
        try:
            return Side(card, self.sketch.draw(lambda c: draw_content(c, card, self.theme)))
        except NotDrawn:  # a picture: drawn in place on its sheet
            return side

    def colour(self, card: FittedCard, bleed: Bleed) -> Drawn:
        """A card's band, fill or stripes bleeding as far as ``bleed`` lets them: drawn
        once for each section and place on a sheet (and kept for a watch session)."""
        key = (furniture_key(card.layout), bleed)
        if key not in self.colours:
            self.colours[key] = self.sketch.draw_kept(
                ("colour", *key, self.theme),
                lambda canvas: draw_furniture(canvas, card, self.theme, bleed),
                self.kept,
            )
        return self.colours[key]

    def print_shop_pages(self, cards: Iterable[PreparedCard]) -> CardsResult:
        """One card per page: trim plus bleed on every side, fronts and backs alternating."""
        canvas, theme = self.canvas, self.theme
        bleed_pt = mm_to_pt(theme.bleed_mm)
        full = Bleed(theme.bleed_mm, theme.bleed_mm, theme.bleed_mm, theme.bleed_mm)
        pages = drawn = 0
        for card in cards:
            drawn += 1
            for side in (card.front, card.back):
                if side is None:
                    continue
                colour = self.colour(side.card, full)
                place_card(canvas, side, colour, (bleed_pt, bleed_pt), theme, self.options.guides)
                canvas.showPage()
                pages += 1
        return self.saved(drawn, pages)

    def saved(
        self, cards: int, pages: int, sheets: int = 0, per_sheet: int = 1, landscape: bool = False
    ) -> CardsResult:
        """The file finished, and what it holds (a print shop's has pages, not sheets)."""
        self.canvas.save()
        return CardsResult(
            data=self.buffer,
            cards=cards,
            sheets=sheets,
            per_sheet=per_sheet,
            paper=self.options.paper,
            landscape=landscape,
            pages=pages,
        )


def deck_card_count(deck: Deck) -> int:
    """Cards in this deck (or selection), as opposed to ``technique_count``, the whole deck's."""
    return sum(len(section.techniques) for section in deck.sections)


@dataclass(frozen=True)
class SheetPainter:
    """Draws cards into the slots of one kind of sheet: fronts, backs or fold-over
    pairs, each card placed at its slot's trim corner with its bleed."""

    canvas: Canvas
    layout: Grid
    theme: CardTheme
    options: BuildSettings
    colour: Callable[[FittedCard, Bleed], Drawn]  # a card's colour at its slot's bleed

    def fronts(self, on_sheet: list[PreparedCard]) -> None:
        for index, card in enumerate(on_sheet):
            bleed = slot_bleed(self.layout, index, len(on_sheet), self.theme.bleed_mm)
            self.place(card.front, self.layout.slot(index), bleed)

    def backs(self, on_sheet: list[PreparedCard]) -> None:
        """Each back in the slot behind its front, shifted by the printer's measured offset."""
        flip = self.options.duplex_for("cards")
        slots = {mirror_slot(self.layout, i, flip): card for i, card in enumerate(on_sheet)}
        dx_mm, dy_mm = self.options.back_offset_mm
        self.canvas.saveState()
        self.canvas.translate(mm_to_pt(dx_mm), mm_to_pt(dy_mm))
        for index, card in slots.items():
            if card.back:
                bleed = slot_bleed(self.layout, index, set(slots), self.theme.bleed_mm)
                self.place(card.back, self.layout.slot(index), bleed)
        self.canvas.restoreState()

    def folds(self, on_sheet: list[PreparedCard]) -> None:
        """Front and back side by side; the colour bleeds everywhere but across the fold."""
        for index, card in enumerate(on_sheet):
            outer = slot_bleed(self.layout, index, len(on_sheet), self.theme.bleed_mm)
            front_box, back_box = fold_halves(self.layout.slot(index))
            self.place(card.front, front_box, replace(outer, right_mm=0))
            if card.back:
                self.place(card.back, back_box, replace(outer, left_mm=0))
            draw_fold_line(self.canvas, back_box.x_mm, back_box.y_mm, back_box.top_mm, self.theme)

    def place(self, card: Side, box: Box, bleed: Bleed) -> None:
        at_pt = (mm_to_pt(box.x_mm), mm_to_pt(box.y_mm))
        colour = self.colour(card.card, bleed)
        place_card(self.canvas, card, colour, at_pt, self.theme, self.options.guides)


def place_card(
    canvas: Canvas,
    side: Side,
    colour: Drawn,
    at_pt: tuple[float, float],
    theme: CardTheme,
    guides: bool,
) -> None:
    """One card side with its trim's lower left corner at ``at_pt``: its colour,
    its text as drawn (or drawn here, when it has a picture), its guides if asked."""
    canvas.saveState()
    canvas.translate(*at_pt)
    place(canvas, colour)
    if side.content is None:
        draw_content(canvas, side.card, theme)
    else:
        place(canvas, side.content)
    if guides:
        draw_guides(canvas, theme)
    canvas.restoreState()


def furniture_key(layout: Layout) -> tuple[object, ...]:
    """What a card's colour depends on besides its bleed: the band, fill and stripes."""
    return (
        layout.band,
        tuple((name, tuple(sorted(e.attrib.items()))) for name, e in layout.furniture.items()),
    )


def draw_fold_line(
    canvas: Canvas, x_mm: float, bottom_mm: float, top_mm: float, theme: CardTheme
) -> None:
    canvas.saveState()
    canvas.setStrokeColor(paint(theme.grey, theme.cmyk))
    canvas.setLineWidth(0.4)
    canvas.setDash(*FOLD_DASH_PT)
    canvas.line(mm_to_pt(x_mm), mm_to_pt(bottom_mm), mm_to_pt(x_mm), mm_to_pt(top_mm))
    canvas.restoreState()


def print_shop_canvas(
    buffer: IO[bytes], deck: Deck, theme: CardTheme, streams: WorkCache | None = None
) -> Canvas:
    """Pages of one card with its bleed on every side, with TrimBox and BleedBox."""
    bleed_mm = theme.bleed_mm
    width, height = (
        mm_to_pt(theme.width_mm + 2 * bleed_mm),
        mm_to_pt(theme.height_mm + 2 * bleed_mm),
    )
    canvas = new_canvas(
        buffer, deck, "cards for print", (width, height), cmyk=theme.cmyk, streams=streams
    )
    bleed_pt = mm_to_pt(bleed_mm)
    canvas.setTrimBox((bleed_pt, bleed_pt, width - bleed_pt, height - bleed_pt))
    canvas.setBleedBox((0, 0, width, height))
    return canvas


# -- sheet furniture ------------------------------------------------------------------


def define_crop_marks(
    canvas: Canvas, layout: Grid, sheet: SheetTheme, theme: CardTheme, fold: bool
) -> str:
    """Crop marks are the same on every sheet: drawn once as a form, placed on each.

    For fold-over pairs the fold lines get dashed marks of their own.
    """
    name = "cropmarks"
    canvas.beginForm(name)
    canvas.setStrokeColor(paint(REGISTRATION, theme.cmyk))
    canvas.setLineWidth(sheet.mark_width_pt)
    folds = (
        {round(layout.slot(c).x_mm + layout.card_width_mm / 2, 6) for c in range(layout.columns)}
        if fold
        else set()
    )
    for line in crop_marks(layout, sheet.mark_offset_mm, sheet.mark_length_mm):
        canvas.line(
            mm_to_pt(line.x1_mm), mm_to_pt(line.y1_mm), mm_to_pt(line.x2_mm), mm_to_pt(line.y2_mm)
        )
    top = layout.bottom_mm + layout.block_height_mm
    canvas.setDash(*FOLD_DASH_PT)
    for x in sorted(folds):
        for y1, y2 in (
            (top + sheet.mark_offset_mm, top + sheet.mark_offset_mm + sheet.mark_length_mm),
            (
                layout.bottom_mm - sheet.mark_offset_mm,
                layout.bottom_mm - sheet.mark_offset_mm - sheet.mark_length_mm,
            ),
        ):
            canvas.line(mm_to_pt(x), mm_to_pt(y1), mm_to_pt(x), mm_to_pt(y2))
    canvas.endForm()
    return name


def draw_sheet_footer(
    canvas: Canvas,
    deck: Deck,
    layout: Grid,
    sheet: SheetTheme,
    theme: CardTheme,
    labels: dict[str, str],
    number: int,
    total: int,
) -> None:
    """Deck title, sheet number and the print-at-100 % reminder, in the margin.

    Each piece sits between two crop marks, in the bottom margin first and
    then the top one, so no text ever touches a mark. The first sheet also
    carries a scale bar: a ruler tells whether the printer scaled the page.
    """
    gap_mm = 2.0
    edges = sorted({round(x, 6) for box in layout.slots() for x in (box.x_mm, box.right_mm)})
    if layout.columns == 1 or len(edges) < 2:
        edges = [layout.left_mm, layout.left_mm + layout.block_width_mm]
    bottom_mm = sheet.printer_margin_mm + 0.8
    top_mm = layout.sheet_height_mm - sheet.printer_margin_mm - 0.8 - sheet.footer_pt / mm_to_pt(1)
    spans = [(a + gap_mm, b - gap_mm) for a, b in itertools.pairwise(edges) if b - a > 2 * gap_mm]
    segments = [(a, b, bottom_mm) for a, b in spans] + [(a, b, top_mm) for a, b in spans]
    pieces: list[tuple[str, float]] = []
    if number == 1:
        label_mm = stringWidth(scale_label(sheet), FONT_REGULAR, sheet.footer_pt) / mm_to_pt(1)
        pieces.append(("scale", sheet.scale_bar_mm + 1 + label_mm))
    for text in (
        f"{deck.title} · {labels['sheet'].format(number=number, total=total)}",
        labels["print_at_full_size"],
    ):
        pieces.append((text, stringWidth(text, FONT_REGULAR, sheet.footer_pt) / mm_to_pt(1)))
    canvas.saveState()
    canvas.setFillColor(paint(theme.grey, theme.cmyk))
    canvas.setStrokeColor(paint(theme.grey, theme.cmyk))
    canvas.setFont(FONT_REGULAR, sheet.footer_pt)
    next_free = 0
    for piece, width_mm in pieces:
        for index in range(next_free, len(segments)):
            left_mm, right_mm, y_mm = segments[index]
            if width_mm <= right_mm - left_mm:
                x_pt, y_pt = mm_to_pt(left_mm), mm_to_pt(y_mm)
                if piece == "scale":
                    draw_scale_bar(canvas, x_pt, y_pt, sheet)
                else:
                    canvas.drawString(x_pt, y_pt, piece)
                next_free = index + 1
                break
    canvas.restoreState()


def draw_scale_bar(canvas: Canvas, x_pt: float, y_pt: float, sheet: SheetTheme) -> None:
    """A bar of ``scale_bar_mm`` with a tick every centimetre and its length written."""
    bar_pt = mm_to_pt(sheet.scale_bar_mm)
    tick_pt = mm_to_pt(sheet.scale_tick_mm)
    canvas.setLineWidth(0.5)
    canvas.line(x_pt, y_pt, x_pt + bar_pt, y_pt)
    for cm in range(int(sheet.scale_bar_mm // 10) + 1):
        x = x_pt + mm_to_pt(cm * 10)
        canvas.line(x, y_pt, x, y_pt + tick_pt)
    canvas.drawString(x_pt + bar_pt + mm_to_pt(1), y_pt, scale_label(sheet))


def scale_label(sheet: SheetTheme) -> str:
    return f"{sheet.scale_bar_mm:g} mm"


def draw_guides(canvas: Canvas, theme: CardTheme) -> None:
    """Trim, bleed and safe-area boxes, for checking a layout (``--guides``)."""
    width, height = mm_to_pt(theme.width_mm), mm_to_pt(theme.height_mm)
    bleed, safe = mm_to_pt(theme.bleed_mm), mm_to_pt(theme.safe_mm)
    canvas.setLineWidth(theme.guide_width_pt)
    canvas.setDash(theme.guide_dash_pt, theme.guide_dash_pt)
    for colour, inset in ((GUIDE_BLEED, -bleed), (GUIDE_TRIM, 0), (GUIDE_SAFE, safe)):
        canvas.setStrokeColor(paint(colour, theme.cmyk))
        canvas.rect(inset, inset, width - 2 * inset, height - 2 * inset, stroke=1, fill=0)
