"""The names ReportLab does not document that we rely on, in one module, checked.

``cards/layout/parsed.py`` runs ReportLab's inline-markup parser once per
paragraph and hands its fragments to ``Paragraph(frags=…)``. These tests fail
on a ReportLab release that changes what the parser makes or what
``Paragraph`` does with fragments, and on any other module that starts to
use them.
"""

from __future__ import annotations

import re
import subprocess

from conftest import REPO
from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

from cards.layout.parsed import paragraph, parsed_fragments
from cards.layout.theme import FONT_REGULAR, FONT_SEMIBOLD, register_fonts

# What layout/parsed.py may use, and the PDF writer's and canvas's internals
# that the drawing code once replaced or swapped (none may come back).
PARSER = r"paraparser|ParaParser|cleanBlockQuotedText|frags=|blPara|drawPara\b"
# shaping: HarfBuzz's glyphs as ReportLab holds them, and the text object's mend
SHAPING = r"ShapedStr|__shapeData__|shapeFragWord|_formatText|_curSubset|PDFTextObject"
WRITER = (
    r"_setXObjects|\._code\b|\._doc\b|_formsinuse|_extgstate|_assignState|idToObject"
    r"|__InternalName__|PDFCrossReferenceTable|PDFTrailer|PDFFile|pdfdoc|splitString"
    r"|getSubsetInternalName|_annotationrefs|_colorsUsed|_timeStamp"
)
PRIVATE = re.compile(f"{PARSER}|{SHAPING}|{WRITER}")


def style(font: str = FONT_REGULAR, size: float = 9.5) -> ParagraphStyle:
    register_fonts()
    return ParagraphStyle(
        "t", fontName=font, fontSize=size, leading=size * 1.25, textColor="#2A6CB8"
    )


@given(
    text=st.text(
        alphabet=st.characters(blacklist_characters="<&", blacklist_categories=("Cs", "Cc")),
        min_size=1,
        max_size=60,
    )
)
@settings(max_examples=150, deadline=None)
def test_plain_words_are_the_fragment_the_markup_parser_makes(text):
    """Words without markup skip ReportLab's parser; the fragment is the parser's."""
    from reportlab.platypus.paragraph import cleanBlockQuotedText
    from reportlab.platypus.paraparser import ParaParser

    semibold = style(FONT_SEMIBOLD)
    _, parsed, _ = ParaParser().parse(cleanBlockQuotedText(text), semibold)
    made = parsed_fragments(text, semibold)
    assert [vars(f) for f in made] == [vars(f) for f in parsed]


WORDS = st.sampled_from(
    ["Press", "the", "heel", "gently,", "then", "slide", "towards", "the", "toes.", "Über", "ça"]
)
MARKUP = st.sampled_from(["<b>{}</b>", "<i>{}</i>", "{}", "{}", '<font color="#5A2A0A">{}</font>'])


@given(
    words=st.lists(st.tuples(WORDS, MARKUP), min_size=1, max_size=30),
    size=st.sampled_from([8.0, 9.5, 13.0]),
    width=st.integers(min_value=60, max_value=300),
)
@settings(max_examples=150, deadline=None)
def test_a_paragraph_from_parsed_fragments_breaks_as_reportlab_parsing_it(words, size, width):
    """The same lines, the same height, at every size: reusing the parsed
    fragments changes nothing a reader sees."""
    text = " ".join(markup.format(word) for word, markup in words)
    ours, theirs = paragraph(text, style(size=size)), Paragraph(text, style(size=size))
    assert ours.wrap(width, 1e6) == theirs.wrap(width, 1e6)
    assert [ours.getActualLineWidths0()] == [theirs.getActualLineWidths0()]


def test_no_other_module_uses_what_reportlab_does_not_document():
    """``git grep`` finds ReportLab's undocumented names only in layout/parsed.py."""
    found = subprocess.run(
        ["git", "grep", "-n", "-E", PRIVATE.pattern, "--", "cards"],
        check=False,  # git grep ends with 1 when it finds nothing
        cwd=REPO,
        capture_output=True,
        text=True,
    ).stdout.splitlines()
    outside = [line for line in found if not line.startswith("cards/layout/parsed.py:")]
    assert outside == []
    inside = [line.split(":", 2)[2] for line in found if line not in outside]
    assert inside and not any(re.search(WRITER, line) for line in inside)


