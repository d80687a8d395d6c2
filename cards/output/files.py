"""Atomic writes: a file appears complete or not at all, and the files of one
build all together or none of them.

The new content goes to a temporary file in the same folder (so the final
rename stays on one file system) and replaces the old file only once it is
fully written. ``write_all_atomic`` writes every file of a build that way
before it replaces any: a full disk or a failed write leaves every earlier
file as it was and removes the temporary ones. Temporary files an interrupted
build left behind are removed by the next.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import IO


class OutputError(Exception):
    """The output cannot be written; the message names the path and the reason."""


def write_atomic(path: Path, data: bytes | IO[bytes]) -> None:
    """``data`` (bytes, or a file read from its start) as the whole of ``path``."""
    write_all_atomic([(path, data)])


def write_all_atomic(files: Sequence[tuple[Path, bytes | IO[bytes]]]) -> None:
    """Every one of ``files`` written whole, or none: each goes to a temporary
    file beside it first, and only when all are written do they replace the
    old files (renames, which a full disk cannot stop)."""
    for path, _ in files:
        remove_leftovers(path)
    written: list[tuple[Path, Path]] = []
    try:
        for path, data in files:
            written.append((write_temporary(path, data), path))
    except BaseException:
        for temporary, _ in written:
            temporary.unlink(missing_ok=True)
        raise
    replace_all(written)


def replace_all(written: list[tuple[Path, Path]]) -> None:
    """Each temporary file over its target; should a rename fail part way, the
    targets already replaced get their old files back from a hard link."""
    backups: list[tuple[Path, Path | None]] = []
    try:
        for temporary, path in written:
            backup = None
            if path.is_file():
                backup = path.with_name(f".{path.name}.{os.getpid()}.old.tmp")
                try:
                    os.link(path, backup)
                except OSError:
                    backup = None  # no hard links here: the rename alone
            backups.append((path, backup))
            os.replace(temporary, path)
    except OSError as exc:
        failed, failed_backup = backups.pop()
        if failed_backup is not None:
            failed_backup.unlink(missing_ok=True)
        for path, backup in reversed(backups):
            if backup is not None:
                os.replace(backup, path)
        for temporary, _ in written:
            temporary.unlink(missing_ok=True)
        raise OutputError(f"{failed}: cannot write the file: {exc.strerror or exc}") from None
    for _, backup in backups:
        if backup is not None:
            backup.unlink(missing_ok=True)


def remove_leftovers(path: Path) -> None:
    """Temporary files of ``path`` that a build killed while writing left behind."""
    try:
        for leftover in path.parent.glob(f".{path.name}.*.tmp"):
            if leftover.is_file() and not leftover.is_symlink():
                leftover.unlink(missing_ok=True)
    except OSError:
        pass  # a folder we cannot list is reported when we write into it


def write_temporary(path: Path, data: bytes | IO[bytes]) -> Path:
    """``data`` in a new temporary file beside ``path``, flushed to the disk."""
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            f"{folder}: cannot create the output folder: {exc.strerror or exc}"
        ) from None
    if path.is_dir():
        raise OutputError(f"{path}: a folder stands where the PDF should be written")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise OutputError(f"{folder}: cannot write here: {exc.strerror or exc}") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            copy_into(data, stream)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        reason = "the disk is full" if exc.errno == errno.ENOSPC else exc.strerror or exc
        raise OutputError(f"{path}: cannot write the file: {reason}") from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return Path(temporary)


def copy_into(data: bytes | IO[bytes], stream: IO[bytes]) -> None:
    if isinstance(data, bytes):
        stream.write(data)
    else:
        data.seek(0)
        shutil.copyfileobj(data, stream)


def size_of(data: bytes | IO[bytes]) -> int:
    if isinstance(data, bytes):
        return len(data)
    return data.seek(0, os.SEEK_END)
