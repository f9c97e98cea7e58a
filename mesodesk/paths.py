"""Where mesodesk finds its resources and keeps its data.

Resources are found next to the package in a source checkout and inside the bundle
when frozen by PyInstaller (``sys._MEIPASS``). User data, configuration and logs live
in the platform's directories (platformdirs), created on first use, owner-only (0700,
whatever the umask): they hold patient records, backups and logs.

A PDF handed to the system viewer goes into a private folder of its own under the cache
directory (``viewer_copies_dir``), one sub-folder per running app, removed when that app
quits and, for any app that could not (a crash, a power cut), at the next start.
"""

from __future__ import annotations

import os
import shutil
import stat
import sys
from pathlib import Path

APP_NAME = "mesodesk"
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


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
            "cache": platformdirs.user_cache_dir,
        }[kind]
        path = Path(getter(APP_NAME, appauthor=False))
    return path


def _own_dir(kind: str) -> Path:
    """A directory of mesodesk's own, made owner-only (0700) here if it can be: whoever
    creates it later (a settings file, the log) then finds it private. A folder that cannot
    be created (a read-only home) is reported by whoever writes in it."""
    path = _platform_dir(kind)
    try:
        make_private_dir(path)
    except OSError:
        pass
    return path


def user_data_dir() -> Path:
    return _own_dir("data")


def user_config_dir() -> Path:
    return _own_dir("config")


def user_log_dir() -> Path:
    return _own_dir("log")


def overlay_knowledge_dir() -> Path:
    """The practitioner's own knowledge-base additions."""
    return user_config_dir() / "knowledge"


def user_cache_dir() -> Path:
    return _platform_dir("cache")


def make_private_dir(path: str | os.PathLike[str], *, tighten: bool = True) -> Path:
    """Create ``path`` (and any missing parent) owner-only, 0700 whatever the umask, as the
    XDG base directory specification asks of the folders it names; returns the path.

    ``tighten`` also makes an existing ``path`` 0700 (a folder of mesodesk's own, made by an
    older version); a folder the user made (``tighten=False``) keeps its mode. Raises
    ``OSError`` when it cannot be created.
    """
    path = Path(path)
    missing = []
    parent = path
    while not parent.exists() and parent != parent.parent:
        missing.append(parent)
        parent = parent.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=PRIVATE_DIR_MODE)
        except FileExistsError:
            continue  # made meanwhile by another process: its mode is checked below
        _chmod(folder, PRIVATE_DIR_MODE)  # the umask may have taken more than group and other
    if not path.is_dir():
        raise NotADirectoryError(20, "not a folder", str(path))
    if tighten or path in missing:
        _tighten(path, PRIVATE_DIR_MODE)
    return path


def _chmod(path: Path, mode: int) -> None:
    if os.name == "posix":
        os.chmod(path, mode)


def _tighten(path: Path, mode: int) -> None:
    """Give ``path`` exactly ``mode`` if it is ours and its mode differs."""
    if os.name != "posix":
        return
    info = path.stat()
    if info.st_uid == os.getuid() and stat.S_IMODE(info.st_mode) != mode:
        os.chmod(path, mode)


# -- PDFs handed to the system viewer --------------------------------------------------------

def viewer_copies_dir() -> Path:
    """Where the copies of PDFs opened in the system viewer are kept (not created here)."""
    return user_cache_dir() / "viewer"


def viewer_copies_folder() -> Path:
    """This app's own private folder for viewer copies (0700, created on first use)."""
    make_private_dir(viewer_copies_dir())
    return make_private_dir(viewer_copies_dir() / str(os.getpid()))


def remove_viewer_copies(*, at_start: bool) -> list[Path]:
    """Delete the PDFs handed to the system viewer; returns the folders removed.

    At quit (``at_start=False``) this app's own folder goes. At start (``at_start=True``)
    so does every folder whose app is no longer running (it crashed, or the power went):
    another mesodesk open on another database keeps the copy its viewer is reading. A
    folder that cannot be removed is tried again at the next start. Never raises.
    """
    root = viewer_copies_dir()
    own = root / str(os.getpid())
    if at_start:
        try:
            folders = sorted(root.iterdir())
        except OSError:
            return []
        folders = [folder for folder in folders if folder == own or not _running(folder.name)]
    else:
        folders = [own]
    removed = []
    for folder in folders:
        if not os.path.lexists(folder):
            continue
        if folder.is_dir() and not folder.is_symlink():
            shutil.rmtree(folder, ignore_errors=True)
        else:
            try:
                folder.unlink()
            except OSError:
                pass
        if not os.path.lexists(folder):
            removed.append(folder)
    return removed


def _running(name: str) -> bool:
    """Is the app whose viewer folder is called ``name`` (its process id) still running?
    Where that cannot be asked without harm (Windows), it is taken as gone."""
    if not name.isdigit() or os.name != "posix":
        return False
    try:
        os.kill(int(name), 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists (another user's process): its folder waits for the next start
    return True
