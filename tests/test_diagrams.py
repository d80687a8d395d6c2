"""Diagrams: every card and booklet page shows its foot with the worked part lit."""

from __future__ import annotations

from pathlib import Path

import pypdf
import pypdfium2
import pytest
from click.testing import CliRunner
from conftest import DEFAULT_DECK, REPO, sheet_grid, small_deck, technique, technique_card
from pdfcheck import (
    Box,
    all_text,
    close,
    colour_area_mm2,
    figure_paths,
    hex_rgb,
    outline_pages,
    page_paths,
    pixel_mm,
    render,
    rgb_pixels,
    union,
)

from cards.cli import main
from cards.colour import tint
from cards.content import load_deck
from cards.layout.diagrams import path_ends

DPI = 150

# A point well inside each area, in the SVG's own units, clear of the arrows and
# detail lines drawn over it: where the lit tint must show (and, for the areas a
# technique does not light, where it must not).
INSIDE = {
    ("foot-sole", "sole"): (29, 50),
    ("foot-sole", "ball"): (20, 25),
    ("foot-sole", "midsole"): (29, 47),
    ("foot-sole", "arch"): (24, 46),
    ("foot-sole", "outer-edge"): (37.5, 47),
    ("foot-sole", "heel"): (29.5, 70),
    ("foot-top", "top"): (38.5, 36),
    ("foot-top", "instep"): (29.5, 40),
    ("foot-top", "toes"): (18, 10),
    ("foot-top", "ankle"): (29.5, 64),
    ("foot-inner", "toes"): (10, 41),
    ("foot-inner", "top"): (27, 28),
    ("foot-inner", "achilles"): (54, 16),
    ("foot-inner", "ankle-bone"): (42, 22),
    ("foot-inner", "heel"): (61, 40),
    ("foot-inner", "instep"): (29, 36),
    ("foot-inner", "foot"): (36, 40),
}

# What each technique of the default deck must show, checked against its steps.
EXPECTED = {
    "Sole Twists": ("foot-top", ["instep"], ["arrow-twist"]),  # both hands on the midfoot
    "Toe Arches": ("foot-inner", ["toes"], ["arrow-toes-down"]),  # bend the toes down
    "Foot and Sole Stretches": ("foot-top", ["top"], ["arrow-stretch"]),  # stretch outwards
    "Toe Slides": ("foot-top", ["toes"], ["arrow-toe-slide"]),  # slide along each toe
    "Knead the Heels": ("foot-sole", ["heel"], ["arrow-heel-circle"]),
    "Knuckle Presses": ("foot-sole", ["heel"], []),
    "Thumb Slides on the Sole": ("foot-sole", ["midsole"], ["arrow-slide"]),  # toes to heel
    "Pressure Points": ("foot-sole", ["sole"], []),
    "Ankle Stretches": ("foot-inner", ["top", "heel"], ["arrow-stretch"]),  # hands there, pull
    "Tendon Massage": ("foot-inner", ["achilles"], ["arrow-achilles"]),
    "Instep Massage": ("foot-inner", ["instep", "ankle-bone"], ["arrow-instep"]),
    "Water Dips": ("foot-inner", ["foot"], []),
    "Oil Massage": ("foot-top", ["top", "toes"], []),
}

SHEET = sheet_grid()  # the pocket cards' sheet as designed (A4 landscape, 8 a sheet)
CARD_LIT_MM2 = 12  # every lit area on a pocket card, as printed
BOOKLET_LIT_MM2 = 100  # and on a booklet page
LEAST_STROKE_PT = 1.0  # every line of a diagram on a pocket card
LEAST_HEAD_MM = 2.0  # every arrowhead, its longer side


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


def section_of(deck, t):
    return next(s for s in deck.sections if t in s.techniques)


def card_region(index: int) -> tuple[int, Box]:
    sheet, slot = technique_card(index)
    trim = SHEET.slot(slot)
    return sheet, Box(trim.x_mm, trim.y_mm, trim.right_mm, trim.top_mm)


def assert_lit_as_expected(image, height_mm, paths, t, section):
    """The areas the technique names show the tint (and in grey, darker than
    white); the diagram's other areas do not."""
    to_page = paths[0].to_page_mm  # every path of one diagram: one matrix
    name, areas, _ = EXPECTED[t.title]
    lit = hex_rgb(tint(section.colour, 0.24))
    gray = image.convert("L")
    for area in areas:
        x, y = to_page(*INSIDE[(name, area)])
        assert close(pixel_mm(image, height_mm, x, y, DPI), lit, 14), (t.title, area)
        assert pixel_mm(gray, height_mm, x, y, DPI) < 235, (t.title, area)  # a grey printer
    for (other_name, other), point in INSIDE.items():
        if other_name == name and other not in areas and not overlaps(name, other, areas):
            r, g, b = pixel_mm(image, height_mm, *to_page(*point), DPI)
            assert max(r, g, b) - min(r, g, b) <= 3, (t.title, other)  # white or grey: unlit


