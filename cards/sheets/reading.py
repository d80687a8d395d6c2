"""Sheets read: a .csv as office suites save it, or one sheet of an .xlsx, .ods
or .xls workbook, as rows whose cells are checked by the loader's own field rules."""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cards.problems import ERROR, WARNING, Problem

TECHNIQUE_COLUMNS = (
    "section", "title", "hold", "repeat", "pressure", "steps", "colour", "weight", "draft",
    "image", "diagram", "areas", "arrows", "alt",
)  # fmt: skip
SECTION_COLUMNS = ("section", "colour", "weight", "diagram", "intro")
# The text a translation gives: a column each per language ("title.de",
# "steps.de"), beside the deck's own; the other fields are the original's.
TRANSLATED_COLUMNS = ("title", "hold", "repeat", "alt", "steps")
TRANSLATED_SECTION_COLUMNS = ("section", "intro")
TRANSLATED_DECK_FIELDS = ("title", "subtitle", "intro")


def translated_column(column: str, allowed: Iterable[str]) -> tuple[str, str] | None:
    """``title.de`` → (``title``, ``de``) where ``title`` is one of ``allowed``
    and ``de`` a language tag; None for any other column."""
    from cards.content.fields import LANGUAGE_TAG

    name, dot, language = column.partition(".")
    if dot and name in allowed and LANGUAGE_TAG.match(language):
        return name, language
    return None


DECK_FIELDS = (
    "title", "subtitle", "author", "language", "languages", "hyphenate", "contact", "url", "logo",
    "logo_alt", "reviewed", "sources", "plain_words", "review", "diagram", "templates",
    "labels", "intro",
)  # fmt: skip
SHEET_SUFFIXES = (".csv", ".xlsx", ".ods", ".xls")  # what cards import reads
WORKBOOK_SUFFIXES = (".xlsx", ".ods", ".xls")  # a deck in sheets: techniques, sections, deck
WRITTEN_SUFFIXES = (".csv", ".xlsx")  # what cards export writes
MAX_SHEET_BYTES = 20_000_000  # the file as it lies on the disk
MAX_PART_BYTES = 50_000_000  # any part of a workbook, unpacked
MAX_ROWS = 10_000  # techniques, below the header row
MAX_COLUMNS = 50  # a deck's sheets use 13
MAX_CELL_CHARS = 100_000  # far more than a card or a page holds
# What reading a workbook may take, in a process of its own: its parser
# allocates the sheet's whole range before any row reaches us.
READ_MEMORY_MB = 200
READ_SECONDS = 10.0
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
    if isinstance(table, SheetTooLarge):
        problems.error(table.row, str(table))
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
    return rows


class SheetTooLarge(ValueError):
    """A sheet past one of the bounds it is read within; ``row`` is where."""

    def __init__(self, message: str, row: int = 1):
        super().__init__(message)
        self.row = row

    def __reduce__(self) -> tuple[type[SheetTooLarge], tuple[str, int]]:
        return SheetTooLarge, (str(self), self.row)  # sent whole from the reading process


def bounded_rows(rows: Iterable[Iterable[Any]]) -> list[list[Any]] | SheetTooLarge:
    """The rows, checked as they come (never after): at most ``MAX_ROWS`` below
    the header, ``MAX_COLUMNS`` cells with something in them, cells of at most
    ``MAX_CELL_CHARS``; a sheet past any of them is refused at that row."""
    table: list[list[Any]] = []
    for number, cells in enumerate(rows, start=1):
        if number > MAX_ROWS + 1:
            return SheetTooLarge(
                f"the sheet has more than {MAX_ROWS:,} rows below its header; the limit is "
                f"{MAX_ROWS:,}",
                number,
            )
        row = list(itertools.islice(cells, MAX_COLUMNS + 1))
        while row and blank(row[-1]):
            row.pop()
        if len(row) > MAX_COLUMNS:
            return SheetTooLarge(
                f"the row has more than {MAX_COLUMNS} columns; the limit is {MAX_COLUMNS}", number
            )
        for cell in row:
            if isinstance(cell, str) and len(cell) > MAX_CELL_CHARS:
                return SheetTooLarge(
                    f"a cell holds {len(cell):,} characters; the limit is {MAX_CELL_CHARS:,}",
                    number,
                )
        table.append(row)
    return table


def restored(cell: Any) -> Any:
    """A CSV cell as written before ``cards export`` made it inert: one of the
    apostrophes before a leading =, +, -, @, tab or CR comes off."""
    if isinstance(cell, str) and cell.startswith("'") and cell.lstrip("'")[:1] in FORMULA_CHARS:
        return cell[1:]
    return cell


