"""Ready to hand out: type for patients, pages that use their space, the couch's
cards, the clinic's back cover, home printers, low ink and long techniques."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pypdf
import pytest
import zxingcpp
from click.testing import CliRunner
from conftest import DEFAULT_DECK, sheet_grid, small_deck, technique, technique_card, write_deck
from pdfcheck import (
    all_text,
    char_boxes_mm,
    close,
    fonts,
    hex_rgb,
    outline_pages,
    page_count,
    page_text,
    pixel_mm,
    printed_lines,
    render,
    sized_runs,
)
from PIL import Image, ImageDraw

from cards.cli import main


def pixels(image) -> list[tuple[int, int, int]]:
    return [image.getpixel((x, y)) for y in range(image.height) for x in range(image.width)]


def build(deck: Path, out: Path, *options: str) -> Path:
    result = CliRunner().invoke(main, ["build", str(deck), "-o", str(out), *options])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    return build(DEFAULT_DECK, tmp_path_factory.mktemp("handout"))


# -- 1. type ----------------------------------------------------------------------------------


def test_booklet_type_sizes(out):
    pdf = out / "foot-massage-booklet.pdf"
    pages = outline_pages(pdf)
    for title in ("Toe Arches", "Knuckle Presses", "Oil Massage"):
        runs = sized_runs(pdf, pages[title])
        assert {r.size_pt for r in runs if r.text == title} == {24.0}
        # the glance beside the diagram: labels and values at 12 pt, not the 11 of the folio
        assert {r.size_pt for r in runs if r.text in ("Hold", "Repeat", "Pressure")} == {12.0}
        steps = [r for r in runs if r.size_pt == 13.0]
        assert len(steps) >= 5, title  # the steps: 13 pt, on a measure of 55-70 characters
    # page 2's own heading
    assert page_text(pdf, 1).startswith("About this guide")


def test_large_print_reaches_the_booklet(tmp_path):
    pdf = build(DEFAULT_DECK, tmp_path, "--large-print", "-f", "booklet") / (
        "foot-massage-booklet.pdf"
    )
    pages = outline_pages(pdf)
    for title, first_words in (("Toe Arches", "Wrap both"), ("Tendon Massage", "Take hold")):
        runs = sized_runs(pdf, pages[title])
        [step] = [r for r in runs if r.text.startswith(first_words)]
        assert step.size_pt >= 16.0, title


def test_a_technique_too_long_for_large_print_runs_on_and_is_never_set_smaller(run, deck_dir):
    steps = "\n".join(
        f"{i}. Press the heel gently with both thumbs, then slide." for i in range(13)
    )
    deck_dir(small_deck(**{"01-one/01-alpha.md": technique("Alpha", steps)}))
    plain = run("build", "test-deck", "-f", "booklet", "-o", "plain")
    assert plain.exit_code == 0, plain.output  # fits one page at the normal size
    result = run("build", "test-deck", "-f", "booklet", "--large-print", "-o", "large")
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output  # the reader asked for large print
    pdf = Path("large/test-deck-booklet.pdf")
    pages = [sized_runs(pdf, i) for i in range(page_count(pdf))]
    continued = [
        i for i, runs in enumerate(pages) if any(r.text == "Alpha (continued)" for r in runs)
    ]
    assert continued, "the technique goes on on the next page"
    steps_pt = [r.size_pt for runs in pages for r in runs if r.text.startswith("Press the heel")]
    assert len(steps_pt) >= 13 and min(steps_pt) >= 16.0


# -- 2. pages that use their space ----------------------------------------------------------


def lowest_ink_mm(pdf: Path, index: int) -> float:
    """How far down the page (mm from the top) the last mark above the folio reaches."""
    image = render(pdf, index, 40).convert("L")
    cut = round((210 - 16) / 25.4 * 40)  # above the folio line
    rows = [y for y in range(cut) if any(image.getpixel((x, y)) < 200 for x in range(image.width))]
    return max(rows) / 40 * 25.4


def test_twenty_pages_and_none_near_empty(out):
    pdf = out / "foot-massage-booklet.pdf"
    assert page_count(pdf) == 20
    headings = ("Questions for my therapist", "How it felt", "Notes")
    notes = {i for i in range(20) if page_text(pdf, i).startswith(headings)}
    assert notes == {17, 18}  # after the routine page (17)
    for index in set(range(1, 19)) - notes:
        # every text page is used at least 40 % of the way down (84 of 210 mm)
        assert lowest_ink_mm(pdf, index) > 84, index + 1


# -- 3. the at-a-glance strip ----------------------------------------------------------------


@pytest.fixture(scope="module")
def deck():
    from cards.content import load_deck

    return load_deck(DEFAULT_DECK)[0]


def test_glance_labels_in_the_same_places_on_every_card(out, deck):
    """Every card's glance strip starts at the same height below the card's
    top, whether its title takes one line or two; its labels sit at the safe
    margin; a line with no value is left out, never printed as "—"; values are
    8.5 pt or more, never the smallest words on the card."""
    pdf = out / "foot-massage-cards.pdf"
    layout = sheet_grid()
    slots = layout.slots()
    slots_x = sorted({round(box.x_mm, 3) for box in slots})
    slots_top = sorted({round(box.top_mm, 3) for box in slots})
    offsets, drops, values_pt, labels = set(), set(), set(), 0
    two_line_titles = 0
    for page in (0, 1):
        runs = sized_runs(pdf, page)
        first_label: dict[tuple[float, float], float] = {}
        for at, run in enumerate(runs):
            if run.text in ("Hold", "Repeat", "Pressure"):
                left = max(x for x in slots_x if x <= run.x_mm)
                top = min(t for t in slots_top if t >= run.y_mm)
                offsets.add(round(run.x_mm - left, 2))
                first_label[(left, top)] = max(first_label.get((left, top), 0.0), run.y_mm)
                values_pt.add(round(runs[at + 1].size_pt, 2))
                labels += 1
        drops |= {round(top - y, 2) for (_, top), y in first_label.items()}
        two_line_titles += sum(1 for r in runs if r.text in ("Foot and Sole", "Thumb Slides on"))
    assert offsets == {4.0}  # every label at the safe margin
    assert len(drops) == 1, drops  # the first label at one height on every card
    assert two_line_titles == 2  # though two titles wrap
    assert min(values_pt) >= 8.5
    values = sum(bool(v) for t in deck.techniques for v in (t.hold, t.repeat, t.pressure))
    assert labels == values  # one line a value, no more
    assert "—" not in all_text(pdf).replace("Print at 100 % — do not", "")


# -- 4. hyphenation ---------------------------------------------------------------------------


def broken_words(pdf: Path) -> list[str]:
    """Lines that end in a letter and a hyphen: a word broken at a syllable."""
    return [
        line
        for i in range(page_count(pdf))
        for line in page_text(pdf, i).splitlines()
        if re.search(r"[a-z]-$", line)
    ]


def test_no_hyphenation_by_default(out):
    for name in ("cards", "booklet"):
        assert broken_words(out / f"foot-massage-{name}.pdf") == [], name


def test_hyphenate_true_turns_it_on(deck_dir, tmp_path):
    body = "1. " + " ".join(["Increase the comfortable relaxation gradually"] * 8)
    files = small_deck(**{"01-one/01-alpha.md": technique("Alpha", body)})
    plain = build(deck_dir(files), tmp_path / "plain", "-f", "cards")
    assert broken_words(plain / "test-deck-cards.pdf") == []
    files["_index.md"] = "---\ntitle: Test Deck\nhyphenate: true\n---\nAn intro.\n"
    hyphenated = build(deck_dir(files, "again"), tmp_path / "on", "-f", "cards")
    assert broken_words(hyphenated / "again-cards.pdf")


def test_a_word_longer_than_its_line_is_still_broken(deck_dir, tmp_path):
    files = small_deck(**{"01-one/01-alpha.md": technique("Alpha", "1. " + "x" * 150)})
    pdf = build(deck_dir(files), tmp_path, "-f", "cards") / "test-deck-cards.pdf"
    assert "x" * 40 in all_text(pdf).replace("\n", "")


# -- 5. the deck's own cards ------------------------------------------------------------------


def test_the_title_card_comes_first_and_the_others_fill_the_free_slots(out):
    pdf = out / "foot-massage-cards.pdf"
    layout = sheet_grid()
    assert page_count(pdf) == 2  # 13 + 3 cards: 8 a sheet, no third sheet

    def inside(run, slot: int) -> bool:
        box = layout.slot(slot)
        return box.x_mm < run.x_mm < box.right_mm and box.y_mm < run.y_mm < box.top_mm

    # the title card on top of the pile: the first slot of the first sheet
    [title] = [r for r in sized_runs(pdf, 0) if r.text == "Foot Massage" and r.size_pt > 12]
    assert inside(title, 0)
    # the 13 techniques fill slots 1-7 of sheet 1 and 0-5 of sheet 2; then the others
    runs = sized_runs(pdf, 1)
    [run] = [r for r in runs if r.text == "BEFORE YOU START" and r.size_pt > 7]
    assert inside(run, 6)
    routine_text = " ".join(r.text for r in runs if inside(r, 7))
    assert "THE ROUTINE" in routine_text
    for title in ("Sole Twists", "Knead the Heels", "Oil Massage"):
        assert title in routine_text
    assert "6–10 seconds" in routine_text and "Short bursts" in routine_text
    assert "Stop at once if anything hurts" in page_text(pdf, 1)


def test_no_extras_leaves_one_card_per_technique(tmp_path):
    pdf = build(DEFAULT_DECK, tmp_path, "-f", "cards", "--no-extras") / "foot-massage-cards.pdf"
    text = all_text(pdf)
    assert "THE ROUTINE" not in text and "BEFORE YOU START" not in text
    assert len(re.findall(r"Foot Massage · \d+ / 13", text)) == 13


def test_a_subset_gets_no_extras(tmp_path):
    pdf = build(DEFAULT_DECK, tmp_path, "-f", "cards", "--section", "04-aftercare") / (
        "foot-massage-cards.pdf"
    )
    assert "THE ROUTINE" not in all_text(pdf)


# -- 6. the back cover ------------------------------------------------------------------------


def clinic_deck(root: Path) -> Path:
    files = small_deck()
    files["_index.md"] = (
        "---\ntitle: Feet First\nauthor: Sunny Feet Clinic\ncontact: |\n"
        "  Sunny Feet Clinic, 12 Garden Row\n  Telephone 0113 496 0000\n"
        "url: sunnyfeet.example.org/massage\nlogo: logo.png\n---\nAn intro.\n\n"
        "## Before you start\n\n- Stop if it hurts.\n"
    )
    deck = write_deck(root / "clinic", files)
    logo = Image.new("RGB", (200, 100), "white")
    ImageDraw.Draw(logo).rectangle((20, 20, 180, 80), fill=(220, 20, 20))
    logo.save(deck / "logo.png")
    return deck


def test_back_cover_has_contact_url_qr_logo_and_edition(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 14 November 2023
    deck = clinic_deck(tmp_path)
    pdf = build(deck, tmp_path / "out", "-f", "booklet") / "clinic-booklet.pdf"
    last = page_count(pdf) - 1
    text = page_text(pdf, last)
    assert "Sunny Feet Clinic, 12 Garden Row" in text and "Telephone 0113 496 0000" in text
    assert "sunnyfeet.example.org/massage" in text
    assert "Edition of November 2023" in text
    assert "Stop if it hurts." in text
    codes = zxingcpp.read_barcodes(render(pdf, last, 200))
    assert [c.text for c in codes] == ["https://sunnyfeet.example.org/massage"]
    for page in (0, last):  # the logo on the cover and the back
        image = render(pdf, page, 50)
        reds = [p for p in pixels(image) if close(p, (220, 20, 20), 20)]
        assert len(reds) > 100, page
    # the same date gives the same bytes
    again = build(deck, tmp_path / "again", "-f", "booklet") / "clinic-booklet.pdf"
    assert again.read_bytes() == pdf.read_bytes()


def test_back_cover_says_questions_call_with_the_number_large_and_captions_the_qr(tmp_path):
    deck = clinic_deck(tmp_path)
    pdf = build(deck, tmp_path / "out", "-f", "booklet") / "clinic-booklet.pdf"
    last = page_count(pdf) - 1
    runs = sized_runs(pdf, last)
    [call] = [r for r in runs if r.text == "Questions? Call"]
    [number] = [r for r in runs if r.text == "0113 496 0000"]  # the number alone
    assert number.size_pt >= 16 and number.y_mm < call.y_mm  # below its heading
    assert "Semibold" in font_of(pdf, last, "0113 496 0000")
    [caption] = [r for r in runs if r.text == "Scan for this guide online"]
    [url] = [r for r in runs if r.text == "sunnyfeet.example.org/massage"]
    assert abs(caption.x_mm - url.x_mm) < 1 and caption.y_mm > url.y_mm  # above the address


def font_of(pdf: Path, index: int, text: str) -> str:
    """The base font name of the run that shows ``text`` on a page."""
    found: list[str] = []

    def visit(shown, cm, tm, font_dict, font_size):
        if shown.strip() == text and font_dict is not None:
            found.append(str(font_dict.get("/BaseFont")))

    pypdf.PdfReader(pdf).pages[index].extract_text(visitor_text=visit)
    return found[0] if found else ""


@pytest.mark.parametrize(
    "contact, phone",
    [
        (["Sunny Feet Clinic, 12 Garden Row", "Telephone 0113 496 0000"], "0113 496 0000"),
        (["Tel. +44 (0)113 496 0000", "Fax 0113 496 0001"], "+44 (0)113 496 0000"),
        (["Praxis am Park, 10115 Berlin"], None),  # a postcode is not a phone
        (["Call 030-1234567 today"], "030-1234567"),
        ([], None),
    ],
)
def test_the_phone_is_the_first_number_long_enough_in_the_contact(contact, phone):
    from cards.templating import phone_in

    assert phone_in(contact) == phone


def test_no_phone_no_questions_call(tmp_path):
    files = small_deck()
    files["_index.md"] = "---\ntitle: Feet\ncontact: |\n  Ask at the desk\n---\nAn intro.\n"
    pdf = build(write_deck(tmp_path / "d", files), tmp_path / "out", "-f", "booklet")
    reading = pdf / "d-booklet.pdf"
    text = page_text(reading, page_count(reading) - 1)
    assert "Ask at the desk" in text and "Questions? Call" not in text


def test_qr_is_drawn_as_vectors(tmp_path):
    deck = clinic_deck(tmp_path)
    pdf = build(deck, tmp_path / "out", "-f", "booklet") / "clinic-booklet.pdf"
    page = pypdf.PdfReader(pdf).pages[-1]
    xobjects = page["/Resources"].get("/XObject", {})
    images = [x for x in xobjects.values() if x.get_object().get("/Subtype") == "/Image"]
    assert len(images) == 1  # the logo; the QR code is squares, not a picture


# -- 7. card backs ----------------------------------------------------------------------------


def test_backs_lead_with_the_section(out, tmp_path):
    pdf = build(DEFAULT_DECK, tmp_path, "-f", "cards", "--backs") / "foot-massage-cards.pdf"
    runs = sized_runs(pdf, 1)  # the first sheet's backs
    number = max(runs, key=lambda r: r.size_pt)
    assert number.text in "1234" and number.size_pt >= 50
    names = [r for r in runs if r.text == "Relaxing Techniques"]
    titles = [r for r in runs if r.text.startswith("Foot Massage")]
    assert names and titles
    # on a technique's back the deck title is the smaller (the title card's own
    # back, on this sheet too, sets the deck title large)
    assert names[0].size_pt > min(t.size_pt for t in titles)


# -- 8. home printers -------------------------------------------------------------------------


HOME_PRINTER_MM = 8  # what a home printer may leave unprinted, with room to spare


@pytest.mark.parametrize("paper, sheet", [("a4", (297.0, 210.0)), ("letter", (279.4, 215.9))])
def test_no_word_within_8_mm_of_the_imposed_sheet_edge(tmp_path, paper, sheet):
    pdf = build(DEFAULT_DECK, tmp_path, "-f", "booklet", "--paper", paper)
    imposed = pdf / "foot-massage-booklet-imposed.pdf"
    width, height = sheet
    edge = HOME_PRINTER_MM
    for index in range(page_count(imposed)):
        for char, left, bottom, right, top in char_boxes_mm(imposed, index):
            assert left >= edge and bottom >= edge, (index, char, left, bottom)
            assert right <= width - edge and top <= height - edge, (index, char, right, top)


def test_the_band_holds_no_disc_or_word_within_8_mm_of_the_sheet_edge(out):
    """Along the top edge of the imposed sheet the bands are colour only: the
    number disc (white) and the label start more than 8 mm down."""
    imposed = out / "foot-massage-booklet-imposed.pdf"
    sheet = render(imposed, 4, 200)  # 16|5: Toe Arches on the right, its band blue
    blue = hex_rgb("#2A6CB8")
    strip = [
        pixel_mm(sheet, 210, x / 2, 210 - y / 4, 200)
        for x in range(2 * 148 + 2, 2 * 297 - 2)
        for y in range(1, 4 * HOME_PRINTER_MM)
    ]
    assert all(close(p, blue, 24) for p in strip)
    # and the disc is there, just below
    below = [pixel_mm(sheet, 210, 148 + 16 + 3.5, 210 - y / 4, 200) for y in range(32, 64)]
    assert any(min(p) > 230 for p in below)


@pytest.mark.parametrize(
    "options", [(), ("--paper", "letter"), ("--backs",), ("--fold",), ("--card-size", "a6")]
)
def test_card_sheet_footers_stay_8_mm_from_the_sheet_edge(tmp_path, options):
    pdf = build(DEFAULT_DECK, tmp_path, "-f", "cards", *options) / "foot-massage-cards.pdf"
    reader = pypdf.PdfReader(pdf)
    footers = 0
    for index, page in enumerate(reader.pages):
        width, height = (float(v) / 72 * 25.4 for v in page.mediabox[2:])
        for char, left, bottom, right, top in char_boxes_mm(pdf, index):
            nearest = min(left, bottom, width - right, height - top)
            assert nearest >= HOME_PRINTER_MM, (options, index, char, nearest)
            footers += nearest < 12
    assert footers > 20  # the footer is there, near the edge but not within 8 mm


def test_colour_still_bleeds_to_the_imposed_sheet_edge(out):
    image = render(out / "foot-massage-booklet-imposed.pdf", 1, 72)  # sheet 1 back: page 2|19
    side = render(out / "foot-massage-booklet-imposed.pdf", 2, 72)  # sheet 2 front: 18|3
    assert image and side
    # the band of a technique page runs to the top edge of the sheet
    sheet_pages = render(out / "foot-massage-booklet-imposed.pdf", 4, 72)  # 16|5
    assert close(pixel_mm(sheet_pages, 210, 200, 209.5, 72), hex_rgb("#2A6CB8"))


# -- 9. low ink -------------------------------------------------------------------------------


def coloured_pixels(pdf: Path) -> int:
    """Pixels of visible colour (not white, grey or the faintest tint) on every page."""
    count = 0
    for index in range(page_count(pdf)):
        for r, g, b in pixels(render(pdf, index, 30)):
            if (
                max(r, g, b) - min(r, g, b) > 24
                or max(r, g, b) < 200
                and max(r, g, b) - min(r, g, b) > 8
            ):
                count += 1
    return count


def test_low_ink_uses_at_most_30_percent_of_the_colour(tmp_path):
    full = build(DEFAULT_DECK, tmp_path / "full", "-f", "cards", "--backs")
    low = build(DEFAULT_DECK, tmp_path / "low", "-f", "cards", "--backs", "--low-ink")
    default_area = coloured_pixels(full / "foot-massage-cards.pdf")
    low_area = coloured_pixels(low / "foot-massage-cards.pdf")
    assert low_area <= 0.3 * default_area, (low_area, default_area)


def test_low_ink_draws_nothing_in_the_bleed_and_outlines_1_mm_inside_the_trim(tmp_path):
    """A print shop's low-ink cards (one a page, trim plus 3 mm bleed): the bleed
    and the first millimetre inside the trim are white on every side, so each
    cut card keeps its whole outline and no neighbour's line."""
    pdf = build(DEFAULT_DECK, tmp_path, "-f", "cards", "--low-ink", "--print-shop", "--backs")
    cards = pdf / "foot-massage-cards.pdf"
    width, height = 63 + 6, 88 + 6
    clear = 3 + 0.9  # the bleed and a millimetre in, less antialiasing
    for index in range(page_count(cards)):
        image = render(cards, index, 150)
        border = [
            pixel_mm(image, height, x / 4, y / 4, 150)
            for x in range(1, 4 * width)
            for y in range(1, 4 * height)
            if min(x / 4, y / 4, width - x / 4, height - y / 4) < clear
        ]
        assert all(min(p) > 235 for p in border), index
    # and the outline is there just inside that: the band's, on the first card
    image = render(cards, 0, 150)
    assert any(
        min(pixel_mm(image, height, 3 + 1 + d / 10, height - 10, 150)) < 200 for d in range(10)
    )


