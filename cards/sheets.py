"""Spreadsheets in and out: ``cards import`` and ``cards export``.

A deck folder of Markdown stays the one content model; a sheet is a way in and
out of it. Import reads every row, checks each with the loader's own field
rules (so a sheet and a folder fail alike), writes the deck into a temporary
folder beside the target, loads it back as a build would, and only then
renames it into place: a failed import leaves nothing behind. Export reads the
deck's files as written (front matter values and Markdown bodies verbatim), so
export then import gives the same deck.

A ``.csv`` carries the techniques, one row each. An ``.xlsx`` carries the whole
deck: the same ``techniques`` sheet, plus ``deck`` (field, value rows) and
``sections`` (one row per section).
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from cards.problems import ERROR, WARNING, ContentError, Problem

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
INDEX = "_index.md"


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


@dataclass
class SectionPlan:
    title: str
    fields: dict[str, Any] = field(default_factory=dict)
    intro: str = ""
    techniques: list[tuple[Row, dict[str, Any], str]] = field(default_factory=list)


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


# -- import ------------------------------------------------------------------------------------


def import_sheet(
    sheet: Path, target: Path, title: str | None = None, force: bool = False
) -> list[Problem]:
    """Write the deck folder ``target`` from ``sheet``; returns its warnings.

    Raises ContentError with every problem at once; nothing is left behind then.
    """
    problems = SheetProblems(sheet)
    if sheet.suffix.lower() not in SHEET_SUFFIXES:
        problems.error(1, "a sheet must be a .csv or .xlsx file")
        raise ContentError(problems.items)
    if not sheet.is_file():
        problems.error(1, "sheet not found")
        raise ContentError(problems.items)
    if target.exists() and not force:
        raise ContentError(
            [Problem(target, 1, ERROR, "already exists; choose a new folder or add --force")]
        )
    rows = read_table(sheet, problems)
    if rows is None:
        raise ContentError(problems.items)
    deck_fields, deck_intro = deck_of(sheet, title, problems)
    sections = plan_sections(rows, problems)
    if sheet.suffix.lower() == ".xlsx":
        add_section_sheet(sheet, sections, problems)
    if not rows and not problems.has_errors():
        problems.error(1, "the sheet has no techniques: one row per technique, with a title")
    if problems.has_errors():
        raise ContentError(problems.items)
    files, rows_of = deck_files(deck_fields, deck_intro, sections)
    warnings = write_and_check(files, rows_of, target, sheet, force)
    return problems.items + warnings


def deck_of(sheet: Path, title: str | None, problems: SheetProblems) -> tuple[dict[str, Any], str]:
    """The deck's fields and intro: from the ``deck`` sheet of a workbook, else
    from ``--title`` or the file's name."""
    from cards.content.fields import DECK_FIELDS as RULES

    rules = {f.name: f.check for f in RULES}
    fields: dict[str, Any] = {}
    intro = ""
    if sheet.suffix.lower() == ".xlsx":
        for row in read_table_pairs(sheet, "deck", problems):
            name, value = row.values.get("field"), row.values.get("value")
            name = str(name).strip().lower() if name is not None else ""
            if name == "intro":
                intro = str(value or "").replace("\r\n", "\n").strip("\n") + "\n"
            elif name in rules and not blank(value):
                raw = parse_mapping(value) if name == "labels" else cell_value(name, value)
                if name == "hyphenate":
                    raw = cell_value("draft", value)
                if name == "contact" and isinstance(raw, str):
                    raw = raw.replace("\r\n", "\n")
                checked, message = rules[name](raw)
                if message:
                    problems.error(row.number, f"in sheet 'deck': {name} {message}")
                else:
                    fields[name] = list(checked) if isinstance(checked, tuple) else checked
            elif name:
                problems.warning(row.number, f"in sheet 'deck': unknown field '{name}' ignored")
    if title:
        fields["title"] = title
    fields.setdefault("title", sheet.stem.replace("-", " ").replace("_", " ").strip().title())
    return fields, intro


def parse_mapping(value: Any) -> Any:
    try:
        return yaml.safe_load(str(value))
    except yaml.YAMLError:
        return value


def read_table_pairs(sheet: Path, name: str, problems: SheetProblems) -> list[Row]:
    """A sheet of ``field`` / ``value`` rows (its header row may be either way)."""
    table = read_xlsx_sheet(sheet, name, problems) or []
    rows = []
    for number, cells in enumerate(table, start=1):
        cells = list(cells) + [None, None]
        if number == 1 and str(cells[0] or "").strip().lower() == "field":
            continue
        if not blank(cells[0]):
            rows.append(Row(number, {"field": cells[0], "value": cells[1]}))
    return rows


