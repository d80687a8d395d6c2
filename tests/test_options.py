"""Cards for every printer: sizes, backs, fold-over, print shop, CMYK, subsets, large print."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner
from conftest import DEFAULT_DECK, small_deck, technique_card
from pdfcheck import (
    PT_PER_MM,
    all_text,
    close,
    page_count,
    page_size_mm,
    pixel_mm,
    render,
    text_runs,
)

from cards.cli import main
from cards.content import load_deck
from cards.geometry import best_grid, mirror_point, mirror_slot
from cards.layout.theme import CARD_SIZES_MM, PAPERS_MM, CardTheme, SheetTheme

MARGIN = SheetTheme().card_margin_mm


def build(deck: Path, out: Path, *options: str) -> Path:
    result = CliRunner().invoke(
        main, ["build", str(deck), "-f", "cards", "-o", str(out), *options], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return out / f"{deck.name}-cards.pdf"


def grid(size: str, paper: str, own_bleed: bool = True):
    """The sheet's grid as a build lays it: as designed each card keeps its own
    bleed (6 mm apart), else (``--gutter 0``) the cards stand as close as need be."""
    return best_grid(
        PAPERS_MM[paper], CARD_SIZES_MM[size], MARGIN, 6.0 if own_bleed else 0.0, own_bleed
    )


@pytest.mark.parametrize(
    "size, paper, per_sheet, landscape, butted, butted_landscape",
    [
        ("pocket", "a4", 8, True, 9, False),
        ("pocket", "letter", 6, True, 8, True),
        ("a7", "a4", 4, False, 4, False),
        ("a7", "letter", 4, False, 4, False),
        ("a6", "a4", 2, True, 2, True),
        ("a6", "letter", 2, True, 2, True),
        ("index", "a4", 4, False, 4, False),
        ("business", "a4", 9, True, 10, False),
        ("business", "letter", 8, False, 9, True),
    ],
)
def test_cards_per_sheet_for_each_size_and_paper(
    size, paper, per_sheet, landscape, butted, butted_landscape
):
    layout = grid(size, paper)
    assert (layout.per_sheet, layout.landscape) == (per_sheet, landscape)
    closer = grid(size, paper, own_bleed=False)
    assert (closer.per_sheet, closer.landscape) == (butted, butted_landscape)


@pytest.mark.parametrize("size, sheets", [("a7", 4), ("a6", 7), ("70x100", 4)])
def test_card_size_end_to_end(tmp_path, size, sheets):
    pdf = build(DEFAULT_DECK, tmp_path, "--card-size", size, "--no-extras")
    assert page_count(pdf) == sheets
    assert "Oil Massage" in all_text(pdf)


def test_type_follows_the_card_size():
    pocket, a6 = CardTheme(), CardTheme().scaled(*CARD_SIZES_MM["a6"])
    assert a6.body_pt > pocket.body_pt and a6.title_pt > pocket.title_pt
    assert CardTheme().scaled(*CARD_SIZES_MM["business"]).body_pt == pocket.body_pt


# -- backs ---------------------------------------------------------------------------


def slot_of(layout, x_mm: float, y_mm: float) -> int:
    for index, box in enumerate(layout.slots()):
        if box.x_mm <= x_mm <= box.right_mm and box.y_mm <= y_mm <= box.top_mm:
            return index
    raise AssertionError(f"({x_mm:.1f}, {y_mm:.1f}) is on no card")


def card_numbers(pdf: Path, page: int, pattern: str) -> dict[int, tuple[float, float]]:
    found = {}
    for run in text_runs(pdf, page):
        match = re.fullmatch(pattern, run.text)
        if match:
            found[int(match.group(1))] = (run.x_mm + 2, run.y_mm + 1)
    return found


@pytest.mark.parametrize(
    "size, paper", [("pocket", "a4"), ("pocket", "letter"), ("a6", "letter"), ("a7", "a4")]
)
@pytest.mark.parametrize("duplex", ["long", "short"])
def test_each_back_lands_behind_its_front(tmp_path, size, paper, duplex):
    pdf = build(
        DEFAULT_DECK,
        tmp_path,
        "--backs",
        "--paper",
        paper,
        "--duplex",
        duplex,
        "--card-size",
        size,
        "--no-extras",
    )
    layout = grid(size, paper)
    sheet_mm = (layout.sheet_width_mm, layout.sheet_height_mm)
    sheets = -(-13 // layout.per_sheet)
    assert page_count(pdf) == 2 * sheets  # fronts, backs, fronts, backs …
    for front_page in range(0, 2 * sheets, 2):  # the last sheet is partial
        fronts = card_numbers(pdf, front_page, r"Foot Massage · (\d+) / 13")
        backs = card_numbers(pdf, front_page + 1, r"Foot Massage · (\d+) / 13")
        assert sorted(fronts) == sorted(backs) and fronts
        for number, (x, y) in fronts.items():
            front_slot = slot_of(layout, x, y)
            back_slot = slot_of(layout, *backs[number])
            assert back_slot == mirror_slot(layout, front_slot, duplex)
            # the physical check: the front card's centre, seen through the paper
            box = layout.slot(front_slot)
            centre = (box.x_mm + box.width_mm / 2, box.y_mm + box.height_mm / 2)
            assert slot_of(layout, *mirror_point(sheet_mm, *centre, duplex)) == back_slot
    preference = pypdf.PdfReader(pdf).trailer["/Root"]["/ViewerPreferences"]["/Duplex"]
    assert preference == ("/DuplexFlipLongEdge" if duplex == "long" else "/DuplexFlipShortEdge")


def test_mirror_slot_by_hand():
    a4 = grid("pocket", "a4", own_bleed=False)  # 3 x 3 portrait
    assert [mirror_slot(a4, i, "long") for i in (0, 1, 2, 3)] == [2, 1, 0, 5]
    assert [mirror_slot(a4, i, "short") for i in (0, 1, 2, 3)] == [6, 7, 8, 3]
    letter = grid("pocket", "a4")  # 4 x 2 landscape: long edge is horizontal
    assert [mirror_slot(letter, i, "long") for i in (0, 3, 4)] == [4, 7, 0]
    assert [mirror_slot(letter, i, "short") for i in (0, 3, 4)] == [3, 0, 7]


def test_back_carries_colour_title_section_and_number(tmp_path):
    pdf = build(DEFAULT_DECK, tmp_path, "--backs")
    text = pypdf.PdfReader(pdf).pages[1].extract_text()
    assert "Foot Massage" in text and "Relaxing Techniques" in text and "1 / 13" in text
    layout = grid("pocket", "a4")
    image = render(pdf, 1, 72)
    _, first = technique_card(0)  # behind the first technique's front
    box = layout.slot(mirror_slot(layout, first, "long"))
    assert close(
        pixel_mm(image, layout.sheet_height_mm, box.x_mm + 5, box.y_mm + 5, 72), (0x2A, 0x6C, 0xB8)
    )


def test_back_offset_moves_every_back(tmp_path):
    plain = card_numbers(build(DEFAULT_DECK, tmp_path / "a", "--backs"), 1, r"(\d+) / 13")
    moved = card_numbers(
        build(DEFAULT_DECK, tmp_path / "b", "--backs", "--back-offset", "1.5x-2"), 1, r"(\d+) / 13"
    )
    for number, (x, y) in plain.items():
        assert moved[number][0] - x == pytest.approx(1.5, abs=0.01)
        assert moved[number][1] - y == pytest.approx(-2, abs=0.01)


def test_calibration_sheet(run):
    result = run("calibrate", "--duplex", "short")
    assert result.exit_code == 0
    pdf = Path("out/duplex-calibration.pdf")
    assert page_count(pdf) == 2
    assert "--back-offset XxY" in pypdf.PdfReader(pdf).pages[0].extract_text()


# -- fold-over --------------------------------------------------------------------------


def test_fold_pairs_front_and_back_side_by_side(tmp_path):
    pdf = build(DEFAULT_DECK, tmp_path, "--fold", "--no-extras")
    pair_grid = best_grid(PAPERS_MM["a4"], (126, 88), MARGIN, 6.0)
    assert (pair_grid.per_sheet, pair_grid.landscape) == (4, True)
    assert page_count(pdf) == 4 and page_size_mm(pdf) == (297.0, 210.0)
    runs = card_numbers(pdf, 0, r"Foot Massage · (\d+) / 13")
    found: dict[int, list[tuple[float, float]]] = {}
    for run in text_runs(pdf, 0):
        match = re.fullmatch(r"Foot Massage · (\d+) / 13", run.text)
        if match:
            found.setdefault(int(match.group(1)), []).append((run.x_mm + 2, run.y_mm + 1))
    fronts = {n: min(places) for n, places in found.items()}  # the front is the left one
    backs = {n: max(places) for n, places in found.items()}
    assert sorted(fronts) == sorted(runs) and all(len(p) == 2 for p in found.values())
    for number, (x, y) in fronts.items():
        pair = slot_of(pair_grid, x, y)
        box = pair_grid.slot(pair)
        fold_x = box.x_mm + 63
        assert x < fold_x < backs[number][0] < box.right_mm  # front left, back right
    # the fold is marked with a dashed line in the margin, above the first pair's fold
    image = render(pdf, 0, 300)
    box = pair_grid.slot(0)
    y = box.top_mm + 3 + 1.25
    samples = [
        pixel_mm(image, 210, box.x_mm + 63 + dx / 100, y + dy / 10, 300)
        for dx in range(-10, 11, 2)
        for dy in range(-10, 11, 2)
    ]
    assert any(sum(s) < 500 for s in samples)


# -- print shop and CMYK -------------------------------------------------------------------


def test_print_shop_one_card_per_page_with_bleed_and_boxes(tmp_path):
    pdf = build(DEFAULT_DECK, tmp_path, "--print-shop", "--backs", "--no-extras")
    reader = pypdf.PdfReader(pdf)
    assert len(reader.pages) == 26
    mm = lambda box: [round(float(v) / PT_PER_MM, 2) for v in box]
    for page in (reader.pages[0], reader.pages[1]):
        assert mm(page.mediabox) == [0, 0, 69.0, 94.0]
        assert mm(page.trimbox) == [3.0, 3.0, 66.0, 91.0]
        assert mm(page.bleedbox) == [0, 0, 69.0, 94.0]
    assert "Sole Twists" in reader.pages[0].extract_text()
    assert "1 / 13" in reader.pages[1].extract_text()  # its back follows
    # no crop marks: the corners of the bleed are the band colour or white, never a hairline
    image = render(pdf, 0, 150)
    assert close(pixel_mm(image, 94, 1, 93, 150), (0x2A, 0x6C, 0xB8))
    assert close(pixel_mm(image, 94, 1, 1, 150), (255, 255, 255))
    assert page_count(build(DEFAULT_DECK, tmp_path / "fronts", "--print-shop", "--no-extras")) == 13
    # the deck's own cards come after, each with the deck's back: fronts and backs still pair
    assert page_count(build(DEFAULT_DECK, tmp_path / "all", "--print-shop", "--backs")) == 26 + 6


def content_operators(pdf: Path) -> str:
    reader = pypdf.PdfReader(pdf)
    streams = []
    for page in reader.pages:
        streams.append(page.get_contents().get_data().decode("latin-1"))
        for xobject in page["/Resources"].get("/XObject", {}).values():
            streams.append(xobject.get_object().get_data().decode("latin-1"))
    return "\n".join(streams)


def test_cmyk_leaves_no_rgb_operator(tmp_path):
    ops = content_operators(build(DEFAULT_DECK, tmp_path, "--cmyk", "--backs"))
    assert not re.search(r"\b(rg|RG)\b", ops)
    assert re.search(r"\bk\b", ops) and re.search(r"\bK\b", ops)
    assert "0 0 0 1 k" in ops  # text in 100 % black
    rgb = content_operators(build(DEFAULT_DECK, tmp_path / "rgb"))
    assert re.search(r"\brg\b", rgb)


# -- subsets and copies -----------------------------------------------------------------------


def test_section_subset(tmp_path):
    pdf = build(DEFAULT_DECK, tmp_path, "--section", "02-massage-the-soles")
    text = all_text(pdf)
    assert page_count(pdf) == 1
    assert "Knead the Heels" in text and "Pressure Points" in text and "Sole Twists" not in text
    assert "Foot Massage · 5 / 13" in text  # numbers stay those of the whole deck


def test_only_subset_and_copies(tmp_path):
    pdf = build(
        DEFAULT_DECK,
        tmp_path,
        "--only",
        "01-sole-twists",
        "--only",
        "02-oil-massage",
        "--copies",
        "5",
    )
    text = all_text(pdf)
    assert page_count(pdf) == 2  # 10 cards
    assert text.count("Sole Twists") == 5 and text.count("Oil Massage") == 5
    assert "Toe Arches" not in text


def test_unknown_section_is_an_error(run):
    result = run("build", DEFAULT_DECK, "-f", "cards", "--section", "feet")
    assert result.exit_code == 1
    assert "error: no section 'feet' (sections: 01-relaxing-techniques, " in result.output


# -- large print and greyscale ---------------------------------------------------------------------


def test_large_print_sets_body_at_12_pt_or_more(tmp_path):
    pdf = build(DEFAULT_DECK, tmp_path, "--large-print")
    sizes = []

    def visit(text, cm, tm, font, size):
        if "Rest your hands" in text or "Take a firm hold" in text:
            sizes.append(size * tm[3] * cm[3])

    pypdf.PdfReader(pdf).pages[0].extract_text(visitor_text=visit)
    assert sizes and min(sizes) >= 12 - 0.01
    assert (
        "105 × 148 mm"
        in CliRunner()
        .invoke(
            main,
            ["build", str(DEFAULT_DECK), "-f", "cards", "-o", str(tmp_path / "x"), "--large-print"],
        )
        .output
    )


def test_large_print_names_what_does_not_fit(run, deck_dir):
    long_body = "\n".join(
        f"{i}. Press the heel gently with both thumbs and slide them up." for i in range(1, 16)
    )
    folder = deck_dir(
        small_deck(**{"01-one/01-alpha.md": f"---\ntitle: Alpha\n---\n{long_body}\n"})
    )
    result = run("build", folder, "-f", "cards", "--large-print")
    assert result.exit_code == 1
    assert "01-alpha.md:1: error: 'Alpha' does not fit its card (105 × 148 mm)" in result.output


def test_sections_differ_in_greyscale(built_cards):
    deck, _ = load_deck(DEFAULT_DECK)
    layout = grid("pocket", "a4")
    images = [render(built_cards, sheet, 72).convert("L") for sheet in range(2)]
    greys = {}
    for index, technique in enumerate(deck.techniques):
        sheet, slot = technique_card(index)
        box = layout.slot(slot)
        section = next(s for s in deck.sections if technique in s.techniques)
        greys[section.number] = images[sheet].getpixel(
            (
                round((box.right_mm - 3) / 25.4 * 72),
                round((layout.sheet_height_mm - box.top_mm + 2) / 25.4 * 72),
            )
        )
    values = sorted(greys.values())
    assert len(values) == 4
    assert min(b - a for a, b in itertools.pairwise(values)) >= 10, greys


# -- wrong values and combinations ------------------------------------------------------------------


@pytest.mark.parametrize(
    "options, message",
    [
        (["--card-size", "10x10"], "card sides must be between 20 and 400 mm"),
        (["--card-size", "huge"], "expected WIDTHxHEIGHT in millimetres"),
        (["--copies", "0"], "0 is not in the range 1<=x<=100"),
        (["--backs", "--back-offset", "left"], "expected XxY in millimetres"),
        (["--back-offset", "1x1"], "--back-offset moves the backs: add --backs"),
        (["--fold", "--print-shop"], "--fold is for printing at home"),
        (["--duplex", "sideways"], "'sideways' is not one of 'long', 'short'"),
    ],
)
def test_wrong_values_are_one_line(run, options, message):
    result = run("build", DEFAULT_DECK, *options)
    assert result.exit_code == 2
    assert len(result.output.splitlines()) == 1
    assert result.output.startswith("cards: error: ") and message in result.output


def test_a_card_too_large_for_the_paper(run):
    result = run("build", DEFAULT_DECK, "-f", "cards", "--card-size", "300x300")
    assert result.exit_code == 1
    assert "a 300 × 300 mm card does not fit on a4 paper" in result.output
