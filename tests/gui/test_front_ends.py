"""The GUI and the command line read a passphrase file by the same rule (issue 10)."""

from __future__ import annotations

import argparse

import pytest

from mesodesk.commands.common import CommandError, read_passphrase
from mesodesk.ui.session import StartOptions

CASES = [
    ("plain line", b"correct horse\n", "correct horse"),
    ("no line ending", b"correct horse", "correct horse"),
    ("Windows line ending", b"correct horse\r\n", "correct horse"),
    ("byte-order mark", b"\xef\xbb\xbfcorrect horse\n", "correct horse"),
    ("only the first line", b"first line\nsecond line\n", "first line"),
    ("spaces kept", b"  spaced out  \n", "  spaced out  "),
    ("Greek and emoji", "κωδικός 🔑\n".encode(), "κωδικός 🔑"),
]
REFUSED = [
    ("empty", b"", "empty"),
    ("an empty first line", b"\nsecret\n", "empty"),
    ("a NUL byte", b"secret\x00more\n", "NUL"),
    ("not UTF-8", "Zoë".encode("latin-1"), "not UTF-8"),
]


def both_front_ends(path):
    args = argparse.Namespace(passphrase_file=str(path), db=None, demo=False)
    return read_passphrase(args), StartOptions.from_args(args).passphrase


@pytest.mark.parametrize("name, data, expected", CASES, ids=[case[0] for case in CASES])
def test_a_passphrase_file_reads_the_same_everywhere(tmp_path, name, data, expected):
    path = tmp_path / "passphrase.txt"
    path.write_bytes(data)
    assert both_front_ends(path) == (expected, expected)


@pytest.mark.parametrize("name, data, words", REFUSED, ids=[case[0] for case in REFUSED])
def test_a_bad_passphrase_file_is_refused_everywhere_naming_it(tmp_path, name, data, words):
    path = tmp_path / "passphrase.txt"
    path.write_bytes(data)
    args = argparse.Namespace(passphrase_file=str(path), db=None, demo=False)
    with pytest.raises(CommandError, match=words) as command:
        read_passphrase(args)
    with pytest.raises(ValueError, match=words) as gui:
        StartOptions.from_args(args)
    assert str(path) in str(command.value) and str(path) in str(gui.value)
    assert command.value.exit_code == 2


def test_a_missing_passphrase_file_is_refused_everywhere(tmp_path):
    args = argparse.Namespace(passphrase_file=str(tmp_path / "nowhere.txt"), db=None, demo=False)
    with pytest.raises(CommandError, match="no such passphrase file"):
        read_passphrase(args)
    with pytest.raises(ValueError, match="no such passphrase file"):
        StartOptions.from_args(args)
