"""Flowables of cards and pages: reserved title room, colour keys, contents
lines, ruled lines, boxes.

Each takes plain values (text, colours, sizes) and a ``Styles``; none reads
layout markup.
"""

from __future__ import annotations

from collections.abc import Mapping

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Spacer

from cards.colour import text_colour_on
from cards.layout.canvas import draw_marked, drawn_text, link_to, piece, role_of, spoken_text
from cards.layout.fit import lay_stack
from cards.layout.styles import Styles
from cards.layout.textline import draw_line, line_width
from cards.layout.theme import (
    FONT_REGULAR,
    FONT_SEMIBOLD,
    paint,
)


class ReservedLines(Flowable):
    """A title given the room of ``lines`` lines whatever its length, set at the
    foot of that room: what follows it (a card's glance strip) stands in the
    same place on every card, a one-line title or a two-line one."""

    def __init__(self, inner: Flowable, lines: int):
        super().__init__()
        self.inner, self.lines = inner, lines
        self.role = role_of(inner)
        self.spaceBefore, self.spaceAfter = inner.getSpaceBefore(), inner.getSpaceAfter()

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        width, height = self.inner.wrap(availWidth, availHeight)
        leading = float(getattr(getattr(self.inner, "style", None), "leading", 0.0))
        self.width, self.height = width, max(height, leading * self.lines)
        self.inner_height = height
        return self.width, self.height

    def draw(self) -> None:
        self.inner.drawOn(self.canv, 0, 0)

    def spoken(self) -> str:
        return spoken_text(self.inner)

    def drawn(self) -> str | None:
        return drawn_text(self.inner)


class Spring(Spacer):
    """Room that takes what a page has left (``<spring/>``): what follows it
    stands at the foot of the page, as a back cover's colophon does. A spacer:
    it draws nothing and has no structure role."""

    def __init__(self) -> None:
        super().__init__(0.0, 0.0)

    def grow(self, room_pt: float) -> float:
        taken = max(room_pt, 0.0)
        self.height += taken
        return taken


class ColourKey(Flowable):
    """A swatch in a section's colour with its number and name (the cover's key)."""

    role = "P"  # its structure role (layout/canvas.py, role_of)

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
        mirrored = self.styles.mirrored  # read from the right: the swatch there
        at = self.width - swatch if mirrored else 0.0
        canvas.setFillColor(paint(self.colour, self.styles.scale.cmyk))
        canvas.rect(at, 0, swatch, swatch, stroke=0, fill=1)
        canvas.setFillColor(paint(text_colour_on(self.colour), self.styles.scale.cmyk))
        canvas.setFont(FONT_SEMIBOLD, size * 0.9)
        canvas.drawCentredString(at + swatch / 2, swatch / 2 - size * 0.31, self.number)
        canvas.setFillColor(paint(self.styles.scale.ink, self.styles.scale.cmyk))
        canvas.setFont(FONT_REGULAR, size)
        language = self.styles.language
        baseline = swatch / 2 - size * 0.34
        if mirrored:
            end = self.width - swatch - size * 0.7
            draw_line(canvas, end, baseline, self.text, FONT_REGULAR, size, language, "end")
            return
        # the space between number and name drawn: the key copies out as "1 Name"
        space = stringWidth(" ", FONT_REGULAR, size)
        draw_line(
            canvas, swatch + size * 0.7 - space, baseline, " " + self.text, FONT_REGULAR, size,
            language,
        )  # fmt: skip