def test_low_ink_sections_still_differ_in_greyscale(tmp_path):
    low = build(DEFAULT_DECK, tmp_path, "-f", "cards", "--low-ink") / "foot-massage-cards.pdf"
    image = render(low, 0, 300).convert("L")
    layout = sheet_grid()
    # the band's outline along its lower edge, on cards 1 (blue) and 5 (rust): the
    # darkest grey across it
    greys = [
        min(
            pixel_mm(image, layout.sheet_height_mm, box.x_mm + 30, box.top_mm - 10 + dy / 10, 300)
            for dy in range(-8, 9)
        )
        for box in (layout.slot(technique_card(0)[1]), layout.slot(technique_card(4)[1]))
    ]
    assert abs(greys[0] - greys[1]) >= 12, greys
    text = all_text(low)
    for number in "1234":
        assert f"\n{number}\n" in f"\n{text}\n"  # every band keeps its number


# -- 10. overflow -----------------------------------------------------------------------------


def long_deck(deck_dir) -> Path:
    steps = "\n".join(
        f"{i}. Press the heel gently with both thumbs and slide it slowly to the toes."
        for i in range(1, 22)
    )
    return deck_dir(small_deck(**{"01-one/01-alpha.md": technique("Long One", steps)}))


def test_overflow_is_an_error_by_default(run, deck_dir):
    long_deck(deck_dir)
    result = run("build", "test-deck", "-f", "cards")
    assert result.exit_code == 1
    assert "build with --overflow continue" in result.output


