"""Tagged PDF/UA-1 cards and booklet: checked by two checkers nobody here wrote
(pdfua, outloud), and the structure tree read back with pikepdf."""

from __future__ import annotations

import itertools
import shutil
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner
from conftest import DEFAULT_DECK, small_deck, technique, write_deck
from pdfcheck import marked_text
from PIL import Image, ImageDraw

from cards.cli import main
from cards.content import load_deck

HAND = """<svg xmlns="http://www.w3.org/2000/svg" width="60" height="80" viewBox="0 0 60 80">
  <title>An open right hand, palm up</title>
  <path d="M 10 75 L 10 30 L 50 30 L 50 75 Z" fill="#FFFFFF" stroke="#7A7A7A" stroke-width="1.4"/>
  <rect id="palm" x="15" y="45" width="30" height="20" fill="none" stroke="none"><title>the palm</title></rect>
  <path id="arrow-press" class="arrow" d="M 30 6 L 30 26"><title>an arrow presses down</title></path>
</svg>
"""


def own_deck(root: Path) -> Path:
    """A clinic's deck: its own diagram, a picture, a logo, contact and web address."""
    files = small_deck(
        **{
            "01-one/01-alpha.md": technique(
                "Alpha", diagram="hand.svg", areas="palm", arrows="arrow-press", hold="5 seconds"
            ),
            "01-one/02-beta.md": technique(
                "Beta", image="step.png", alt="Both thumbs pressing the heel", repeat="3 times"
            ),
        }
    )
    files["_index.md"] = (
        "---\ntitle: Feet First\nauthor: Sunny Feet Clinic\ncontact: |\n"
        "  Sunny Feet Clinic, 12 Garden Row\n  Telephone 0113 496 0000\n"
        "url: sunnyfeet.example.org/massage\nlogo: logo.png\nlogo_alt: Sunny Feet Clinic\n"
        "---\nAn intro.\n\n## Before you start\n\n- Stop if it hurts.\n"
    )
    files["01-one/hand.svg"] = HAND
    deck = write_deck(root / "clinic", files)
    for name in ("logo.png", "01-one/step.png"):
        picture = Image.new("RGB", (200, 100), "white")
        ImageDraw.Draw(picture).rectangle((20, 20, 180, 80), fill=(220, 20, 20))
        picture.save(deck / name)
    return deck


@pytest.fixture(scope="module")
def tagged(tmp_path_factory) -> dict[str, Path]:
    """The tagged files of the default deck and of the clinic's deck, by name."""
    work = tmp_path_factory.mktemp("tagged")
    files = {}
    for deck in (DEFAULT_DECK, own_deck(work)):
        out = work / f"out-{deck.name}"
        result = CliRunner().invoke(main, ["build", str(deck), "-o", str(out)])
        assert result.exit_code == 0, result.output
        for kind in ("cards", "booklet"):
            files[f"{deck.name}-{kind}"] = out / f"{deck.name}-{kind}.pdf"
    return files


def checker(name: str) -> str:
    """The checker's command, installed with the test dependencies beside Python."""
    found = shutil.which(name, path=str(Path(sys.executable).parent))
    assert found, f"{name} is a test dependency (pyproject.toml): pip install -e '.[test]'"
    return found


