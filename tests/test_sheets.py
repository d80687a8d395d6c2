"""Spreadsheets in and out: `cards import` and `cards export`."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import DEFAULT_DECK, REPO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pdfcheck import all_text

from cards.cli import main
from cards.content import load_deck


@pytest.fixture
def epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


def cards(tmp_path: Path, deck: Path, out: str) -> bytes:
    result = CliRunner().invoke(
        main, ["build", str(deck), "-f", "cards", "-o", str(tmp_path / out)]
    )
    assert result.exit_code == 0, result.output
    return (tmp_path / out / f"{deck.name}-cards.pdf").read_bytes()


def test_xlsx_round_trip_gives_the_same_cards(run, tmp_path, epoch):
    assert run("export", DEFAULT_DECK, "feet.xlsx").output == "wrote feet.xlsx: 13 techniques\n"
    workbook = openpyxl.load_workbook(tmp_path / "feet.xlsx")
    assert workbook.sheetnames == ["techniques", "sections", "deck"]
    result = run("import", "feet.xlsx", "foot-massage")
    assert result.exit_code == 0, result.output
    assert cards(tmp_path, tmp_path / "foot-massage", "new") == cards(tmp_path, DEFAULT_DECK, "old")
    assert sorted(p.name for p in (tmp_path / "foot-massage").iterdir()) == [
        "01-relaxing-techniques",
        "02-massage-the-soles",
        "03-ankle-massage",
        "04-aftercare",
        "_index.md",
    ]
    assert (tmp_path / "foot-massage/01-relaxing-techniques/02-toe-arches.md").read_text() == (
        DEFAULT_DECK / "01-relaxing-techniques/02-toe-arches.md"
    ).read_text()


def test_csv_round_trip_keeps_every_technique(run, tmp_path, epoch):
    assert run("export", DEFAULT_DECK, "feet.csv").exit_code == 0
    result = run("import", "feet.csv", "again", "--title", "Foot Massage")
    assert result.exit_code == 0, result.output
    old, _ = load_deck(DEFAULT_DECK)
    new, _ = load_deck(tmp_path / "again")
    assert new.title == "Foot Massage"
    assert [s.title for s in new.sections] == [s.title for s in old.sections]
    assert [s.colour for s in new.sections] == [s.colour for s in old.sections]
    for a, b in zip(old.techniques, new.techniques, strict=True):
        assert (a.title, a.hold, a.repeat, a.pressure, a.body) == (
            b.title,
            b.hold,
            b.repeat,
            b.pressure,
            b.body,
        )
        assert (a.diagram.name, a.areas, a.arrows) == (b.diagram.name, b.areas, b.arrows)


OFFICE_CSV = (
    "\ufeff Section ;TITLE; Hold ;Pressure;Steps;Colour\r\n"
    'Warm-up;Neck Tilt;5 s;gentle;"Tilt your head to the right.\r\nHold, then come back.";'
    "#2A6CB8\r\n"
    'Warm-up;Shoulder Roll;;medium;"1. Lift the shoulders.\r\n2. Roll them back.";\r\n'
    "Stretch;Calf Stretch;30 s;Firm;Lean into the wall.;\r\n"
)


def test_a_csv_as_an_office_suite_saves_it_imports_and_builds(run, tmp_path):
    (tmp_path / "stretches.csv").write_bytes(OFFICE_CSV.encode("utf-8"))
    result = run("import", "stretches.csv", "stretches")
    assert result.exit_code == 0, result.output
    deck, _ = load_deck(tmp_path / "stretches")
    assert deck.title == "Stretches"
    assert [s.title for s in deck.sections] == ["Warm-up", "Stretch"]
    assert deck.sections[0].colour == "#2A6CB8"
    tilt = deck.techniques[0]
    assert tilt.title == "Neck Tilt" and tilt.hold == "5 s" and tilt.pressure == "gentle"
    assert tilt.body[0].kind == "steps"
    assert tilt.body[0].items == ("Tilt your head to the right.", "Hold, then come back.")
    assert deck.techniques[1].body[0].items == ("Lift the shoulders.", "Roll them back.")
    assert deck.techniques[2].pressure == "firm"
    assert sorted(
        p.relative_to(tmp_path / "stretches").as_posix()
        for p in (tmp_path / "stretches").rglob("*.md")
    ) == [
        "01-warm-up/01-neck-tilt.md",
        "01-warm-up/02-shoulder-roll.md",
        "01-warm-up/_index.md",
        "02-stretch/01-calf-stretch.md",
        "02-stretch/_index.md",
        "_index.md",
    ]
    build = run("build", "stretches", "-o", "out")
    assert build.exit_code == 0, build.output
    assert "Calf Stretch" in all_text(tmp_path / "out" / "stretches-cards.pdf")


def test_bad_rows_are_reported_by_row_and_nothing_is_left(run, tmp_path):
    (tmp_path / "stretches.csv").write_text(
        "section,title,pressure,weight,colour\n"
        "A,One,gentle,1,\n"
        "A,,medium,,\n"
        "A,Three,firm,first,\n"
        "B,Four,hard,,blue\n",
        encoding="utf-8",
    )
    result = run("import", "stretches.csv", "stretches")
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "stretches.csv:3: error: title is empty: every technique needs one",
        "stretches.csv:4: error: weight must be a whole number (got 'first')",
        "stretches.csv:5: error: pressure must be one of gentle, medium, firm (got 'hard')",
        "stretches.csv:5: error: colour must be #RRGGBB (got 'blue')",
        "4 errors; nothing was written",
    ]
    assert os.listdir(tmp_path) == ["stretches.csv"]


def test_an_existing_folder_is_refused_without_force(run, tmp_path):
    (tmp_path / "stretches.csv").write_text("section,title\nA,One\n", encoding="utf-8")
    (tmp_path / "stretches").mkdir()
    (tmp_path / "stretches" / "_index.md").write_text("---\ntitle: Old Deck\n---\n")
    (tmp_path / "stretches" / "mine.txt").write_text("keep me")
    result = run("import", "stretches.csv", "stretches")
    assert result.exit_code == 1
    assert result.output.startswith("stretches:1: error: already exists; choose a new folder")
    assert (tmp_path / "stretches" / "mine.txt").read_text() == "keep me"
    forced = run("import", "stretches.csv", "stretches", "--force")
    assert forced.exit_code == 0, forced.output
    assert not (tmp_path / "stretches" / "mine.txt").exists()
    assert (tmp_path / "stretches" / "01-a" / "01-one.md").exists()
    assert sorted(os.listdir(tmp_path)) == ["stretches", "stretches.csv"]


def test_force_replaces_only_a_deck_and_never_the_folder_of_the_sheet(run, tmp_path):
    (tmp_path / "stretches.csv").write_text("section,title\nA,One\n", encoding="utf-8")
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "mine.txt").write_text("keep me")
    result = run("import", "stretches.csv", "notes", "--force")
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        "notes:1: error: is not a deck (it has no _index.md); --force replaces only a deck "
        "folder: choose a new folder"
    )
    assert (tmp_path / "notes" / "mine.txt").read_text() == "keep me"
    (tmp_path / "_index.md").write_text("---\ntitle: Here\n---\n")  # even a deck
    for target in (".", str(tmp_path)):
        result = run("import", "stretches.csv", target, "--force")
        assert result.exit_code == 1
        assert "holds the sheet being imported or the current folder" in result.output
    assert (tmp_path / "stretches.csv").exists() and (tmp_path / "notes" / "mine.txt").exists()


def test_an_unknown_column_is_a_warning_naming_it(run, tmp_path):
    (tmp_path / "s.csv").write_text("section,title,notes\nA,One,remember\n", encoding="utf-8")
    result = run("import", "s.csv", "s")
    assert result.exit_code == 0
    assert "s.csv:1: warning: unknown column 'notes' ignored" in result.output


def test_a_workbook_error_names_its_sheet_and_row(run, tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.title = "techniques"
    workbook.active.append(["section", "title"])
    workbook.active.append(["A", "One"])
    sections = workbook.create_sheet("sections")
    sections.append(["section", "colour"])
    sections.append(["A", "red"])
    workbook.save(tmp_path / "deck.xlsx")
    result = run("import", "deck.xlsx", "deck")
    assert result.exit_code == 1
    assert "deck.xlsx:2: error: in sheet 'sections': colour must be #RRGGBB (got 'red')" in (
        result.output
    )


def test_not_a_sheet(run, tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    (tmp_path / "broken.xlsx").write_bytes(b"not a zip")
    assert run("import", "notes.txt", "x").output.startswith(
        "notes.txt:1: error: a sheet must be a .csv, .xlsx, .ods or .xls file"
    )
    assert run("import", "broken.xlsx", "x").output.startswith(
        "broken.xlsx:1: error: not an .xlsx workbook this tool can read"
    )


def test_the_example_sheet_imports_and_builds(run, tmp_path):
    sample = REPO / "examples" / "stretches.csv"
    result = run("import", sample, "stretches", "--title", "Stretches for Tired Feet")
    assert result.exit_code == 0, result.output
    assert run("build", "stretches", "-o", "out").exit_code == 0
    with sample.open(encoding="utf-8") as handle:
        titles = [row["title"] for row in csv.DictReader(handle)]
    text = all_text(tmp_path / "out" / "stretches-cards.pdf")
    assert all(title in text for title in titles)


cells = st.one_of(
    st.none(),
    st.text(max_size=40),
    st.sampled_from(["gentle", "Firm", "hard", "#2A6CB8", "blue", "1", "x", "true", "- a\n- b"]),
    st.integers(-5, 5),
    st.floats(allow_nan=True, allow_infinity=True),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.lists(cells, min_size=13, max_size=13), min_size=1, max_size=4))
def test_anything_in_a_cell_imports_or_gives_contract_lines(tmp_path_factory, rows):
    root = tmp_path_factory.mktemp("cells")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "techniques"
    sheet.append(
        ["section", "title", "hold", "repeat", "pressure", "steps", "colour", "weight",
         "draft", "image", "diagram", "areas", "arrows"]
    )  # fmt: skip
    try:
        for row in rows:
            sheet.append(row)
        workbook.save(root / "deck.xlsx")
    except Exception:  # noqa: BLE001 - openpyxl refuses some characters outright
        return
    cwd = os.getcwd()
    os.chdir(root)
    try:
        result = CliRunner().invoke(main, ["import", "deck.xlsx", "deck"])
    finally:
        os.chdir(cwd)
    assert result.exit_code in (0, 1), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output and "internal error" not in result.output
    for line in result.output.splitlines()[:-1]:
        assert line.startswith(("deck.xlsx:", "  ")), line
    if result.exit_code == 1:
        assert not (root / "deck").exists()
        assert sorted(os.listdir(root)) == ["deck.xlsx"]


def test_a_plain_list_without_sections_is_one_section(run, tmp_path):
    (tmp_path / "list.csv").write_text(
        'title,steps\nNeck Tilt,"Tilt your head.\nHold."\nShoulder Roll,Roll back.\n',
        encoding="utf-8",
    )
    result = run("import", "list.csv", "deck", "--title", "Desk Stretches")
    assert result.exit_code == 0, result.output
    deck, _ = load_deck(tmp_path / "deck")
    assert [(s.title, [t.title for t in s.techniques]) for s in deck.sections] == [
        ("Desk Stretches", ["Neck Tilt", "Shoulder Roll"])
    ]


# -- every format an office suite saves ------------------------------------------------------

ROWS = [
    ["section", "title", "hold", "pressure", "steps"],
    ["Hands", "Palm Press", "6–10 seconds", "gentle", "Press the palm.\nLet go."],
    ["", "Thumb Roll", "", "firm", "Roll the thumb."],
    ["Wrists", "Wrist Circles", "", "", "Circle the wrist slowly."],
]


def write_ods(path: Path) -> None:
    """A workbook as LibreOffice keeps it (.ods), written by odfpy."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    sheets = {
        "techniques": ROWS,
        "sections": [["section", "colour"], ["Wrists", "#1F3553"]],
        "deck": [["field", "value"], ["title", "Hand Care"], ["language", "en"]],
    }
    for name, rows in sheets.items():
        table = Table(name=name)
        for cells in rows:
            row = TableRow()
            for value in cells:
                cell = TableCell(valuetype="string")
                for line in value.split("\n"):
                    cell.addElement(P(text=line))
                row.addElement(cell)
            table.addElement(row)
        document.spreadsheet.addElement(table)
    document.save(str(path))


