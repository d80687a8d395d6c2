"""Text too long for one card or page, run on over as many as it needs.

At the normal body size, never smaller: broken only between blocks (a step
stays whole) unless one block alone is taller than a card, and then between
its lines, its number repeated where it goes on. The parts are balanced, so
the last is not left nearly empty; every part after the first opens with the
title marked as continued, and every part but the last ends with a cue.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_RIGHT
from reportlab.platypus import Flowable, Paragraph

from cards.layout.figure import Figure
from cards.layout.fit import stacked_height
from cards.layout.markup import Layout, plain_text
from cards.layout.parsed import paragraph
from cards.layout.styles import Styles

BALANCE_STEPS = 7  # halvings of the share of the room a part may fill
LEAST_SHARE = 0.3  # no part is made to hold less than this share of its room


@dataclass(frozen=True)
class ContinuedWords:
    """What a run-on card prints in the deck's language: the title's mark, the
    cue at the foot of every part but the last, and "part 1 of 3"."""

    continued: str
    continues: str
    part: str  # with {number} and {total}


@dataclass(frozen=True)
class RunOnMarks:
    """Makers of the flowables that mark a run-on: the heading of each later
    part, the cue at the end of each part but the last."""

    heading: Callable[[], Flowable]
    cue: Callable[[], Flowable]
    is_title: Callable[[Flowable], bool]  # the block the heading stands for


def run_on_marks(layout: Layout, styles: Styles, words: ContinuedWords) -> RunOnMarks:
    title = next((e for e in layout.blocks_tree() if e.tag == "title"), None)
    words_of_title = escape(plain_text(title)) if title is not None else ""
    marked = f"{words_of_title} ({escape(words.continued)})"
    cue_style = styles.note.clone("continues", alignment=TA_RIGHT)
    return RunOnMarks(
        heading=lambda: paragraph(marked, styles.title),
        cue=lambda: paragraph(f"{escape(words.continues)} →", cue_style),
        is_title=lambda flowable: getattr(flowable, "style", None) is styles.title,
    )


def run_on(
    flows: list[Flowable],
    width_pt: float,
    height_pt: float,
    marks: RunOnMarks,
    later_height_pt: float | None = None,
) -> list[list[Flowable]]:
    """``flows`` as parts that each fit ``width_pt`` × ``height_pt`` (the parts
    after the first ``later_height_pt``, where their furniture differs), marked.

    A picture that text flows around (``Figure``) stays with the first part,
    with as many of its blocks beside and below it as that part holds (the
    first part holds at least the picture's first block, the title).
    """
    at = next((i for i, f in enumerate(flows) if isinstance(f, Figure) and f.around), None)
    figure = flows[at] if at is not None else None
    units = list(flows) if at is None else [*flows[:at], *flows[at].inner, *flows[at + 1 :]]
    before = {id(unit) for unit in flows[:at]} if at is not None else set()
    inner = {id(unit) for unit in figure.inner} if figure else set()
    cue_pt = stacked_height([marks.cue()], width_pt)
    room_pt = height_pt - cue_pt  # every part but the last keeps room for its cue
    later_room_pt = (height_pt if later_height_pt is None else later_height_pt) - cue_pt

    def compose(first: bool, chunk: list[Flowable]) -> list[Flowable]:
        if not first:
            return [marks.heading(), *chunk]
        if figure is None:
            return list(chunk)
        ahead = [u for u in chunk if id(u) in before]
        beside = [u for u in chunk if id(u) in inner]
        after = [u for u in chunk if id(u) not in inner and id(u) not in before]
        if not beside:
            return [*ahead, *after]
        return [*ahead, Figure(figure.picture, beside, figure.side, figure.gap_pt, True), *after]

    heading = marks.heading()
    heading_pt = stacked_height([heading], width_pt)
    units = split_long_units(units, width_pt, later_room_pt - heading_pt - heading.getSpaceAfter())
    # the first part holds at least everything through the title
    title_at = next((i for i, unit in enumerate(units) if holds_title(unit, marks)), 0)
    parts = balanced_parts(
        units,
        lambda chunk: stacked_height(compose(True, chunk), width_pt),
        title_at + 1,
        (heading_pt, heading.getSpaceAfter()),
        room_pt,
        later_room_pt,
    )
    pages = [compose(number == 0, chunk) for number, chunk in enumerate(parts)]
    for page in pages[:-1]:
        page.append(marks.cue())
    return pages


def holds_title(unit: Flowable, marks: RunOnMarks) -> bool:
    """The title, or a block that holds it: a picture with the title beside it
    (``Figure``), a title given room of its own (``ReservedLines``)."""
    if marks.is_title(unit):
        return True
    inner = getattr(unit, "inner", None)
    if isinstance(inner, Flowable):
        return holds_title(inner, marks)
    if isinstance(inner, list):
        return any(holds_title(flowable, marks) for flowable in inner)
    return False


def split_long_units(units: list[Flowable], width_pt: float, room_pt: float) -> list[Flowable]:
    """Blocks as they are, but one taller than ``room_pt`` broken between its
    lines into pieces that fit; a step's continuation keeps its number."""
    out: list[Flowable] = []
    queue = list(units)
    while queue:
        unit = queue.pop(0)
        _, unit_pt = unit.wrap(width_pt, room_pt)
        unit.height = unit_pt
        if unit_pt <= room_pt:
            out.append(unit)
            continue
        pieces = unit.split(width_pt, room_pt)
        if len(pieces) < 2:
            out.append(unit)  # cannot be broken: it has a part of its own
            continue
        bullet = getattr(unit, "bulletText", None)
        for piece in pieces[1:]:
            if bullet and isinstance(piece, Paragraph):
                piece.bulletText = bullet
        out.append(pieces[0])
        queue[:0] = pieces[1:]
    return out


def balanced_parts(
    units: list[Flowable],
    first_height: Callable[[list[Flowable]], float],
    first_count: int,
    later_start: tuple[float, float],
    room_pt: float,
    later_room_pt: float,
) -> list[list[Flowable]]:
    """Units packed into as few parts as they need, then evened out: each part's
    text below what it must hold (the first part its first ``first_count``
    units, through the title; a later one its heading) fills no more than the
    smallest share of the room left that keeps that count.

    The first part is measured whole (text flows around its picture); a later
    one adds each unit's height to ``later_start`` (its heading's height and
    space after), so packing is linear in the number of units.
    """
    heights = [unit.height for unit in units]  # wrapped at the column by split_long_units
    first_count = max(1, min(first_count, len(units)))
    first_base = first_height(units[:first_count])
    later_base = later_start[0]

    def pack(share: float) -> list[list[Flowable]]:
        limit = first_base + share * max(room_pt - first_base, 0.0)
        later_limit = later_base + share * max(later_room_pt - later_base, 0.0)
        parts: list[list[Flowable]] = [list(units[:first_count])]
        index = first_count
        while index < len(units) and first_height([*parts[0], units[index]]) <= limit:
            parts[0].append(units[index])
            index += 1
        used, after = later_start
        for unit, unit_pt in zip(units[index:], heights[index:]):
            gap = max(unit.getSpaceBefore(), after)
            if len(parts) == 1 or (len(parts[-1]) and used + gap + unit_pt > later_limit):
                parts.append([])
                used, after = later_start
                gap = max(unit.getSpaceBefore(), after)
            parts[-1].append(unit)
            used, after = used + gap + unit_pt, unit.getSpaceAfter()
        return parts

    best = pack(1.0)
    low, high = LEAST_SHARE, 1.0
    for _ in range(BALANCE_STEPS):
        share = (low + high) / 2
        parts = pack(share)
        if len(parts) <= len(best):
            best, high = parts, share
        else:
            low = share
    return best
