"""The demo data: realistic patients, each given consultations that fit them."""

from __future__ import annotations

import datetime as dt

from mesodesk.domain.knowledge import default_knowledge
from mesodesk.ui.demo import DEMO_PATIENTS, fill_demo_database


def test_each_demo_patient_gets_examples_written_for_their_sex(qtbot, tmp_path):
    from mesodesk.store import open_database

    db = open_database(str(tmp_path / "demo.db"))
    try:
        fill_demo_database(db, default_knowledge(), today=dt.date(2026, 11, 26))
        men = {name for name, _born, sex, _phone in DEMO_PATIENTS if sex == "male"}
        assert {"José Álvarez Núñez", "Björn Åkesson", "Matthias Größer"} <= men
        seen_men = 0
        for patient in db.patients.search("", limit=100):
            for record in db.consultations.for_patient(patient.id):
                doc = record.document
                assert doc.patient.sex == patient.sex
                if patient.sex == "male":
                    seen_men += 1
                    assert not {"pregnancy", "breastfeeding"} & set(doc.history), patient.name
                    assert "pregnant" not in doc.history_notes.lower(), patient.name
        assert seen_men >= len(men)
        # Signed demo consultations are final with their consent, made in one go.
        signed = [r for p in db.patients.search("", limit=100)
                  for r in db.consultations.for_patient(p.id) if r.has_signed_consent]
        assert signed and all(r.status == "final" for r in signed)
        assert db.audit.verify().ok
    finally:
        db.close()
