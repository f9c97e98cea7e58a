"""Headless patient commands: ``patient merge``, ``patient delete`` (or ``erase``) and
``patient-export``.

They run the same workflows as the app's "Merge into…", "Delete patient…" and "Export
patient's data…" (``mesodesk.services.patients``, ``retention``, ``patient_export``), show
what will happen and ask first (``--yes`` for scripts). Errors become one-line messages
with their exit code, never tracebacks.
"""

from __future__ import annotations

import argparse

from mesodesk.commands.common import actor, confirm, open_store, whole_number
from mesodesk.exit_codes import EXIT_OK
from mesodesk.i18n import _, ngettext
from mesodesk.services import patients


def _described(patient, consultations: int) -> str:
    details = ", ".join(part for part in (
        patient.date_of_birth.isoformat(), patient.sex or "", patient.phone or "",
        patient.email or "") if part)
    held = ngettext("{count} consultation", "{count} consultations",
                    consultations).format(count=consultations)
    return f"{patient.id}: {patient.name} ({details}; {held})"


def merge_command(args: argparse.Namespace) -> int:
    removed_id = whole_number(args.removed, _("patient id"))
    kept_id = whole_number(args.kept, _("patient id"))
    with open_store(args, "patient merge") as db:
        removed, kept = db.patients.get(removed_id), db.patients.get(kept_id)
        details = patients.merged_details(kept, removed)
        print(_("Merge patient {removed}").format(removed=_described(
            removed, patients.consultation_count(db, removed_id))))
        print(_(" into patient {kept}").format(kept=_described(
            kept, patients.consultation_count(db, kept_id))))
        print(_("The consultations move unchanged (signed consents with their PDFs); "
                "patient {removed} is then removed.").format(removed=removed_id))
        confirm(_("Merge them?"), args.yes, _("nothing was merged"))
        result = patients.merge_patients(db, removed_id, kept_id, details,
                                         actor=actor("patient merge"))
    print(ngettext("merged: {count} consultation moved to patient {kept}, {name}",
                   "merged: {count} consultations moved to patient {kept}, {name}",
                   len(result.moved)).format(count=len(result.moved), kept=kept_id,
                                             name=result.patient.name))
    return EXIT_OK


def delete_command(args: argparse.Namespace) -> int:
    """``patient delete`` and ``patient erase``: refused while the retention period of the
    patient's records runs, saying until when."""
    from mesodesk.services import retention

    patient_id = whole_number(args.patient, _("patient id"))
    command = f"patient {args.patient_command}"
    with open_store(args, command) as db:
        check = retention.erasure_check(db, patient_id)
        described = _described(check.patient, check.consultations)
        if not check.has_records:
            confirm(_("Delete patient {patient}?").format(patient=described), args.yes,
                    _("nothing was deleted"))
        elif check.allowed:
            confirm(_("Erase patient {patient} and every record of theirs (signed consents, "
                      "sessions and photographs too)? Their records had to be kept until "
                      "{until}. This cannot be undone.").format(
                patient=described, until=retention.app_date(check.kept_until)),
                args.yes, _("nothing was erased"))
        retention.erase_patient(db, patient_id, actor=actor(command))  # says why not
    print(_("deleted patient {id}, {name}").format(id=patient_id, name=check.patient.name))
    return EXIT_OK


def export_command(args: argparse.Namespace) -> int:
    """``patient-export ID --out FILE.zip``: everything kept about the patient."""
    from mesodesk.commands.clinical import knowledge
    from mesodesk.services.patient_export import export_patient

    patient_id = whole_number(args.patient, _("patient id"))
    kb = knowledge()
    with open_store(args, "patient-export") as db:
        result = export_patient(db, kb, patient_id, args.out, actor=actor("patient-export"))
    print(ngettext("wrote the data of patient {id}, {name}, to {path}: {count} file",
                   "wrote the data of patient {id}, {name}, to {path}: {count} files",
                   len(result.files) + 1).format(id=patient_id, name=result.patient.name,
                                                  path=result.path, count=len(result.files) + 1))
    return EXIT_OK
