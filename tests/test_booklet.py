"""The booklet: reading order, saddle-stitch imposition, tabs, contents, outline."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pypdf
import pypdfium2
import pytest
from click.testing import CliRunner
from conftest import DEFAULT_DECK, small_deck, technique
from pdfcheck import (
    PT_PER_MM,
    close,
    hex_rgb,
    outline_pages,
    page_count,
    page_size_mm,
    page_text,
    pixel_mm,
    render,
    text_runs,
)

from cards.cli import main
from cards.content import load_deck
from cards.formats.booklet_pages import tab_span_mm
from cards.formats.booklet_plan import booklet_theme
from cards.geometry import saddle_order

DPI = 72


def build(deck: Path, out: Path, *options: str) -> tuple[Path, Path]:
    result = CliRunner().invoke(
        main,
        ["build", str(deck), "-f", "booklet", "-o", str(out), *options],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    return out / f"{deck.name}-booklet.pdf", out / f"{deck.name}-booklet-imposed.pdf"


@pytest.fixture(scope="module")
def booklet(tmp_path_factory) -> tuple[Path, Path]:
    return build(DEFAULT_DECK, tmp_path_factory.mktemp("booklet"))


@pytest.fixture(scope="module")
def deck():
    return load_deck(DEFAULT_DECK)[0]


def test_a5_pages_on_a4_sheets(booklet):
    reading, imposed = booklet
    assert page_size_mm(reading) == (148.0, 210.0)
    assert page_size_mm(imposed) == (297.0, 210.0)
    assert page_count(reading) % 4 == 0
    assert page_count(imposed) == page_count(reading) // 2


def test_half_letter_pages_on_letter(tmp_path):
    reading, imposed = build(DEFAULT_DECK, tmp_path, "--paper", "letter")
    assert page_size_mm(reading) == (139.7, 215.9)
    assert page_size_mm(imposed) == (279.4, 215.9)


def test_default_deck_page_plan(booklet, deck):
    reading, _ = booklet
    # cover, intro, contents, 13 techniques (each section opening on its first),
    # notes to pad, back cover: no divider pages
    assert page_count(reading) == 20
    assert "Foot Massage" in page_text(reading, 0) and "Relaxing Techniques" in page_text(
        reading, 0
    )
    assert "Before you start" in page_text(reading, 1)
    assert page_text(reading, 2).startswith("Contents")
    # padding is useful, and at the end: pages headed for what a patient writes
    # after the techniques the routine on a page of its own, then notes pages
    # headed for what a patient writes
    assert page_text(reading, 16).startswith("The routine")
    headings = ("Questions for my therapist", "How it felt")
    for index, heading in zip((17, 18), headings, strict=True):
        assert page_text(reading, index).startswith(heading)


def lines_of(text: str) -> list[str]:
    """A page's lines, with a title that wraps beside its diagram joined again."""
    return [" ".join(line.split()) for line in text.splitlines()]


def starts_page(title: str, text: str) -> bool:
    """The title opens the page's own text (after the band, tab, panel and intro)."""
    return title in " ".join(text.split())[:400]


def technique_pages(reading: Path) -> dict[str, int]:
    """Technique title → 1-based page, from the outline."""
    return {title: page + 1 for title, page in outline_pages(reading).items()}


def test_each_technique_on_its_own_page_in_order(booklet, deck):
    reading, _ = booklet
    pages = technique_pages(reading)
    numbers = [pages[t.title] for t in deck.techniques]
    assert numbers == sorted(numbers) and len(set(numbers)) == 13
    for t in deck.techniques:
        assert starts_page(t.title, page_text(reading, pages[t.title] - 1))


def test_outline_has_a_node_per_section_with_its_techniques(booklet, deck):
    reader = pypdf.PdfReader(booklet[0])
    outline = reader.outline
    sections = [item.title for item in outline if not isinstance(item, list)]
    assert sections == [s.title for s in deck.sections] + ["The routine"]
    children = [item for item in outline if isinstance(item, list)]
    assert [[c.title for c in group] for group in children] == [
        [t.title for t in s.techniques] for s in deck.sections
    ]


