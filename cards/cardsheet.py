"""The cards PDF: every technique on its own card, imposed on sheets with crop marks.

``prepare_cards`` renders and fits every card (and is what ``cards check``
runs, so a card that will not fit is found before printing); ``cards_pdf``
imposes the fitted cards and returns the file's bytes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import jinja2
from reportlab.lib.colors import HexColor
from reportlab.pdfbase.pdfmetrics import stringWidth

from cards.card import FittedCard, draw_card, fit_card
from cards.fit import Overflow
from cards.geometry import Grid, best_grid, crop_marks, sheets_needed, slot_bleed
from cards.labels import labels_for
from cards.markup import parse_layout
from cards.model import Deck
from cards.pdf import new_canvas
from cards.problems import ERROR, WARNING, ContentError, Problem
from cards.templating import deck_view, labels_view, render, section_view, technique_view
from cards.theme import (
    FONT_REGULAR,
    GUIDE_BLEED,
    GUIDE_SAFE,
    GUIDE_TRIM,
    PAPERS_MM,
    REGISTRATION,
    CardTheme,
    SheetTheme,
    mm_to_pt,
    register_fonts,
)

FRONT_TEMPLATE = "card/front.xml.j2"


@dataclass(frozen=True)
class CardOptions:
    paper: str = "a4"
    guides: bool = False


@dataclass(frozen=True)
class CardsResult:
    data: bytes
    cards: int
    sheets: int
    per_sheet: int
    paper: str
    landscape: bool


def prepare_cards(
    deck: Deck, env: jinja2.Environment, theme: CardTheme
) -> tuple[list[FittedCard], list[Problem]]:
    """Render and fit every card; errors for cards that cannot fit, warnings for shrunk ones."""
    register_fonts()
    cards, problems = [], []
    deck_context, labels = deck_view(deck), labels_view(deck)
    for section in deck.sections:
        section_context = section_view(section)
        for technique in section.techniques:
            xml = render(
                env,
                FRONT_TEMPLATE,
                deck=deck_context,
                section=section_context,
                technique=technique_view(technique),
                labels=labels,
            )
            layout = parse_layout(xml, template_path(env, FRONT_TEMPLATE))
            result = fit_card(layout, theme, deck.language, FRONT_TEMPLATE)
            path = technique.source.path
            if isinstance(result, Overflow):
                over_mm = (result.needed_pt - result.available_pt) / mm_to_pt(1)
                problems.append(
                    Problem(
                        path,
                        1,
                        ERROR,
                        f"'{technique.title}' does not fit its card even at "
                        f"{result.body_pt:g} pt: {over_mm:.0f} mm too long; shorten the text "
                        "or split it into two techniques",
                    )
                )
                continue
            if result.fitted.shrunk_from(theme.body_pt):
                problems.append(
                    Problem(
                        path,
                        1,
                        WARNING,
                        f"'{technique.title}' fits only when set smaller "
                        f"({result.fitted.body_pt:.1f} pt instead of {theme.body_pt:g} pt)",
                    )
                )
            cards.append(result)
    return cards, problems


def template_path(env: jinja2.Environment, name: str) -> str:
    """The file a layout came from, for messages about its markup."""
    try:
        return env.get_template(name).filename or name
    except jinja2.TemplateError:
        return name


def fitted_cards(deck: Deck, env: jinja2.Environment, theme: CardTheme) -> list[FittedCard]:
    cards, problems = prepare_cards(deck, env, theme)
    if any(p.level == ERROR for p in problems):
        raise ContentError(problems)
    return cards


def card_grid(paper: str, theme: CardTheme, sheet: SheetTheme) -> Grid:
    return best_grid(
        PAPERS_MM[paper],
        (theme.width_mm, theme.height_mm),
        sheet.card_margin_mm,
        2 * theme.bleed_mm,
    )


def cards_pdf(
    deck: Deck,
    cards: list[FittedCard],
    options: CardOptions,
    theme: CardTheme,
    sheet: SheetTheme,
) -> CardsResult:
    layout = card_grid(options.paper, theme, sheet)
    if layout.per_sheet == 0:
        raise ContentError(
            [Problem(deck.source.path, 1, ERROR, f"a {theme.width_mm:g} × {theme.height_mm:g} mm card does not fit on {options.paper} paper")]
        )
    page_pt = (mm_to_pt(layout.sheet_width_mm), mm_to_pt(layout.sheet_height_mm))
    buffer = io.BytesIO()
    canvas = new_canvas(buffer, deck, "cards", page_pt)
    total = sheets_needed(len(cards), layout.per_sheet)
    marks = define_crop_marks(canvas, layout, sheet)
    labels = labels_for(deck.language)
    for number in range(total):
        on_sheet = cards[number * layout.per_sheet : (number + 1) * layout.per_sheet]
        for index, card in enumerate(on_sheet):
            box = layout.slot(index)
            bleed = slot_bleed(layout, index, len(on_sheet), theme.bleed_mm)
            canvas.saveState()
            canvas.translate(mm_to_pt(box.x_mm), mm_to_pt(box.y_mm))
            draw_card(canvas, card, theme, bleed)
            if options.guides:
                draw_guides(canvas, theme)
            canvas.restoreState()
        canvas.doForm(marks)
        draw_sheet_footer(canvas, deck, layout, sheet, labels, number + 1, total)
        canvas.showPage()
    canvas.save()
    return CardsResult(
        buffer.getvalue(), len(cards), total, layout.per_sheet, options.paper, layout.landscape
    )


def define_crop_marks(canvas, layout: Grid, sheet: SheetTheme) -> str:
    """Crop marks are the same on every sheet: drawn once as a form, placed on each."""
    name = "cropmarks"
    canvas.beginForm(name)
    canvas.setStrokeColor(HexColor(REGISTRATION))
    canvas.setLineWidth(sheet.mark_width_pt)
    for line in crop_marks(layout, sheet.mark_offset_mm, sheet.mark_length_mm):
        canvas.line(
            mm_to_pt(line.x1_mm), mm_to_pt(line.y1_mm), mm_to_pt(line.x2_mm), mm_to_pt(line.y2_mm)
        )
    canvas.endForm()
    return name


def draw_sheet_footer(
    canvas, deck: Deck, layout: Grid, sheet: SheetTheme, labels: dict[str, str], number: int, total: int
) -> None:
    """Deck title, sheet number and the print-at-100 % reminder, in the margin.

    Each piece sits between two crop marks, in the bottom margin first and
    then the top one, so no text ever touches a mark. The first sheet also
    carries a scale bar: a ruler tells whether the printer scaled the page.
    """
    gap_mm = 2.0
    columns = [layout.slot(c) for c in range(layout.columns)]
    bottom_mm = sheet.printer_margin_mm + 0.8
    top_mm = layout.sheet_height_mm - sheet.printer_margin_mm - 0.8 - sheet.footer_pt / mm_to_pt(1)
    segments = [(box.x_mm + gap_mm, box.right_mm - gap_mm, bottom_mm) for box in columns]
    segments += [(box.x_mm + gap_mm, box.right_mm - gap_mm, top_mm) for box in columns]
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
    canvas.setFillColor(HexColor(CardTheme.grey))
    canvas.setStrokeColor(HexColor(CardTheme.grey))
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


def draw_scale_bar(canvas, x_pt: float, y_pt: float, sheet: SheetTheme) -> None:
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


def draw_guides(canvas, theme: CardTheme) -> None:
    """Trim, bleed and safe-area boxes, for checking a layout (``--guides``)."""
    width, height = mm_to_pt(theme.width_mm), mm_to_pt(theme.height_mm)
    bleed, safe = mm_to_pt(theme.bleed_mm), mm_to_pt(theme.safe_mm)
    canvas.setLineWidth(0.4)
    canvas.setDash(2, 2)
    for colour, inset in ((GUIDE_BLEED, -bleed), (GUIDE_TRIM, 0), (GUIDE_SAFE, safe)):
        canvas.setStrokeColor(HexColor(colour))
        canvas.rect(inset, inset, width - 2 * inset, height - 2 * inset, stroke=1, fill=0)
