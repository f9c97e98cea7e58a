"""This installation of mesodesk: a random id, made once and kept in the user's
configuration folder (owner-only). Every backup records it, so a restore can say when a
backup comes from another installation (another laptop, another clinic)."""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

from mesodesk.paths import user_config_dir

FILE_NAME = "installation-id"
_ID = re.compile(r"^[0-9a-f]{32}$")


def installation_id() -> str:
    """This installation's id (32 hex digits), made on first use; "" where the folder
    cannot be read or written (no backup then claims to come from here)."""
    path = user_config_dir() / FILE_NAME
    found = _read(path)
    if found is not None:
        return found
    from mesodesk.store.files import write_atomically

    try:
        # Written whole beside it, then linked into place only if there is none yet: two
        # processes starting at once both keep the id written first.
        draft = write_atomically(path.with_name(f".{FILE_NAME}.{os.getpid()}"),
                                 secrets.token_hex(16) + "\n")
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink(missing_ok=True)
    except OSError:
        return ""
    return _read(path) or ""


def _read(path: Path) -> str | None:
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError):
        return ""
    return text if _ID.match(text) else ""


def short(installation: str) -> str:
    """How an installation id is shown: its first 8 digits."""
    return installation[:8]
