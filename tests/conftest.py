"""Fixtures shared by every test package."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from mesodesk.domain.knowledge import KnowledgeBase, load_knowledge  # noqa: E402
from mesodesk.paths import examples_dir, knowledge_dir  # noqa: E402

EXAMPLES = examples_dir()


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keep every test away from the real user data, config and log directories."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("MESODESK_HOME", str(home))
    monkeypatch.delenv("MESODESK_DB", raising=False)
    monkeypatch.delenv("MESODESK_PASSPHRASE", raising=False)
    monkeypatch.setenv("MESODESK_LANGUAGE", "en")  # whatever the machine's locale; tests of Greek set "el"
    _isolated_key_store(home, monkeypatch)
    return home


def _isolated_key_store(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A key store of the test's own: keyrings.alt's plaintext file under the test's home,
    named explicitly (so mesodesk.store.keystore accepts it), for this process and for the
    processes a test starts."""
    import keyring
    from keyrings.alt.file import PlaintextKeyring

    monkeypatch.setenv("XDG_DATA_HOME", str(home / "xdg-data"))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
    keyring.set_keyring(PlaintextKeyring())


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_knowledge(knowledge_dir())


def example(name: str) -> dict:
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


@pytest.fixture
def example_doc():
    return example