def test_contents_numbers_are_the_real_pages_and_link_there(booklet, deck):
    reading, _ = booklet
    reader = pypdf.PdfReader(reading)
    contents = page_text(reading, 2)
    for t in deck.techniques:
        match = re.search(re.escape(t.title) + r"\s*\.+\s*(\d+)\s*$", contents, re.MULTILINE)
        assert match, t.title
        page = int(match.group(1))
        assert starts_page(t.title, page_text(reading, page - 1))
    links = [a.get_object() for a in reader.pages[2].get("/Annots", [])]
    assert len(links) == 13 + 4 + 1  # techniques, sections, notes
    page_numbers = {page.indirect_reference.idnum: i + 1 for i, page in enumerate(reader.pages)}
    targets = sorted(page_numbers[a["/Dest"][0].idnum] for a in links)
    pages = technique_pages(reading)
    # a section's entry points at its first technique's page, where it opens
    # sections, techniques, and the notes (after the routine page, which the
    # contents do not list: it has a bookmark)
    listed = [page for title, page in pages.items() if title != "The routine"]
    assert targets == sorted(listed + [18])


def test_page_numbers_at_the_outer_corner_with_running_footer(booklet):
    reading, _ = booklet
    theme = booklet_theme("a4")
    for index in (4, 5):  # pages 5 and 6
        number = str(index + 1)
        runs = text_runs(reading, index)
        folio = [r for r in runs if r.text == number and r.y_mm < 15]
        assert folio, runs
        if (index + 1) % 2:  # odd: right-hand page, number at the right
            assert folio[0].x_mm > theme.width_mm - theme.margin_outer_mm - 5
        else:
            assert folio[0].x_mm < theme.margin_outer_mm + 1
        assert any(r.text == "Relaxing Techniques" and r.y_mm < 15 for r in runs)


def test_thumb_tabs_step_down_and_sit_on_the_outer_edge(booklet, deck):
    reading, _ = booklet
    theme = booklet_theme("a4")
    pages = technique_pages(reading)
    for section in deck.sections:
        first = pages[section.techniques[0].title]
        bottom, top = tab_span_mm(theme, section.number, len(deck.sections))
        middle = (bottom + top) / 2
        image = render(reading, first - 1, DPI)
        outer_x = theme.width_mm - 1 if first % 2 else 1
        inner_x = 1 if first % 2 else theme.width_mm - 1
        colour = hex_rgb(section.colour)
        assert close(pixel_mm(image, 210, outer_x, middle, DPI), colour), section.title
        # 14 mm deep: still there 12 mm in from the edge (its number sits past a
        # home printer's 8 mm margin), and white again 16 mm in
        assert theme.tab_depth_mm == 14 and theme.tab_number_from_edge_mm >= 8 + 2
        deep_x = theme.width_mm - 12 if first % 2 else 12
        assert close(pixel_mm(image, 210, deep_x, middle, DPI), colour)
        beyond_x = theme.width_mm - 16 if first % 2 else 16
        assert close(pixel_mm(image, 210, beyond_x, middle, DPI), (255, 255, 255))
        assert close(pixel_mm(image, 210, inner_x, middle, DPI), (255, 255, 255))
        # other sections' slots on this page stay white
        for other in deck.sections:
            if other.number != section.number:
                b, t = tab_span_mm(theme, other.number, len(deck.sections))
                assert close(pixel_mm(image, 210, outer_x, (b + t) / 2, DPI), (255, 255, 255))
        # the section opens here: its panel, 36 mm deep, is in its colour 33 mm
        # below the top trim, and the tab starts below the panel, not inside it
        assert theme.panel_height_mm == 36
        assert close(pixel_mm(image, 210, 30, 210 - 33, DPI), colour)
        assert top < 210 - theme.panel_height_mm
        # a page that does not open a section has the 17 mm band: colour 16 mm down
        if len(section.techniques) > 1:
            second = render(reading, pages[section.techniques[1].title] - 1, DPI)
            assert close(pixel_mm(second, 210, 74, 210 - 16, DPI), colour)
            assert close(pixel_mm(second, 210, 74, 210 - 19, DPI), (255, 255, 255))


