"""Read a deck folder into the model, checking every rule of the contract.

Problems are collected, not raised one at a time: a deck with five mistakes
gets five lines. ``load_deck`` returns the deck and its warnings, or raises
``ContentError`` with everything it found when any problem is an error.

Markdown bodies become blocks of inline layout markup here, once: text is
XML-escaped and only ``<b>``, ``<i>`` and ``<br/>`` are produced, so nothing an
author writes is ever evaluated as markup or as a template.
"""

from __future__ import annotations

import difflib
import itertools
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from cards.colour import (
    AA_CONTRAST,
    GREYSCALE_APART,
    HEX_COLOUR,
    PALETTE,
    best_text_contrast,
    lightness,
)
from cards.images import ImageTrouble, bitmap_size, read_svg, svg_parts
from cards.labels import LABELS
from cards.model import Block, Deck, Diagram, Section, Source, Technique
from cards.problems import ERROR, WARNING, ContentError, Problem, has_errors
from cards.resources import builtin_diagrams

INDEX = "_index.md"
# libyaml's loader when PyYAML was built with it: same safe rules, several times faster
FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_FILE_BYTES = 1_000_000
PRESSURES = ("gentle", "medium", "firm")
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
# Characters XML 1.0 cannot carry; a stray one must not break the layout markup.
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

# Quotes per language for markdown-it's typographer: “double”, ‘single’.
QUOTES = {
    "en": "“”‘’",
    "de": "„“‚‘",
    "pl": "„”‚’",
    "ru": "«»„“",
    "el": "«»“”",
    "fr": ["« ", " »", "‹ ", " ›"],
    "es": "«»“”",
    "it": "«»“”",
    "nl": "‘’‘’",
}


class Problems:
    """Collects problems for one load."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def error(self, path: Path, line: int, message: str) -> None:
        self.items.append(Problem(path, line, ERROR, message))

    def warning(self, path: Path, line: int, message: str) -> None:
        self.items.append(Problem(path, line, WARNING, message))


@dataclass(frozen=True)
class Document:
    """One Markdown file split into front matter and body."""

    path: Path
    fields: dict[str, Any]
    field_lines: dict[str, int]
    body: str
    body_line: int  # file line of the body's first line


# --------------------------------------------------------------------------
# Reading one file


def read_document(path: Path, problems: Problems) -> Document | None:
    """Read, decode and split one file; None when it cannot be used at all."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            problems.error(
                path, 1, f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,} (1 MB)"
            )
            return None
        raw = path.read_bytes()
    except OSError as exc:
        problems.error(path, 1, f"cannot read file: {exc.strerror or exc}")
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.error(
            path,
            line,
            f"not UTF-8: byte 0x{raw[exc.start]:02x} at offset {exc.start}; save the file as UTF-8",
        )
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if XML_INVALID.search(text):
        line = text[: XML_INVALID.search(text).start()].count("\n") + 1  # type: ignore[union-attr]
        problems.warning(path, line, "control characters removed (they cannot be printed)")
        text = XML_INVALID.sub("", text)
    return split_front_matter(path, text, problems)


def split_front_matter(path: Path, text: str, problems: Problems) -> Document | None:
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        problems.error(path, 1, "missing front matter: the file must start with a '---' line")
        return None
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() in ("---", "..."))
    except StopIteration:
        problems.error(path, 1, "front matter is not closed: add a '---' line after it")
        return None
    yaml_text = "\n".join(lines[1:end])
    try:
        # one parse gives both the values and the line of every key
        loader = FAST_LOADER(yaml_text)
        try:
            node = loader.get_single_node()
            if node is not None and not yaml_shape_ok(node, path, problems):
                return None
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        # an unclosed [ { or quote is found where the text ends; the mistake is
        # where it opened, so that is the line to point at
        context, context_mark = getattr(exc, "context", None), getattr(exc, "context_mark", None)
        mark = context_mark if context and context_mark else getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark else 1
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        if context and context_mark:
            reason = f"{reason} ({context} that starts here)"
        elif "mapping values are not allowed" in reason:
            reason += "; a value that holds ': ' must be in quotes"
        problems.error(path, line, f"front matter is not valid YAML: {reason}")
        return None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        problems.error(
            path, 2, "front matter must be 'name: value' lines, not a single value or a list"
        )
        return None
    field_lines: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, _value in node.value:
            field_lines[str(key_node.value)] = key_node.start_mark.line + 2
    fields = {str(k): v for k, v in data.items()}
    body = "\n".join(lines[end + 1 :])
    return Document(path, fields, field_lines, body, end + 2)


