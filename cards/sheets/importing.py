"""`cards import`: a sheet's rows planned into sections and written as a deck folder.

The deck is written into a temporary folder beside the target, loaded back as a
build would, and only then renamed into place: a failed import leaves nothing.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from cards.content.files import INDEX
from cards.problems import ERROR, ContentError, Problem, display_path
from cards.sheets.reading import (
    SECTION_COLUMNS,
    SHEET_SUFFIXES,
    TECHNIQUE_COLUMNS,
    TRANSLATED_COLUMNS,
    TRANSLATED_DECK_FIELDS,
    TRANSLATED_SECTION_COLUMNS,
    WORKBOOK_SUFFIXES,
    Row,
    SheetProblems,
    SheetTooLarge,
    blank,
    body_of,
    cell_value,
    checked_fields,
    read_table,
    read_workbook_sheet,
    translated_column,
)


@dataclass
class SectionPlan:
    title: str
    fields: dict[str, Any] = field(default_factory=dict)
    intro: str = ""
    # each technique: its row, its fields, its steps, its translations by language
    techniques: list[tuple[Row, dict[str, Any], str, dict[str, dict[str, Any]]]] = field(
        default_factory=list
    )
    translations: dict[str, dict[str, Any]] = field(default_factory=dict)  # title, intro


# -- import ------------------------------------------------------------------------------------


def import_sheet(
    sheet: Path, target: Path, title: str | None = None, force: bool = False
) -> list[Problem]:
    """Write the deck folder ``target`` from ``sheet``; returns its warnings.

    Raises ContentError with every problem at once; nothing is left behind then.
    """
    problems = SheetProblems(sheet)
    if sheet.suffix.lower() not in SHEET_SUFFIXES:
        problems.error(1, "a sheet must be a .csv, .xlsx, .ods or .xls file")
        raise ContentError(problems.items)
    if not sheet.is_file():
        problems.error(1, "sheet not found")
        raise ContentError(problems.items)
    if target.exists() and not force:
        raise ContentError(
            [Problem(target, 1, ERROR, "already exists; choose a new folder or add --force")]
        )
    if target.exists():
        refuse_to_replace(target, sheet)
    rows = read_table(sheet, problems)
    if rows is None:
        raise ContentError(problems.items)
    deck_fields, deck_intro, deck_translations = deck_of(sheet, title, problems)
    sections = plan_sections(rows, problems, str(deck_fields["title"]))
    if sheet.suffix.lower() in WORKBOOK_SUFFIXES:
        add_section_sheet(sheet, sections, problems)
    if not rows and not problems.has_errors():
        problems.error(1, "the sheet has no techniques: one row per technique, with a title")
    if problems.has_errors():
        raise ContentError(problems.items)
    languages = translated_languages(deck_translations, sections)
    if languages and "languages" not in deck_fields:
        own = str(deck_fields.get("language", "en"))
        deck_fields["languages"] = [own, *(lang for lang in languages if lang != own)]
    files, rows_of = deck_files(deck_fields, deck_intro, sections, deck_translations)
    warnings = write_and_check(files, rows_of, target, sheet, force, languages)
    return problems.items + warnings


def deck_of(
    sheet: Path, title: str | None, problems: SheetProblems
) -> tuple[dict[str, Any], str, dict[str, dict[str, Any]]]:
    """The deck's fields and intro, and its translations ("title.de", "intro.de"
    rows): from the ``deck`` sheet of a workbook, else from ``--title`` or the
    file's name."""
    from cards.content.fields import DECK_FIELDS as RULES

    rules = {f.name: f.check for f in RULES}
    fields: dict[str, Any] = {}
    intro = ""
    translations: dict[str, dict[str, Any]] = {}
    if sheet.suffix.lower() in WORKBOOK_SUFFIXES:
        for row in read_table_pairs(sheet, "deck", problems):
            name, value = row.values.get("field"), row.values.get("value")
            name = str(name).strip() if name is not None else ""
            translated = translated_column(name, TRANSLATED_DECK_FIELDS)
            name = name.lower() if translated is None else name
            if translated is not None:
                if not blank(value):
                    text = str(value).replace("\r\n", "\n")
                    translations.setdefault(translated[1], {})[translated[0]] = text
            elif name == "intro":
                intro = str(value or "").replace("\r\n", "\n").strip("\n") + "\n"
            elif name in rules and not blank(value):
                mapping = name in ("labels", "plain_words", "review")
                raw = parse_mapping(value) if mapping else cell_value(name, value)
                if name == "hyphenate":
                    raw = cell_value("draft", value)
                if name in ("contact", "sources") and isinstance(raw, str):
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
    return fields, intro, translations