@pytest.mark.parametrize(
    "name", ["foot-massage-cards", "foot-massage-booklet", "clinic-cards", "clinic-booklet"]
)
def test_pdfua_finds_nothing(tagged, name):
    run = subprocess.run(
        [checker("pdfua"), "check", str(tagged[name])], capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "PASS (no findings)" in run.stdout


@pytest.mark.parametrize(
    "name", ["foot-massage-cards", "foot-massage-booklet", "clinic-cards", "clinic-booklet"]
)
def test_outloud_finds_nothing(tagged, name):
    run = subprocess.run(
        [checker("outloud"), "--fail-on", "warning", str(tagged[name])],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 error(s), 0 warning(s)" in run.stdout, run.stdout


def elements(node: pikepdf.Object, path: tuple[str, ...] = ()):
    """Every structure element under ``node``, depth first (the reading order),
    with the roles of its ancestors."""
    if not isinstance(node, pikepdf.Dictionary) or "/S" not in node:
        return
    role = str(node.S)[1:]
    yield role, path, node
    kids = node.get("/K")
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        yield from elements(kid, (*path, role))


class Reader:
    """What each element of a file's tree says, as a screen reader takes it:
    its ActualText or alternative text where it has one, else the text its
    marked content draws on the page (read by PDFium: ``pdfcheck.marked_text``),
    its children's in order, words as they are spaced on the page."""

    def __init__(self, path: Path):
        self.pdf = pikepdf.open(path)
        self.drawn = marked_text(path)
        self.page_of = {page.obj.objgen: index for index, page in enumerate(self.pdf.pages)}

    def read(self) -> list[tuple[str, tuple[str, ...], pikepdf.Object]]:
        return list(elements(self.pdf.Root.StructTreeRoot.K))

    def says(self, element: pikepdf.Object) -> str:
        for key in ("/ActualText", "/Alt"):
            if key in element:
                return str(element[key])
        kids = element.get("/K")
        parts = []
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, int):
                parts.append(self.drawn.get((self.page_of[element.Pg.objgen], kid), ""))
            elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                parts.append(self.says(kid))
        return " ".join(" ".join(parts).split())


def test_the_cards_read_card_by_card_title_glance_diagram_steps(tagged):
    """Each technique's card is a section of its own, read whole: its title (H1),
    the glance as a labelled list, its diagram described, its steps as a list
    (each number a label, its words the body), in the deck's order, each
    read from the words drawn on the page."""
    reader = Reader(tagged["foot-massage-cards"])
    assert reader.pdf.Root.MarkInfo.Marked is True
    read = reader.read()
    assert read[0][0] == "Document"
    sections = [node for role, path, node in read if role == "Sect"]
    deck = load_deck(DEFAULT_DECK)[0]
    titles = [reader.says(n) for role, _, n in read if role == "H1"]
    assert titles[0] == "Foot Massage"  # the title card first
    assert titles[1 : 1 + len(deck.techniques)] == [t.title for t in deck.techniques]
    assert len(sections) == 1 + len(deck.techniques) + 2  # and "Before you start", the routine
    first = [(role, path, reader.says(n)) for role, path, n in elements(sections[1])]
    roles = [role for role, _, _ in first]
    assert roles[:3] == ["Sect", "H1", "L"]  # the title, then the glance, a list
    assert roles.index("Lbl") < roles.index("Figure") < roles.index("L", roles.index("Figure"))
    said = {role: text for role, _, text in first if role in ("H1", "Figure")}
    assert said["H1"] == "Sole Twists"
    assert said["Figure"].startswith("The top of the right foot") and "lit" in said["Figure"]
    lists = [n for role, path, n in elements(sections[1]) if role == "L"]
    glance, steps = lists  # the glance, then the steps: each item a label and a body
    items = [
        [(role, reader.says(n)) for role, _, n in elements(item)][1:]
        for item in ([glance.K] if isinstance(glance.K, pikepdf.Dictionary) else glance.K)
    ]  # fmt: skip
    assert items == [
        [("Lbl", "Hold"), ("LBody", "6–10 seconds")],
        [("Lbl", "Repeat"), ("LBody", "Each direction, both feet")],
        [("Lbl", "Pressure"), ("LBody", "medium")],
    ]
    technique = deck.techniques[0]
    read_steps = [[(role, reader.says(n)) for role, _, n in elements(item)][1:] for item in steps.K]
    assert read_steps == [
        [("Lbl", str(number)), ("LBody", " ".join(plain(item).split()))]
        for block in technique.body if block.kind == "steps"
        for number, item in enumerate(block.items, start=block.start)
    ]  # fmt: skip


def plain(markup: str) -> str:
    """Inline markup as a reader hears it: the words, the tags and entities gone."""
    import html
    import re

    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def test_every_technique_reads_its_steps_as_written(tagged):
    """The text of every card's steps, read from the page through the
    structure, equals the content's: no word run into the next at a line
    end, nothing drawn that the content does not say."""
    reader = Reader(tagged["foot-massage-cards"])
    steps = [
        (reader.says(item.K[0]), reader.says(item.K[1]))
        for role, path, item in reader.read()
        if role == "LI" and path[-2:] == ("Sect", "L") and str(item.K[0].S) == "/Lbl"
        and reader.says(item.K[0]).isdigit()
    ]  # fmt: skip
    deck = load_deck(DEFAULT_DECK)[0]
    written = [
        (str(number), " ".join(plain(item).split()))
        for t in deck.techniques
        for block in t.body if block.kind == "steps"
        for number, item in enumerate(block.items, start=block.start)
    ]  # fmt: skip
    assert steps[: len(written)] == written
    # what the page draws says it: no step needs an ActualText
    assert not any("/ActualText" in item.K[1] for role, _, item in reader.read() if role == "LI")


def test_the_booklet_reads_sections_as_h1_and_techniques_as_h2_with_a_linked_contents(tagged):
    reader = Reader(tagged["foot-massage-booklet"])
    pdf, read = reader.pdf, reader.read()
    deck = load_deck(DEFAULT_DECK)[0]
    headings = [(role, reader.says(n)) for role, _, n in read if role in ("H1", "H2")]
    for section in deck.sections:
        at = headings.index(("H1", f"{section.number} {section.title}"))
        assert headings[at + 1] == ("H2", section.techniques[0].title)
    first = headings.index(("H1", f"1 {deck.sections[0].title}"))
    routine = headings.index(("H1", "The routine"))  # after the techniques
    techniques = [text for role, text in headings[first:routine] if role == "H2"]
    assert techniques == [t.title for t in deck.techniques]  # in order, under their sections
    levels = [int(role[1]) for role, _ in headings]  # no level skipped going down
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels))
    # the contents: a TOC of TOCI, each with a Link to its annotation, which says where
    entries = [n for role, path, n in read if role == "TOCI"]
    assert entries and all("TOC" in path for role, path, n in read if role == "TOCI")
    links = [n for role, path, n in read if role == "Link" and "TOCI" in path]
    assert len(links) == len(entries)
    for link in links:
        [objr] = [k for k in link.K if isinstance(k, pikepdf.Dictionary)]
        annotation = objr.Obj
        assert annotation.Subtype == "/Link" and str(annotation.Contents)
        assert annotation.StructParent is not None
    for page in pdf.pages:
        assert page.obj.Tabs == "/S"


