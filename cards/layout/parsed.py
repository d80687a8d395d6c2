"""Paragraphs whose inline markup is parsed once, then set at every size tried.

The one module that relies on names ReportLab does not document: its markup
parser (``reportlab.platypus.paraparser.ParaParser``), its block-quote
cleaning (``paragraph.cleanBlockQuotedText``) and the ``frags`` argument of
``Paragraph``, which takes the parser's fragments instead of parsing again.
Fitting lays a card out at several sizes, and parsing each time made fitting
a third slower (0.76 s against 1.05 s for 1,000 cards, measured). The
ReportLab range in pyproject.toml is the one these were checked on, and
tests/test_reportlab_private.py fails on a release that changes them.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

# Parsed inline markup, by text and the style attributes the parse depends on:
# fitting lays a card out at several sizes, and ReportLab's markup parser would
# otherwise run again for each. Small: it serves the card being fitted, and a
# 5,000-card deck must not keep every card's paragraphs.
_PARSED: dict[tuple[object, ...], list[Any]] = {}
_PARSED_LIMIT = 512  # a card or page at a time: its paragraphs, at every size tried


def paragraph(text: str, style: ParagraphStyle, bulletText: str | None = None) -> Paragraph:
    """A Paragraph whose markup is parsed once, then reused at every size."""
    from reportlab.platypus.paragraph import cleanBlockQuotedText
    from reportlab.platypus.paraparser import ParaParser

    key = (text, style.fontName, *_colours(style))
    frags = _PARSED.get(key)
    if frags is None:
        cleaned = cleanBlockQuotedText(text)
        if cleaned and "<" not in cleaned and "&" not in cleaned:
            # words alone: the parser would give one fragment of them in the style
            frags = [plain_fragment(style).clone(text=cleaned)]
        else:
            _, frags, _ = ParaParser().parse(cleaned, style)
        if frags is None:  # the parser's own error: let Paragraph raise it as it does
            return Paragraph(text, style, bulletText=bulletText)
        if len(_PARSED) >= _PARSED_LIMIT:
            _PARSED.clear()
        _PARSED[key] = frags
    sized = [f.clone(fontSize=style.fontSize) for f in frags]
    return Paragraph(text, style, bulletText=bulletText, frags=sized)


def _colours(style: ParagraphStyle) -> tuple[object, ...]:
    """A style's colours as a key: equal values of one kind (RGB and CMYK apart)."""
    text, bullet = style.textColor, getattr(style, "bulletColor", None)
    return type(text), text, type(bullet), bullet


def plain_fragment(style: ParagraphStyle) -> Any:
    """The fragment ReportLab's markup parser makes of plain words in ``style``
    (parsed once per style): most paragraphs have no markup to parse."""
    from reportlab.platypus.paraparser import ParaParser

    key = ("\x00plain", style.fontName, *_colours(style))
    if key not in _PARSED:
        _, frags, _ = ParaParser().parse("x", style)
        _PARSED[key] = frags
    return _PARSED[key][0]
