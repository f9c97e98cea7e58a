"""Clinic settings: one row, defaults until saved, audited like every change."""

from __future__ import annotations

import pytest

from mesodesk.domain.records import ClinicSettings
from mesodesk.store import InvalidRecord

PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
                    "0000000d4944415478da63646060f80f0002870180eb47ba920000000049454e44ae426082")


def test_defaults_until_saved(db) -> None:
    assert db.settings.get() == ClinicSettings()


def test_save_and_get(db) -> None:
    settings = ClinicSettings(name="Κλινική Αθηνών", address="Οδός 1\n10558 Αθήνα", logo_png=PNG,
                              practitioner_name="Dr Maria Ioannou",
                              practitioner_registration="12345", default_paper="letter",
                              default_language="el", phone="+30 210 000 0000",
                              jurisdiction="EU", member_state="GR")
    assert db.settings.save(settings) == settings
    assert db.settings.get() == settings
    changed = ClinicSettings(name="Κλινική Αθηνών", default_paper="a4")
    db.settings.save(changed)
    assert db.settings.get() == changed
    actions = [(e.action, e.table) for e in db.audit.events(limit=2)]
    assert actions == [("update", "clinic_settings"), ("create", "clinic_settings")]


def test_saving_the_same_settings_writes_nothing(db) -> None:
    db.settings.save(ClinicSettings(name="A"))
    events = len(db.audit.events(limit=100))
    db.settings.save(ClinicSettings(name="A"))
    assert len(db.audit.events(limit=100)) == events


@pytest.mark.parametrize(("settings", "field"), [
    (ClinicSettings(default_paper="a3"), "default_paper"),  # type: ignore[arg-type]
    (ClinicSettings(default_language="English"), "default_language"),
    (ClinicSettings(logo_png=b"GIF89a"), "logo_png"),
    (ClinicSettings(name="x" * 2001), "name"),
    (ClinicSettings(jurisdiction="Mars"), "jurisdiction"),  # type: ignore[arg-type]
    (ClinicSettings(member_state="Greece"), "member_state"),
    (ClinicSettings(phone="1" * 101), "phone"),
])
def test_invalid_settings_name_the_field(db, settings: ClinicSettings, field: str) -> None:
    with pytest.raises(InvalidRecord, match=f"^{field}: "):
        db.settings.save(settings)
    assert db.settings.get() == ClinicSettings()


def test_a_clinic_outside_the_eu_has_no_member_state(db) -> None:
    saved = db.settings.save(ClinicSettings(jurisdiction="US", member_state="GR"))
    assert (saved.jurisdiction, saved.member_state) == ("US", "")
    assert db.settings.get().member_state == ""
