"""All cores, no repeated work: chunks drawn in workers give the serial bytes,
markup is parsed once per technique, and a watch session lays out only what
changed (and keeps nothing else)."""

from __future__ import annotations

import io
import multiprocessing
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO, pocket_slot, technique_card
from hypothesis import given, settings
from hypothesis import strategies as st

from cards.build import BuildServices, BuildSettings, build, new_cache
from cards.cli import main
from cards.problems import ContentError
from cards.workers import PARALLEL_FROM


@pytest.fixture(scope="module")
def big_deck(tmp_path_factory) -> Path:
    """A deck just over the size where workers start."""
    folder = tmp_path_factory.mktemp("big") / "deck"
    subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "make_deck.py"),
            str(PARALLEL_FROM + 12),
            folder,
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return folder


@pytest.mark.parametrize("what", ["cards", "booklet"])
def test_parallel_output_is_byte_identical_to_serial(big_deck, tmp_path, monkeypatch, what):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    outputs = {}
    for jobs in ("1", "2"):
        out = tmp_path / jobs
        result = CliRunner().invoke(
            main, ["build", str(big_deck), "-f", what, "-o", str(out), "--jobs", jobs]
        )
        assert result.exit_code == 0, result.output
        outputs[jobs] = (
            result.output.splitlines()[:-3],
            [p.read_bytes() for p in sorted(out.glob("*.pdf"))],
        )
    assert outputs["1"][1] == outputs["2"][1]
    # the same warnings, in the same order
    assert outputs["1"][0] == outputs["2"][0]


def test_workers_are_really_used(big_deck, tmp_path, monkeypatch):
    """A large deck's chunks are drawn by two workers, one chunk at a time; with
    --jobs 1 by this process alone."""
    from cards import workers

    started = []
    real = workers.in_workers

    def spy(task, count, jobs, start=None, meanwhile=None, group=None):
        started.append((count, jobs, group))
        return real(task, count, jobs, start, meanwhile, group)

    monkeypatch.setattr("cards.workers.in_workers", spy)
    build(big_deck, BuildSettings(out_dir=tmp_path, format="cards", jobs=2))
    assert len(started) == 1 and started[0][0] > 1 and started[0][1:] == (2, 1)
    started.clear()
    build(big_deck, BuildSettings(out_dir=tmp_path, format="cards", jobs=1))
    assert started == []


@pytest.mark.parametrize("what", ["cards", "booklet"])
def test_chunks_are_joined_by_pikepdf_with_each_face_embedded_once(
    big_deck, tmp_path, monkeypatch, what
):
    """Workers draw ordinary PDFs of consecutive sheets or pages; assembly joins
    them in order and keeps one copy of each font, however many chunks."""
    import pikepdf

    from cards.formats import assembly

    chunks = []
    real = assembly.Assembly.add
    monkeypatch.setattr(
        assembly.Assembly, "add", lambda self, chunk: chunks.append(chunk) or real(self, chunk)
    )
    build(big_deck, BuildSettings(out_dir=tmp_path, format=what, jobs=2))
    assert len(chunks) >= 2
    assert all(pikepdf.open(io.BytesIO(chunk.pdf)).pages for chunk in chunks)  # ordinary PDFs
    names = {"cards": ["deck-cards"], "booklet": ["deck-booklet", "deck-booklet-imposed"]}
    for name in names[what]:
        pdf = pikepdf.open(tmp_path / f"{name}.pdf")
        faces = [
            str(o.FontName)
            for o in pdf.objects
            if isinstance(o, pikepdf.Dictionary) and o.get("/Type") == "/FontDescriptor"
        ]
        assert faces and len(faces) == len(set(faces)), (name, faces)
    reading = pikepdf.open(tmp_path / f"{names[what][0]}.pdf")
    assert len(reading.pages) == sum(len(chunk.marks) for chunk in chunks)


