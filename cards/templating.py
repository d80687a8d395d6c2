"""The Jinja environment that turns the model into layout markup.

Layouts are the user's to change, and a deck's own layouts travel with it
from strangers, so every layout runs in Jinja's immutable sandbox: it can
read the variables it is given and nothing else (no attribute starting with
``_``, no method that changes a value, no file but another layout of the same
folders). A layout that tries is stopped with an error at its line.

The environment is strict: an unknown variable is an error naming the
template and its line. Autoescaping is on, which escapes content text
exactly once as it enters the layout markup; body text arrives already
converted to inline markup by the loader and is marked safe here, never
re-parsed as a template.
"""

from __future__ import annotations

import os
import re
import traceback
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from markupsafe import Markup

from cards.colour import INK, text_colour_on
from cards.content.markdown import part_under
from cards.dates import build_month
from cards.images import ImageTrouble, diagram_words
from cards.labels import labels_for, month_name
from cards.model import Block, Deck, Section, Technique
from cards.problems import ERROR, ContentError, Problem
from cards.resources import data_dir
from cards.sandbox import MAX_OUTPUT, LayoutBound, LayoutSandbox, time_budget


class ConfinedLoader(jinja2.FileSystemLoader):
    """Layouts from a list of folders, never from outside them.

    Jinja already refuses ``..`` in a name; this also refuses a layout that is
    a link to a file outside the folder it was found in.
    """

    def get_source(self, environment: jinja2.Environment, template: str):  # type: ignore[no-untyped-def]
        source, filename, uptodate = super().get_source(environment, template)
        found = Path(filename)
        for folder in (Path(os.path.normpath(p)) for p in self.searchpath):
            if found.is_relative_to(folder):
                if not found.resolve().is_relative_to(folder.resolve()):
                    raise ContentError(
                        [
                            Problem(
                                found,
                                1,
                                ERROR,
                                f"layout '{template}' is a link to a file outside its "
                                "folder; layouts are read only from their own folders",
                            )
                        ]
                    )
                break
        return source, filename, uptodate


def picture_roots(deck: Deck) -> tuple[Path, ...]:
    """The folders a layout's pictures may come from: the deck's own, first, and
    the built-in diagrams."""
    return (deck.source.path.parent, data_dir("diagrams"))