def yaml_shape_ok(node: yaml.Node, path: Path, problems: Problems) -> bool:
    """No key given twice in one mapping, and no aliases.

    YAML would quietly keep the last of two equal keys; an author who wrote
    both meant one of them, so it is an error naming both lines. Aliases
    (``*name``) are refused: front matter has no use for them, and a few
    nested ones expand into billions of values.
    """
    seen: set[int] = set()
    ok = True
    pending = [node]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            problems.error(
                path,
                current.start_mark.line + 2,
                "YAML aliases (*name) are not supported in front matter; write the value out",
            )
            return False
        seen.add(id(current))
        if isinstance(current, yaml.MappingNode):
            lines: dict[str, int] = {}
            for key_node, value_node in current.value:
                line = key_node.start_mark.line + 2
                if isinstance(key_node, yaml.ScalarNode):
                    key = key_node.value
                    if key in lines:
                        problems.error(
                            path,
                            line,
                            f"'{key}' is given twice (lines {lines[key]} and {line}); keep one",
                        )
                        ok = False
                    else:
                        lines[key] = line
                pending += [value_node, key_node]
        elif isinstance(current, yaml.SequenceNode):
            pending += current.value
    return ok


# --------------------------------------------------------------------------
# Fields


@dataclass(frozen=True)
class Field:
    name: str
    check: Callable[[Any], tuple[Any, str | None]]
    required: bool = False


def text_value(value: Any) -> tuple[Any, str | None]:
    if isinstance(value, bool) or value is None or isinstance(value, (list, dict)):
        kind = "empty" if value is None else type(value).__name__
        kind = {"dict": "a mapping", "list": "a list", "bool": "true/false"}.get(kind, kind)
        return None, f"must be text (got {kind})"
    if isinstance(value, (int, float)):
        return str(value), None
    if not isinstance(value, str):
        return None, f"must be text (got {type(value).__name__})"
    # YAML escapes such as "\x07" can smuggle in characters no PDF text can hold
    value = " ".join(XML_INVALID.sub("", value).split())
    if not value:
        return None, "must not be empty"
    return value, None


def int_value(value: Any) -> tuple[Any, str | None]:
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
        return int(value), None  # weight: "2" means 2
    if isinstance(value, bool) or not isinstance(value, int):
        return None, f"must be a whole number (got {_shown(value)})"
    return value, None


def _shown(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, (list, dict)):
        return "a list" if isinstance(value, list) else "a mapping"
    shown = repr(value)
    return shown if len(shown) <= 60 else shown[:57] + "…"


def bool_value(value: Any) -> tuple[Any, str | None]:
    if not isinstance(value, bool):
        return None, f"must be true or false (got {_shown(value)})"
    return value, None


def pressure_value(value: Any) -> tuple[Any, str | None]:
    word = value.strip().lower() if isinstance(value, str) else value
    if word not in PRESSURES:  # "Firm" is firm; "hard" is a mistake
        return None, f"must be one of {', '.join(PRESSURES)} (got {_shown(value)})"
    return word, None


def colour_value(value: Any) -> tuple[Any, str | None]:
    if value is None:
        return None, 'is empty; quote it, as in colour: "#2A6CB8" (a bare # starts a comment)'
    if not isinstance(value, str) or not HEX_COLOUR.match(value):
        return None, f"must be #RRGGBB (got {value!r})"
    return value.upper(), None


def language_value(value: Any) -> tuple[Any, str | None]:
    if not isinstance(value, str) or not LANGUAGE_TAG.match(value):
        return None, f"must be a language tag such as en, de or pt-BR (got {value!r})"
    return value, None