def plan_sections(rows: list[Row], problems: SheetProblems) -> dict[str, SectionPlan]:
    """Sections in the order their rows first appear, each with its techniques."""
    known = set(TECHNIQUE_COLUMNS)
    unknown: dict[str, int] = {}
    sections: dict[str, SectionPlan] = {}
    current = None
    for row in rows:
        for column in row.values:
            if column not in known:
                unknown.setdefault(column, row.number)
        name = row.values.get("section")
        if not blank(name):
            current = " ".join(str(name).split())
        if current is None:
            problems.error(row.number, "section is empty; name the row's section")
            continue
        plan = sections.setdefault(current.casefold(), SectionPlan(current))
        values = checked_fields(row, TECHNIQUE_COLUMNS, problems)
        if blank(row.values.get("title")):
            problems.error(row.number, "title is empty: every technique needs one")
            continue
        values["title"] = " ".join(str(row.values["title"]).split())
        if "colour" in values:  # the first colour given in a section is the section's
            plan.fields.setdefault("colour", values.pop("colour"))
        plan.techniques.append((row, values, body_of(row.values.get("steps"))))
    header_row = 1
    for column in unknown:
        problems.warning(
            header_row,
            f"unknown column '{column}' ignored (columns: {', '.join(TECHNIQUE_COLUMNS)})",
        )
    return sections


def add_section_sheet(
    sheet: Path, sections: dict[str, SectionPlan], problems: SheetProblems
) -> None:
    """A workbook's ``sections`` sheet: each section's fields and intro."""
    for row in read_table(sheet, problems, "sections") or []:
        name = row.values.get("section")
        if blank(name):
            problems.error(row.number, "in sheet 'sections': section is empty")
            continue
        key = " ".join(str(name).split()).casefold()
        if key not in sections:
            problems.warning(
                row.number, f"in sheet 'sections': no technique is in section '{name}'; ignored"
            )
            continue
        values = checked_fields(row, SECTION_COLUMNS, problems, "in sheet 'sections': ")
        sections[key].fields.update(values)
        if not blank(row.values.get("intro")):
            sections[key].intro = str(row.values["intro"]).replace("\r\n", "\n").strip("\n") + "\n"


# -- writing the deck -----------------------------------------------------------------------


def slug(text: str) -> str:
    """A file-name slug: ASCII letters and digits, words joined by hyphens."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", plain.lower())
    return "-".join(words)[:48].strip("-") or "item"


def front_matter(fields: dict[str, Any], body: str) -> str:
    """A Markdown file: the fields as YAML front matter, then the body."""
    head = "".join(yaml_line(name, value) for name, value in fields.items())
    return f"---\n{head}---\n{body}"


def yaml_line(name: str, value: Any) -> str:
    """One field as YAML, quoted where it must be; a list on one line as a person
    writes it (``areas: [ball, arch]``), one id alone as itself."""
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if isinstance(value, list):
        flow = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=1_000)
        return f"{name}: {flow.strip()}\n"
    return yaml.safe_dump({name: value}, allow_unicode=True, default_flow_style=False, width=1_000)


def deck_files(
    deck_fields: dict[str, Any], intro: str, sections: dict[str, SectionPlan]
) -> tuple[dict[Path, str], dict[Path, int]]:
    """Every file of the deck by relative path, and the sheet row each came from."""
    files = {Path(INDEX): front_matter(deck_fields, intro)}
    rows_of: dict[Path, int] = {}
    width = max(2, len(str(len(sections))))
    for number, plan in enumerate(sections.values(), start=1):
        folder = Path(f"{number:0{width}d}-{slug(plan.title)}")
        fields = {"title": plan.title, **{k: v for k, v in plan.fields.items() if k != "title"}}
        files[folder / INDEX] = front_matter(fields, plan.intro)
        inner = max(2, len(str(len(plan.techniques))))
        for index, (row, values, body) in enumerate(plan.techniques, start=1):
            name = folder / f"{index:0{inner}d}-{slug(values['title'])}.md"
            ordered = {
                "title": values["title"],
                **{k: v for k, v in values.items() if k != "title"},
            }
            if "areas" in ordered:
                ordered["areas"] = list(ordered["areas"])
            if "arrows" in ordered:
                ordered["arrows"] = list(ordered["arrows"])
            files[name] = front_matter(ordered, body)
            rows_of[name] = row.number
    return files, rows_of


def write_and_check(
    files: dict[Path, str], rows_of: dict[Path, int], target: Path, sheet: Path, force: bool
) -> list[Problem]:
    """Write the deck beside ``target``, load it as a build would, then move it into
    place; on any error the temporary folder goes and ``target`` is untouched."""
    from cards.content import load_deck

    parent = target.parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=parent))
    try:
        for relative, text in files.items():
            path = staging / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        try:
            _, warnings = load_deck(staging)
        except ContentError as exc:
            raise ContentError(
                [back_to_sheet(p, staging, rows_of, sheet) for p in exc.problems]
            ) from None
        warnings = [back_to_sheet(p, staging, rows_of, sheet) for p in warnings]
        replace_folder(staging, target, force)
        return warnings
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def back_to_sheet(
    problem: Problem, staging: Path, rows_of: dict[Path, int], sheet: Path
) -> Problem:
    """A problem found in the written deck, told at the sheet's row it came from."""
    try:
        relative = Path(problem.path).relative_to(staging)
    except ValueError:
        return problem
    return Problem(sheet, rows_of.get(relative, 1), problem.level, problem.message)


