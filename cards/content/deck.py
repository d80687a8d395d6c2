"""A deck folder read into the model: sections, techniques, and the deck's own rules.

Problems are collected, not raised one at a time: a deck with five mistakes
gets five lines. ``load_deck`` returns the deck and its warnings, or raises
``ContentError`` with everything it found when any problem is an error.
Nothing outside the deck folder is read: a link that leads out is an error.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt

from cards.colour import (
    AA_CONTRAST,
    assign_colours,
    best_text_contrast,
    look_alike_in_greyscale,
)
from cards.content.diagrams import DiagramReader, usable
from cards.content.fields import (
    DECK_FIELDS,
    FONT_SUFFIXES,
    NEAR_MARKDOWN,
    SECTION_FIELDS,
    TECHNIQUE_FIELDS,
    Field,
    check_fields,
    check_label_names,
)
from cards.content.files import INDEX, Document, KeptFile, Problems, read_document
from cards.content.markdown import (
    headed_safety_note,
    markdown_blocks,
    markdown_parser,
    part_under,
    typographic,
)
from cards.content.paths import MAX_DEPTH, TooDeep, deck_path, stays_inside, walk
from cards.content.translations import language_of, optional, original_of, translation_of
from cards.fontfiles import FontFileError, truetype_file
from cards.images import file_stamps
from cards.labels import labels_for
from cards.model import Block, Deck, Diagram, Section, Source, Technique
from cards.problems import ERROR, ContentError, Problem, display_path, has_errors
from cards.workers import WorkCache, in_workers, worth_parallel

# --------------------------------------------------------------------------
# The deck


def sort_key(weight: int | None, name: str) -> tuple[bool, int, str]:
    """Weighted items first, by weight; then the rest by file or folder name."""
    return (weight is None, weight or 0, name)


def visible(name: str) -> bool:
    """Files and folders starting with _ or . are the author's, not the deck's."""
    return not name.startswith((".", "_"))


@dataclass(frozen=True)
class Reading:
    """What reading one deck shares across its files."""

    root: Path  # the deck folder: nothing outside it is read
    md: MarkdownIt  # set for the deck's language
    problems: Problems
    diagrams: DiagramReader
    language: str = "en"
    kept: WorkCache | None = None  # a watch session's files read before
    real_root: str = ""  # the deck folder with every link resolved, once per reading
    # a build in another of the deck's languages: its translations read in
    # place of the originals (content/translations.py), the own language kept
    # where a file has none
    translation: str = ""
    own_language: str = "en"
    languages: frozenset[str] = frozenset()  # the suffixes that mark a translation


@dataclass(frozen=True)
class SectionRead:
    """A section folder read: its fields, intro and techniques, before numbering."""

    folder: Path
    values: dict[str, Any]
    intro: tuple[Block, ...]
    techniques: list[Technique]
    colour_line: int  # where its colour is written (or 1), for messages about it
    diagram: Diagram | None  # its own, else the deck's
    language: str = ""  # where its title and intro are in the own language (no translation)


def load_technique(
    path: Path, reading: Reading, inherited: Diagram | None = None, base: Path | None = None
) -> tuple[Technique, int | None] | None:
    """A technique file read (or, in a watch session, kept from the last build
    when neither it nor what it names has changed since); ``base``: the
    original of a translation, whose fields it keeps where it has none."""
    kept = reading.kept
    if kept is None:
        return read_technique(path, reading, inherited, base)
    stamps = file_stamps(path, base) if base else file_stamps(path)
    key = (stamps, inherited, reading.language, str(reading.root), reading.translation)
    known = kept.find(key)
    if known is not None and file_stamps(*(Path(p) for p, _, _ in known.names)) == known.names:
        reading.problems.items.extend(known.problems)
        kept_result: tuple[Technique, int | None] | None = known.result
        return kept_result
    before = len(reading.problems.items)
    result = read_technique(path, reading, inherited, base)
    named = (
        (result[0].image, result[0].diagram.path if result[0].diagram else None) if result else ()
    )
    kept.store(key, KeptFile(result, reading.problems.items[before:], file_stamps(*named)))
    return result


def read_technique(
    path: Path, reading: Reading, inherited: Diagram | None = None, base: Path | None = None
) -> tuple[Technique, int | None] | None:
    md, problems, deck_root, diagrams = reading.md, reading.problems, reading.root, reading.diagrams
    doc = read_document(path, problems)
    if doc is None:
        return None
    values = check_fields(doc, optional(TECHNIQUE_FIELDS) if base else TECHNIQUE_FIELDS, problems)
    if base is not None:  # a translation: the original's fields where it has none
        values = {**original_fields(base, TECHNIQUE_FIELDS), **values}
    if "title" not in values:
        return None
    image = None
    if "image" in values:
        image = deck_path(
            doc, "image", values["image"], deck_root, problems, language=reading.translation
        )
        if not values.get("alt"):
            problems.warning(
                path,
                doc.field_lines.get("image", 1),
                "the picture has no alternative text: add  alt: what it shows  (a screen "
                "reader says it in the picture's place; without it, only the technique's title)",
            )
    diagram = diagrams.resolve(doc, values["diagram"]) if "diagram" in values else inherited
    areas, arrows = diagrams.parts_named(doc, values, diagram)
    body = markdown_blocks(doc, md, problems)
    if not body:
        problems.warning(path, doc.body_line, "the technique has no text below its front matter")
    technique = Technique(
        slug=(base or path).stem,
        title=typographic(md, values["title"]),
        body=body,
        source=Source(path, 1),
        hold=values.get("hold") and typographic(md, values["hold"]),
        repeat=values.get("repeat") and typographic(md, values["repeat"]),
        pressure=values.get("pressure"),
        weight=values.get("weight"),
        draft=values.get("draft", False),
        image=image,
        diagram=usable(diagram),
        areas=areas,
        arrows=arrows,
        alt=values.get("alt"),
        # an original read for a translation it lacks: its words are the own language's
        language=reading.own_language if reading.translation and base is None else "",
    )
    return technique, technique.weight


def original_fields(path: Path, fields: tuple[Field, ...]) -> dict[str, Any]:
    """The front matter of a translation's original, checked quietly (the own
    language's build reports its problems)."""
    quiet = Problems()
    doc = read_document(path, quiet)
    return check_fields(doc, fields, quiet) if doc else {}


