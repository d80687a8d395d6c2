"""Paragraphs whose inline markup is parsed once, then set at every size tried.

The one module that relies on names ReportLab does not document: its markup
parser (``reportlab.platypus.paraparser.ParaParser``), its block-quote
cleaning (``paragraph.cleanBlockQuotedText``), the ``frags`` argument of
``Paragraph``, which takes the parser's fragments instead of parsing again,
and the broken lines ``Paragraph.breakLines`` returns (``blPara``, described
in its docstring), which ``SpacedParagraph`` draws with a space at each end.
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


class SpacedParagraph(Paragraph):
    """A ReportLab paragraph that draws the space it broke a line at.

    ReportLab drops the space where it breaks a line; a reader that takes
    the text from the page (copying, a screen reader, ``pdftotext`` of a
    structure element) then runs the last word of a line into the first of
    the next ("bothhands"). Each line broken at a space is drawn with that
    space after its last word: nothing changes on paper, and the text comes
    out as it was written. A line broken inside a word (hyphenated, or a
    word too long for a line) is drawn as it is, and ``drawn_text`` says so.
    """

    def drawPara(self, debug: int = 0) -> Any:
        broken = self.blPara
        lines = broken.lines
        spaced = spaced_lines(broken, self.line_ends())
        if spaced is not None:
            broken.lines = spaced
        try:
            return super().drawPara(debug)
        finally:
            broken.lines = lines

    def plain_text(self) -> str:
        """The paragraph's words, one space between each."""
        words = self.__dict__.get("_plain_words")
        if words is None:
            words = self.__dict__["_plain_words"] = " ".join(self.getPlainText().split())
        return str(words)

    def line_ends(self) -> list[tuple[str, bool]] | None:
        """``line_ends`` of the lines as wrapped last (kept for that wrapping:
        drawing and the structure tree both ask)."""
        broken = getattr(self, "blPara", None)
        if broken is None:
            return None
        known = self.__dict__.get("_line_ends")
        if known is not None and known[0] is broken:
            return known[1]  # type: ignore[no-any-return]
        ends = line_ends(line_texts(broken), self.plain_text())
        self.__dict__["_line_ends"] = (broken, ends)
        return ends

    def drawn_text(self) -> str | None:
        """The text the page shows once drawn, its line-end spaces included
        (equal to ``plain_text`` unless a word was broken); None before it
        is wrapped or where the lines cannot be matched to the words."""
        ends = self.line_ends()
        if ends is None:
            return None
        return "".join(text + (" " if spaced else "") for text, spaced in ends)


def line_texts(broken: Any) -> list[str]:
    """The text of each broken line: its words (``kind`` 0) or its fragments'
    text (``kind`` 1), as ``Paragraph.breakLines`` describes them."""
    if broken.kind == 0:
        return [" ".join(words) for _, words in broken.lines]
    return ["".join(getattr(f, "text", "") for f in line.words) for line in broken.lines]


def line_ends(lines: list[str], plain: str) -> list[tuple[str, bool]] | None:
    """Each line's text and whether it ended at a space of ``plain`` (the
    words the lines were broken from, one space between each): False after
    the last line and where a word was broken. None where the lines are not
    the words in order (text drawn otherwise than written)."""
    ends: list[tuple[str, bool]] = []
    at = 0
    for raw in lines:
        text = " ".join(raw.split())
        if plain.startswith(text, at):
            at += len(text)
        elif text.endswith("-") and plain.startswith(text[:-1], at):
            at += len(text) - 1  # a hyphen drawn where the word was broken
        else:
            return None
        spaced = plain.startswith(" ", at)
        at += spaced
        ends.append((text, spaced))
    if at != len(plain):
        return None
    return ends


def spaced_lines(broken: Any, ends: list[tuple[str, bool]] | None) -> list[Any] | None:
    """The broken lines with a space after each line that ended at one
    (``ends``: ``line_ends`` of these lines)."""
    if ends is None:
        return None
    spaced: list[Any] = []
    for line, (_, space) in zip(broken.lines, ends, strict=True):
        if not space:
            spaced.append(line)
        elif broken.kind == 0:
            extra, words = line
            spaced.append((extra, [*words[:-1], words[-1] + " "]))
        else:
            last = line.words[-1]
            words = [*line.words[:-1], last.clone(text=getattr(last, "text", "") + " ")]
            spaced.append(line.clone(words=words))
    return spaced


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
            return SpacedParagraph(text, style, bulletText=bulletText)
        if len(_PARSED) >= _PARSED_LIMIT:
            _PARSED.clear()
        _PARSED[key] = frags
    sized = [f.clone(fontSize=style.fontSize) for f in frags]
    return SpacedParagraph(text, style, bulletText=bulletText, frags=sized)


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
