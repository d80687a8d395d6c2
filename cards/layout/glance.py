"""Hold, repeat and pressure: the at-a-glance strip and the meta row, with drawn icons.

Icons are drawn with lines and circles, not taken from a font: a clock for
hold, a circular arrow for repeat, three dots filled 1–3 for pressure; each is
drawn once per file as a form and placed in the section colour.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from cards.layout.canvas import group, piece, said_as
from cards.layout.parsed import line_ends
from cards.layout.styles import Styles
from cards.layout.textline import begin_text, draw_line, line_width, said_for, text_out
from cards.layout.theme import (
    FONT_REGULAR,
    FONT_SEMIBOLD,
    paint,
)


@dataclass(frozen=True)
class MetaItem:
    kind: str  # hold, repeat or pressure
    text: str
    level: int = 0
    label: str = ""  # printed before the text with <meta labels="yes">
    name: str = ""  # what its icon means ("Hold"): read out where the icon is drawn


class MetaRow(Flowable):
    """Hold, repeat and pressure on one line (or more), each with a drawn icon.

    Icons are drawn with lines and circles, not taken from a font: a clock for
    hold, a circular arrow for repeat, three dots filled 1–3 for pressure.
    """

    role = "P"  # its structure role (layout/canvas.py, role_of)

    def spoken(self) -> str:
        """The row as read: each icon as its word ("Hold: 6–10 seconds; Pressure: medium")."""
        return "; ".join(
            f"{item.label or item.name}: {item.text}" if item.label or item.name else item.text
            for item in self.items
        )

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
        width: float = line_width(item.label, FONT_SEMIBOLD, self.styles.scale.meta_pt)
        return width + self.icon_pt * 0.4

    def _text_width(self, item: MetaItem) -> float:
        text: float = line_width(item.text, FONT_REGULAR, self.styles.scale.meta_pt)
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
            place_icon(canvas, item, x, middle, self.icon_pt, accent)
            text_x = x + self._icon_width(item)
            if item.label:
                canvas.setFillColor(paint(scale.grey, scale.cmyk))
                canvas.setFont(FONT_SEMIBOLD, scale.meta_pt)
                draw_line(
                    canvas,
                    text_x,
                    baseline,
                    item.label,
                    FONT_SEMIBOLD,
                    scale.meta_pt,
                    self.styles.language,
                )
                text_x += self._label_width(item)
            canvas.setFillColor(ink)
            canvas.setFont(FONT_REGULAR, scale.meta_pt)
            for index, text in enumerate(lines):
                draw_line(
                    canvas,
                    text_x,
                    baseline - index * self.line_pt,
                    text,
                    FONT_REGULAR,
                    scale.meta_pt,
                )


class GlanceRows(Flowable):
    """Hold, repeat and pressure, labelled, in the same places on every card and
    page: side by side in three columns (label above value) where the width
    allows, else one row each with the labels in a column of their own. A
    long value wraps inside its own column or row; pressure shows one to three
    dots before its word. An item with no value is left out (a "—" would say
    nothing). ``stacked`` sets
    every label above its value in one column where three columns do not fit
    (beside a booklet diagram), instead of rows."""

    role = "L"  # a labelled list of its items (layout/canvas.py, role_of)
    holds_others = True  # each item marked on its own: Lbl, then LBody

    def __init__(self, items: list[MetaItem], styles: Styles, stacked: bool = False):
        super().__init__()
        self.items, self.styles, self.all_stacked = items, styles, stacked
        scale = styles.scale
        self.size_pt = scale.meta_pt
        self.line_pt = scale.meta_pt * GLANCE_LEADING
        self.row_gap_pt = scale.meta_pt * GLANCE_ROW_GAP
        self.dot_pt = scale.meta_icon_pt * GLANCE_DOTS
        self.spaceAfter = scale.meta_gap_pt

    def _dots_width(self, item: MetaItem) -> float:
        return self.dot_pt * 3.0 if item.level else 0.0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        """Three columns where each value's longest word fits its column (equal
        columns when they can be, else each as wide as it needs), else a row
        each, the labels in a column of their own (a value whose longest word
        has no room there under its label): a word is never broken inside
        itself to keep the columns."""
        self.shown = [item for item in self.items if _valued(item)]  # "—" says nothing
        widths = self._column_widths(availWidth)
        self.columns = widths is not None
        self.stacked = [False] * len(self.shown)
        self.column_x: list[float] = []
        if widths is not None:
            x = 0.0
            for width in widths:
                self.column_x.append(x)
                x += width + self.size_pt
            self.label_pt = 0.0
        else:
            labels = [line_width(i.label, FONT_SEMIBOLD, self.size_pt) for i in self.shown]
            self.label_pt = max(labels, default=0.0) + self.size_pt * 0.9
            # a value whose longest word has no room beside the labels goes
            # under its label, at the full width
            self.stacked = [
                self.all_stacked
                or self._dots_width(item) + widest_word_pt(item.text, self.size_pt)
                > availWidth - self.label_pt
                for item in self.shown
            ]
            widths = [availWidth if under else availWidth - self.label_pt for under in self.stacked]
        self.values = []
        for item, width_pt in zip(self.shown, widths):
            room = width_pt - self._dots_width(item)
            self.values.append(split_text(item.text, self.size_pt, max(room, self.size_pt)))
        if not self.shown:
            self.height = 0.0
        elif self.columns:
            self.height = (1 + max(len(v) for v in self.values)) * self.line_pt
        else:
            lines = sum(len(v) + under for v, under in zip(self.values, self.stacked))
            self.height = lines * self.line_pt + max(len(self.values) - 1, 0) * self.row_gap_pt
        self.width = availWidth
        self.overflow = False
        return availWidth, self.height

    def _column_widths(self, available_pt: float) -> list[float] | None:
        """Each column's width, or None where the values are to go in rows."""
        if not self.shown or available_pt < GLANCE_COLUMNS_FROM * self.size_pt:
            return None
        gaps = self.size_pt * (len(self.shown) - 1)
        needed = [
            max(
                line_width(item.label, FONT_SEMIBOLD, self.size_pt),
                self._dots_width(item) + widest_word_pt(item.text, self.size_pt),
            )
            for item in self.shown
        ]
        equal = (available_pt - gaps) / len(self.shown)
        if all(width <= equal for width in needed):
            return [equal] * len(self.shown)
        spare = available_pt - gaps - sum(needed)
        if spare < 0:
            return None
        return [width + spare / len(self.shown) for width in needed]

    def draw(self) -> None:
        """Each item a list item of the structure tree: its label (``Lbl``),
        then its dots and value (``LBody``), the pressure read as its word."""
        canvas, scale = self.canv, self.styles.scale
        grey, ink = paint(scale.grey, scale.cmyk), paint(scale.ink, scale.cmyk)
        language = self.styles.language
        mirrored = self.styles.mirrored
        top = self.height
        for index, (item, lines) in enumerate(zip(self.shown, self.values)):
            if self.columns:
                x = self.column_x[index]
                label_at = (x, self._baseline(top))
                value_at = (x, self._baseline(top - self.line_pt))
            elif self.stacked[index]:
                label_at = (0.0, self._baseline(top))
                value_at = (0.0, self._baseline(top - self.line_pt))
                top -= (len(lines) + 1) * self.line_pt + self.row_gap_pt
            else:
                label_at = (0.0, self._baseline(top))
                value_at = (self.label_pt, label_at[1])
                top -= len(lines) * self.line_pt + self.row_gap_pt
            with group(canvas, "LI"):
                readable = said_for(item.label, language) is None and not mirrored
                with piece(canvas, "Lbl", item.label, item.label if readable else None):
                    width = line_width(item.label, FONT_SEMIBOLD, self.size_pt, language)
                    label = begin_text(canvas, self._from_start(label_at[0], width), label_at[1])
                    label.setFillColor(grey)
                    label.setFont(FONT_SEMIBOLD, self.size_pt)
                    text_out(label, item.label, FONT_SEMIBOLD, self.size_pt, language)
                    with said_as(canvas, said_for(item.label, language)):
                        canvas.drawText(label)
                # each line with the space it was broken at: the value copies
                # out as written
                ends = line_ends(list(lines), " ".join(item.text.split())) or [
                    (line, False) for line in lines
                ]
                drawn = "".join(line + " " * spaced for line, spaced in ends)
                readable = said_for(item.text, language) is None and not mirrored
                with piece(canvas, "LBody", item.text, drawn if readable else None):
                    value_x, value_y = value_at
                    if item.level:
                        accent = paint(scale.accent, scale.cmyk)
                        middle = value_y + self.size_pt * 0.33
                        dots = self._dots_width(item)
                        at = self._from_start(value_x, dots)
                        if mirrored:  # the dots at the right, the gap to their left
                            at += dots - icon_extent(item, self.dot_pt)
                        place_icon(canvas, item, at, middle, self.dot_pt, accent, mirrored)
                        value_x += dots
                    value = begin_text(canvas)
                    value.setFillColor(ink)
                    value.setFont(FONT_REGULAR, self.size_pt)
                    for number, (line, spaced) in enumerate(ends):
                        text = line + " " * spaced
                        width = line_width(line, FONT_REGULAR, self.size_pt, language)
                        x = self._from_start(value_x, width)
                        value.setTextOrigin(x, value_y - number * self.line_pt)
                        text_out(value, text, FONT_REGULAR, self.size_pt, language)
                    with said_as(canvas, said_for(item.text, language)):
                        canvas.drawText(value)

    def _from_start(self, x_pt: float, width_pt: float) -> float:
        """Where a piece ``x_pt`` from the strip's start begins: from the right
        edge, right to left (labels on the right, values to their left)."""
        if self.styles.mirrored:
            return self.width - x_pt - width_pt
        return x_pt

    def spoken(self) -> str:
        """The strip as a reader hears it: "Hold: 6–10 seconds; Pressure: medium"."""
        return "; ".join(f"{item.label}: {item.text}" for item in self.items if _valued(item))

    def _baseline(self, top: float) -> float:
        return top - self.line_pt + (self.line_pt - self.size_pt) * 0.5 + 0.12 * self.size_pt


