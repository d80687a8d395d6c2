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

from collections.abc import Callable
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.ttfonts import ShapedStr
from reportlab.pdfgen.textobject import PDFTextObject
from reportlab.platypus import Paragraph

from cards.bidi import VisualRun, visual_runs
from cards.language import needs_shaping
from cards.layout.canvas import said_as
from cards.layout.fallback import font_runs

# Parsed inline markup, by text and the style attributes the parse depends on:
# fitting lays a card out at several sizes, and ReportLab's markup parser would
# otherwise run again for each. Small: it serves the card being fitted, and a
# 5,000-card deck must not keep every card's paragraphs.
_PARSED: dict[tuple[object, ...], list[Any]] = {}
_PARSED_LIMIT = 512  # a card or page at a time: its paragraphs, at every size tried


class ShapingTextObject(PDFTextObject):
    """ReportLab's text object, mended for shaped text: its ``_formatText``
    raises IndexError when the first glyph of a shaped run sits raised or
    lowered (an Arabic mark, "ٍ" at a word's visual start) before anything
    else was written (``setRise`` reads the last operator of an empty list).
    Marking the font subset unknown makes it write the font first. Checked
    on the ReportLab range of pyproject.toml by tests/test_reportlab_private.py."""

    def _formatText(self, text: Any) -> Any:
        if isinstance(text, ShapedStr):
            self._curSubset = -1
        return super()._formatText(text)


def begin_text(canvas: Any, x_pt: float = 0.0, y_pt: float = 0.0) -> Any:
    """A text object on ``canvas`` that draws shaped text (``ShapingTextObject``)."""
    return ShapingTextObject(canvas, x_pt, y_pt)


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
        words = self.plain_text()
        rtl = self.style.wordWrap == "RTL"
        said: list[str | None] = []
        if (rtl or self.shaped()) and broken.kind == 1:
            # shaped by HarfBuzz, and right to left in visual order, as drawn
            broken.lines = [set_line(line, rtl) for line in lines]
            if not rtl:
                # Devanagari's vowel signs drawn before their consonant: the
                # words as written go with the glyphs (ActualText). Right to
                # left, text extraction reads the glyphs in visual order and
                # reorders them itself, as it does any right-to-left PDF
                # (each glyph's letter: assembly.letters_of_presentation_forms)
                said = [None, words] if self.bulletText else [words]
        else:
            spaced = spaced_lines(broken, self.line_ends())
            if spaced is not None:
                broken.lines = spaced
        try:
            with said_as(self.canv, *said):
                return super().drawPara(debug)
        finally:
            broken.lines = lines

    def wrap(self, availWidth: float, availHeight: float) -> Any:
        """ReportLab's, and for Chinese and Japanese the kinsoku rules its
        CJK wrap lacks (``kinsoku``)."""
        size = super().wrap(availWidth, availHeight)
        broken = getattr(self, "blPara", None)
        if self.style.wordWrap == "CJK" and broken is not None:
            if broken.kind == 1:
                broken.lines = kinsoku(broken.lines, _line_text, _move_first, _move_last)
            else:  # one fragment: each line (its spare width, [its text])
                broken.lines = kinsoku_text(broken.lines, broken.fontName, broken.fontSize)
        return size

    def beginText(self, x: float, y: float) -> Any:
        """The text object the lines are drawn in: one that draws shaped text."""
        return begin_text(self.canv, x, y)

    def plain_text(self) -> str:
        """The paragraph's words, one space between each."""
        words = self.__dict__.get("_plain_words")
        if words is None:
            words = self.__dict__["_plain_words"] = " ".join(self.getPlainText().split())
        return str(words)

    def shaped(self) -> bool:
        """Whether the words are of a shaped script (kept: drawing and the
        structure tree both ask)."""
        shaped = self.__dict__.get("_shaped")
        if shaped is None:
            shaped = self.__dict__["_shaped"] = needs_shaping(self.plain_text())
        return bool(shaped)

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
        if self.style.wordWrap == "RTL" or self.shaped():
            return None  # glyphs in visual order, or shaped: not the letters as written
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


# Kinsoku: what a line of Chinese or Japanese may not start with (closing
# marks, the small kana, the prolonged sound mark) or end with (opening
# marks). ReportLab's own list (``textsplit.ALL_CANNOT_START``) lacks the
# full-width comma, colon, semicolon, and the marks of exclamation and question.
CANNOT_START = frozenset(
    "、。，．：；！？）」』】〕〉》”’・ー～ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ"
    "\uff09\uff3d\uff5d\u301f"
)
CANNOT_END = frozenset("（「『【〔〈《“‘\uff08\uff3b\uff5b\u301d")


