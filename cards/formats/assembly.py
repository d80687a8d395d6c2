"""Finished chunks joined into one file with pikepdf (qpdf), and booklets imposed.

Drawing makes ordinary PDFs of consecutive pages (``formats/drawing.py``);
here they become the file a reader gets: the pages joined in order, the
links and the outline made between pages (a link may cross chunks), the
metadata, the language and the viewer preferences written once, and the
file saved with a content-derived ID, so one deck gives the same bytes.

``impose_pages`` places finished pages two-up on sheets as form XObjects:
each page is cut to its trim by the form's box, so bleed never spills onto
the facing page, and fonts and pictures are shared with nothing drawn twice.
"""

from __future__ import annotations

import io
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from cards import __version__
from cards.dates import build_epoch
from cards.formats.structure import TreeWriter
from cards.geometry import SheetSide
from cards.language import right_to_left
from cards.marks import BoxPt, Chunk, PageMarks
from cards.model import Deck


@dataclass(frozen=True)
class FileInfo:
    """What a file says about itself: its metadata and how it asks to be printed."""

    title: str
    author: str
    subject: str
    keywords: str
    creator: str
    language: str
    epoch: int  # the build's date (dates.build_epoch), as seconds
    duplex: str | None = None  # "long" or "short": the print dialog's first flip
    tagged: bool = True  # a structure tree and what PDF/UA asks of the document


@dataclass(frozen=True)
class OutlineEntry:
    """A bookmark: its title, the anchor it opens at, its depth (0 at the top)."""

    title: str
    target: str
    level: int


PRINT_FILE_NOTE = "a print file, not tagged for reading aloud"


def file_info(deck: Deck, what: str, duplex: str | None = None, tagged: bool = True) -> FileInfo:
    """What one of a deck's files says about itself; ``what``: which file it is.
    A print file (imposed, for a print shop) is not tagged, and says so."""
    subject = deck.subtitle or deck.title
    return FileInfo(
        title=f"{deck.title} — {what}",
        author=deck.author or "",
        subject=subject if tagged else f"{subject} ({PRINT_FILE_NOTE})",
        tagged=tagged,
        keywords=", ".join(s.title for s in deck.sections),
        creator=f"cards {__version__}",
        language=deck.language,
        # the content's date, not the clock: SOURCE_DATE_EPOCH, else the newest file
        epoch=build_epoch(deck),
        duplex=duplex,
    )


DUPLEX_SETTING = {"long": "flip on long edge", "short": "flip on short edge"}
_DUPLEX_NAMES = {"long": "/DuplexFlipLongEdge", "short": "/DuplexFlipShortEdge"}


class Assembly:
    """An output file made of chunks, added in order as they are drawn."""

    def __init__(self) -> None:
        self.pdf = pikepdf.new()
        self.marks: list[PageMarks] = []  # each page's links (its pieces: in the tree)
        self.tree: TreeWriter | None = None  # written as the chunks come
        self._sources: list[pikepdf.Pdf] = []  # open until the file is saved
        self._fonts: dict[tuple[object, ...], pikepdf.Object] = {}  # one of each, by content
        self._resources_seen: set[tuple[int, int]] = set()

    def add(self, chunk: Chunk) -> None:
        source = pikepdf.open(io.BytesIO(chunk.pdf))
        self._sources.append(source)
        start = len(self.pdf.pages)
        self.pdf.pages.extend(source.pages)
        self.share_fonts(start)
        # only the links are kept past this point: the pieces go into the tree
        self.marks.extend(PageMarks(links=marks.links) for marks in chunk.marks)
        if chunk.tagged:  # its pages' part of the tree, while the next chunk is drawn
            if self.tree is None:
                self.tree = TreeWriter(self.pdf, chunk.language)
            for page, marks in zip(self.pdf.pages[start:], chunk.marks, strict=True):
                self.tree.add_page(page.obj, marks)

    def share_fonts(self, start: int) -> None:
        """Fonts of the pages from ``start`` on that the file has already, by
        content, replaced by the file's own: chunks seeded alike embed the same
        subsets (layout/canvas.py, ``PageCanvas.seed_fonts``), kept once."""
        for page in self.pdf.pages[start:]:
            resources = page.obj.get("/Resources")
            if resources is None or resources.objgen in self._resources_seen:
                continue
            if resources.is_indirect:
                self._resources_seen.add(resources.objgen)
            fonts = resources.get("/Font")
            if fonts is None:
                continue
            for name in list(fonts.keys()):
                font = fonts[name]
                key = font_key(font)
                known = self._fonts.setdefault(key, font)
                if known.objgen != font.objgen:
                    fonts[name] = known

    @property
    def page_count(self) -> int:
        """The pages added so far (known after the file is closed too)."""
        return len(self.marks)

    def finish(
        self,
        info: FileInfo,
        anchors: dict[str, int] | None = None,
        outline: Sequence[tuple[int, OutlineEntry]] = (),
    ) -> bytes:
        """The file: links made (to the 0-based pages ``anchors`` gives), the
        ``outline`` ((page, entry) in order), the metadata, saved."""
        pdf = self.pdf
        pages = [page.obj for page in pdf.pages]
        no_border = pdf.make_indirect(Array([0, 0, 0]))  # one for every link
        annotations: list[list[pikepdf.Object]] = []
        for page, marks in zip(pages, self.marks, strict=True):
            made: list[pikepdf.Object] = []
            if marks.links and anchors is not None:
                made = [
                    pdf.make_indirect(
                        link_annotation(
                            pages[anchors[link.target]], link.box, no_border,
                            link.text or f"{anchors[link.target] + 1}",
                        )
                    )
                    for link in marks.links
                ]  # fmt: skip
                page.Annots = pdf.make_indirect(Array(made))
            annotations.append(made)
        if outline:
            make_outline(self.pdf, pages, outline)
        if info.tagged:
            assert self.tree is not None, "a tagged file is drawn tagged (PageCanvas(tags=True))"
            self.tree.finish(pages, annotations)
        return saved(self.pdf, info)

    def impose(self, sides: Sequence[SheetSide], where: Imposition, info: FileInfo) -> bytes:
        """The imposed file, made from this one's pages once it is finished
        (``impose_pages``); this file is not saved again after."""
        return impose_pages(self.pdf, sides, where, info)

    def close(self) -> None:
        """Let go of the file and its chunks (a large file's objects are most of
        the memory a build holds)."""
        for source in self._sources:
            source.close()
        self._sources.clear()
        self.pdf.close()


