"""Sheets read: a .csv as office suites save it, or one sheet of an .xlsx, as rows
whose cells are checked by the loader's own field rules."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cards.problems import ERROR, WARNING, Problem

TECHNIQUE_COLUMNS = (
    "section", "title", "hold", "repeat", "pressure", "steps", "colour", "weight", "draft",
    "image", "diagram", "areas", "arrows",
)  # fmt: skip
SECTION_COLUMNS = ("section", "colour", "weight", "diagram", "intro")
DECK_FIELDS = (
    "title", "subtitle", "author", "language", "hyphenate", "contact", "url", "logo",
    "diagram", "templates", "labels", "intro",
)  # fmt: skip
SHEET_SUFFIXES = (".csv", ".xlsx")
MAX_SHEET_BYTES = 20_000_000
MAX_ROWS = 10_000
MARKDOWN_LINE = re.compile(r"^\s*(\d+[.)]|[-*+])\s")


class SheetProblems:
    """Problems found in one sheet, each at the row a spreadsheet shows."""

    def __init__(self, path: Path):
        self.path: Path = path
        self.items: list[Problem] = []

    def error(self, row: int, message: str) -> None:
        self.items.append(Problem(self.path, row, ERROR, message))

    def warning(self, row: int, message: str) -> None:
        self.items.append(Problem(self.path, row, WARNING, message))

    def has_errors(self) -> bool:
        return any(p.level == ERROR for p in self.items)


@dataclass
class Row:
    """One row of a sheet: its values by lower-case column name, and its number."""

    number: int
    values: dict[str, Any]


# -- reading sheets ------------------------------------------------------------------------


def read_table(path: Path, problems: SheetProblems, sheet: str | None = None) -> list[Row] | None:
    """Rows of a CSV, or of one sheet of a workbook; headers matched without case
    or surrounding spaces. None when the file cannot be read at all."""
    if path.suffix.lower() == ".csv":
        table = read_csv(path, problems)
    else:
        table = read_xlsx_sheet(path, sheet or "techniques", problems)
    if table is None:
        return None
    if not table:
        return []
    headers = [str(h).strip().lower() if h is not None else "" for h in table[0]]
    rows = []
    for offset, cells in enumerate(table[1:], start=2):
        values = {
            header: cell for header, cell in zip(headers, cells) if header and not blank(cell)
        }
        if values:
            rows.append(Row(offset, values))
    if len(rows) > MAX_ROWS:
        problems.error(1, f"the sheet has {len(rows):,} rows; the limit is {MAX_ROWS:,}")
        return None
    return rows


def blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def read_csv(path: Path, problems: SheetProblems) -> list[list[str]] | None:
    """A CSV as an office suite saves it: UTF-8 with or without BOM (or Windows-1252,
    with a warning), comma, semicolon or tab, any line endings."""
    data = read_bytes(path, problems)
    if data is None:
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
        problems.warning(1, "not UTF-8: read as Windows-1252; save as 'CSV UTF-8' to be sure")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    sample = text[:20_000]
    try:
        dialect = csv.Sniffer().sniff(sample.split("\n", 1)[0] or sample, delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    try:
        return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    except csv.Error as exc:
        problems.error(1, f"not a readable CSV file ({exc})")
        return None


def read_bytes(path: Path, problems: SheetProblems) -> bytes | None:
    try:
        size = path.stat().st_size
        if size > MAX_SHEET_BYTES:
            problems.error(1, f"file is {size:,} bytes; the limit is {MAX_SHEET_BYTES:,}")
            return None
        return path.read_bytes()
    except OSError as exc:
        problems.error(1, f"cannot read file: {exc.strerror or exc}")
        return None


def read_xlsx_sheet(path: Path, name: str, problems: SheetProblems) -> list[list[Any]] | None:
    """One sheet of a workbook as rows of cell values; [] when it has no such sheet."""
    workbook = open_workbook(path, problems)
    if workbook is None:
        return None
    names = {n.strip().lower(): n for n in workbook.sheetnames}
    if name not in names:
        if name == "techniques":
            first = workbook.sheetnames[0]  # a workbook of one sheet: that is the techniques
            return [list(r) for r in workbook[first].iter_rows(values_only=True)]
        return []
    return [list(r) for r in workbook[names[name]].iter_rows(values_only=True)]


def open_workbook(path: Path, problems: SheetProblems) -> Any:
    import zipfile

    import openpyxl

    if read_bytes(path, problems) is None:
        return None
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        problems.error(1, "not an .xlsx workbook this tool can read; save it again as .xlsx")
        return None


# -- checking rows ---------------------------------------------------------------------------


def checked_fields(
    row: Row, columns: Iterable[str], problems: SheetProblems, where: str = ""
) -> dict[str, Any]:
    """The row's values that are front-matter fields, each checked by the loader's rule."""
    from cards.content.fields import SECTION_FIELDS, TECHNIQUE_FIELDS

    rules = {f.name: f.check for f in (*TECHNIQUE_FIELDS, *SECTION_FIELDS)}
    values = {}
    for column in columns:
        if column not in row.values or column in ("section", "steps", "intro"):
            continue
        raw = cell_value(column, row.values[column])
        value, message = rules[column](raw)
        if message:
            problems.error(row.number, f"{where}{column} {message}")
        else:
            values[column] = value
    return values


def cell_value(column: str, cell: Any) -> Any:
    """A cell as the front-matter value it stands for: numbers from text for
    weight, yes/no for draft, lists for areas and arrows."""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    if column == "draft" and isinstance(cell, str):
        word = cell.strip().lower()
        return {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}.get(
            word, cell
        )
    if column == "draft" and isinstance(cell, int) and not isinstance(cell, bool):
        return bool(cell) if cell in (0, 1) else cell
    if column in ("areas", "arrows") and isinstance(cell, str):
        return [part for part in re.split(r"[\s,]+", cell) if part]
    if isinstance(cell, str):
        return cell.strip()
    return cell


def body_of(cell: Any) -> str:
    """A ``steps`` cell as a Markdown body: Markdown as it is, or one step a line."""
    if blank(cell):
        return ""
    text = str(cell).replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    lines = [line for line in text.split("\n")]
    if any(MARKDOWN_LINE.match(line) for line in lines):
        return text + "\n"
    steps = [line.strip() for line in lines if line.strip()]
    return "".join(f"{number}. {step}\n" for number, step in enumerate(steps, start=1))
