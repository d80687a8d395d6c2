"""All cores, no repeated work: parallel fitting gives the serial bytes, markup is
parsed once per technique, and a watch session lays out only what changed."""

from __future__ import annotations

import multiprocessing
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from cards.build import BuildSettings, build, new_cache
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
    from cards import workers

    started = []
    real = workers.in_workers

    def spy(task, count, jobs, start=None, meanwhile=None):
        started.append((count, jobs))
        return real(task, count, jobs, start, meanwhile)

    monkeypatch.setattr("cards.workers.in_workers", spy)
    build(big_deck, BuildSettings(out_dir=tmp_path, format="cards", jobs=2))
    assert started == [(PARALLEL_FROM + 12, 2)]
    started.clear()
    build(big_deck, BuildSettings(out_dir=tmp_path, format="cards", jobs=1))
    assert started == []


def test_workers_draw_the_cards_and_the_main_process_only_places_them(big_deck, monkeypatch):
    """Every side comes back from its worker with its text drawn; the main
    process draws the text of none of them."""
    from cards.formats import card_fitting
    from cards.formats.cardsheet import CardsFile
    from cards.layout.theme import CardTheme, SheetTheme
    from cards.templating import environment

    deck, _ = card_fitting_deck(big_deck)
    settings = BuildSettings(format="cards", backs=True, jobs=2)
    cards_file = CardsFile(deck, settings, CardTheme(), SheetTheme())
    problems: list = []
    cards = list(
        card_fitting.iter_cards(
            deck, environment(None, None), CardTheme(), True, problems, jobs=2,
            sketch=cards_file.sketch,
        )
    )  # fmt: skip
    sides = [side for card in cards for side in (card.front, card.back)]
    assert len(sides) == 2 * (PARALLEL_FROM + 12)
    assert all(side.content is not None for side in sides)
    assert all(side.card.fitted.flowables == [] for side in sides)  # only furniture travelled
    drawn_here = []
    monkeypatch.setattr(
        "cards.formats.cardsheet.draw_content", lambda *args: drawn_here.append(args)
    )
    result = cards_file.draw(cards)
    assert drawn_here == [] and result.cards == PARALLEL_FROM + 12
    # the colour is drawn here, once for each section and bleed, then repeated
    assert len(cards_file.colours) < len(sides) / 4


def card_fitting_deck(folder: Path):
    from cards.build import load, ready

    ready()
    return load(folder)


