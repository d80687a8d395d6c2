"""Fit flowables into a box: set smaller by bisection down to a floor, or report overflow.

The body size is the one thing that shrinks. Bisection finds the largest size
(to ``PRECISION_PT``) that fits in a handful of layouts, instead of trying
every step from the normal size down.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from cards.layout.canvas import draw_marked

PRECISION_PT = 0.1
CLOSE_ENOUGH_PT = 0.25  # a fitting size this close below one too big is kept
MAX_PROBES = 3
# From a size too big, the square law aims too high: lines are whole, and a
# card's glance strip, pictures and gaps do not shrink with the text. A probe
# there mostly came out too big again; aiming this much lower takes a sixth
# fewer layouts on a deck of full cards (benchmarks/results.md).
UNDERSHOOT_PT = 0.15


# No text sets tighter than this: the narrowest glyphs and spaces of a text
# face are about a fifth of an em wide, and no leading is below the type size.
NARROWEST_EM = 0.2
MOST_RUN_ON_PARTS = 20  # cards or pages one technique may run on over


def most_characters(width_pt: float, height_pt: float, size_pt: float) -> int:
    """More characters than could ever fit a box at ``size_pt``: text longer
    than this cannot fit, and is known not to without laying it out (a body
    of a million characters would take a minute and gigabytes to find that)."""
    per_line = width_pt / (size_pt * NARROWEST_EM)
    lines = height_pt / size_pt
    return int(per_line * max(lines, 1.0)) + 1


def hopeless(
    characters: int, width_pt: float, height_pt: float, floor_pt: float
) -> Overflow | None:
    """An ``Overflow`` at once for text that cannot fit even at ``floor_pt``."""
    most = most_characters(width_pt, height_pt, floor_pt)
    if characters <= most:
        return None
    return Overflow(height_pt * characters / most, height_pt, floor_pt)


@dataclass(frozen=True)
class Fitted:
    """Flowables that fit, already wrapped to the column: drawing them needs no new layout."""

    flowables: list[Flowable]
    body_pt: float
    height_pt: float

    def shrunk_from(self, normal_pt: float) -> bool:
        return self.body_pt < normal_pt - PRECISION_PT / 2


@dataclass(frozen=True)
class Overflow:
    needed_pt: float
    available_pt: float
    body_pt: float

    def shortfall(self) -> str:
        """How much too long, in the words of an error message."""
        if self.needed_pt == float("inf"):
            return "something is wider than the text column (a picture too wide for the page?)"
        return f"{(self.needed_pt - self.available_pt) * 25.4 / 72:.0f} mm too long"


@dataclass(frozen=True)
class Stack:
    """Flowables wrapped into a column, each with how far below the top it ends."""

    placed: list[tuple[Flowable, float]]
    height_pt: float
    space_after_pt: float
    too_wide: bool


def lay_stack(flowables: list[Flowable], width_pt: float, height_pt: float = 1e6) -> Stack:
    """Wrap flowables one below the other, spacing collapsed as ``draw_stack`` places them."""
    placed, total, after, too_wide = [], 0.0, 0.0, False
    for index, flowable in enumerate(flowables):
        gap = max(flowable.getSpaceBefore() if index else 0.0, after)
        width, height = flowable.wrap(width_pt, max(0.0, height_pt - total - gap))
        too_wide |= width > width_pt + 0.01 or getattr(flowable, "overflow", False)
        total += gap + height
        placed.append((flowable, total))
        after = flowable.getSpaceAfter()
    return Stack(placed, total, after, too_wide)


def stacked_height(flowables: list[Flowable], width_pt: float, height_pt: float = 1e6) -> float:
    """Height of flowables stacked in a column, as ``draw_stack`` places them.

    Infinite when something cannot be made narrow enough for the column.
    """
    stack = lay_stack(flowables, width_pt, height_pt)
    return float("inf") if stack.too_wide else stack.height_pt


def grow_into(flowables: list[Flowable], room_pt: float) -> float:
    """Give the height a box has left to what can grow into it (a booklet
    page's diagram, ``grow``), first come first served; the room still left."""
    for flowable in flowables:
        grow = getattr(flowable, "grow", None)
        if grow is not None and room_pt > 0:
            room_pt -= grow(room_pt)
    return room_pt


def draw_stack(
    canvas: Canvas,
    flowables: list[Flowable],
    x_pt: float,
    top_pt: float,
    width_pt: float,
    bottom_pt: float = -1e6,
    wrapped: bool = False,
) -> float:
    """Draw flowables top-down from ``top_pt``; returns the y where the last one ends.

    ``wrapped`` says they were wrapped to ``width_pt`` when measured (by
    ``fit``), so their heights stand and paragraphs are not broken again.
    """
    y, previous_after = top_pt, 0.0
    for index, flowable in enumerate(flowables):
        gap = max(flowable.getSpaceBefore() if index else 0.0, previous_after)
        if wrapped:
            height = flowable.height
        else:
            _, height = flowable.wrap(width_pt, max(0.0, y - gap - bottom_pt))
        y -= gap + height
        draw_marked(canvas, flowable, x_pt, y)  # marked content, for a structure tree
        previous_after = flowable.getSpaceAfter()
    return y


def fit(
    build: Callable[[float], list[Flowable]],
    width_pt: float,
    height_pt: float,
    normal_pt: float,
    floor_pt: float,
) -> Fitted | Overflow:
    """A body size in [floor, normal] whose flowables fit the box, found in few layouts.

    Most text fits at the normal size: one layout. Otherwise each probe's
    height predicts the next size (height grows about with the square of the
    type size): from a size too big, the predicted size is tried; from one that
    fits, a larger one is tried while the gap to the smallest size known not to
    fit is more than ``CLOSE_ENOUGH_PT``. At most ``MAX_PROBES`` layouts past the
    first; then bisection settles what is left, down to the floor.
    """
    flows = build(normal_pt)
    needed = stacked_height(flows, width_pt, height_pt)
    if needed <= height_pt:
        return Fitted(flows, normal_pt, needed)
    too_big, best = normal_pt, None
    size = _predict(normal_pt, needed, height_pt, floor_pt, too_big)
    for _ in range(MAX_PROBES):
        flows = build(size)
        used = stacked_height(flows, width_pt, height_pt)
        if used <= height_pt:
            best = Fitted(flows, size, used)
            if too_big - size <= CLOSE_ENOUGH_PT:
                return best
        elif size <= floor_pt:
            return Overflow(used, height_pt, floor_pt)
        else:
            too_big = size
        low = best.body_pt if best else floor_pt
        size = _predict(size, used, height_pt, low, too_big)
        if best and size <= best.body_pt + 1e-9:
            return best
    return _bisect(build, width_pt, height_pt, floor_pt, too_big, best)


def _predict(size: float, used: float, room: float, low: float, too_big: float) -> float:
    """The next size to try, from how tall ``size`` came out, kept inside (low, too_big)."""
    guess = size * (room / used) ** 0.5 if used not in (0.0, float("inf")) else low
    if room < used < float("inf"):
        guess -= UNDERSHOOT_PT
    return _clamp(_round_down(guess), low, too_big - PRECISION_PT)


def _bisect(
    build: Callable[[float], list[Flowable]],
    width_pt: float,
    height_pt: float,
    floor_pt: float,
    too_big: float,
    best: Fitted | None,
) -> Fitted | Overflow:
    """What prediction left: bisection between the best fit and the smallest failure."""
    while True:
        low = best.body_pt if best else floor_pt
        size = _clamp(_round_down((low + too_big) / 2), floor_pt, too_big)
        if best and size <= best.body_pt + 1e-9:
            return best
        if not best and too_big - floor_pt <= PRECISION_PT + 1e-9:
            size = floor_pt  # the last size left to try
        flows = build(size)
        used = stacked_height(flows, width_pt, height_pt)
        if used <= height_pt:
            best = Fitted(flows, size, used)
        elif size <= floor_pt:
            return Overflow(used, height_pt, floor_pt)
        else:
            too_big = size


def _clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


def _round_down(size_pt: float) -> float:
    return int(size_pt / PRECISION_PT + 1e-9) * PRECISION_PT


def paginate(flowables: list[Flowable], width_pt: float, height_pt: float) -> list[list[Flowable]]:
    """Split a flow of flowables into pages of the given box, splitting paragraphs.

    Every flowable is wrapped once, at the column width, so drawing needs no
    new layout.
    """
    pages: list[list[Flowable]] = [[]]
    used, after = 0.0, 0.0
    queue = list(flowables)
    while queue:
        flowable = queue.pop(0)
        current = pages[-1]
        gap = max(flowable.getSpaceBefore(), after) if current else 0.0
        room = height_pt - used - gap
        _, height = flowable.wrap(width_pt, max(room, 0.0))
        if height <= room:
            current.append(flowable)
            used, after = used + gap + height, flowable.getSpaceAfter()
            continue
        parts = flowable.split(width_pt, room) if room > 0 else []
        if len(parts) > 1:
            _, first = parts[0].wrap(width_pt, room)
            current.append(parts[0])
            used, after = used + gap + first, parts[0].getSpaceAfter()
            queue[:0] = parts[1:]
        elif current:
            pages.append([])
            used, after = 0.0, 0.0
            queue.insert(0, flowable)
        else:  # taller than a whole page and cannot split: give it a page of its own
            current.append(flowable)
            pages.append([])
            used, after = 0.0, 0.0
    return [page for page in pages if page]