def load_section(
    folder: Path, reading: Reading, deck_diagram: Diagram | None = None
) -> SectionRead | None:
    md, problems, deck_root, diagrams = reading.md, reading.problems, reading.root, reading.diagrams
    index = folder / INDEX
    section_language = ""
    values: dict[str, Any] | None = None
    intro: tuple[Block, ...] = ()
    doc = None
    if not index.is_file():
        problems.error(index, 1, "section has no _index.md (it needs at least 'title: ...')")
    elif stays_inside(index, deck_root, problems, "the section's _index.md", reading.real_root):
        doc = read_document(index, problems)
        values = check_fields(doc, SECTION_FIELDS, problems) if doc else None
        translated = translation_of(index, reading.translation) if reading.translation else None
        if translated is not None and translated.is_file() and doc and values is not None:
            own = doc
            doc = read_document(translated, problems) or own
            values = {**values, **check_fields(doc, optional(SECTION_FIELDS), problems)}
            intro = markdown_blocks(doc, md, problems) or markdown_blocks(own, md, Problems())
        elif doc and reading.translation:  # no translation: its title and intro as written
            section_language = reading.own_language
            intro = markdown_blocks(doc, md, problems)
        else:
            intro = markdown_blocks(doc, md, problems) if doc else ()
    diagram = deck_diagram
    if doc and values and "diagram" in values:
        diagram = diagrams.resolve(doc, values["diagram"])
    try:
        everything = sorted(walk(folder, stop=True))  # one walk: techniques, and near misses
    except TooDeep as exc:
        problems.error(
            exc.folder,
            1,
            f"folders nest deeper than {MAX_DEPTH} levels here; a section holds technique "
            "files (and a few folders of them), not a tree",
        )
        everything = []
    files = [
        p
        for p in everything
        if p.suffix == ".md"
        and p.is_file()
        and all(visible(part) for part in p.relative_to(folder).parts)
        and stays_inside(p, deck_root, problems, "the technique file", reading.real_root)
    ]
    originals = [p for p in files if language_of(p, reading.languages) is None]
    for alone in sorted(set(files) - set(originals)):
        if original_of(alone) not in originals and not reading.translation:
            problems.warning(
                alone,
                1,
                f"ignored: a translation of {original_of(alone).name}, which is not there; "
                "a technique is written in the deck's own language first",
            )
    chosen: list[tuple[Path, Path | None]] = []  # the file read, and its original
    for original in originals:
        translated = translation_of(original, reading.translation) if reading.translation else None
        if translated is not None and translated in files:
            chosen.append((translated, original))
        else:
            chosen.append((original, None))
    for other in everything:
        if other.suffix.lower() in NEAR_MARKDOWN and visible(other.name) and other.is_file():
            problems.warning(
                other, 1, f"ignored: techniques are .md files; rename it to {other.stem}.md"
            )
    loaded = [t for p, base in chosen if (t := load_technique(p, reading, diagram, base))]
    loaded.sort(key=lambda pair: sort_key(pair[1], str(pair[0].source.path.relative_to(folder))))
    techniques = [t for t, _ in loaded if not t.draft]
    if values is None:
        return None
    colour_line = doc.field_lines.get("colour", 1) if doc else 1
    return SectionRead(folder, values, intro, techniques, colour_line, diagram, section_language)