def font_key(font: pikepdf.Object) -> tuple[object, ...]:
    """What makes two embedded fonts the same: name, widths, program, mapping."""
    descriptor = font.get("/FontDescriptor")
    program = descriptor.get("/FontFile2") if descriptor is not None else None
    to_unicode = font.get("/ToUnicode")
    return (
        str(font.get("/BaseFont")),
        font.get("/Widths", Array()).unparse(),
        program.read_raw_bytes() if isinstance(program, pikepdf.Stream) else None,
        to_unicode.read_raw_bytes() if isinstance(to_unicode, pikepdf.Stream) else None,
    )


def link_annotation(
    page: pikepdf.Object, box: BoxPt, border: pikepdf.Object, says: str = ""
) -> Dictionary:
    """A link over ``box`` to the whole of ``page``, with ``border``; ``says``
    where it goes (its ``/Contents``, what a screen reader announces)."""
    link = Dictionary(
        Type=Name.Annot,
        Subtype=Name.Link,
        Rect=Array([round(v, 3) for v in (box.left_pt, box.bottom_pt, box.right_pt, box.top_pt)]),
        Border=border,
        Dest=Array([page, Name.Fit]),
        F=4,  # printed as shown: screen and paper alike
    )
    if says:
        link.Contents = String(says)
    return link


def make_outline(
    pdf: pikepdf.Pdf,
    pages: Sequence[pikepdf.Object],
    entries: Iterable[tuple[int, OutlineEntry]],
) -> None:
    """Bookmarks, each under the last one a level above it, all open."""
    with pdf.open_outline() as outline:
        parents: list[pikepdf.OutlineItem] = []
        for page_index, entry in entries:
            item = pikepdf.OutlineItem(entry.title, Array([pages[page_index], Name.Fit]))
            del parents[entry.level :]
            (parents[-1].children if parents else outline.root).append(item)
            parents.append(item)


def saved(pdf: pikepdf.Pdf, info: FileInfo) -> bytes:
    """``pdf`` with ``info`` written, as bytes: the same deck, the same bytes."""
    date = pdf_date(info.epoch)
    docinfo = {
        "/Title": info.title,
        "/Author": info.author,
        "/Subject": info.subject,
        "/Keywords": info.keywords,
        "/Creator": info.creator,
        "/Producer": f"{info.creator} (ReportLab, pikepdf)",
        "/CreationDate": date,
        "/ModDate": date,
    }
    pdf.docinfo = pdf.make_indirect(Dictionary({k: String(v) for k, v in docinfo.items()}))
    pdf.Root.Lang = String(info.language)
    # "fit to page" is the most common reason printed cards come out the wrong size
    preferences = Dictionary(PrintScaling=Name("/None"))
    if info.duplex:
        preferences.Duplex = Name(_DUPLEX_NAMES[info.duplex])
    if right_to_left(info.language):  # read and bound from the right: spreads shown so
        preferences.Direction = Name.R2L
    if info.tagged:  # the title, not the file's name, in the reader's title bar
        preferences.DisplayDocTitle = True
    else:  # a print file made from a tagged one keeps none of its tree
        for key in ("/StructTreeRoot", "/MarkInfo"):
            if key in pdf.Root:
                del pdf.Root[key]
    pdf.Root.ViewerPreferences = preferences
    write_xmp(pdf, info, time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(info.epoch)))
    out = io.BytesIO()
    pdf.save(
        out,
        deterministic_id=True,
        compress_streams=True,
        object_stream_mode=pikepdf.ObjectStreamMode.generate,
        # PDF/UA-1 is written on PDF 1.7 (ISO 32000-1): a tagged file says so
        # in its header, not the 1.5 its object streams alone would ask for
        min_version="1.7" if info.tagged else "",
    )
    return out.getvalue()