def labels_value(value: Any) -> tuple[Any, str | None]:
    if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
        return None, "must be a mapping of label names to words, such as  hold: Halten"
    words = {}
    for name, word in value.items():
        text, message = text_value(word)
        if message:
            return None, f"'{name}' {message}"
        words[name] = text
    return words, None


def lines_value(value: Any) -> tuple[Any, str | None]:
    """Several lines of text (a YAML block with ``|``, or a list), each kept apart."""
    items = value if isinstance(value, list) else str(value).split("\n") if value else []
    lines = []
    for item in items:
        text, message = text_value(item) if item not in ("", None) else (None, None)
        if message:
            return None, message
        if text:
            lines.append(text)
    if not lines:
        return None, "must not be empty"
    return tuple(lines), None


def url_value(value: Any) -> tuple[Any, str | None]:
    text, message = text_value(value)
    if message:
        return None, message
    if " " in text or "." not in text:
        return None, f"must be a web address such as example.org/feet (got {text!r})"
    return text, None


def ids_value(value: Any) -> tuple[Any, str | None]:
    """One id, or a list of ids (``areas: heel`` or ``areas: [heel, arch]``)."""
    items = value if isinstance(value, list) else [value]
    ids = []
    for item in items:
        if isinstance(item, bool) or not isinstance(item, (str, int)):
            return None, f"must be an id or a list of ids (got {_shown(value)})"
        ids += [part for part in re.split(r"[\s,]+", str(item)) if part]
    return tuple(dict.fromkeys(ids)), None


IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".svg")
NEAR_MARKDOWN = (".markdown", ".mdown", ".mkd", ".txt", ".md.txt")

DECK_FIELDS = (
    Field("title", text_value, required=True),
    Field("subtitle", text_value),
    Field("author", text_value),
    Field("language", language_value),
    Field("templates", text_value),
    Field("labels", labels_value),
    Field("diagram", text_value),
    Field("hyphenate", bool_value),
    Field("contact", lines_value),
    Field("url", url_value),
    Field("logo", text_value),
)
SECTION_FIELDS = (
    Field("title", text_value, required=True),
    Field("colour", colour_value),
    Field("weight", int_value),
    Field("diagram", text_value),
)
TECHNIQUE_FIELDS = (
    Field("title", text_value, required=True),
    Field("hold", text_value),
    Field("repeat", text_value),
    Field("pressure", pressure_value),
    Field("weight", int_value),
    Field("draft", bool_value),
    Field("image", text_value),
    Field("diagram", text_value),
    Field("areas", ids_value),
    Field("arrows", ids_value),
)


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def check_fields(doc: Document, fields: tuple[Field, ...], problems: Problems) -> dict[str, Any]:
    """Validated values by name; a field with a problem is left out."""
    known = {f.name: f for f in fields}
    values: dict[str, Any] = {}
    for name, raw in doc.fields.items():
        line = doc.field_lines.get(name, 2)
        spec = known.get(name)
        if spec is None:
            near = difflib.get_close_matches(name, list(known), n=1)
            hint = f"; did you mean '{near[0]}'?" if near else ""
            allowed = ", ".join(known)
            problems.warning(
                doc.path, line, f"unknown field '{name}' ignored{hint} (known: {allowed})"
            )
            continue
        if blank(raw) and not spec.required and spec.check is not colour_value:
            continue  # `hold:` with nothing after it: no hold, as a template file leaves it
        value, message = spec.check(raw)
        if message:
            problems.error(doc.path, line, f"{name} {message}")
        else:
            values[name] = value
    for spec in fields:
        if spec.required and spec.name not in doc.fields:
            problems.error(doc.path, 1, f"missing required field '{spec.name}'")
    return values


# --------------------------------------------------------------------------
# Markdown


def markdown_parser(language: str) -> MarkdownIt:
    quotes = QUOTES.get(language.split("-")[0].lower(), QUOTES["en"])
    md = MarkdownIt("commonmark", {"typographer": True, "quotes": quotes})
    return md.enable(["replacements", "smartquotes", "table"])


