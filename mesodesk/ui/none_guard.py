"""Keep ``None`` alive under PySide6 6.12 on Python 3.11.

shiboken6 6.12 returns ``None`` from void C++ methods (``QLabel.setText``,
``QWidget.update``, ``QCoreApplication.processEvents`` and many more) without taking a
new reference to it. On Python 3.12 and later ``None`` is immortal and nothing happens;
on 3.11 each such call lowers ``None``'s reference count by one, and after a few
thousand calls the interpreter aborts with "Fatal Python error: none_dealloc". A clinic
keeps the app open all day, so this would crash it.

The remedy does what Python 3.12 does: make ``None`` effectively immortal by raising its
reference count far beyond anything a session can lower (2**40 calls). ``None`` is a
static object that is never freed, so a large count changes nothing else. ``True`` and
``False`` get the same treatment: a benchmark aborted on "deallocating True or False"
while the interpreter shut down after a long session of Qt calls. Remove this
module once PySide6 fixes the regression or mesodesk requires Python 3.12.
"""

from __future__ import annotations

import sys

HEADROOM = 1 << 40


def install() -> None:
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return
    import ctypes

    for singleton in (None, True, False):
        refcount = ctypes.c_ssize_t.from_address(id(singleton))
        if refcount.value < HEADROOM:
            refcount.value += HEADROOM
