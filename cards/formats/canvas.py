"""A ReportLab canvas set up the same way for every output file.

Metadata (title, author, subject, language, creator), a creation date that
comes from the content rather than the clock (``SOURCE_DATE_EPOCH`` when set,
else the newest content file), and the viewer preference that stops PDF
readers from scaling the print: "fit to page" is the most common reason
printed cards come out the wrong size.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from typing import IO, TYPE_CHECKING, Any

from reportlab.lib.utils import TimeStamp
from reportlab.pdfbase.pdfdoc import (
    PDFArray,
    PDFCrossReferenceTable,
    PDFDocument,
    PDFFile,
    PDFIndirectObject,
    PDFName,
    PDFObject,
    PDFObjectReference,
    PDFPage,
    PDFResourceDictionary,
    PDFStream,
    PDFTrailer,
    PDFZCompress,
    pdfdocEnc,
    xObjectName,
)
from reportlab.pdfbase.pdfdoc import format as pdfdoc_format
from reportlab.pdfgen.canvas import Canvas

from cards import __version__
from cards.dates import build_epoch
from cards.formats.drawn import seed_glyphs, share_glyphs
from cards.layout.theme import FONT_REGULAR, register_fonts
from cards.model import Deck
from cards.templating import labels_view

if TYPE_CHECKING:
    from cards.workers import WorkCache

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
    """A canvas that writes each page out as it is finished.

    ReportLab keeps every page, its resources and its drawing as Python objects
    until it saves the file, and compresses the drawing then: a 5,000-page
    booklet held hundreds of megabytes. Here a finished page is compressed,
    formatted and written to a spool (a temporary file once large) at once;
    saving writes the file's header, the spooled pages, then the objects that
    were still open (fonts, forms, links, the outline).
    """

    # What this file's drawing may rely on, said where the file is made:
    icons_defined: bool = False  # the meta icons are forms of this file (define_icons)
    links: bool = False  # contents lines link to their pages (the reading-order booklet)
    glyph_seed: str = ""  # the characters coded before drawing (formats/drawn.py)

    def __init__(self, *args: Any, streams: WorkCache | None = None, **kwargs: Any):
        self._form_dicts: dict[tuple[str, ...], Any] = {}
        self._written = _Written()
        self._streams = streams
        self._shared: dict[tuple[object, ...], _Formatted] = {}
        super().__init__(*args, **kwargs)

    def _setXObjects(self, thing: object) -> None:
        """One dictionary of forms for every page that uses the same forms (they
        are written out in full for each page all the same): a 5,000-page file
        held 5,000 copies."""
        forms = tuple(dict.fromkeys(self._formsinuse))
        if not forms:
            thing.XObjects = None  # type: ignore[attr-defined]
            return
        shared = self._form_dicts.get(forms)
        if shared is None:
            shared = self._form_dicts[forms] = self._doc.xobjDict(list(forms))
        thing.XObjects = shared  # type: ignore[attr-defined]

    def showPage(self) -> None:
        super().showPage()
        pages = self._doc.Pages.pages
        page = pages[-1]
        if getattr(page, "compression", 0) and page.stream and not page.Contents:
            page.Contents = _compressed(page.stream, "page stream", self._streams)
            page.stream = None
        self._share_parts(page)
        if self._written.write_page(self._doc, page):
            pages[-1] = PDFObjectReference(page.__InternalName__)

    def _share_parts(self, page: Any) -> None:
        """Format a page's media box and resources once for all the pages that
        have the same: ReportLab makes and formats both anew for every page,
        which was most of the time spent writing a page."""
        if page.MediaBox is None:
            key: tuple[object, ...] = ("MediaBox", page.pagewidth, page.pageheight, page.Rotate)
            if key not in self._shared:
                box = [0, 0, page.pagewidth, page.pageheight]
                if page.Rotate in (90, 270):
                    box = [0, 0, page.pageheight, page.pagewidth]
                self._shared[key] = _Formatted(PDFArray(box).format(self._doc))
            page.MediaBox = self._shared[key]
        if page.Resources is None and not page.ExtGState:
            key = (
                "Resources",
                bool(page.hasImages),
                id(page.XObjects),  # shared by every page with the same forms (_setXObjects)
                tuple(page._colorsUsed.items()),
                tuple(page._shadingUsed.items()),
            )
            if key not in self._shared:
                resources = PDFResourceDictionary()  # as PDFPage.check_format makes it
                resources.basicFonts()
                if page.hasImages:
                    resources.allProcs()
                else:
                    resources.basicProcs()
                if page.XObjects:
                    resources.XObject = page.XObjects
                resources.setShading(page._shadingUsed)
                resources.setColorSpace(page._colorsUsed)
                self._shared[key] = _Formatted(resources.format(self._doc))
            page.Resources = self._shared[key]

    def endForm(self, **extra_attributes: object) -> None:
        name = self._formData[0]
        super().endForm(**extra_attributes)
        form = self._doc.idToObject[xObjectName(name)]
        if form.compression and form.stream and not form.Contents:
            form.Contents = _compressed(form.stream, "xobject form stream")
            form.stream, form.compression = None, 0  # done: no second pass at saving

    def save(self) -> None:
        """Write the file into its buffer object by object, as ReportLab formats
        them, instead of joining every object's text first and copying it twice:
        a 5,000-page booklet held its whole file three times over at this point."""
        doc = self._doc
        doc.format = lambda: _format_into(doc, self._filename, self._written)
        super().save()


class _Formatted(PDFObject):
    """A value already formatted: written as it is wherever it is used."""

    def __init__(self, data: bytes):
        self.data = data

    def format(self, document: object) -> bytes:
        return self.data


class _Sink(PDFFile):
    """ReportLab's output collector, writing straight into the file's buffer."""

    offset: int  # where the next object starts

    def __init__(self, sink: IO[bytes], version: tuple[int, int]):
        self.sink = sink
        super().__init__(version)

    def add(self, s: str | bytes) -> int:
        data: bytes = pdfdocEnc(s)
        offset = self.offset
        self.offset = offset + len(data)
        self.sink.write(data)
        return offset

    def format(self, document: object) -> bytes:
        return b""  # all written already


class _Written:
    """Objects formatted and written before the file is saved: finished pages
    and their drawing, in a spool, each at its offset from the spool's start."""

    def __init__(self) -> None:
        self.spool = file_buffer()
        self.offsets: dict[str, int] = {}

    def write_page(self, doc: PDFDocument, page: Any) -> bool:
        """Format ``page`` and its drawing and write them out; False when the page
        refers to something the file has not made yet (it waits for saving)."""
        names = [page.__InternalName__]
        try:
            formatted = [_indirect(doc, names[0], _page_dictionary(doc, page))]
            contents = page.Contents
            if isinstance(contents, PDFStream):
                names.append(doc.Reference(contents).name)
                formatted.append(_indirect(doc, names[1], contents.format(doc)))
        except KeyError:  # a reference ReportLab resolves only when saving
            return False
        for name, data in zip(names, formatted, strict=True):
            self.offsets[name] = self.spool.tell()
            self.spool.write(data)
            doc.idToObject[name] = None  # written: let it go
        return True

    def copy_into(self, out: _Sink) -> dict[str, int]:
        """Everything written so far, appended to ``out``: where each object is now."""
        start = out.offset
        self.spool.seek(0)
        shutil.copyfileobj(self.spool, out.sink)
        out.offset += self.spool.tell()
        self.spool.close()
        return {name: start + offset for name, offset in self.offsets.items()}


