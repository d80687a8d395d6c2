"""The front-matter fields of a deck, a section and a technique, and their rules.

Each rule takes what YAML gave and returns the value or a reason in the
contract's words; ``check_fields`` applies them to one file, problem by problem.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cards.colour import (
    HEX_COLOUR,
)
from cards.content.files import XML_INVALID, Document, Problems
from cards.labels import LABELS

PRESSURES = ("gentle", "medium", "firm")
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")

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


def languages_value(value: Any) -> tuple[Any, str | None]:
    """The languages a deck is kept in: ``[en, de, ar]`` or ``en, de, ar``."""
    items = value if isinstance(value, list) else str(value or "").replace(",", " ").split()
    tags = []
    for item in items:
        if not isinstance(item, str) or not LANGUAGE_TAG.match(item):
            return None, f"must list language tags such as [en, de, ar] (got {item!r})"
        tags.append(item)
    if not tags:
        return None, "must list at least one language, as in [en, de]"
    return tuple(dict.fromkeys(tags)), None


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


def paths_value(value: Any) -> tuple[Any, str | None]:
    """One file name or a list of them (``fonts: [house.ttf, runic.otf]``)."""
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items:
        text, message = text_value(item)
        if message:
            return None, message
        names.append(text)
    if not names:
        return None, "must name a file, or a list of files"
    return tuple(names), None


FONT_SUFFIXES = (".ttf", ".otf")


def url_value(value: Any) -> tuple[Any, str | None]:
    text, message = text_value(value)
    if message:
        return None, message
    if " " in text or "." not in text:
        return None, f"must be a web address such as example.org/feet (got {text!r})"
    return text, None


def month_value(value: Any) -> tuple[Any, str | None]:
    """A month as YYYY-MM (a date written out is taken for its month)."""
    import datetime

    if isinstance(value, datetime.date):
        return f"{value.year:04d}-{value.month:02d}", None
    text, message = text_value(value)
    if message:
        return None, message
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", text):
        return None, f"must be a month such as 2026-11 (got {text!r})"
    return text, None


def words_value(value: Any) -> tuple[Any, str | None]:
    """Long words and the everyday ones to say instead: ``{utilise: use}``."""
    if not isinstance(value, dict):
        return None, "must be a mapping of long words to everyday ones, such as  utilise: use"
    words = {}
    for long, plain in value.items():
        long_text, message = text_value(long)
        plain_text, message_too = text_value(plain)
        if message or message_too:
            return None, f"'{long}' {message or message_too}"
        words[long_text.casefold()] = plain_text
    return words, None


REVIEW_SWITCHES = {
    "grade": int, "sentence_words": int, "passive": bool, "long_words": bool,
    "actions": bool, "numbers": bool,
}  # fmt: skip


def review_value(value: Any) -> tuple[Any, str | None]:
    """The review's switches: ``{passive: false, grade: 7, sentence_words: 20}``."""
    if not isinstance(value, dict):
        return None, "must be a mapping such as  {passive: false, grade: 7}"
    for name, setting in value.items():
        kind = REVIEW_SWITCHES.get(name)
        if kind is None:
            return None, f"has no switch '{name}' (switches: {', '.join(REVIEW_SWITCHES)})"
        if not isinstance(setting, kind) or (kind is int and isinstance(setting, bool)):
            return None, f"{name} must be {'a whole number' if kind is int else 'true or false'}"
    return dict(value), None


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
    Field("languages", languages_value),
    Field("templates", text_value),
    Field("labels", labels_value),
    Field("diagram", text_value),
    Field("hyphenate", bool_value),
    Field("contact", lines_value),
    Field("url", url_value),
    Field("logo", text_value),
    Field("logo_alt", text_value),
    Field("fonts", paths_value),
    Field("reviewed", month_value),
    Field("sources", lines_value),
    Field("plain_words", words_value),
    Field("review", review_value),
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
    Field("alt", text_value),
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


def check_label_names(doc: Document, labels: dict[str, str], problems: Problems) -> None:
    """A deck's own ``labels:`` name words the layouts print: warn of any other name."""
    for name in labels:
        if name not in LABELS["en"]:
            near = difflib.get_close_matches(name, list(LABELS["en"]), n=1)
            hint = f"; did you mean '{near[0]}'?" if near else ""
            problems.warning(
                doc.path, doc.field_lines.get("labels", 1), f"unknown label '{name}'{hint}"
            )