def test_pictures_and_characters_only_a_layout_writes_are_drawn_in_any_chunk(
    big_deck, tmp_path, monkeypatch
):
    """A picture and a character the deck's text never has (here "§", from the
    layout itself) are drawn in whichever chunk holds their card; the file is
    still the serial one, byte for byte, and shows both."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    deck = tmp_path / "deck"
    subprocess.run(["cp", "-r", str(big_deck), str(deck)], check=True)
    pictured = sorted(deck.glob("*/03-*.md"))[2]
    (pictured.parent / "p.png").write_bytes((REPO / "docs" / "card.png").read_bytes())
    pictured.write_text("---\ntitle: Pictured\nimage: p.png\n---\n1. Press gently.\n")
    templates = tmp_path / "layouts"
    (templates / "card").mkdir(parents=True)
    front = (REPO / "templates" / "card" / "front.xml.j2").read_text()
    star = "{% if technique.number % 7 == 0 %}<note>§ Good with oil</note>{% endif %}"
    (templates / "card" / "front.xml.j2").write_text(front.replace("</card>", star + "</card>"))
    files = {}
    for jobs in ("1", "2"):
        out = tmp_path / jobs
        result = CliRunner().invoke(
            main,
            ["build", str(deck), "-f", "cards", "-o", str(out), "--jobs", jobs,
             "--templates", str(templates)],
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        files[jobs] = (out / "deck-cards.pdf").read_bytes()
    assert files["1"] == files["2"]
    import pypdf

    reader = pypdf.PdfReader(tmp_path / "2" / "deck-cards.pdf")
    text = "".join(page.extract_text() for page in reader.pages)
    assert text.count("§ Good with oil") == (PARALLEL_FROM + 12) // 7
    images = [
        name
        for page in reader.pages
        for name, xobject in (page["/Resources"].get("/XObject") or {}).items()
        if xobject.get_object()["/Subtype"] == "/Image"
    ]
    assert len(images) == 1


def test_inline_markup_is_parsed_once_per_paragraph(deck_dir, tmp_path, monkeypatch):
    """A card set smaller is laid out several times; its markup is parsed once."""
    from conftest import small_deck, technique
    from reportlab.platypus import paraparser

    steps = "\n".join(
        f"{i}. Press the **heel** {i} times with both thumbs, then slide." for i in range(1, 9)
    )
    folder = deck_dir(small_deck(**{"01-one/01-alpha.md": technique("Alpha", steps)}))
    calls = []
    real = paraparser.ParaParser.parse

    def counting(self, text, style):
        calls.append(text)
        return real(self, text, style)

    monkeypatch.setattr(paraparser.ParaParser, "parse", counting)
    report = build(folder, BuildSettings(out_dir=tmp_path, format="cards", jobs=1, extras=False))
    assert any("set smaller" in p.message for p in report.warnings)  # several layouts
    steps_parsed = [t for t in calls if "Press the" in t]
    assert len(steps_parsed) == len(set(steps_parsed)) == 8


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_watch_rebuild_lays_out_only_what_the_edit_changed(big_deck, tmp_path, monkeypatch, jobs):
    """A watch session keeps files read and fitted layouts, nothing else; after
    one edit only the cards and pages whose layouts name what changed are laid
    out again (in whichever process draws them), and every file is what a cold
    build writes."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    deck = tmp_path / "deck"
    subprocess.run(["cp", "-r", str(big_deck), str(deck)], check=True)
    cache = new_cache()
    services = BuildServices(cache=cache)
    settings = BuildSettings(out_dir=tmp_path / "watch", jobs=jobs)
    build(deck, settings, services)
    assert set(cache.parts()) == {"files", "layouts"}
    kept = cache.layouts
    before = set(kept.entries)
    edited = min(deck.glob("*/02-*.md"))
    edited.write_text(edited.read_text().replace("1. ", "1. Gently, ", 1))
    kept.hits = 0
    build(deck, settings, services)
    in_section = [p for p in edited.parent.glob("*.md") if p.name != "_index.md"]
    made = set(kept.entries) - before
    # the section's cards and pages (their layouts name the section), the cover
    # (it names every section); everything else is found kept
    assert len(made) == 2 * len(in_section) + 1 < PARALLEL_FROM // 4
    assert kept.hits == len(kept.entries) - len(made)  # everything else was found kept
    assert len(kept.entries) == len(before)  # the replaced ones are forgotten
    cold = tmp_path / "cold"
    build(deck, BuildSettings(out_dir=cold))
    for name in ("cards", "booklet", "booklet-imposed"):
        assert (tmp_path / "watch" / f"deck-{name}.pdf").read_bytes() == (
            cold / f"deck-{name}.pdf"
        ).read_bytes(), name


