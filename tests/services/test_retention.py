"""The retention period: a clinic setting (10 years, not confirmed, until the clinic sets
it), kept and audited; erasure refused while it runs, saying until when; the commands
`patient erase`/`delete` and `patient-export` with their exit codes and messages."""

from __future__ import annotations

import dataclasses
import datetime as dt
import zipfile

import pytest

from mesodesk.cli import main
from mesodesk.domain.records import ClinicSettings, NewPatient
from mesodesk.services import Blocked, InvalidInput, records, retention
from mesodesk.store import InvalidRecord
from tests.services.export_records import fill_patient


def test_the_default_period_is_ten_years_not_confirmed(db) -> None:
    settings = db.settings.get()
    assert (settings.retention_years, settings.retention_confirmed) == (10, False)


def test_a_change_of_period_is_kept_and_audited(db) -> None:
    db.settings.save(ClinicSettings(name="Κλινική"))
    db.settings.save(ClinicSettings(name="Κλινική", retention_years=20, retention_confirmed=True))
    saved = db.settings.get()
    assert (saved.retention_years, saved.retention_confirmed) == (20, True)
    event = db.audit.events(limit=1)[0]
    assert (event.action, event.table) == ("update", "clinic_settings")
    assert event.details == {"retention_years": "20", "retention_confirmed": "True"}
    assert db.audit.verify().ok
    db.settings.save(dataclasses.replace(saved, phone="+30 210 000 0000"))  # a later column
    assert db.settings.get().phone == "+30 210 000 0000"
    assert db.audit.events(limit=1)[0].details == {"phone": "+30 210 000 0000"}


@pytest.mark.parametrize("years", [0, 101, -1, True, 2.5, "10"])
def test_a_wrong_period_is_named(db, years) -> None:
    with pytest.raises(InvalidRecord, match="retention_years"):
        db.settings.save(ClinicSettings(retention_years=years))  # type: ignore[arg-type]


def test_add_years_keeps_the_day_and_29_february() -> None:
    assert retention.add_years(dt.date(2026, 11, 26), 10) == dt.date(2036, 11, 26)
    assert retention.add_years(dt.date(2024, 2, 29), 1) == dt.date(2025, 2, 28)


def test_erasure_is_refused_until_the_period_has_run(db, kb) -> None:
    ids = fill_patient(db, kb)
    check = retention.erasure_check(db, ids["patient"])
    assert check.last_record == dt.date(2026, 12, 1)  # the draft is the latest record
    assert check.kept_until == dt.date(2036, 12, 1) and not check.allowed
    with pytest.raises(Blocked) as refused:
        retention.erase_patient(db, ids["patient"])
    message = str(refused.value)
    assert refused.value.exit_code == 3
    assert "has 2 consultations; clinical records are kept for 10 years after the last one " \
           "(1 December 2026)" in message
    assert "cannot be erased before 1 December 2036 has passed" in message
    assert "has not confirmed yet" in message
    assert db.patients.get(ids["patient"]).id == ids["patient"]
    # the day the period ends is still inside it; the day after, it has run out
    assert not retention.erasure_check(db, ids["patient"], today=dt.date(2036, 12, 1)).allowed
    after = retention.erasure_check(db, ids["patient"], today=dt.date(2036, 12, 2))
    assert after.allowed


def test_after_the_period_the_patient_and_their_records_are_erased(db, kb, tmp_path) -> None:
    from mesodesk.services.patient_export import export_patient

    ids = fill_patient(db, kb)
    retention.erase_patient(db, ids["patient"], actor="dr", today=dt.date(2036, 12, 2))
    with pytest.raises(InvalidInput, match=f"no patient {ids['patient']}"):
        retention.erasure_check(db, ids["patient"])
    with pytest.raises(InvalidInput, match=f"no patient {ids['patient']}"):
        export_patient(db, kb, ids["patient"], tmp_path / "x.zip")
    event = db.audit.events(limit=1)[0]
    assert (event.action, event.record_id, event.details["kept_until"]) == (
        "erase", ids["patient"], "2036-12-01")
    erased = db.audit.events(limit=8)  # 2 products, 2 sessions, 1 consent, 2 consultations
    assert {e.action for e in erased} == {"erase"} and len({e.table for e in erased}) == 5
    assert db.audit.verify().ok