@given(
    words=st.lists(st.tuples(WORDS, MARKUP), min_size=2, max_size=30),
    width=st.integers(min_value=50, max_value=200),
)
@settings(max_examples=60, deadline=None)
def test_a_spaced_paragraph_draws_the_space_at_each_line_end(words, width):
    """SpacedParagraph changes ReportLab's broken lines (``blPara``) while it
    draws: every line broken at a space ends with that space, so the page's
    text is the words as written; the lines themselves are ReportLab's. Fails
    the day ReportLab draws or describes its lines otherwise."""
    import io

    import pypdf

    from cards.layout.canvas import PageCanvas

    text = " ".join(markup.format(word) for word, markup in words)
    ours = paragraph(text, style())
    ours.wrap(width, 1e6)
    plain = " ".join(ours.getPlainText().split())
    assert ours.drawn_text() == plain  # no word broken at this width
    theirs = Paragraph(text, style())
    theirs.wrap(width, 1e6)
    assert ours.getActualLineWidths0() == theirs.getActualLineWidths0()
    canvas = PageCanvas((400, 2000), tags=False)
    ours.drawOn(canvas, 10, 10)
    canvas.showPage()
    canvas.save()
    drawn = pypdf.PdfReader(io.BytesIO(canvas.buffer.getvalue())).pages[0].extract_text()
    assert " ".join(drawn.split()) == plain
    if len(ours.blPara.lines) > 1:  # ReportLab's own: the line-end word joined to the next
        canvas = PageCanvas((400, 2000), tags=False)
        theirs.drawOn(canvas, 10, 10)
        canvas.showPage()
        canvas.save()
        raw = pypdf.PdfReader(io.BytesIO(canvas.buffer.getvalue())).pages[0].extract_text()
        assert raw.replace("\n", "") != drawn.replace("\n", "")


def _shaped_with_raised_first_glyph():
    """An Arabic word whose first glyph drawn (its last letter's mark, drawn
    leftmost) sits raised: "ثوانٍ"."""
    from cards.layout.fallback import font_runs
    from cards.layout.parsed import shaped

    register_fonts()
    (run,) = font_runs("ثوانٍ", FONT_REGULAR, "ar")
    glyphs, _ = shaped(run.text, run.font, 10)
    assert any(d.y_offset for d in glyphs.__shapeData__[:1]), "the mark is first and raised"
    return run.font, glyphs


def test_reportlab_text_objects_still_fail_on_a_raised_first_glyph():
    """The day this fails, ReportLab has mended ``setRise`` on an empty
    operator list, and ``parsed.ShapingTextObject`` can go."""
    import io

    import pytest
    from reportlab.pdfgen.canvas import Canvas

    font, glyphs = _shaped_with_raised_first_glyph()
    canvas = Canvas(io.BytesIO())
    text = canvas.beginText(10, 10)
    text.setFont(font, 10)
    text.textOut(glyphs)  # the subset is now known: the next run writes no font first
    with pytest.raises(IndexError):
        text.textOut(glyphs)


def test_a_shaping_text_object_draws_a_raised_first_glyph_and_its_letters_come_back():
    import io

    import pypdf
    from reportlab.pdfgen.canvas import Canvas

    from cards.formats.drawing import read_as_letters
    from cards.layout.parsed import begin_text

    font, glyphs = _shaped_with_raised_first_glyph()
    out = io.BytesIO()
    canvas = Canvas(out, invariant=1)
    text = begin_text(canvas, 10, 10)
    text.setFont(font, 10)
    text.textOut(glyphs)
    text.textOut(glyphs)  # where ReportLab's own text object fails (above)
    canvas.drawText(text)
    canvas.showPage()
    canvas.save()
    import pikepdf

    pdf = pikepdf.open(io.BytesIO(out.getvalue()))
    for face in pdf.pages[0].Resources.Font.values():
        read_as_letters(face)
    mended = io.BytesIO()
    pdf.save(mended)
    drawn = pypdf.PdfReader(mended).pages[0].extract_text()
    # the glyphs in the order drawn, each read as its letter (the mark with its own)
    assert sorted(drawn.replace(" ", "")) == sorted("ثوانٍ" * 2)