def test_what_a_worker_cannot_draw_the_main_process_draws_in_its_turn(
    big_deck, tmp_path, monkeypatch
):
    """A picture (an object of the file) and a character no font has a code for
    yet (here "§", from the layout itself, not the deck) are drawn by the main
    process; the file is still the serial one, byte for byte, and shows both."""
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
        f"{i}. Press the **heel** {i} times with both thumbs, then slide." for i in range(1, 8)
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
    assert len(steps_parsed) == len(set(steps_parsed)) == 7


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_watch_rebuild_lays_out_and_draws_only_the_edited_card(
    big_deck, tmp_path, monkeypatch, jobs
):
    """Cards and booklet pages are kept fitted and drawn; after one edit only
    that technique's card and page are made again."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    deck = tmp_path / "deck"
    subprocess.run(["cp", "-r", str(big_deck), str(deck)], check=True)
    settings = BuildSettings(out_dir=tmp_path / "watch", cache=new_cache(), jobs=jobs)
    build(deck, settings)
    cards, pages = settings.cache.cards, settings.cache.pages
    assert all(
        side.content is not None and side.content.lasting
        for fronts, backs, _ in cards.entries.values()
        for side in fronts
    )
    edited = min(deck.glob("*/02-*.md"))
    edited.write_text(edited.read_text().replace("1. ", "1. Gently, ", 1))
    drawings, streams = settings.cache.drawings, settings.cache.streams
    cards.hits = pages.hits = drawings.hits = streams.hits = 0
    build(deck, settings)
    count = PARALLEL_FROM + 12
    assert cards.hits == count - 1  # every card but the edited one, from the cache
    # every booklet page but the edited one: the cover, the intro and the contents
    # (laid out with the plan), the techniques, the notes and the back cover
    sheets = {
        name: len(PdfReader(tmp_path / "watch" / f"deck-{name}.pdf").pages)
        for name in ("cards", "booklet", "booklet-imposed")
    }
    assert pages.hits == sheets["booklet"] - 1
    assert drawings.hits == len(drawings.entries) > 0  # no card colour drawn again
    # every page compressed before but the three that show the edit: its card's
    # sheet, its booklet page and the imposed sheet that carries that page
    assert streams.hits == sum(sheets.values()) - 3
    # and what it wrote is what a cold build writes
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
    settings = BuildSettings(out_dir=tmp_path / "out", format="cards", cache=new_cache())

    def red_height_mm() -> float:
        image = render(tmp_path / "out" / "deck-cards.pdf", 0, 100)
        rows = [
            y / 10
            for y in range(2000, 2870)
            if any(
                pixel_mm(image, 297, x / 10, y / 10, 100) == (220, 20, 20)
                for x in range(420, 700, 5)
            )
        ]
        return max(rows) - min(rows)

    build(deck, settings)
    wide = red_height_mm()
    Image.new("RGB", (100, 150), (220, 20, 20)).save(picture)  # now tall, same name
    os.utime(picture, ns=(10**18, 10**18))  # and surely a newer time
    build(deck, settings)
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


@pytest.mark.parametrize("changed", [3, PARALLEL_FROM])
def test_a_rebuild_makes_what_is_missing_in_workers_only_when_there_is_enough(monkeypatch, changed):
    """With most results kept, keys are worked out here and only the missing
    results are made: here when they are few, by the workers when many (a
    layout changed). Results come in order, kept and new alike."""
    from cards import workers

    handed_out = []
    real = workers.in_workers

    def counting(task, count, jobs, start=None, meanwhile=None):
        handed_out.append(count)
        return real(task, count, jobs, start, meanwhile)

    monkeypatch.setattr(workers, "in_workers", counting)
    count = 3 * PARALLEL_FROM
    cache = workers.WorkCache()
    for index in range(count):
        cache.store(("v1", index), f"kept {index}")
    cache.forget_unused()
    fresh = set(range(0, count, count // changed)[:changed])

    def prepare(index: int) -> tuple[object, int]:
        return (("v2" if index in fresh else "v1"), index), index

    results = list(workers.cached_work(count, prepare, lambda i, _: f"made {i}", cache, jobs=2))
    assert results == [f"{'made' if i in fresh else 'kept'} {i}" for i in range(count)]
    assert handed_out == ([changed] if changed >= PARALLEL_FROM else [])
    assert cache.hits == count - changed


def test_a_watch_session_keeps_one_entry_per_booklet_page(tmp_path):
    """An edited page replaces its entry: a long session does not pile up old pages."""
    from conftest import small_deck, write_deck

    deck = write_deck(tmp_path / "deck", small_deck())
    settings = BuildSettings(out_dir=tmp_path / "out", format="booklet", cache=new_cache())
    build(deck, settings)
    pages = settings.cache.pages
    first = len(pages.entries)
    edited = min(deck.glob("*/0*.md"))
    for round in range(3):
        edited.write_text(edited.read_text().replace("Press", f"Press {round},", 1))
        pages.hits = 0
        build(deck, settings)
        assert len(pages.entries) == first > 1
        assert pages.hits == first - 1  # all but the edited page, from the cache


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


def test_each_booklet_page_is_drawn_once_by_a_worker_and_placed_in_both_files(
    big_deck, tmp_path, monkeypatch
):
    """Pages come back from the workers drawn; the imposed sheets hold the very
    drawing of each reading-order page, once, links aside."""
    import pikepdf

    from cards.formats import booklet_plan

    drawn_by_workers = []
    real = booklet_plan.Booklet.pages

    def counting(self, draw=None, start=None, seed=None):
        for page, drawn in real(self, draw, start, seed):
            drawn_by_workers.append((page.kind, drawn is not None))
            yield page, drawn

    monkeypatch.setattr(booklet_plan.Booklet, "pages", counting)
    build(big_deck, BuildSettings(out_dir=tmp_path, format="booklet", jobs=2))
    techniques = PARALLEL_FROM + 12
    # every page, those laid out with the plan too (the intro; the contents, with
    # its page numbers)
    assert all(drawn for _, drawn in drawn_by_workers)
    assert {"intro", "contents"} <= {kind for kind, _ in drawn_by_workers}
    assert [kind for kind, _ in drawn_by_workers].count("technique") == techniques
    reading = pikepdf.open(tmp_path / "deck-booklet.pdf")
    imposed = pikepdf.open(tmp_path / "deck-booklet-imposed.pdf")
    sheets = b"".join(sheet.Contents.read_bytes() for sheet in imposed.pages)
    for page in reading.pages:
        # the page's drawing, past the reading file's own page transform
        drawing = page.Contents.read_bytes()[40:-10]
        assert len(drawing) > 100 and sheets.count(drawing) == 1
    links = sum(len(page.get("/Annots", [])) for page in reading.pages)
    assert links >= techniques  # every contents line links to its page
    assert all("/Annots" not in sheet for sheet in imposed.pages)


def test_a_watch_rebuild_reads_only_the_files_that_changed(tmp_path, deck_dir, monkeypatch):
    """Technique files are kept as read; one edited is read again, and so is one
    whose picture changed (here into something that is not a picture)."""
    from conftest import small_deck, technique

    from cards.content import deck as deck_module

    folder = deck_dir(small_deck(**{"01-one/03-pictured.md": technique("Pictured", image="p.png")}))
    (folder / "01-one" / "p.png").write_bytes((REPO / "docs" / "card.png").read_bytes())
    settings = BuildSettings(out_dir=tmp_path / "out", cache=new_cache(), format="cards")
    read = []
    real = deck_module.read_technique

    def counting(path, *args):
        read.append(path.name)
        return real(path, *args)

    monkeypatch.setattr(deck_module, "read_technique", counting)
    build(folder, settings)
    assert sorted(read) == ["01-alpha.md", "01-gamma.md", "02-beta.md", "03-pictured.md"]
    read.clear()
    edited = folder / "01-one" / "02-beta.md"
    edited.write_text(edited.read_text().replace("Press gently", "Press softly"))
    build(folder, settings)
    assert read == ["02-beta.md"]
    read.clear()
    (folder / "01-one" / "p.png").write_text("not a picture any more")
    with pytest.raises(ContentError, match="p.png"):
        build(folder, settings)
    assert read == ["03-pictured.md"]


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
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus.paragraph import cleanBlockQuotedText
    from reportlab.platypus.paraparser import ParaParser

    from cards.layout.blocks import paragraph
    from cards.layout.theme import FONT_SEMIBOLD, register_fonts

    register_fonts()
    style = ParagraphStyle("t", fontName=FONT_SEMIBOLD, fontSize=9.5, textColor="#2A6CB8")
    cleaned = cleanBlockQuotedText(text)
    _, parsed, _ = ParaParser().parse(cleaned, style)
    made = paragraph(text, style).frags
    assert [vars(f) for f in made] == [vars(f) for f in parsed]


@given(text=st.text(alphabet="ab c–“”’é\u00a0Ωж€♥𝄞", max_size=40))
@settings(max_examples=150, deadline=None)
def test_a_line_is_split_into_glyph_codes_as_reportlab_does(text):
    """The short way for a line of already-coded characters gives ReportLab's runs."""
    from reportlab.pdfbase.pdfdoc import PDFDocument
    from reportlab.pdfbase.ttfonts import TTFont

    from cards.layout.theme import FONT_REGULAR, faces

    font = faces()[FONT_REGULAR]
    ours, theirs = PDFDocument(), PDFDocument()
    for doc in (ours, theirs):
        TTFont.splitString(font, "–“”é", doc)  # the same codes given first
    assert font.splitString(text, ours) == TTFont.splitString(font, text, theirs)
    assert font.state[ours].assignments == font.state[theirs].assignments