def kinsoku(
    lines: list[Any],
    text_of: Callable[[Any], str],
    move_first: Callable[[Any, Any], tuple[Any, Any]],
    move_last: Callable[[Any, Any], tuple[Any, Any]],
) -> list[Any]:
    """Broken CJK lines mended where one starts with a mark that may not start
    a line (it hangs at the end of the line before, as ReportLab's own rule
    does) or ends with one that may not end a line (it goes to the next), and
    where the last holds one character alone ("り", "う。": it takes one more
    from the line before, two where that one may not start a line). The
    lines are ReportLab's either way (``text_of`` reads one; the moves take a
    character from the start of a line to the end of the one before, and
    from the end of a line to the start of the next)."""
    mended = list(lines)
    for index in range(1, len(mended)):
        before, line = mended[index - 1], mended[index]
        if text_of(before) and text_of(before)[-1] in CANNOT_END:
            before, line = move_last(before, line)
        text = text_of(line)
        if text[1:] and text[0] in CANNOT_START:
            before, line = move_first(before, line)
        mended[index - 1], mended[index] = before, line
    if len(mended) > 1 and _lone(text_of(mended[-1])) and len(text_of(mended[-2])) > 2:
        before, line = move_last(mended[-2], mended[-1])
        if text_of(line)[0] in CANNOT_START:
            before, line = move_last(before, line)
        mended[-2], mended[-1] = before, line
    return mended


def _line_text(line: Any) -> str:
    return "".join(getattr(f, "text", "") for f in line.words)


def _lone(text: str) -> bool:
    """Whether a line holds a single character, its closing marks aside."""
    return len(text.rstrip("".join(CANNOT_START))) <= 1 and bool(text)


TextLine = tuple[float, list[str]]  # a line of one fragment: its spare width, [its text]


def kinsoku_text(lines: list[TextLine], font: str, size_pt: float) -> list[TextLine]:
    """``kinsoku`` for the lines of a paragraph of one fragment."""

    def move_first(before: TextLine, line: TextLine) -> tuple[TextLine, TextLine]:
        (spare_before, [text_before]), (spare, [text]) = before, line
        width = _width(text[0], font, size_pt)
        return (spare_before - width, [text_before + text[0]]), (spare + width, [text[1:]])

    def move_last(before: TextLine, line: TextLine) -> tuple[TextLine, TextLine]:
        (spare_before, [text_before]), (spare, [text]) = before, line
        width = _width(text_before[-1], font, size_pt)
        return (spare_before + width, [text_before[:-1]]), (spare - width, [text_before[-1] + text])

    joined = [(spare, ["".join(words)]) for spare, words in lines]
    return kinsoku(joined, lambda line: line[1][0], move_first, move_last)


def _move_first(before: Any, line: Any) -> tuple[Any, Any]:
    """The first character of ``line`` put at the end of ``before``."""
    words = [f for f in line.words if getattr(f, "text", "")]
    first = words[0]
    char, width = first.text[0], _width(first.text[0], first.fontName, first.fontSize)
    rest = [first.clone(text=first.text[1:])] if first.text[1:] else []
    return (
        before.clone(
            words=[*before.words, first.clone(text=char)], extraSpace=before.extraSpace - width
        ),
        line.clone(words=[*rest, *words[1:]], extraSpace=line.extraSpace + width),
    )


def _move_last(before: Any, line: Any) -> tuple[Any, Any]:
    """The last character of ``before`` put at the start of ``line``."""
    words = [f for f in before.words if getattr(f, "text", "")]
    last = words[-1]
    char, width = last.text[-1], _width(last.text[-1], last.fontName, last.fontSize)
    rest = [last.clone(text=last.text[:-1])] if last.text[:-1] else []
    return (
        before.clone(words=[*words[:-1], *rest], extraSpace=before.extraSpace + width),
        line.clone(words=[last.clone(text=char), *line.words], extraSpace=line.extraSpace - width),
    )


