"""Drawing into ordinary PDF files, a chunk of pages at a time.

Every file we make is drawn as one or more *chunks*: ordinary PDF files of
consecutive pages, each made by a ``PageCanvas`` (layout/canvas.py) and
joined by ``formats/assembly.py``. A large deck's chunks are drawn in forked
worker processes; where the chunks start depends on the deck alone, never
on how many processes draw them, so ``--jobs 1`` and the default make the
same bytes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Generator, Hashable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cards.layout.canvas import PageCanvas, font_seed
from cards.layout.parsed import private_letters
from cards.marks import Chunk
from cards.model import Deck
from cards.templating import labels_view

if TYPE_CHECKING:
    from cards.workers import WorkCache


def chunk_font_seed(deck: Deck, ranges: list[range]) -> str:
    """The characters each chunk's canvas codes first (``PageCanvas.seed_fonts``)
    when a file has several chunks, so they embed the same subsets; nothing
    for a file of one chunk, which has nothing to share."""
    if len(ranges) <= 1:
        return ""
    return font_seed([*deck.texts(), *vars(labels_view(deck)).values()], deck.language)


def finished(canvas: PageCanvas, found: Any = None) -> Chunk:
    """The chunk ``canvas`` drew, as a finished PDF, with each page's marks
    (and, where the file is tagged, the language of its structure tree)."""
    canvas.save()
    marks = tuple(canvas.marks[:-1])
    return Chunk(compact(canvas.buffer.getvalue()), marks, found, canvas.tags, canvas.language)


def compact(pdf_data: bytes) -> bytes:
    """A chunk with one resource dictionary and one media box for all the pages
    that have the same (ReportLab writes both into every page), and without
    empty page transitions: the joined file then holds each once a chunk,
    not once a page, which was most of a large booklet's memory and a fifth
    of its size."""
    import io

    import pikepdf

    with pikepdf.open(io.BytesIO(pdf_data)) as pdf:
        shared: dict[tuple[str, bytes], pikepdf.Object] = {}
        private = private_letters()
        mended: set[tuple[int, int]] = set()
        for page in pdf.pages:
            entries = page.obj
            resources = entries.get("/Resources")
            fonts: Any = resources.get("/Font") if resources is not None else None
            for font in fonts.values() if fonts is not None else ():
                if font.objgen not in mended:  # each font once
                    mended.add(font.objgen)
                    name = str(font.get("/BaseFont", "/")).partition("+")[2]
                    read_as_letters(font, private.get(name))
            if "/Trans" in entries and not entries.Trans.keys():
                del entries.Trans
            for key in ("/Resources", "/MediaBox"):
                value = entries.get(key)
                if value is None or value.is_indirect:
                    continue
                known = (key, value.unparse())
                if known not in shared:
                    shared[known] = pdf.make_indirect(value)
                entries[key] = shared[known]
        out = io.BytesIO()
        pdf.save(out, compress_streams=True)
        return out.getvalue()


# -- chunks ----------------------------------------------------------------------


# A file is drawn in at most about this many chunks: each embeds its own copy
# of the fonts (a few kilobytes, and hundreds of objects in qpdf), and the
# cores need only a few each to share the work.
MOST_CHUNKS = 8


def chunk_ranges(count: int, least: int) -> list[range]:
    """``range(count)`` cut into consecutive ranges of ``least`` items or more,
    at most about ``MOST_CHUNKS`` of them (the last may be shorter). They
    depend on ``count`` alone: the same whoever draws them."""
    size = max(least, -(-count // MOST_CHUNKS))
    return [range(start, min(start + size, count)) for start in range(0, count, size)]


@dataclass(frozen=True)
class Drawing:
    """A file's drawing work: where its chunks start and end, how one is drawn,
    and where its fitted layouts are kept (a watch session's)."""

    ranges: list[range]
    draw: Callable[[range], Chunk]
    kept: WorkCache | None = None
    size: int = 0  # cards or pages: whether workers are worth starting (workers.worth_parallel)


def drawn_chunks(
    drawings: Sequence[Drawing], jobs: int, parallel: bool
) -> Generator[Chunk, None, None]:
    """Every chunk of every drawing, in order (the first file's, then the next's):
    in ``jobs`` forked worker processes when ``parallel`` (they inherit all that
    drawing needs), else here. One pool for all the files: the workers draw the
    next file while this process assembles the one before.

    A watch session's kept layouts are found and added to in the workers'
    copies; what each worker found and made is taken back here."""
    tasks = [(drawing, chunk) for drawing in drawings for chunk in drawing.ranges]
    if not parallel or jobs <= 1 or len(tasks) <= 1:
        yield from (drawing.draw(chunk) for drawing, chunk in tasks)
        return
    from cards.workers import in_workers

    def task(index: int) -> tuple[Chunk, list[tuple[Hashable, Any]]]:
        drawing, chunk = tasks[index]
        if drawing.kept is not None:
            drawing.kept.journal = []
        drawn = drawing.draw(chunk)
        return drawn, (drawing.kept.journal or []) if drawing.kept is not None else []

    results = in_workers(task, len(tasks), jobs, group=1)
    for (drawn, journal), (drawing, _) in zip(results, tasks, strict=True):
        if drawing.kept is not None:
            drawing.kept.replay(journal)
        yield drawn


def read_as_letters(font: Any, private: dict[int, str] | None = None) -> None:
    """A font's ToUnicode map (pikepdf) with each glyph read as the letters it
    shows (``letters_of_glyphs``): an Arabic presentation form (the joined
    shape HarfBuzz drew) as its letter, a glyph of no character of its own
    (a Devanagari conjunct, to which ReportLab gave a private-use code) as
    the letters it was shaped from (``private``: the code's letters,
    ``parsed.private_letters``). Copied or extracted text is the words as
    written, not look-alike or private code points no search finds."""
    import pikepdf

    to_unicode = font.get("/ToUnicode")
    if to_unicode is None or not isinstance(to_unicode, pikepdf.Stream):
        return
    mended = letters_of_glyphs(to_unicode.read_bytes(), private or {})
    if mended is not None:
        to_unicode.write(mended)


_MAPPING = re.compile(rb"(<[0-9A-Fa-f]+>\s*)<([0-9A-Fa-f]+)>")
_PRESENTATION_FORMS = re.compile("[\ufb50-\ufdff\ufe70-\ufeff]")


def letters_of_glyphs(cmap: bytes, private: dict[int, str]) -> bytes | None:
    """A ToUnicode CMap with every target that is an Arabic presentation form
    mapped to its letters (Unicode's compatibility decomposition, NFKC: ﻻ
    is لا, written in the order it is drawn: ال), and every private-use
    target ``private`` knows to the letters it stands for; None where it
    changes nothing."""
    changed = False

    def letters(found: re.Match[bytes]) -> bytes:
        nonlocal changed
        target = bytes.fromhex(found.group(2).decode()).decode("utf-16-be", "replace")
        if len(target) == 1 and ord(target) in private:
            changed = True
            spelled = private[ord(target)].encode("utf-16-be").hex().upper()
            return found.group(1) + b"<" + spelled.encode() + b">"
        if not _PRESENTATION_FORMS.search(target) or target == "\ufeff":
            return found.group(0)
        changed = True
        letters = unicodedata.normalize("NFKC", target)
        # a ligature of two letters (ﻻ): its glyph is drawn in visual order,
        # right to left, and extraction turns what it reads round: its letters
        # go in that order too
        letters = letters[::-1]
        decomposed = letters.encode("utf-16-be").hex().upper()
        return found.group(1) + b"<" + decomposed.encode() + b">"

    mended = _MAPPING.sub(letters, cmap)
    return mended if changed else None