def environment(
    user_templates: Path | None = None, deck_templates: Path | None = None
) -> jinja2.Environment:
    """Layouts from ``--templates``, then the deck's own folder, then the built-ins:
    a file of the same relative name wins, the rest fall back, as themes do in
    static-site generators. Every one of them runs sandboxed."""
    folders = [str(p) for p in (user_templates, deck_templates) if p]
    folders.append(str(data_dir("templates")))
    env = LayoutSandbox(
        loader=ConfinedLoader(folders, followlinks=False),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.globals.pop("lipsum", None)  # pages of filler text on request: nothing a layout needs
    return env


class RenderKeys:
    """Digests of what a layout would be rendered from, without rendering it: the
    layouts themselves, and the views of the variables the layout (with what it
    includes or imports) names. A watch session keys fitted layouts by them.

    A variable a layout never names does not change what it makes: a technique
    page that does not name ``sections`` is not laid out again when another
    section's text changes. A layout naming what it includes by an expression
    cannot be read that way: ``key`` is None, and the caller renders it.
    Values are digested once per build (the same view object serves many
    layouts) and held here while their digest is.
    """

    def __init__(self, env: jinja2.Environment):
        self.env = env
        assert env.loader is not None
        self.layouts = digest(
            [(n, env.loader.get_source(env, n)[0]) for n in sorted(env.list_templates())]
        )
        self._names: dict[str, frozenset[str] | None] = {}
        self._values: dict[int, tuple[object, str]] = {}

    def key(self, name: str, context: dict[str, object]) -> str | None:
        names = self._names[name] if name in self._names else self._named(name)
        if names is None:
            return None
        parts: list[object] = [self.layouts, name]
        for variable in sorted(names & context.keys()):
            value = context[variable]
            known = self._values.get(id(value))
            if known is None or known[0] is not value:
                known = self._values[id(value)] = (value, digest(repr(value)))
            parts.append((variable, known[1]))
        return digest(*parts)

    def _named(self, name: str) -> frozenset[str] | None:
        """Every variable ``name`` and the layouts it reaches name; None when it
        reaches one by an expression."""
        from jinja2 import meta

        assert self.env.loader is not None
        names: set[str] = set()
        seen: set[str] = set()
        waiting = [name]
        found: frozenset[str] | None = None
        try:
            while waiting:
                current = waiting.pop()
                if current in seen:
                    continue
                seen.add(current)
                tree = self.env.parse(self.env.loader.get_source(self.env, current)[0])
                names |= meta.find_undeclared_variables(tree)
                for reached in meta.find_referenced_templates(tree):
                    if reached is None:
                        raise LookupError(current)
                    waiting.append(reached)
            found = frozenset(names)
        except (LookupError, jinja2.TemplateError):
            found = None  # rendering will say what is wrong, at its line
        self._names[name] = found
        return found


def digest(*inputs: object) -> str:
    """A short digest of ``inputs`` as their ``repr`` shows them."""
    import hashlib

    return hashlib.blake2b(repr(inputs).encode("utf-8"), digest_size=16).hexdigest()


def render(env: jinja2.Environment, name: str, **context: object) -> str:
    """Render one layout within its bounds (``cards.sandbox``); a template
    mistake, or a layout past a bound, becomes a ContentError at its line."""
    try:
        with time_budget():
            template = env.get_template(name)
            return bounded_output(template, template.generate(**context))
    except jinja2.TemplateSyntaxError as exc:
        path = Path(exc.filename or name)
        raise ContentError([Problem(path, exc.lineno or 1, ERROR, f"template: {exc.message}")])
    except jinja2.TemplateNotFound as exc:
        if exc.name == name:
            raise ContentError([Problem(Path(name), 1, ERROR, f"template not found: {exc.name}")])
        # an include, import or extends: only layouts of the layout folders can be named
        path, line = _template_frame(exc, env, name)
        raise ContentError(
            [
                Problem(
                    path,
                    line,
                    ERROR,
                    f"layout '{exc.name}' not found; a layout can include only layouts "
                    "from the layout folders",
                )
            ]
        ) from None
    except SecurityError as exc:
        path, line = _template_frame(exc, env, name)
        if isinstance(exc, OutputTooLong):
            path, line = Path(exc.path), exc.line
        reason = str(exc).rstrip(".")
        if isinstance(exc, LayoutBound):
            raise ContentError(
                [Problem(path, line, ERROR, f"layout past its bounds: {reason} (README, Limits)")]
            ) from None
        raise ContentError(
            [
                Problem(
                    path,
                    line,
                    ERROR,
                    f"unsafe layout: {reason}; a layout may use only the variables "
                    "listed in templates/README.md",
                )
            ]
        ) from None
    except jinja2.TemplateError as exc:
        path, line = _template_frame(exc, env, name)
        raise ContentError([Problem(path, line, ERROR, f"template: {exc}")])
    except ContentError:
        raise
    except RecursionError as exc:  # a macro that calls itself without end
        path, line = _template_frame(exc, env, name)
        raise ContentError(
            [Problem(path, line, ERROR, "template: a macro calls itself without end")]
        ) from None
    except Exception as exc:  # noqa: BLE001 - whatever a layout's expression raises
        path, line = _template_frame(exc, env, name)
        reason = str(exc) or type(exc).__name__
        raise ContentError([Problem(path, line, ERROR, f"template: {reason}")]) from None


class OutputTooLong(LayoutBound):
    """A layout wrote past ``MAX_OUTPUT``; ``path`` and ``line`` say where it was."""

    def __init__(self, path: str, line: int):
        super().__init__(
            f"a layout may write at most {MAX_OUTPUT:,} characters; this one wrote more"
        )
        self.path, self.line = path, line


def bounded_output(template: jinja2.Template, chunks: Iterator[str]) -> str:
    """What a layout writes, joined, refused past ``MAX_OUTPUT`` characters
    (two nested loops can write far more than any page holds), at the line
    of the layout that was writing."""
    kept: list[str] = []
    total = 0
    for chunk in chunks:
        total += len(chunk)
        if total > MAX_OUTPUT:
            raise OutputTooLong(
                template.filename or template.name or "", writing_line(template, chunks)
            )
        kept.append(chunk)
    return "".join(kept)


def writing_line(template: jinja2.Template, chunks: Iterator[str]) -> int:
    """The layout's line a suspended render stands at (Jinja maps the line of
    its compiled code to the template's)."""
    inner = getattr(chunks, "gi_yieldfrom", None) or chunks
    frame = getattr(inner, "gi_frame", None)
    if frame is None:
        return 1
    return int(template.get_corresponding_lineno(frame.f_lineno))


def template_path(env: jinja2.Environment, name: str) -> str:
    """The file a layout came from (the user's or the built-in), for messages about its markup."""
    try:
        return env.get_template(name).filename or name
    except jinja2.TemplateError:
        return name


def _template_frame(exc: Exception, env: jinja2.Environment, name: str) -> tuple[Path, int]:
    """Jinja rewrites tracebacks so template frames carry the template's path and line."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith((".j2", ".xml", ".html")):
            return Path(frame.filename), frame.lineno or 1
    source = env.loader.get_source(env, name)[1] if env.loader else name
    return Path(source or name), 1


# -- what the layouts receive -------------------------------------------------


def blocks_view(blocks: tuple[Block, ...]) -> list[SimpleNamespace]:
    """Body blocks with their inline markup marked safe: the loader escaped it."""
    return [
        SimpleNamespace(kind=b.kind, items=[Markup(i) for i in b.items], start=b.start)
        for b in blocks
    ]


def copied(thing: object, *names: str) -> dict[str, Any]:
    """The named attributes of a model object, as they are, for a view."""
    return {name: getattr(thing, name) for name in names}


def technique_view(technique: Technique, language: str = "en") -> SimpleNamespace:
    # a technique not yet translated is in the deck's own language, its diagram's words too
    language = technique.language or language
    title, names = diagram_description(technique, language)
    return SimpleNamespace(
        **copied(technique, "slug", "title", "number", "hold", "repeat", "pressure", "alt"),
        language=language,
        image=technique.image.as_posix() if technique.image else None,
        diagram=technique.diagram.path.as_posix() if technique.diagram else None,
        areas=list(technique.areas),
        arrows=list(technique.arrows),
        # what the diagram shows, for its alternative text: its title, and the
        # names of the parts the technique lights and the arrows it shows
        diagram_title=title,
        area_names=[names.get(a, a) for a in technique.areas],
        arrow_names=[names.get(a, a) for a in technique.arrows],
        body=blocks_view(technique.body),
    )


def diagram_description(technique: Technique, language: str) -> tuple[str, dict[str, str]]:
    """The technique's diagram's title and its parts' names (none without a
    diagram, or with one that cannot be read: the build reports that)."""
    if technique.diagram is None:
        return "", {}
    try:
        return diagram_words(technique.diagram.path, language)
    except (OSError, ImageTrouble):
        return "", {}


def section_diagrams(section: Section) -> list[SimpleNamespace]:
    """Each diagram the section's techniques use, with all their areas lit together."""
    lit: dict[Path, list[str]] = {}
    for technique in section.techniques:
        if technique.diagram:
            areas = lit.setdefault(technique.diagram.path, [])
            areas += [a for a in technique.areas if a not in areas]
    if not lit and section.diagram:
        lit[section.diagram.path] = []
    return [SimpleNamespace(src=path.as_posix(), areas=areas) for path, areas in lit.items()]