def test_overflow_continue_runs_on_to_a_marked_card(run, deck_dir):
    long_deck(deck_dir)
    result = run("build", "test-deck", "-f", "cards", "--overflow", "continue", "-o", "out")
    assert result.exit_code == 0, result.output
    assert "'Long One' is too long for one card; it continues on" in result.output
    text = all_text(Path("out/test-deck-cards.pdf"))
    assert "Long One (continued)" in text
    for step in (1, 10, 21):
        assert re.search(rf"\b{step} Press the heel", text), step
    assert os.path.getsize("out/test-deck-cards.pdf") > 0


def test_the_routine_card_is_left_out_of_a_big_deck(run, deck_dir):
    files = small_deck()
    for i in range(40):
        files[f"01-one/{10 + i:02d}-more.md"] = technique(f"More {i}")
    deck_dir(files)
    result = run("build", "test-deck", "-f", "cards", "-o", "out")
    assert result.exit_code == 0, result.output
    assert (
        "test-deck/_index.md:1: warning: the routine card is left out: 43 techniques are more "
        "than one card lists (40 at most)"
    ) in result.output
    assert "THE ROUTINE" not in all_text(Path("out/test-deck-cards.pdf"))


# -- a logo with words in it ------------------------------------------------------------------

LOGO_WITH_TEXT = """<svg xmlns="http://www.w3.org/2000/svg" width="80" height="24" viewBox="0 0 80 24">
  <title>Sunny Feet Clinic</title>
  <rect width="80" height="24" fill="#2A6CB8"/>
  <text x="4" y="11" font-family="Helvetica" font-size="9" fill="#FFFFFF">Sunny Feet</text>
  <text x="4" y="21" style="font-family: 'Comic Sans MS'; font-weight: bold; font-size: 8px"
        fill="#FFFFFF">Clinic</text>
</svg>
"""