FORMULA_CHARS = ("=", "+", "-", "@", "\t", "\r")  # what cards export neutralises


def blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def read_csv(path: Path, problems: SheetProblems) -> list[list[Any]] | SheetTooLarge | None:
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
    # the csv module ends rows at CRLF, LF or CR alike, and keeps one inside a
    # quoted cell as it was written
    sample = text[:20_000].replace("\r\n", "\n").replace("\r", "\n")
    try:
        dialect = csv.Sniffer().sniff(sample.split("\n", 1)[0] or sample, delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    csv.field_size_limit(MAX_CELL_CHARS + 1)  # a longer cell is an error, found at once
    try:
        rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        return bounded_rows([restored(cell) for cell in row] for row in rows)
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            return SheetTooLarge(
                f"a cell holds more than {MAX_CELL_CHARS:,} characters; the limit is "
                f"{MAX_CELL_CHARS:,}",
                rows.line_num,
            )
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


def read_workbook_sheet(
    path: Path, name: str, problems: SheetProblems
) -> list[list[Any]] | SheetTooLarge | None:
    """One sheet of an .xlsx, .ods or .xls workbook as rows of cell values (the
    values a spreadsheet shows, never a formula); [] when it has no such sheet.

    python-calamine reads all three formats: LibreOffice's own .ods, Excel's
    .xlsx and the older .xls. It runs in a process of its own, bounded in
    memory and time: it lays out a sheet's whole range (as far as its farthest
    cell) before the first row can be checked, so a few kilobytes that name
    a cell in the last row of the last column would take the machine.
    """
    if read_bytes(path, problems) is None or not parts_within_bounds(path, problems):
        return None
    from cards.workers import OverBounds, bounded

    try:
        found = bounded(lambda: workbook_rows(path, name), READ_MEMORY_MB, READ_SECONDS)
    except OverBounds:
        return too_large()
    except WorkbookTrouble as exc:
        problems.error(1, str(exc))
        return None
    return found


def too_large() -> SheetTooLarge:
    return SheetTooLarge(
        f"the workbook is larger than cards reads (at most {MAX_ROWS:,} rows of "
        f"{MAX_COLUMNS} columns, read in {READ_SECONDS:g} s within {READ_MEMORY_MB} MB)"
    )


class WorkbookTrouble(ValueError):
    """A workbook that cannot be read; the message says so in plain words."""


def workbook_rows(path: Path, name: str) -> list[list[Any]] | SheetTooLarge:
    """The rows of sheet ``name`` (the first sheet for "techniques" when there is
    no sheet of that name), read by python-calamine and bounded as they come."""
    from python_calamine import CalamineWorkbook

    kind = path.suffix.lower()
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # noqa: BLE001 - not a workbook, or a damaged one, in many ways
        if "limit exceeded" in str(exc):  # calamine's own bound on cells (an .ods it reads whole)
            return too_large()
        raise WorkbookTrouble(
            f"not an {kind} workbook this tool can read; save it again as {kind}"
        ) from None
    sheet_names = list(workbook.sheet_names)
    names = {n.strip().lower(): n for n in sheet_names}
    if name in names:
        chosen = names[name]
    elif name == "techniques" and sheet_names:
        chosen = sheet_names[0]  # a workbook of one sheet: that is the techniques
    else:
        return []
    try:
        return bounded_rows(workbook.get_sheet_by_name(chosen).iter_rows())
    except Exception as exc:  # noqa: BLE001 - calamine's errors for a damaged sheet are many
        if "limit exceeded" in str(exc):
            return too_large()
        raise WorkbookTrouble(f"sheet '{chosen}' cannot be read; save the workbook again") from None


def parts_within_bounds(path: Path, problems: SheetProblems) -> bool:
    """An .xlsx or .ods is a zip of parts: each must unpack to at most
    ``MAX_PART_BYTES`` by what the zip itself declares (a lie there is caught
    by the reading process's bound)."""
    import zipfile

    if path.suffix.lower() not in (".xlsx", ".ods"):
        return True
    try:
        with zipfile.ZipFile(path) as archive:
            for part in archive.infolist():
                if part.file_size > MAX_PART_BYTES:
                    problems.error(
                        1,
                        f"the workbook unpacks to {part.file_size:,} bytes in {part.filename}; "
                        f"the limit is {MAX_PART_BYTES:,} a part",
                    )
                    return False
    except (zipfile.BadZipFile, OSError, ValueError):
        kind = path.suffix.lower()
        problems.error(1, f"not an {kind} workbook this tool can read; save it again as {kind}")
        return False
    return True


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