def translated_languages(
    deck: dict[str, dict[str, Any]], sections: dict[str, SectionPlan]
) -> list[str]:
    """Every language the sheet has translations in, in the order first met."""
    found = list(deck)
    for plan in sections.values():
        found += list(plan.translations)
        for *_, translations in plan.techniques:
            found += list(translations)
    return list(dict.fromkeys(found))


def parse_mapping(value: Any) -> Any:
    try:
        return yaml.safe_load(str(value))
    except yaml.YAMLError:
        return value


def read_table_pairs(sheet: Path, name: str, problems: SheetProblems) -> list[Row]:
    """A sheet of ``field`` / ``value`` rows (its header row may be either way)."""
    table = read_workbook_sheet(sheet, name, problems) or []
    if isinstance(table, SheetTooLarge):
        problems.error(table.row, f"in sheet '{name}': {table}")
        return []
    rows = []
    for number, cells in enumerate(table, start=1):
        cells = list(cells) + [None, None]
        if number == 1 and str(cells[0] or "").strip().lower() == "field":
            continue
        if not blank(cells[0]):
            rows.append(Row(number, {"field": cells[0], "value": cells[1]}))
    return rows


def plan_sections(
    rows: list[Row], problems: SheetProblems, whole: str = "Cards"
) -> dict[str, SectionPlan]:
    """Sections in the order their rows first appear, each with its techniques.

    A sheet that names no section at all (a plain list of cards) is one section,
    called ``whole``; once any row names one, a row must have a section (its own
    or the one above it)."""
    known = set(TECHNIQUE_COLUMNS)
    unknown: dict[str, int] = {}
    sections: dict[str, SectionPlan] = {}
    current = None if any("section" in row.values for row in rows) else whole
    for row in rows:
        translations: dict[str, dict[str, Any]] = {}
        for column in row.values:
            translated = translated_column(column, ("section", *TRANSLATED_COLUMNS))
            if translated is not None:
                value = row.values[column]
                if not blank(value):
                    field_name, language = translated
                    text = str(value).replace("\r\n", "\n")
                    translations.setdefault(language, {})[field_name] = text
            elif column not in known:
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
        for language, cells in translations.items():  # section.de: the section's title
            if "section" in cells:
                title = " ".join(cells.pop("section").split())
                plan.translations.setdefault(language, {}).setdefault("title", title)
        translations = {language: cells for language, cells in translations.items() if cells}
        plan.techniques.append((row, values, body_of(row.values.get("steps")), translations))
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
        for column, value in row.values.items():
            translated = translated_column(column, TRANSLATED_SECTION_COLUMNS)
            if translated is not None and not blank(value):
                name, language = translated
                text = str(value).replace("\r\n", "\n")
                if name == "section":
                    text = " ".join(text.split())
                cells = sections[key].translations.setdefault(language, {})
                cells["title" if name == "section" else "intro"] = text
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
    writes it (``areas: [ball, arch]``), one id alone as itself; sources as a
    list of lines."""
    if name == "sources" and isinstance(value, list):
        return yaml.safe_dump(
            {name: value}, allow_unicode=True, default_flow_style=False, width=1_000
        )
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if isinstance(value, list):
        flow = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=1_000)
        return f"{name}: {flow.strip()}\n"
    return yaml.safe_dump({name: value}, allow_unicode=True, default_flow_style=False, width=1_000)


def deck_files(
    deck_fields: dict[str, Any],
    intro: str,
    sections: dict[str, SectionPlan],
    deck_translations: dict[str, dict[str, Any]] | None = None,
) -> tuple[dict[Path, str], dict[Path, int]]:
    """Every file of the deck by relative path, and the sheet row each came
    from; a translation beside its original (``_index.de.md``, ``01-x.de.md``)."""
    files = {Path(INDEX): front_matter(deck_fields, intro)}
    for language, cells in (deck_translations or {}).items():
        files[Path(f"_index.{language}.md")] = translated_file(cells, "intro")
    rows_of: dict[Path, int] = {}
    width = max(2, len(str(len(sections))))
    for number, plan in enumerate(sections.values(), start=1):
        folder = Path(f"{number:0{width}d}-{slug(plan.title)}")
        fields = {"title": plan.title, **{k: v for k, v in plan.fields.items() if k != "title"}}
        files[folder / INDEX] = front_matter(fields, plan.intro)
        for language, cells in plan.translations.items():
            files[folder / f"_index.{language}.md"] = translated_file(cells, "intro")
        inner = max(2, len(str(len(plan.techniques))))
        for index, (row, values, body, translations) in enumerate(plan.techniques, start=1):
            name = folder / f"{index:0{inner}d}-{slug(values['title'])}.md"
            ordered = {
                "title": values["title"],
                **{k: v for k, v in values.items() if k != "title"},
            }
            for ids in ("areas", "arrows"):
                if ids in ordered:
                    ordered[ids] = list(ordered[ids])
            files[name] = front_matter(ordered, body)
            rows_of[name] = row.number
            for language, cells in translations.items():
                translated = name.with_name(f"{name.stem}.{language}.md")
                files[translated] = translated_file(cells, "steps")
                rows_of[translated] = row.number
    return files, rows_of


def translated_file(cells: dict[str, Any], body: str) -> str:
    """A translation's file: the text it gives (its body from ``body``'s cell);
    every other field is its original's."""
    fields = {k: " ".join(str(v).split()) for k, v in cells.items() if k != body}
    text = str(cells.get(body, "")).strip("\n")
    return front_matter(fields, f"{text}\n" if text else "")


