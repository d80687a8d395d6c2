"""The canvas every page is drawn on, and the marks it keeps for each page.

A ``PageCanvas`` is a plain ReportLab ``Canvas`` (public API only) that
keeps, for each page, what assembly adds after the drawing: the boxes that
link to another page (``link_to``) and the drawing's pieces, each wrapped in
marked content with an id (``piece``) so that a structure tree can point at
it without the drawing being done again.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from reportlab import rl_config
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Spacer

from cards.language import upper
from cards.layout.fallback import font_runs
from cards.layout.theme import FONT_FILES, FONT_REGULAR, register_fonts
from cards.marks import BoxPt, Link, PageMarks, Piece

# ReportLab's documented setting (rl_settings.py): streams compressed only, not
# also written out in ASCII85, which made every page a quarter larger.
rl_config.useA85 = 0


class PageCanvas(Canvas):
    """A ReportLab canvas set up alike for every chunk, keeping each page's marks.

    Only the public API: ``showPage`` is extended to start the next page's
    marks; links and pieces are written with ``absolutePosition`` and
    ``addLiteral``. The file's metadata is assembly's to write.
    """

    # the meta icons are forms of this file (layout/glance.define_icons)
    icons_defined: bool = False

    def __init__(
        self,
        page_size_pt: tuple[float, float],
        cmyk: bool = False,
        font_seed: str = "",
        tags: bool = True,
        language: str = "",
    ):
        register_fonts()
        self.buffer = io.BytesIO()
        # invariant: no random file ID and no clock, so a deck gives the same
        # bytes. initialFontName: ReportLab otherwise opens every page in
        # Helvetica, which puts an unembedded base-14 font into the file.
        super().__init__(
            self.buffer,
            pagesize=page_size_pt,
            invariant=1,
            pageCompression=1,
            initialFontName=FONT_REGULAR,
            # with --cmyk, any RGB colour that slipped through is an error, not a silent mix
            enforceColorSpace="cmyk" if cmyk else None,
        )
        # tags=False (an untagged file: ``--no-tags``, print files): no marked
        # content at all, the smallest stream
        self.tags = tags
        self.language = language  # the document's: the structure tree's default /Lang
        self.marks: list[PageMarks] = [PageMarks()]
        # the roles of the next text objects drawn, one each (role, what it
        # says, what is drawn): a step's number, then its words, which
        # ReportLab draws as two text objects (set by ``draw_marked``)
        self.text_roles: list[tuple[str, str, str | None]] = []
        # what the next text objects say where their glyphs do not (said_as)
        self.said_texts: list[str | None] = []
        self.next_mcid = 0  # the page's next marked-content id
        self.open_mcids: list[int | None] = []  # the pieces being drawn, innermost last
        # each open piece: "content", "artifact", or "inside" one (it marks nothing)
        self.open_kinds: list[str] = []
        self.artifact_depth = 0  # inside an artifact, pieces mark nothing of their own
        if font_seed:
            self.seed_fonts(font_seed)

    def seed_fonts(self, characters: str) -> None:
        """Let every face give ``characters`` their codes first, in this order,
        by drawing them into a form no page uses (it is not kept in the file).

        ReportLab codes a character when it is first drawn, so two chunks
        drawing different text would embed different subsets of a face; seeded
        alike with all of a deck's characters, every chunk embeds the same, and
        assembly keeps one copy (formats/assembly.py, ``Assembly.add``).
        """
        self.beginForm("font-seed")
        for name in FONT_FILES:
            for run in font_runs(characters, name, self.language):
                self.setFont(run.font, 1)
                self.drawString(0, 0, run.text)
        self.endForm()

    def showPage(self) -> None:
        super().showPage()
        self.marks.append(PageMarks())
        self.next_mcid = 0

    def link_to(self, target: str, width_pt: float, height_pt: float, text: str = "") -> None:
        """The box from the current origin, ``width_pt`` by ``height_pt``, links to
        the page holding ``target``; ``text`` says where it goes."""
        corners = [self.absolutePosition(x, y) for x in (0, width_pt) for y in (0, height_pt)]
        xs, ys = [x for x, _ in corners], [y for _, y in corners]
        mcid = self.open_mcids[-1] if self.open_mcids else None
        box = BoxPt(min(xs), min(ys), max(xs), max(ys))
        self.marks[-1].links.append(Link(target, box, mcid, text))

    def drawText(self, aTextObject: Any) -> None:
        """ReportLab's ``drawText``, each text object ``text_roles`` names
        marked as its piece, and one ``said_as`` named said as its words."""
        said = self.said_texts.pop(0) if self.said_texts else None
        if not self.text_roles:
            self._draw_said(aTextObject, said)
            return
        role, text, drawn = self.text_roles.pop(0)
        self.begin_piece(role, text, drawn)
        self._draw_said(aTextObject, said)
        self.end_piece()

    def _draw_said(self, text_object: Any, said: str | None) -> None:
        if said is None:
            super().drawText(text_object)
            return
        # shaped glyphs (Arabic joined, Devanagari reordered) do not map back
        # to the letters one by one: the words as written go with them, in
        # tagged and untagged files alike (text extraction reads them)
        self.addLiteral(f"/Span <</ActualText {pdf_text_string(said)}>> BDC")
        super().drawText(text_object)
        self.addLiteral("EMC")

    @contextmanager
    def said_as(self, *texts: str | None) -> Iterator[None]:
        """The next text objects drawn inside, one each: said as the words
        given (a Span with ActualText), or as drawn where None."""
        self.said_texts = list(texts)
        try:
            yield
        finally:
            self.said_texts = []

    @contextmanager
    def group(self, role: str, language: str = "") -> Iterator[None]:
        """The pieces drawn inside, as one element of ``role`` in the structure
        tree (a card, a page): no marked content of its own; ``language``:
        the language its words are in (the element's /Lang where it is not
        the document's)."""
        opened = self.begin_group(role, language)
        try:
            yield
        finally:
            if opened:
                self.end_group(role)

    def begin_group(self, role: str, language: str = "") -> bool:
        """``group`` without a context manager, for the hot path: whether a
        group was opened (``end_group`` closes it)."""
        # an artifact's groups are not in the tree; nor is a group of no role
        # (a picture beside its text: each read in its place)
        if self.artifact_depth or not self.tags or not role:
            return False
        self.marks[-1].pieces.append(Piece(role, None, language, "open"))
        return True

    def end_group(self, role: str) -> None:
        self.marks[-1].pieces.append(Piece(role, None, "", "close"))

    def begin_piece(self, role: str, text: str = "", drawn: str | None = None) -> None:
        """Start a piece of ``role``: ``BDC`` with the page's next marked-content
        id, or an artifact (``Artifact``, or of a type: ``Artifact:Pagination``
        for folios and running footers, ``Artifact:Layout`` for colour and
        rules, ``Artifact:Page`` for crop marks and print aids); ``end_piece``
        ends it. ``text``: a figure's alternative text, or what the piece
        says; ``drawn``: the text it draws, where known. What it says is kept
        (its ``ActualText``) only where it differs from what is drawn."""
        pieces = self.marks[-1].pieces
        if not self.tags:
            self.open_kinds.append("inside")
            self.open_mcids.append(None)
            return
        if self.artifact_depth:  # inside an artifact: all of it is the artifact's
            self.open_kinds.append("inside")
            self.open_mcids.append(None)
            return
        if role.startswith("Artifact"):  # "Artifact:Pagination": of that type
            kind = role.partition(":")[2]
            self.addLiteral(f"/Artifact <</Type /{kind}>> BDC" if kind else "/Artifact BMC")
            pieces.append(Piece("Artifact", None))
            self.open_kinds.append("artifact")
            self.open_mcids.append(None)
            self.artifact_depth += 1
            return
        mcid = self.next_mcid
        self.next_mcid = mcid + 1
        self.addLiteral(f"/{role} <</MCID {mcid}>> BDC")
        if role != "Figure" and drawn is not None and (drawn == text or same_words(text, drawn)):
            text = ""  # the drawn text says it: no ActualText
        pieces.append(Piece(role, mcid, text))
        self.open_kinds.append("content")
        self.open_mcids.append(mcid)

    def end_piece(self) -> None:
        kind = self.open_kinds.pop() if self.open_kinds else "content"
        if kind != "inside":
            self.addLiteral("EMC")
        if kind == "artifact":
            self.artifact_depth -= 1
        if self.open_mcids:
            self.open_mcids.pop()

    @contextmanager
    def piece(self, role: str, text: str = "", drawn: str | None = None) -> Iterator[None]:
        """What is drawn inside, wrapped in marked content of ``role``."""
        self.begin_piece(role, text, drawn)
        try:
            yield
        finally:
            self.end_piece()


def pdf_text_string(text: str) -> str:
    """``text`` as a PDF text string for a content stream: UTF-16 with its
    byte-order mark, in hexadecimal (nothing to escape)."""
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


@contextmanager
def said_as(canvas: Canvas, *texts: str | None) -> Iterator[None]:
    """``PageCanvas.said_as`` where the canvas is ours; else nothing."""
    if isinstance(canvas, PageCanvas) and any(t is not None for t in texts):
        with canvas.said_as(*texts):
            yield
    else:
        yield


def same_words(said: str, drawn: str) -> bool:
    """Whether text drawn reads as ``said``: the same words, spaced alike."""
    return said.split() == drawn.split()


# Characters the built-in layouts and labels write around the deck's text.
LAYOUT_CHARACTERS = "–—‘’“”…·•×→←↑↓°"


def font_seed(texts: Iterable[str], language: str = "en") -> str:
    """The characters beyond ASCII (which every subset codes alike) that a
    deck's text and layouts may draw, in one fixed order."""
    characters = set(LAYOUT_CHARACTERS)
    for text in texts:
        characters.update(text)
        characters.update(upper(text, language))  # band labels are set in capitals
    return "".join(sorted(c for c in characters if ord(c) > 126))


# The structure role of a paragraph, by its style's name (layout/styles.py);
# any other paragraph is a P. A flowable of ours says its own (``role``).
STYLE_ROLES = {
    "title": "H1",
    "display": "H1",
    "heading": "H2",
    "step": "LI",
    "bullet": "LI",
    "footer": "Artifact",
    # "continued on the next page →": furniture, as a running footer is; the
    # next part's title says "(continued)" in its place
    "continues": "Artifact:Pagination",
}


PICTURE_FLOWABLES = {"Image", "Drawing"}  # ReportLab's: a picture, a vector drawing


def role_of(flowable: Flowable) -> str | None:
    """The structure role a flowable is drawn as; None for one that draws nothing."""
    if isinstance(flowable, Spacer):
        return None
    role = getattr(flowable, "role", None)
    if isinstance(role, str):
        return role
    style = getattr(flowable, "style", None)
    if style is None and type(flowable).__name__ in PICTURE_FLOWABLES:
        return "Figure"
    if style is not None and hasattr(style, "name"):
        # a style made from another ("step-2", numbers two digits wide) keeps its role
        return STYLE_ROLES.get(style.name.split("-", 1)[0], "P")
    return "Figure" if getattr(flowable, "drawing", None) is not None else "Div"


@contextmanager
def piece(
    canvas: Canvas, role: str | None, text: str = "", drawn: str | None = None
) -> Iterator[None]:
    """``PageCanvas.piece`` where the canvas keeps pieces; else nothing."""
    if role is not None and isinstance(canvas, PageCanvas):
        with canvas.piece(role, text, drawn):
            yield
    else:
        yield


def draw_marked(canvas: Canvas, flowable: Flowable, x_pt: float, y_pt: float) -> None:
    """``flowable.drawOn`` wrapped in a piece of its role (``role_of``) where the
    canvas keeps pieces: the hot path of drawing, without a context manager. A
    flowable that holds others (a picture with its text) is a group of their
    pieces (``holds_others``); a figure's piece carries its alternative text
    (``alt``)."""
    role = role_of(flowable) if isinstance(canvas, PageCanvas) and canvas.tags else None
    if role is None:
        flowable.drawOn(canvas, x_pt, y_pt)
        return
    assert isinstance(canvas, PageCanvas)
    if getattr(flowable, "holds_others", False):
        with canvas.group(role):
            flowable.drawOn(canvas, x_pt, y_pt)
        return
    bullet = getattr(flowable, "bulletText", None)
    if role == "LI" and isinstance(bullet, str) and bullet:
        # a step: ReportLab draws its number, then its words, as two text
        # objects, each marked as its piece (``text_roles``)
        opened = canvas.begin_group("LI")
        canvas.text_roles = [
            ("Lbl", bullet, bullet),
            ("LBody", spoken_text(flowable), drawn_text(flowable)),
        ]
        try:
            flowable.drawOn(canvas, x_pt, y_pt)
        finally:
            canvas.text_roles = []
            if opened:
                canvas.end_group("LI")
        return
    alt = str(getattr(flowable, "alt", "") or "")
    canvas.begin_piece(role, alt or spoken_text(flowable), None if alt else drawn_text(flowable))
    flowable.drawOn(canvas, x_pt, y_pt)
    canvas.end_piece()


def spoken_text(flowable: Flowable) -> str:
    """What a piece says, as written (its words across line ends with their
    spaces, a word broken at a line end whole): what a structure tree gives
    as its ``ActualText`` where the drawing says otherwise. A flowable of
    ours says it (``spoken``); a paragraph says its plain text (its bullet,
    a step's number, is a label of its own)."""
    spoken = getattr(flowable, "spoken", None)
    if callable(spoken):
        return str(spoken())
    words = getattr(flowable, "plain_text", None)  # a spaced paragraph's, kept
    if callable(words):
        return str(words())
    plain = getattr(flowable, "getPlainText", None)
    if not callable(plain):
        return ""
    return " ".join(str(plain()).split())


def drawn_text(flowable: Flowable) -> str | None:
    """The text a flowable draws, where it can say (``drawn``, or a spaced
    paragraph's ``drawn_text``): where it equals ``spoken_text`` the piece
    needs no ActualText. None: not known, the piece keeps it."""
    for name in ("drawn", "drawn_text"):
        drawn = getattr(flowable, name, None)
        if callable(drawn):
            text = drawn()
            return None if text is None else str(text)
    return None


@contextmanager
def group(canvas: Canvas, role: str, language: str = "") -> Iterator[None]:
    """``PageCanvas.group`` where the canvas keeps pieces; else nothing."""
    if isinstance(canvas, PageCanvas):
        with canvas.group(role, language):
            yield
    else:
        yield


def link_to(canvas: Canvas, target: str, width_pt: float, height_pt: float, text: str = "") -> None:
    """``PageCanvas.link_to`` where the canvas keeps links (a flowable drawn on
    any canvas: a measuring one keeps none)."""
    if isinstance(canvas, PageCanvas):
        canvas.link_to(target, width_pt, height_pt, text)
