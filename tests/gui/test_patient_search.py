"""Searching 100,000 patients through the GUI's model: the match shows at once and the
model never holds more than the pages the view asked for."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QModelIndex

from mesodesk.domain.records import NewPatient
from mesodesk.ui.models import PatientTableModel

from .conftest import TIMEOUT, screenshot, settle

N = 100_000
GIVEN = ["Maria", "Ελένη", "Jean", "Ольга", "Sofia", "Giorgos", "Anna", "José", "Ayşe", "Björn"]
FAMILY = ["Papadopoulou", "Dubois", "Κωνσταντίνου", "Rossi", "Müller", "Петрова", "Kowalska",
          "Álvarez", "Yılmaz", "Åkesson", "Nikolaou", "Fontaine"]


def bulk_insert_patients(db, count: int) -> None:
    """Insert generated patients in one transaction through the store's own table and
    column rules (the repositories' create_many also writes an audit event per patient,
    which takes minutes for 100,000)."""
    from mesodesk.store import tables
    from mesodesk.store.repositories import clean_patient

    stamp = dt.datetime(2026, 1, 1, 9, 0, 0, tzinfo=dt.timezone.utc)
    rows = []
    for number in range(count):
        new = NewPatient(
            name=f"{GIVEN[number % len(GIVEN)]} {FAMILY[(number // 7) % len(FAMILY)]} {number:06d}",
            date_of_birth=dt.date(1940 + number % 60, 1 + number % 12, 1 + number % 28),
            phone=f"+30 69{number:08d}")
        rows.append({**clean_patient(new), "created_at": stamp, "updated_at": stamp})
    with db.engine.begin() as connection:
        connection.execute(tables.patients.insert(), rows)


@pytest.mark.slow
def test_search_100000_patients_through_the_model(qtbot, open_window, db_path):
    from mesodesk.store import open_database

    db = open_database(str(db_path))
    bulk_insert_patients(db, N)
    unique = db.patients.create(NewPatient(name="Ξανθίππη Ζαφειρίου-Λαμπράκη",
                                           date_of_birth=dt.date(1961, 3, 9),
                                           phone="+30 210 555 0199"))
    db.close()

    window = open_window(db_path)
    model = window.model
    # The first page only, though 100,001 patients match the empty search.
    assert model.rowCount() == PatientTableModel.PAGE_SIZE
    qtbot.waitUntil(lambda: model.total == N + 1, timeout=TIMEOUT)
    assert window.count_label.text() == "100,001 patients"
    assert model.canFetchMore(QModelIndex())

    # Scrolling to the end fetches one more page, not everything.
    window.table.scrollToBottom()
    qtbot.waitUntil(lambda: model.rowCount() == 2 * PatientTableModel.PAGE_SIZE, timeout=TIMEOUT)
    settle(qtbot, window)
    assert model.rowCount() == 2 * PatientTableModel.PAGE_SIZE

    # Typing, without accents or capitals, finds the one patient.
    qtbot.keyClicks(window.search, "")
    window.search.setText("ζαφειριου")
    qtbot.waitUntil(lambda: model.searched and model.rowCount() == 1, timeout=TIMEOUT)
    assert model.patient(0).id == unique.id
    assert model.data(model.index(0, PatientTableModel.NAME)) == "Ξανθίππη Ζαφειρίου-Λαμπράκη"
    window.table.selectRow(0)
    qtbot.waitUntil(lambda: window.current_patient is not None
                    and window.current_patient.id == unique.id, timeout=TIMEOUT)
    settle(qtbot, window)
    assert window.count_label.text() == "1 matching"
    screenshot(window, "main-window-search-100000")

    # By phone digits and by date of birth too.
    window.search.setText("5550199")
    qtbot.waitUntil(lambda: model.searched and model.filter_text == "5550199", timeout=TIMEOUT)
    assert [model.patient(row).id for row in range(model.rowCount())] == [unique.id]
    window.search.setText("1961-03-09")
    qtbot.waitUntil(lambda: model.searched and model.filter_text == "1961-03-09", timeout=TIMEOUT)
    assert unique.id in [model.patient(row).id for row in range(model.rowCount())]
    assert model.rowCount() <= PatientTableModel.PAGE_SIZE

    # A common prefix matches thousands; the model still holds one page.
    window.search.setText("maria")
    qtbot.waitUntil(lambda: model.searched and model.filter_text == "maria", timeout=TIMEOUT)
    assert model.rowCount() == PatientTableModel.PAGE_SIZE
    qtbot.waitUntil(lambda: model.total == N // len(GIVEN), timeout=TIMEOUT)

    # Nothing matches: the list says so.
    window.search.setText("zzzz-no-such-patient")
    qtbot.waitUntil(lambda: model.searched and model.rowCount() == 0, timeout=TIMEOUT)
    settle(qtbot, window)
    assert "No patient matches" in window.list_message.text()
    assert window.list_stack.currentWidget() is window.list_message


def test_stale_searches_never_overwrite_the_latest(qtbot, open_window, db_path):
    """Typing fast queues several searches; only the last one's rows are shown."""
    from mesodesk.store import open_database

    db = open_database(str(db_path))
    bulk_insert_patients(db, 2000)
    db.close()
    window = open_window(db_path)
    for prefix in ("a", "an", "ann", "anna", "anna k", "anna ko"):
        window.search.setText(prefix)
    qtbot.waitUntil(lambda: window.model.searched and window.model.filter_text == "anna ko",
                    timeout=TIMEOUT)
    settle(qtbot, window)
    shown = [window.model.patient(row).id for row in range(window.model.rowCount())]
    expected = [p.id for p in window.session.db.patients.search(
        "anna ko", limit=PatientTableModel.PAGE_SIZE)]
    assert shown == expected
    assert 0 < len(shown) < len(window.session.db.patients.search("an", limit=100))


