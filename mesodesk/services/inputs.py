"""Files a person gives mesodesk to read (a document, a session, a clinic file, a
passphrase file): only regular files of a bounded size, as UTF-8 text, or a message that
names the file and what is wrong with it."""

from __future__ import annotations

from pathlib import Path

from mesodesk.services.errors import InvalidInput

MAX_INPUT_BYTES = 25 * 1024 * 1024  # far above any consultation; /dev/zero never ends


def read_text(path: Path, what: str) -> str:
    """A UTF-8 text file (a byte-order mark allowed), or ``InvalidInput`` naming the file,
    ``what`` it was meant to be, and what is wrong with it. Only a regular file of at most
    25 MB is read: a device, a named pipe or a huge file is refused before reading."""
    check_regular_file(path, what)
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InvalidInput(f"{path}: no such {what}", field=str(path)) from None
    except IsADirectoryError:
        raise InvalidInput(f"{path}: is a directory, not a {what}", field=str(path)) from None
    except UnicodeDecodeError:
        raise InvalidInput(f"{path}: the {what} is not UTF-8 text; save it as UTF-8",
                           field=str(path)) from None
    except OSError as error:
        raise InvalidInput(f"{path}: cannot be read ({error.strerror or error})",
                           field=str(path)) from None


def check_regular_file(path: Path, what: str, limit: int = MAX_INPUT_BYTES) -> None:
    import stat

    try:
        info = path.stat()
    except FileNotFoundError:
        raise InvalidInput(f"{path}: no such {what}", field=str(path)) from None
    except OSError as error:
        raise InvalidInput(f"{path}: cannot be read ({error.strerror or error})",
                           field=str(path)) from None
    if stat.S_ISDIR(info.st_mode):
        raise InvalidInput(f"{path}: is a directory, not a {what}", field=str(path))
    if not stat.S_ISREG(info.st_mode):
        raise InvalidInput(f"{path}: is not a regular file (a device or a pipe?); give the "
                           f"{what} itself", field=str(path))
    if info.st_size > limit:
        raise InvalidInput(f"{path}: is {_size(info.st_size)}; a {what} is at most "
                           f"{_size(limit)}", field=str(path))


def _size(count: int) -> str:
    """A file size in whole MB, or in KB below one MB (a 64 KB limit is not "0 MB")."""
    if count >= 1024 * 1024:
        return f"{count // (1024 * 1024)} MB"
    return f"{-(-count // 1024)} KB"
