"""End to end: build real card PDFs and ask them questions."""

from __future__ import annotations

from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner
from conftest import (
    DEFAULT_DECK,
    TITLE_CARD_SLOT,
    sheet_grid,
    small_deck,
    technique,
    technique_card,
)
from pdfcheck import (
    all_text,
    close,
    fonts,
    hex_rgb,
    page_count,
    page_size_mm,
    pixel_mm,
    render,
    text_runs,
)

from cards.cli import main
from cards.content import load_deck
from cards.layout.theme import CardTheme, SheetTheme

THEME = CardTheme()
DPI = 100


def build(deck: Path, out: Path, *options: str) -> Path:
    result = CliRunner().invoke(
        main, ["build", str(deck), "-f", "cards", "-o", str(out), *options], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return out / f"{deck.name}-cards.pdf"


def grid_for(paper: str, gutter_mm: float | None = None):
    return sheet_grid(paper, gutter_mm)


SHEET_HEIGHT_MM = grid_for("a4").sheet_height_mm  # A4 landscape, as designed


def test_a4_sheets_hold_eight_cards_each_with_its_own_bleed(built_cards):
    """As designed, cards stand 6 mm apart (twice the bleed), so each keeps its
    own 3 mm of colour past its trim: on A4 that is landscape, 4 × 2."""
    assert page_size_mm(built_cards) == (297.0, 210.0)
    assert page_count(built_cards) == 2  # 13 cards and the deck's 3, 8 a sheet
    layout = grid_for("a4")
    assert (layout.columns, layout.rows) == (4, 2)
    assert layout.gutter_x_mm == layout.gutter_y_mm == 2 * THEME.bleed_mm


def test_gutter_0_butts_the_cards_nine_to_an_a4_sheet(tmp_path):
    pdf = build(DEFAULT_DECK, tmp_path, "--gutter", "0")
    assert page_size_mm(pdf) == (210.0, 297.0)
    assert page_count(pdf) == 2  # 9 a sheet
    layout = grid_for("a4", 0)
    assert (layout.columns, layout.rows, layout.gutter_x_mm, layout.gutter_y_mm) == (3, 3, 0, 0)
    # butted cards share their cut: a band stops at its trim, never on its neighbour
    image = render(pdf, 0, DPI)
    above, below = layout.slot(1), layout.slot(4)  # two technique cards, one above the other
    assert below.top_mm == above.y_mm
    assert close(pixel_mm(image, 297.0, below.x_mm + 30, below.top_mm - 1, DPI), hex_rgb("#2A6CB8"))
    assert close(pixel_mm(image, 297.0, below.x_mm + 30, below.top_mm + 0.6, DPI), (255, 255, 255))


def test_a_gutter_asked_for_is_kept_where_there_is_room(tmp_path):
    pdf = build(DEFAULT_DECK, tmp_path, "--gutter", "4")
    layout = grid_for("a4", 4)
    assert page_size_mm(pdf) == (297.0, 210.0) and layout.gutter_x_mm == 4
    assert page_count(pdf) == 2


def test_letter_sheets_are_landscape_with_six_cards(tmp_path):
    pdf = build(DEFAULT_DECK, tmp_path, "--paper", "letter")
    assert page_size_mm(pdf) == (279.4, 215.9)
    assert page_count(pdf) == 3  # 16 cards, 3 × 2 a sheet with their own bleed
    butted = build(DEFAULT_DECK, tmp_path / "butted", "--paper", "letter", "--gutter", "0")
    assert page_size_mm(butted) == (279.4, 215.9)
    assert page_count(butted) == 2  # 4 × 2, closer than the bleed


def test_every_title_is_printed(built_cards):
    deck, _ = load_deck(DEFAULT_DECK)
    text = " ".join(all_text(built_cards).split())  # a long title wraps beside its diagram
    for t in deck.techniques:
        assert t.title in text
    assert "Foot Massage · 13 / 13" in text


def test_each_card_carries_its_section_colour_with_bleed(built_cards):
    deck, _ = load_deck(DEFAULT_DECK)
    layout = grid_for("a4")
    height = SHEET_HEIGHT_MM
    images = [render(built_cards, sheet, DPI) for sheet in range(2)]
    colours = {t.number: s.colour for s in deck.sections for t in s.techniques}
    for index, t in enumerate(deck.techniques):
        sheet, slot = technique_card(index)
        image, box = images[sheet], layout.slot(slot)
        want = hex_rgb(colours[t.number])
        # inside the band, right of the number disc
        assert close(pixel_mm(image, height, box.right_mm - 3, box.top_mm - 2), want)
        # 2 mm above the trim: the band bleeds (6 mm gutters between rows)
        assert close(pixel_mm(image, height, box.x_mm + 30, box.top_mm + 2), want)
        # below the band the card is white
        assert close(pixel_mm(image, height, box.right_mm - 2, box.top_mm - 20), (255, 255, 255))
        if slot % layout.columns == 0:  # the outermost cards bleed sideways too
            assert close(pixel_mm(image, height, box.x_mm - 2, box.top_mm - 2), want)
    # the title card, first on the first sheet, bleeds its stripes (the first
    # section's colour at its left)
    title = layout.slot(TITLE_CARD_SLOT)
    first = hex_rgb(deck.sections[0].colour)
    assert close(pixel_mm(images[0], height, title.x_mm - 2, title.top_mm - 2), first)


def test_no_ink_between_the_safe_area_and_the_trim(built_cards):
    """Nothing but the band reaches the 4 mm safe margin: no text over the edge."""
    layout = grid_for("a4")
    images = [render(built_cards, sheet, DPI) for sheet in range(2)]
    for index in range(13):
        sheet, slot = technique_card(index)
        assert_card_margins_clean(images[sheet], layout.slot(slot), SHEET_HEIGHT_MM)


def assert_card_margins_clean(image, box, height_mm: float) -> None:
    band_bottom = box.top_mm - THEME.band_height_mm
    step = 0.5
    inset = THEME.safe_mm - 0.6
    y = box.y_mm + 0.6
    while y < band_bottom - 0.6:
        for x in (box.x_mm + 0.6, box.x_mm + inset, box.right_mm - inset, box.right_mm - 0.6):
            assert close(pixel_mm(image, height_mm, x, y), (255, 255, 255), 30), (box, x, y)
        y += step
    x = box.x_mm + 0.6
    while x < box.right_mm - 0.6:
        for y in (box.y_mm + 0.6, box.y_mm + inset - 1.2):
            assert close(pixel_mm(image, height_mm, x, y), (255, 255, 255), 30), (box, x, y)
        x += step


def test_all_fonts_are_embedded_and_none_is_base14(built_cards):
    found = fonts(built_cards)
    assert found and all(found.values()), found
    assert all("SourceSansPro" in name for name in found)


def test_crop_marks_are_drawn_in_the_margin(built_cards):
    layout = grid_for("a4")
    image = render(built_cards, 0, 300)
    sheet = SheetTheme()
    # the vertical mark on the first column's left trim line, below the block
    x = layout.slot(0).x_mm
    y = layout.bottom_mm - sheet.mark_offset_mm - sheet.mark_length_mm / 2
    darkest = min(
        sum(pixel_mm(image, SHEET_HEIGHT_MM, x + dx / 100, y, 300)) for dx in range(-15, 16, 3)
    )
    assert darkest < 300  # a hairline at 300 dpi
    # and nothing where no mark belongs: the middle of the bottom margin's first segment
    assert close(pixel_mm(image, SHEET_HEIGHT_MM, x + 40, y + 0.5, 300), (255, 255, 255))


def test_first_sheet_has_a_scale_bar_and_print_note(built_cards):
    runs = [r.text for r in text_runs(built_cards, 0)]
    assert "50 mm" in runs
    assert "Print at 100 % — do not fit to page" in runs
    assert "Foot Massage · sheet 1 of 2" in runs
    assert "50 mm" not in [r.text for r in text_runs(built_cards, 1)]


def test_pdf_asks_readers_not_to_scale_and_has_metadata(built_cards):
    reader = pypdf.PdfReader(built_cards)
    root = reader.trailer["/Root"]
    assert root["/ViewerPreferences"]["/PrintScaling"] == "/None"
    assert root["/Lang"] == "en"
    meta = reader.metadata
    assert meta["/Title"] == "Foot Massage — cards"
    assert meta["/Author"] == "The cards project"
    assert meta["/Subject"] == "Thirteen techniques for tired feet"
    assert meta["/Creator"].startswith("cards ")


def test_guides_draw_trim_boxes(tmp_path):
    box = grid_for("a4").slot(0)

    def safe_line_samples(image):
        """Pixels along the safe-area line of the sheet's first card."""
        return [
            pixel_mm(
                image,
                SHEET_HEIGHT_MM,
                box.x_mm + THEME.safe_mm + dx / 100,
                box.y_mm + 30 + dy / 10,
                300,
            )
            for dx in range(-10, 11, 2)
            for dy in range(0, 40, 2)
        ]

    guided = render(build(DEFAULT_DECK, tmp_path, "--guides"), 1, 300)
    assert any(close(s, hex_rgb("#20A040"), 40) for s in safe_line_samples(guided))
    plain = render(build(DEFAULT_DECK, tmp_path / "plain"), 1, 300)
    assert not any(close(s, hex_rgb("#20A040"), 40) for s in safe_line_samples(plain))


@pytest.mark.parametrize(
    "language, title, body",
    [
        (
            "de",
            "Fußsohle drücken",
            "1. Die Ferse mit beiden Daumen kräftig, aber schmerzfrei drücken.\n2. Langsam loslassen und die Übung mit dem anderen Fuß wiederholen.",
        ),
        (
            "pl",
            "Żółć i źdźbło",
            "1. Połóż dłonie na stopie i delikatnie ją masuj.\n2. Powtórz ćwiczenie na drugiej stopie.",
        ),
        (
            "el",
            "Μασάζ πέλματος",
            "1. Πιέστε απαλά τη φτέρνα με τους αντίχειρες.\n2. *Επαναλάβετε* στο άλλο πόδι.",
        ),
        (
            "ru",
            "Массаж стопы",
            "1. Мягко надавите большими пальцами на пятку.\n2. *Повторите* на другой стопе.",
        ),
    ],
)
def test_other_languages_and_scripts(deck_dir, tmp_path, language, title, body):
    files = small_deck(**{"_index.md": f"---\ntitle: Deck\nlanguage: {language}\n---\n"})
    files["01-one/01-alpha.md"] = technique(title, body, pressure="firm")
    pdf = build(deck_dir(files), tmp_path / "out")
    text = all_text(pdf)
    assert title in text
    words = [w.strip("*.") for w in body.split() if w[0].isalpha() or w.startswith("*")]
    for word in words[:3] + words[-2:]:
        assert word.replace("-", "") in text.replace("-\n", "").replace("\n", " "), word
    reader = pypdf.PdfReader(pdf)
    assert reader.trailer["/Root"]["/Lang"] == language


def test_markup_in_content_is_printed_as_written(deck_dir, tmp_path):
    files = small_deck()
    files["01-one/01-alpha.md"] = technique(
        "'<b>Bold</b> {{ x }}'", "1. Press <i>here</i> & {% raw %} {{ deck.title }}"
    )
    text = all_text(build(deck_dir(files), tmp_path / "out"))
    assert "<b>Bold</b> {{ x }}" in text
    assert "Press <i>here</i> & {% raw %} {{ deck.title }}" in " ".join(text.split())


def test_an_overlong_word_is_broken_inside_the_card(deck_dir, tmp_path):
    word = "Donaudampfschifffahrtsgesellschaftskapitänsmützenabzeichen" * 2
    files = small_deck(**{"01-one/01-alpha.md": technique(word, f"1. {word} and more.")})
    pdf = build(deck_dir(files), tmp_path / "out")
    image = render(pdf, 0, DPI)
    layout = grid_for("a4")
    for index in range(3):
        assert_card_margins_clean(image, layout.slot(technique_card(index)[1]), SHEET_HEIGHT_MM)


def test_a_long_technique_is_set_smaller_and_still_fits(deck_dir, tmp_path):
    steps = "\n".join(
        f"{i}. Press the heel gently with both thumbs and slide." for i in range(1, 9)
    )
    files = small_deck(**{"01-one/01-alpha.md": technique("Long", steps)})
    folder = deck_dir(files)
    result = CliRunner().invoke(
        main, ["build", str(folder), "-f", "cards", "-o", str(tmp_path / "o")]
    )
    assert result.exit_code == 0, result.output
    assert "fits only when set smaller" in result.output
    image = render(tmp_path / "o" / "test-deck-cards.pdf", 0, DPI)
    assert_card_margins_clean(image, grid_for("a4").slot(technique_card(0)[1]), SHEET_HEIGHT_MM)
    assert "8 Press the heel" in all_text(tmp_path / "o" / "test-deck-cards.pdf")


def test_same_deck_same_bytes(tmp_path):
    a = build(DEFAULT_DECK, tmp_path / "a").read_bytes()
    b = build(DEFAULT_DECK, tmp_path / "b").read_bytes()
    assert a == b


def test_long_hold_text_wraps_beside_its_icon(deck_dir, tmp_path):
    hold = "About forty minutes a week in all, in warm water, with a towel ready afterwards"
    folder = deck_dir(small_deck(**{"01-one/01-alpha.md": technique("Alpha", hold=hold)}))
    pdf = build(folder, tmp_path / "out")
    text = " ".join(all_text(pdf).split())
    assert hold in text
    image = render(pdf, 0, DPI)
    assert_card_margins_clean(image, grid_for("a4").slot(technique_card(0)[1]), SHEET_HEIGHT_MM)


def test_a_decks_own_label_reaches_the_sheet_footer(deck_dir, tmp_path):
    files = small_deck(
        **{
            "_index.md": "---\ntitle: Test Deck\nlabels:\n  print_at_full_size: Print me at "
            "actual size\n  sheet: page {number}/{total}\n---\nAn intro.\n"
        }
    )
    pdf = build(deck_dir(files), tmp_path)
    text = all_text(pdf)
    assert "Print me at actual size" in text and "Print at 100 %" not in text
    assert "Test Deck · page 1/1" in text
