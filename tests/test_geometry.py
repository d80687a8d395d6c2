"""Imposition as arithmetic: no PDF involved."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cards.geometry import (
    best_grid,
    crop_marks,
    grid,
    padded_page_count,
    saddle_order,
    sheets_needed,
    slot_bleed,
)
from cards.layout.theme import PAPERS_MM, CardTheme, SheetTheme

SHEET = SheetTheme()
CARD = CardTheme()
POCKET = (CARD.width_mm, CARD.height_mm)


def pocket_grid(paper: str):
    return best_grid(PAPERS_MM[paper], POCKET, SHEET.card_margin_mm, 2 * CARD.bleed_mm)


def test_nine_pocket_cards_on_a4_portrait():
    layout = pocket_grid("a4")
    assert (layout.columns, layout.rows, layout.landscape) == (3, 3, False)
    # butted across (189 mm of cards in 189 mm of room), 6 mm gutters down
    assert layout.gutter_x_mm == 0
    assert layout.gutter_y_mm == pytest.approx(6.0)
    assert layout.slot(0).x_mm == pytest.approx(10.5)
    assert layout.slot(0).top_mm == pytest.approx(297 - 10.5)
    assert layout.slot(8).right_mm == pytest.approx(199.5)
    assert layout.slot(8).y_mm == pytest.approx(10.5)


def test_eight_pocket_cards_on_letter_landscape():
    layout = pocket_grid("letter")
    assert (layout.columns, layout.rows, layout.landscape) == (4, 2, True)
    assert layout.sheet_width_mm == pytest.approx(279.4)
    assert layout.left_mm == pytest.approx((279.4 - layout.block_width_mm) / 2)
    assert layout.slot(4).x_mm == pytest.approx(layout.slot(0).x_mm)
    assert layout.slot(0).y_mm - layout.slot(4).top_mm == pytest.approx(6.0)


def test_slots_run_row_by_row_from_the_top_left():
    layout = pocket_grid("a4")
    assert layout.slot(1).x_mm > layout.slot(0).x_mm
    assert layout.slot(3).x_mm == layout.slot(0).x_mm
    assert layout.slot(3).top_mm < layout.slot(0).y_mm


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_crop_marks_sit_in_the_printable_margin_and_off_every_card(paper):
    layout = pocket_grid(paper)
    marks = crop_marks(layout, SHEET.mark_offset_mm, SHEET.mark_length_mm)
    edge = SHEET.printer_margin_mm - 1e-6
    for line in marks:
        for x, y in ((line.x1_mm, line.y1_mm), (line.x2_mm, line.y2_mm)):
            assert edge <= x <= layout.sheet_width_mm - edge
            assert edge <= y <= layout.sheet_height_mm - edge
        for box in layout.slots():
            inside_x = box.x_mm < (line.x1_mm + line.x2_mm) / 2 < box.right_mm
            inside_y = box.y_mm < (line.y1_mm + line.y2_mm) / 2 < box.top_mm
            assert not (inside_x and inside_y)
    # one mark at each end of every trim line: 4 x-lines and 6 y-lines on A4
    xs = {round(m.x1_mm, 3) for m in marks if m.x1_mm == m.x2_mm}
    ys = {round(m.y1_mm, 3) for m in marks if m.y1_mm == m.y2_mm}
    assert len(xs) == layout.columns + 1 + (layout.columns - 1) * (layout.gutter_x_mm > 0)
    assert len(ys) == 2 * layout.rows - (layout.gutter_y_mm == 0) * (layout.rows - 1)
    assert len(marks) == 2 * (len(xs) + len(ys))


def test_bleed_is_full_outside_and_half_the_gutter_inside():
    layout = pocket_grid("a4")
    centre = slot_bleed(layout, 4, 9, 3.0)
    assert (centre.left_mm, centre.right_mm) == (0, 0)  # butted neighbours
    assert centre.top_mm == pytest.approx(3.0)  # half of the 6 mm gutter
    corner = slot_bleed(layout, 0, 9, 3.0)
    assert (corner.left_mm, corner.top_mm) == (3.0, 3.0)
    # a partial sheet: the empty slot beside the last card lets it bleed fully
    assert slot_bleed(layout, 3, 4, 3.0).right_mm == 3.0


def test_sheets_needed():
    assert sheets_needed(13, 9) == 2
    assert sheets_needed(9, 9) == 1
    assert sheets_needed(0, 9) == 1


def test_a_card_larger_than_the_sheet_gets_no_slots():
    assert grid((210, 297), (300, 400), 10.5, 6).per_sheet == 0


@given(
    sheet_w=st.floats(100, 600),
    sheet_h=st.floats(100, 600),
    card_w=st.floats(20, 200),
    card_h=st.floats(20, 200),
    margin=st.floats(0, 20),
    gutter=st.floats(0, 10),
)
def test_cards_never_overlap_or_leave_the_margin(sheet_w, sheet_h, card_w, card_h, margin, gutter):
    layout = grid((sheet_w, sheet_h), (card_w, card_h), margin, gutter)
    boxes = layout.slots()
    for i, box in enumerate(boxes):
        assert box.x_mm >= margin - 1e-6 and box.right_mm <= sheet_w - margin + 1e-6
        assert box.y_mm >= margin - 1e-6 and box.top_mm <= sheet_h - margin + 1e-6
        for other in boxes[i + 1 :]:
            assert not box.overlaps(other)


@pytest.mark.parametrize(
    "pages, expected",
    [
        (4, [(4, 1), (2, 3)]),
        (8, [(8, 1), (2, 7), (6, 3), (4, 5)]),
    ],
)
def test_saddle_order_small(pages, expected):
    assert saddle_order(pages) == expected


@pytest.mark.parametrize("pages", [4, 8, 12, 16, 20, 24])
def test_saddle_order_sheets_fold_into_reading_order(pages):
    sides = saddle_order(pages)
    assert len(sides) == pages // 2
    assert sorted(p for side in sides for p in side) == list(range(1, pages + 1))
    for k, (left, right) in enumerate(sides):
        assert left + right == pages + 1  # facing pages of one sheet side
        front = k % 2 == 0
        # fronts carry odd pages on the right; backs carry even pages on the left
        assert (right % 2 == 1) if front else (left % 2 == 0)
    assert sides[0] == (pages, 1) and sides[1] == (2, pages - 1)


def test_saddle_order_20_and_24_begin_as_the_issue_says():
    assert saddle_order(20)[:4] == [(20, 1), (2, 19), (18, 3), (4, 17)]
    assert saddle_order(24)[-1] == (12, 13)


@pytest.mark.parametrize("pages", [0, 3, 6, 10])
def test_saddle_order_refuses_other_counts(pages):
    with pytest.raises(ValueError):
        saddle_order(pages)


def test_padded_page_count():
    assert [padded_page_count(n) for n in (1, 4, 5, 8, 9, 22)] == [4, 4, 8, 8, 12, 24]


# -- cards that keep their own bleed (the default): the whole gutter or none ----------


def own_bleed_grid(paper: str, card=POCKET):
    return best_grid(PAPERS_MM[paper], card, SHEET.card_margin_mm, 2 * CARD.bleed_mm, True)


def test_with_their_own_bleed_eight_pocket_cards_on_a4_landscape():
    layout = own_bleed_grid("a4")
    assert (layout.columns, layout.rows, layout.landscape) == (4, 2, True)
    assert layout.gutter_x_mm == layout.gutter_y_mm == pytest.approx(6.0)
    # centred, and every trim at least the margin from the sheet's edges
    assert layout.slot(0).x_mm == pytest.approx((297 - 4 * 63 - 3 * 6) / 2)
    assert layout.slot(0).x_mm >= SHEET.card_margin_mm
    assert layout.slot(7).y_mm >= SHEET.card_margin_mm


def test_with_their_own_bleed_six_pocket_cards_on_letter():
    layout = own_bleed_grid("letter")
    assert (layout.columns, layout.rows) == (3, 2)
    assert layout.gutter_x_mm == layout.gutter_y_mm == pytest.approx(6.0)


def test_a_gutter_that_would_cost_a_quarter_of_the_sheet_is_not_kept():
    # 94.5 x 92 mm: with their own bleed 1 x 2 fit A4, closer 2 x 3
    card = (94.5, 92.0)
    layout = own_bleed_grid("a4", card)
    assert layout.per_sheet == best_grid(PAPERS_MM["a4"], card, SHEET.card_margin_mm, 6).per_sheet
    assert layout.per_sheet == 6


@given(st.floats(40, 140), st.floats(40, 140), st.sampled_from(["a4", "letter"]), st.floats(1, 12))
def test_cards_keep_the_whole_gutter_unless_it_costs_a_quarter_of_the_sheet(
    width, height, paper, gutter_mm
):
    own = best_grid(PAPERS_MM[paper], (width, height), SHEET.card_margin_mm, gutter_mm, True)
    closest = best_grid(PAPERS_MM[paper], (width, height), SHEET.card_margin_mm, gutter_mm)
    whole = all(
        count < 2 or gap == pytest.approx(gutter_mm)
        for count, gap in ((own.columns, own.gutter_x_mm), (own.rows, own.gutter_y_mm))
    )
    assert whole or own == closest
    assert own.per_sheet >= 0.75 * closest.per_sheet
    for slot in own.slots():  # inside the margins
        assert slot.x_mm >= SHEET.card_margin_mm - 1e-6
        assert slot.right_mm <= own.sheet_width_mm - SHEET.card_margin_mm + 1e-6
        assert slot.y_mm >= SHEET.card_margin_mm - 1e-6
