"""Options and arguments more than one command takes, declared once."""

from __future__ import annotations

import click

deck_argument = click.argument("deck", required=False, type=click.Path())
out_option = click.option(
    "-o",
    "--out",
    "out_dir",
    default="out",
    show_default=True,
    type=click.Path(),
    help="Where to write; created if missing.",
)
paper_option = click.option(
    "--paper",
    type=click.Choice(["a4", "letter"]),
    default="a4",
    show_default=True,
    help="Sheet size of the printable files.",
)
templates_option = click.option(
    "--templates",
    "templates",
    type=click.Path(file_okay=False, exists=True),
    help="A folder of your own layouts; a file there replaces the built-in one of the same name.",
)
strict_option = click.option(
    "--strict",
    is_flag=True,
    help="Warnings count as errors: exit 1 and write nothing (for unattended builds).",
)
check_strict_option = click.option(
    "--strict",
    is_flag=True,
    help="Warnings count as errors: exit 1 on any (for unattended checks).",
)
debug_option = click.option(
    "--debug",
    is_flag=True,
    help="On an internal error, show its full traceback (for a bug report).",
)
quiet_option = click.option("-q", "--quiet", is_flag=True, help="Print errors only.")


def card_size(ctx: click.Context, param: click.Parameter, value: str) -> str:
    from cards.geometry import parse_size_mm
    from cards.layout.theme import CARD_SIZES_MM

    if value in CARD_SIZES_MM:
        return value
    try:
        parse_size_mm(value)
    except ValueError as exc:
        presets = ", ".join(CARD_SIZES_MM)
        raise click.BadParameter(f"{exc}; or one of {presets}") from None
    return value


def offset(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[float, float]:
    from cards.geometry import parse_offset_mm

    if value is None:
        return (0.0, 0.0)
    try:
        return parse_offset_mm(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
