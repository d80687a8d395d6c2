"""One deck folder in several languages, as Hugo and mkdocs-static-i18n keep them.

A deck names its languages in its ``_index.md`` (``languages: [en, de, ar]``,
its own ``language:`` first). A file's translation sits beside it with the
language before the suffix: ``01-sole-twists.de.md`` beside
``01-sole-twists.md``, ``_index.de.md`` beside ``_index.md``, a picture's
``neck.de.svg`` beside ``neck.svg``. A translation says what differs (its
title, its words); every field it leaves out is the original's. A file with
no translation is printed in the deck's own language, and said to be.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from cards.content.fields import Field


def translation_of(path: Path, language: str) -> Path:
    """Where ``path``'s translation into ``language`` is (it may not exist)."""
    return path.with_name(f"{path.stem}.{language}{path.suffix}")


def language_of(path: Path, languages: frozenset[str]) -> str | None:
    """The language ``path`` is a translation into (``x.de.md``: ``de``), or
    None for an original."""
    stem = Path(path.stem)
    tag = stem.suffix[1:]
    return tag if tag in languages else None


def original_of(path: Path) -> Path:
    """``x.de.md`` → ``x.md``."""
    stem = Path(path.stem)
    return path.with_name(f"{stem.stem}{path.suffix}")


def variant(path: Path, language: str) -> Path:
    """A picture's variant for ``language`` where the deck has one, else the
    picture itself."""
    if not language:
        return path
    translated = translation_of(path, language)
    return translated if translated.is_file() else path


def optional(fields: tuple[Field, ...]) -> tuple[Field, ...]:
    """The fields of a translation: none required, each missing one the original's."""
    return tuple(replace(f, required=False) for f in fields)
