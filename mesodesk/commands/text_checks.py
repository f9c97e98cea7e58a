"""Text a command cannot use, refused before the command does anything.

A command line argument, an environment variable or a file name that is not valid text
(bytes that are not UTF-8 reach Python as lone surrogates, ``\\udcff``) cannot be stored,
compared or printed; an output stream that cannot encode Greek (``PYTHONIOENCODING=ascii``,
a Latin-1 terminal) would fail on the first patient's name, after the command had already
stored what it was given. Both are answered with a message and exit code 2 before
anything is read or written.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from mesodesk.i18n import _

# What mesodesk itself reads from the environment (the others are not ours to judge).
ENVIRONMENT = ("MESODESK_DB", "MESODESK_PASSPHRASE", "MESODESK_HOME")
GREEK_SAMPLE = "Ελένη Παπαδοπούλου"


def is_text(value: str) -> bool:
    """False when ``value`` holds a lone surrogate (bytes that were not UTF-8)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def shown(value: str) -> str:
    """``value`` printable on any stream: what is not text as a backslash escape."""
    return value.encode("ascii", "backslashreplace").decode("ascii")


def text_problem(argv: Sequence[str]) -> str | None:
    """Why the arguments or mesodesk's environment variables cannot be used, or None."""
    for position, argument in enumerate(argv, start=1):
        if not is_text(argument):
            return _("argument {position} ({argument}) is not valid text: it holds bytes "
                     "that are not UTF-8 (a file name written in another encoding?). Rename "
                     "the file or give the name in UTF-8.").format(position=position,
                                                                  argument=shown(argument))
    for name in ENVIRONMENT:
        value = os.environ.get(name)
        if value is not None and not is_text(value):
            what = "" if name == "MESODESK_PASSPHRASE" else f" ({shown(value)})"
            return _("the environment variable {name}{what} is not valid text: it holds bytes "
                     "that are not UTF-8.").format(name=name, what=what)
    return None


def output_problem(stream=None) -> str | None:
    """Why the output stream cannot show the records (names are often Greek), or None."""
    stream = sys.stdout if stream is None else stream
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        GREEK_SAMPLE.encode(encoding, getattr(stream, "errors", None) or "strict")
    except (UnicodeEncodeError, LookupError):
        return _("the output's character encoding ({encoding}) cannot show Greek text, so "
                 "patients' names could not be printed; nothing was done. Use a UTF-8 "
                 "terminal or set PYTHONIOENCODING=utf-8 (on Windows: PYTHONUTF8=1).").format(
            encoding=encoding)
    return None


def say(message: str) -> None:
    """Print ``message`` on standard error whatever its encoding: what it cannot show
    becomes a backslash escape (a lone surrogate too), never an exception."""
    encoding = getattr(sys.stderr, "encoding", None) or "utf-8"
    print(message.encode(encoding, "backslashreplace").decode(encoding), file=sys.stderr)
