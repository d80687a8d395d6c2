"""A ReportLab canvas set up the same way for every output file.

Metadata (title, author, subject, language, creator), a creation date that
comes from the content rather than the clock (``SOURCE_DATE_EPOCH`` when set,
else the newest content file), and the viewer preference that stops PDF
readers from scaling the print: "fit to page" is the most common reason
printed cards come out the wrong size.
"""

from __future__ import annotations

import io
import time

from reportlab.lib.utils import TimeStamp
from reportlab.pdfbase.pdfdoc import PDFName, PDFStream, PDFZCompress, xObjectName
from reportlab.pdfgen.canvas import Canvas

from cards import __version__
from cards.dates import build_epoch
from cards.formats.drawn import seed_glyphs
from cards.layout.theme import FONT_REGULAR, register_fonts
from cards.model import Deck
from cards.templating import labels_view

DUPLEX_SETTING = {"long": "flip on long edge", "short": "flip on short edge"}


def ask_for_duplex(canvas: Canvas, duplex: str) -> None:
    """Start the print dialog on the right flip (the PDF's /Duplex viewer preference)."""
    edge = "DuplexFlipLongEdge" if duplex == "long" else "DuplexFlipShortEdge"
    canvas.setViewerPreference("Duplex", PDFName(edge))


def _timestamp(epoch: int) -> TimeStamp:
    stamp = TimeStamp(invariant=True)
    stamp.t = epoch
    stamp.lt = time.gmtime(epoch)
    stamp.YMDhms = tuple(stamp.lt)[:6]
    return stamp


class _Compressed:
    """A stream filter whose work is already done: the page was compressed when
    it was finished, not when the file is saved."""

    pdfname = "FlateDecode"

    def encode(self, data: bytes) -> bytes:
        return data


class StreamingCanvas(Canvas):
    """A canvas that compresses each page as it is finished.

    ReportLab keeps every page's drawing as text until it saves the file, and
    compresses it then: a 5,000-page booklet held hundreds of megabytes. The
    same compression, done at once, keeps a tenth of that and the same bytes.
    """

    # What this file's drawing may rely on, said where the file is made:
    icons_defined: bool = False  # the meta icons are forms of this file (define_icons)
    links: bool = False  # contents lines link to their pages (the reading-order booklet)

    def showPage(self) -> None:
        super().showPage()
        page = self._doc.Pages.pages[-1]
        if getattr(page, "compression", 0) and page.stream and not page.Contents:
            page.Contents, page.stream = _compressed(page.stream, "page stream"), None

    def endForm(self, **extra_attributes: object) -> None:
        name = self._formData[0]
        super().endForm(**extra_attributes)
        form = self._doc.idToObject[xObjectName(name)]
        if form.compression and form.stream and not form.Contents:
            form.Contents = _compressed(form.stream, "xobject form stream")
            form.stream, form.compression = None, 0  # done: no second pass at saving


def _compressed(text: str | bytes, comment: str) -> PDFStream:
    data = text.encode("latin-1") if isinstance(text, str) else text
    stream = PDFStream(content=PDFZCompress.encode(data), filters=[_Compressed()])
    stream.__Comment__ = comment
    return stream


def new_canvas(
    buffer: io.BytesIO, deck: Deck, what: str, page_size_pt: tuple[float, float], cmyk: bool = False
) -> Canvas:
    # invariant: no random file ID and no clock, so the same deck gives the same bytes.
    # initialFontName: ReportLab otherwise opens every page in Helvetica, which
    # puts an unembedded base-14 font into the file.
    register_fonts()
    canvas = StreamingCanvas(
        buffer,
        pagesize=page_size_pt,
        invariant=1,
        lang=deck.language,
        pageCompression=1,
        initialFontName=FONT_REGULAR,
        # with --cmyk, any RGB colour that slipped through is an error, not a silent mix
        enforceColorSpace="cmyk" if cmyk else None,
    )
    canvas._doc._timeStamp = _timestamp(build_epoch(deck))
    canvas.setTitle(f"{deck.title} — {what}")
    canvas.setAuthor(deck.author or "")
    canvas.setSubject(deck.subtitle or deck.title)
    canvas.setCreator(f"cards {__version__}")
    canvas.setKeywords(", ".join(s.title for s in deck.sections))
    canvas.setViewerPreference("PrintScaling", PDFName("None"))
    # glyph codes fixed before anything is drawn: a drawing made in a worker
    # process then means the same in this file (see formats/drawn.py)
    seed_glyphs(canvas, [*deck.texts(), *vars(labels_view(deck)).values()])
    return canvas