def write_xls(path: Path) -> None:
    """The older Excel format (.xls), written by xlwt."""
    import xlwt

    workbook = xlwt.Workbook(encoding="utf-8")
    sheet = workbook.add_sheet("techniques")
    for r, cells in enumerate(ROWS):
        for c, value in enumerate(cells):
            sheet.write(r, c, value)
    deck = workbook.add_sheet("deck")
    for r, cells in enumerate([["field", "value"], ["title", "Hand Care"]]):
        for c, value in enumerate(cells):
            deck.write(r, c, value)
    workbook.save(str(path))


@pytest.mark.parametrize("suffix, writer", [(".ods", write_ods), (".xls", write_xls)])
def test_ods_and_xls_workbooks_import_and_build(run, tmp_path, suffix, writer):
    writer(tmp_path / f"hands{suffix}")
    result = run("import", f"hands{suffix}", "hands")
    assert result.exit_code == 0, result.output
    deck, _ = load_deck(tmp_path / "hands")
    assert deck.title == "Hand Care"
    assert [s.title for s in deck.sections] == ["Hands", "Wrists"]
    assert [t.title for t in deck.techniques] == ["Palm Press", "Thumb Roll", "Wrist Circles"]
    palm = deck.techniques[0]
    assert palm.hold == "6–10 seconds" and palm.pressure == "gentle"
    assert palm.body[0].items == ("Press the palm.", "Let go.")
    if suffix == ".ods":
        assert deck.sections[1].colour == "#1F3553"  # its sections sheet was read
    built = run("build", "hands", "-f", "cards", "-o", "out")
    assert built.exit_code == 0, built.output
    assert "Wrist Circles" in all_text(tmp_path / "out" / "hands-cards.pdf")


