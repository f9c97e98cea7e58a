"""The key store: secrets round-trip through keyring; keyring's fallbacks are no key store."""

from __future__ import annotations

import keyring
import pytest
from keyring.backends import fail
from keyrings.alt.file import PlaintextKeyring

from mesodesk.store import keystore


def test_a_secret_is_kept_read_back_and_forgotten():
    assert keystore.get_secret("database-key") is None
    keystore.set_secret("database-key", "κλειδί 🔑")
    assert keystore.get_secret("database-key") == "κλειδί 🔑"
    keystore.delete_secret("database-key")
    keystore.delete_secret("database-key")  # twice: nothing there is not an error
    assert keystore.get_secret("database-key") is None


def test_the_fail_backend_is_no_key_store(monkeypatch):
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND")
    keyring.set_keyring(fail.Keyring())
    assert not keystore.available()
    with pytest.raises(keystore.KeyStoreUnavailable, match="no key store"):
        keystore.set_secret("database-key", "x")


def test_a_plaintext_file_chosen_automatically_is_no_key_store(monkeypatch):
    # keyrings.alt's file would sit beside the database: only an explicit choice counts.
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND")
    keyring.set_keyring(PlaintextKeyring())
    assert not keystore.available()