def test_the_period_set_by_the_clinic_decides(db, kb) -> None:
    ids = fill_patient(db, kb)
    db.settings.save(dataclasses.replace(db.settings.get(), retention_years=1,
                                         retention_confirmed=True))
    check = retention.erasure_check(db, ids["patient"])
    assert check.kept_until == dt.date(2027, 12, 1)
    assert "has not confirmed" not in check.refusal()
    assert "for 1 year after the last one" in check.refusal()


def test_a_patient_with_no_record_is_deleted(db) -> None:
    patient = db.patients.create(NewPatient(name="Typo", date_of_birth=dt.date(1990, 1, 1)))
    check = retention.erase_patient(db, patient.id, actor="dr")
    assert not check.has_records and check.kept_until is None
    assert db.audit.events(limit=1)[0].action == "delete"


def test_the_refusal_in_greek_names_the_date_in_greek(db, kb) -> None:
    from mesodesk.i18n import current_language, set_language

    ids = fill_patient(db, kb)
    before = current_language()
    set_language("el")
    try:
        message = retention.erasure_check(db, ids["patient"]).refusal()
    finally:
        set_language(before)
    assert "1 Δεκεμβρίου 2036" in message and "2 επισκέψεις" in message


# -- the command line -------------------------------------------------------------------------

@pytest.fixture
def clinic(tmp_path, kb):
    path = tmp_path / "clinic.db"
    db = records.open_records(str(path))
    try:
        ids = fill_patient(db, kb)
        ids["empty"] = db.patients.create(NewPatient(name="Κενή <b>&",
                                                     date_of_birth=dt.date(1990, 1, 1))).id
    finally:
        db.close()
    return path, ids


def run(capsys, path, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main([*args, "--db", str(path)])
    out, err = capsys.readouterr()
    return code, out, err


def test_patient_export_command(clinic, capsys, tmp_path) -> None:
    path, ids = clinic
    out = tmp_path / "Ελένη 🙂.zip"
    code, stdout, err = run(capsys, path, "patient-export", str(ids["patient"]), "--out", str(out))
    assert code == 0, err
    assert f"wrote the data of patient {ids['patient']}, Ελένη Παπαδοπούλου, to {out}" in stdout
    with zipfile.ZipFile(out) as archive:
        assert "index.json" in archive.namelist()
    for args, message in (
            (("99", "--out", str(tmp_path / "x.zip")), "no patient 99"),
            (("abc", "--out", str(tmp_path / "x.zip")), "not a patient id"),
            ((str(ids["patient"]), "--out", str(tmp_path / "missing" / "x.zip")),
             "does not exist"),
            ((str(ids["patient"]), "--out", str(tmp_path)), "is a folder")):
        code, _stdout, err = run(capsys, path, "patient-export", *args)
        assert code == 2 and message in err and "Traceback" not in err, err


def test_patient_erase_command_says_until_when(clinic, capsys) -> None:
    path, ids = clinic
    for command in ("erase", "delete"):
        code, _out, err = run(capsys, path, "patient", command, str(ids["patient"]), "--yes")
        assert code == 3 and "cannot be erased before 1 December 2036 has passed" in err, err
    code, out, err = run(capsys, path, "patient", "erase", str(ids["empty"]), "--yes")
    assert code == 0 and f"deleted patient {ids['empty']}, Κενή <b>&" in out, err
    code, _out, err = run(capsys, path, "patient", "erase", str(ids["empty"]), "--yes")
    assert code == 2 and f"no patient {ids['empty']}" in err


def test_erase_invalid_input(db) -> None:
    with pytest.raises(InvalidInput, match="no patient 5"):
        retention.erasure_check(db, 5)


def test_a_photo_consent_event_is_a_record_kept_too(db) -> None:
    from mesodesk.services import photos

    patient = db.patients.create(NewPatient(name="Φωτογραφία", date_of_birth=dt.date(1990, 1, 1)))
    photos.give_photo_consent(db, patient.id, on=dt.date(2026, 11, 30))
    check = retention.erasure_check(db, patient.id)
    assert check.has_records and check.kept_until == dt.date(2036, 11, 30)
    with pytest.raises(Blocked, match="30 November 2036"):
        retention.erase_patient(db, patient.id)
    retention.erase_patient(db, patient.id, today=dt.date(2036, 12, 1))
    assert db.audit.events(limit=1)[0].details["photo_consents"] == "1"
    assert db.audit.verify().ok
