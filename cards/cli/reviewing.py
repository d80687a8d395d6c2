"""`cards review`: the plain-language review, as a table, JSON or Markdown."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click

from cards.cli import options as opt
from cards.cli.app import Fail, _deck_argument, _run

if TYPE_CHECKING:
    from cards.review.report import Finding, Review


@click.command(short_help="Check the deck's handout for plain language.")
@opt.deck_argument
@click.option(
    "--format",
    "format_",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
    help="A table for the terminal, JSON for a program, Markdown for a report.",
)
@click.option(
    "--grade",
    type=click.IntRange(1, 18),
    default=None,
    help="The reading grade to meet (default: the deck's review: grade, else 8).",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Exit 1 on any finding above the targets (for a clinic's CI).",
)
@opt.debug_option
def review(deck: str | None, format_: str, grade: int | None, strict: bool, debug: bool) -> None:
    """Review DECK for plain language: the reading grade of every technique and
    intro (by a formula for the deck's language), long sentences, steps of more
    than one action, passive voice, long words, numbers, and what the deck
    should say: a main message, a safety note, a contact, a review date, its
    sources. Writes nothing."""
    from cards.output.files import OutputError
    from cards.review.checks import ReviewUnavailable
    from cards.review.run import review_deck

    deck_path = _deck_argument(deck)

    def reviewed() -> Review:
        try:
            return review_deck(deck_path, grade=grade)
        except ReviewUnavailable as exc:  # one line, as an output that cannot be made
            raise OutputError(str(exc)) from None

    found = _run(reviewed, debug)
    if format_ == "json":
        click.echo(json.dumps(found.as_json(), ensure_ascii=False, indent=2))
    elif format_ == "markdown":
        click.echo(as_markdown(found))
    else:
        click.echo(as_table(found))
    if strict and found.all_findings():
        raise Fail(f"{len(found.all_findings())} findings, counted as errors by --strict")


def finding_line(finding: Finding) -> str:
    from cards.problems import display_path

    return f"{display_path(finding.path)}:{finding.line}: {finding.check}: {finding.message}"


def as_table(found: Review) -> str:
    """Techniques worst first, with their grade; then every finding, one a line."""
    from cards.problems import display_path

    lines = []
    formula = found.formula or f"no reading-grade formula for '{found.language}'"
    lines.append(f"{found.deck}: {formula}; target grade {found.settings.grade} or below")
    lines.append("")
    lines.append(f"{'grade':>6}  {'score':>6}  {'words':>5}  title")
    for text in found.texts:
        grade = (
            f"{text.grade.grade:6.1f}  {text.grade.score:6.1f}"
            if text.grade
            else f"{'—':>6}  {'—':>6}"
        )
        mark = " *" if text.grade and text.grade.grade > found.settings.grade else ""
        lines.append(f"{grade}  {text.words:>5}  {text.title}{mark}  ({display_path(text.path)})")
    findings = found.all_findings()
    lines.append("")
    if findings:
        lines += [finding_line(f) for f in findings]
        lines.append("")
    if found.main_message:
        lines.append(f"main message (the intro's first sentence): {found.main_message}")
    lines.append(f"{found.summary()}; {len(findings)} findings")
    return "\n".join(lines)


def as_markdown(found: Review) -> str:
    from cards.problems import display_path

    formula = found.formula or f"no reading-grade formula for '{found.language}'"
    lines = [
        f"# Plain-language review of {found.deck}",
        "",
        f"Formula: {formula}. Target: grade {found.settings.grade} or below. {found.summary()}.",
        "",
        "| grade | score | words | title | file |",
        "|---:|---:|---:|---|---|",
    ]
    for text in found.texts:
        grade, score = (
            (f"{text.grade.grade:.1f}", f"{text.grade.score:.1f}") if text.grade else ("—", "—")
        )
        lines.append(
            f"| {grade} | {score} | {text.words} | {text.title} | {display_path(text.path)}:{text.line} |"
        )
    findings = found.all_findings()
    lines += ["", "## Findings", ""]
    lines += [
        f"- `{display_path(f.path)}:{f.line}` **{f.check}**: {f.message}" for f in findings
    ] or ["None."]
    if found.main_message:
        lines += ["", f"Main message (the intro's first sentence): {found.main_message}"]
    lines += [
        "",
        (
            "Passive voice, long words and steps of more than one action are heuristics. "
            "No program can tell whether patients understand the text: test it with a few of them."
        ),
    ]
    return "\n".join(lines)