# What PDFPage formats, and which of it goes by reference (ReportLab 4).
_PAGE_KEYS = tuple(dict.fromkeys(["Type", *PDFPage.__NoDefault__]))
_PAGE_REFERENCES = frozenset(PDFPage.__Refs__)
_NAMES: dict[str, bytes] = {}


def _page_dictionary(doc: PDFDocument, page: Any) -> bytes:
    """``page`` formatted as ReportLab formats it, byte for byte, without its
    generic machinery for the values pages have (references, preformatted
    parts, arrays of references): that machinery was most of writing a page."""
    page.check_format(doc)
    entries = []
    for key in _PAGE_KEYS:
        value = getattr(page, key, None) if key != "Type" else PDFPage.__Defaults__["Type"]
        if value is None:
            continue
        if key in _PAGE_REFERENCES:
            value = doc.Reference(value)
        name = _NAMES.get(key) or _NAMES.setdefault(key, pdfdoc_format(PDFName(key), doc))
        entries.append((key, name + b" " + _value(doc, value)))
    parts = [data for _, data in sorted(entries)]
    for index in reversed(range(6, len(parts), 6)):  # as PDFDictionary breaks its lines
        parts.insert(index, b"\n ")
    return b"<<\n" + b" ".join(parts) + b"\n>>"


def _value(doc: PDFDocument, value: Any) -> bytes:
    if isinstance(value, _Formatted):
        return value.data
    if type(value) is PDFObjectReference:
        return b"%d %d R" % doc.idToObjectNumberAndVersion[value.name]
    if (
        type(value) is PDFArray
        and len(value.sequence) <= 10
        and all(type(item) is PDFObjectReference for item in value.sequence)
    ):
        return b"[ " + b" ".join(_value(doc, item) for item in value.sequence) + b" ]"
    formatted: bytes = pdfdoc_format(value, doc)
    return formatted


