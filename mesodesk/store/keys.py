"""The keys of encrypted databases: which key opens which file, and where it is kept.

A new SQLite database is encrypted by default (SQLCipher) with a random 256-bit key kept in
the operating system's key store (``mesodesk.store.keystore``). It is given to SQLCipher as
a raw key, ``x'<64 hex digits>'``, so no key derivation runs on each open; a passphrase a
person types keeps SQLCipher's key derivation. Passphrases are NFC-normalized first, so the
same words typed on another keyboard (composed or decomposed accents) open the same file.

How a database finds its key: the key store entry is named after the file's resolved path
(``database /home/…/mesodesk.db``). SQLCipher encrypts the whole file (its first 16 bytes
are a random salt, and there is no plaintext header where an id of ours could live), so
nothing can be read from the file before its key is known; the path is what every opening
knows, and resolving it (symlinks, ``..``, the case rules of the platform) gives every
way of naming the file the same entry. A file moved, copied or backed up elsewhere does not
find its key by name: it is opened with a passphrase, and the message says so (a restore
reads a backup with the key of the database it replaces, so restoring one in place works).
A new database where an earlier one was reuses that key, so backups of the earlier one
stay readable; ``mesodesk rekey`` makes a new one.

Cheap to import: keyring is imported by ``keystore`` on first use only.
"""

from __future__ import annotations

import os
import re
import secrets
import unicodedata
from pathlib import Path

from mesodesk.store import keystore
from mesodesk.store.base import NoKeyStore

KEY_SOURCE_PASSPHRASE = "passphrase"
KEY_SOURCE_KEY_STORE = "key store"
_HEX_KEY = re.compile(r"^[0-9a-f]{64}$")


def normalize_passphrase(passphrase: str) -> str:
    """The one form of a passphrase (NFC): typed, read from a file or from the environment."""
    return unicodedata.normalize("NFC", passphrase)


def raw_key(hex_digits: str) -> str:
    """SQLCipher's form of a raw 256-bit key (no key derivation)."""
    return f"x'{hex_digits}'"


def new_raw_key() -> str:
    """A random raw key, for a database whose key is kept in the key store, or for one that
    lives only as long as this process (the demo, the smoke test)."""
    return raw_key(secrets.token_hex(32))


def key_name(path: str | os.PathLike[str]) -> str:
    """The key store entry of the database at ``path`` (see the module's docstring)."""
    return "database " + os.path.normcase(os.path.realpath(path))


def stored_key(path: str | os.PathLike[str]) -> str | None:
    """The raw key the key store keeps for ``path``, or None (no key store, no entry, or
    an entry that is not a key of ours)."""
    try:
        value = keystore.get_secret(key_name(path))
    except keystore.KeyStoreUnavailable:
        return None
    if value is None or not _HEX_KEY.match(value):
        return None
    return raw_key(value)


def keep_key(path: str | os.PathLike[str], key: str) -> None:
    """Keep the raw ``key`` for ``path`` in the key store; ``NoKeyStore`` when there is none."""
    try:
        keystore.set_secret(key_name(path), key.removeprefix("x'").removesuffix("'"))
    except keystore.KeyStoreUnavailable as error:
        raise no_key_store(Path(path), str(error)) from None


def key_for_new_database(path: Path) -> tuple[str, bool]:
    """The raw key for a new database at ``path`` and whether it was made now: the key
    already kept for that place (see the module's docstring), else a new one, kept."""
    existing = stored_key(path)
    if existing is not None:
        return existing, False
    if not keystore.available():
        raise no_key_store(path)
    key = new_raw_key()
    keep_key(path, key)
    return key, True


def forget_key(path: str | os.PathLike[str]) -> bool:
    """Remove the key store entry of ``path``; False if the key store could not."""
    try:
        keystore.delete_secret(key_name(path))
    except keystore.KeyStoreUnavailable:
        return False
    return True


def no_key_store(path: Path, reason: str = "") -> NoKeyStore:
    why = f" (the key store said: {reason})" if reason else ""
    return NoKeyStore(
        f"there is no key store on this computer to keep the key of the encrypted database "
        f"{path}. Give a passphrase instead (--passphrase-file FILE, or set "
        "MESODESK_PASSPHRASE), or choose a database that is not encrypted (--unencrypted). "
        f"Nothing was changed.{why}")