def typographic(md: MarkdownIt, text: str) -> str:
    """Plain text with curly quotes and real dashes, as the body gets."""
    tokens = md.parseInline(text)
    if not tokens:
        return text
    kept = ("text", "code_inline", "html_inline")
    return "".join(
        " " if t.type == "softbreak" else t.content
        for t in tokens[0].children or []
        if t.type in kept or t.type == "softbreak"
    )


def render_inline(children: list[Token], report: Callable[[str], None]) -> str:
    out: list[str] = []
    for token in children:
        kind = token.type
        if kind in ("text", "code_inline"):
            out.append(escape(token.content))
        elif kind == "softbreak":
            out.append(" ")
        elif kind == "hardbreak":
            out.append("<br/>")
        elif kind in ("strong_open", "strong_close"):
            out.append("<b>" if kind.endswith("open") else "</b>")
        elif kind in ("em_open", "em_close"):
            out.append("<i>" if kind.endswith("open") else "</i>")
        elif kind == "html_inline":
            if token.content.startswith("<!--"):
                continue  # an author's comment, not for print
            report("raw HTML is not supported; shown as text")
            out.append(escape(token.content))
        elif kind == "image":
            report("images in the body are not supported; the alt text is shown")
            out.append(escape(token.content))
        elif kind in ("link_open", "link_close"):
            continue
        elif token.content:
            out.append(escape(token.content))
    return "".join(out).strip()


def markdown_blocks(doc: Document, md: MarkdownIt, problems: Problems) -> tuple[Block, ...]:
    """The body as blocks of inline markup; unsupported Markdown warns and shows as text."""
    tokens = md.parse(doc.body)
    blocks: list[Block] = []
    warned: set[str] = set()
    line = doc.body_line

    def report(message: str) -> None:
        if message not in warned:
            warned.add(message)
            problems.warning(doc.path, line, message)

    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.map:
            line = doc.body_line + token.map[0]
        kind = token.type
        if kind in ("paragraph_open", "heading_open"):
            inline = render_inline(tokens[i + 1].children or [], report)
            if inline:
                blocks.append(
                    Block("heading" if kind == "heading_open" else "paragraph", (inline,))
                )
            i += 3
            continue
        if kind in ("ordered_list_open", "bullet_list_open"):
            close = kind.replace("_open", "_close")
            depth, j = 0, i
            items: list[str] = []
            current: list[str] = []
            while j < len(tokens):
                t = tokens[j]
                if t.type == kind:
                    depth += 1
                elif t.type == close:
                    depth -= 1
                    if depth == 0:
                        break
                elif t.type == "list_item_open" and depth == 1:
                    current = []
                elif t.type == "list_item_close" and depth == 1:
                    items.append("<br/>".join(p for p in current if p))
                elif t.type == "inline":
                    current.append(render_inline(t.children or [], report))
                j += 1
            start = int(token.attrGet("start") or 1) if kind == "ordered_list_open" else 1
            blocks.append(
                Block("steps" if kind == "ordered_list_open" else "bullets", tuple(items), start)
            )
            i = j + 1
            continue
        if kind == "html_block" and token.content.lstrip().startswith("<!--"):
            i += 1
            continue  # an author's comment, not for print
        if kind in ("fence", "code_block", "html_block"):
            if kind == "html_block":
                report("raw HTML is not supported; shown as text")
            text = "<br/>".join(escape(x) for x in token.content.rstrip("\n").split("\n"))
            blocks.append(Block("paragraph", (text,)))
        elif kind == "table_open":
            report("tables are not supported; each row is shown as a line of text")
            rows: list[str] = []
            j = i
            while tokens[j].type != "table_close":
                if tokens[j].type == "tr_open":
                    rows.append("")
                elif tokens[j].type == "inline":
                    cell = render_inline(tokens[j].children or [], report)
                    rows[-1] = f"{rows[-1]} · {cell}" if rows[-1] else cell
                j += 1
            blocks.append(Block("paragraph", ("<br/>".join(rows),)))
            i = j
        i += 1
    return tuple(blocks)


# --------------------------------------------------------------------------
# The deck


def sort_key(weight: int | None, name: str) -> tuple[bool, int, str]:
    """Weighted items first, by weight; then the rest by file or folder name."""
    return (weight is None, weight or 0, name)


