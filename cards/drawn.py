"""Flowables drawn by hand: meta rows with icons, contents lines, colour keys,
ruled lines, and a picture beside text.

Each takes plain values (text, colours, sizes) and a ``Styles``; none reads
layout markup, which stays in ``cards.markup``.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from cards.colour import text_colour_on
from cards.fit import lay_stack, paginate
from cards.images import ImageTrouble, bitmap_size, read_svg, svg_drawing
from cards.problems import ERROR, ContentError, Problem
from cards.styles import Styles
from cards.theme import FONT_REGULAR, FONT_SEMIBOLD, paint

FIGURE_OVERHANG = 1.3  # how far below a picture a block beside it may reach, times its height


class Figure(Flowable):
    """A picture in a column of its own beside a stack of text blocks.

    With ``around``, the text runs beside the picture only as far down as the
    picture reaches (a paragraph that crosses its foot is split there) and
    continues below it at the full width, as text flows around a figure in a
    book.
    """

    def __init__(
        self,
        picture: Flowable,
        inner: list[Flowable],
        side: str,
        gap_pt: float,
        around: bool = False,
    ):
        super().__init__()
        self.picture, self.inner, self.side, self.gap_pt = picture, inner, side, gap_pt
        self.around = around
        self.overflow = False

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
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
        text_x = 0.0 if self.side == "right" else self.picture_w + self.gap_pt
        picture_x = self.text_w + self.gap_pt if self.side == "right" else 0.0
        self.picture.drawOn(self.canv, picture_x, self.height - self.picture_h)
        for flowable, bottom in self.placed:
            flowable.drawOn(self.canv, text_x, self.height - bottom)
        for flowable, bottom in self.below:
            flowable.drawOn(self.canv, 0.0, self.height - self.below_top - bottom)


@lru_cache(maxsize=64)
def _picture(source: str, stamp: tuple[int, int]) -> tuple[Any, float, float]:
    """The checked picture (an SVG drawing, or a bitmap's path) and its size.

    Keyed by the file's size and modification time as well as its path, so a
    picture replaced under ``--watch`` is read again.
    """
    path = Path(source)
    if path.suffix.lower() == ".svg":
        drawing = svg_drawing(read_svg(path), path, FONT_REGULAR)
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


@dataclass(frozen=True)
class MetaItem:
    kind: str  # hold, repeat or pressure
    text: str
    level: int = 0
    label: str = ""  # printed before the text with <meta labels="yes">


class MetaRow(Flowable):
    """Hold, repeat and pressure on one line (or more), each with a drawn icon.

    Icons are drawn with lines and circles, not taken from a font: a clock for
    hold, a circular arrow for repeat, three dots filled 1–3 for pressure.
    """

    def __init__(self, items: list[MetaItem], styles: Styles):
        super().__init__()
        self.items = items
        self.styles = styles
        scale = styles.scale
        self.icon_pt = scale.meta_icon_pt
        self.gap_pt = scale.meta_item_gap_pt
        self.line_pt = scale.meta_pt * 1.5
        self.spaceAfter = scale.meta_gap_pt
        self.placed: list[tuple[MetaItem, float, int, list[str]]] = []

    def _icon_width(self, item: MetaItem) -> float:
        return self.icon_pt * (2.6 if item.kind == "pressure" else 1.0) + self.icon_pt * 0.4

    def _label_width(self, item: MetaItem) -> float:
        if not item.label:
            return 0.0
        width: float = stringWidth(item.label, FONT_SEMIBOLD, self.styles.scale.meta_pt)
        return width + self.icon_pt * 0.4

    def _text_width(self, item: MetaItem) -> float:
        text: float = stringWidth(item.text, FONT_REGULAR, self.styles.scale.meta_pt)
        return self._label_width(item) + text

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        """Items side by side while they fit; an item too wide for a line of its
        own has its text broken over several lines beside its icon."""
        self.placed, x, line = [], 0.0, 0
        self.width = availWidth
        for item in self.items:
            width = self._icon_width(item) + self._text_width(item)
            if x and x + width > availWidth:
                x, line = 0.0, line + 1
            room = availWidth - x - self._icon_width(item) - self._label_width(item)
            lines = [item.text]
            if x + width > availWidth + 0.01:
                lines = split_text(item.text, self.styles.scale.meta_pt, room)
            self.placed.append((item, x, line, lines))
            x += width + self.gap_pt
            line += len(lines) - 1
            if len(lines) > 1:
                x = availWidth  # nothing more on the last line of a broken item
        self.lines = line + 1
        self.overflow = False  # split_text breaks even a word, so every item fits
        self.height = self.lines * self.line_pt
        return availWidth, self.height

    def draw(self) -> None:
        canvas = self.canv
        scale = self.styles.scale
        accent, ink = paint(scale.accent, scale.cmyk), paint(scale.ink, scale.cmyk)
        for item, x, line, lines in self.placed:
            baseline = (
                self.height
                - (line + 1) * self.line_pt
                + (self.line_pt - scale.meta_pt) / 2
                + 0.15 * scale.meta_pt
            )
            middle = baseline + scale.meta_pt * 0.33
            canvas.saveState()
            canvas.setStrokeColor(accent)
            canvas.setFillColor(accent)
            if getattr(canvas, "cards_icons", False):
                # drawn once per file as a form; it takes the colour set here
                canvas.translate(x, middle)
                canvas.scale(self.icon_pt / ICON_UNIT, self.icon_pt / ICON_UNIT)
                canvas.doForm(icon_name(item))
            else:
                canvas.setLineWidth(self.icon_pt * 0.1)
                draw_icon(canvas, item, x, middle, self.icon_pt)
            canvas.restoreState()
            text_x = x + self._icon_width(item)
            if item.label:
                canvas.setFillColor(paint(scale.grey, scale.cmyk))
                canvas.setFont(FONT_SEMIBOLD, scale.meta_pt)
                canvas.drawString(text_x, baseline, item.label)
                text_x += self._label_width(item)
            canvas.setFillColor(ink)
            canvas.setFont(FONT_REGULAR, scale.meta_pt)
            for index, text in enumerate(lines):
                canvas.drawString(text_x, baseline - index * self.line_pt, text)


class GlanceRows(Flowable):
    """Hold, repeat and pressure, labelled, in the same places on every card and
    page: side by side in three columns (label above value) where the width
    allows, else one row each with the labels in a column of their own. A
    long value wraps inside its own column or row; pressure shows one to three
    dots before its word."""

    def __init__(self, items: list[MetaItem], styles: Styles):
        super().__init__()
        self.items, self.styles = items, styles
        scale = styles.scale
        self.size_pt = scale.meta_pt
        self.line_pt = scale.meta_pt * GLANCE_LEADING
        self.row_gap_pt = scale.meta_pt * GLANCE_ROW_GAP
        self.dot_pt = scale.meta_icon_pt * GLANCE_DOTS
        self.spaceAfter = scale.meta_gap_pt

    def _dots_width(self, item: MetaItem) -> float:
        return self.dot_pt * 3.0 if item.level else 0.0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.columns = availWidth >= GLANCE_COLUMNS_FROM * self.size_pt and bool(self.items)
        if self.columns:
            self.column_pt = availWidth / len(self.items)
            self.label_pt = 0.0
        else:
            labels = [stringWidth(i.label, FONT_SEMIBOLD, self.size_pt) for i in self.items]
            self.label_pt = max(labels, default=0.0) + self.size_pt * 0.9
        self.values = []
        for item in self.items:
            room = (
                self.column_pt - self.size_pt
                if self.columns
                else availWidth - self.label_pt - self._dots_width(item)
            )
            room -= self._dots_width(item) if self.columns else 0.0
            self.values.append(split_text(item.text, self.size_pt, max(room, self.size_pt)))
        if self.columns:
            self.height = (1 + max(len(v) for v in self.values)) * self.line_pt
        else:
            lines = sum(len(v) for v in self.values)
            self.height = lines * self.line_pt + max(len(self.values) - 1, 0) * self.row_gap_pt
        self.width = availWidth
        self.overflow = False
        return availWidth, self.height

    def draw(self) -> None:
        top = self.height
        for index, (item, lines) in enumerate(zip(self.items, self.values)):
            if self.columns:
                x = index * self.column_pt
                self._label(item, x, self._baseline(top))
                self._value(item, lines, x, self._baseline(top - self.line_pt))
            else:
                baseline = self._baseline(top)
                self._label(item, 0.0, baseline)
                self._value(item, lines, self.label_pt, baseline)
                top -= len(lines) * self.line_pt + self.row_gap_pt

    def _baseline(self, top: float) -> float:
        return top - self.line_pt + (self.line_pt - self.size_pt) * 0.5 + 0.12 * self.size_pt

    def _label(self, item: MetaItem, x: float, baseline: float) -> None:
        scale = self.styles.scale
        self.canv.setFillColor(paint(scale.grey, scale.cmyk))
        self.canv.setFont(FONT_SEMIBOLD, self.size_pt)
        self.canv.drawString(x, baseline, item.label)

    def _value(self, item: MetaItem, lines: list[str], x: float, baseline: float) -> None:
        canvas, scale = self.canv, self.styles.scale
        if item.level:
            accent = paint(scale.accent, scale.cmyk)
            canvas.saveState()
            canvas.setStrokeColor(accent)
            canvas.setFillColor(accent)
            middle = baseline + self.size_pt * 0.33
            if getattr(canvas, "cards_icons", False):  # the file's icon form, in this colour
                canvas.translate(x, middle)
                canvas.scale(self.dot_pt / ICON_UNIT, self.dot_pt / ICON_UNIT)
                canvas.doForm(icon_name(item))
            else:
                canvas.setLineWidth(self.dot_pt * 0.1)
                draw_icon(canvas, item, x, middle, self.dot_pt)
            canvas.restoreState()
            x += self._dots_width(item)
        canvas.setFillColor(paint(scale.ink, scale.cmyk))
        canvas.setFont(FONT_REGULAR, self.size_pt)
        for index, text in enumerate(lines):
            canvas.drawString(x, baseline - index * self.line_pt, text)


GLANCE_COLUMNS_FROM = 19  # glance in three columns when this many type sizes wide
GLANCE_LEADING = 1.3  # line height of the glance rows, times their type size
GLANCE_ROW_GAP = 0.3  # extra space between rows, times the type size
GLANCE_DOTS = 0.95  # the pressure dots' size, times the meta icon size


def split_text(text: str, size_pt: float, width_pt: float) -> list[str]:
    """Lines of ``text`` no wider than ``width_pt``, breaking inside a word only
    when one word alone is wider."""
    from reportlab.lib.utils import simpleSplit

    lines = []
    for line in simpleSplit(text, FONT_REGULAR, size_pt, max(width_pt, size_pt)):
        while stringWidth(line, FONT_REGULAR, size_pt) > width_pt and len(line) > 1:
            cut = len(line) - 1
            while cut > 1 and stringWidth(line[:cut], FONT_REGULAR, size_pt) > width_pt:
                cut -= 1
            lines.append(line[:cut])
            line = line[cut:]
        lines.append(line)
    return lines or [""]


ICON_UNIT = 10.0  # icons are drawn once at this size and scaled where placed


def icon_name(item: MetaItem) -> str:
    return f"icon-{item.kind}-{item.level}" if item.kind == "pressure" else f"icon-{item.kind}"


def define_icons(canvas: Canvas) -> None:
    """Draw each meta icon once into a form of the file, so every card reuses it.

    The forms set no colour: each use takes the section colour in force.
    Must run before the first page is drawn.
    """
    icons = [MetaItem("hold", ""), MetaItem("repeat", "")] + [
        MetaItem("pressure", "", n) for n in range(4)
    ]
    for item in icons:
        canvas.beginForm(icon_name(item), -ICON_UNIT, -ICON_UNIT, 4 * ICON_UNIT, ICON_UNIT)
        canvas.setLineWidth(ICON_UNIT * 0.1)
        draw_icon(canvas, item, 0, 0, ICON_UNIT)
        canvas.endForm()
    canvas.cards_icons = True


def draw_icon(canvas: Canvas, item: MetaItem, x: float, middle: float, size: float) -> None:
    radius = size * 0.45
    cx = x + size / 2
    if item.kind == "hold":
        canvas.circle(cx, middle, radius, stroke=1, fill=0)
        canvas.line(cx, middle, cx, middle + radius * 0.65)
        canvas.line(cx, middle, cx + radius * 0.5, middle)
    elif item.kind == "repeat":
        start_deg, extent_deg = 70.0, 270.0
        canvas.arc(
            cx - radius, middle - radius, cx + radius, middle + radius, start_deg, extent_deg
        )
        end = math.radians(start_deg + extent_deg)
        ex, ey = cx + radius * math.cos(end), middle + radius * math.sin(end)
        tx, ty = -math.sin(end), math.cos(end)  # direction of travel, anticlockwise
        nx, ny = math.cos(end), math.sin(end)
        head = radius * 0.55
        path = canvas.beginPath()
        path.moveTo(ex + tx * head, ey + ty * head)
        path.lineTo(ex + nx * head * 0.6, ey + ny * head * 0.6)
        path.lineTo(ex - nx * head * 0.6, ey - ny * head * 0.6)
        path.close()
        canvas.drawPath(path, stroke=0, fill=1)
    else:
        dot = size * 0.32
        for i in range(3):
            canvas.circle(
                x + dot + i * dot * 2.6, middle, dot, stroke=1, fill=1 if i < item.level else 0
            )


class ColourKey(Flowable):
    """A swatch in a section's colour with its number and name (the cover's key)."""

    def __init__(self, colour: str, number: str, text: str, styles: Styles):
        super().__init__()
        self.colour, self.number, self.text, self.styles = colour, number, text, styles
        self.size_pt = styles.scale.entry_pt
        self.spaceAfter = self.size_pt * 0.5

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        self.height = self.size_pt * 1.5
        return availWidth, self.height

    def draw(self) -> None:
        canvas, size = self.canv, self.size_pt
        swatch = self.height
        canvas.setFillColor(paint(self.colour, self.styles.scale.cmyk))
        canvas.rect(0, 0, swatch, swatch, stroke=0, fill=1)
        canvas.setFillColor(paint(text_colour_on(self.colour), self.styles.scale.cmyk))
        canvas.setFont(FONT_SEMIBOLD, size * 0.9)
        canvas.drawCentredString(swatch / 2, swatch / 2 - size * 0.31, self.number)
        canvas.setFillColor(paint(self.styles.scale.ink, self.styles.scale.cmyk))
        canvas.setFont(FONT_REGULAR, size)
        canvas.drawString(swatch + size * 0.7, swatch / 2 - size * 0.34, self.text)


class ContentsEntry(Flowable):
    """A contents line: title, dotted leader, page number, the whole line a link.

    The page number is looked up when drawn, so the contents can be laid out
    before the pages it points to are numbered.
    """

    def __init__(
        self,
        level: int,
        colour: str | None,
        number: str,
        target: str,
        text: str,
        styles: Styles,
        page_of: dict[str, int],
    ):
        super().__init__()
        self.level, self.colour, self.number, self.target = level, colour, number, target
        self.text, self.styles, self.page_of = text, styles, page_of
        self.size_pt = styles.scale.entry_pt * (1.1 if self.level == 1 else 1.0)
        self.font = FONT_SEMIBOLD if self.level == 1 else FONT_REGULAR
        self.spaceBefore = self.size_pt * (0.9 if self.level == 1 else 0)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        self.height = self.size_pt * 1.45
        self.overflow = False
        return availWidth, self.height

    def draw(self) -> None:
        canvas, size = self.canv, self.size_pt
        scale = self.styles.scale
        page = self.page_of.get(self.target)
        if page is None:  # a target the booklet does not have (no notes pages)
            return
        baseline = self.height * 0.28
        indent = size * 1.6
        ink = paint(scale.ink, scale.cmyk)
        if self.level == 1 and self.colour:
            canvas.setFillColor(paint(self.colour, self.styles.scale.cmyk))
            canvas.rect(0, baseline - size * 0.15, size * 1.1, size * 1.1, stroke=0, fill=1)
            canvas.setFillColor(paint(text_colour_on(self.colour), self.styles.scale.cmyk))
            canvas.setFont(FONT_SEMIBOLD, size * 0.75)
            canvas.drawCentredString(size * 0.55, baseline + size * 0.1, self.number)
        x = indent if self.level == 1 else indent + size * 0.6
        number = str(page)
        number_width = stringWidth("000", FONT_REGULAR, size)
        room = self.width - x - number_width - size
        text = self.text
        while text and stringWidth(text, self.font, size) > room:
            text = text[:-2] + "…"
        canvas.setFillColor(
            paint(self.colour, self.styles.scale.cmyk) if self.level == 1 and self.colour else ink
        )
        canvas.setFont(self.font, size)
        canvas.drawString(x, baseline, text)
        end = x + stringWidth(text, self.font, size) + size * 0.4
        leader_end = self.width - number_width - size * 0.4
        pitch = size * 0.45  # one dot every this many points
        dots = int((leader_end - end) // pitch)
        if dots > 0:  # one run of text, so the contents line extracts as one line
            dot_width = stringWidth(".", FONT_REGULAR, size)
            canvas.saveState()  # the character spacing must not reach the page number
            leader = canvas.beginText(leader_end - dots * pitch, baseline)
            leader.setFont(FONT_REGULAR, size)
            leader.setCharSpace(pitch - dot_width)
            leader.setFillColor(paint(scale.grey, scale.cmyk))
            leader.textOut("." * dots)
            canvas.drawText(leader)
            canvas.restoreState()
        canvas.setFillColor(ink)
        canvas.drawRightString(self.width, baseline, number)
        if getattr(canvas, "cards_links", False):
            canvas.linkRect(
                "", self.target, (0, 0, self.width, self.height), relative=1, thickness=0
            )


class Rules(Flowable):
    """Ruled lines for notes, filling what is left of the page."""

    def __init__(self, styles: Styles):
        super().__init__()
        self.styles = styles
        self.gap_pt = styles.scale.body_pt * 2.4

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        self.height = 0.0 if availHeight > 1e5 else availHeight
        return availWidth, self.height

    def draw(self) -> None:
        canvas = self.canv
        canvas.setStrokeColor(paint(self.styles.scale.grey, self.styles.scale.cmyk))
        canvas.setLineWidth(0.3)
        y = self.height - self.gap_pt
        while y >= 0:
            canvas.line(0, y, self.width, y)
            y -= self.gap_pt


class Callout(Flowable):
    """Blocks in a tinted box with a rule down its left side: a note to heed."""

    def __init__(self, inner: list[Flowable], styles: Styles):
        super().__init__()
        self.inner, self.styles = inner, styles
        self.pad_pt = styles.scale.body_pt * 0.9
        self.rule_pt = styles.scale.body_pt * 0.3
        self.spaceBefore = styles.scale.paragraph_gap_pt * 2
        self.overflow = False

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        stack = lay_stack(self.inner, availWidth - 2 * self.pad_pt - self.rule_pt, availHeight)
        self.placed, self.overflow = stack.placed, stack.too_wide
        self.width, self.height = availWidth, stack.height_pt + 2 * self.pad_pt
        return self.width, self.height

    def draw(self) -> None:
        canvas, scale = self.canv, self.styles.scale
        canvas.saveState()
        canvas.setFillColor(paint(CALLOUT_TINT, scale.cmyk))
        canvas.rect(0, 0, self.width, self.height, stroke=0, fill=1)
        canvas.setFillColor(paint(scale.accent, scale.cmyk))
        canvas.rect(0, 0, self.rule_pt, self.height, stroke=0, fill=1)
        canvas.restoreState()
        left = self.rule_pt + self.pad_pt
        for flowable, bottom in self.placed:
            flowable.drawOn(canvas, left, self.height - self.pad_pt - bottom)


CALLOUT_TINT = "#F1EEE8"  # a warm paper grey: reads as a box without a border
