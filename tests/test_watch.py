"""A real `cards build --watch` session, driven through the edits a user makes,
each rebuild compared byte for byte with a cold build of the same files."""

from __future__ import annotations

import os
import queue
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

from conftest import DEFAULT_DECK, REPO, technique

EPOCH = "1700000000"  # every build of one set of files is then the same bytes
TIMEOUT_S = 60


class WatchSession:
    """``cards build DECK --watch`` in a child process; its stderr read line by line."""

    def __init__(self, deck: Path, out: Path, *extra: str):
        env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "PYTHONPATH": str(REPO)}
        env.pop("NO_COLOR", None)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "cards", "build", str(deck), "-o", str(out), *extra],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, text: str) -> str:
        """The next line that holds ``text``; fails after TIMEOUT_S."""
        deadline = time.monotonic() + TIMEOUT_S
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.5)
            except queue.Empty:
                continue
            self.seen.append(line)
            if text in line:
                return line
        raise AssertionError(f"no line with {text!r}; the session said: {self.seen}")

    def built(self) -> str:
        """The end of the next build, good or not."""
        line = self.wait_for("watching for changes")
        self.wait_idle()
        return line

    def wait_idle(self) -> None:
        """Until the watcher is listening again (it says so on a restart)."""
        time.sleep(0.2)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def cold_build(deck: Path, out: Path, *extra: str) -> dict[str, bytes]:
    shutil.rmtree(out, ignore_errors=True)
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "PYTHONPATH": str(REPO)}
    subprocess.run(
        [sys.executable, "-m", "cards", "build", str(deck), "-o", str(out), *extra],
        check=True,
        capture_output=True,
        env=env,
    )
    return files_in(out)


def files_in(out: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(out.glob("*.pdf"))}


def test_a_watch_session_follows_every_edit_and_each_rebuild_equals_a_cold_build(tmp_path):
    deck = tmp_path / "deck"
    shutil.copytree(DEFAULT_DECK, deck)
    layouts = tmp_path / "layouts"
    (layouts / "card").mkdir(parents=True)
    out, cold = tmp_path / "out", tmp_path / "cold"
    session = WatchSession(deck, out, "--watch", "--templates", str(layouts))
    section = deck / "01-relaxing-techniques"
    new_section = deck / "05-extra"

    def new_technique() -> None:
        (section / "05-heel-rocks.md").write_text(technique("Heel Rocks", hold="5 seconds"))

    def rename_technique() -> None:
        (section / "05-heel-rocks.md").rename(section / "06-heel-rolls.md")

    def delete_technique() -> None:
        (section / "06-heel-rolls.md").unlink()
        (section / "02-toe-arches.md").unlink()

    def add_section() -> None:
        new_section.mkdir()
        (new_section / "_index.md").write_text("---\ntitle: Extra\n---\nMore.\n")
        (new_section / "01-x.md").write_text(technique("Calf Strokes"))

    def rename_section() -> None:
        (deck / "02-massage-the-soles").rename(deck / "06-soles")

    def edit_deck_index() -> None:
        index = deck / "_index.md"
        index.write_text(index.read_text().replace("Foot Massage", "Foot Care"))

    def edit_section_index() -> None:
        (new_section / "_index.md").write_text(
            '---\ntitle: Extra Care\ncolour: "#7A1F5C"\n---\nMore.\n'
        )

    def override_layout() -> None:
        front = (REPO / "templates" / "card" / "front.xml.j2").read_text()
        marked = front.replace("<footer>", "<note>Keep away from eyes.</note>\n<footer>", 1)
        assert marked != front
        (layouts / "card" / "front.xml.j2").write_text(marked)

    def own_diagram() -> None:
        shutil.copy(REPO / "diagrams" / "foot-sole.svg", new_section / "sole.svg")
        (new_section / "01-x.md").write_text(
            technique("Calf Strokes", diagram="sole.svg", areas="heel")
        )

    def edit_diagram() -> None:
        svg = new_section / "sole.svg"
        svg.write_text(svg.read_text().replace('stroke="#7A7A7A"', 'stroke="#303030"', 1))

    def break_a_file() -> None:
        (new_section / "01-x.md").write_text("---\ntitle: [unclosed\n---\n1. A.\n")

    def mend_the_file() -> None:
        (new_section / "01-x.md").write_text(technique("Calf Strokes", pressure="firm"))

    edits = [
        new_technique,
        rename_technique,
        delete_technique,
        add_section,
        rename_section,
        edit_deck_index,
        edit_section_index,
        override_layout,
        own_diagram,
        edit_diagram,
        break_a_file,
        mend_the_file,
    ]
    try:
        assert "] built;" in session.built()
        session.wait_for("watching")
        previous = files_in(out)
        assert previous == cold_build(deck, cold, "--templates", str(layouts))
        for edit in edits:
            edit()
            line = session.built()
            if edit is break_a_file:
                assert "not built" in line
                assert files_in(out) == previous, "a failed rebuild keeps the last good files"
                continue
            assert "] built;" in line, (edit.__name__, session.seen[-5:])
            now = files_in(out)
            assert now == cold_build(deck, cold, "--templates", str(layouts)), edit.__name__
            if edit is not rename_technique:  # a new name, the same card in the same place
                assert now != previous, f"{edit.__name__} changed nothing in the PDFs"
            previous = now
        # the deck folder removed, then made again: said, waited for, built
        shutil.rmtree(deck)
        session.wait_for("is gone; waiting for it to come back")
        shutil.copytree(DEFAULT_DECK, deck)
        session.wait_for("is back; building")
        assert "] built;" in session.built()
        session.wait_for("watching")
        assert files_in(out) == cold_build(deck, cold, "--templates", str(layouts))
        # and the new folder is watched, not the one that went
        (deck / "01-relaxing-techniques" / "05-late.md").write_text(technique("Late Card"))
        assert "] built;" in session.built()
        assert files_in(out) == cold_build(deck, cold, "--templates", str(layouts))
    finally:
        session.stop()
    assert not any("internal error" in line for line in session.seen), session.seen