def section_view(section: Section, low_ink: bool = False, language: str = "en") -> SimpleNamespace:
    """A section for the layouts; with --low-ink its colour only outlines and
    tints, so text on it is ink. ``language``: the deck's, for what its
    diagrams say of themselves."""
    return SimpleNamespace(
        **copied(section, "slug", "title", "number", "colour"),
        text_colour=INK if low_ink else text_colour_on(section.colour),
        intro=blocks_view(section.intro),
        technique_count=len(section.techniques),
        techniques=[technique_view(t, language) for t in section.techniques],
        diagrams=section_diagrams(section),
    )


def deck_view(deck: Deck) -> SimpleNamespace:
    year, month = build_month(deck)
    edition = labels_view(deck).edition.format(month=month_name(deck.language, month), year=year)
    return SimpleNamespace(
        **copied(deck, "slug", "title", "subtitle", "author", "language", "technique_count"),
        intro=blocks_view(deck.intro),
        section_count=len(deck.sections),
        colours=[s.colour for s in deck.sections],
        contact=list(deck.contact),
        phone=phone_in(deck.contact),
        url=deck.url,
        logo=deck.logo.as_posix() if deck.logo else None,
        edition=edition,
        before_you_start=blocks_view(before_you_start(deck)),
        reviewed=reviewed_line(deck),
        sources=list(deck.sources),
        logo_alt=deck.logo_alt,
    )


PHONE = re.compile(r"\+?\(?\d[\d\s().\-/]{5,}\d")
PHONE_DIGITS = 7  # fewer digits than this is a house number or a postcode, not a phone


def phone_in(contact: tuple[str, ...] | list[str]) -> str | None:
    """The first phone number in the contact lines, as written there (for the
    back cover's "Questions? Call"); None when there is none."""
    for line in contact:
        for found in PHONE.finditer(line):
            number = found.group().strip()
            if sum(c.isdigit() for c in number) >= PHONE_DIGITS:
                return number
    return None


def reviewed_line(deck: Deck) -> str | None:
    """ "Reviewed November 2026", in the deck's language, from ``reviewed: 2026-11``."""
    if not deck.reviewed:
        return None
    year, month = (int(part) for part in deck.reviewed.split("-"))
    words: str = labels_view(deck).reviewed
    return words.format(month=month_name(deck.language, month), year=year)


def before_you_start(deck: Deck) -> tuple[Block, ...]:
    """The intro's "Before you start" part: the blocks after that heading, up to
    the next heading (the safety note the cards and the back cover repeat)."""
    return part_under(deck.intro, labels_view(deck).before_you_start)


def labels_view(deck: Deck) -> SimpleNamespace:
    """The words for the deck's language, with the deck's own ``labels:`` on top."""
    return SimpleNamespace(**{**labels_for(deck.language), **deck.labels})
