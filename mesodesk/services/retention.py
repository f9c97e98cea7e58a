"""How long a patient's records are kept, and erasing a patient (GDPR article 17) only
once that time has run out.

Clinical records must be kept for a period the law sets (the clinic's retention period,
a setting: ``ClinicSettings.retention_years``, 10 years until the clinic confirms its own
value); the period runs from the patient's last consultation, session or photograph.
While it runs, an erasure is refused and says until when; after it, the patient and all
their records are erased. The GUI's "Delete patient…" and ``mesodesk patient delete`` /
``erase`` both ask ``erasure_check`` and call ``erase_patient``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mesodesk.domain.dates import add_years
from mesodesk.i18n import _, current_language, ngettext
from mesodesk.services.errors import Blocked, store_errors

if TYPE_CHECKING:
    from mesodesk.domain.records import PatientRecord
    from mesodesk.store.database import Database


def app_date(day: dt.date) -> str:
    """A date in the app's language, as a person reads it (Babel: 2 December 2036,
    2 Δεκεμβρίου 2036)."""
    from babel.dates import format_date

    return format_date(day, format="long",
                       locale="el" if current_language() == "el" else "en_GB")


@dataclass(frozen=True)
class ErasureCheck:
    """Whether the patient may be erased on ``today``, and if not until when."""

    patient: PatientRecord
    consultations: int
    sessions: int
    photos: int
    photo_consents: int             # photo consent events given or withdrawn on their own
    last_record: dt.date | None     # the latest consultation, session, photograph or consent
    retention_years: int
    retention_confirmed: bool
    kept_until: dt.date | None      # the last day the records must be kept; None: no record
    today: dt.date

    @property
    def has_records(self) -> bool:
        return any((self.consultations, self.sessions, self.photos, self.photo_consents))

    @property
    def allowed(self) -> bool:
        return self.kept_until is None or self.today > self.kept_until

    def refusal(self) -> str:
        """Why the erasure is refused, naming the date until which the records are kept."""
        held = ngettext("{count} consultation", "{count} consultations",
                        self.consultations).format(count=self.consultations)
        if self.photos:
            held = _("{consultations} and {photos}").format(
                consultations=held, photos=ngettext("{count} photograph", "{count} photographs",
                                                    self.photos).format(count=self.photos))
        text = ngettext(
            "{name} has {held}; clinical records are kept for {years} year after the last "
            "one ({last}), so this record cannot be erased before {until} has passed.",
            "{name} has {held}; clinical records are kept for {years} years after the last "
            "one ({last}), so this record cannot be erased before {until} has passed.",
            self.retention_years).format(
            name=self.patient.name, held=held, years=self.retention_years,
            last=app_date(self.last_record) if self.last_record else "",
            until=app_date(self.kept_until) if self.kept_until else "")
        text += " " + _("If it is a second record of the same person, merge it into the "
                        "other one instead.")
        if not self.retention_confirmed:
            text += " " + _("(The retention period is the default, which the clinic has not "
                            "confirmed yet: see Settings.)")
        return text


def retention_end(last_record: dt.date | None, years: int) -> dt.date | None:
    return add_years(last_record, years) if last_record is not None else None


def erasure_check(db: Database, patient_id: int, today: dt.date | None = None
                  ) -> ErasureCheck:
    with store_errors():
        patient = db.patients.get(patient_id)
        dates = db.patients.record_dates(patient_id)
        settings = db.settings.get()
    return ErasureCheck(patient=patient, consultations=dates.consultations,
                        sessions=dates.sessions, photos=dates.photos,
                        photo_consents=dates.photo_consents, last_record=dates.last,
                        retention_years=settings.retention_years,
                        retention_confirmed=settings.retention_confirmed,
                        kept_until=retention_end(dates.last, settings.retention_years),
                        today=today or dt.date.today())


def erase_patient(db: Database, patient_id: int, actor: str = "",
                  today: dt.date | None = None) -> ErasureCheck:
    """Erase a patient. One with no record (made by mistake) is deleted, audited. One with
    clinical records is refused while the retention period runs, saying until when
    (``Blocked``, exit 3); once it has run out, the patient and every record of theirs
    (signed consents and photographs too) are erased in one audited transaction of the
    store (``Erasures.erase``)."""
    check = erasure_check(db, patient_id, today)
    if check.has_records and not check.allowed:
        raise Blocked(check.refusal(), field="patient")
    with store_errors():
        if check.has_records:
            db.erasures.erase(patient_id, check.retention_years, check.today, actor=actor)
        else:
            db.patients.delete(patient_id, actor=actor)
    return check
