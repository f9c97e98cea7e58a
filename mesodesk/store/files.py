"""Writing a file whole or not at all: the one atomic writer of the commands and the GUI.

Patient data leaves the database as files (a plan PDF, an exported consultation, a saved
consent). Each is written to a temporary file beside the target, flushed to disk, then
renamed over the target, so a failure (a full disk, a missing folder, no permission)
never leaves half a file, keeps any existing file as it was, and leaves no temporary file
behind. Every file is owner-only (0600, whatever the umask): it holds a patient's record.
Cheap to import: no SQLAlchemy, no Qt.
"""

from __future__ import annotations

import errno
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from mesodesk.paths import PRIVATE_FILE_MODE


def write_atomically(path: str | os.PathLike[str], data: bytes | str) -> Path:
    """Write ``data`` (text is written as UTF-8) to ``path``; returns the path.

    Raises ``OSError`` (with ``strerror``) when it cannot be written; the target is then
    unchanged and the temporary file removed. The file is owner-only (0600), a file it
    replaces too: an exported record or a plan is for the practitioner's eyes only.
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open_atomically(path) as stream:
        stream.write(data)
    return Path(path)


@contextmanager
def open_atomically(path: str | os.PathLike[str]) -> Iterator[BinaryIO]:
    """A binary stream whose bytes become ``path`` when the block ends without an error,
    as ``write_atomically`` writes them (owner-only, whole or not at all); for a file too
    big to hold in memory first (a patient's export with their photographs)."""
    path = Path(path)
    handle, temporary = _create_temporary(path)
    try:
        with os.fdopen(handle, "w+b") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        try:
            temporary.unlink()
        except OSError:
            pass
        raise


def create_private_file(path: str | os.PathLike[str]) -> bool:
    """Create ``path`` empty and owner-only (0600) if it does not exist; True if it was
    created. SQLite gives a database's -wal, -shm and -journal files the mode of the
    database file, so a database created this way before SQLite opens it keeps all of
    them private."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    try:
        handle = os.open(path, flags, PRIVATE_FILE_MODE)
    except FileExistsError:
        return False
    try:
        _make_private(handle)
    finally:
        os.close(handle)
    return True


def keep_private(path: str | os.PathLike[str]) -> bool:
    """Take group and other permissions away from an existing file of ours (a database
    made by an older version, 0644): SQLite would give its next -wal and -shm the same
    mode. Never adds a permission (a read-only 0444 file becomes 0400); a file that is
    missing, someone else's, or on a file system without modes is left alone. True if
    the mode was changed."""
    if os.name != "posix":
        return False
    try:
        info = os.stat(path)
        current = info.st_mode & 0o7777
        if info.st_uid != os.getuid() or not current & 0o077:
            return False
        os.chmod(path, current & ~0o077)
    except OSError:
        return False
    return True


def _make_private(handle: int) -> None:
    """0600 exactly: the umask may have taken more (0o277) than group and other."""
    if hasattr(os, "fchmod"):
        os.fchmod(handle, PRIVATE_FILE_MODE)


def _create_temporary(path: Path) -> tuple[int, Path]:
    """A new, empty, owner-only file beside ``path``."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _attempt in range(100):
        temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            handle = os.open(temporary, flags, PRIVATE_FILE_MODE)
        except FileExistsError:
            continue
        try:
            _make_private(handle)
        except OSError:
            os.close(handle)
            temporary.unlink()
            raise
        return handle, temporary
    raise FileExistsError(errno.EEXIST, "no free name for a temporary file", str(path.parent))
