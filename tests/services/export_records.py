"""A patient with everything a clinic keeps (a signed consultation with its consent PDF,
a recorded session, a correction of it, a draft), for the export and erasure tests."""

from __future__ import annotations

import datetime as dt
import json

from mesodesk.domain.records import ClinicSettings, NewPatient
from mesodesk.services import consultations, sessions
from tests.store.helpers import example_document

PNG = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5Erk"
       "Jggg==")
SIGNATURES = {"patient": PNG, "practitioner": PNG, "signed_at": "2026-11-26T10:00:00"}
CLINIC = ClinicSettings(name="Κλινική Αθηνών <b>&", address="Οδός Πανεπιστημίου 1\n10558 Αθήνα",
                        phone="+30 210 111 2222", practitioner_name="Dr Maria Ioannou")


def session_document(consultation_id: int, day: dt.date, **changes) -> str:
    data = {"format": "mesodesk.session/1", "consultation": str(consultation_id),
            "concern": "cellulite", "number": 1, "date": day.isoformat(), "areas": ["thighs"],
            "products": [{"substance": "caffeine", "product": "Caffeine 2.5% 5 mL",
                          "lot": "CF0042", "expiry": f"{day.year + 1}-01", "volume_ml": 4.0}]}
    data.update(changes)
    return json.dumps(data, ensure_ascii=False)


def fill_patient(db, kb, language: str = "en", name: str = "Ελένη Παπαδοπούλου") -> dict:
    """The patient, one signed consultation with a session and its correction, one draft;
    returns their ids."""
    db.settings.save(CLINIC)
    patient = db.patients.create(NewPatient(name=name, date_of_birth=dt.date(1988, 4, 12),
                                            sex="female", phone="+30 210 000 0000",
                                            email="eleni@example.org", notes="Notes <b>&"))
    day = dt.date(2026, 11, 26)
    doc = example_document("format-example.json", kb, signatures=SIGNATURES, language=language,
                           courses=[{"concern": "cellulite", "sessions": 10,
                                     "interval_days": 7, "start_date": day.isoformat()}])
    signed = consultations.finalize_signed(db, kb, None, patient.id, doc)
    first = sessions.record_session(db, kb, sessions.parse_session_text(
        session_document(signed.record.id, day)), today=day)
    correction = sessions.record_session(db, kb, sessions.parse_session_text(session_document(
        signed.record.id, day, corrects={"session": first.id, "reason": "volume was 3 mL"},
        products=[{"substance": "caffeine", "product": "Caffeine 2.5% 5 mL", "lot": "CF0042",
                   "expiry": f"{day.year + 1}-01", "volume_ml": 3.0}])), today=day)
    draft = consultations.save_draft(db, patient.id, example_document(
        "format-example.json", kb, language=language, date="2026-12-01"))
    return {"patient": patient.id, "signed": signed.record.id, "pdf": signed.pdf,
            "sessions": (first.id, correction.id), "draft": draft.id}
