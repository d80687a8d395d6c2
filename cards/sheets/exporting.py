"""`cards export`: a deck's files, as written, into a .csv or an .xlsx that
`cards import` reads back."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import yaml

from cards.output.files import write_atomic
from cards.problems import ERROR, ContentError, Problem
from cards.sheets.reading import (
    DECK_FIELDS,
    FORMULA_CHARS,
    SECTION_COLUMNS,
    TECHNIQUE_COLUMNS,
    TRANSLATED_COLUMNS,
    TRANSLATED_DECK_FIELDS,
    TRANSLATED_SECTION_COLUMNS,
    WRITTEN_SUFFIXES,
)

# -- export -------------------------------------------------------------------------------------


def export_deck(deck_path: Path, sheet: Path) -> int:
    """Write the deck as a sheet ``cards import`` reads back; returns the rows written."""
    from cards.content import load_deck
    from cards.content.files import Document, Problems, read_document
    from cards.content.translations import translation_of

    if sheet.suffix.lower() not in WRITTEN_SUFFIXES:
        raise ContentError([Problem(sheet, 1, ERROR, "a sheet must be a .csv or .xlsx file")])
    deck, _ = load_deck(deck_path)
    problems = Problems()

    def document(path: Path) -> Document:
        doc = read_document(path, problems)
        if doc is None:
            raise ContentError(problems.items)
        return doc

    rows = []
    sections = []
    languages = deck.languages[1:]  # each has its columns: title.de, steps.de …

    def translations(path: Path, columns: tuple[str, ...], body: str) -> dict[str, Any]:
        """The cells of ``path``'s translations ("title.de"), empty where it has none."""
        cells: dict[str, Any] = {}
        for language in languages:
            translated = translation_of(path, language)
            doc = document(translated) if translated.is_file() else None
            for column in columns:
                value = (
                    doc.body.strip("\n")
                    if doc and column == body
                    else (plain(doc.fields.get(column)) if doc else "")
                )
                cells[f"{column}.{language}"] = value
        return cells

    for section in deck.sections:
        index = document(section.source.path)
        section_row = {
            "section": section.title,
            **{k: plain(index.fields.get(k)) for k in ("colour", "weight", "diagram")},
            "intro": index.body.strip("\n"),
        }
        own = translations(section.source.path, ("title", "intro"), "intro")
        for language in languages:  # the section's title in a column called section.de
            section_row[f"section.{language}"] = own[f"title.{language}"]
            section_row[f"intro.{language}"] = own[f"intro.{language}"]
        sections.append(section_row)
        for technique in section.techniques:
            doc = document(technique.source.path)
            # a .csv has no sections sheet: it names the diagram on every row
            inherited = technique.diagram.name if technique.diagram else ""
            row = {"section": section.title, "_diagram": inherited}
            for column in TECHNIQUE_COLUMNS[1:]:
                if column == "steps":
                    row["steps"] = doc.body.strip("\n")
                elif column == "colour":
                    row["colour"] = ""
                else:
                    row[column] = plain(doc.fields.get(column))
            row.update(translations(technique.source.path, TRANSLATED_COLUMNS, "steps"))
            for language in languages:  # a .csv has no sections sheet: on every row
                row[f"section.{language}"] = section_row[f"section.{language}"]
            rows.append(row)
    deck_doc = document(deck.source.path)
    deck_rows = [
        (
            name,
            lines_cell(deck_doc.fields.get(name))
            if name == "sources"
            else plain(deck_doc.fields.get(name)),
        )
        for name in DECK_FIELDS
        if name != "intro"
    ]
    deck_rows = [(n, v) for n, v in deck_rows if v != ""]
    deck_rows.append(("intro", deck_doc.body.strip("\n")))
    cells = translations(deck.source.path, TRANSLATED_DECK_FIELDS, "intro")
    deck_rows += [(name, value) for name, value in cells.items() if value != ""]
    columns = technique_columns(languages)
    section_columns = SECTION_COLUMNS + tuple(
        f"{c}.{language}" for language in languages for c in TRANSLATED_SECTION_COLUMNS
    )
    if sheet.suffix.lower() == ".csv":
        write_csv(sheet, rows, sections, columns)
    else:
        write_xlsx(sheet, rows, sections, deck_rows, columns, section_columns)
    return len(rows)