def test_a_picture_replaced_during_a_watch_session_is_read_again(tmp_path, monkeypatch):
    """The picture cache is keyed by the file's size and time, not its path alone:
    a taller picture under the same name gives a taller picture on the card."""
    import os

    from conftest import small_deck, technique, write_deck
    from pdfcheck import pixel_mm, render
    from PIL import Image

    deck = write_deck(
        tmp_path / "deck", small_deck(**{"01-one/01-alpha.md": technique("Alpha", image="p.png")})
    )
    picture = deck / "01-one" / "p.png"
    Image.new("RGB", (100, 50), (220, 20, 20)).save(picture)  # wide
    settings = BuildSettings(out_dir=tmp_path / "out", format="cards")
    services = BuildServices(cache=new_cache())

    card = pocket_slot(technique_card(0)[1])  # Alpha's, after the title card
    shift = round(10 * (card.x_mm - 10.5))

    def red_height_mm() -> float:
        image = render(tmp_path / "out" / "deck-cards.pdf", 0, 100)
        rows = [
            y / 10
            for y in range(2000, 2870)
            if any(
                pixel_mm(image, 297, x / 10, y / 10, 100) == (220, 20, 20)
                for x in range(420 + shift, 700 + shift, 5)
            )
        ]
        return max(rows) - min(rows)

    build(deck, settings, services)
    wide = red_height_mm()
    Image.new("RGB", (100, 150), (220, 20, 20)).save(picture)  # now tall, same name
    os.utime(picture, ns=(10**18, 10**18))  # and surely a newer time
    build(deck, settings, services)
    assert red_height_mm() > 2.5 * wide


def test_a_watch_cache_forgets_what_a_build_no_longer_asks_for():
    from cards.workers import WorkCache

    cache = WorkCache()
    made: list[str] = []
    for key in ("alpha", "beta"):
        made.append(key)
        cache.store(key, key.upper())
    cache.forget_unused()
    assert cache.find("alpha") == "ALPHA"  # kept: not made again
    assert (made, cache.hits) == (["alpha", "beta"], 1)
    cache.forget_unused()  # the second build asked for alpha only
    assert set(cache.entries) == {"alpha"}


def test_a_watch_session_keeps_one_entry_per_booklet_page(tmp_path):
    """An edited page replaces its entry: a long session does not pile up old pages."""
    from conftest import small_deck, write_deck

    deck = write_deck(tmp_path / "deck", small_deck())
    settings = BuildSettings(out_dir=tmp_path / "out", format="booklet")
    services = BuildServices(cache=new_cache())
    build(deck, settings, services)
    pages = services.cache.layouts
    first = len(pages.entries)
    edited = min(deck.glob("*/0*.md"))
    in_section = [p for p in edited.parent.glob("*.md") if p.name != "_index.md"]
    for round in range(3):
        edited.write_text(edited.read_text().replace("Press", f"Press {round},", 1))
        pages.hits = 0
        build(deck, settings, services)
        assert len(pages.entries) == first > 1
        # from the cache: all but the pages of the edited section (their layout
        # names its section) and the cover (it names every section); the
        # routine page is laid out with the plan, as the contents are
        assert pages.hits == first - len(in_section) - 1