def _valued(item: MetaItem) -> bool:
    return bool(item.text.strip() or item.level)


GLANCE_COLUMNS_FROM = 19  # glance in three columns when this many type sizes wide
GLANCE_LEADING = 1.2  # line height of the glance rows, times their type size
GLANCE_ROW_GAP = 0.2  # extra space between rows, times the type size
GLANCE_DOTS = 0.95  # the pressure dots' size, times the meta icon size


def split_text(text: str, size_pt: float, width_pt: float) -> list[str]:
    """Lines of ``text`` no wider than ``width_pt``, breaking between words; a
    word wider than a line alone is broken with a hyphen at the break."""
    return list(_split_text(text, size_pt, width_pt))


def widest_word_pt(text: str, size_pt: float) -> float:
    return max((line_width(w, FONT_REGULAR, size_pt) for w in text.split()), default=0.0)


@functools.lru_cache(maxsize=1024)  # the same few values ("3 times") on card after card
def _split_text(text: str, size_pt: float, width_pt: float) -> tuple[str, ...]:
    def width(part: str) -> float:
        measured: float = line_width(part, FONT_REGULAR, size_pt)
        return measured

    lines = []
    for line in _word_lines(text, width, max(width_pt, size_pt)):
        while width(line) > width_pt and len(line) > 1:
            cut = len(line) - 1
            while cut > 1 and width(line[:cut] + "-") > width_pt:
                cut -= 1
            lines.append(line[:cut] + "-")
            line = line[cut:]
        lines.append(line)
    return tuple(lines) or ("",)


