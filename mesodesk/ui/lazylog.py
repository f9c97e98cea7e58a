"""A logger that imports ``logging`` only when something is logged.

``import logging`` costs a few milliseconds; the modules on the way to the first painted
window use this instead, so logging is loaded when the first message is written (or when
the log file is set up, after the window is on screen).
"""

from __future__ import annotations


class LazyLogger:
    def __init__(self, name: str):
        self._name = name
        self._logger = None

    def __getattr__(self, attribute: str):
        if self._logger is None:
            import logging

            self._logger = logging.getLogger(self._name)
        return getattr(self._logger, attribute)


def get_logger(name: str) -> LazyLogger:
    return LazyLogger(name)