def test_typing_before_the_database_is_open_is_kept_and_applied(qtbot, db_path):
    """A search typed before the database is open waits for it and is then applied, not
    lost."""
    from mesodesk.store import open_database
    from mesodesk.ui.main_window import MainWindow
    from mesodesk.ui.session import StartOptions

    db = open_database(str(db_path))
    bulk_insert_patients(db, 500)
    db.close()
    window = MainWindow(StartOptions(location=str(db_path)))
    qtbot.addWidget(window)
    window.show()
    window.search.setText("björn")  # typed at once, before anything is open
    window.start()
    qtbot.waitUntil(lambda: window.is_ready and window.model.searched, timeout=TIMEOUT)
    settle(qtbot, window)
    names = [window.model.patient(row).name for row in range(window.model.rowCount())]
    assert names and all(name.startswith("Björn") for name in names)
    assert window.model.total == 500 // len(GIVEN)
    window.close()


def test_typing_as_soon_as_the_first_rows_are_shown_is_applied(qtbot, db_path):
    from mesodesk.store import open_database
    from mesodesk.ui.main_window import MainWindow
    from mesodesk.ui.session import StartOptions

    db = open_database(str(db_path))
    bulk_insert_patients(db, 300)
    db.close()
    window = MainWindow(StartOptions(location=str(db_path)))
    qtbot.addWidget(window)
    window.show()
    window.firstRowsShown.connect(lambda: window.search.setText("ayşe"))
    window.start()
    qtbot.waitUntil(lambda: window.is_ready and window.model.searched
                    and window.model.filter_text == "ayşe", timeout=TIMEOUT)
    settle(qtbot, window)
    names = [window.model.patient(row).name for row in range(window.model.rowCount())]
    assert names and all(name.startswith("Ayşe") for name in names)
    window.close()


def test_the_first_page_shows_before_the_database_opens_then_the_database_takes_over(
        qtbot, db_path):
    """store/first_page.py reads the first rows while SQLAlchemy still loads; the database's
    own search then answers for the same list (and fetches the rest as the view scrolls)."""
    from mesodesk.store import open_database
    from mesodesk.ui.main_window import MainWindow
    from mesodesk.ui.session import StartOptions

    db = open_database(str(db_path))
    bulk_insert_patients(db, 300)
    expected = [p.name for p in db.patients.search(
        "", limit=PatientTableModel.PAGE_SIZE, language="en")]
    db.close()
    window = MainWindow(StartOptions(location=str(db_path)))
    qtbot.addWidget(window)
    at_first_rows = {}
    window.firstRowsShown.connect(lambda: at_first_rows.update(
        session=window.session, names=[window.model.patient(row).name
                                       for row in range(window.model.rowCount())],
        more=window.model.canFetchMore()))
    window.show()
    window.start()
    qtbot.waitUntil(lambda: window.is_ready and window.model.searched, timeout=TIMEOUT)
    assert at_first_rows["session"] is None  # shown before the database was open
    assert at_first_rows["names"] == expected
    assert at_first_rows["more"] is False  # nothing fetched past it until the database answers
    assert [window.model.patient(row).name for row in range(window.model.rowCount())] == expected
    qtbot.waitUntil(lambda: window.model.total == 300, timeout=TIMEOUT)
    assert window.model.canFetchMore()
    window.close()
