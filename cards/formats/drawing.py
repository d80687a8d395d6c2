"""Drawing into ordinary PDF files, a chunk of pages at a time.

Every file we make is drawn as one or more *chunks*: ordinary PDF files of
consecutive pages, each made by a ``PageCanvas`` (layout/canvas.py) and
joined by ``formats/assembly.py``. A large deck's chunks are drawn in forked
worker processes; where the chunks start depends on the deck alone, never
on how many processes draw them, so ``--jobs 1`` and the default make the
same bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from cards.layout.canvas import PageCanvas
from cards.marks import Chunk


def finished(canvas: PageCanvas, found: Any = None) -> Chunk:
    """The chunk ``canvas`` drew, as a finished PDF, with each page's marks."""
    canvas.save()
    return Chunk(compact(canvas.buffer.getvalue()), tuple(canvas.marks[:-1]), found)


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
        for page in pdf.pages:
            entries = page.obj
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
MOST_CHUNKS = 16


def chunk_ranges(count: int, least: int) -> list[range]:
    """``range(count)`` cut into consecutive ranges of ``least`` items or more,
    at most about ``MOST_CHUNKS`` of them (the last may be shorter). They
    depend on ``count`` alone: the same whoever draws them."""
    size = max(least, -(-count // MOST_CHUNKS))
    return [range(start, min(start + size, count)) for start in range(0, count, size)]


def drawn_chunks(
    ranges: list[range], draw: Callable[[range], Chunk], jobs: int, parallel: bool
) -> Iterator[Chunk]:
    """``draw(r)`` for each range, in order: in ``jobs`` forked worker processes
    when ``parallel`` (they inherit all that drawing needs), else here."""
    if not parallel or jobs <= 1 or len(ranges) <= 1:
        yield from map(draw, ranges)
        return
    from cards.workers import in_workers

    yield from in_workers(lambda index: draw(ranges[index]), len(ranges), jobs, group=1)