def words_in(
    pdf: Path, index: int, box_mm: tuple[float, float, float, float] | None = None
) -> list[str]:
    """The words pdfium finds on a page, or inside a box (left, bottom, right, top in mm).

    pdfium applies the forms' placement, so each half of an imposed sheet
    can be read on its own.
    """
    page = pypdfium2.PdfDocument(str(pdf))[index]
    textpage = page.get_textpage()
    if box_mm is None:
        text = textpage.get_text_range()
    else:
        text = textpage.get_text_bounded(*(v * PT_PER_MM for v in box_mm))
    # pdfium marks a hyphenation break differently inside a form and on a page
    return text.replace("\x02", "-").replace("\ufffe", "-").split()


def letters(words: list[str]) -> Counter:
    """The page's characters as a multiset: blind to how pdfium splits hyphenated lines."""
    return Counter("".join(words).replace("-", ""))


def imposed_halves(
    imposed: Path, side: int, sheet_mm: tuple[float, float]
) -> tuple[list[str], list[str]]:
    width, height = sheet_mm
    return (
        words_in(imposed, side, (0, 0, width / 2, height)),
        words_in(imposed, side, (width / 2, 0, width, height)),
    )


@pytest.mark.parametrize("duplex", ["short", "long"])
def test_imposed_sides_hold_the_right_pages(tmp_path, duplex):
    reading, imposed = build(DEFAULT_DECK, tmp_path, "--duplex", duplex)
    n = page_count(reading)
    for side, (left, right) in enumerate(saddle_order(n)):
        got_left, got_right = imposed_halves(imposed, side, (297, 210))
        if duplex == "long" and side % 2 == 1:
            got_left, got_right = got_right, got_left  # turned 180°: halves swap
        assert letters(got_left) == letters(words_in(reading, left - 1)), (side, left)
        assert letters(got_right) == letters(words_in(reading, right - 1)), (side, right)
    assert pypdf.PdfReader(imposed).trailer["/Root"]["/ViewerPreferences"]["/Duplex"] == (
        "/DuplexFlipShortEdge" if duplex == "short" else "/DuplexFlipLongEdge"
    )


def test_long_edge_backs_are_upside_down(tmp_path):
    """Sheet 1's back holds page 2 (the intro): short edge, its heading at the top left;
    long edge, turned 180°, at the bottom right."""
    title = ["About", "this", "guide"]
    _, short = build(DEFAULT_DECK, tmp_path / "short")
    top_left = words_in(short, 1, (0, 150, 148, 210))
    assert all(word in top_left for word in title)
    _, long = build(DEFAULT_DECK, tmp_path / "long", "--duplex", "long")
    bottom_right = words_in(long, 1, (149, 0, 297, 60))
    assert all(word in bottom_right for word in title)
    assert not any(word in words_in(long, 1, (0, 150, 148, 210)) for word in ("About", "guide"))
    # fronts are never turned: the cover (page 1) stays upright on the right
    assert "Relaxing" in words_in(long, 0, (149, 0, 297, 210))
    assert "Relaxing" not in words_in(long, 0, (0, 0, 148, 210))


def test_bleed_does_not_spill_onto_the_facing_page(booklet):
    _, imposed = booklet
    # sheet 1 front: back cover (left) and cover (right). The cover's motif
    # bleeds 3 mm, yet just left of the fold the back cover is white there.
    image = render(imposed, 0, DPI)
    left_page_right_edge = (297 - 296) / 2 + 148
    assert close(pixel_mm(image, 210, left_page_right_edge - 1.5, 200, DPI), (255, 255, 255))
    assert not close(pixel_mm(image, 210, left_page_right_edge + 1.5, 200, DPI), (255, 255, 255))


def test_summary_names_the_printer_setting(run, deck_dir):
    result = run("build", deck_dir(small_deck()), "-f", "booklet")
    assert result.exit_code == 0
    assert "print two-sided, flip on short edge, fold, staple" in result.output
    result = run("build", deck_dir(small_deck(), "other"), "-f", "booklet", "--duplex", "long")
    assert "print two-sided, flip on long edge" in result.output