def read_sections(
    subs: list[Path],
    reading: Reading,
    deck_diagram: Diagram | None,
    jobs: int,
    meanwhile: Callable[[], None] | None = None,
) -> list[SectionRead]:
    """Each section folder read, in order; in ``jobs`` worker processes for a
    large deck (Markdown parsing is most of loading), while this one runs
    ``meanwhile()``. Problems keep the order a single process finds them in."""
    if jobs == 1 or not worth_parallel(jobs, markdown_files(subs)):  # the walk only to decide
        if meanwhile is not None:
            meanwhile()
        return [s for sub in subs if (s := load_section(sub, reading, deck_diagram))]
    problems = reading.problems

    def read_one(index: int) -> tuple[SectionRead | None, list[Problem]]:
        before = len(problems.items)
        section = load_section(subs[index], reading, deck_diagram)
        found = problems.items[before:]
        del problems.items[before:]
        return section, found

    sections = []
    errors = {p for p in problems.items if p.level == ERROR}
    for section, found in in_workers(read_one, len(subs), jobs, meanwhile=meanwhile):
        # a broken diagram is reported once per process that reads it: keep one
        # (errors are sorted when reported, so which one is first does not matter)
        problems.items.extend(p for p in found if p.level != ERROR or p not in errors)
        errors.update(p for p in found if p.level == ERROR)
        if section:
            sections.append(section)
    return sections


def markdown_files(folders: list[Path]) -> int:
    return sum(1 for folder in folders for f in walk(folder, ".md"))


