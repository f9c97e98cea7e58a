"""Fixtures for the store tests; see helpers.py for the backends and the PostgreSQL rules."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from mesodesk.domain.document import Consultation
from mesodesk.domain.records import NewPatient
from tests.store.helpers import BACKENDS, Backend, example_document, make_backend


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    with contextlib.ExitStack() as stack:
        yield make_backend(request.param, tmp_path, stack)


@pytest.fixture(params=("sqlite", "sqlcipher"))
def file_backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    """The SQLite file backends only (file faults, the online backup API, SIGKILL)."""
    with contextlib.ExitStack() as stack:
        yield make_backend(request.param, tmp_path, stack)


@pytest.fixture
def db(backend: Backend, kb):
    database = backend.open()
    try:
        yield database
    finally:
        database.close()


@pytest.fixture
def doc(kb) -> Consultation:
    """A valid consultation that screening does not block."""
    return example_document("format-example.json", kb)


@pytest.fixture
def patient(db):
    return db.patients.create(NewPatient(name="Ελένη Παπαδοπούλου",
                                         date_of_birth=dt.date(1988, 4, 12), sex="female",
                                         phone="+30 210 000 0000", email="eleni@example.org"))


