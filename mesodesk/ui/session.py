"""What the app opens at start: the database, the knowledge base, the clinic settings.

``open_session`` runs in the database thread, so the heavy imports (SQLAlchemy, Alembic,
pydantic) happen after the window is already on screen.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mesodesk.i18n import _

if TYPE_CHECKING:
    from mesodesk.domain.knowledge import KnowledgeBase
    from mesodesk.domain.records import ClinicSettings, ConsultationRecord


@dataclass
class StartOptions:
    location: str | None = None   # a file, a URL, or None for MESODESK_DB / the default
    passphrase: str | None = None
    demo: bool = False
    from_settings: bool = False   # the location came from the Settings dialog

    @classmethod
    def from_args(cls, args: Any) -> StartOptions:
        """From the command line; raises ValueError naming the option that is wrong."""
        from mesodesk.ui.config import saved_database_location

        location = getattr(args, "db", None) or os.environ.get("MESODESK_DB") or None
        from_settings = False
        if location is None and not getattr(args, "demo", False):
            location = saved_database_location()
            from_settings = location is not None
        passphrase = None
        passphrase_file = getattr(args, "passphrase_file", None)
        if passphrase_file:
            try:
                passphrase = Path(passphrase_file).read_text(encoding="utf-8").rstrip("\r\n")
            except OSError as error:
                raise ValueError(_("--passphrase-file {path}: cannot be read ({reason})").format(
                    path=passphrase_file, reason=error.strerror or error)) from None
            except UnicodeDecodeError:
                raise ValueError(_("--passphrase-file {path}: is not UTF-8 text").format(
                    path=passphrase_file)) from None
        return cls(location=location, passphrase=passphrase,
                   demo=bool(getattr(args, "demo", False)), from_settings=from_settings)

    def lock_key(self) -> str:
        """The same database gives the same key (for the single-instance lock)."""
        if self.location and "://" in self.location:
            where = self.location
        elif self.location:
            where = str(Path(self.location).expanduser().resolve())
        else:
            from mesodesk.paths import user_data_dir

            where = "default:" + str(user_data_dir().resolve())
        return hashlib.sha256(where.encode("utf-8")).hexdigest()[:16]


@dataclass
class Session:
    db: Any  # mesodesk.store.Database (not imported here: it pulls in SQLAlchemy)
    kb: KnowledgeBase
    settings: ClinicSettings
    draft: ConsultationRecord | None = None
    demo_dir: Path | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def actor(self) -> str:
        """Who the audit trail names: the practitioner in Settings, else the computer login."""
        name = self.settings.practitioner_name.strip() if self.settings else ""
        if name:
            return name
        try:
            import getpass

            return getpass.getuser()
        except Exception:  # noqa: BLE001 - no login name in some environments
            return ""


def open_session(options: StartOptions) -> Session:
    """Open everything the window needs. Runs in the database thread."""
    from mesodesk.domain.knowledge import default_knowledge
    from mesodesk.store import open_database

    kb = default_knowledge()
    demo_dir = None
    location = options.location
    if options.demo:
        from mesodesk.ui.demo import fill_demo_database

        demo_dir = Path(tempfile.mkdtemp(prefix="mesodesk-demo-"))
        location = str(demo_dir / "demo.db")
        db = open_database(location, None)
        fill_demo_database(db, kb)
    else:
        db = open_database(location, options.passphrase)
    session = Session(db=db, kb=kb, settings=db.settings.get(), demo_dir=demo_dir)
    session.draft = db.consultations.latest_draft()
    backup = getattr(db, "upgrade_backup", None)
    if backup:
        session.notes.append(_("The database was upgraded; a backup was saved first: {path}")
                             .format(path=backup))
    return session
