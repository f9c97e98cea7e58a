"""The PySide6 desktop app. See ../shared/design.md for what this layer does.

The None guard (see none_guard.py) is installed by the main window once it has painted,
and by the GUI tests' conftest: the few void Qt calls before the first paint cannot wear
None down, and ctypes stays off the way to the first paint.
"""