def test_an_svg_logo_with_text_builds_on_cover_and_back_cover(run, deck_dir, tmp_path):
    deck_dir(
        small_deck(**{"_index.md": "---\ntitle: Test Deck\nlogo: logo.svg\n---\nAn intro.\n"})
        | {"logo.svg": LOGO_WITH_TEXT}
    )
    result = run("build", "test-deck", "-o", "out")
    assert result.exit_code == 0, result.output
    booklet = tmp_path / "out" / "test-deck-booklet.pdf"
    last = page_count(booklet) - 1
    for index in (0, last):
        words = page_text(booklet, index)
        assert "Sunny Feet" in words and "Clinic" in words, (index, words)
    used = fonts(booklet)
    assert used and all(used.values()), used  # every font embedded: ours, not Helvetica
    assert not any("Helvetica" in name or "Comic" in name for name in used), used


def test_the_safety_note_is_in_full_on_page_2_and_short_on_the_back(out):
    pdf = out / "foot-massage-booklet.pdf"
    points = (
        "Stop at once if anything hurts",
        "Avoid broken, swollen, bruised or injured skin",
        "Ask a doctor first if the person has diabetes",
    )
    intro = " ".join(page_text(pdf, 1).split())
    assert all(point in intro for point in points)  # in full, once
    back = " ".join(page_text(pdf, page_count(pdf) - 1).split())
    assert "Before you start" in back and points[0] in back and "More on page 2" in back
    assert not any(point in back for point in points[1:])  # not word for word again
    # the colophon at the foot of the back cover, above the colour strip
    [edition] = [r for r in sized_runs(pdf, page_count(pdf) - 1) if r.text.startswith("Edition")]
    assert edition.y_mm < 40


def test_the_routine_card_is_set_at_9_pt_in_one_number_column(out):
    """The deck's routine card: every line at 9 pt or more, each technique's
    name at one x whether its number has one digit or two."""
    pdf = out / "foot-massage-cards.pdf"
    layout = sheet_grid()
    routine = layout.slot(7)  # the last slot of the second sheet
    lines = [
        line
        for line in printed_lines(pdf, 1)
        if routine.x_mm < line.left_mm < routine.right_mm
        and routine.y_mm < line.baseline_mm < routine.top_mm
        and line.text.strip()
    ]
    names = [line for line in lines if line.text.strip()[:1].isalpha() and "–" in line.text]
    numbers = [line for line in lines if line.text.strip().isdigit()]
    assert len(numbers) == 13 and len(names) >= 12
    assert min(line.size_pt for line in names + numbers) >= 9
    assert len({round(line.left_mm, 1) for line in names}) == 1  # one column for "1" and "13"