def visible(name: str) -> bool:
    """Files and folders starting with _ or . are the author's, not the deck's."""
    return not name.startswith((".", "_"))


def stays_inside(path: Path, root: Path, problems: Problems, what: str) -> bool:
    """False, with an error naming ``path``, when it is a link that leads out of the deck.

    A deck may come from a stranger: a file linked to ``~/.ssh/id_rsa`` must
    never be printed into a PDF. Links that stay inside the deck are fine.
    """
    if path.resolve().is_relative_to(root.resolve()):
        return True
    problems.error(
        path,
        1,
        f"{what} is a link to something outside the deck folder; a deck is read only "
        "from its own folder",
    )
    return False


def deck_path(
    doc: Document,
    name: str,
    value: str,
    deck_root: Path,
    problems: Problems,
    want_dir: bool = False,
) -> Path | None:
    """A path written in a file, resolved beside it and kept inside the deck folder."""
    line = doc.field_lines.get(name, 1)
    written = Path(os.path.normpath(doc.path.parent / value))
    target = written.resolve()
    if not target.is_relative_to(deck_root.resolve()):
        problems.error(
            doc.path, line, f"{name} '{value}' is outside the deck folder; keep it inside"
        )
        return None
    if want_dir and not target.is_dir():
        problems.error(doc.path, line, f"{name} folder '{value}' not found")
        return None
    if not want_dir:
        if target.suffix.lower() not in IMAGE_SUFFIXES:
            problems.error(
                doc.path, line, f"{name} must be a PNG, JPEG or SVG file (got '{value}')"
            )
            return None
        if not target.is_file():
            problems.error(doc.path, line, f"{name} '{value}' not found beside {doc.path.name}")
            return None
        try:
            if target.suffix.lower() == ".svg":
                read_svg(target)
            else:
                bitmap_size(target)
        except ImageTrouble as exc:
            problems.error(written, 1, str(exc))
            return None
    return target


