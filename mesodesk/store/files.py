"""Writing a file whole or not at all: the one atomic writer of the commands and the GUI.

Patient data leaves the database as files (a plan PDF, an exported consultation, a saved
consent). Each is written to a temporary file beside the target, flushed to disk, then
renamed over the target, so a failure (a full disk, a missing folder, no permission)
never leaves half a file, keeps any existing file as it was, and leaves no temporary file
behind. Cheap to import: no SQLAlchemy, no Qt.
"""

from __future__ import annotations

import errno
import os
import secrets
from pathlib import Path


def write_atomically(path: str | os.PathLike[str], data: bytes | str) -> Path:
    """Write ``data`` (text is written as UTF-8) to ``path``; returns the path.

    Raises ``OSError`` (with ``strerror``) when it cannot be written; the target is then
    unchanged and the temporary file removed. The file gets the usual permissions
    (0666 less the umask), like any file the user saves.
    """
    path = Path(path)
    if isinstance(data, str):
        data = data.encode("utf-8")
    handle, temporary = _create_temporary(path)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        try:
            temporary.unlink()
        except OSError:
            pass
        raise
    return path


def _create_temporary(path: Path) -> tuple[int, Path]:
    """A new, empty file beside ``path``. Created with mode 0666 so the kernel applies the
    umask (reading the umask with ``os.umask`` would change it for every thread)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _attempt in range(100):
        temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            return os.open(temporary, flags, 0o666), temporary
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free name for a temporary file", str(path.parent))