def load_deck(
    folder: Path,
    jobs: int = 1,
    kept: WorkCache | None = None,
    meanwhile: Callable[[], None] | None = None,
    language: str | None = None,
) -> tuple[Deck, list[Problem]]:
    """The deck in ``folder`` and its warnings; raises ContentError on any error.
    With ``jobs`` above one, a large deck's sections are read in worker
    processes while this one runs ``meanwhile()``; with a watch session's
    ``kept`` files, only the changed ones are read again (here: little to share).
    ``language``: one of the deck's ``languages`` to read it in (its
    translations, the own language where a file has none); None: its own."""
    problems = Problems()
    folder = Path(folder)
    if not folder.is_dir():
        what = "is a file, not a deck folder" if folder.exists() else "deck folder not found"
        problems.error(folder, 1, what)
        raise ContentError(problems.items)
    if is_a_section(folder):
        parent = display_path(folder.parent if folder.name else folder.resolve().parent)
        where = "the current folder" if parent == "." else parent
        problems.error(
            folder / INDEX,
            1,
            f"this folder is a section of the deck in {where}, not a deck: build the deck "
            f"(cards build {parent}), or --section {folder.resolve().name} for its cards alone",
        )
        raise ContentError(problems.items)
    deck_index = folder / INDEX
    deck_values: dict[str, Any] = {}
    translated_doc: Document | None = None  # the deck's _index.<language>.md, where read
    deck_intro: tuple[Block, ...] = ()
    md = markdown_parser("en")
    diagrams = DiagramReader(folder, problems)
    if not deck_index.is_file():
        problems.error(
            deck_index, 1, "not a deck: the folder has no _index.md with the deck's title"
        )
    elif stays_inside(deck_index, folder, problems, "the deck's _index.md"):
        doc = read_document(deck_index, problems)
        if doc:
            deck_values = check_fields(doc, DECK_FIELDS, problems)
            own = deck_values.get("language") or deck_values.get("languages", ("en",))[0]
            deck_values["languages"] = tuple(
                dict.fromkeys((own, *deck_values.get("languages", ())))
            )
            deck_values["language"] = own
            if language and language != own:
                deck_values, translated_doc = read_translated_index(
                    doc, deck_values, language, problems
                )
                diagrams.language = language  # its pictures' variants, where it has them
            md = markdown_parser(deck_values.get("language", "en"))
            if "templates" in deck_values:
                deck_values["templates"] = deck_path(
                    doc, "templates", deck_values["templates"], folder, problems, want_dir=True
                )
            check_label_names(doc, deck_values.get("labels", {}), problems)
            words = {
                **labels_for(deck_values.get("language", "en")),
                **deck_values.get("labels", {}),
            }
            intro_doc = translated_doc or doc
            deck_intro = headed_safety_note(
                markdown_blocks(intro_doc, md, problems) or markdown_blocks(doc, md, Problems()),
                words["before_you_start"],
            )
            if intro_doc is not doc:  # a translation's intro keeps the deck's safety note
                deck_intro = with_own_safety_note(
                    deck_intro, doc, intro_doc, words["before_you_start"], own, problems
                )
            if "diagram" in deck_values:
                deck_values["diagram"] = diagrams.resolve(doc, deck_values["diagram"])
            if "logo" in deck_values:
                deck_values["logo"] = deck_path(
                    doc, "logo", deck_values["logo"], folder, problems, language=diagrams.language
                )
                if not deck_values.get("logo_alt"):
                    problems.warning(
                        doc.path,
                        doc.field_lines.get("logo", 1),
                        "the logo has no alternative text: add  logo_alt: who it stands for  "
                        "(without it a screen reader says the deck's title)",
                    )
            if "fonts" in deck_values:
                deck_values["fonts"] = deck_fonts(doc, deck_values["fonts"], folder, problems)
            if "title" in deck_values:
                deck_values["title"] = typographic(md, deck_values["title"])

    for stray in sorted(folder.glob("*.md")):
        if stray.name != INDEX and visible(stray.name):
            problems.warning(stray, 1, "ignored: a technique must be inside a section folder")

    sections = []
    layouts = deck_values.get("templates")
    subs = [
        sub
        for sub in sorted(p for p in folder.iterdir() if p.is_dir() and visible(p.name))
        # not the deck's own layouts, nor a folder of pictures or PDFs (-o inside
        # the deck), nor a link out of the deck
        if not (layouts and sub.resolve() == layouts)
        and holds_text(sub)
        and stays_inside(sub, folder, problems, "the section folder")
    ]
    language = deck_values.get("language", "en")
    languages = deck_values.get("languages", (language,))
    own_language = languages[0]
    reading = Reading(
        folder,
        md,
        problems,
        diagrams,
        language,
        kept,
        os.path.realpath(folder),
        translation="" if language == own_language else language,
        own_language=own_language,
        languages=frozenset(languages[1:]),
    )
    raw_sections = read_sections(
        subs, reading, deck_values.get("diagram"), 1 if kept else jobs, meanwhile
    )
    raw_sections.sort(key=lambda s: sort_key(s.values.get("weight"), s.folder.name))

    colours = assign_colours([s.values.get("colour") for s in raw_sections])
    number = 0
    for index, (read, colour) in enumerate(zip(raw_sections, colours), start=1):
        sub, values, intro, techniques = read.folder, read.values, read.intro, read.techniques
        numbered = []
        for t in techniques:
            number += 1
            numbered.append(replace(t, number=number))
        sections.append(
            Section(
                slug=sub.name,
                title=typographic(md, values["title"]) if "title" in values else sub.name,
                colour=colour,
                intro=intro,
                source=Source(sub / INDEX, read.colour_line),
                techniques=tuple(numbered),
                number=index,
                weight=values.get("weight"),
                diagram=usable(read.diagram),
                colour_given="colour" in values,
                language=read.language,
            )
        )

    check_deck(sections, problems, folder)
    if has_errors(problems.items) or "title" not in deck_values:
        raise ContentError(problems.items)
    newest = max(
        (p.stat().st_mtime for p in walk(folder, ".md") if p.is_file() and not p.is_symlink()),
        default=0.0,
    )
    untranslated = tuple(
        [s.source.path for s in sections if s.language]
        + [t.source.path for s in sections for t in s.techniques if t.language]
    )
    if reading.translation and untranslated:
        problems.warning(
            translated_doc.path if translated_doc else deck_index,
            1,
            f"{len(untranslated)} file(s) not translated into {language} yet, printed in "
            f"{own_language}: {', '.join(display_path(p) for p in untranslated[:6])}"
            + (f" … and {len(untranslated) - 6} more" if len(untranslated) > 6 else ""),
        )
    deck = Deck(
        slug=folder.resolve().name + (f"-{language}" if reading.translation else ""),
        title=deck_values["title"],
        intro=deck_intro,
        source=Source(deck_index, 1),
        sections=tuple(sections),
        subtitle=deck_values.get("subtitle") and typographic(md, deck_values["subtitle"]),
        author=deck_values.get("author"),
        language=deck_values.get("language", "en"),
        newest_mtime=newest,
        templates=deck_values.get("templates"),
        labels=deck_values.get("labels", {}),
        diagram=usable(deck_values.get("diagram")),
        hyphenate=deck_values.get("hyphenate", False),
        contact=deck_values.get("contact", ()),
        url=deck_values.get("url"),
        logo=deck_values.get("logo"),
        logo_alt=deck_values.get("logo_alt"),
        fonts=deck_values.get("fonts", ()),
        reviewed=deck_values.get("reviewed"),
        sources=tuple(typographic(md, source) for source in deck_values.get("sources", ())),
        plain_words=deck_values.get("plain_words", {}),
        review=deck_values.get("review", {}),
        languages=languages if len(languages) > 1 else (),
        own_language=own_language if reading.translation else "",
        untranslated=untranslated,
    )
    return deck, problems.items


