"""The cards PDF: every technique on its own card, imposed for the printer at hand.

``prepare_cards`` renders and fits every card front (and back, when asked);
``cards check`` runs it too, so a card that will not fit is found before
printing. ``cards_pdf`` then lays the fitted cards out in one of three ways:

- sheets (the default): as many cards as fit, crop marks in the margin; with
  backs, each sheet of fronts is followed by its sheet of backs, every back
  in the slot behind its front for the chosen duplex flip;
- fold-over: front and back side by side, a dashed fold line between them;
- print shop: one card per page, trim plus bleed, with TrimBox and BleedBox.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace

import jinja2
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from cards.card import FittedCard, continued_cards, draw_card, fit_card
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
from cards.layout.fit import Overflow
from cards.layout.glance import define_icons
from cards.layout.markup import Layout, parse_layout
from cards.layout.styles import hyphenation_for
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
    register_fonts,
)
from cards.model import Deck, Technique
from cards.pdf import ask_for_duplex, new_canvas
from cards.problems import ERROR, WARNING, ContentError, Problem
from cards.templating import (
    deck_view,
    labels_view,
    picture_roots,
    render,
    section_view,
    technique_view,
    template_path,
)
from cards.workers import in_workers, worth_parallel

FRONT_TEMPLATE = "card/front.xml.j2"
BACK_TEMPLATE = "card/back.xml.j2"
# The deck's own cards, after the techniques, in the last sheet's free slots first.
EXTRA_TEMPLATES = ("card/title.xml.j2", "card/safety.xml.j2", "card/routine.xml.j2")
ROUTINE_MAX = 40  # more techniques than this never fit one card: not even tried
FOLD_DASH_PT = (3, 2)


@dataclass(frozen=True)
class CardOptions:
    paper: str = "a4"
    guides: bool = False
    backs: bool = False
    duplex: str = "long"
    fold: bool = False
    print_shop: bool = False
    back_offset_mm: tuple[float, float] = (0.0, 0.0)
    copies: int = 1
    extras: tuple[PreparedCard, ...] = ()  # the deck's own cards, drawn once after the rest


@dataclass(frozen=True)
class PreparedCard:
    front: FittedCard
    back: FittedCard | None = None


@dataclass(frozen=True)
class CardsResult:
    data: bytes
    cards: int
    sheets: int
    per_sheet: int
    paper: str
    landscape: bool
    pages: int = 0
    notes: list[str] = field(default_factory=list)


# -- preparing -------------------------------------------------------------------


def prepare_cards(
    deck: Deck, env: jinja2.Environment, theme: CardTheme, backs: bool = False
) -> tuple[list[PreparedCard], list[Problem]]:
    """Render and fit every card; errors for cards that cannot fit, warnings for shrunk ones."""
    problems: list[Problem] = []
    cards = list(iter_cards(deck, env, theme, backs, problems))
    return cards, problems


CacheKey = tuple[str, str, CardTheme, str, str, str]  # template, layout, theme, language …
FittedSides = tuple[list[FittedCard], list[FittedCard], list[Problem]]


@dataclass
class FitCache:
    """Cards fitted by an earlier build in this process (``--watch``), by all that
    decides their layout: the rendered layout markup, the theme, the language,
    the file. An edited technique is laid out again; the rest are drawn as they
    were."""

    entries: dict[CacheKey, tuple[list[FittedCard], list[Problem]]] = field(default_factory=dict)
    hits: int = 0

    def keep_only(self, used: set[CacheKey]) -> None:
        """Forget what the last build did not use (deleted or changed cards)."""
        for key in set(self.entries) - used:
            del self.entries[key]


def iter_cards(
    deck: Deck,
    env: jinja2.Environment,
    theme: CardTheme,
    backs: bool,
    problems: list[Problem],
    overflow: str = "shrink",
    jobs: int = 1,
    cache: FitCache | None = None,
) -> Iterator[PreparedCard]:
    """Fitted cards one at a time, in deck order, adding to ``problems`` on the way.

    Drawing consumes them as they come, so a 5,000-card deck never holds
    more than a sheet of laid-out cards in memory. With ``jobs`` above one
    and a large deck, worker processes find the sizes first.
    """
    register_fonts()
    work = CardWork(deck, env, theme, backs, overflow)
    techniques = work.techniques
    used: set[CacheKey] = set()
    if cache is None and worth_parallel(jobs, len(techniques)):
        fitted_sides: Iterator[FittedSides] = in_workers(work.for_main, len(techniques), jobs)
    else:
        fitted_sides = (work.both_sides(i, cache, used) for i in range(len(techniques)))
    for fronts, backs_fitted, found in fitted_sides:
        problems.extend(found)
        back = backs_fitted[0] if backs_fitted else None
        if fronts and (back or not backs):
            for front in fronts:  # more than one with --overflow continue
                yield PreparedCard(front, back)
    if cache is not None:
        cache.keep_only(used)


class CardWork:
    """What fitting a deck's cards needs, made once per build (and inherited by
    forked workers): the layouts' variables, the layout paths, the theme."""

    def __init__(
        self, deck: Deck, env: jinja2.Environment, theme: CardTheme, backs: bool, overflow: str
    ):
        self.deck, self.env, self.theme, self.backs, self.overflow = (
            deck,
            env,
            theme,
            backs,
            overflow,
        )
        self.deck_context, self.labels = deck_view(deck), labels_view(deck)
        self.sections = {s.slug: section_view(s, theme.low_ink) for s in deck.sections}
        self.section_of = {t.number: s.slug for s in deck.sections for t in s.techniques}
        self.techniques = [t for s in deck.sections for t in s.techniques]
        self.paths = {name: template_path(env, name) for name in (FRONT_TEMPLATE, BACK_TEMPLATE)}
        self.language = hyphenation_for(deck)

    def context(self, technique: Technique) -> dict[str, object]:
        return {
            "deck": self.deck_context,
            "section": self.sections[self.section_of[technique.number]],
            "technique": technique_view(technique),
            "labels": self.labels,
        }

    def both_sides(
        self, index: int, cache: FitCache | None = None, used: set[CacheKey] | None = None
    ) -> tuple[list[FittedCard], list[FittedCard], list[Problem]]:
        """Technique ``index``'s fronts and back, fitted, with what fitting found.

        In a worker the cards travel back to the main process by pickle, without
        the layout markup they were built from (drawing needs only the furniture).
        """
        technique = self.techniques[index]
        found: list[Problem] = []
        fronts = self.fitted(FRONT_TEMPLATE, technique, found, None, cache, used)
        backs = (
            self.fitted(BACK_TEMPLATE, technique, found, None, cache, used, "back")
            if self.backs
            else []
        )
        return fronts, backs, found

    def for_main(self, index: int) -> tuple[list[FittedCard], list[FittedCard], list[Problem]]:
        """In a worker: ``both_sides``, light to send (no layout markup: drawing
        needs only the layout's furniture)."""
        fronts, backs, found = self.both_sides(index)
        return [without_markup(c) for c in fronts], [without_markup(c) for c in backs], found

    def fitted(
        self,
        name: str,
        technique: Technique,
        problems: list[Problem],
        known_pt: float | None = None,
        cache: FitCache | None = None,
        used: set[CacheKey] | None = None,
        side: str = "card",
    ) -> list[FittedCard]:
        """One side of a technique's card, fitted; with ``overflow="continue"`` a
        technique too long even at the smallest size runs on over more cards."""
        xml = render(self.env, name, **self.context(technique))
        key = (name, xml, self.theme, self.language, self.overflow, str(technique.source.path))
        if used is not None and cache is not None:
            used.add(key)
        if cache is not None and key in cache.entries:
            cache.hits += 1
            cards, seen = cache.entries[key]
            problems.extend(seen)
            return cards
        layout = parse_layout(xml, self.paths[name], picture_roots(self.deck))
        found: list[Problem] = []
        cards = fit_side(layout, self, name, technique, found, known_pt, side)
        if cache is not None:
            cache.entries[key] = (cards, found)
        problems.extend(found)
        return cards