def test_every_figure_says_what_it_shows(tagged):
    reader = Reader(tagged["clinic-booklet"])
    figures = [reader.says(n) for role, _, n in reader.read() if role == "Figure"]
    assert "An open right hand, palm up; the palm lit; an arrow presses down" in figures
    assert "Both thumbs pressing the heel" in figures  # a technique's own alt:
    assert "Sunny Feet Clinic" in figures  # the logo's logo_alt:
    assert "https://sunnyfeet.example.org/massage" in figures  # the QR code: its address
    assert all(figures), figures


@pytest.mark.parametrize(
    "name", ["foot-massage-cards", "foot-massage-booklet", "clinic-cards", "clinic-booklet"]
)
def test_a_tagged_file_says_what_it_is_at_the_document_level(tagged, name):
    """PDF 1.7 in its header (PDF/UA-1 is written on it), the deck's language,
    the title in the reader's title bar, the PDF/UA identification and the
    title in its XMP, every page tabbing in structure order, and a bookmark
    for every technique."""
    pdf = pikepdf.open(tagged[name])
    assert pdf.pdf_version == "1.7"
    assert str(pdf.Root.Lang) == "en"
    assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
    assert pdf.Root.MarkInfo.Marked is True
    with pdf.open_metadata() as meta:
        assert meta["pdfuaid:part"] == "1"
        assert meta["dc:title"] == str(pdf.docinfo.Title)
    assert all(page.obj.Tabs == pikepdf.Name.S for page in pdf.pages)
    assert sorted(int(page.obj.StructParents) for page in pdf.pages) == list(range(len(pdf.pages)))
    deck = load_deck(
        DEFAULT_DECK if name.startswith("foot") else tagged[name].parent.parent / "clinic"
    )[0]
    with pdf.open_outline() as outline:
        titles = []
        stack = list(outline.root)
        while stack:
            item = stack.pop(0)
            titles.append(item.title)
            stack[:0] = list(item.children)
    assert [t for t in titles if t in {t.title for t in deck.techniques}] == [
        t.title for t in deck.techniques
    ]


