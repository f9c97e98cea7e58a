"""What the app opens at start: the database, the knowledge base, the clinic settings.

``open_session`` runs in the database thread, so the heavy imports (SQLAlchemy, Alembic,
pydantic) happen after the window is already on screen.
"""

from __future__ import annotations

import getpass
import logging
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mesodesk.i18n import _
from mesodesk.paths import user_data_dir
from mesodesk.ui.config import saved_database_location

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from mesodesk.domain.knowledge import KnowledgeBase
    from mesodesk.domain.records import ClinicSettings, ConsultationRecord, PatientRecord


class StartOptions:
    def __init__(self, location: str | None = None, passphrase: str | None = None,
                 demo: bool = False, from_settings: bool = False, unencrypted: bool = False,
                 explicit: bool = False):
        self.location = location      # a file, a URL, or None for MESODESK_DB / the default
        self.passphrase = passphrase
        self.demo = demo
        self.from_settings = from_settings  # the location came from the Settings dialog
        self.unencrypted = unencrypted  # a new database is plain (--unencrypted)
        self.explicit = explicit  # the location came from --db or MESODESK_DB

    def __repr__(self) -> str:  # the passphrase is never shown
        return f"StartOptions(location={self.location!r}, demo={self.demo})"

    @classmethod
    def from_args(cls, args: Any) -> StartOptions:
        """From the command line; raises ValueError naming the option that is wrong."""
        location = getattr(args, "db", None) or os.environ.get("MESODESK_DB") or None
        explicit = location is not None
        from_settings = False
        if location is None and not getattr(args, "demo", False):
            location = saved_database_location()
            from_settings = location is not None
        passphrase = None
        passphrase_file = getattr(args, "passphrase_file", None)
        if passphrase_file:
            from mesodesk.services import ServiceError
            from mesodesk.services.records import read_passphrase_file

            try:  # the one rule of every command: the first line, no BOM, no line ending
                passphrase = read_passphrase_file(passphrase_file)
            except ServiceError as error:
                raise ValueError(str(error)) from None
        return cls(location=location, passphrase=passphrase,
                   demo=bool(getattr(args, "demo", False)), from_settings=from_settings,
                   unencrypted=bool(getattr(args, "unencrypted", False)), explicit=explicit)

    def lock_keys(self) -> list[str]:
        """What the single-instance lock is keyed on: the database's identity, not how it
        was named. A file gives its folder's device and inode with its name (the same
        file under any spelling, symlink or TMPDIR) and, once it exists, its own device
        and inode (a hard link elsewhere is the same database); a PostgreSQL URL gives its
        server and database, without the user and password."""
        if self.location and "://" in self.location:
            return [_digest("server:" + _server_identity(self.location))]
        path = Path(self.location).expanduser() if self.location else _default_database()
        path = path.absolute()
        keys = []
        try:
            folder = path.parent.stat()
            keys.append(_digest(f"name:{folder.st_dev}:{folder.st_ino}:{path.name}"))
        except OSError:  # no such folder: opening will say so; until then, the path
            keys.append(_digest("path:" + str(path.resolve())))
        try:
            own = path.stat()
            keys.append(_digest(f"file:{own.st_dev}:{own.st_ino}"))
        except OSError:
            pass  # a new database: its name is the whole of its identity yet
        return keys


def _default_database() -> Path:
    from mesodesk.store.engine import DEFAULT_FILENAME  # no SQLAlchemy: only the name

    return user_data_dir() / DEFAULT_FILENAME


