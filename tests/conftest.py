"""Shared fixtures: small decks written from a dict, and the default deck built once."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from cards.cli import main

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DECK = REPO / "content" / "foot-massage"


# The title card is the first card of the first sheet (the top of the pile):
# technique number n (1-based, in deck order) is the file's card n + 1.
TITLE_CARD_SLOT = 0


def sheet_grid(paper: str = "a4", gutter_mm: float | None = None, fold: bool = False):
    """The grid of pocket cards a build lays on a sheet (``geometry.Grid``): as
    designed, cards 6 mm apart, each with its own bleed (A4 landscape, 8 a
    sheet); ``gutter_mm=0`` butts them (A4 portrait, 9 a sheet)."""
    from cards.formats.cardsheet import card_grid
    from cards.layout.theme import CardTheme, SheetTheme

    return card_grid(paper, CardTheme(), SheetTheme(), fold, gutter_mm)


def technique_card(index: int, per_sheet: int | None = None) -> tuple[int, int]:
    """The sheet and slot (0-based) of technique ``index`` (0-based, in deck
    order) in a cards file of a whole deck, which has the title card first."""
    return divmod(index + 1, per_sheet or sheet_grid().per_sheet)


def pocket_slot(slot: int, paper: str = "a4", gutter_mm: float | None = None):
    """The trim box (geometry.Box, mm) of a pocket card's slot on a sheet."""
    return sheet_grid(paper, gutter_mm).slot(slot)


def write_deck(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write ``files`` (relative path → text) under ``root``; returns ``root``."""
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
    return root


def technique(title: str, body: str = "1. Press gently.\n2. Let go.", **fields: str) -> str:
    lines = [f"title: {title}"] + [f"{k}: {v}" for k, v in fields.items()]
    return "---\n" + "\n".join(lines) + "\n---\n" + body + "\n"


def small_deck(**overrides: str) -> dict[str, str]:
    """A valid two-section deck; ``overrides`` replace or add files."""
    files = {
        "_index.md": "---\ntitle: Test Deck\n---\nAn intro.\n\n**Before you start:** stop if it hurts.\n",
        "01-one/_index.md": '---\ntitle: First\ncolour: "#1D4F91"\n---\nFirst intro.\n',
        "01-one/01-alpha.md": technique("Alpha", hold="5 seconds", pressure="gentle"),
        "01-one/02-beta.md": technique("Beta", repeat="3 times"),
        "02-two/_index.md": "---\ntitle: Second\n---\n",
        "02-two/01-gamma.md": technique("Gamma", pressure="firm"),
    }
    files.update(overrides)
    return files


@pytest.fixture
def deck_dir(tmp_path: Path):
    """Call with a dict of files; returns the deck folder."""

    def make(files: dict[str, str | bytes], name: str = "test-deck") -> Path:
        return write_deck(tmp_path / name, files)

    return make


@pytest.fixture
def run(monkeypatch, tmp_path: Path):
    """Run the CLI in tmp_path; returns click's Result."""
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)

    return invoke


@pytest.fixture(scope="session")
def built_cards(tmp_path_factory) -> Path:
    """The default deck's cards PDF on A4, built once for the session."""
    out = tmp_path_factory.mktemp("out")
    result = CliRunner().invoke(
        main, ["build", str(DEFAULT_DECK), "-f", "cards", "-o", str(out)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return out / "foot-massage-cards.pdf"


# -- every PDF the tests build passes an independent structural check ----------------------


def pytest_sessionfinish(session, exitstatus):
    """qpdf (through pikepdf) reads back every PDF written under the test folders:
    a file a reader might refuse fails the run, whichever test wrote it."""
    import pikepdf

    factory = getattr(session.config, "_tmp_path_factory", None)
    if factory is None:
        return
    base = factory.getbasetemp()
    broken = []
    checked = 0
    for path in sorted(p for p in base.rglob("*.pdf") if p.is_file()):
        checked += 1
        try:
            with pikepdf.open(path) as pdf:
                problems = list(pdf.check_pdf_syntax())  # qpdf --check: every object and stream
        except Exception as exc:  # noqa: BLE001 - any failure to read is the finding
            problems = [f"{type(exc).__name__}: {exc}"]
        if problems:
            broken.append(f"{path}: {problems[:3]}")
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(f"qpdf check: {checked} PDFs read back, {len(broken)} broken")
    if broken:
        for line in broken[:20]:
            print(line)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
