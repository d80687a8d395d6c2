"""Nothing breaks, nothing is lost: hostile input, reproducible output, atomic writes."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pypdf
import pytest
import yaml
from click.testing import CliRunner
from conftest import (
    DEFAULT_DECK,
    RANDOM_TEXT_MARK,
    REPO,
    sheet_grid,
    small_deck,
    technique,
    write_deck,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pdfcheck import all_text, page_count

from cards.cli import main
from cards.output import files as output

PROBLEM_LINE = re.compile(r"^.+:\d+: (error|warning): .+$")


def test_deck_path_is_a_file(run, tmp_path):
    (tmp_path / "deck.md").write_text("x")
    result = run("check", "deck.md")
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == "deck.md:1: error: is a file, not a deck folder"


def test_unreadable_file(run, deck_dir, monkeypatch):
    folder = deck_dir(small_deck())
    original = os.open

    def refuse(path, *args, **kwargs):  # root reads any file: refuse it here instead
        if Path(path).name == "02-beta.md":
            raise PermissionError(13, "Permission denied")
        return original(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    result = run("check", folder)
    assert result.exit_code == 1
    assert (
        "test-deck/01-one/02-beta.md:1: error: cannot read file: Permission denied" in result.output
    )


def test_unknown_layout_element(deck_dir, tmp_path):
    from cards.build import check

    user = tmp_path / "mine" / "card"
    user.mkdir(parents=True)
    (user / "front.xml.j2").write_text("<card><sparkle/></card>")
    [problem] = check(deck_dir(small_deck()), templates=tmp_path / "mine")
    assert problem.path.name == "front.xml.j2"
    assert problem.message == "layout markup: unknown element <sparkle>"


def test_folder_in_place_of_the_pdf(run, deck_dir):
    folder = deck_dir(small_deck())
    (folder.parent / "out" / "test-deck-cards.pdf").mkdir(parents=True)
    result = run("build", folder, "-f", "cards")
    assert result.exit_code == 1
    assert (
        result.output
        == "error: out/test-deck-cards.pdf: a folder stands where the PDF should be written\n"
    )


def test_failed_write_keeps_the_old_file_and_no_temporary(run, deck_dir, monkeypatch):
    folder = deck_dir(small_deck())
    assert run("build", folder, "-f", "cards").exit_code == 0
    pdf = folder.parent / "out" / "test-deck-cards.pdf"
    before = pdf.read_bytes()
    (folder / "01-one" / "01-alpha.md").write_text(technique("Changed"))

    def locked(source, target):
        raise PermissionError(13, "The process cannot access the file")

    monkeypatch.setattr(output.os, "replace", locked)
    result = run("build", folder, "-f", "cards")
    assert result.exit_code == 1
    assert result.output == (
        "error: out/test-deck-cards.pdf: cannot write the file: The process cannot access the file\n"
    )
    assert pdf.read_bytes() == before
    assert sorted(p.name for p in pdf.parent.iterdir()) == ["test-deck-cards.pdf"]


def test_interrupted_write_leaves_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "placeholder.out"
    target.write_bytes(b"old")

    def interrupted(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(output.os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        output.write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["placeholder.out"]


def test_internal_errors_are_one_line_unless_debug(run, deck_dir, monkeypatch):
    from cards import build as build_module

    def broken(*args, **kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(build_module, "_cards", broken)
    folder = deck_dir(small_deck())
    result = run("build", folder, "-f", "cards")
    assert result.exit_code == 1
    assert result.output == (
        "internal error: ZeroDivisionError: division by zero (run again with --debug for details)\n"
    )
    with pytest.raises(ZeroDivisionError):
        run("build", folder, "-f", "cards", "--debug")


def test_missing_glyph_warns_and_prints_its_code(run, deck_dir):
    """A character no font has (the emoji: no colour font is shipped) is its
    code, with a warning; one a script font has (☯, in Noto Sans) prints."""
    body = "1. Relax 🧘 now.\n2. Breathe ☯ out."
    folder = deck_dir(small_deck(**{"01-one/01-alpha.md": technique("Feet 🦶", body)}))
    result = run("build", folder, "-f", "cards")
    assert result.exit_code == 0
    assert (
        "test-deck/01-one/01-alpha.md:1: warning: no font has '🦶' (U+1F9B6), '🧘' (U+1F9D8); "
        "printed as its code, e.g. [U+1F9B6]" in result.output
    )
    assert "☯" not in result.output
    text = all_text(folder.parent / "out" / "test-deck-cards.pdf")
    assert "Feet [U+1F9B6]" in text and "Relax [U+1F9D8] now." in text
    assert "Breathe ☯ out." in text


def test_control_characters_are_removed_with_a_warning(run, deck_dir):
    folder = deck_dir(
        small_deck(**{"01-one/01-alpha.md": "---\ntitle: Alpha\n---\n1. Press\x07 gently.\n"})
    )
    result = run("build", folder, "-f", "cards")
    assert result.exit_code == 0
    assert "01-alpha.md:4: warning: control characters removed" in result.output


# -- reproducible output ---------------------------------------------------------------------


def test_source_date_epoch_sets_the_creation_date(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    CliRunner().invoke(
        main, ["build", str(DEFAULT_DECK), "-o", str(tmp_path)], catch_exceptions=False
    )
    for name in ("cards", "booklet", "booklet-imposed"):
        meta = pypdf.PdfReader(tmp_path / f"foot-massage-{name}.pdf").metadata
        assert meta["/CreationDate"].startswith("D:20231114221320")


def test_without_epoch_the_date_is_the_newest_content_file(deck_dir, tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    folder = deck_dir(small_deck())
    for path in folder.rglob("*.md"):
        os.utime(path, (1600000000, 1600000000))
    os.utime(folder / "02-two" / "01-gamma.md", (1650000000, 1650000000))
    runner = CliRunner()
    runner.invoke(main, ["build", str(folder), "-o", str(tmp_path / "a")], catch_exceptions=False)
    meta = pypdf.PdfReader(tmp_path / "a" / "test-deck-cards.pdf").metadata
    assert meta["/CreationDate"].startswith("D:20220415052000")
    time.sleep(0.01)
    runner.invoke(main, ["build", str(folder), "-o", str(tmp_path / "b")], catch_exceptions=False)
    for name in ("cards", "booklet", "booklet-imposed"):
        a = (tmp_path / "a" / f"test-deck-{name}.pdf").read_bytes()
        assert a == (tmp_path / "b" / f"test-deck-{name}.pdf").read_bytes()


def test_errors_doc_names_real_tests():
    doc = (REPO / "docs" / "errors.md").read_text()
    named = set(re.findall(r"`(test_\w+)`", doc))
    defined = set()
    for path in (REPO / "tests").glob("test_*.py"):
        defined |= set(re.findall(r"^def (test_\w+)", path.read_text(), re.MULTILINE))
    assert named and not (named - defined), named - defined


# -- generated decks ----------------------------------------------------------------------------

yaml_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=30)
)
yaml_values = st.recursive(
    yaml_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=6,
)
printable_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40
).filter(lambda t: t.strip())
# Mostly well-formed fields, so that many decks build; sometimes anything at all.
field_values = {
    "title": st.one_of(printable_text, printable_text, yaml_values),
    "hold": st.one_of(printable_text, yaml_values),
    "repeat": st.one_of(printable_text, yaml_values),
    "pressure": st.one_of(st.sampled_from(["gentle", "medium", "firm"]), yaml_values),
    "weight": st.one_of(st.integers(-5, 5), yaml_values),
    "draft": st.one_of(st.just(False), yaml_values),
    "colour": yaml_values,
}
front_matter = st.fixed_dictionaries(
    {"title": field_values["title"]},
    optional={name: strategy for name, strategy in field_values.items() if name != "title"},
)
file_names = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="/\\\x00"),
    min_size=1,
    max_size=20,
).filter(lambda n: n not in (".", "..") and len(n.encode()) < 200)


def render_file(fields: dict, body: str, raw_front: bool) -> str:
    if raw_front:
        return f"---\n{body}\n---\n{body}\n"
    return "---\n" + yaml.safe_dump(fields, allow_unicode=True) + "---\n" + body + "\n"


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    deck_title=printable_text,
    sections=st.lists(
        st.tuples(
            file_names,
            st.lists(
                st.tuples(
                    file_names,
                    front_matter,
                    st.text(max_size=300),
                    st.sampled_from([False] * 9 + [True]),
                ),
                min_size=1,
                max_size=4,
            ),
        ),
        min_size=1,
        max_size=3,
    ),
)
def test_any_deck_gives_a_pdf_or_clean_errors(tmp_path_factory, deck_title, sections):
    root = tmp_path_factory.mktemp("generated")
    # random characters, many of them in no font we ship: outloud's reading of
    # such text (headings like "0", glyphs missing) is no finding about the tool
    (root / RANDOM_TEXT_MARK).write_text("titles and steps of random characters\n")
    files = {
        "_index.md": "---\n" + yaml.safe_dump({"title": deck_title}, allow_unicode=True) + "---\n"
    }
    for section_name, techniques in sections:
        files[f"{section_name}/_index.md"] = "---\ntitle: Section\n---\n"
        for name, fields, body, raw in techniques:
            files[f"{section_name}/{name}.md"] = render_file(fields, body, raw)
    try:
        folder = write_deck(root / "deck", files)
    except OSError:
        return  # a name this file system refuses is not the tool's input
    started = time.monotonic()
    result = CliRunner().invoke(main, ["build", str(folder), "-o", str(root / "out")])
    assert time.monotonic() - started < 30
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    if result.exit_code == 0:
        pdf = root / "out" / "deck-cards.pdf"
        assert page_count(pdf) >= 1
        assert page_count(root / "out" / "deck-booklet.pdf") % 4 == 0
    else:
        assert result.exit_code == 1, result.output
        lines = result.output.splitlines()
        assert lines[-1].endswith("nothing was written")
        assert all(PROBLEM_LINE.match(line) for line in lines[:-1]), lines


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.integers(min_value=0, max_value=60))
def test_empty_and_huge_sections(tmp_path_factory, count):
    root = tmp_path_factory.mktemp("sizes")
    files = small_deck(**{"03-big/_index.md": "---\ntitle: Big\n---\n"})
    for i in range(count):
        files[f"03-big/{i:03d}.md"] = technique(f"Card {i}")
    folder = write_deck(root / "deck", files)
    result = CliRunner().invoke(
        main, ["build", str(folder), "-o", str(root / "out"), "--no-extras"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    cards = 3 + count
    assert page_count(root / "out" / "deck-cards.pdf") == -(-cards // sheet_grid().per_sheet)
    if count == 0:
        assert "warning: section has no techniques" in result.output
