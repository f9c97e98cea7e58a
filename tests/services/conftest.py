"""The services run on a plain SQLite file here; tests/store covers the three backends."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from mesodesk.domain.records import NewPatient
from mesodesk.services import records


@pytest.fixture
def db(tmp_path: Path):
    database = records.open_records(str(tmp_path / "clinic.db"))
    try:
        yield database
    finally:
        database.close()


@pytest.fixture
def patient(db):
    from mesodesk.services.patients import create_patient

    return create_patient(db, NewPatient(name="Ελένη Παπαδοπούλου",
                                         date_of_birth=dt.date(1988, 4, 12), sex="female"))