def overlaps(name: str, area: str, lit: list[str]) -> bool:
    """Areas that lie inside another (the sole holds the heel) light with it,
    and areas that share ground (the ankle bone and the Achilles tendon)."""
    within = {
        "sole": {"ball", "arch", "outer-edge", "heel", "midsole"},
        "midsole": {"arch", "outer-edge"},
        "top": {"instep"},
        "foot": {"toes", "heel", "instep", "top", "ankle-bone", "achilles"},
        "ankle-bone": {"achilles", "top"},
        "instep": {"top"},
        "heel": {"achilles"},
    }
    return any(area in within.get(big, set()) or big in within.get(area, set()) for big in lit)


def test_each_card_lights_its_areas_in_its_section_colour(built, deck):
    pdf = built / "foot-massage-cards.pdf"
    images = {}
    for index, t in enumerate(deck.techniques):
        sheet, region = card_region(index)
        image = images.setdefault(sheet, render(pdf, sheet, DPI))
        paths = figure_paths(pdf, sheet, region)
        assert paths, t.title
        assert_lit_as_expected(image, SHEET.sheet_height_mm, paths, t, section_of(deck, t))


def test_each_booklet_page_lights_its_areas(built, deck):
    pdf = built / "foot-massage-booklet.pdf"
    pages = outline_pages(pdf)
    for t in deck.techniques:
        page = pages[t.title]
        paths = figure_paths(pdf, page)
        assert paths, t.title
        assert_lit_as_expected(render(pdf, page, DPI), 210, paths, t, section_of(deck, t))


def test_diagrams_read_at_arms_length_on_the_cards(built, deck):
    """On the pocket card: every line at least 1 pt, every arrowhead at least
    2 mm and joined to its shaft, each technique's lit part at least 12 mm²
    as printed for every area it names."""
    pdf = built / "foot-massage-cards.pdf"
    images = {}
    for index, t in enumerate(deck.techniques):
        section = section_of(deck, t)
        sheet, region = card_region(index)
        image = images.setdefault(sheet, render(pdf, sheet, 200))
        paths = figure_paths(pdf, sheet, region)
        lines = [p for p in paths if p.stroke and p.stroke != "#FFFFFF"]
        assert min(p.width_pt for p in lines) >= LEAST_STROKE_PT, t.title
        colour = section.colour.upper()
        heads = [p for p in paths if p.fill == colour and p.stroke is None]
        shafts = [p for p in paths if p.stroke == colour and p.fill is None]
        assert len(heads) >= len(t.arrows), t.title
        for head in heads:
            assert max(head.box.width_mm, head.box.height_mm) >= LEAST_HEAD_MM, t.title
            assert any(meets(head.box, shaft.box) for shaft in shafts), t.title  # no gap
        box = union([p.box for p in paths])
        lit = colour_area_mm2(
            image, SHEET.sheet_height_mm, box, hex_rgb(tint(section.colour, 0.24)), 200, 8
        )
        assert lit >= CARD_LIT_MM2 * len(t.areas), (t.title, lit)


def meets(a: Box, b: Box) -> bool:
    return not (
        a.right_mm < b.left_mm or b.right_mm < a.left_mm
        or a.top_mm < b.bottom_mm or b.top_mm < a.bottom_mm
    )  # fmt: skip


def test_each_booklet_diagram_is_large_and_its_areas_lit_large(built, deck):
    """On the booklet page: the diagram 60 mm or more on its long side, the
    lit part 100 mm² or more for every area the technique names."""
    pdf = built / "foot-massage-booklet.pdf"
    pages = outline_pages(pdf)
    for t in deck.techniques:
        page = pages[t.title]
        paths = figure_paths(pdf, page)
        box = union([p.box for p in paths])
        assert max(box.width_mm, box.height_mm) >= 60, (t.title, box)
        image = render(pdf, page, 100)
        colour = hex_rgb(tint(section_of(deck, t).colour, 0.24))
        lit = colour_area_mm2(image, 210, box, colour, 100, 8)
        assert lit >= BOOKLET_LIT_MM2 * len(t.areas), (t.title, lit)