def _indirect(doc: PDFDocument, name: str, body: bytes) -> bytes:
    """As PDFIndirectObject formats an object already formatted."""
    number, version = doc.idToObjectNumberAndVersion[name]
    return (
        b"%d %d obj\n" % (number, version)
        + body
        + (b"" if body.endswith(b"\n") else b"\n")
        + b"endobj\n"
    )


def _format_into(doc: PDFDocument, sink: IO[bytes], written: _Written) -> bytes:
    """``PDFDocument.format`` (ReportLab 4) with its output written to ``sink`` as
    it goes, after the objects ``written`` out earlier; no encryption or
    signatures, which our files never have."""
    cat, info = doc.Catalog, doc.info
    doc.Reference(cat)
    doc.Reference(info)
    out = _Sink(sink, doc._pdfVersion)
    doc.__accum__ = out
    doc.idToOffset.update(written.copy_into(out))
    counter, ids = 0, []
    while True:  # objects may be added while others are formatted
        counter += 1
        if counter not in doc.numberToId:
            break
        oid = doc.numberToId[counter]
        if oid not in doc.idToOffset:
            doc.idToOffset[oid] = out.add(PDFIndirectObject(oid, doc.idToObject[oid]).format(doc))
        ids.append(oid)
    del doc.__accum__
    count = len(doc.numberToId)
    if counter - 1 != count:
        raise ValueError(f"counter {counter} doesn't match number to id dictionary {count}")
    xref = PDFCrossReferenceTable()
    xref.addsection(0, ids)
    xref_offset = out.add(xref.format(doc))
    trailer = PDFTrailer(
        startxref=xref_offset,
        Size=count + 1,
        Root=doc.Reference(cat),
        Info=doc.Reference(info),
        Encrypt=None,
        ID=doc.ID(),
    )
    out.add(trailer.format(doc))
    return b""


def _compressed(text: str | bytes, comment: str, streams: WorkCache | None = None) -> PDFStream:
    """``text`` as a compressed stream; a watch session's ``streams`` keeps what
    it compressed (most pages come out the same after an edit), by the text
    itself: exact, and a dictionary look-up costs less than a digest."""
    packed = streams.find(text) if streams is not None else None
    if packed is None:
        packed = PDFZCompress.encode(text.encode("latin-1") if isinstance(text, str) else text)
        if streams is not None:
            streams.store(text, packed)
    stream = _CompressedStream(content=packed, filters=[_Compressed()])
    stream.__Comment__ = comment
    return stream


class _CompressedStream(PDFStream):
    """A stream compressed already, formatted as ReportLab formats it."""

    def format(self, document: object) -> bytes:
        if self.dictionary.dict:  # a form's stream, with its own entries
            formatted: bytes = super().format(document)
            return formatted
        content: bytes = self.content
        head = b"<<\n/Filter [ /FlateDecode ] /Length %d\n>>\nstream\n" % len(content)
        return head + content + b"endstream\n"


# A finished file stays in memory up to this size, then goes to a temporary
# file on disk until it is written out: a 5,000-page booklet is 10 MB.
SPOOL_BYTES = 1 << 20


def file_buffer() -> IO[bytes]:
    """Where a PDF is made: memory for a small file, a temporary file for a large one."""
    return tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)


def new_canvas(
    buffer: IO[bytes],
    deck: Deck,
    what: str,
    page_size_pt: tuple[float, float],
    cmyk: bool = False,
    streams: WorkCache | None = None,
    glyphs_from: Canvas | None = None,
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
        streams=streams,
    )
    canvas._doc._timeStamp = _timestamp(build_epoch(deck))
    canvas.setTitle(f"{deck.title} — {what}")
    canvas.setAuthor(deck.author or "")
    canvas.setSubject(deck.subtitle or deck.title)
    canvas.setCreator(f"cards {__version__}")
    canvas.setKeywords(", ".join(s.title for s in deck.sections))
    canvas.setViewerPreference("PrintScaling", PDFName("None"))
    # glyph codes fixed before anything is drawn: a drawing made in a worker
    # process then means the same in this file (see formats/drawn.py); or those
    # of another file (``glyphs_from``), whose drawings this one places too
    if glyphs_from is not None:
        share_glyphs(glyphs_from, canvas)
    else:
        seed_glyphs(canvas, [*deck.texts(), *vars(labels_view(deck)).values()])
    return canvas
