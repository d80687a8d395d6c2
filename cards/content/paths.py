"""Paths written in a deck's files: resolved beside the file, kept inside the
deck (links included), and, when a file is not there, the one most likely meant.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

from cards.content.fields import IMAGE_SUFFIXES
from cards.content.files import Document, Problems
from cards.images import ImageTrouble, bitmap_size, file_kind, read_svg


def stays_inside(
    path: Path, root: Path, problems: Problems, what: str, real_root: str | None = None
) -> bool:
    """False, with an error naming ``path``, when it is a link that leads out of the deck.

    A deck may come from a stranger: a file linked to ``~/.ssh/id_rsa`` must
    never be printed into a PDF. Links that stay inside the deck are fine.
    ``real_root`` is ``root`` resolved already (once per reading of a deck).
    """
    real, real_root = os.path.realpath(path), real_root or os.path.realpath(root)
    if real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep):
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
    language: str = "",
) -> Path | None:
    """A path written in a file, resolved beside it and kept inside the deck
    folder; a picture's variant for ``language`` (``neck.de.svg``) where the
    deck has one."""
    line = doc.field_lines.get(name, 1)
    written = Path(os.path.normpath(doc.path.parent / value))
    if language and not want_dir:
        from cards.content.translations import variant

        written = variant(written, language)
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
            near = nearest_file(deck_root, doc.path.parent, value, IMAGE_SUFFIXES)
            problems.error(
                doc.path,
                line,
                f"{name} must be a PNG, JPEG or SVG file (got '{value}'){did_you_mean(near)}",
            )
            return None
        if target.exists() and not target.is_file():
            problems.error(
                doc.path,
                line,
                f"{name} '{value}' is {file_kind(target.stat().st_mode)}, not a regular file",
            )
            return None
        if not target.is_file():
            near = nearest_file(deck_root, doc.path.parent, value, IMAGE_SUFFIXES)
            problems.error(
                doc.path,
                line,
                f"{name} '{value}' not found beside {doc.path.name}{did_you_mean(near)}",
            )
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


def nearest_file(
    deck_root: Path, beside: Path, value: str, suffixes: tuple[str, ...]
) -> str | None:
    """The file in the deck the author most likely meant by ``value``, written
    as they would write it beside ``beside`` (a file's folder): the same name
    in another case, with its extension added, in another folder, or spelt
    nearly alike. None when nothing comes close."""
    candidates = {}
    for path in sorted(walk(deck_root)):
        shown = all(not part.startswith((".", "_")) for part in path.relative_to(deck_root).parts)
        if shown and path.suffix.lower() in suffixes and path.is_file() and not path.is_symlink():
            candidates[Path(os.path.relpath(path, beside)).as_posix()] = path.name
    wanted = value.casefold()
    with_suffix = [wanted + suffix for suffix in suffixes]
    for written in candidates:
        if written.casefold() in (wanted, *with_suffix):
            return written
    for written, name in candidates.items():
        if name.casefold() in (Path(wanted).name, *(Path(w).name for w in with_suffix)):
            return written
    names = {name.casefold(): written for written, name in candidates.items()}
    near = difflib.get_close_matches(Path(wanted).name, list(names), n=1, cutoff=0.75)
    return names[near[0]] if near else None


def did_you_mean(suggestion: str | None) -> str:
    return f"; did you mean '{suggestion}'?" if suggestion else ""


MAX_DEPTH = 24  # folders inside a deck: sections hold techniques, not trees of folders


class TooDeep(Exception):
    """A deck whose folders nest deeper than ``MAX_DEPTH``."""

    def __init__(self, folder: Path):
        super().__init__(folder)
        self.folder = folder


def walk(root: Path, suffix: str = "", stop: bool = False) -> list[Path]:
    """Every file and folder below ``root`` (those ending in ``suffix``, if
    given), found without recursion and at most ``MAX_DEPTH`` folders down:
    ``stop`` raises ``TooDeep`` past that, else the deeper part is passed over
    (it is reported where the deck's sections are read)."""
    found: list[Path] = []
    pending = [(root, 0)]
    while pending:
        folder, depth = pending.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            path = Path(entry.path)
            if entry.is_dir():  # a link to a folder too, as rglob did; the depth ends a loop
                if depth + 1 > MAX_DEPTH:
                    if stop:
                        raise TooDeep(path)
                    continue
                pending.append((path, depth + 1))
            if not suffix or entry.name.endswith(suffix):
                found.append(path)
    return found
