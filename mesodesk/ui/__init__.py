"""The PySide6 desktop app. See ../shared/design.md for what this layer does."""

from mesodesk.ui import none_guard

# Before any Qt call: shiboken6 6.12 under-counts None on Python 3.11 (see none_guard).
none_guard.install()