class ContentsEntry(Flowable):
    """A contents line: title, dotted leader, page number, the whole line a link.

    Its height does not depend on the number, so the booklet lays the contents
    out before pages are numbered; the line reads its number from ``page_of``
    (which the booklet fills in when it numbers the pages) when it is drawn.
    """

    role = "TOCI"  # a line of the table of contents

    def __init__(
        self,
        level: int,
        colour: str | None,
        number: str,
        target: str,
        text: str,
        styles: Styles,
        page_of: Mapping[str, int],
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
        mirrored = self.styles.mirrored  # read from the right: mirrored

        def placed(x: float, width: float = 0.0) -> float:
            return self.width - x - width if mirrored else x

        if self.level == 1 and self.colour:
            canvas.setFillColor(paint(self.colour, self.styles.scale.cmyk))
            swatch = size * 1.1
            canvas.rect(placed(0, swatch), baseline - size * 0.15, swatch, swatch, stroke=0, fill=1)
            canvas.setFillColor(paint(text_colour_on(self.colour), self.styles.scale.cmyk))
            canvas.setFont(FONT_SEMIBOLD, size * 0.75)
            canvas.drawCentredString(placed(size * 0.55), baseline + size * 0.1, self.number)
        x = indent if self.level == 1 else indent + size * 0.6
        number = str(page)
        number_width = stringWidth("000", FONT_REGULAR, size)
        room = self.width - x - number_width - size
        text = self.text
        language = self.styles.language
        while text and line_width(text, self.font, size, language) > room:
            text = text[:-2] + "…"
        canvas.setFillColor(
            paint(self.colour, self.styles.scale.cmyk) if self.level == 1 and self.colour else ink
        )
        canvas.setFont(self.font, size)
        title_width = line_width(text, self.font, size, language)
        draw_line(canvas, placed(x, title_width), baseline, text, self.font, size, language)
        end = x + title_width + size * 0.4
        leader_end = self.width - number_width - size * 0.4
        pitch = size * 0.45  # one dot every this many points
        dots = int((leader_end - end) // pitch)
        if dots > 0:  # one run of text, so the contents line extracts as one line
            dot_width = stringWidth(".", FONT_REGULAR, size)
            canvas.saveState()  # the character spacing must not reach the page number
            leader = canvas.beginText(placed(leader_end - dots * pitch, dots * pitch), baseline)
            leader.setFont(FONT_REGULAR, size)
            leader.setCharSpace(pitch - dot_width)
            leader.setFillColor(paint(scale.grey, scale.cmyk))
            leader.textOut("." * dots)
            canvas.drawText(leader)
            canvas.restoreState()
        canvas.setFillColor(ink)
        if mirrored:
            canvas.drawString(0, baseline, number)
        else:
            canvas.drawRightString(self.width, baseline, number)
        # made by assembly; the link says where it goes: "Sole Twists, 4"
        link_to(canvas, self.target, self.width, self.height, f"{self.text}, {number}")

    def spoken(self) -> str:
        """The line as read: its number, its title and its page, not the
        leader's dots nor a title shortened to fit ("1 Relaxing Techniques 4")."""
        page = self.page_of.get(self.target)
        number = f"{self.number} " if self.level == 1 and self.colour and self.number else ""
        return f"{number}{self.text} {page}" if page is not None else ""


class Rules(Flowable):
    """Ruled lines for notes, filling what is left of the page."""

    role = "Artifact:Layout"  # lines to write on: nothing to read out

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
    """Blocks in a tinted box with a rule down its left side (its right side,
    right to left): a note to heed."""

    role = "Aside"  # a note to heed (the safety note): role-mapped for PDF 1.7 (ROLE_MAP)
    holds_others = True  # each a piece of its own; the box is colour

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
        with piece(canvas, "Artifact:Layout"):  # the box: colour, not content
            canvas.saveState()
            canvas.setFillColor(paint(CALLOUT_TINT, scale.cmyk))
            canvas.rect(0, 0, self.width, self.height, stroke=0, fill=1)
            canvas.setFillColor(paint(scale.accent, scale.cmyk))
            # the rule where lines start: on the right, right to left
            mirrored = self.styles.mirrored
            rule_x = self.width - self.rule_pt if mirrored else 0.0
            canvas.rect(rule_x, 0, self.rule_pt, self.height, stroke=0, fill=1)
            canvas.restoreState()
        left = self.pad_pt if mirrored else self.rule_pt + self.pad_pt
        for flowable, bottom in self.placed:
            draw_marked(canvas, flowable, left, self.height - self.pad_pt - bottom)


CALLOUT_TINT = "#F1EEE8"  # a warm paper grey: reads as a box without a border
