"""Where mesodesk finds its resources and keeps its data.

Resources are found next to the package in a source checkout and inside the bundle
when frozen by PyInstaller (``sys._MEIPASS``). User data, configuration and logs live
in the platform's directories (platformdirs), created on first use.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "mesodesk"


def resources_root() -> Path:
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource_dir(*parts: str) -> Path:
    return resources_root().joinpath(*parts)


def knowledge_dir() -> Path:
    return resource_dir("knowledge")


def examples_dir() -> Path:
    return resource_dir("examples")


def _platform_dir(kind: str) -> Path:
    override = os.environ.get("MESODESK_HOME")
    if override:
        path = Path(override) / kind
    else:
        import platformdirs

        getter = {
            "data": platformdirs.user_data_dir,
            "config": platformdirs.user_config_dir,
            "log": platformdirs.user_log_dir,
        }[kind]
        path = Path(getter(APP_NAME, appauthor=False))
    return path


def user_data_dir() -> Path:
    return _platform_dir("data")


def user_config_dir() -> Path:
    return _platform_dir("config")


def user_log_dir() -> Path:
    return _platform_dir("log")


def overlay_knowledge_dir() -> Path:
    """The practitioner's own knowledge-base additions."""
    return user_config_dir() / "knowledge"