def test_the_print_files_are_not_tagged_and_say_so(tmp_path):
    """The imposed booklet and the print-shop cards are for printing: no tree,
    and their metadata says so; --no-tags leaves the tree out of every file."""
    runner = CliRunner()
    result = runner.invoke(main, ["build", str(DEFAULT_DECK), "-o", str(tmp_path / "a")])
    assert result.exit_code == 0, result.output
    shop = runner.invoke(
        main, ["build", str(DEFAULT_DECK), "-o", str(tmp_path / "b"), "--print-shop", "-f", "cards"]
    )
    assert shop.exit_code == 0, shop.output
    untagged = runner.invoke(
        main, ["build", str(DEFAULT_DECK), "-o", str(tmp_path / "c"), "--no-tags"]
    )
    assert untagged.exit_code == 0, untagged.output
    for pdf in (
        tmp_path / "a" / "foot-massage-booklet-imposed.pdf",
        tmp_path / "b" / "foot-massage-cards.pdf",
    ):
        opened = pikepdf.open(pdf)
        assert "/StructTreeRoot" not in opened.Root and "/MarkInfo" not in opened.Root
        assert "not tagged" in str(opened.docinfo.Subject)
    for name in ("cards", "booklet"):
        plain = pikepdf.open(tmp_path / "c" / f"foot-massage-{name}.pdf")
        assert "/StructTreeRoot" not in plain.Root
        tagged_file = pikepdf.open(tmp_path / "a" / f"foot-massage-{name}.pdf")
        assert "/StructTreeRoot" in tagged_file.Root and tagged_file.Root.MarkInfo.Marked


def test_cards_check_warns_of_a_picture_or_logo_without_alternative_text(run, deck_dir):
    files = small_deck(**{"01-one/01-alpha.md": technique("Alpha", image="step.png")})
    files["_index.md"] = (
        "---\ntitle: Test Deck\nlogo: logo.png\n---\nAn intro.\n\n**Before you start:** stop if it hurts.\n"
    )
    folder = deck_dir(files)
    for name in ("logo.png", "01-one/step.png"):
        Image.new("RGB", (20, 10), "white").save(folder / name)
    result = run("check", str(folder))
    assert result.exit_code == 0, result.output
    assert "01-alpha.md:3: warning: the picture has no alternative text: add  alt:" in result.output
    assert "_index.md:3: warning: the logo has no alternative text: add  logo_alt:" in result.output
    files["01-one/01-alpha.md"] = technique("Alpha", image="step.png", alt="A thumb on the heel")
    files["_index.md"] = files["_index.md"].replace(
        "logo: logo.png\n", "logo: logo.png\nlogo_alt: The clinic\n"
    )
    folder = deck_dir(files, "described")
    for name in ("logo.png", "01-one/step.png"):
        Image.new("RGB", (20, 10), "white").save(folder / name)
    assert "alternative text" not in run("check", str(folder)).output


VARIANTS = [
    ("--backs",),
    ("--fold",),
    ("--large-print",),
    ("--low-ink",),
    ("--paper", "letter"),
    ("--card-size", "a6"),
    ("--gutter", "0"),
]


@pytest.mark.parametrize("options", VARIANTS, ids=" ".join)
def test_both_checkers_find_nothing_whatever_the_build_options(tmp_path, options):
    """Backs (a technique card's back is an artifact, the deck's own are read),
    fold-over pairs, large print, low ink, Letter, another card size, butted
    cards: the tagged files still pass both checkers."""
    result = CliRunner().invoke(main, ["build", str(DEFAULT_DECK), "-o", str(tmp_path), *options])
    assert result.exit_code == 0, result.output
    for name in ("cards", "booklet"):
        pdf = str(tmp_path / f"foot-massage-{name}.pdf")
        first = subprocess.run(
            [checker("pdfua"), "check", pdf], capture_output=True, text=True, check=False
        )
        assert first.returncode == 0, first.stdout
        second = subprocess.run(
            [checker("outloud"), "--fail-on", "warning", pdf],
            capture_output=True,
            text=True,
            check=False,
        )
        assert "0 error(s), 0 warning(s)" in second.stdout, (options, name, second.stdout)


def test_the_safety_note_is_an_aside_read_as_a_section(tagged):
    """The "Before you start" box is set apart from the text: an Aside (PDF
    2.0's role), mapped to Sect for PDF 1.7 readers, holding its heading and
    its points; the back cover's short note is one too."""
    reader = Reader(tagged["foot-massage-booklet"])
    assert reader.pdf.Root.StructTreeRoot.RoleMap.Aside == "/Sect"
    intro, back = [n for role, _, n in reader.read() if role == "Aside"]
    assert reader.says(back).endswith("as you go. More on page 2")
    inside = [(role, reader.says(n)) for role, _, n in elements(intro)]
    assert inside[1] == ("H2", "Before you start")
    assert next(text for role, text in inside if role == "LBody").startswith("Stop at once")


def test_the_contents_read_title_and_page_not_the_leader_dots(tagged):
    reader = Reader(tagged["foot-massage-booklet"])
    entries = [reader.says(n) for role, _, n in reader.read() if role == "TOCI"]
    assert entries[:3] == ["1 Relaxing Techniques 4", "Sole Twists 4", "Toe Arches 5"]
    assert not any("." * 3 in entry for entry in entries)