def technique_columns(languages: tuple[str, ...]) -> tuple[str, ...]:
    """The techniques sheet's columns: the deck's own, then each language's
    section and text columns."""
    return TECHNIQUE_COLUMNS + tuple(
        f"{c}.{language}" for language in languages for c in ("section", *TRANSLATED_COLUMNS)
    )


def lines_cell(value: Any) -> Any:
    """A field of several lines (a list, or text) as one cell, a line each: a
    line may hold a comma of its own."""
    if isinstance(value, list):
        return "\n".join(str(v) for v in value)
    return plain(value)


def plain(value: Any) -> Any:
    """A front-matter value as a cell: lists joined, mappings as YAML, none empty."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return yaml.safe_dump(value, allow_unicode=True, default_flow_style=True).strip()
    if isinstance(value, str) and "\n" in value:
        return value.strip("\n")
    return value


def write_csv(
    sheet: Path,
    rows: list[dict[str, Any]],
    sections: list[dict[str, Any]],
    columns: tuple[str, ...] = TECHNIQUE_COLUMNS,
) -> None:
    """Techniques only; each section's colour on its first row."""
    colours = {s["section"]: s.get("colour", "") for s in sections}
    buffer = io.StringIO()
    # CRLF between rows, as RFC 4180 and office suites have it: a cell holding a
    # CR or an LF of its own is then quoted, and never read as the end of a row
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)  # the header has no cell to neutralise
    seen = set()
    for row in rows:
        row = {**row, "diagram": row["diagram"] or row["_diagram"]}
        if row["section"] not in seen:
            row["colour"] = colours.get(row["section"], "")
            seen.add(row["section"])
        writer.writerow([inert(row.get(c, "")) for c in columns])
    # with a byte-order mark: LibreOffice and Excel then open it as UTF-8, not
    # as Windows-1252 ("6–10" would come up "6â€“10")
    write_atomic(sheet, buffer.getvalue().encode("utf-8-sig"))


# A cell starting with one of FORMULA_CHARS is a formula (or the start of
# one) to a spreadsheet that opens the CSV: a deck's text must never run
# there. As the usual guidance for CSV injection has it, such a cell gets a
# leading apostrophe, which `cards import` takes off again (reading.restored).
def inert(value: Any) -> Any:
    """The cell as text no spreadsheet runs; a value that already starts with
    apostrophes before such a character gets one more, so that taking one off
    on import gives it back as it was."""
    if isinstance(value, str) and value.lstrip("'").startswith(FORMULA_CHARS):
        return "'" + value
    return value


def write_xlsx(
    sheet: Path,
    rows: list[dict[str, Any]],
    sections: list[dict[str, Any]],
    deck_rows: list[tuple[str, Any]],
    columns: tuple[str, ...] = TECHNIQUE_COLUMNS,
    section_columns: tuple[str, ...] = SECTION_COLUMNS,
) -> None:
    import openpyxl
    from openpyxl.styles import Alignment, Font

    workbook = openpyxl.Workbook()
    techniques = workbook.active
    techniques.title = "techniques"
    techniques.append(list(columns))
    for row in rows:
        techniques.append([row.get(c, "") for c in columns])
    section_sheet = workbook.create_sheet("sections")
    section_sheet.append(list(section_columns))
    for section in sections:
        section_sheet.append([section.get(c, "") for c in section_columns])
    deck_sheet = workbook.create_sheet("deck")
    deck_sheet.append(["field", "value"])
    for name, value in deck_rows:
        deck_sheet.append([name, value])
    for worksheet in workbook.worksheets:
        for cell in worksheet[1]:
            cell.font = Font(bold=True)
        for line in worksheet.iter_rows(min_row=2):
            for cell in line:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                if isinstance(cell.value, str) and cell.data_type == "f":
                    cell.data_type = "s"  # text that starts with '=' stays text, never a formula
    buffer = io.BytesIO()
    workbook.save(buffer)
    write_atomic(sheet, buffer.getvalue())