def set_line(line: Any, right_to_left: bool) -> Any:
    """A broken line (``kind`` 1: its fragments) as drawn: each run of a
    script that is shaped set by HarfBuzz; right to left, in the runs of the
    bidirectional algorithm, left to right (``bidi.visual_runs``: Latin words
    and numbers inside read left to right, brackets mirrored). Lines were
    broken on the unshaped widths; the space left at the line's end is what
    shaping gave back, so a line aligned to the right ends at the margin."""
    frags = [f for f in line.words if getattr(f, "text", None) and not hasattr(f, "cbDefn")]
    if not frags:
        return line
    unshaped = sum(_width(f.text, f.fontName, f.fontSize) for f in frags)
    out: list[Any] = []
    if right_to_left:
        text, owner, starts = logical_line([(f.text, f) for f in frags])
        for run in visual_runs(text, starts):
            frag = owner[run.start]
            glyphs, _ = drawn_run(text[run.start : run.end], run, frag.fontName, frag.fontSize)
            out.append(frag.clone(text=glyphs))
        out.reverse()  # ReportLab's RTL drawing turns each line's fragments round
    else:
        for frag in frags:
            if needs_shaping(frag.text):
                out.append(frag.clone(text=glyphs_of(frag.text, frag.fontName, frag.fontSize)[0]))
            else:
                out.append(frag)
    drawn = sum(_drawn_width(f) for f in out)
    return line.clone(words=out, extraSpace=line.extraSpace + unshaped - drawn)


def glyphs_of(text: str, font: str, size_pt: float) -> tuple[Any, float]:
    """``text`` as drawn in ``font``, and its width: shaped by HarfBuzz where
    its script is shaped, else as it is."""
    if needs_shaping(text):
        return shaped(text, font, size_pt)
    return text, _width(text, font, size_pt)


def drawn_run(logical: str, run: VisualRun, font: str, size_pt: float) -> tuple[Any, float]:
    """A run's glyphs left to right, and their width: shaped by HarfBuzz in
    the run's own direction, or as the bidirectional algorithm lays it out."""
    if not needs_shaping(logical):
        return run.text, _width(run.text, font, size_pt)
    glyphs, width = shaped(logical, font, size_pt)
    if len(logical) > 1 and shaped_right_to_left(glyphs) != run.right_to_left:
        glyphs = reversed_shaped(glyphs)  # Arabic-Indic digits HarfBuzz set right to left
    return glyphs, width


def logical_line(pieces: list[tuple[str, Any]]) -> tuple[str, list[Any], list[int]]:
    """Pieces of a line (their text, and what each belongs to: a fragment,
    a font) as one text, what each character belongs to, where each starts."""
    text, owner, starts = "", [], []
    for piece, belongs in pieces:
        starts.append(len(text))
        owner.extend([belongs] * len(piece))
        text += piece
    return text, owner, starts


def _drawn_width(frag: Any) -> float:
    data = getattr(frag.text, "__shapeData__", None)
    if data is None:
        return _width(frag.text, frag.fontName, frag.fontSize)
    return float(sum(d.x_advance for d in data) * frag.fontSize / 1000)


def _width(text: str, font: str, size_pt: float) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return float(stringWidth(text, font, size_pt))


def shaped_right_to_left(word: Any) -> bool:
    """Whether HarfBuzz shaped ``word`` right to left (its glyphs' clusters
    run backwards)."""
    data: Any = getattr(word, "__shapeData__", None)
    return data is not None and len(data) > 1 and bool(data[0].cluster > data[-1].cluster)


