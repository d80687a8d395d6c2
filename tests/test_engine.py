"""The engine: chunks cut where the deck decides, pages marked for tagging, links
and bookmarks right across chunks, and the pieces a page keeps."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import pikepdf
import pypdf
import pytest
from conftest import REPO
from hypothesis import given
from hypothesis import strategies as st
from pdfcheck import outline_pages

from cards.build import BuildSettings, build
from cards.formats.drawing import MOST_CHUNKS, chunk_ranges, finished
from cards.layout.canvas import PageCanvas
from cards.workers import PARALLEL_FROM

MARKED = re.compile(rb"/(\w+) (?:<</MCID (\d+)>> BDC|<</Type /\w+>> BDC|BMC)")


@given(count=st.integers(min_value=0, max_value=20_000), least=st.integers(1, 300))
def test_chunks_cover_every_item_once_in_order_and_are_few(count, least):
    ranges = chunk_ranges(count, least)
    assert [i for r in ranges for i in r] == list(range(count))
    assert len(ranges) <= max(MOST_CHUNKS, 1) or all(len(r) == least for r in ranges[:-1])
    assert all(len(r) >= least for r in ranges[:-1])
    assert chunk_ranges(count, least) == ranges  # the deck decides, nothing else


def test_a_piece_is_marked_content_with_the_pages_next_id():
    canvas = PageCanvas((200, 200))
    with canvas.piece("H1"):
        canvas.drawString(10, 10, "Title")
    with canvas.piece("Artifact"):
        canvas.line(0, 0, 10, 10)
    with canvas.piece("P"):
        canvas.drawString(10, 30, "Words")
    canvas.showPage()
    with canvas.piece("P"):
        canvas.drawString(10, 10, "Again")
    canvas.showPage()
    chunk = finished(canvas)
    pages = pikepdf.open(io.BytesIO(chunk.pdf)).pages
    first, second = (page.Contents.read_bytes() for page in pages)
    assert MARKED.findall(first) == [(b"H1", b"0"), (b"Artifact", b""), (b"P", b"1")]
    assert MARKED.findall(second) == [(b"P", b"0")]  # ids start again on every page
    assert [[(p.role, p.mcid) for p in m.pieces] for m in chunk.marks] == [
        [("H1", 0), ("Artifact", None), ("P", 1)],
        [("P", 0)],
    ]
    assert chunk.tagged


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("built")
    build(REPO / "content" / "foot-massage", BuildSettings(out_dir=out, backs=True))
    return out


@pytest.mark.parametrize("name", ["cards", "booklet", "booklet-imposed"])
def test_every_page_is_drawn_in_balanced_marked_pieces_with_ids_in_order(built, name):
    """Ready for a structure tree: text, pictures and furniture each in marked
    content (furniture as artifacts), balanced, ids 0, 1, 2… on each page."""
    pdf = pikepdf.open(built / f"foot-massage-{name}.pdf")
    roles = set()
    for page in pdf.pages:
        streams = [page.Contents] if name != "booklet-imposed" else [
            form for _, form in sorted(page.Resources.XObject.items())
        ]  # fmt: skip
        for stream in streams:
            data = stream.read_bytes()
            marked = MARKED.findall(data)
            assert len(marked) == data.count(b"EMC") > 0
            ids = [int(mcid) for _, mcid in marked if mcid]
            assert ids == list(range(len(ids)))
            roles |= {role.decode() for role, _ in marked}
    # a step's number and words are marked apart: its label and its body
    assert {"H1", "Lbl", "LBody", "Artifact", "Figure"} <= roles, roles


def test_the_text_of_a_marked_page_reads_as_before(built):
    """Marking changes nothing a reader sees or copies."""
    text = pypdf.PdfReader(built / "foot-massage-cards.pdf").pages[0].extract_text()
    assert "Sole Twists" in text and "BDC" not in text and "MCID" not in text


def test_links_and_bookmarks_point_across_chunks_to_the_right_pages(tmp_path):
    """A booklet drawn in many chunks: every bookmark opens the page that starts
    with its title, and every contents line links to one of those pages."""
    deck = tmp_path / "deck"
    subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "make_deck.py"), str(PARALLEL_FROM + 12), deck],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    build(deck, BuildSettings(out_dir=tmp_path, format="booklet", jobs=2))
    reading = tmp_path / "deck-booklet.pdf"
    reader = pypdf.PdfReader(reading)
    bookmarks = outline_pages(reading)
    assert len(bookmarks) > PARALLEL_FROM
    assert max(bookmarks.values()) > 100  # far past the first chunk
    for title, page in list(bookmarks.items())[::7]:
        text = " ".join(reader.pages[page].extract_text().split())
        assert title in text[:400], (title, page)
    numbers = {p.indirect_reference.idnum: i for i, p in enumerate(reader.pages)}
    targets = {
        numbers[link.get_object()["/Dest"][0].idnum]
        for page in reader.pages
        for link in page.get("/Annots", [])
    }
    notes = next(  # the first notes page: the contents' "Notes" line goes there
        i for i, p in enumerate(reader.pages) if p.extract_text().startswith("Questions for my")
    )
    assert targets == set(bookmarks.values()) | {notes}


def test_a_booklet_assembled_in_its_own_process_is_the_same_file(tmp_path, monkeypatch):
    """From APART_FROM pages the booklet's files are assembled by a process of
    its own (python -m cards.formats.assembler): byte for byte the same."""
    from cards.formats import assembler, booklet_files

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    deck = REPO / "content" / "foot-massage"
    build(deck, BuildSettings(out_dir=tmp_path / "here", format="booklet"))
    started = []
    real = assembler.AssemblyProcess.__init__

    def spy(self):
        started.append(True)
        real(self)

    monkeypatch.setattr(assembler.AssemblyProcess, "__init__", spy)
    monkeypatch.setattr(booklet_files, "APART_FROM", 4)
    build(deck, BuildSettings(out_dir=tmp_path / "apart", format="booklet"))
    assert started == [True]
    for name in ("booklet", "booklet-imposed"):
        here = (tmp_path / "here" / f"foot-massage-{name}.pdf").read_bytes()
        assert (tmp_path / "apart" / f"foot-massage-{name}.pdf").read_bytes() == here, name


def test_an_assembly_process_that_fails_says_so_in_one_line():
    from cards.formats.assembler import AssemblyProcess
    from cards.marks import Chunk

    process = AssemblyProcess()
    process.add(Chunk(b"not a pdf", ()))
    with pytest.raises(RuntimeError, match="the assembly process failed: .*"):
        process.finish(None)  # type: ignore[arg-type]
    process.close()
    assert process.process.poll() is not None
