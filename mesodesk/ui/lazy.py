"""The GUI's dialogs, loaded on first use, so the first paint pays only for the window.

``lazy_module`` is the standard library's lazy import (``importlib.util.LazyLoader``): the
module object exists at once and its code runs when one of its names is first used, when
the practitioner first opens that dialog. Only for modules that the GUI thread alone
uses: LazyLoader takes no lock before Python 3.12, so a module that a worker thread may
import too (the services) is imported as usual.
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType


def lazy_module(name: str) -> ModuleType:
    """The module ``name``, whose code runs when one of its names is first used."""
    loaded = sys.modules.get(name)
    if loaded is not None:
        return loaded
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(f"no module named {name!r}", name=name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module
