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
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import NamedTuple

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from cards.formats.assembly import Assembly, OutlineEntry, file_info
from cards.formats.card import FittedCard, draw_card
from cards.formats.card_fitting import (
    EXTRA_TEMPLATES,
    TITLE_TEMPLATE,
    CardWork,
    PreparedCard,
    TechniqueCards,
)
from cards.formats.drawing import Drawing, chunk_font_seed, chunk_ranges, finished
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
from cards.layout.canvas import PageCanvas, piece
from cards.layout.glance import define_icons
from cards.layout.textline import draw_line, line_width
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
from cards.marks import Chunk
from cards.model import Deck
from cards.options import BuildSettings
from cards.problems import ERROR, ContentError, Problem
from cards.templating import labels_view

FOLD_DASH_PT = (3, 2)
# The fewest sheets drawn into one chunk (formats/drawing.py): below it,
# another copy of the fonts costs more than sharing the work saves.
CHUNK_SHEETS = 8
CHUNK_CARDS = 64  # pages of one card each, for a print shop


@dataclass(frozen=True)
class CardsResult:
    data: bytes  # the finished file
    cards: int
    sheets: int
    per_sheet: int
    paper: str
    landscape: bool
    pages: int = 0
    notes: list[str] = field(default_factory=list)


class CardRef(NamedTuple):
    """A card in the file's order: a technique's (by its place in the deck) and
    which of its fronts, or one of the deck's own (``technique`` None, ``part``
    its place among them)."""

    technique: int | None
    part: int


@dataclass(frozen=True)
class ChunkCards:
    """What drawing one chunk found: the problems of each technique it fitted,
    and how many cards it drew."""

    problems: dict[int, tuple[Problem, ...]]
    cards: int


# -- laying out --------------------------------------------------------------------


def card_grid(
    paper: str,
    theme: CardTheme,
    sheet: SheetTheme,
    fold: bool = False,
    gutter_mm: float | None = None,
) -> Grid:
    """The grid of cards (or of fold-over pairs, twice as wide) on the paper.

    Cards stand ``gutter_mm`` apart (as designed: twice the bleed, each card
    with its own) on whichever side of the paper holds most of them so; where
    neither side has the room, they butt. ``gutter_mm=0`` butts them: more a
    sheet, one cut a line."""
    width = theme.width_mm * (2 if fold else 1)
    wanted = 2 * theme.bleed_mm if gutter_mm is None else gutter_mm
    return best_grid(
        PAPERS_MM[paper], (width, theme.height_mm), sheet.card_margin_mm, wanted,
        full_gutter=wanted > 0,
    )  # fmt: skip


def card_order(
    techniques: int,
    copies: int,
    extras: int,
    ready: dict[int, TechniqueCards] | None,
    title_first: bool = False,
) -> list[CardRef]:
    """Every card in the file's order: the title card first on the first sheet
    when the deck's own cards begin with one (the top of the pile), each
    technique's fronts ``copies`` times (one front each, unless ``ready``
    says how many), then the rest of the deck's own in the free slots."""
    first = [CardRef(None, 0)] if title_first and extras else []
    refs = [
        CardRef(index, part)
        for index in range(techniques)
        for part in range(len(ready[index].fronts) if ready is not None else 1)
        for _ in range(copies)
    ]
    return first + refs + [CardRef(None, n) for n in range(len(first), extras)]