def reversed_shaped(word: Any) -> Any:
    """A shaped word's glyphs in the other order (ReportLab's ``ShapedStr``)."""
    return ShapedStr(str(word)[::-1], shapeData=list(word.__shapeData__)[::-1])


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
    language = str(getattr(style, "writing", ""))
    key = (text, style.fontName, language, *_colours(style))
    frags = _PARSED.pop(key, None)
    if frags is None:
        frags = parsed_fragments(text, style)
        if frags is None:  # the parser's own error: let Paragraph raise it as it does
            return SpacedParagraph(text, style, bulletText=bulletText)
        frags = in_fonts_that_print(frags, language)
        if len(frags) == 1 and (style.wordWrap == "RTL" or needs_shaping(text)):
            # shaped or reordered as drawn (``set_line``), which needs the lines
            # as fragments: ReportLab breaks a paragraph of one fragment into
            # plain words, so it gets an empty second one
            frags = [*frags, frags[0].clone(text="")]
        if len(_PARSED) >= _PARSED_LIMIT:
            # the older half goes: the card being fitted keeps its paragraphs
            for old in list(_PARSED)[: _PARSED_LIMIT // 2]:
                del _PARSED[old]
    _PARSED[key] = frags  # the most recently used last
    sized = [f.clone(fontSize=style.fontSize) for f in frags]
    return SpacedParagraph(text, style, bulletText=bulletText, frags=sized)


def parsed_fragments(text: str, style: ParagraphStyle) -> list[Any] | None:
    """ReportLab's fragments of ``text`` in ``style``: words alone need no
    parsing (one fragment of them in the style, as the parser would give)."""
    from reportlab.platypus.paragraph import cleanBlockQuotedText
    from reportlab.platypus.paraparser import ParaParser

    cleaned = cleanBlockQuotedText(text)
    if cleaned and "<" not in cleaned and "&" not in cleaned:
        return [plain_fragment(style).clone(text=cleaned)]
    frags: list[Any] | None = ParaParser().parse(cleaned, style)[1]
    return frags


def in_fonts_that_print(frags: list[Any], language: str) -> list[Any]:
    """The fragments cut where the font that prints their text changes
    (``fallback.font_runs``): a fragment's characters its face lacks set in a
    script font, in the fragment's weight."""
    out: list[Any] = []
    for frag in frags:
        text = getattr(frag, "text", None)
        if not text or hasattr(frag, "cbDefn"):
            out.append(frag)
            continue
        runs = font_runs(text, frag.fontName, language)
        if len(runs) == 1 and runs[0].font == frag.fontName:
            out.append(frag)
        else:
            out.extend(frag.clone(text=run.text, fontName=run.font) for run in runs)
    return out


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


# The letters each private-use code ReportLab gave a glyph of no character
# (a Devanagari conjunct) was shaped from, by the font's PostScript name:
# the chunk's ToUnicode map is mended with them (drawing.read_as_letters).
_PRIVATE_LETTERS: dict[str, dict[int, str]] = {}
PRIVATE_USE = range(0xE000, 0xF900)


def remember_private_letters(text: str, glyphs: Any, font: str) -> None:
    """For each glyph of ``glyphs`` (``text`` shaped) coded in the private-use
    area, the letters of its cluster that no other glyph of it stands for."""
    data = getattr(glyphs, "__shapeData__", None)
    if data is None:
        return
    drawn = str(glyphs)
    if not any(ord(c) in PRIVATE_USE for c in drawn):
        return
    from reportlab.pdfbase.pdfmetrics import getFont

    starts = sorted({d.cluster for d in data if 0 <= d.cluster <= len(text)})
    name = getFont(font).face.name  # the PostScript name, as bytes
    known = _PRIVATE_LETTERS.setdefault(
        name.decode("latin-1") if isinstance(name, bytes) else str(name), {}
    )
    for char, shape in zip(drawn, data, strict=False):
        if ord(char) not in PRIVATE_USE or ord(char) in known:
            continue
        after = [s for s in starts if s > shape.cluster]
        letters = text[shape.cluster : after[0] if after else len(text)]
        for other, other_shape in zip(drawn, data, strict=False):
            if other_shape.cluster == shape.cluster and other != char and other in letters:
                letters = letters.replace(other, "", 1)  # said by its own glyph
        known[ord(char)] = letters


def private_letters() -> dict[str, dict[int, str]]:
    """What ``remember_private_letters`` kept, by the font's PostScript name."""
    return _PRIVATE_LETTERS


# HarfBuzz's features beyond those every script needs: kerning, ligatures
SHAPING_FEATURES = {"kern": True, "liga": True}


def shaped(text: str, font: str, size_pt: float) -> tuple[Any, float]:
    """``text`` shaped by HarfBuzz in ``font`` (ReportLab's ``shapeStr``: a
    string whose glyphs the canvas draws as shaped, in visual order for a
    right-to-left word), and its width in points."""
    from reportlab.lib.abag import ABag
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfbase.ttfonts import shapeFragWord

    # as shapeStr does it, without its discretionary ligatures ("dlig": a
    # Hebrew וי drawn as the Yiddish letter ױ)
    word = [stringWidth(text, font, size_pt), (ABag(fontName=font, fontSize=size_pt), text)]
    glyphs = shapeFragWord(word, features=SHAPING_FEATURES)[1][1]
    remember_private_letters(text, glyphs, font)
    data = getattr(glyphs, "__shapeData__", None)
    if data is None:
        return glyphs, float(stringWidth(text, font, size_pt))
    return glyphs, sum(d.x_advance for d in data) * size_pt / 1000