def test_a_watch_rebuild_reports_what_one_process_reports(big_deck, tmp_path):
    """In a watch rebuild the cards file is made in a process of its own, beside
    the booklet: errors and warnings come as one process gives them (the cards'
    first), and what it kept is kept."""
    reports = {}
    for jobs in (1, 2):
        deck = tmp_path / f"deck{jobs}"
        subprocess.run(["cp", "-r", str(big_deck), str(deck)], check=True)
        settings = BuildSettings(out_dir=tmp_path / f"out{jobs}", cache=new_cache(), jobs=jobs)
        build(deck, settings)
        edited = min(deck.glob("*/02-*.md"))
        text = edited.read_text()
        edited.write_text(text.replace("1. ", "1. Slowly, ", 1))  # set smaller
        warned = [p.message for p in build(deck, settings).warnings]
        edited.write_text(text + "\n\nAnd once more, slowly, then again." * 60)  # too long
        with pytest.raises(ContentError) as failed:
            build(deck, settings)
        edited.write_text(text)
        index = deck / "_index.md"
        deck_text = index.read_text()
        index.write_text("---\nauthor: nobody\n---\n")  # the deck itself fails to read
        with pytest.raises(ContentError) as unread:
            build(deck, settings)
        index.write_text(deck_text)
        build(deck, settings)
        reports[jobs] = (
            warned,
            [p.message for p in failed.value.problems],
            [p.message for p in unread.value.problems],
        )
        assert settings.cache.cards.hits > 0  # the cards process's cache came back
    assert reports[1] == reports[2]
    warned, errors, unread_errors = reports[2]
    assert any("title" in m for m in unread_errors), unread_errors
    assert not multiprocessing.active_children()  # the cards process was waited for
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
    cache.cards.store("technique", kept)
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
