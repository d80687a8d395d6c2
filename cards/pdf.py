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
from reportlab.pdfbase.pdfdoc import PDFName
from reportlab.pdfgen.canvas import Canvas

from cards import __version__
from cards.dates import build_epoch
from cards.model import Deck
from cards.theme import FONT_REGULAR, register_fonts

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


def new_canvas(
    buffer: io.BytesIO, deck: Deck, what: str, page_size_pt: tuple[float, float], cmyk: bool = False
) -> Canvas:
    # invariant: no random file ID and no clock, so the same deck gives the same bytes.
    # initialFontName: ReportLab otherwise opens every page in Helvetica, which
    # puts an unembedded base-14 font into the file.
    register_fonts()
    canvas = Canvas(
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
    return canvas