def test_a_large_deck_is_read_in_workers_with_the_same_problems_in_the_same_order(
    big_deck, tmp_path, monkeypatch
):
    """Sections are read in worker processes; a broken diagram that every section
    uses is still reported once, and every message comes as one process finds it."""
    deck = tmp_path / "deck"
    subprocess.run(["cp", "-r", str(big_deck), str(deck)], check=True)
    (deck / "broken.svg").write_text("<svg><g>")
    index = deck / "_index.md"
    index.write_text(index.read_text().replace("---\n", "---\ndiagram: broken.svg\n", 1))
    (deck / "0002-section" / "05-notes.markdown").write_text("a near miss")
    from cards.content import deck as deck_module

    readers = []
    real = deck_module.in_workers
    monkeypatch.setattr(
        deck_module,
        "in_workers",
        lambda *args, **kwargs: readers.append(args[1:3]) or real(*args, **kwargs),
    )
    outputs = []
    for jobs in ("1", "2"):
        out = tmp_path / jobs
        result = CliRunner().invoke(
            main, ["build", str(deck), "-o", str(out), "--jobs", jobs, "-v"]
        )
        outputs.append(result.output)
        assert result.exit_code == 1
    assert readers == [(len(list(deck.glob("0*"))), 2)]  # the sections, two workers
    assert outputs[0] == outputs[1]
    assert outputs[1].count("broken.svg:1: error") == 1
    assert "05-notes.markdown:1: warning: ignored" in outputs[1]


def test_the_imposed_booklet_is_made_of_the_finished_reading_pages(big_deck, tmp_path):
    """Each reading-order page is drawn once; the imposed sheets place its very
    drawing as a form XObject cut to its trim, once, links aside."""
    import pikepdf

    build(big_deck, BuildSettings(out_dir=tmp_path, format="booklet", jobs=2))
    reading = pikepdf.open(tmp_path / "deck-booklet.pdf")
    imposed = pikepdf.open(tmp_path / "deck-booklet-imposed.pdf")
    placed = [
        form for sheet in imposed.pages for _, form in sorted(sheet.Resources.XObject.items())
    ]
    assert len(placed) == len(reading.pages) == 2 * len(imposed.pages)
    drawings = sorted(page.Contents.read_bytes() for page in reading.pages)
    assert sorted(form.read_bytes() for form in placed) == drawings
    assert all(form.Subtype == "/Form" for form in placed)
    width, height = (float(v) for v in reading.pages[0].MediaBox[2:])
    assert all([float(v) for v in form.BBox] == [0, 0, width, height] for form in placed)
    links = sum(len(page.get("/Annots", [])) for page in reading.pages)
    assert links >= PARALLEL_FROM + 12  # every contents line links to its page
    assert all("/Annots" not in sheet for sheet in imposed.pages)


def test_a_watch_rebuild_reads_only_the_files_that_changed(tmp_path, deck_dir, monkeypatch):
    """Technique files are kept as read; one edited is read again, and so is one
    whose picture changed (here into something that is not a picture)."""
    from conftest import small_deck, technique

    from cards.content import deck as deck_module

    folder = deck_dir(small_deck(**{"01-one/03-pictured.md": technique("Pictured", image="p.png")}))
    (folder / "01-one" / "p.png").write_bytes((REPO / "docs" / "card.png").read_bytes())
    settings = BuildSettings(out_dir=tmp_path / "out", format="cards")
    services = BuildServices(cache=new_cache())
    read = []
    real = deck_module.read_technique

    def counting(path, *args):
        read.append(path.name)
        return real(path, *args)

    monkeypatch.setattr(deck_module, "read_technique", counting)
    build(folder, settings, services)
    assert sorted(read) == ["01-alpha.md", "01-gamma.md", "02-beta.md", "03-pictured.md"]
    read.clear()
    edited = folder / "01-one" / "02-beta.md"
    edited.write_text(edited.read_text().replace("Press gently", "Press softly"))
    build(folder, settings, services)
    assert read == ["02-beta.md"]
    read.clear()
    (folder / "01-one" / "p.png").write_text("not a picture any more")
    with pytest.raises(ContentError, match="p.png"):
        build(folder, settings, services)
    assert read == ["03-pictured.md"]