def without_markup(card: FittedCard) -> FittedCard:
    return replace(card, layout=replace(card.layout, blocks=[]))


def fit_side(
    layout: Layout, work: CardWork, name: str, technique: Technique, problems: list[Problem],
    known_pt: float | None, side: str,
) -> list[FittedCard]:  # fmt: skip
    theme = work.theme
    result = fit_card(layout, theme, work.language, name, known_pt)
    where = technique.source.path
    if isinstance(result, Overflow) and work.overflow == "continue":
        cards = continued_cards(layout, theme, work.language, name, work.labels.continued)
        problems.append(
            Problem(
                where,
                1,
                WARNING,
                f"'{technique.title}' is too long for one card; it continues on "
                f"{len(cards) - 1} more (--overflow continue)",
            )
        )
        return cards
    if isinstance(result, Overflow):
        problems.append(
            Problem(
                where,
                1,
                ERROR,
                f"'{technique.title}' does not fit its {side} ({theme.width_mm:g} × "
                f"{theme.height_mm:g} mm) even at {result.body_pt:g} pt: {result.shortfall()}; "
                "shorten the text, split it into two techniques, or build with "
                "--overflow continue",
            )
        )
        return []
    if result.fitted.shrunk_from(theme.body_pt):
        problems.append(
            Problem(
                where,
                1,
                WARNING,
                f"'{technique.title}' fits only when set smaller "
                f"({result.fitted.body_pt:.1f} pt instead of {theme.body_pt:g} pt)",
            )
        )
    return [result]


