"""Fit flowables into a box: set smaller by bisection down to a floor, or report overflow.

The body size is the one thing that shrinks. Bisection finds the largest size
(to ``PRECISION_PT``) that fits in a handful of layouts, instead of trying
every step from the normal size down.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from reportlab.platypus import Flowable

PRECISION_PT = 0.05


@dataclass(frozen=True)
class Fitted:
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


def stacked_height(flowables: list[Flowable], width_pt: float, height_pt: float = 1e6) -> float:
    """Height of flowables stacked in a column, as ``draw_stack`` places them.

    Infinite when something cannot be made narrow enough for the column.
    """
    total, previous_after = 0.0, 0.0
    for index, flowable in enumerate(flowables):
        gap = max(flowable.getSpaceBefore() if index else 0.0, previous_after)
        width, height = flowable.wrap(width_pt, max(0.0, height_pt - total - gap))
        if width > width_pt + 0.01 or getattr(flowable, "overflow", False):
            return float("inf")
        total += gap + height
        previous_after = flowable.getSpaceAfter()
    return total


def draw_stack(
    canvas, flowables: list[Flowable], x_pt: float, top_pt: float, width_pt: float, bottom_pt: float = -1e6
) -> float:
    """Draw flowables top-down from ``top_pt``; returns the y where the last one ends."""
    y, previous_after = top_pt, 0.0
    for index, flowable in enumerate(flowables):
        gap = max(flowable.getSpaceBefore() if index else 0.0, previous_after)
        _, height = flowable.wrap(width_pt, max(0.0, y - gap - bottom_pt))
        y -= gap + height
        flowable.drawOn(canvas, x_pt, y)
        previous_after = flowable.getSpaceAfter()
    return y


def fit(
    build: Callable[[float], list[Flowable]],
    width_pt: float,
    height_pt: float,
    normal_pt: float,
    floor_pt: float,
) -> Fitted | Overflow:
    """The largest body size in [floor, normal] whose flowables fit the box."""
    flows = build(normal_pt)
    needed = stacked_height(flows, width_pt, height_pt)
    if needed <= height_pt:
        return Fitted(flows, normal_pt, needed)
    smallest = build(floor_pt)
    smallest_needed = stacked_height(smallest, width_pt, height_pt)
    if smallest_needed > height_pt:
        return Overflow(smallest_needed, height_pt, floor_pt)
    low, high = floor_pt, normal_pt  # low fits, high does not
    best = Fitted(smallest, floor_pt, smallest_needed)
    while high - low > PRECISION_PT:
        middle = (low + high) / 2
        flows = build(middle)
        needed = stacked_height(flows, width_pt, height_pt)
        if needed <= height_pt:
            low, best = middle, Fitted(flows, middle, needed)
        else:
            high = middle
    return best


def paginate(flowables: list[Flowable], width_pt: float, height_pt: float) -> list[list[Flowable]]:
    """Split a flow of flowables into pages of the given box, splitting paragraphs."""
    pages: list[list[Flowable]] = [[]]
    queue = list(flowables)
    while queue:
        flowable = queue.pop(0)
        current = pages[-1]
        used = stacked_height(current, width_pt, height_pt)
        gap = max(flowable.getSpaceBefore(), current[-1].getSpaceAfter()) if current else 0.0
        room = height_pt - used - gap
        _, height = flowable.wrap(width_pt, max(room, 0.0))
        if height <= room:
            current.append(flowable)
            continue
        parts = flowable.split(width_pt, room) if room > 0 else []
        if len(parts) > 1:
            current.append(parts[0])
            queue[:0] = parts[1:]
        elif current:
            pages.append([])
            queue.insert(0, flowable)
        else:  # taller than a whole page and cannot split: give it a page of its own
            current.append(flowable)
            pages.append([])
    return [page for page in pages if page]
