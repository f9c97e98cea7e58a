"""The app and encryption: no key store means a passphrase is asked for (with a strength
hint), the status bar says what protects the database, and the settings encrypt a plain
database or change an encrypted one's key."""

from __future__ import annotations

import datetime as dt

import keyring
from keyring.backends import fail
from PySide6.QtWidgets import QMessageBox

from mesodesk.domain.records import NewPatient
from mesodesk.store import keystore, open_database
from mesodesk.store.keys import key_name
from mesodesk.ui.main_window import MainWindow
from mesodesk.ui.passphrase import strength_hint
from mesodesk.ui.session import StartOptions

from .conftest import TIMEOUT, screenshot, settle, type_text

HEADER = b"SQLite format 3\x00"
NAME = "Ελένη Παπαδοπούλου"


def test_the_strength_hint_grows_with_the_passphrase():
    assert "at least 8" in strength_hint("short")
    assert strength_hint("password1").startswith("Very weak")
    assert strength_hint("χλωμό φεγγάρι πάνω από τη Σύρο").startswith(("Good", "Strong"))
    assert strength_hint("x" * 500)  # longer than zxcvbn takes: still a hint, no error


def test_without_a_key_store_the_app_asks_for_a_passphrase(qtbot, tmp_path, monkeypatch):
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    keyring.set_keyring(fail.Keyring())
    path = tmp_path / "clinic.db"
    window = MainWindow(StartOptions(location=str(path)))
    qtbot.addWidget(window)
    window.show()
    window.start()
    qtbot.waitUntil(lambda: window.passphrase_dialog is not None
                    and window.passphrase_dialog.isVisible(), timeout=TIMEOUT)
    assert "key store" in window.problem_banner.text() and not path.exists()
    dialog = window.passphrase_dialog
    type_text(qtbot, dialog.first, "ab")
    assert "at least 8" in dialog.hint.text()
    dialog.first.clear()
    type_text(qtbot, dialog.first, "χλωμό φεγγάρι πάνω από τη Σύρο")
    assert dialog.hint.text().startswith(("Good", "Strong"))
    type_text(qtbot, dialog.second, "something else")
    dialog.accept()
    assert dialog.isVisible() and "not the same passphrase" in dialog.error.text()
    screenshot(dialog, "new-passphrase")
    dialog.second.clear()
    type_text(qtbot, dialog.second, "χλωμό φεγγάρι πάνω από τη Σύρο")
    dialog.accept()
    qtbot.waitUntil(lambda: window.session is not None and window.is_ready, timeout=TIMEOUT)
    settle(qtbot, window)
    assert window.session.db.location.key_source == "passphrase"
    assert "(encrypted)" in window.db_label.text()
    assert "passphrase" in window.db_icon.toolTip()
    window.close()
    assert path.read_bytes()[:16] != HEADER
    # The key is the passphrase: nothing written beside the database.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clinic.db"]
    with open_database(path, "χλωμό φεγγάρι πάνω από τη Σύρο") as db:
        assert db.patients.count() == 0


def _plain_window(qtbot, open_window, path):
    with open_database(path, unencrypted=True) as db:
        db.patients.create(NewPatient(name=NAME, date_of_birth=dt.date(1988, 4, 12)))
    window = open_window(path)
    assert "not encrypted" in window.db_label.text()
    assert "anyone with the file" in window.db_icon.toolTip()
    return window


def test_the_settings_encrypt_a_plain_database_and_change_its_key(qtbot, open_window, db_path):
    window = _plain_window(qtbot, open_window, db_path)
    window.settings_action.trigger()
    dialog = window.main_actions.settings_dialog
    qtbot.waitUntil(dialog.isVisible, timeout=TIMEOUT)
    assert "Not encrypted" in dialog.encryption_state.text()
    screenshot(dialog, "settings-encrypt")
    dialog.encryption_button.click()  # saves the settings, then asks where the key goes
    qtbot.waitUntil(lambda: window.encryption.choice_box is not None
                    and window.encryption.choice_box.isVisible(), timeout=TIMEOUT)
    box = window.encryption.choice_box
    key_store = next(b for b in box.buttons() if b.text() == "In the key store")
    key_store.click()
    qtbot.waitUntil(lambda: window.is_ready and "(encrypted)" in window.db_label.text(),
                    timeout=TIMEOUT)
    settle(qtbot, window)
    assert "The database is encrypted" in window.statusBar().currentMessage()
    assert db_path.read_bytes()[:16] != HEADER
    assert window.session.db.patients.count() == 1
    assert window.session.db.audit.events(1)[0].action == "encrypt-database"
    first_key = keystore.get_secret(key_name(db_path))

    # Then a passphrase instead of the key-store key.
    window.settings_action.trigger()
    dialog = window.main_actions.settings_dialog
    qtbot.waitUntil(dialog.isVisible, timeout=TIMEOUT)
    assert "key store" in dialog.encryption_state.text()
    dialog.encryption_button.click()
    qtbot.waitUntil(lambda: window.encryption.choice_box.isVisible(), timeout=TIMEOUT)
    box = window.encryption.choice_box
    next(b for b in box.buttons() if b.text() == "A passphrase…").click()
    qtbot.waitUntil(lambda: window.encryption.passphrase_dialog is not None
                    and window.encryption.passphrase_dialog.isVisible(), timeout=TIMEOUT)
    asked = window.encryption.passphrase_dialog
    for field in (asked.first, asked.second):
        type_text(qtbot, field, "σιωπηλό λιμάνι στη Νάξο")
    asked.accept()
    qtbot.waitUntil(lambda: window.is_ready and window.session.db.location.key_source
                    == "passphrase", timeout=TIMEOUT)
    settle(qtbot, window)
    assert "key was changed" in window.statusBar().currentMessage()
    assert window.session.db.audit.events(1)[0].action == "rekey-database"
    assert keystore.get_secret(key_name(db_path)) is None and first_key is not None
    window.close()
    with open_database(db_path, "σιωπηλό λιμάνι στη Νάξο") as db:
        assert [p.name for p in db.patients.search("")] == [NAME] and db.audit.verify().ok


def test_a_failed_encryption_changes_nothing_and_reopens(qtbot, open_window, db_path,
                                                        monkeypatch):
    from mesodesk.store import encryption
    from mesodesk.store.base import IntegrityFailure

    window = _plain_window(qtbot, open_window, db_path)

    def broken(*_args):
        raise IntegrityFailure("the encrypted copy does not hold what it held")

    monkeypatch.setattr(encryption, "_verify_copy", broken)
    window.encryption.run("encrypt", None)
    qtbot.waitUntil(lambda: window.is_ready, timeout=TIMEOUT)
    settle(qtbot, window)
    assert "was not changed" in window.statusBar().currentMessage()
    assert "not encrypted" in window.db_label.text()
    assert db_path.read_bytes()[:16] == HEADER and window.session.db.patients.count() == 1
    assert QMessageBox  # the choice box is not needed when the workflow is run directly
