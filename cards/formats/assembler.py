"""Assembly in a process of its own, for a booklet too large to assemble beside its drawing.

qpdf holds a file as objects, about 25 KB a page with the links, the outline
and the imposed sheets. The process that draws a large booklet holds the
deck, the page plan and every library it drew with (80 MB for 5,000
techniques) before it assembles anything; a fresh process that imports
pikepdf alone holds little more than the file. ``AssemblyProcess`` has the
methods of ``Assembly``; the chunks go to the process as they are drawn, and
the finished files come back.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
from collections.abc import Sequence
from typing import IO, Any

from cards.formats.assembly import Assembly, FileInfo, Imposition, OutlineEntry
from cards.geometry import SheetSide
from cards.marks import Chunk

# From this many pages a booklet is assembled in a process of its own: below
# it, starting the process costs more time than its memory is worth.
APART_FROM = 2000


class AssemblyProcess:
    """``Assembly``, done by ``python -m cards.formats.assembler``."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "cards.formats.assembler"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        self.requests: IO[bytes] = self.process.stdin
        self.answers: IO[bytes] = self.process.stdout
        self.page_count = 0

    def send(self, *request: object) -> None:
        try:
            pickle.dump(request, self.requests, protocol=pickle.HIGHEST_PROTOCOL)
        except BrokenPipeError:
            pass  # it has ended: its answer says why

    def answer(self) -> Any:
        try:
            self.requests.flush()
        except BrokenPipeError:
            pass
        try:
            done, value = pickle.load(self.answers)
        except EOFError:
            self.process.wait()
            raise RuntimeError(
                f"the assembly process ended with code {self.process.returncode}"
            ) from None
        if not done:
            raise RuntimeError(f"the assembly process failed: {value}")
        return value

    def add(self, chunk: Chunk) -> None:
        self.send("add", chunk)
        self.page_count += len(chunk.marks)

    def finish(
        self,
        info: FileInfo,
        anchors: dict[str, int] | None = None,
        outline: Sequence[tuple[int, OutlineEntry]] = (),
    ) -> bytes:
        self.send("finish", info, anchors, list(outline))
        data: bytes = self.answer()
        return data

    def impose(self, sides: Sequence[SheetSide], where: Imposition, info: FileInfo) -> bytes:
        self.send("impose", list(sides), where, info)
        data: bytes = self.answer()
        return data

    def close(self) -> None:
        if self.process.poll() is None:
            self.send("close")
            try:
                self.requests.close()
            except BrokenPipeError:
                pass
        self.process.wait()


def serve(requests: IO[bytes], answers: IO[bytes]) -> None:
    """Answer ``AssemblyProcess``'s requests until it closes."""
    assembly = Assembly()
    while True:
        try:
            kind, *arguments = pickle.load(requests)
        except EOFError:
            return
        if kind == "close":
            return
        try:
            value = getattr(assembly, kind)(*arguments)
        except Exception as exc:  # noqa: BLE001 - reported to the drawing process
            pickle.dump((False, f"{type(exc).__name__}: {exc}"), answers)
            answers.flush()
            return
        if kind != "add":
            pickle.dump((True, value), answers, protocol=pickle.HIGHEST_PROTOCOL)
            answers.flush()


if __name__ == "__main__":
    serve(sys.stdin.buffer, sys.stdout.buffer)
