"""The command line: exit codes, exact messages, nothing lost on failure."""

from __future__ import annotations

import subprocess
import sys

from conftest import REPO, small_deck, technique


def test_build_writes_the_cards_and_prints_a_summary(run, deck_dir):
    folder = deck_dir(small_deck())
    result = run("build", folder, "-f", "cards")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        "out/test-deck-cards.pdf  3 cards (63 × 88 mm) + 3 of the deck's own · 1 A4 landscape "
        "sheet · 8 per sheet · "
    )


def test_default_deck_when_run_in_the_repo(run, monkeypatch):
    monkeypatch.chdir(REPO)
    result = run("list")
    assert result.exit_code == 0
    assert result.output.splitlines()[0] == "Foot Massage (13 techniques)"
    assert "1  Relaxing Techniques  [#2A6CB8]" in result.output
    assert (
        "     1  Sole Twists  (hold 6–10 seconds · repeat Each direction, both feet · medium)"
        in result.output
    )


def test_default_deck_outside_the_repo_is_the_packaged_one(run):
    result = run("list")  # run() works in an empty tmp_path
    assert result.exit_code == 0
    assert "Foot Massage (13 techniques)" in result.output


def test_bad_content_one_line_per_error_and_exit_1(run, deck_dir):
    folder = deck_dir(small_deck(**{"01-one/01-alpha.md": technique("Alpha", pressure="hard")}))
    result = run("build", folder)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == (
        "test-deck/01-one/01-alpha.md:3: error: pressure must be one of gentle, medium, firm (got 'hard')"
    )
    assert lines[1] == "1 error; nothing was written"
    assert "Traceback" not in result.output


def test_check_exit_codes(run, deck_dir):
    clean = deck_dir(small_deck(), "clean")
    assert run("check", clean).output == "ok: no problems found\n"
    warned = deck_dir(
        small_deck(**{"01-one/01-alpha.md": technique("Alpha", colour="x")}), "warned"
    )
    result = run("check", warned)
    assert result.exit_code == 0
    assert "warning: unknown field 'colour' ignored" in result.output
    assert result.output.endswith("ok: 1 warning\n")
    broken = deck_dir(
        small_deck(**{"01-one/01-alpha.md": technique("Alpha", weight="x")}), "broken"
    )
    result = run("check", broken)
    assert result.exit_code == 1
    assert result.output.endswith("1 error, 0 warnings\n")


def test_a_technique_too_long_for_any_size_is_an_error_naming_its_file(run, deck_dir):
    steps = "\n".join(
        f"{i}. Press the heel gently with both thumbs and slide it." for i in range(1, 30)
    )
    folder = deck_dir(small_deck(**{"01-one/02-beta.md": technique("Beta", steps)}))
    for command in ("check", "build"):
        result = run(command, folder)
        assert result.exit_code == 1
        line = result.output.splitlines()[0]
        assert line.startswith(
            "test-deck/01-one/02-beta.md:1: error: 'Beta' does not fit its card (63 × 88 mm) even at 7.5 pt:"
        )
    assert not (folder.parent / "out" / "test-deck-cards.pdf").exists()


def test_failed_build_leaves_the_earlier_pdf_untouched(run, deck_dir):
    folder = deck_dir(small_deck())
    assert run("build", folder, "-f", "cards").exit_code == 0
    pdf = folder.parent / "out" / "test-deck-cards.pdf"
    before = pdf.read_bytes()
    (folder / "01-one" / "01-alpha.md").write_text("---\ntitle: [broken\n---\n")
    result = run("build", folder, "-f", "cards")
    assert result.exit_code == 1
    assert pdf.read_bytes() == before
    assert [p.name for p in pdf.parent.iterdir()] == ["test-deck-cards.pdf"]  # no temporary left


def test_missing_deck(run):
    result = run("build", "nowhere")
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == "nowhere:1: error: deck folder not found"


def test_bad_option_value_is_one_clear_line(run):
    result = run("build", "--paper", "a3")
    assert result.exit_code == 2
    assert result.output == (
        "cards: error: Invalid value for '--paper': 'a3' is not one of 'a4', 'letter'. "
        "(see 'main build --help')\n"
    )


def test_output_folder_not_writable(run, deck_dir, tmp_path):
    folder = deck_dir(small_deck())
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run("build", folder, "-o", blocker / "sub")
    assert result.exit_code == 1
    assert (
        result.output.startswith("error: ") and "cannot create the output folder" in result.output
    )


def test_template_syntax_error_names_template_and_line(run, deck_dir, tmp_path, monkeypatch):
    from cards import build as build_module

    user = tmp_path / "mine" / "card"
    user.mkdir(parents=True)
    (user / "front.xml.j2").write_text("<card>\n<title>{{ technique.title }</title>\n</card>\n")
    folder = deck_dir(small_deck())
    problems = build_module.check(folder, templates=tmp_path / "mine")
    [problem] = problems
    assert problem.path.name == "front.xml.j2" and problem.line == 2
    assert problem.message.startswith("template: ")


def test_template_unknown_variable_names_template_and_line(deck_dir, tmp_path):
    from cards import build as build_module

    user = tmp_path / "mine" / "card"
    user.mkdir(parents=True)
    (user / "front.xml.j2").write_text(
        "<card>\n\n<title>{{ technique.nickname }}</title>\n</card>\n"
    )
    [problem] = build_module.check(deck_dir(small_deck()), templates=tmp_path / "mine")
    assert (problem.path.name, problem.line, problem.level) == ("front.xml.j2", 3, "error")
    assert "nickname" in problem.message


def test_python_dash_m_cards_works():
    result = subprocess.run(
        [sys.executable, "-m", "cards", "--version"], capture_output=True, text=True, check=True
    )
    from importlib.metadata import version

    from cards import __version__

    assert result.stdout == f"{__version__}\n" == f"{version('cardpress')}\n"


# -- help that reads whole ---------------------------------------------------------------------


def test_every_command_summary_is_whole_in_the_help(run):
    result = run("--help")
    commands = result.output.split("Commands:", 1)[1].strip().splitlines()
    assert len(commands) >= 8
    for line in commands:
        assert not line.rstrip().endswith("..."), line


def test_help_names_every_option_it_suggests(run):
    assert "--debug" in run("build", "--help").output  # errors suggest it
    check_help = run("check", "--help").output
    assert "--strict" in check_help and "write nothing" not in check_help.split("--strict", 1)[1]
    calibrate = run("calibrate", "--help").output
    duplex = calibrate.split("--duplex", 1)[1].split("\n  -", 1)[0]
    assert "long edge" in duplex


def test_preview_takes_quiet_and_verbose_and_says_when_no_viewer_opens(run, deck_dir, monkeypatch):
    import click

    deck_dir(small_deck())
    quiet = run("preview", "test-deck", "-q", "-o", "out")
    assert quiet.exit_code == 0 and quiet.output == ""
    assert run("preview", "test-deck", "-v", "-o", "out").exit_code == 0
    monkeypatch.setattr(click, "launch", lambda *args, **kwargs: 3)
    result = run("preview", "test-deck", "--open", "-q", "-o", "out")
    assert result.exit_code == 1
    assert (
        result.output == "error: no PDF viewer opened out/test-deck-cards.pdf; open it yourself\n"
    )