def _server_identity(url: str) -> str:
    """host:port/database of a PostgreSQL URL (case of the host and the default port
    folded), or the URL itself if it does not parse (opening it will say why)."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        host, port = (parts.hostname or "localhost").lower(), parts.port or 5432
    except ValueError:
        return url
    return f"{host}:{port}/{parts.path.lstrip('/')}"


def _digest(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode("utf-8", "backslashreplace")).hexdigest()[:20]


def needs_first_run(options: StartOptions) -> bool:
    """No database yet where the app would open one: the first run sets up the clinic.
    Not for the demo, a server, or a location given with --db or MESODESK_DB (scripts and
    tests that create their database as they go)."""
    from mesodesk.store.engine import default_database_path

    if options.demo or options.explicit or (options.location and "://" in options.location):
        return False
    path = Path(options.location).expanduser() if options.location else default_database_path()
    try:
        return not (path.is_file() and path.stat().st_size > 0)
    except OSError:
        return False  # the open that follows names the problem


class Session:
    """The open database and what the window needs from it. ``kb`` and ``settings`` arrive
    a moment after the database is open (the first rows do not wait for them)."""

    def __init__(self, db: Any, kb: KnowledgeBase | None = None,
                 settings: ClinicSettings | None = None, demo_dir: Path | None = None):
        self.db = db  # mesodesk.store.Database (not imported here: it pulls in SQLAlchemy)
        self.kb = kb
        self.settings = settings
        self.draft: ConsultationRecord | None = None
        self.demo_dir = demo_dir
        self.notes: list[str] = []
        self.knowledge_problem = ""  # why the practitioner's knowledge files are not used
        self.audit_session: Any = None  # services.verify.Session: a checkpoint at quit

    def close(self) -> None:
        """End the session with a signed checkpoint of the audit chain, then close."""
        try:
            if self.audit_session is not None:
                written = self.audit_session.end()
                if written is not None and not written.written:
                    log.warning("the audit checkpoint was not updated: %s", written.reason)
        finally:
            self.db.close()

    @property
    def actor(self) -> str:
        """Who the audit trail names: the practitioner in Settings, else the computer login."""
        name = self.settings.practitioner_name.strip() if self.settings else ""
        if name:
            return name
        try:
            return getpass.getuser()
        except Exception:  # noqa: BLE001 - no login name in some environments
            return ""


def first_page(options: StartOptions, language: str, limit: int) -> list[PatientRecord] | None:
    """The patient list's first page, read before SQLAlchemy loads (``store.first_page``,
    the same driver and order as the database's search); None when it cannot be read so,
    and for the demo, whose database is made when it opens."""
    if options.demo:
        return None
    from mesodesk.store.first_page import read_first_page

    return read_first_page(options.location, options.passphrase, language=language,
                           unencrypted=options.unencrypted and options.passphrase is None,
                           limit=limit)


def open_session(options: StartOptions) -> Session:
    """Open the database: all the first rows of the patient list need. Runs in the
    database thread; ``complete_session`` loads the rest once the rows are on screen."""
    from mesodesk.store import open_database

    demo_dir = None
    kb = None
    if options.demo:
        from mesodesk.domain.knowledge import default_knowledge
        from mesodesk.ui.demo import fill_demo_database

        kb = default_knowledge()
        demo_dir = Path(tempfile.mkdtemp(prefix="mesodesk-demo-"))
        from mesodesk.store.keys import new_raw_key

        # Encrypted like a real one, with a key that lives as long as the demo: nothing of
        # it goes into the key store.
        db = open_database(str(demo_dir / "demo.db"), new_raw_key())
        fill_demo_database(db, kb)
    else:
        db = open_database(options.location, options.passphrase,
                           unencrypted=options.unencrypted and options.passphrase is None)
    session = Session(db=db, kb=kb, demo_dir=demo_dir)
    if not options.demo:  # the demo's database is thrown away: nothing to anchor
        from mesodesk.services.verify import Session as AuditSession

        session.audit_session = AuditSession(db)
    backup = getattr(db, "upgrade_backup", None)
    if backup:
        session.notes.append(_("The database was upgraded; a backup was saved first: {path}")
                             .format(path=backup))
    return session


def complete_session(session: Session) -> tuple[KnowledgeBase, ClinicSettings,
                                                ConsultationRecord | None]:
    """The knowledge base, the clinic's settings and an unfinished draft (database thread).

    A practitioner's knowledge file that does not load never leaves a dead window: the app
    runs on the bundled knowledge base, and ``session.knowledge_problem`` says which file,
    entry and field is wrong."""
    from mesodesk.domain.knowledge import KnowledgeError, default_knowledge, load_knowledge

    kb = session.kb
    if kb is None:
        try:
            kb = default_knowledge()
        except KnowledgeError as error:
            kb = load_knowledge()  # the bundled base alone (it is checked in CI)
            session.knowledge_problem = "\n".join(str(issue) for issue in error.issues)
    return kb, session.db.settings.get(), session.db.consultations.latest_draft()