def test_an_exported_csv_starts_with_a_byte_order_mark(run, tmp_path):
    assert run("export", DEFAULT_DECK, "feet.csv").exit_code == 0
    data = (tmp_path / "feet.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf"), "LibreOffice and Excel then open it as UTF-8"
    assert "6–10 seconds".encode() in data
    assert data[3:].decode("utf-8").startswith("section,title,")


def test_mojibake_in_a_sheet_is_a_warning_naming_the_row(run, tmp_path):
    sheet = tmp_path / "broken.csv"
    sheet.write_text(
        "section,title,hold,steps\nHands,Palm Press,6â€“10 seconds,Press.\n"
        "Hands,Thumb Roll,,Roll the thumb.\nHands,CafÃ© Rub,,Rub.\n",
        encoding="utf-8",
    )
    result = run("import", "broken.csv", "hands")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[:2] == [
        (
            "broken.csv:2: warning: hold '6â€“10 seconds' looks like UTF-8 read as Windows-1252 (it "
            "would read '6–10 seconds'): open the file as UTF-8 and save it as 'CSV UTF-8'"
        ),
        (
            "broken.csv:4: warning: title 'CafÃ© Rub' looks like UTF-8 read as Windows-1252 (it "
            "would read 'Café Rub'): open the file as UTF-8 and save it as 'CSV UTF-8'"
        ),
    ]
    clean = run("export", DEFAULT_DECK, "feet.csv")
    assert clean.exit_code == 0
    again = run("import", "feet.csv", "again", "--title", "Foot Massage")
    assert "Windows-1252" not in again.output  # real accents and dashes are not suspected
