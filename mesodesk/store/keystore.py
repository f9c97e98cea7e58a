"""Secrets kept in the operating system's key store, through ``keyring``.

Windows Credential Locker, the macOS Keychain and the Secret Service on Linux are key
stores. keyring's fallbacks are not: its "fail" backend stores nothing, and the plaintext
file backends of ``keyrings.alt`` would put the key in a file beside the database, which
is what a key store is for avoiding. Those count as "no key store" unless the user named a
backend explicitly (keyring's own ``PYTHON_KEYRING_BACKEND`` setting; the tests do).

keyring is imported on first use, never on the start-up path of a plain database.
"""

from __future__ import annotations

import os

SERVICE = "mesodesk"
# keyring's recommended backends have a priority of 1 or more; its fallbacks less.
_MINIMUM_PRIORITY = 1


class KeyStoreUnavailable(Exception):
    """No usable key store on this machine, or it refused the request."""


def _backend():
    try:
        import keyring
    except ImportError as error:  # a broken installation, not a missing feature
        raise KeyStoreUnavailable(f"the keyring library cannot be loaded ({error})") from None
    backend = keyring.get_keyring()
    explicit = bool(os.environ.get("PYTHON_KEYRING_BACKEND"))
    if not explicit and getattr(backend, "priority", 0) < _MINIMUM_PRIORITY:
        raise KeyStoreUnavailable(
            f"no key store is available on this machine (keyring offers only "
            f"{type(backend).__name__})")
    return backend


def available() -> bool:
    try:
        _backend()
    except KeyStoreUnavailable:
        return False
    return True


def backend_name() -> str:
    """The key store's name for messages ("SecretService Keyring", "macOS Keyring")."""
    backend = _backend()
    return getattr(backend, "name", type(backend).__name__)


def get_secret(name: str) -> str | None:
    """The secret stored under ``name``, or None when there is none."""
    backend = _backend()
    try:
        return backend.get_password(SERVICE, name)
    except Exception as error:  # keyring backends raise their own types (D-Bus, Keychain)
        raise KeyStoreUnavailable(f"the key store did not answer ({error})") from None


def set_secret(name: str, value: str) -> None:
    backend = _backend()
    try:
        backend.set_password(SERVICE, name, value)
    except Exception as error:
        raise KeyStoreUnavailable(f"the key store refused to keep the key ({error})") from None


def delete_secret(name: str) -> None:
    """Forget ``name``; nothing happens when it is not there."""
    backend = _backend()
    try:
        backend.delete_password(SERVICE, name)
    except Exception as error:
        from keyring.errors import PasswordDeleteError

        if isinstance(error, PasswordDeleteError):
            return
        raise KeyStoreUnavailable(f"the key store refused to forget the key ({error})") from None