def extra_cards(
    deck: Deck, env: jinja2.Environment, theme: CardTheme, problems: list[Problem]
) -> list[PreparedCard]:
    """The title card, the "Before you start" card (when the intro has that part)
    and the routine card. One that does not fit is left out with a warning:
    the technique cards are what the deck is for."""
    deck_context = deck_view(deck)
    context = {
        "deck": deck_context,
        "sections": [section_view(s, theme.low_ink) for s in deck.sections],
        "labels": labels_view(deck),
    }
    extras = []
    for name in EXTRA_TEMPLATES:
        if name.endswith("safety.xml.j2") and not deck_context.before_you_start:
            continue
        if name.endswith("routine.xml.j2") and deck.technique_count > ROUTINE_MAX:
            problems.append(
                Problem(
                    deck.source.path,
                    1,
                    WARNING,
                    f"the routine card is left out: {deck.technique_count} techniques are more "
                    f"than one card lists ({ROUTINE_MAX} at most)",
                )
            )
            continue
        layout = parse_layout(
            render(env, name, **context), template_path(env, name), picture_roots(deck)
        )
        result = fit_card(layout, theme, hyphenation_for(deck), name)
        if isinstance(result, Overflow):
            problems.append(
                Problem(
                    deck.source.path,
                    1,
                    WARNING,
                    f"the {name.split('/')[-1].split('.')[0]} card is left out: it does not fit "
                    f"a {theme.width_mm:g} × {theme.height_mm:g} mm card even at "
                    f"{result.body_pt:g} pt (--no-extras leaves out all three)",
                )
            )
            continue
        extras.append(PreparedCard(result, None))
    return extras


# -- laying out --------------------------------------------------------------------


def card_grid(paper: str, theme: CardTheme, sheet: SheetTheme, fold: bool = False) -> Grid:
    """The grid of cards (or of fold-over pairs, twice as wide) on the paper."""
    width = theme.width_mm * (2 if fold else 1)
    return best_grid(
        PAPERS_MM[paper], (width, theme.height_mm), sheet.card_margin_mm, 2 * theme.bleed_mm
    )


def cards_pdf(
    deck: Deck,
    cards: Iterable[PreparedCard],
    options: CardOptions,
    theme: CardTheme,
    sheet: SheetTheme,
    count: int | None = None,
) -> CardsResult:
    """Draw the cards as they come; ``deck`` tells how many there will be
    (``count``, when cards run on over more than one)."""
    count = (count or deck_card_count(deck)) * options.copies + len(options.extras)
    copied = (card for card in cards for _ in range(options.copies))
    cards = itertools.chain(copied, options.extras)
    if options.print_shop:
        return print_shop_pdf(deck, cards, count, options, theme)
    layout = card_grid(options.paper, theme, sheet, options.fold)
    if layout.per_sheet == 0:
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
    page_pt = (mm_to_pt(layout.sheet_width_mm), mm_to_pt(layout.sheet_height_mm))
    buffer = io.BytesIO()
    canvas = new_canvas(buffer, deck, "cards", page_pt, cmyk=theme.cmyk)
    if options.backs and not options.fold:
        ask_for_duplex(canvas, options.duplex)
    total = sheets_needed(count, layout.per_sheet)
    marks = define_crop_marks(canvas, layout, sheet, theme, options.fold)
    define_icons(canvas)
    labels = vars(labels_view(deck))  # the deck's own words (labels:) over its language's
    pages = drawn = 0
    for number in range(total):
        on_sheet = list(itertools.islice(cards, layout.per_sheet))
        drawn += len(on_sheet)
        if options.fold:
            draw_fold_sheet(canvas, on_sheet, layout, theme, options)
        else:
            draw_front_sheet(canvas, on_sheet, layout, theme, options)
        canvas.doForm(marks)
        draw_sheet_footer(canvas, deck, layout, sheet, theme, labels, number + 1, total)
        canvas.showPage()
        pages += 1
        if options.backs and not options.fold:
            draw_back_sheet(canvas, on_sheet, layout, theme, options)
            canvas.showPage()
            pages += 1
    canvas.save()
    return CardsResult(
        buffer.getvalue(), drawn, total, layout.per_sheet, options.paper, layout.landscape, pages
    )


