"""Pure geometry in millimetres: card grids, crop marks, bleeds, saddle order.

Nothing here knows about PDFs. Coordinates follow PDF: origin at the sheet's
bottom-left corner, y upwards. Slots in a grid are numbered row by row from
the top-left, the order a reader expects cards on a sheet.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

EPSILON_MM = 1e-6


@dataclass(frozen=True)
class Box:
    x_mm: float
    y_mm: float
    width_mm: float
    height_mm: float

    @property
    def right_mm(self) -> float:
        return self.x_mm + self.width_mm

    @property
    def top_mm(self) -> float:
        return self.y_mm + self.height_mm

    def overlaps(self, other: Box) -> bool:
        return (
            self.x_mm < other.right_mm - EPSILON_MM
            and other.x_mm < self.right_mm - EPSILON_MM
            and self.y_mm < other.top_mm - EPSILON_MM
            and other.y_mm < self.top_mm - EPSILON_MM
        )


@dataclass(frozen=True)
class Grid:
    sheet_width_mm: float
    sheet_height_mm: float
    card_width_mm: float
    card_height_mm: float
    columns: int
    rows: int
    gutter_x_mm: float
    gutter_y_mm: float

    @property
    def per_sheet(self) -> int:
        return self.columns * self.rows

    @property
    def block_width_mm(self) -> float:
        return self.columns * self.card_width_mm + (self.columns - 1) * self.gutter_x_mm

    @property
    def block_height_mm(self) -> float:
        return self.rows * self.card_height_mm + (self.rows - 1) * self.gutter_y_mm

    @property
    def left_mm(self) -> float:
        return (self.sheet_width_mm - self.block_width_mm) / 2

    @property
    def bottom_mm(self) -> float:
        return (self.sheet_height_mm - self.block_height_mm) / 2

    @property
    def landscape(self) -> bool:
        return self.sheet_width_mm > self.sheet_height_mm

    def slot(self, index: int) -> Box:
        """The trim box of slot ``index`` (0 is top-left, row by row)."""
        row, column = divmod(index, self.columns)
        x = self.left_mm + column * (self.card_width_mm + self.gutter_x_mm)
        y = self.bottom_mm + (self.rows - 1 - row) * (self.card_height_mm + self.gutter_y_mm)
        return Box(x, y, self.card_width_mm, self.card_height_mm)

    def slots(self) -> list[Box]:
        return [self.slot(i) for i in range(self.per_sheet)]


def fit_count(length_mm: float, card_mm: float) -> int:
    return max(0, math.floor((length_mm + EPSILON_MM) / card_mm))


def gutter(length_mm: float, card_mm: float, count: int, wanted_mm: float) -> float:
    """The gutter between ``count`` cards: the wanted one, or what room is left."""
    if count < 2:
        return 0.0
    room_mm = (length_mm - count * card_mm) / (count - 1)
    return max(0.0, min(wanted_mm, room_mm))


def grid(
    sheet_mm: tuple[float, float],
    card_mm: tuple[float, float],
    margin_mm: float,
    gutter_mm: float,
) -> Grid:
    """As many cards as fit inside ``margin_mm`` of every edge, centred.

    Cards sit ``gutter_mm`` apart where there is room (twice the bleed lets
    each card's colour bleed without touching its neighbour) and closer,
    down to butting, where there is not.
    """
    sheet_w, sheet_h = sheet_mm
    card_w, card_h = card_mm
    usable_w, usable_h = sheet_w - 2 * margin_mm, sheet_h - 2 * margin_mm
    columns, rows = fit_count(usable_w, card_w), fit_count(usable_h, card_h)
    return Grid(
        sheet_w,
        sheet_h,
        card_w,
        card_h,
        columns,
        rows,
        gutter(usable_w, card_w, columns, gutter_mm),
        gutter(usable_h, card_h, rows, gutter_mm),
    )


def best_grid(
    paper_mm: tuple[float, float],
    card_mm: tuple[float, float],
    margin_mm: float,
    gutter_mm: float,
    full_gutter: bool = False,
) -> Grid:
    """Portrait or landscape sheet, whichever holds more cards (portrait on a tie).

    With ``full_gutter``, cards keep the whole gutter between them (each its
    own bleed) on the side that holds most of them so, as long as that sheet
    holds at least ``GUTTER_KEEPS`` of what it would with the cards closer;
    otherwise they stand as close as the room makes them.
    """
    short, long = sorted(paper_mm)
    portrait = grid((short, long), card_mm, margin_mm, gutter_mm)
    landscape = grid((long, short), card_mm, margin_mm, gutter_mm)
    closest = landscape if landscape.per_sheet > portrait.per_sheet else portrait
    if not full_gutter:
        return closest
    kept = [
        side
        for side in (
            full_grid(portrait, margin_mm, gutter_mm),
            full_grid(landscape, margin_mm, gutter_mm),
        )
        if side.per_sheet and has_gutter(side, gutter_mm)
    ]
    if not kept:
        return closest
    best = max(kept, key=lambda side: (side.per_sheet, not side.landscape))
    return best if best.per_sheet >= GUTTER_KEEPS * closest.per_sheet else closest


GUTTER_KEEPS = 0.75  # of the cards a sheet holds, for each to keep its own bleed


def has_gutter(layout: Grid, gutter_mm: float) -> bool:
    """Every gap between its cards is the whole gutter (a single row or column has none)."""
    return all(
        count < 2 or gap >= gutter_mm - EPSILON_MM
        for count, gap in ((layout.columns, layout.gutter_x_mm), (layout.rows, layout.gutter_y_mm))
    )


def full_grid(layout: Grid, margin_mm: float, gutter_mm: float) -> Grid:
    """The grid with as many columns and rows as fit with the whole gutter
    between them: fewer cards, perhaps, each with its own bleed."""
    usable_w = layout.sheet_width_mm - 2 * margin_mm
    usable_h = layout.sheet_height_mm - 2 * margin_mm
    card_w, card_h = layout.card_width_mm, layout.card_height_mm
    # n cards and n - 1 gutters fit where n (card + gutter) fit in the room plus one gutter
    columns = min(layout.columns, fit_count(usable_w + gutter_mm, card_w + gutter_mm))
    rows = min(layout.rows, fit_count(usable_h + gutter_mm, card_h + gutter_mm))
    return Grid(
        layout.sheet_width_mm,
        layout.sheet_height_mm,
        card_w,
        card_h,
        columns,
        rows,
        gutter(usable_w, card_w, columns, gutter_mm),
        gutter(usable_h, card_h, rows, gutter_mm),
    )


@dataclass(frozen=True)
class Bleed:
    left_mm: float
    right_mm: float
    top_mm: float
    bottom_mm: float


def slot_bleed(layout: Grid, index: int, occupied: int | set[int], bleed_mm: float) -> Bleed:
    """How far the colour of slot ``index`` may run past each trim edge.

    Full bleed at the outside of the block and beside empty slots; between two
    cards, half the gutter, so one card's colour never reaches its neighbour.
    ``occupied`` is the set of filled slots, or their count when they are the
    first ones.
    """
    row, column = divmod(index, layout.columns)
    filled = set(range(occupied)) if isinstance(occupied, int) else occupied

    def side(neighbour: int | None, gap_mm: float) -> float:
        if neighbour is None or neighbour not in filled:
            return bleed_mm
        return min(bleed_mm, gap_mm / 2)

    def at(r: int, c: int) -> int | None:
        if 0 <= r < layout.rows and 0 <= c < layout.columns:
            return r * layout.columns + c
        return None

    return Bleed(
        left_mm=side(at(row, column - 1), layout.gutter_x_mm),
        right_mm=side(at(row, column + 1), layout.gutter_x_mm),
        top_mm=side(at(row - 1, column), layout.gutter_y_mm),
        bottom_mm=side(at(row + 1, column), layout.gutter_y_mm),
    )


@dataclass(frozen=True)
class Line:
    x1_mm: float
    y1_mm: float
    x2_mm: float
    y2_mm: float


def crop_marks(layout: Grid, offset_mm: float, length_mm: float) -> list[Line]:
    """A short mark in the margin at both ends of every trim line of the block.

    Marks start ``offset_mm`` outside the block, so they never touch a card or
    its bleed, and run ``length_mm`` towards the sheet edge.
    """
    left, bottom = layout.left_mm, layout.bottom_mm
    right, top = left + layout.block_width_mm, bottom + layout.block_height_mm
    xs = sorted({round(x, 6) for b in layout.slots() for x in (b.x_mm, b.right_mm)})
    ys = sorted({round(y, 6) for b in layout.slots() for y in (b.y_mm, b.top_mm)})
    lines = []
    for x in xs:
        lines.append(Line(x, top + offset_mm, x, top + offset_mm + length_mm))
        lines.append(Line(x, bottom - offset_mm, x, bottom - offset_mm - length_mm))
    for y in ys:
        lines.append(Line(left - offset_mm, y, left - offset_mm - length_mm, y))
        lines.append(Line(right + offset_mm, y, right + offset_mm + length_mm, y))
    return lines


def sheets_needed(count: int, per_sheet: int) -> int:
    return max(1, math.ceil(count / per_sheet)) if per_sheet else 0


class SheetSide(NamedTuple):
    """The two pages on one side of a booklet sheet, by 1-based page number."""

    left: int
    right: int


def saddle_order(pages: int, right_to_left: bool = False) -> list[SheetSide]:
    """Page pairs (left, right) for each sheet side of a saddle-stitched booklet.

    ``pages`` must be a multiple of four. Sides come in print order: sheet 1
    front, sheet 1 back, sheet 2 front… For 8 pages: (8, 1), (2, 7), (6, 3), (4, 5).
    A booklet read from right to left (Arabic, Hebrew) is bound on its right
    edge: each pair the other way round, (1, 8), (7, 2), (3, 6), (5, 4), so
    that page 1 is the cover on the right and page 2 faces page 3 from the right.
    """
    if pages <= 0 or pages % 4:
        raise ValueError(f"a saddle-stitched booklet needs a multiple of 4 pages, not {pages}")
    sides = []
    for k in range(pages // 2):
        low, high = k + 1, pages - k
        left, right = (high, low) if k % 2 == 0 else (low, high)
        sides.append(SheetSide(right, left) if right_to_left else SheetSide(left, right))
    return sides


def padded_page_count(pages: int) -> int:
    return max(4, math.ceil(pages / 4) * 4)


def mirror_slot(layout: Grid, index: int, duplex: str) -> int:
    """The slot on the back of a sheet that lies behind slot ``index`` of its front.

    Turning a sheet over its long edge mirrors it across the axis parallel to
    that edge: left-right on a portrait sheet, top-bottom on a landscape one.
    The short edge does the opposite.
    """
    row, column = divmod(index, layout.columns)
    flip_left_right = (duplex == "long") != layout.landscape
    if flip_left_right:
        column = layout.columns - 1 - column
    else:
        row = layout.rows - 1 - row
    return row * layout.columns + column


def mirror_point(
    sheet_mm: tuple[float, float], x_mm: float, y_mm: float, duplex: str
) -> tuple[float, float]:
    """The point on the back of a sheet behind (x, y) on its front."""
    width, height = sheet_mm
    landscape = width > height
    if (duplex == "long") != landscape:
        return width - x_mm, y_mm
    return x_mm, height - y_mm


def fold_halves(pair: Box) -> tuple[Box, Box]:
    """A fold-over pair cut out as one piece: front on the left, back on the right."""
    half = pair.width_mm / 2
    front = Box(pair.x_mm, pair.y_mm, half, pair.height_mm)
    back = Box(pair.x_mm + half, pair.y_mm, half, pair.height_mm)
    return front, back


def parse_size_mm(text: str) -> tuple[float, float]:
    """``70x100`` (or ``70×100``) in millimetres; ValueError when it is not that."""
    parts = text.lower().replace("×", "x").split("x")
    if len(parts) != 2:
        raise ValueError(f"expected WIDTHxHEIGHT in millimetres, such as 70x100 (got {text!r})")
    try:
        width, height = (float(p) for p in parts)
    except ValueError:
        raise ValueError(
            f"expected WIDTHxHEIGHT in millimetres, such as 70x100 (got {text!r})"
        ) from None
    if not (20 <= width <= 400 and 20 <= height <= 400):
        raise ValueError(f"card sides must be between 20 and 400 mm (got {text!r})")
    return width, height


def parse_offset_mm(text: str) -> tuple[float, float]:
    """``0.5x-1`` in millimetres: how far to move the backs right and up."""
    parts = text.lower().replace("×", "x").split("x")
    try:
        x_mm, y_mm = (float(p) for p in parts)
    except ValueError:
        raise ValueError(f"expected XxY in millimetres, such as 0.5x-1 (got {text!r})") from None
    if abs(x_mm) > 10 or abs(y_mm) > 10:
        raise ValueError(f"a back offset over 10 mm is not a printer's drift (got {text!r})")
    return x_mm, y_mm