def deck_fonts(
    doc: Document, names: tuple[str, ...], folder: Path, problems: Problems
) -> tuple[Path, ...]:
    """The deck's fonts, each a TrueType or OpenType file inside the deck
    (fontfiles.truetype_file: read within bounds, CFF outlines converted)."""
    line = doc.field_lines.get("fonts", 1)
    found = []
    for name in names:
        target = Path(os.path.normpath(doc.path.parent / name)).resolve()
        if not target.is_relative_to(folder.resolve()):
            problems.error(
                doc.path, line, f"font '{name}' is outside the deck folder; keep it inside"
            )
        elif target.suffix.lower() not in FONT_SUFFIXES:
            problems.error(doc.path, line, f"font '{name}' must be a .ttf or .otf file")
        elif not target.is_file():
            problems.error(doc.path, line, f"font '{name}' not found beside {doc.path.name}")
        else:
            try:
                found.append(truetype_file(target))
            except FontFileError as exc:
                problems.error(doc.path, line, f"font '{name}' {exc}")
    return tuple(found)


def with_own_safety_note(
    intro: tuple[Block, ...],
    own_doc: Document,
    translated_doc: Document,
    heading: str,
    own_language: str,
    problems: Problems,
) -> tuple[Block, ...]:
    """A translated intro without the safety note gets the own language's in
    its place, under the translated heading, and a warning: a deck that has
    one never goes out without it."""
    wanted = heading.casefold()
    if any(b.kind == "heading" and b.items[0].casefold() == wanted for b in intro):
        return intro
    own_heading = labels_for(own_language)["before_you_start"]
    own_intro = headed_safety_note(
        markdown_blocks(own_doc, markdown_parser(own_language), Problems()), own_heading
    )
    note = part_under(own_intro, own_heading)
    if not note:
        return intro
    problems.warning(
        translated_doc.path,
        translated_doc.body_line,
        f"no safety note ('## {heading}'): the {own_language} one is printed in its place;"
        " translate it here",
    )
    return (*intro, Block("heading", (heading,)), *note)