def drawn_alone(name: str, areas, arrows, colour: str, width_mm: float, height_mm: float):
    """One built-in diagram drawn by itself as a card draws it, rendered at 300 dpi."""
    import io

    from reportlab.pdfgen.canvas import Canvas

    from cards.layout.diagrams import diagram
    from cards.layout.theme import mm_to_pt, register_fonts
    from cards.resources import builtin_diagrams

    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(mm_to_pt(width_mm + 10), mm_to_pt(height_mm + 10)))
    source = str(builtin_diagrams()[name])
    picture = diagram(source, tuple(areas), tuple(arrows), colour, mm_to_pt(width_mm),
                      mm_to_pt(height_mm))  # fmt: skip
    picture.wrap(1e6, 1e6)
    picture.drawOn(canvas, mm_to_pt(5), mm_to_pt(5))
    canvas.showPage()
    canvas.save()
    return (
        pypdfium2.PdfDocument(buffer.getvalue())[0].render(scale=300 / 72).to_pil().convert("RGB")
    )


def test_every_area_of_the_built_in_diagrams_lights_12_mm2_on_a_card():
    """Each area alone, at the pocket card's diagram size (20 × 22 mm at most):
    what a deck of its own may light. Single toes are the exception the
    diagrams' comments name: a toe is smaller than that at card size."""
    from cards.images import read_svg, svg_parts
    from cards.layout.theme import CardTheme
    from cards.resources import builtin_diagrams

    theme = CardTheme()
    colour = "#2A6CB8"
    lit = hex_rgb(tint(colour, 0.24))
    px_mm2 = (300 / 25.4) ** 2
    for name, path in builtin_diagrams().items():
        areas, _ = svg_parts(read_svg(path))
        for area in areas:
            if area.startswith("toe-"):
                continue
            image = drawn_alone(
                name, [area], [], colour, theme.diagram_width_mm, theme.diagram_height_mm
            )
            count = sum(1 for p in rgb_pixels(image) if close(p, lit, 8))
            assert count / px_mm2 >= CARD_LIT_MM2, (name, area, count / px_mm2)


def test_no_arrow_is_drawn_over_the_tint_it_points_at(deck):
    """Each technique's arrows drawn alone and its areas drawn alone: the arrows
    cover (almost) none of the tint (anti-aliased edges aside)."""
    from cards.layout.theme import CardTheme

    theme = CardTheme()
    colour = "#2A6CB8"
    lit = hex_rgb(tint(colour, 0.24))
    for t in deck.techniques:
        if not t.arrows:
            continue
        size = (theme.diagram_width_mm, theme.diagram_height_mm)
        areas = rgb_pixels(drawn_alone(t.diagram.name, t.areas, [], colour, *size))
        arrows = rgb_pixels(drawn_alone(t.diagram.name, [], t.arrows, colour, *size))
        tinted = [i for i, p in enumerate(areas) if close(p, lit, 8)]
        covered = sum(1 for i in tinted if min(arrows[i]) < 250)
        assert covered <= 0.01 * len(tinted), (t.title, covered, len(tinted))


def test_a_section_opens_with_all_its_areas_lit(built, deck):
    """The opener panel shows each diagram its techniques use, every area lit at
    once, on a white card in the panel's outer side."""
    pdf = built / "foot-massage-booklet.pdf"
    soles = deck.sections[1]
    page = outline_pages(pdf)[soles.title]
    image = render(pdf, page, DPI)
    theme_panel_mm = 36
    panel = [
        p for p in page_paths(pdf, page) if p.box.bottom_mm >= 210 - theme_panel_mm - 0.5
        and p.stroke is not None and p.box.width_mm < 40
    ]  # fmt: skip
    assert panel, "the panel's diagram"
    to_page = panel[0].to_page_mm
    lit = hex_rgb(tint(soles.colour, 0.24))
    for area in ("heel", "midsole"):
        assert close(pixel_mm(image, 210, *to_page(*INSIDE[("foot-sole", area)]), DPI), lit, 14)


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
    pdf = Path("out/test-deck-cards.pdf")
    image = render(pdf, 0, DPI)
    _, region = card_region(0)  # its only technique, after the title card
    to_page = figure_paths(pdf, 0, region)[0].to_page_mm
    colour = hex_rgb(tint("#1D4F91", 0.24))  # the first section's colour
    height = SHEET.sheet_height_mm
    assert close(pixel_mm(image, height, *to_page(30, 55), DPI), colour, 14)
    assert pixel_mm(image, height, *to_page(6, 42), DPI) == (255, 255, 255)  # the thumb


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
