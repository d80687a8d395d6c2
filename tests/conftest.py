"""Shared fixtures: small decks written from a dict, and the default deck built once."""

from __future__ import annotations

import tempfile
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


# A file beside a test's output that says its decks are random characters
# (tests/test_robustness.py): pdfua checks their structure; outloud, which
# also judges what the words say, does not read them.
RANDOM_TEXT_MARK = "RANDOM_TEXT"


def random_text(path: Path) -> bool:
    return any((folder / RANDOM_TEXT_MARK).is_file() for folder in path.parents)


def accessibility_findings(paths: list[Path]) -> list[str]:
    """Both PDF/UA checkers (pdfua, outloud: test dependencies) on every tagged
    file the tests wrote, in batches: a line for each file either finds a
    fault or a warning in."""
    import json
    import shutil
    import subprocess
    import sys

    found: list[str] = []
    where = str(Path(sys.executable).parent)
    pdfua, outloud = shutil.which("pdfua", path=where), shutil.which("outloud", path=where)
    if paths and not (pdfua and outloud):
        return ["pdfua and outloud are test dependencies: pip install -e '.[test]'"]
    for start in range(0, len(paths), 100):
        batch = [str(p) for p in paths[start : start + 100]]
        run = subprocess.run(
            [pdfua, "check", "--format", "json", *batch],
            capture_output=True,
            text=True,
            check=False,
        )
        decoder, text, at = json.JSONDecoder(), run.stdout, 0
        while at < len(text):
            if text[at].isspace():
                at += 1
                continue
            report, at = decoder.raw_decode(text, at)
            if report["summary"]["findings"]:
                rules = sorted({f.get("rule_id", f.get("rule", "?")) for f in report["findings"]})
                found.append(f"{report['file']}: pdfua finds {rules}")
        readable = [p for p in batch if not random_text(Path(p))]
        if not readable:
            continue
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / "outloud.json"
            subprocess.run(
                [outloud, "-q", "--json", str(out), *readable],
                capture_output=True,
                text=True,
                check=False,
            )
            for result in json.loads(out.read_text())["results"]:
                serious = [
                    f
                    for f in result["findings"]
                    if f.get("severity") in ("error", "warning")
                    and not across_cards(Path(result["path"]), f)
                ]
                if result.get("error") or serious:
                    rules = sorted({f.get("rule", "?") for f in serious})
                    found.append(
                        f"{result['path']}: outloud finds {rules} {result.get('error') or ''}"
                    )
    return found


def across_cards(path: Path, finding: dict) -> bool:
    """outloud's one reading that does not fit a sheet of cards: it joins all
    text on one baseline across the sheet into a "line", so the footers (or
    backs) of the cards side by side in a row, each an artifact of its own
    card ("Stretches for Tired Feet · 1 / 4"), read together as a line of
    prose marked as an artifact (TAG-002). Only that finding, only on a card
    sheet, and only where its line says one card's furniture again and again."""
    if finding.get("rule") != "TAG-002" or not path.name.endswith("-cards.pdf"):
        return False
    words = [w for w in str(finding.get("evidence") or "").split() if w.isalpha()]
    for size in range(2, 7):  # a phrase of the furniture, said for card after card
        phrases = [tuple(words[i : i + size]) for i in range(len(words) - size + 1)]
        if any(phrases.count(phrase) >= 2 for phrase in phrases):
            SET_ASIDE.append(path)
            return True
    return False


SET_ASIDE: list[Path] = []  # the files whose TAG-002 reading across_cards set aside


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
    tagged: list[Path] = []
    for path in sorted(p for p in base.rglob("*.pdf") if p.is_file()):
        checked += 1
        try:
            with pikepdf.open(path) as pdf:
                problems = list(pdf.check_pdf_syntax())  # qpdf --check: every object and stream
                if "/StructTreeRoot" in pdf.Root:
                    tagged.append(path)
        except Exception as exc:  # noqa: BLE001 - any failure to read is the finding
            problems = [f"{type(exc).__name__}: {exc}"]
        if problems:
            broken.append(f"{path}: {problems[:3]}")
    findings = accessibility_findings(tagged)
    broken.extend(findings)
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(f"qpdf check: {checked} PDFs read back, {len(broken)} broken")
        random = sum(random_text(p) for p in tagged)
        reporter.write_line(
            f"pdfua and outloud: {len(tagged)} tagged PDFs checked ({random} of random text"
            f" by pdfua alone), {len(findings)} findings; outloud's TAG-002 across a row"
            f" of cards set aside on {len(set(SET_ASIDE))} card sheets"
        )
    if broken:
        for line in broken[:60]:
            print(line)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