def read_translated_index(
    doc: Document, values: dict[str, Any], language: str, problems: Problems
) -> tuple[dict[str, Any], Document | None]:
    """The deck's fields for a build in ``language``: its ``_index.<language>.md``
    (which says what differs) over the own ``_index.md``'s; and that file, if
    the deck has it."""
    languages = values["languages"]
    if language not in languages:
        problems.error(
            doc.path,
            doc.field_lines.get("languages", 1),
            f"the deck is not kept in '{language}': its languages are {', '.join(languages)}"
            " (add it to  languages:  in _index.md)",
        )
        return values, None
    merged = {**values, "language": language}
    translated = translation_of(doc.path, language)
    own_doc = read_document(translated, problems) if translated.is_file() else None
    if own_doc is not None:
        fields = optional(tuple(f for f in DECK_FIELDS if f.name != "languages"))
        merged.update(check_fields(own_doc, fields, problems))
        merged["language"] = language
    return merged, own_doc


def holds_text(folder: Path) -> bool:
    """A folder with an _index.md or any Markdown in it is meant as a section;
    one with none (pictures, or the PDFs of -o pointed inside the deck) is not."""
    return (folder / INDEX).exists() or bool(walk(folder, ".md"))


def is_a_section(folder: Path) -> bool:
    """A folder of technique files with no section folders, inside a folder that
    has an _index.md itself: a section given where its deck was meant."""
    if not (folder.resolve().parent / INDEX).is_file():
        return False
    techniques = [p for p in folder.glob("*.md") if p.name != INDEX and visible(p.name)]
    sections = [p for p in folder.iterdir() if p.is_dir() and (p / INDEX).is_file()]
    return bool(techniques) and not sections


def check_deck(sections: list[Section], problems: Problems, folder: Path) -> None:
    """Rules about the deck as a whole."""
    if not any(s.techniques for s in sections):
        problems.error(
            folder / INDEX, 1, "the deck has no techniques: add section folders with .md files"
        )
    for before, after in itertools.pairwise(sections):
        if not (before.colour_given and after.colour_given):
            continue  # the palette keeps its own colours apart from their neighbours
        alike = look_alike_in_greyscale(before.colour, after.colour)
        if alike:
            problems.warning(
                after.source.path,
                after.source.line,
                f"sections {before.number} and {after.number} look alike in greyscale: {alike}",
            )
    seen: dict[str, Technique] = {}
    for section in sections:
        if not section.techniques:
            problems.warning(section.source.path, 1, "section has no techniques")
        ratio = best_text_contrast(section.colour)
        if ratio < AA_CONTRAST:
            problems.warning(
                section.source.path,
                section.source.line,
                f"colour {section.colour} gives band text a contrast of {ratio:.1f}:1, "
                f"below {AA_CONTRAST}:1 (WCAG AA); choose a darker colour",
            )
        for t in section.techniques:
            key = t.title.casefold()
            if key in seen:
                first = seen[key].source.path
                problems.warning(
                    t.source.path, 1, f"duplicate title '{t.title}' (also in {first.name})"
                )
            else:
                seen[key] = t
