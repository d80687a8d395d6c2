"""Diagrams: every card and booklet page shows its foot with the worked part lit."""

from __future__ import annotations

from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner
from conftest import DEFAULT_DECK, REPO, small_deck, technique, technique_card
from pdfcheck import all_text, close, hex_rgb, outline_pages, pixel_mm, render, text_runs

from cards.cli import main
from cards.colour import tint
from cards.content import load_deck
from cards.layout.diagrams import path_ends

DPI = 150

# A point well inside each area, in the SVG's own units (its viewBox is 60 × 80),
# clear of the arrows and detail lines drawn over it: where the lit tint must show.
INSIDE = {
    ("foot-sole", "sole"): (31, 50),
    ("foot-sole", "ball"): (22, 25),
    ("foot-sole", "arch"): (27, 46),
    ("foot-sole", "outer-edge"): (41.6, 47),
    ("foot-sole", "heel"): (31.5, 70),
    ("foot-top", "top"): (41.5, 40),
    ("foot-top", "instep"): (28.8, 45),
    ("foot-top", "toes"): (20, 13),
    ("foot-inner", "toes"): (11, 70),
    ("foot-inner", "achilles"): (47.7, 44),
    ("foot-inner", "ankle-bone"): (41, 52),
    ("foot-inner", "heel"): (51.5, 67),
    ("foot-inner", "instep"): (31, 58.5),
    ("foot-inner", "foot"): (30, 64),
}

# What each technique of the default deck must show, checked against its steps.
EXPECTED = {
    "Sole Twists": ("foot-top", ["instep"], ["arrow-twist"]),
    "Toe Arches": ("foot-inner", ["toes"], ["arrow-toes-down"]),
    "Foot and Sole Stretches": ("foot-top", ["top"], ["arrow-stretch"]),
    "Toe Slides": ("foot-top", ["toes"], ["arrow-toe-slide"]),
    "Knead the Heels": ("foot-sole", ["heel"], ["arrow-heel-circle"]),
    "Knuckle Presses": ("foot-sole", ["heel"], []),
    "Thumb Slides on the Sole": ("foot-sole", ["ball", "arch", "outer-edge"], ["arrow-slide"]),
    "Pressure Points": ("foot-sole", ["sole"], []),
    "Ankle Stretches": ("foot-inner", ["heel", "ankle-bone"], ["arrow-stretch"]),
    "Tendon Massage": ("foot-inner", ["achilles"], ["arrow-achilles"]),
    "Instep Massage": ("foot-inner", ["instep", "ankle-bone"], ["arrow-instep"]),
    "Water Dips": ("foot-inner", ["foot"], []),
    "Oil Massage": ("foot-top", ["top", "toes"], []),
}