def replace_folder(staging: Path, target: Path, force: bool) -> None:
    """Move the new deck into place; with ``force`` the old one goes only once the
    new one is there."""
    if not target.exists():
        os.replace(staging, target)
        return
    if not force:
        raise ContentError([Problem(target, 1, ERROR, "already exists; add --force to replace it")])
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=target.parent))
    os.rmdir(old)
    os.replace(target, old)
    try:
        os.replace(staging, target)
    except OSError:
        os.replace(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)


# -- export -------------------------------------------------------------------------------------


def export_deck(deck_path: Path, sheet: Path) -> int:
    """Write the deck as a sheet ``cards import`` reads back; returns the rows written."""
    from cards.content import load_deck
    from cards.content.files import Document, Problems, read_document

    if sheet.suffix.lower() not in SHEET_SUFFIXES:
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
    for section in deck.sections:
        index = document(section.source.path)
        sections.append(
            {
                "section": section.title,
                **{k: plain(index.fields.get(k)) for k in ("colour", "weight", "diagram")},
                "intro": index.body.strip("\n"),
            }
        )
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
            rows.append(row)
    deck_doc = document(deck.source.path)
    deck_rows = [
        (name, plain(deck_doc.fields.get(name))) for name in DECK_FIELDS if name != "intro"
    ]
    deck_rows = [(n, v) for n, v in deck_rows if v != ""]
    deck_rows.append(("intro", deck_doc.body.strip("\n")))
    if sheet.suffix.lower() == ".csv":
        write_csv(sheet, rows, sections)
    else:
        write_xlsx(sheet, rows, sections, deck_rows)
    return len(rows)


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


def write_csv(sheet: Path, rows: list[dict[str, Any]], sections: list[dict[str, Any]]) -> None:
    """Techniques only; each section's colour on its first row."""
    colours = {s["section"]: s.get("colour", "") for s in sections}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(TECHNIQUE_COLUMNS)
    seen = set()
    for row in rows:
        row = {**row, "diagram": row["diagram"] or row["_diagram"]}
        if row["section"] not in seen:
            row["colour"] = colours.get(row["section"], "")
            seen.add(row["section"])
        writer.writerow([row.get(c, "") for c in TECHNIQUE_COLUMNS])
    write_bytes(sheet, buffer.getvalue().encode("utf-8"))


def write_xlsx(
    sheet: Path,
    rows: list[dict[str, Any]],
    sections: list[dict[str, Any]],
    deck_rows: list[tuple[str, Any]],
) -> None:
    import openpyxl
    from openpyxl.styles import Alignment, Font

    workbook = openpyxl.Workbook()
    techniques = workbook.active
    techniques.title = "techniques"
    techniques.append(list(TECHNIQUE_COLUMNS))
    for row in rows:
        techniques.append([row.get(c, "") for c in TECHNIQUE_COLUMNS])
    section_sheet = workbook.create_sheet("sections")
    section_sheet.append(list(SECTION_COLUMNS))
    for section in sections:
        section_sheet.append([section.get(c, "") for c in SECTION_COLUMNS])
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
    buffer = io.BytesIO()
    workbook.save(buffer)
    write_bytes(sheet, buffer.getvalue())


def write_bytes(path: Path, data: bytes) -> None:
    from cards.output import write_atomic

    write_atomic(path, data)
