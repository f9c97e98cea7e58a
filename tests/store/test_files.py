"""``write_atomically``: the one atomic file writer of the commands and the GUI."""

from __future__ import annotations

import os

import pytest

from mesodesk.store.files import write_atomically


def test_writes_bytes_and_text_owner_only(tmp_path) -> None:
    target = tmp_path / "Ελένη plan.pdf"
    assert write_atomically(target, b"%PDF-1.4 new") == target
    assert target.read_bytes() == b"%PDF-1.4 new"
    write_atomically(target, "Ελένη\n")
    assert target.read_bytes() == "Ελένη\n".encode("utf-8")
    assert target.stat().st_mode & 0o777 == 0o600  # umask modes: tests/store/test_private_files.py
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Ελένη plan.pdf"]


@pytest.mark.parametrize("failing", ["fsync", "replace"])
def test_a_failure_keeps_the_old_file_and_leaves_no_temporary_file(tmp_path, monkeypatch,
                                                                    failing) -> None:
    target = tmp_path / "plan.pdf"
    target.write_bytes(b"old")

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, failing, full)
    with pytest.raises(OSError, match="No space left"):
        write_atomically(target, b"new")
    monkeypatch.undo()
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.pdf"]


def test_a_missing_folder_is_an_os_error(tmp_path) -> None:
    with pytest.raises(FileNotFoundError):
        write_atomically(tmp_path / "missing" / "plan.pdf", b"x")
    assert not (tmp_path / "missing").exists()
