"""Atomic writes: a file appears complete or not at all.

The new content goes to a temporary file in the same folder (so the final
rename stays on one file system) and replaces the old file only once it is
fully written. Any failure leaves the earlier file as it was and removes the
temporary one.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import IO


class OutputError(Exception):
    """The output cannot be written; the message names the path and the reason."""


def write_atomic(path: Path, data: bytes | IO[bytes]) -> None:
    """``data`` (bytes, or a file read from its start) as the whole of ``path``."""
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
            if isinstance(data, bytes):
                stream.write(data)
            else:
                data.seek(0)
                shutil.copyfileobj(data, stream)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise OutputError(f"{path}: cannot write the file: {exc.strerror or exc}") from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def size_of(data: bytes | IO[bytes]) -> int:
    if isinstance(data, bytes):
        return len(data)
    return data.seek(0, os.SEEK_END)