def _word_lines(text: str, width: Any, width_pt: float) -> list[str]:
    """Words put on lines while they fit (a word wider than a line on its own)."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        joined = f"{current} {word}" if current else word
        if current and width(joined) > width_pt:
            lines.append(current)
            current = word
        else:
            current = joined
    return [*lines, current] if current else lines


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
    canvas.icons_defined = True


def place_icon(
    canvas: Canvas,
    item: MetaItem,
    x: float,
    middle: float,
    size: float,
    colour: Any,
    mirrored: bool = False,
) -> None:
    """An icon at (x, middle) in ``colour``: the file's form when it has one (drawn
    once, see ``define_icons``), else drawn on the spot. ``mirrored``: turned
    round where it stands, for a strip read from the right (the pressure
    dots fill from the right)."""
    canvas.saveState()
    canvas.setStrokeColor(colour)
    canvas.setFillColor(colour)
    if mirrored:
        canvas.translate(2 * x + icon_extent(item, size), 0)
        canvas.scale(-1, 1)
    if getattr(canvas, "icons_defined", False):
        canvas.translate(x, middle)
        canvas.scale(size / ICON_UNIT, size / ICON_UNIT)
        canvas.doForm(icon_name(item))
    else:
        canvas.setLineWidth(size * 0.1)
        draw_icon(canvas, item, x, middle, size)
    canvas.restoreState()


PRESSURE_DOT = 0.32  # a pressure dot's radius, times the icon size
PRESSURE_PITCH = 2.6  # dot to dot, times a dot's radius


def icon_extent(item: MetaItem, size: float) -> float:
    """How wide an icon is drawn from its x: three dots, or one sign."""
    if item.kind in ("hold", "repeat"):
        return size
    return size * PRESSURE_DOT * (2 + 2 * PRESSURE_PITCH)


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
        dot = size * PRESSURE_DOT
        for i in range(3):
            canvas.circle(
                x + dot + i * dot * PRESSURE_PITCH,
                middle,
                dot,
                stroke=1,
                fill=1 if i < item.level else 0,
            )