# The pocket card: slots on an A4 sheet (left, top), 9 a sheet; the diagram sits
# at the top right of the text area, below the 10 mm band and its 2.5 mm gap,
# 16.5 × 22 mm (17 mm wide, held to 22 mm tall).
CARD_SLOTS = [(x, top) for top in (286.5, 192.5, 98.5) for x in (10.5, 73.5, 136.5)]
CARD_DIAGRAM = (63 - 4, 10 + 2.5, 16.5, 22.0)  # right edge, top offset, width, height
# The booklet page: 46 × 61.3 mm at the right of the text column, top-aligned with
# the title, whose first baseline sits 24 pt (8.47 mm) below the figure's top.
BOOKLET_DIAGRAM_W = 46.0
OPENER_DIAGRAM_H = 52.0
TITLE_DROP_MM = 8.47


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("diagrams")
    result = CliRunner().invoke(main, ["build", str(DEFAULT_DECK), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def deck():
    return load_deck(DEFAULT_DECK)[0]


def test_every_default_technique_names_what_its_steps_describe(deck):
    for t in deck.techniques:
        name, areas, arrows = EXPECTED[t.title]
        assert t.diagram is not None and t.diagram.name == name, t.title
        assert list(t.areas) == areas and list(t.arrows) == arrows, t.title


def to_page(box: tuple[float, float, float, float], point: tuple[float, float]):
    """An SVG point in a diagram drawn at (left, top, width, height) mm on the page."""
    left, top, width, height = box
    return left + point[0] / 60 * width, top - point[1] / 80 * height


def test_each_card_lights_its_areas_in_its_section_colour(built, deck):
    pdf = built / "foot-massage-cards.pdf"
    sheets = {}
    for index, t in enumerate(deck.techniques):
        sheet, slot = technique_card(index)
        image = sheets.setdefault(sheet, render(pdf, sheet, DPI))
        gray = image.convert("L")
        x, top = CARD_SLOTS[slot]
        right, drop, width, height = CARD_DIAGRAM
        box = (x + right - width, top - drop, width, height)
        section = next(s for s in deck.sections if t in s.techniques)
        name, areas, _ = EXPECTED[t.title]
        lit = hex_rgb(tint(section.colour, 0.24))
        for area in areas:
            px, py = to_page(box, INSIDE[(name, area)])
            assert close(pixel_mm(image, 297, px, py, DPI), lit, 14), (t.title, area)
            # on a black-and-white printer the lit part still stands out from white
            assert pixel_mm(gray, 297, px, py, DPI) < 235, (t.title, area)
        for (other_name, other), point in INSIDE.items():
            if other_name == name and other not in areas and not overlaps(name, other, areas):
                px, py = to_page(box, point)
                r, g, b = pixel_mm(image, 297, px, py, DPI)
                assert max(r, g, b) - min(r, g, b) <= 3, (t.title, other)  # white or grey: unlit


def overlaps(name: str, area: str, lit: list[str]) -> bool:
    """Areas that lie inside another (the sole holds the ball) light with it."""
    within = {
        "sole": {"ball", "arch", "outer-edge", "heel"},
        "top": {"instep"},
        "foot": {"toes", "heel", "instep"},
    }
    return any(area in within.get(big, set()) or big in within.get(area, set()) for big in lit)


def booklet_box(pdf: Path, page: int, title: str, odd: bool, opens: bool):
    """Where the technique's diagram lies on its booklet page, found from its title."""
    runs = text_runs(pdf, page)
    first_word = title.split()[0]
    below = 210 - (46 if opens else 14)  # the opener's panel may hold the same word
    baseline = max(
        r.y_mm for r in runs if r.text.startswith(first_word) and r.x_mm < 40 and r.y_mm < below
    )
    right = 148 - (18 if odd else 16)
    height = OPENER_DIAGRAM_H if opens else BOOKLET_DIAGRAM_W * 4 / 3
    width = height * 3 / 4
    return (right - width, baseline + TITLE_DROP_MM, width, height)


def test_each_booklet_page_lights_its_areas(built, deck):
    pdf = built / "foot-massage-booklet.pdf"
    pages = outline_pages(pdf)
    for section in deck.sections:
        for index, t in enumerate(section.techniques):
            page = pages[t.title]
            image = render(pdf, page, DPI)
            box = booklet_box(pdf, page, t.title, (page + 1) % 2 == 1, index == 0)
            name, areas, _ = EXPECTED[t.title]
            for area in areas:
                px, py = to_page(box, INSIDE[(name, area)])
                assert close(
                    pixel_mm(image, 210, px, py, DPI), hex_rgb(tint(section.colour, 0.24)), 14
                ), (t.title, area)


def test_a_section_opens_with_all_its_areas_lit(built, deck):
    """The opener panel shows each diagram its techniques use, every area lit at once."""
    pdf = built / "foot-massage-booklet.pdf"
    soles = deck.sections[1]
    page = outline_pages(pdf)[soles.title]
    image = render(pdf, page, DPI)
    # the panel's single diagram is 32 mm tall (46 mm panel less 7 mm above and below),
    # 24 mm wide, right-aligned at the text column's edge, 7 mm above the panel's foot
    right, bottom, height = 148 - 16, 210 - 46 + 7, 32.0
    box = (right - height * 3 / 4, bottom + height, height * 3 / 4, height)
    lit = hex_rgb(tint(soles.colour, 0.24))
    for area in ("heel", "arch", "outer-edge"):
        px, py = to_page(box, INSIDE[("foot-sole", area)])
        assert close(pixel_mm(image, 210, px, py, DPI), lit, 14), area


def test_diagrams_are_vectors_not_pictures(built):
    for name in ("cards", "booklet"):
        reader = pypdf.PdfReader(built / f"foot-massage-{name}.pdf")
        for page in reader.pages:
            xobjects = page["/Resources"].get("/XObject", {})
            for xobject in xobjects.values():
                assert xobject.get_object().get("/Subtype") != "/Image"


def test_arrow_heads_point_along_the_path():
    (start, back), (end, forward) = path_ends("M 0 0 C 10 0, 20 10, 20 20")
    assert start == (0, 0) and back == (-10, 0)
    assert end == (20, 20) and forward == (0, 10)
    (_, _), (end, forward) = path_ends("m 5 5 l 10 0 v 10")
    assert end == (15, 15) and forward == (0, 10)
    assert path_ends("") is None


# -- a deck's own diagram ---------------------------------------------------------------

HAND = """<svg xmlns="http://www.w3.org/2000/svg" width="60" height="80" viewBox="0 0 60 80">
  <path d="M 10 75 L 10 30 L 50 30 L 50 75 Z" fill="#FFFFFF" stroke="#7A7A7A"/>
  <rect id="palm" x="15" y="45" width="30" height="20" fill="none" stroke="none"/>
  <rect id="thumb" x="2" y="35" width="8" height="14" fill="none" stroke="none"/>
  <rect id="wrist" x="15" y="68" width="30" height="6" fill="none" stroke="none"/>
  <path id="arrow-press" class="arrow" d="M 30 10 L 30 40"/>
</svg>
"""


def hand_deck(**technique_fields: str) -> dict[str, str]:
    files = small_deck(**{"01-one/01-alpha.md": technique("Alpha", **technique_fields)})
    files["01-one/hand.svg"] = HAND
    return files


def test_a_deck_with_its_own_svg_lights_its_parts(run, deck_dir):
    deck_dir(hand_deck(diagram="hand.svg", areas="palm", arrows="arrow-press"))
    result = run("build", "test-deck", "-f", "cards", "-o", "out")
    assert result.exit_code == 0, result.output
    image = render(Path("out/test-deck-cards.pdf"), 0, DPI)
    x, top = CARD_SLOTS[technique_card(0)[1]]  # its only technique, after the title card
    right, drop, width, height = CARD_DIAGRAM
    box = (x + right - width, top - drop, width, height)
    colour = hex_rgb(tint("#1D4F91", 0.24))  # the first section's colour
    assert close(pixel_mm(image, 297, *to_page(box, (30, 55)), DPI), colour, 14)
    assert pixel_mm(image, 297, *to_page(box, (6, 42)), DPI) == (255, 255, 255)  # the thumb


def test_the_nearest_diagram_wins(deck_dir):
    files = small_deck()
    files["_index.md"] = "---\ntitle: T\ndiagram: foot-sole\n---\n"
    files["01-one/_index.md"] = '---\ntitle: First\ncolour: "#1D4F91"\ndiagram: foot-top\n---\n'
    files["01-one/02-beta.md"] = technique("Beta", diagram="foot-inner")
    deck, _ = load_deck(deck_dir(files))
    names = {t.title: t.diagram.name for t in deck.techniques}
    assert names == {"Alpha": "foot-top", "Beta": "foot-inner", "Gamma": "foot-sole"}


@pytest.mark.parametrize(
    "fields, message",
    [
        (
            {"diagram": "hand.svg", "areas": "hel"},
            "01-alpha.md:4: error: area 'hel' is not in hand.svg; it has: palm, thumb, wrist",
        ),
        (
            {"diagram": "hand.svg", "arrows": "arrow-pres"},
            "01-alpha.md:4: error: arrow 'arrow-pres' is not in hand.svg; it has: arrow-press",
        ),
        (
            {"areas": "palm"},
            "01-alpha.md:3: error: areas need a diagram: add  diagram: foot-sole  (or another)",
        ),
        (
            {"diagram": "foot-sol"},
            (
                "01-alpha.md:3: error: diagram 'foot-sol' is neither an SVG file in the deck nor a "
                "built-in diagram; did you mean 'foot-sole'? built-in: foot-inner, foot-sole, foot-top"
            ),
        ),
        ({"diagram": "gone.svg"}, "01-alpha.md:3: error: diagram 'gone.svg' not found beside"),
        (
            {"diagram": "../../elsewhere.svg"},
            "01-alpha.md:3: error: diagram '../../elsewhere.svg' is outside the deck folder",
        ),
    ],
)
def test_diagram_mistakes_name_the_file_and_line(run, deck_dir, tmp_path, fields, message):
    (tmp_path / "elsewhere.svg").write_text(HAND)
    deck_dir(hand_deck(**fields))
    result = run("build", "test-deck", "-o", "out")
    assert result.exit_code == 1
    assert f"test-deck/01-one/{message}" in result.output, result.output
    assert not Path("out").exists()


UNSAFE = {
    "doctype": (
        (
            '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><text>&x;</text></svg>'
        ),
        "the SVG has a DOCTYPE or entities, which are not allowed",
    ),
    "script": (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><script>alert(1)</script></svg>',
        "the SVG holds a <script> element, which is not allowed",
    ),
    "outside picture": (
        (
            '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
            'viewBox="0 0 10 10"><image xlink:href="/etc/hostname" width="10" height="10"/></svg>'
        ),
        "the SVG's <image> refers to '/etc/hostname' outside the file",
    ),
    "use of another file": (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><use href="other.svg#a"/></svg>',
        "the SVG's <use> refers to 'other.svg#a' outside the file",
    ),
    "event handler": (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" onload="x()"></svg>',
        "the SVG has an event handler (onload on <svg>), not allowed",
    ),
    "css import": (
        (
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
            '<style>@import url("https://example.org/x.css");</style></svg>'
        ),
        "the SVG's <style> loads something from outside the file",
    ),
    "not xml": ("<svg><path></svg>", "the SVG is not well-formed XML"),
    "not svg": ('<html xmlns="http://www.w3.org/1999/xhtml"/>', "not an SVG picture"),
}


@pytest.mark.parametrize("case", UNSAFE)
def test_unsafe_svg_is_an_error_naming_it(run, deck_dir, case):
    text, message = UNSAFE[case]
    files = hand_deck(diagram="hand.svg")
    files["01-one/hand.svg"] = text
    deck_dir(files)
    result = run("build", "test-deck", "-o", "out")
    assert result.exit_code == 1
    assert f"test-deck/01-one/hand.svg:1: error: {message}" in result.output, result.output
    assert "root:" not in result.output and "Traceback" not in result.output


def test_an_unsafe_svg_image_is_refused_too(run, deck_dir):
    files = small_deck(**{"01-one/01-alpha.md": technique("Alpha", image="pic.svg")})
    files["01-one/pic.svg"] = UNSAFE["outside picture"][0]
    deck_dir(files)
    result = run("build", "test-deck", "-o", "out")
    assert result.exit_code == 1
    assert "test-deck/01-one/pic.svg:1: error: the SVG's <image> refers to" in result.output


def test_cmyk_cards_with_diagrams_stay_cmyk(tmp_path):
    result = CliRunner().invoke(
        main, ["build", str(DEFAULT_DECK), "-f", "cards", "--cmyk", "-o", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    content = b"".join(
        page.get_contents().get_data()
        for page in pypdf.PdfReader(tmp_path / "foot-massage-cards.pdf").pages
    )
    assert b" rg" not in content and b" RG" not in content


def test_the_built_in_diagrams_are_shipped(tmp_path):
    assert sorted(p.name for p in (REPO / "diagrams").glob("*.svg")) == [
        "foot-inner.svg",
        "foot-sole.svg",
        "foot-top.svg",
    ]


def test_new_deck_shows_diagram_fields(run):
    assert run("new", "deck").exit_code == 0
    text = Path("deck/01-warm-up/01-neck-rolls.md").read_text()
    assert "areas: neck" in text and "arrows: arrow-roll" in text
    assert "diagram: upper-body.svg" in Path("deck/01-warm-up/_index.md").read_text()
    assert run("build", "deck", "-o", "out").exit_code == 0
    assert "Neck Rolls" in all_text(Path("out/deck-cards.pdf"))
