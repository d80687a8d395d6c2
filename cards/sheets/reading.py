"""Sheets read: a .csv as office suites save it, or one sheet of an .xlsx, .ods
or .xls workbook, as rows whose cells are checked by the loader's own field rules."""

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
SHEET_SUFFIXES = (".csv", ".xlsx", ".ods", ".xls")  # what cards import reads
WORKBOOK_SUFFIXES = (".xlsx", ".ods", ".xls")  # a deck in sheets: techniques, sections, deck
WRITTEN_SUFFIXES = (".csv", ".xlsx")  # what cards export writes
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
        table = read_workbook_sheet(path, sheet or "techniques", problems)
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
            warn_of_mojibake(rows[-1], problems)
    if len(rows) > MAX_ROWS:
        problems.error(1, f"the sheet has {len(rows):,} rows; the limit is {MAX_ROWS:,}")
        return None
    return rows


def restored(cell: Any) -> Any:
    """A CSV cell as written before ``cards export`` made it inert: the
    apostrophe before a leading =, +, -, @, tab or CR comes off."""
    if (
        isinstance(cell, str)
        and cell.startswith("'")
        and cell[1:2] in ("=", "+", "-", "@", "\t", "\r")
    ):
        return cell[1:]
    return cell


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
        return [
            [restored(cell) for cell in row]
            for row in csv.reader(io.StringIO(text), delimiter=delimiter)
        ]
    except csv.Error as exc:
        problems.error(1, f"not a readable CSV file ({exc})")
        return None


def read_bytes(path: Path, problems: SheetProblems) -> bytes | None:
    from cards.images import FileTrouble, read_bounded

    try:
        return read_bounded(path, MAX_SHEET_BYTES, "sheet")
    except FileTrouble as exc:
        problems.error(1, str(exc))
        return None
    except OSError as exc:
        problems.error(1, f"cannot read file: {exc.strerror or exc}")
        return None


def read_workbook_sheet(path: Path, name: str, problems: SheetProblems) -> list[list[Any]] | None:
    """One sheet of an .xlsx, .ods or .xls workbook as rows of cell values (the
    values a spreadsheet shows, never a formula); [] when it has no such sheet.

    python-calamine reads all three formats: LibreOffice's own .ods, Excel's
    .xlsx and the older .xls.
    """
    workbook = open_workbook(path, problems)
    if workbook is None:
        return None
    sheet_names = list(workbook.sheet_names)
    names = {n.strip().lower(): n for n in sheet_names}
    if name in names:
        chosen = names[name]
    elif name == "techniques" and sheet_names:
        chosen = sheet_names[0]  # a workbook of one sheet: that is the techniques
    else:
        return []
    try:
        return [list(row) for row in workbook.get_sheet_by_name(chosen).iter_rows()]
    except Exception:  # noqa: BLE001 - calamine's errors for a damaged sheet are many
        problems.error(1, f"sheet '{chosen}' cannot be read; save the workbook again")
        return None


def open_workbook(path: Path, problems: SheetProblems) -> Any:
    from python_calamine import CalamineWorkbook

    if read_bytes(path, problems) is None:
        return None
    try:
        return CalamineWorkbook.from_path(str(path))
    except Exception:  # noqa: BLE001 - not a workbook, or a damaged one, in many ways
        kind = path.suffix.lower()
        problems.error(1, f"not an {kind} workbook this tool can read; save it again as {kind}")
        return None


# Text that was UTF-8 but was read as Windows-1252 on its way into the sheet
# (a CSV opened without choosing UTF-8): "6â€“10" for "6–10", "Ã©" for "é".
MOJIBAKE = re.compile(
    "[ÂÃâ][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u2122]"
)


def warn_of_mojibake(row: Row, problems: SheetProblems) -> None:
    """One warning for a row with text that looks like UTF-8 read as Windows-1252."""
    for column, cell in row.values.items():
        if isinstance(cell, str) and MOJIBAKE.search(cell):
            try:
                meant = cell.encode("cp1252").decode("utf-8")
            except UnicodeError:
                continue
            problems.warning(
                row.number,
                f"{column} '{shorten(cell)}' looks like UTF-8 read as Windows-1252 (it would "
                f"read '{shorten(meant)}'): open the file as UTF-8 and save it as 'CSV UTF-8'",
            )
            return


def shorten(text: str, most: int = 30) -> str:
    return text if len(text) <= most else text[: most - 1] + "…"


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