class DiagramReader:
    """Resolves ``diagram:`` values and reads each SVG's parts once per load."""

    def __init__(self, deck_root: Path, problems: Problems):
        self.deck_root, self.problems = deck_root, problems
        self.read: dict[Path, Diagram | None] = {}

    def resolve(self, doc: Document, value: str) -> Diagram | None:
        """The diagram ``value`` names: an SVG file inside the deck, or a built-in one."""
        line = doc.field_lines.get("diagram", 1)
        if value.lower().endswith(".svg"):
            written = Path(os.path.normpath(doc.path.parent / value))
            if not written.resolve().is_relative_to(self.deck_root.resolve()):
                self.problems.error(
                    doc.path, line, f"diagram '{value}' is outside the deck folder; keep it inside"
                )
                return None
            if not written.is_file():
                self.problems.error(
                    doc.path, line, f"diagram '{value}' not found beside {doc.path.name}"
                )
                return None
            return self._parts(written, Path(value).name)
        builtin = builtin_diagrams()
        if value not in builtin:
            near = difflib.get_close_matches(value, list(builtin), n=1)
            hint = f"did you mean '{near[0]}'? " if near else ""
            self.problems.error(
                doc.path,
                line,
                f"diagram '{value}' is neither an SVG file in the deck nor a built-in diagram; "
                f"{hint}built-in: {', '.join(builtin)}",
            )
            return None
        return self._parts(builtin[value], value)

    def _parts(self, path: Path, name: str) -> Diagram | None:
        if path not in self.read:
            try:
                areas, arrows = svg_parts(read_svg(path))
                self.read[path] = Diagram(path.resolve(), name, areas, arrows)
            except ImageTrouble as exc:
                self.problems.error(path, 1, str(exc))
                self.read[path] = None
        return self.read[path]

    def parts_named(
        self, doc: Document, values: dict[str, Any], diagram: Diagram | None
    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The technique's ``areas`` and ``arrows``, each checked against its diagram."""
        named: list[tuple[str, ...]] = []
        for field, offered in (("areas", "areas"), ("arrows", "arrows")):
            wanted = values.get(field, ())
            line = doc.field_lines.get(field, 1)
            if wanted and diagram is None:
                self.problems.error(
                    doc.path,
                    line,
                    f"{field} need a diagram: add  diagram: foot-sole  (or another) here, "
                    "to the section's _index.md or to the deck's",
                )
                named.append(())
                continue
            known = getattr(diagram, offered, ())
            kept = []
            name_of = diagram.name if diagram else ""
            for name in wanted:
                if name in known:
                    kept.append(name)
                    continue
                what = "area" if field == "areas" else "arrow"
                has = ", ".join(known) if known else f"no {field}"
                self.problems.error(
                    doc.path, line, f"{what} '{name}' is not in {name_of}; it has: {has}"
                )
            named.append(tuple(kept))
        return named[0], named[1]


def load_technique(
    path: Path,
    md: MarkdownIt,
    problems: Problems,
    deck_root: Path | None = None,
    diagrams: DiagramReader | None = None,
    inherited: Diagram | None = None,
) -> tuple[Technique, int | None] | None:
    doc = read_document(path, problems)
    if doc is None:
        return None
    values = check_fields(doc, TECHNIQUE_FIELDS, problems)
    if "title" not in values:
        return None
    image = None
    if "image" in values:
        image = deck_path(doc, "image", values["image"], deck_root or path.parent, problems)
    diagrams = diagrams or DiagramReader(deck_root or path.parent, problems)
    diagram = diagrams.resolve(doc, values["diagram"]) if "diagram" in values else inherited
    areas, arrows = diagrams.parts_named(doc, values, diagram)
    body = markdown_blocks(doc, md, problems)
    if not body:
        problems.warning(path, doc.body_line, "the technique has no text below its front matter")
    technique = Technique(
        slug=path.stem,
        title=typographic(md, values["title"]),
        body=body,
        source=Source(path, 1),
        hold=values.get("hold") and typographic(md, values["hold"]),
        repeat=values.get("repeat") and typographic(md, values["repeat"]),
        pressure=values.get("pressure"),
        weight=values.get("weight"),
        draft=values.get("draft", False),
        image=image,
        diagram=diagram,
        areas=areas,
        arrows=arrows,
    )
    return technique, technique.weight


def load_section(
    folder: Path,
    md: MarkdownIt,
    problems: Problems,
    diagrams: DiagramReader | None = None,
    deck_diagram: Diagram | None = None,
) -> tuple[dict[str, Any], tuple[Block, ...], list[Technique]] | None:
    index = folder / INDEX
    deck_root = folder.parent
    values: dict[str, Any] | None = None
    intro: tuple[Block, ...] = ()
    doc = None
    if not index.is_file():
        problems.error(index, 1, "section has no _index.md (it needs at least 'title: ...')")
    elif stays_inside(index, deck_root, problems, "the section's _index.md"):
        doc = read_document(index, problems)
        values = check_fields(doc, SECTION_FIELDS, problems) if doc else None
        intro = markdown_blocks(doc, md, problems) if doc else ()
    diagrams = diagrams or DiagramReader(deck_root, problems)
    diagram = deck_diagram
    if doc and values and "diagram" in values:
        diagram = diagrams.resolve(doc, values["diagram"])
    files = sorted(
        p
        for p in folder.rglob("*.md")
        if p.is_file()
        and all(visible(part) for part in p.relative_to(folder).parts)
        and stays_inside(p, deck_root, problems, "the technique file")
    )
    for other in sorted(folder.rglob("*")):
        if other.suffix.lower() in NEAR_MARKDOWN and visible(other.name) and other.is_file():
            problems.warning(
                other, 1, f"ignored: techniques are .md files; rename it to {other.stem}.md"
            )
    loaded = [
        t for p in files if (t := load_technique(p, md, problems, deck_root, diagrams, diagram))
    ]
    loaded.sort(key=lambda pair: sort_key(pair[1], str(pair[0].source.path.relative_to(folder))))
    techniques = [t for t, _ in loaded if not t.draft]
    if values is None:
        return None
    values["_colour_line"] = doc.field_lines.get("colour", 1) if doc else 1
    values["diagram"] = diagram
    return values, intro, techniques


def load_deck(folder: Path) -> tuple[Deck, list[Problem]]:
    """The deck in ``folder`` and its warnings; raises ContentError on any error."""
    problems = Problems()
    folder = Path(folder)
    if not folder.is_dir():
        what = "is a file, not a deck folder" if folder.exists() else "deck folder not found"
        problems.error(folder, 1, what)
        raise ContentError(problems.items)
    deck_index = folder / INDEX
    deck_values: dict[str, Any] = {}
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
            md = markdown_parser(deck_values.get("language", "en"))
            if "templates" in deck_values:
                deck_values["templates"] = deck_path(
                    doc, "templates", deck_values["templates"], folder, problems, want_dir=True
                )
            for name in deck_values.get("labels", {}):
                if name not in LABELS["en"]:
                    near = difflib.get_close_matches(name, list(LABELS["en"]), n=1)
                    hint = f"; did you mean '{near[0]}'?" if near else ""
                    problems.warning(
                        deck_index,
                        doc.field_lines.get("labels", 1),
                        f"unknown label '{name}'{hint}",
                    )
            deck_intro = markdown_blocks(doc, md, problems)
            if "diagram" in deck_values:
                deck_values["diagram"] = diagrams.resolve(doc, deck_values["diagram"])
            if "logo" in deck_values:
                deck_values["logo"] = deck_path(doc, "logo", deck_values["logo"], folder, problems)
            if "title" in deck_values:
                deck_values["title"] = typographic(md, deck_values["title"])

    for stray in sorted(folder.glob("*.md")):
        if stray.name != INDEX and visible(stray.name):
            problems.warning(stray, 1, "ignored: a technique must be inside a section folder")

    sections = []
    raw_sections = []
    layouts = deck_values.get("templates")
    for sub in sorted(p for p in folder.iterdir() if p.is_dir() and visible(p.name)):
        if layouts and sub.resolve() == layouts:
            continue  # the deck's own layouts, not a section
        if not stays_inside(sub, folder, problems, "the section folder"):
            continue
        loaded = load_section(sub, md, problems, diagrams, deck_values.get("diagram"))
        if loaded:
            raw_sections.append((sub, *loaded))
    raw_sections.sort(key=lambda s: sort_key(s[1].get("weight"), s[0].name))

    taken = {values["colour"] for _, values, _, _ in raw_sections if "colour" in values}
    spare = itertools.cycle([c for c in PALETTE if c not in taken] or PALETTE)
    number = 0
    for index, (sub, values, intro, techniques) in enumerate(raw_sections, start=1):
        colour = values.get("colour") or next(spare)
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
                source=Source(sub / INDEX, values["_colour_line"]),
                techniques=tuple(numbered),
                number=index,
                weight=values.get("weight"),
                diagram=values.get("diagram"),
            )
        )

    check_deck(sections, problems, folder)
    if has_errors(problems.items) or "title" not in deck_values:
        raise ContentError(problems.items)
    newest = max(
        (p.stat().st_mtime for p in folder.rglob("*.md") if p.is_file() and not p.is_symlink()),
        default=0.0,
    )
    deck = Deck(
        slug=folder.resolve().name,
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
        diagram=deck_values.get("diagram"),
        hyphenate=deck_values.get("hyphenate", False),
        contact=deck_values.get("contact", ()),
        url=deck_values.get("url"),
        logo=deck_values.get("logo"),
    )
    return deck, problems.items


def check_deck(sections: list[Section], problems: Problems, folder: Path) -> None:
    """Rules about the deck as a whole."""
    if not any(s.techniques for s in sections):
        problems.error(
            folder / INDEX, 1, "the deck has no techniques: add section folders with .md files"
        )
    for before, after in itertools.pairwise(sections):
        gap = abs(lightness(before.colour) - lightness(after.colour))
        if gap < GREYSCALE_APART:
            problems.warning(
                after.source.path,
                after.source.line,
                f"sections {before.number} and {after.number} look alike in greyscale "
                f"({before.colour} and {after.colour}); the band numbers still tell them apart, "
                "but a lighter or darker colour for one helps black-and-white prints",
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