class CardsFile:
    """The cards PDF: the deck's cards in order, fitted and drawn chunk by chunk
    (in worker processes for a large deck), joined by assembly.

    ``ready``: cards fitted before drawing began (a watch session's, or all of
    them when they run on and their number decides the sheets); the others
    are fitted where their chunk is drawn.
    """

    def __init__(
        self,
        deck: Deck,
        options: BuildSettings,
        theme: CardTheme,
        sheet: SheetTheme,
        work: CardWork,
        extras: list[PreparedCard],
        ready: dict[int, TechniqueCards] | None = None,
    ):
        self.deck, self.options, self.theme, self.sheet = deck, options, theme, sheet
        self.work, self.extras, self.ready = work, extras, ready or {}
        title_first = bool(extras) and extras[0].front.template == TITLE_TEMPLATE
        self.order = card_order(
            len(work.techniques), options.copies, len(extras), ready, title_first
        )
        self.layout = card_grid(options.paper, theme, sheet, options.fold, options.gutter_mm)
        if not options.print_shop and self.layout.per_sheet == 0:
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
        self.labels = vars(labels_view(deck))  # the deck's own words (labels:) over its language's
        self.font_seed = chunk_font_seed(deck, self.chunks())

    @property
    def sheets(self) -> int:
        return sheets_needed(len(self.order), self.layout.per_sheet)

    def chunks(self) -> list[range]:
        if self.options.print_shop:
            return chunk_ranges(len(self.order), CHUNK_CARDS)
        return chunk_ranges(self.sheets, CHUNK_SHEETS)

    def drawing(self) -> Drawing:
        """The file's drawing work: chunks of sheets (or of cards, for a print shop)."""
        draw = self.draw_cards if self.options.print_shop else self.draw_sheets
        return Drawing(self.chunks(), draw, self.work.kept, len(self.work.techniques))

    def page_of(self, position: int) -> int:
        """The page (0-based) the card at ``position`` of the file's order is on."""
        backs = self.options.card_backs and not self.options.fold
        if self.options.print_shop:
            return position * (2 if backs else 1)
        return position // self.layout.per_sheet * (2 if backs else 1)

    def outline(self) -> list[tuple[int, OutlineEntry]]:
        """A bookmark for every card, as the booklet has one for every page: the
        deck's own cards by name, each section (at its first card) with its
        techniques under it, each technique at its first card."""
        names = {
            TITLE_TEMPLATE: self.deck.title,
            "card/safety.xml.j2": self.labels["before_you_start"],
            "card/routine.xml.j2": self.labels["routine"],
        }
        section_of = {t.number: s for s in self.deck.sections for t in s.techniques}
        entries: list[tuple[int, OutlineEntry]] = []
        seen: set[int] = set()
        opened: set[int] = set()
        for position, ref in enumerate(self.order):
            page = self.page_of(position)
            if ref.technique is None:
                name = names.get(self.extras[ref.part].front.template)
                if name:
                    entries.append((page, OutlineEntry(name, "", 0)))
                continue
            if ref.technique in seen:  # a copy, or the card a technique runs on to
                continue
            seen.add(ref.technique)
            technique = self.work.techniques[ref.technique]
            section = section_of.get(technique.number)
            if section is not None and section.number not in opened:
                opened.add(section.number)
                entries.append((page, OutlineEntry(section.title, "", 0)))
            entries.append((page, OutlineEntry(technique.title, "", 1 if section else 0)))
        return entries

    def assembled(self, chunks: Iterable[Chunk]) -> tuple[CardsResult, list[Problem]]:
        """The file from its drawn chunks, and what fitting found, technique by
        technique in deck order."""
        assembly = Assembly()
        found: dict[int, tuple[Problem, ...]] = {
            index: cards.problems for index, cards in self.ready.items()
        }
        drawn = 0
        options = self.options
        duplex = options.duplex_for("cards") if options.card_backs and not options.fold else None
        what = "cards for print" if options.print_shop else "cards"
        try:
            for chunk in chunks:
                assembly.add(chunk)
                for index, problems in chunk.found.problems.items():
                    found.setdefault(index, problems)  # a technique fitted in two chunks: once
                drawn += chunk.found.cards
            data = assembly.finish(
                file_info(self.deck, what, duplex, options.tagged), {}, self.outline()
            )
        finally:
            assembly.close()
        result = CardsResult(
            data=data,
            cards=drawn,
            sheets=0 if options.print_shop else self.sheets,
            per_sheet=1 if options.print_shop else self.layout.per_sheet,
            paper=options.paper,
            landscape=False if options.print_shop else self.layout.landscape,
            pages=assembly.page_count,
        )
        problems = [p for index in sorted(found) for p in found[index]]
        return result, problems

    def card(self, ref: CardRef, fitted: dict[int, TechniqueCards]) -> PreparedCard | None:
        """The card ``ref`` names, fitted (here, unless it was ready); None when
        its technique does not fit (the build fails, the file is not kept)."""
        if ref.technique is None:
            extra = self.extras[ref.part]
            return extra if self.options.card_backs else replace(extra, back=None)
        cards = self.ready.get(ref.technique)
        if cards is None:
            cards = fitted.get(ref.technique)
            if cards is None:
                cards = fitted[ref.technique] = self.work.fitted(ref.technique)
        if ref.part >= len(cards.fronts) or (self.options.card_backs and cards.back is None):
            return None
        back = cards.back if self.options.card_backs else None
        return PreparedCard(cards.fronts[ref.part], back)

    def cards_of(
        self, refs: Iterable[CardRef], fitted: dict[int, TechniqueCards]
    ) -> Iterator[PreparedCard]:
        for ref in refs:
            card = self.card(ref, fitted)
            if card is not None:
                yield card

    def canvas(self) -> PageCanvas:
        theme = self.theme
        if self.options.print_shop:
            return print_shop_canvas(theme, self.font_seed, self.deck.language)
        layout = self.layout
        canvas = PageCanvas(
            (mm_to_pt(layout.sheet_width_mm), mm_to_pt(layout.sheet_height_mm)),
            theme.cmyk,
            self.font_seed,
            tags=self.options.tagged,
            language=self.deck.language,
        )
        define_icons(canvas)
        return canvas

    def draw_sheets(self, sheets: range) -> Chunk:
        """Sheets ``sheets`` of the file: fronts (or fold-over pairs) with crop
        marks and the sheet footer, each followed by its backs when there are."""
        options, layout, per_sheet = self.options, self.layout, self.layout.per_sheet
        canvas = self.canvas()
        marks = define_crop_marks(canvas, layout, self.sheet, self.theme, options.fold)
        painter = SheetPainter(canvas, layout, self.theme, options)
        fitted: dict[int, TechniqueCards] = {}
        drawn = 0
        for number in sheets:
            refs = self.order[number * per_sheet : (number + 1) * per_sheet]
            on_sheet = list(self.cards_of(refs, fitted))
            drawn += len(on_sheet)
            if options.fold:
                painter.folds(on_sheet)
            else:
                painter.fronts(on_sheet)
            with piece(canvas, "Artifact:Page"):  # crop marks: for the printer
                canvas.doForm(marks)
            draw_sheet_footer(  # its parts marked one by one
                canvas, self.deck, layout, self.sheet, self.theme, self.labels, number + 1,
                self.sheets,
            )  # fmt: skip
            canvas.showPage()
            if options.card_backs and not options.fold:
                painter.backs(on_sheet)
                canvas.showPage()
        return finished(canvas, ChunkCards(chunk_problems(fitted), drawn))

    def draw_cards(self, cards: range) -> Chunk:
        """One card per page: trim plus bleed on every side, fronts and backs alternating."""
        canvas, theme = self.canvas(), self.theme
        bleed_pt = mm_to_pt(theme.bleed_mm)
        full = Bleed(theme.bleed_mm, theme.bleed_mm, theme.bleed_mm, theme.bleed_mm)
        fitted: dict[int, TechniqueCards] = {}
        drawn = 0
        for card in self.cards_of((self.order[i] for i in cards), fitted):
            drawn += 1
            for side in (card.front, card.back):
                if side is not None:
                    place_card(canvas, side, full, (bleed_pt, bleed_pt), theme, self.options.guides)
                    canvas.showPage()
        return finished(canvas, ChunkCards(chunk_problems(fitted), drawn))


