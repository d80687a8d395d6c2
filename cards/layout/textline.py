"""One line of text drawn straight on a canvas (a band's label, the glance
values, a contents line, a footer) as a paragraph would set it: each
character in a font that prints it, shaped where its script needs it, and a
right-to-left line's words in visual order.

``line_width`` measures what ``draw_line`` draws, so a caller places a line
as it places any other: from its start, its end or its centre.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reportlab.pdfbase.pdfmetrics import stringWidth

from cards.bidi import visual_runs
from cards.language import needs_shaping, right_to_left
from cards.layout.canvas import said_as
from cards.layout.fallback import font_runs
from cards.layout.parsed import begin_text, drawn_run, glyphs_of, logical_line


@dataclass(frozen=True)
class Piece:
    """A run of a line as drawn: its glyphs (shaped or plain), font, width."""

    text: Any
    font: str
    width_pt: float


def line_pieces(text: str, font: str, size_pt: float, language: str) -> list[Piece]:
    """The line in drawing order, left to right."""
    runs = font_runs(text, font, language)
    if not right_to_left(language) and not needs_shaping(text) and len(runs) == 1:
        face = runs[0].font
        return [Piece(text, face, float(stringWidth(text, face, size_pt)))]
    if not right_to_left(language):
        return [_piece(run.text, run.font, size_pt) for run in runs]
    text_runs, owner, starts = logical_line([(run.text, run.font) for run in runs])
    pieces: list[Piece] = []
    for visual in visual_runs(text_runs, starts):
        face = owner[visual.start]
        glyphs, width = drawn_run(text_runs[visual.start : visual.end], visual, face, size_pt)
        pieces.append(Piece(glyphs, face, width))
    return pieces


def _piece(text: str, font: str, size_pt: float) -> Piece:
    glyphs, width = glyphs_of(text, font, size_pt)
    return Piece(glyphs, font, width)


__all__ = ["begin_text", "draw_line", "line_pieces", "line_width", "said_for", "text_out"]


def line_width(text: str, font: str, size_pt: float, language: str = "") -> float:
    return sum(p.width_pt for p in line_pieces(text, font, size_pt, language))


def draw_line(
    canvas: Any,
    x_pt: float,
    y_pt: float,
    text: str,
    font: str,
    size_pt: float,
    language: str = "",
    anchor: str = "start",
    char_space_pt: float = 0.0,
) -> float:
    """Draw ``text`` on one line from ``x_pt`` ("start"), to it ("end") or
    centred on it ("centre"), in one text object; returns its width.
    ``char_space_pt``: tracking, left out for a script whose letters join."""
    pieces = line_pieces(text, font, size_pt, language)
    if char_space_pt and needs_shaping(text):
        char_space_pt = 0.0  # spaced-out Arabic letters would come apart
    width = sum(p.width_pt for p in pieces) + char_space_pt * max(len(text) - 1, 0)
    start = {"start": x_pt, "end": x_pt - width, "centre": x_pt - width / 2}[anchor]
    line = begin_text(canvas, start, y_pt)
    if char_space_pt:
        line.setCharSpace(char_space_pt)
    for piece in pieces:
        line.setFont(piece.font, size_pt)
        line.textOut(piece.text)
    with said_as(canvas, said_for(text, language)):
        canvas.drawText(line)
    return float(width)


def said_for(text: str, language: str) -> str | None:
    """``text`` where its glyphs, drawn, do not read as it (shaped left to
    right: Devanagari's reordered vowel signs): what goes with them as
    ActualText; None where they do. Right to left, extraction reorders the
    glyphs itself, as it does for the paragraphs (layout/parsed.py)."""
    return text if needs_shaping(text) and not right_to_left(language) else None


def text_out(line: Any, text: str, font: str, size_pt: float, language: str = "") -> None:
    """``text`` written into an open text object (ReportLab's ``textOut``) as
    ``draw_line`` draws it; the object's font is ``font`` afterwards."""
    pieces = line_pieces(text, font, size_pt, language)
    for piece in pieces:
        line.setFont(piece.font, size_pt)
        line.textOut(piece.text)
    if pieces and pieces[-1].font != font:
        line.setFont(font, size_pt)