def deck_card_count(deck: Deck) -> int:
    """Cards in this deck (or selection), as opposed to ``technique_count``, the whole deck's."""
    return sum(len(section.techniques) for section in deck.sections)


def draw_front_sheet(
    canvas: Canvas,
    on_sheet: list[PreparedCard],
    layout: Grid,
    theme: CardTheme,
    options: CardOptions,
) -> None:
    for index, card in enumerate(on_sheet):
        place(
            canvas,
            card.front,
            layout.slot(index),
            theme,
            slot_bleed(layout, index, len(on_sheet), theme.bleed_mm),
            options.guides,
        )


def draw_back_sheet(
    canvas: Canvas,
    on_sheet: list[PreparedCard],
    layout: Grid,
    theme: CardTheme,
    options: CardOptions,
) -> None:
    """Each back in the slot behind its front, shifted by the printer's measured offset."""
    slots = {
        mirror_slot(layout, index, options.duplex): card for index, card in enumerate(on_sheet)
    }
    dx_mm, dy_mm = options.back_offset_mm
    canvas.saveState()
    canvas.translate(mm_to_pt(dx_mm), mm_to_pt(dy_mm))
    for index, card in slots.items():
        if card.back:
            bleed = slot_bleed(layout, index, set(slots), theme.bleed_mm)
            place(canvas, card.back, layout.slot(index), theme, bleed, options.guides)
    canvas.restoreState()


def draw_fold_sheet(
    canvas: Canvas,
    on_sheet: list[PreparedCard],
    layout: Grid,
    theme: CardTheme,
    options: CardOptions,
) -> None:
    """Front and back side by side; the colour bleeds everywhere but across the fold."""
    for index, card in enumerate(on_sheet):
        outer = slot_bleed(layout, index, len(on_sheet), theme.bleed_mm)
        front_box, back_box = fold_halves(layout.slot(index))
        place(
            canvas,
            card.front,
            front_box,
            theme,
            Bleed(outer.left_mm, 0, outer.top_mm, outer.bottom_mm),
            options.guides,
        )
        if card.back:
            place(
                canvas,
                card.back,
                back_box,
                theme,
                Bleed(0, outer.right_mm, outer.top_mm, outer.bottom_mm),
                options.guides,
            )
        draw_fold_line(canvas, back_box.x_mm, back_box.y_mm, back_box.top_mm, theme)


def place(
    canvas: Canvas, card: FittedCard, box: Box, theme: CardTheme, bleed: Bleed, guides: bool
) -> None:
    canvas.saveState()
    canvas.translate(mm_to_pt(box.x_mm), mm_to_pt(box.y_mm))
    draw_card(canvas, card, theme, bleed)
    if guides:
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


def print_shop_pdf(
    deck: Deck, cards: Iterable[PreparedCard], count: int, options: CardOptions, theme: CardTheme
) -> CardsResult:
    """One card per page: trim plus bleed on every side, fronts and backs alternating."""
    bleed_mm = theme.bleed_mm
    width, height = (
        mm_to_pt(theme.width_mm + 2 * bleed_mm),
        mm_to_pt(theme.height_mm + 2 * bleed_mm),
    )
    buffer = io.BytesIO()
    canvas = new_canvas(buffer, deck, "cards for print", (width, height), cmyk=theme.cmyk)
    bleed_pt = mm_to_pt(bleed_mm)
    canvas.setTrimBox((bleed_pt, bleed_pt, width - bleed_pt, height - bleed_pt))
    canvas.setBleedBox((0, 0, width, height))
    full = Bleed(bleed_mm, bleed_mm, bleed_mm, bleed_mm)
    define_icons(canvas)
    pages = drawn = 0
    for card in cards:
        drawn += 1
        for side in (card.front, card.back if options.backs else None):
            if side is None:
                continue
            canvas.saveState()
            canvas.translate(bleed_pt, bleed_pt)
            draw_card(canvas, side, theme, full)
            if options.guides:
                draw_guides(canvas, theme)
            canvas.restoreState()
            canvas.showPage()
            pages += 1
    canvas.save()
    return CardsResult(buffer.getvalue(), drawn, 0, 1, options.paper, False, pages)


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