def chunk_problems(fitted: dict[int, TechniqueCards]) -> dict[int, tuple[Problem, ...]]:
    return {index: cards.problems for index, cards in fitted.items()}


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
                with backing(self.canvas, card):
                    self.place(card.back, self.layout.slot(index), bleed)
        self.canvas.restoreState()

    def folds(self, on_sheet: list[PreparedCard]) -> None:
        """Front and back side by side; the colour bleeds everywhere but across the fold."""
        for index, card in enumerate(on_sheet):
            outer = slot_bleed(self.layout, index, len(on_sheet), self.theme.bleed_mm)
            front_box, back_box = fold_halves(self.layout.slot(index))
            self.place(card.front, front_box, replace(outer, right_mm=0))
            if card.back:
                with backing(self.canvas, card):
                    self.place(card.back, back_box, replace(outer, left_mm=0))
            with piece(self.canvas, "Artifact:Page"):
                draw_fold_line(
                    self.canvas, back_box.x_mm, back_box.y_mm, back_box.top_mm, self.theme
                )

    def place(self, card: FittedCard, box: Box, bleed: Bleed) -> None:
        at_pt = (mm_to_pt(box.x_mm), mm_to_pt(box.y_mm))
        place_card(self.canvas, card, bleed, at_pt, self.theme, self.options.guides)