def write_xmp(pdf: pikepdf.Pdf, info: FileInfo, date: str) -> None:
    """The XMP metadata: title, author, subject, language, dates, and for a
    tagged file the PDF/UA identification (part 1)."""
    if "/Metadata" in pdf.Root:
        del pdf.Root["/Metadata"]
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        meta["dc:title"] = info.title
        if info.author:
            meta["dc:creator"] = [info.author]
        meta["dc:description"] = info.subject
        meta["dc:language"] = [info.language]
        meta["xmp:CreatorTool"] = info.creator
        meta["xmp:CreateDate"] = date
        meta["xmp:ModifyDate"] = date
        meta["pdf:Producer"] = f"{info.creator} (ReportLab, pikepdf)"
        if info.keywords:
            meta["pdf:Keywords"] = info.keywords
        if info.tagged:
            meta["pdfuaid:part"] = "1"


def pdf_date(epoch: int) -> str:
    return time.strftime("D:%Y%m%d%H%M%S+00'00'", time.gmtime(epoch))


# -- imposition ------------------------------------------------------------------


@dataclass(frozen=True)
class Imposition:
    """Where pages go on a sheet, in points: the sheet's size, the lower left
    corner of the left page's trim, the page's trim width, and whether every
    back side is turned 180° (duplex flip on the long edge)."""

    sheet_width_pt: float
    sheet_height_pt: float
    left_pt: float
    bottom_pt: float
    page_width_pt: float
    turn_backs: bool


def impose_pages(
    pdf: pikepdf.Pdf, sides: Sequence[SheetSide], where: Imposition, info: FileInfo
) -> bytes:
    """The imposed file, made from the finished reading-order file ``pdf`` (saved
    already; it is changed here): each page becomes a form XObject cut to
    its trim, placed two-up on sheets in the order ``sides`` gives
    (``geometry.saddle_order``). Nothing is copied: a page's drawing is the
    form's. No links and no outline (a sheet is for folding, not reading)."""
    boxes: dict[bytes, pikepdf.Object] = {}  # one trim box for all the pages that share it
    forms = [page_as_form(pdf, page, boxes) for page in pdf.pages]
    del pdf.pages[:]
    sheet_box = pdf.make_indirect(Array([0, 0, where.sheet_width_pt, where.sheet_height_pt]))
    for key in ("/Outlines", "/PageMode"):
        if key in pdf.Root:
            del pdf.Root[key]
    for index, side in enumerate(sides):
        operations = []
        if index % 2 == 1 and where.turn_backs:
            operations.append(
                f"-1 0 0 -1 {where.sheet_width_pt:.4f} {where.sheet_height_pt:.4f} cm"
            )
        names = {}
        placed = ((side.left, where.left_pt), (side.right, where.left_pt + where.page_width_pt))
        for number, x_pt in placed:
            form = forms[number - 1]
            left, bottom = float(form.BBox[0]), float(form.BBox[1])
            name = f"/P{number}"
            names[name] = form
            operations.append(
                f"q 1 0 0 1 {x_pt - left:.4f} {where.bottom_pt - bottom:.4f} cm {name} Do Q"
            )
        body = "q\n" + "\n".join(operations) + "\nQ\n"
        sheet = Dictionary(
            Type=Name.Page,
            MediaBox=sheet_box,
            Resources=Dictionary(XObject=Dictionary(names)),
            Contents=pdf.make_stream(body.encode("ascii")),
        )
        pdf.pages.append(pikepdf.Page(sheet))
    return saved(pdf, info)


def page_as_form(
    pdf: pikepdf.Pdf, page: pikepdf.Page, boxes: dict[bytes, pikepdf.Object]
) -> pikepdf.Object:
    """``page``'s drawing as a form XObject whose box is the page's trim.

    A page we drew has one content stream: it becomes the form as it is, its
    data untouched (qpdf's own ``as_form_xobject`` would make the stream anew).
    """
    contents = page.obj.get("/Contents")
    if not isinstance(contents, pikepdf.Stream):  # not one of ours: qpdf's way
        return page.as_form_xobject()
    contents.Type = Name.XObject
    contents.Subtype = Name.Form
    trim = Array([float(v) for v in page.trimbox])
    known = trim.unparse()
    if known not in boxes:
        boxes[known] = pdf.make_indirect(trim)
    contents.BBox = boxes[known]
    contents.Resources = page.obj.Resources
    return contents