def test_print_shop_pages_have_bleed_and_boxes(tmp_path):
    reading, _ = build(DEFAULT_DECK, tmp_path / "shop", "--print-shop")
    page = pypdf.PdfReader(reading).pages[5]
    mm = lambda box: [round(float(v) / PT_PER_MM, 1) for v in box]
    assert mm(page.mediabox) == [0, 0, 154.0, 216.0]
    assert mm(page.trimbox) == [3.0, 3.0, 151.0, 213.0]
    assert mm(page.bleedbox) == [0, 0, 154.0, 216.0]
    plain, _ = build(DEFAULT_DECK, tmp_path / "plain")
    plain_page = pypdf.PdfReader(plain).pages[5]
    assert mm(plain_page.mediabox) == [0, 0, 148.0, 210.0]
    # with bleed, the band colour reaches the very edge of the bleed
    image = render(reading, 5, DPI)
    assert not close(pixel_mm(image, 216, 0.5, 215.5, DPI), (255, 255, 255))


def test_metadata(booklet):
    meta = pypdf.PdfReader(booklet[0]).metadata
    assert meta["/Title"] == "Foot Massage — booklet"
    assert meta["/Author"] == "The cards project"


def test_small_deck_in_another_script_fills_its_pages_and_pads_with_notes(deck_dir, tmp_path):
    files = small_deck(**{"_index.md": "---\ntitle: Массаж\nlanguage: ru\n---\nВведение.\n"})
    files["01-one/01-alpha.md"] = technique("Массаж стопы", "1. Мягко надавите на пятку.")
    reading, _imposed = build(deck_dir(files), tmp_path)
    # cover, intro, contents, 3 techniques, the routine, back = 8: no padding
    assert page_count(reading) == 8
    assert "Массаж стопы" in page_text(reading, 3)
    assert page_text(reading, 6).startswith("Порядок выполнения")  # the routine, in Russian
    assert "Массаж стопы" in page_text(reading, 6)
    files["01-one/04-delta.md"] = technique("Дельта", "1. Отпустите.")
    reading, _imposed = build(deck_dir(files), tmp_path / "more")
    # one technique more: 9 pages, padded to 12 with notes after the routine
    assert page_count(reading) == 12
    assert page_text(reading, 8).startswith("Вопросы специалисту")


def test_a_technique_too_long_for_its_page_is_an_error(run, deck_dir):
    steps = "\n".join(
        f"{i}. Press the heel gently with both thumbs and slide it slowly." for i in range(1, 40)
    )
    folder = deck_dir(small_deck(**{"01-one/01-alpha.md": technique("Alpha", steps)}))
    result = run("build", folder, "-f", "booklet")
    assert result.exit_code == 1
    assert (
        "test-deck/01-one/01-alpha.md:1: error: 'Alpha' does not fit its booklet page even at 11 pt"
        in result.output
    )


def test_before_you_start_is_a_boxed_note(booklet):
    reading, _ = booklet
    [heading] = [r for r in text_runs(reading, 1) if r.text == "Before you start"]
    image = render(reading, 1, 100)
    tint = pixel_mm(image, 210, heading.x_mm - 1, heading.y_mm + 1, 100)
    assert close(tint, hex_rgb("#F1EEE8"), 6)
    # the paragraphs above it sit on white
    [above] = [r for r in text_runs(reading, 1) if r.text.startswith("A foot massage is one of")]
    assert close(pixel_mm(image, 210, above.x_mm - 1, above.y_mm + 1, 100), (255, 255, 255))


def test_notes_pages_are_headed_for_what_a_patient_writes_in_the_decks_language(deck_dir, tmp_path):
    files = small_deck(**{"_index.md": "---\ntitle: Fußmassage\nlanguage: de\n---\nEinleitung.\n"})
    files["01-one/04-delta.md"] = technique("Delta")  # 9 pages: three of notes
    reading, _imposed = build(deck_dir(files), tmp_path)
    texts = [" ".join(page_text(reading, i).split()) for i in range(page_count(reading))]
    notes = [t for t in texts if t.startswith(("Fragen für", "Wie es sich", "Notizen"))]
    assert notes and notes[0].startswith("Fragen für die nächste Behandlung")
    assert not any(t.startswith(("Questions for", "How it felt")) for t in texts)