def test_a_word_broken_at_a_line_end_reads_whole(tmp_path):
    """Where the deck hyphenates, a step whose word is broken over two lines
    draws "mas-" and "sage" but says the word whole (its ActualText); a step
    broken only at spaces says what it draws."""
    long = "Uncharacteristically extraordinary counterbalancing manipulations"
    files = small_deck(
        **{"01-one/01-alpha.md": technique("Alpha", f"1. {long} {long}.\n2. Let go.")}
    )
    files["_index.md"] = "---\ntitle: Test Deck\nhyphenate: true\n---\nAn intro.\n"
    deck = write_deck(tmp_path / "hyphens", files)
    result = CliRunner().invoke(main, ["build", str(deck), "-f", "cards", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    reader = Reader(tmp_path / "hyphens-cards.pdf")
    bodies = {
        reader.says(n): n for role, path, n in reader.read() if role == "LBody" and "Sect" in path
    }
    whole = f"{long} {long}."
    assert whole in bodies and "/ActualText" in bodies[whole]
    element = bodies[whole]
    drawn = reader.drawn[reader.page_of[element.Pg.objgen], int(element.K)]
    # the page shows a word broken: a hyphen at a line end, which PDFium reads as \x02
    assert drawn.split() != whole.split() and ("-" in drawn or "\x02" in drawn)
    assert "Let go." in bodies and "/ActualText" not in bodies["Let go."]


def test_an_untagged_file_carries_no_marked_content(tmp_path):
    """--no-tags leaves out the tree and the marks it would point at: the
    smallest file, the same drawing."""
    result = CliRunner().invoke(
        main, ["build", str(DEFAULT_DECK), "-o", str(tmp_path), "-f", "cards", "--no-tags"]
    )
    assert result.exit_code == 0, result.output
    pdf = pikepdf.open(tmp_path / "foot-massage-cards.pdf")
    operators = {str(op) for page in pdf.pages for _, op in pikepdf.parse_content_stream(page)}
    assert "BDC" not in operators and "BMC" not in operators and "Tj" in operators | {"TJ"}


def test_contents_over_several_pages_are_one_table_of_contents(tmp_path):
    """The tree is written page by page as the pages come; a contents list
    that runs over three pages is still one TOC, its entries in order, each
    with its link."""
    from conftest import REPO

    deck = tmp_path / "deck"
    subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "make_deck.py"), "60", str(deck)],
        check=True,
        capture_output=True,
    )
    result = CliRunner().invoke(main, ["build", str(deck), "-f", "booklet", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    reader = Reader(tmp_path / "deck-booklet.pdf")
    read = reader.read()
    tocs = [n for role, _, n in read if role == "TOC"]
    entries = [n for role, _, n in read if role == "TOCI"]
    pages = {reader.page_of[n.K.Pg.objgen] for n in entries}
    assert len(tocs) == 1 and len(pages) >= 2, (len(tocs), pages)
    assert len(entries) == 60 + 5 + 1  # every technique, its five sections, the notes
    assert all(isinstance(n.K.K, pikepdf.Array) and len(n.K.K) == 2 for n in entries)


def test_a_card_without_a_diagram_reads_its_glance_and_its_steps_as_two_lists(tmp_path):
    """Drawn one after the other with no picture between, the glance strip and
    the steps stay two lists: a reader hears "list of 2 items", then "list of
    2 items", not one list of four mixing "Hold" with "1"."""
    deck = write_deck(tmp_path / "deck", small_deck())
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(deck), "-f", "cards", "-o", str(out)])
    assert result.exit_code == 0, result.output
    reader = Reader(out / "deck-cards.pdf")
    card = next(
        node
        for role, _, node in reader.read()
        if role == "Sect"
        and any(r == "H1" and reader.says(n) == "Alpha" for r, _, n in elements(node))
    )
    lists = [
        [[(r, reader.says(n)) for r, _, n in elements(item)][1:] for item in n.K]
        for role, _, n in elements(card)
        if role == "L"
    ]
    assert lists == [
        [[("Lbl", "Hold"), ("LBody", "5 seconds")], [("Lbl", "Pressure"), ("LBody", "gentle")]],
        [[("Lbl", "1"), ("LBody", "Press gently.")], [("Lbl", "2"), ("LBody", "Let go.")]],
    ]
