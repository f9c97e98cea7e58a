"""Every workflow of mesodesk, once, for the GUI and the command line alike.

No Qt here. Each workflow is a function that takes the open database (and the knowledge
base where it decides anything clinical), does one thing, writes its audit event, and
returns a typed result or raises one ``ServiceError`` whose message names the field or
the cause. The command line calls these functions directly; the GUI runs them as named
operations off its thread (``mesodesk.ui.operations``). Screening is called here: the
store below only enforces data rules (status transitions, immutability, fingerprints).

    patients       create, update, find duplicates
    consultations  save a draft, finalize with the signed consent, save as not treated,
                   correct with a new version and its reason, delete a draft
    documents      read, import and export consultation documents
    plans          the plan and consent PDF (a signed consultation's is its stored PDF)
    records        open the database, back up, restore, verify the audit trail,
                   read a passphrase file
    clinic         the clinic's settings
    photos         the photo consent, photographs stripped of metadata, the timeline,
                   the comparison sheet

Importing this package is cheap: each module imports SQLAlchemy and reportlab only when
a workflow runs.
"""

from mesodesk.services.errors import Blocked, InvalidInput, NotFound, ServiceError

__all__ = ["Blocked", "InvalidInput", "NotFound", "ServiceError"]