def write_and_check(
    files: dict[Path, str],
    rows_of: dict[Path, int],
    target: Path,
    sheet: Path,
    force: bool,
    languages: list[str] | None = None,
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
            for language in languages or []:  # each translation, as a build reads it
                _, more = load_deck(staging, language=language)
                warnings += more
            warnings = list(dict.fromkeys(warnings))  # a file every language reads: once
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
    message = in_sheet_words(problem.message)
    for written in {str(staging), display_path(staging)}:  # files it names: as in the deck
        message = message.replace(written + os.sep, "")
    return Problem(sheet, rows_of.get(relative, 1), problem.level, message)


# What the loader says of a file, said of a spreadsheet's row: the files are
# ones the sheet's author has not seen (and, on an error, never will).
SHEET_WORDS = {
    "areas need a diagram": "areas need a diagram: name it in the row's diagram column (add "
    "the column if the sheet has none): foot-sole, foot-top, foot-inner or an SVG in the deck",
    "arrows need a diagram": "arrows need a diagram: name it in the row's diagram column (add "
    "the column if the sheet has none): foot-sole, foot-top, foot-inner or an SVG in the deck",
    "the technique has no text below its front matter": "the row has no steps: fill its steps "
    "column, one step a line",
}


def in_sheet_words(message: str) -> str:
    for start, words in SHEET_WORDS.items():
        if message.startswith(start):
            return words
    return message


def refuse_to_replace(target: Path, sheet: Path) -> None:
    """--force replaces a deck, and nothing else: not a folder without a deck's
    _index.md (a home folder, '.'), and never one that holds the sheet itself."""
    real = target.resolve()
    if not target.is_dir() or target.is_symlink():
        reason = "is not a folder" if not target.is_symlink() else "is a link"
        raise ContentError([Problem(target, 1, ERROR, f"{reason}; --force replaces deck folders")])
    if sheet.resolve().is_relative_to(real) or Path.cwd().resolve().is_relative_to(real):
        raise ContentError(
            [
                Problem(
                    target,
                    1,
                    ERROR,
                    "holds the sheet being imported or the current folder; --force will not "
                    "replace it: import into a new folder",
                )
            ]
        )
    if not (target / "_index.md").is_file():
        raise ContentError(
            [
                Problem(
                    target,
                    1,
                    ERROR,
                    "is not a deck (it has no _index.md); --force replaces only a deck folder: "
                    "choose a new folder",
                )
            ]
        )


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