@contextmanager
def backing(canvas: Canvas, card: PreparedCard) -> Iterator[None]:
    """A technique card's back as an artifact (its section's colour, number and
    name: its front said it all); the back of one of the deck's own cards (its
    title and subtitle) is read, as the deck's words."""
    if card.front.template in EXTRA_TEMPLATES:
        yield
    else:
        with piece(canvas, "Artifact:Layout"):
            yield


def place_card(
    canvas: Canvas,
    card: FittedCard,
    bleed: Bleed,
    at_pt: tuple[float, float],
    theme: CardTheme,
    guides: bool,
) -> None:
    """One card side with its trim's lower left corner at ``at_pt``: its colour
    bleeding as far as ``bleed`` lets it, its text, its guides if asked."""
    canvas.saveState()
    canvas.translate(*at_pt)
    draw_card(canvas, card, theme, bleed)
    if guides:
        with piece(canvas, "Artifact:Page"):
            draw_guides(canvas, theme)
    canvas.restoreState()


def draw_fold_line(
    canvas: Canvas, x_mm: float, bottom_mm: float, top_mm: float, theme: CardTheme
) -> None:
    canvas.saveState()
    canvas.setStrokeColor(paint(theme.grey, theme.cmyk))
    canvas.setLineWidth(0.4)
    canvas.setDash(*FOLD_DASH_PT)
    canvas.line(mm_to_pt(x_mm), mm_to_pt(bottom_mm), mm_to_pt(x_mm), mm_to_pt(top_mm))
    canvas.restoreState()


def print_shop_canvas(theme: CardTheme, seed: str = "", language: str = "") -> PageCanvas:
    """Pages of one card with its bleed on every side, with TrimBox and BleedBox."""
    bleed_mm = theme.bleed_mm
    width, height = (
        mm_to_pt(theme.width_mm + 2 * bleed_mm),
        mm_to_pt(theme.height_mm + 2 * bleed_mm),
    )
    canvas = PageCanvas((width, height), theme.cmyk, seed, tags=False, language=language)
    bleed_pt = mm_to_pt(bleed_mm)
    canvas.setTrimBox((bleed_pt, bleed_pt, width - bleed_pt, height - bleed_pt))
    canvas.setBleedBox((0, 0, width, height))
    define_icons(canvas)
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
    bottom_mm = sheet.footer_from_edge_mm
    top_mm = layout.sheet_height_mm - sheet.footer_from_edge_mm - sheet.footer_pt / mm_to_pt(1)
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
        width_pt = line_width(text, FONT_REGULAR, sheet.footer_pt, deck.language)
        pieces.append((text, width_pt / mm_to_pt(1)))
    canvas.saveState()
    canvas.setFillColor(paint(theme.grey, theme.cmyk))
    canvas.setStrokeColor(paint(theme.grey, theme.cmyk))
    size = sheet.footer_pt
    canvas.setFont(FONT_REGULAR, size)
    next_free = 0
    for part, width_mm in pieces:
        for index in range(next_free, len(segments)):
            left_mm, right_mm, y_mm = segments[index]
            if width_mm <= right_mm - left_mm:
                x_pt, y_pt = mm_to_pt(left_mm), mm_to_pt(y_mm)
                if part == "scale":
                    with piece(canvas, "Artifact:Page"):  # a print aid
                        draw_scale_bar(canvas, x_pt, y_pt, sheet)
                elif part == labels["print_at_full_size"]:
                    with piece(canvas, "P"):  # how to print it: said to whoever prints it
                        draw_line(canvas, x_pt, y_pt, part, FONT_REGULAR, size, deck.language)
                else:
                    with piece(canvas, "Artifact:Pagination"):
                        draw_line(canvas, x_pt, y_pt, part, FONT_REGULAR, size, deck.language)
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
