"""A picture beside text: ``Figure``, and pictures read from the deck as flowables."""

from __future__ import annotations

import copy
from functools import lru_cache
from pathlib import Path
from typing import Any

from reportlab.platypus import Flowable

from cards.images import ImageTrouble, bitmap_size, read_svg, svg_drawing
from cards.layout.canvas import draw_marked
from cards.layout.fit import lay_stack, paginate
from cards.layout.theme import (
    FONT_REGULAR,
    FONT_SEMIBOLD,
)
from cards.problems import ERROR, ContentError, Problem

WIDE = 1.2  # a picture this many times as wide as tall is wide (``wide_below``)
GROW_STEPS = 12  # halvings to find how tall a picture may grow beside its text
FIGURE_OVERHANG = 1.3  # how far below a picture a block beside it may reach, times its height


class Figure(Flowable):
    """A picture in a column of its own beside a stack of text blocks.

    With ``around``, the text runs beside the picture only as far down as the
    picture reaches (a paragraph that crosses its foot is split there) and
    continues below it at the full width, as text flows around a figure in a
    book.

    With ``wide_below``, a picture wider than tall (``WIDE``) goes below the
    blocks instead, centred, and may grow to the full width: a side view of a
    foot beside a narrow column would leave both small.
    """

    role = ""  # a picture and the text beside it, each read in its place: no group
    holds_others = True  # a group in the structure tree (layout/canvas.py, draw_marked)

    def __init__(
        self,
        picture: Flowable,
        inner: list[Flowable],
        side: str,
        gap_pt: float,
        around: bool = False,
        wide_below: bool = False,
    ):
        super().__init__()
        self.picture, self.inner, self.side, self.gap_pt = picture, inner, side, gap_pt
        self.around = around
        self.overflow = False
        self.below_text = wide_below and _wide(picture)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.avail_pt = (availWidth, availHeight)
        if self.below_text:
            return self._wrap_below(availWidth, availHeight)
        picture_w, self.picture_h = self.picture.wrap(availWidth, availHeight)
        self.picture_w = picture_w
        self.text_w = availWidth - picture_w - self.gap_pt
        beside, below = (
            self._beside(self.text_w) if self.around and self.text_w > 0 else (self.inner, [])
        )
        self.beside_source, self.below_source = beside, below
        stack = lay_stack(beside, max(self.text_w, 1), availHeight)
        self.placed, self.spaceAfter = stack.placed, stack.space_after_pt
        self.overflow = self.text_w <= 0 or stack.too_wide
        top = max(stack.height_pt, self.picture_h)
        self.below, self.below_top = [], top
        if below:
            gap = max(stack.space_after_pt, below[0].getSpaceBefore(), self.gap_pt / 2)
            rest = lay_stack(below, availWidth, max(availHeight - top - gap, 0.0))
            self.below, self.below_top = rest.placed, top + gap
            self.spaceAfter = rest.space_after_pt
            self.overflow |= rest.too_wide
            top += gap + rest.height_pt
        self.width, self.height = availWidth, top
        return availWidth, self.height

    def _wrap_below(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        widen = getattr(self.picture, "widen", None)
        if widen is not None:
            widen(availWidth)
        stack = lay_stack(self.inner, availWidth, availHeight)
        self.placed, self.below, self.overflow = stack.placed, [], stack.too_wide
        self.picture_w, self.picture_h = self.picture.wrap(availWidth, availHeight)
        self.text_w, self.below_top = availWidth, 0.0
        self.text_h = stack.height_pt + (
            max(stack.space_after_pt, self.gap_pt / 2) if self.inner else 0.0
        )
        self.spaceAfter = 0.0
        self.width, self.height = availWidth, self.text_h + self.picture_h
        return availWidth, self.height

    def grow(self, room_pt: float) -> float:
        """A picture that can grow (a booklet page's diagram) made as tall as
        ``room_pt`` allows, the text beside it wrapped again; how much taller
        the figure came out. Only a figure with nothing below it grows."""
        grow = getattr(self.picture, "grow", None)
        if grow is None or self.below or room_pt <= 0:
            return 0.0
        if self.below_text:  # the text above does not change: all the room is the picture's
            before = float(self.height)
            grow(room_pt)
            self.wrap(*self.avail_pt)
            return float(self.height) - before
        before, start = self.height, self.picture_h
        grow(room_pt + max(0.0, before - start))  # up to the text's foot is free
        self.wrap(*self.avail_pt)
        if self.height - before > room_pt:  # the text beside it, narrower, grew too much
            low, high = start, self.picture_h
            for _ in range(GROW_STEPS):
                middle = (low + high) / 2
                self.picture.resize(middle)
                self.wrap(*self.avail_pt)
                low, high = (middle, high) if self.height - before <= room_pt else (low, middle)
            self.picture.resize(low)
            self.wrap(*self.avail_pt)
        return float(self.height) - float(before)

    def _beside(self, width_pt: float) -> tuple[list[Flowable], list[Flowable]]:
        """The blocks that fit beside the picture, and the rest.

        Blocks are never split across the picture's foot (a step broken by a
        gap reads as two); one may reach a little below it instead.
        """
        beside: list[Flowable] = []
        used, after = 0.0, 0.0
        reach = self.picture_h * FIGURE_OVERHANG
        for index, flowable in enumerate(self.inner):
            if used >= self.picture_h:
                return beside, list(self.inner[index:])
            gap = max(flowable.getSpaceBefore() if beside else 0.0, after)
            _, height = flowable.wrap(width_pt, 1e6)
            if used + gap + height > reach:
                return beside, list(self.inner[index:])
            beside.append(flowable)
            used, after = used + gap + height, flowable.getSpaceAfter()
        return beside, []

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        """What fits: the picture with the blocks beside it and as much of the
        text below it as the height allows; the rest as plain blocks."""
        self.wrap(availWidth, availHeight)
        if self.height <= availHeight:
            return [self]
        room = availHeight - self.below_top
        if not self.around or not self.below_source or room <= 0:
            return []
        pages = paginate(self.below_source, availWidth, room)
        first = pages[0] if pages and sum(map(len, pages)) else []
        head = Figure(self.picture, self.beside_source + first, self.side, self.gap_pt, around=True)
        return [head, *(flowable for page in pages[1:] for flowable in page)]

    def draw(self) -> None:
        if self.below_text:
            for flowable, bottom in self.placed:
                draw_marked(self.canv, flowable, 0.0, self.height - bottom)
            draw_marked(self.canv, self.picture, (self.width - self.picture_w) / 2, 0.0)
            return
        text_x = 0.0 if self.side == "right" else self.picture_w + self.gap_pt
        picture_x = self.text_w + self.gap_pt if self.side == "right" else 0.0
        # the text beside first, then the picture: a reader hears the title
        # before the diagram it heads
        for flowable, bottom in self.placed:
            draw_marked(self.canv, flowable, text_x, self.height - bottom)
        draw_marked(self.canv, self.picture, picture_x, self.height - self.picture_h)
        for flowable, bottom in self.below:
            draw_marked(self.canv, flowable, 0.0, self.height - self.below_top - bottom)


def _wide(picture: Flowable) -> bool:
    width, height = float(getattr(picture, "width", 0.0)), float(getattr(picture, "height", 0.0))
    return height > 0 and width > height * WIDE


class Described(Flowable):
    """A picture (a ReportLab ``Image`` or ``Drawing``) with its alternative
    text: what a reader hears in its place (``alt``)."""

    role = "Figure"  # its structure role (layout/canvas.py, role_of)

    def __init__(self, picture: Flowable, alt: str):
        super().__init__()
        self.picture, self.alt = picture, alt
        self.hAlign = getattr(picture, "hAlign", "LEFT")
        self.width = float(getattr(picture, "width", 0.0))
        self.height = float(getattr(picture, "height", 0.0))

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width, self.height = self.picture.wrap(availWidth, availHeight)
        return self.width, self.height

    def draw(self) -> None:
        self.picture.drawOn(self.canv, 0, 0)


@lru_cache(maxsize=64)
def _picture(source: str, stamp: tuple[int, int]) -> tuple[Any, float, float]:
    """The checked picture (an SVG drawing, or a bitmap's path) and its size.

    Keyed by the file's size and modification time as well as its path, so a
    picture replaced under ``--watch`` is read again.
    """
    path = Path(source)
    if path.suffix.lower() == ".svg":
        drawing = svg_drawing(read_svg(path), path, FONT_REGULAR, FONT_SEMIBOLD)
        return drawing, drawing.width, drawing.height
    width, height = bitmap_size(path)
    return source, float(width), float(height)


def load_image(source: str, width_pt: float) -> Flowable:
    """The picture at ``width_pt`` wide, its proportions kept; a bad file is an error naming it."""
    path = Path(source)
    try:
        stat = path.stat()
        picture, width, height = _picture(source, (stat.st_size, stat.st_mtime_ns))
    except OSError as exc:
        reason = f"cannot read the file ({exc.strerror or 'unreadable'})"
        raise ContentError([Problem(path, 1, ERROR, reason)]) from None
    except ImageTrouble as exc:
        raise ContentError([Problem(path, 1, ERROR, str(exc))]) from None
    factor = width_pt / width
    if isinstance(picture, str):
        from reportlab.platypus import Image

        return Image(picture, width=width_pt, height=height * factor)
    drawing = copy.deepcopy(picture)  # each use scales its own copy
    drawing.scale(factor, factor)
    drawing.width, drawing.height = width_pt, height * factor
    return drawing
