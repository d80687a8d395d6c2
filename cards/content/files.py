"""Reading one content file: bytes to text, text to front matter and body.

Every file is decoded as UTF-8 and split at its ``---`` lines; the front matter
is parsed once by libyaml, which gives both the values and each key's line.
A key given twice and YAML aliases are refused here, before any value is made.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from cards.images import FileTrouble, read_bounded
from cards.language import composed, first_decomposed_line
from cards.problems import ERROR, WARNING, Problem

INDEX = "_index.md"
# libyaml's loader when PyYAML was built with it: same safe rules, several times faster
FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_FILE_BYTES = 1_000_000

# Characters XML 1.0 cannot carry; a stray one must not break the layout markup.
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class Problems:
    """Collects problems for one load."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def error(self, path: Path, line: int, message: str) -> None:
        self.items.append(Problem(path, line, ERROR, message))

    def warning(self, path: Path, line: int, message: str) -> None:
        self.items.append(Problem(path, line, WARNING, message))


@dataclass(frozen=True)
class KeptFile:
    """A technique file as read, with what reading it found and the files it
    names (a picture, a diagram) as they were then."""

    result: Any
    problems: list[Problem]
    names: tuple[tuple[str, int, int], ...]


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
        raw = read_bounded(path, MAX_FILE_BYTES)
    except FileTrouble as exc:
        problems.error(path, 1, f"{exc} (1 MB)" if "limit" in str(exc) else str(exc))
        return None
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
    decomposed = first_decomposed_line(text)
    if decomposed is not None:  # "e" and a combining accent: the font prints them apart
        problems.warning(
            path,
            decomposed,
            "accents typed as separate marks are read joined to their letters (Unicode NFC);"
            " save the file in NFC to keep this note away",
        )
        text = composed(text)
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
            try:
                data = loader.construct_document(node) if node is not None else None
            except (ValueError, OverflowError):  # a date or a number YAML cannot make
                bad = unreadable_scalar(node)
                line = bad.start_mark.line + 2 if bad else 1
                value = bad.value if bad else "?"
                kind = "date" if bad and bad.tag.endswith("timestamp") else "number"
                what = f"'{value[:40]}' reads as a {kind} that cannot be"
                if kind == "number" and len(value) > 40:
                    what = f"a number of {len(value):,} digits is too long to read"
                problems.error(
                    path, line, f"{what}: write a real one, or put it in quotes if it is text"
                )
                return None
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        tabbed = next(
            (n for n, text in enumerate(yaml_text.splitlines()) if "\t" in leading_space(text)),
            None,
        )
        if tabbed is not None:  # the parser's words for it name no cause a person knows
            problems.error(
                path, tabbed + 2, "tab: use spaces to indent front matter (YAML allows no tabs)"
            )
            return None
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


def leading_space(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]


def unreadable_scalar(node: yaml.Node | None) -> yaml.ScalarNode | None:
    """The first scalar YAML reads as a value it cannot make ("2024-02-30",
    a number of 5,000 digits), found by making each one alone."""
    from yaml.constructor import SafeConstructor

    pending = [node]
    while pending:
        current = pending.pop(0)
        if isinstance(current, yaml.ScalarNode):
            try:
                SafeConstructor().construct_object(current)
            except (ValueError, OverflowError, yaml.YAMLError):
                return current
        elif isinstance(current, yaml.MappingNode):
            pending += [part for pair in current.value for part in pair]
        elif isinstance(current, yaml.SequenceNode):
            pending += current.value
    return None


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