def test_a_watch_rebuild_reports_what_one_process_reports(big_deck, tmp_path):
    """In a watch session, with one process or several, errors and warnings come
    as a cold build gives them (the cards' first), and what was kept is used."""
    reports = {}
    for jobs in (1, 2):
        deck = tmp_path / f"deck{jobs}"
        subprocess.run(["cp", "-r", str(big_deck), str(deck)], check=True)
        settings = BuildSettings(out_dir=tmp_path / f"out{jobs}", jobs=jobs)
        services = BuildServices(cache=new_cache())
        build(deck, settings, services)
        edited = min(deck.glob("*/02-*.md"))
        text = edited.read_text()
        edited.write_text(text.replace("1. ", "1. Slowly, ", 1))  # set smaller
        warned = [p.message for p in build(deck, settings, services).warnings]
        edited.write_text(text + "\n\nAnd once more, slowly, then again." * 60)  # too long
        with pytest.raises(ContentError) as failed:
            build(deck, settings, services)
        edited.write_text(text)
        index = deck / "_index.md"
        deck_text = index.read_text()
        index.write_text("---\nauthor: nobody\n---\n")  # the deck itself fails to read
        with pytest.raises(ContentError) as unread:
            build(deck, settings, services)
        index.write_text(deck_text)
        services.cache.layouts.hits = 0
        build(deck, settings, services)
        reports[jobs] = (
            warned,
            [p.message for p in failed.value.problems],
            [p.message for p in unread.value.problems],
        )
        assert services.cache.layouts.hits > 0
    assert reports[1] == reports[2]
    warned, errors, unread_errors = reports[2]
    assert any("title" in m for m in unread_errors), unread_errors
    assert not multiprocessing.active_children()  # every worker was waited for
    assert any("fits only when set smaller" in m for m in warned), warned  # cards
    assert any("does not fit its card" in m for m in errors), errors
    assert not any("does not fit its booklet page" in m for m in errors)  # cards fail first


def test_settling_between_builds_sets_the_cache_aside_and_collects_what_it_forgot():
    """Between watch builds the kept objects are frozen out of the collector's
    walks; what a later build forgets is still collected at the next settle."""
    import gc
    import weakref

    class Node:
        pass

    cache = new_cache()
    kept = Node()
    kept.itself = kept  # a cycle: only the collector frees it
    alive = weakref.ref(kept)
    cache.layouts.store("technique", kept)
    del kept
    try:
        cache.settle()
        assert gc.get_freeze_count() > 0 and alive() is not None
        cache.forget_unused()  # the build that stored it
        cache.forget_unused()  # a build that did not ask for it
        assert alive() is not None  # frozen: not collected in the middle of a build
        gc.collect()
        assert alive() is not None
        cache.settle()
        assert alive() is None
    finally:
        gc.unfreeze()


@given(
    text=st.text(
        alphabet=st.sampled_from(list("aZé9 ,;:–—-'\".…_*()[]!?<>&\\`~#\n+")),
        min_size=1,
        max_size=30,
    )
    # words as titles have them, with what the parser would change put in
    | st.from_regex(
        r"[A-Za-zÀ-ÿ0-9]+(?:[,;:'\"\-.!?*_]{0,3} [A-Za-zÀ-ÿ0-9–—'\"\-.(]+)*", fullmatch=True
    )
)
@settings(max_examples=300, deadline=None)
def test_a_title_without_markup_skips_the_parser_and_comes_out_the_same(text):
    """Titles and glance values of plain words are not parsed as Markdown; what
    comes out is what the parser and the typographer would have made."""
    from cards.content import markdown

    md = markdown.markdown_parser("en")
    tokens = md.parseInline(text)
    parsed = (
        "".join(
            " " if t.type == "softbreak" else t.content
            for t in tokens[0].children or []
            if t.type in ("text", "code_inline", "html_inline", "softbreak")
        )
        if tokens
        else text
    )
    assert markdown.typographic(md, text) == parsed


def test_workers_start_with_what_they_inherit_set_aside_from_the_collector():
    """A worker's collections walk only what it makes; the parent is left as it was."""
    import gc

    from cards.workers import in_workers

    assert gc.get_freeze_count() == 0
    inherited = list(in_workers(lambda index: gc.get_freeze_count() > 0, 8, 2))
    assert inherited == [True] * 8
    assert gc.get_freeze_count() == 0
