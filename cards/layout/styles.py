"""Paragraph styles for one type scale, built once and reused.

A ``TypeScale`` holds every size a layout uses; the body size is the one that
fitting changes. ``styles_for`` is cached on it, so the styles of a size are
built once per process however many cards share them.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import lru_cache
from typing import Any

import pyphen
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle

from cards.language import breaks_between_characters, right_to_left
from cards.layout.theme import (
    FONT_ITALIC,
    FONT_REGULAR,
    FONT_SEMIBOLD,
    Theme,
    paint,
)
from cards.model import Deck


@dataclass(frozen=True)
class TextLanguage:
    """The language a deck's text is set in, and whether it is hyphenated:
    it decides the hyphenation, the fonts of Han characters, the direction
    and how lines break (between characters in Chinese and Japanese)."""

    code: str
    hyphenate: bool = False

    @property
    def hyphenation(self) -> str:
        """The language to hyphenate in; '' breaks only words longer than a line."""
        return self.code if self.hyphenate else ""


@dataclass(frozen=True)
class TypeScale:
    """The sizes one layout uses; body size is what fitting changes."""

    title_pt: float
    title_leading: float
    meta_pt: float
    meta_icon_pt: float
    meta_item_gap_pt: float
    meta_gap_pt: float
    title_gap_pt: float
    body_pt: float
    body_leading: float
    step_gap_pt: float
    step_indent_pt: float
    paragraph_gap_pt: float
    footer_pt: float
    ink: str
    grey: str
    accent: str
    language: TextLanguage
    display_pt: float = 30.0
    subtitle_pt: float = 13.0
    call_pt: float = 16.0  # the clinic's number on the back cover (<call>)
    entry_pt: float = 10.5
    cmyk: bool = False


def type_scale(theme: Theme, body_pt: float, accent: str, language: TextLanguage) -> TypeScale:
    """The sizes a layout uses, read from a card or booklet theme (same field names)."""
    own: dict[str, Any] = {"body_pt": body_pt, "accent": accent, "language": language}
    taken: dict[str, Any] = {
        name: getattr(theme, name)
        for name in _SCALE_FIELDS
        if name not in own and hasattr(theme, name)
    }
    return TypeScale(**own, **taken)


_SCALE_FIELDS = tuple(f.name for f in fields(TypeScale))  # read once: fields() is slow


@dataclass(frozen=True)
class Styles:
    title: ParagraphStyle
    body: ParagraphStyle
    step: ParagraphStyle
    bullet: ParagraphStyle
    heading: ParagraphStyle
    note: ParagraphStyle
    lead: ParagraphStyle
    footer: ParagraphStyle
    meta: ParagraphStyle
    display: ParagraphStyle
    subtitle: ParagraphStyle
    byline: ParagraphStyle
    call: ParagraphStyle
    scale: TypeScale

    @property
    def language(self) -> str:
        """The language the text is written in (its fonts, its direction)."""
        return self.scale.language.code

    @property
    def mirrored(self) -> bool:
        """Whether the layout reads from the right: its furniture mirrored."""
        return right_to_left(self.scale.language.code)


def hyphenation_language(language: str) -> str:
    """The pyphen dictionary for a BCP 47 tag, or '' when there is none."""
    if not language:
        return ""
    return pyphen.language_fallback(language.replace("-", "_")) or ""


def hyphenation_for(deck: Deck) -> TextLanguage:
    """The deck's language, hyphenated only where the deck asks (clear print
    for patients: "in-crease" and "com-fort" slow a reader down)."""
    return TextLanguage(deck.language, deck.hyphenate)


@lru_cache(maxsize=256)
def styles_for(scale: TypeScale) -> Styles:
    ink, grey, accent = (paint(c, scale.cmyk) for c in (scale.ink, scale.grey, scale.accent))
    hyphens = hyphenation_language(scale.language.hyphenation)
    leading = scale.body_pt * scale.body_leading
    body = ParagraphStyle(
        "body",
        fontName=FONT_REGULAR,
        fontSize=scale.body_pt,
        leading=leading,
        textColor=ink,
        hyphenationLang=hyphens,
        embeddedHyphenation=1,
        spaceAfter=scale.paragraph_gap_pt * scale.body_pt / 9,
        splitLongWords=1,
    )
    step = ParagraphStyle(
        "step",
        parent=body,
        leftIndent=scale.step_indent_pt * scale.body_pt / 9,
        bulletIndent=0,
        bulletFontName=FONT_SEMIBOLD,
        bulletFontSize=scale.body_pt,
        bulletColor=accent,
        spaceAfter=scale.step_gap_pt * scale.body_pt / 9,
    )
    made = Styles(
        title=ParagraphStyle(
            "title",
            fontName=FONT_SEMIBOLD,
            fontSize=scale.title_pt,
            leading=scale.title_pt * scale.title_leading,
            textColor=ink,
            spaceAfter=scale.title_gap_pt,
            hyphenationLang=hyphens,
            splitLongWords=1,
        ),
        body=body,
        step=step,
        bullet=ParagraphStyle("bullet", parent=step, bulletFontName=FONT_REGULAR),
        heading=ParagraphStyle(
            "heading",
            parent=body,
            fontName=FONT_SEMIBOLD,
            spaceBefore=scale.paragraph_gap_pt,
            spaceAfter=scale.paragraph_gap_pt / 2,
        ),
        note=ParagraphStyle("note", parent=body, fontName=FONT_ITALIC, textColor=grey),
        lead=ParagraphStyle(
            "lead", parent=body, textColor=grey, spaceAfter=scale.paragraph_gap_pt * 1.5
        ),
        footer=line_style("footer", FONT_REGULAR, scale.footer_pt, 1.2, grey),
        meta=line_style("meta", FONT_REGULAR, scale.meta_pt, 1.3, ink),
        display=line_style(
            "display", FONT_SEMIBOLD, scale.display_pt, 1.08, ink, after=scale.display_pt * 0.3
        ),
        subtitle=line_style(
            "subtitle", FONT_REGULAR, scale.subtitle_pt, 1.25, grey, after=scale.subtitle_pt * 0.8
        ),
        byline=line_style(
            "byline", FONT_REGULAR, scale.footer_pt * 1.4, 9 / 7, grey, before=scale.subtitle_pt * 2
        ),
        call=line_style("call", FONT_SEMIBOLD, scale.call_pt, 1.25, ink, after=scale.call_pt * 0.4),
        scale=scale,
    )
    for style in vars(made).values():
        if isinstance(style, ParagraphStyle):
            written_in(style, scale.language.code)
    return made


def written_in(style: ParagraphStyle, language: str) -> None:
    """Set ``style`` as ``language`` is written: its language kept on it (the
    fonts of its characters, layout/parsed.py), right to left aligned to the
    right with the step numbers on the right, Chinese and Japanese broken
    between characters with the kinsoku rules (ReportLab's ``CJK`` wrap).
    Both are ReportLab's documented ``wordWrap`` values."""
    style.writing = language
    if right_to_left(language):
        # ReportLab's RTL wrap: bullets on the right, the right indent first;
        # its own reordering needs rlbidi (not on PyPI): parsed.visual_line
        style.wordWrap = "RTL"
        if style.alignment == TA_LEFT:
            style.alignment = TA_RIGHT
        style.leftIndent, style.rightIndent = style.rightIndent, style.leftIndent
    elif breaks_between_characters(language):
        style.wordWrap = "CJK"


def line_style(
    name: str,
    font: str,
    size_pt: float,
    leading: float,
    colour: Any,
    after: float = 0.0,
    before: float = 0.0,
) -> ParagraphStyle:
    """A style of its own (no parent): font, size, leading as a factor of the size."""
    return ParagraphStyle(
        name,
        fontName=font,
        fontSize=size_pt,
        leading=size_pt * leading,
        textColor=colour,
        spaceAfter=after,
        spaceBefore=before,
    )


# -- flowables --------------------------------------------------------------------
