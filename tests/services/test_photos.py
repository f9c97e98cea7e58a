"""Photographs: only with the photo consent, stripped of every metadata, upright and size
limited; withdrawal deletes the image data and says so in the audit trail, nothing else."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from PIL import ExifTags, Image

from mesodesk.services import photo_images
from mesodesk.services import photos as ph
from mesodesk.services.errors import Blocked, InvalidInput
from tests.services.photo_helpers import (
    CAMERA_DAY,
    MARKER,
    SECRETS,
    camera_jpeg,
    finalize_consultation,
    plain_jpeg,
    png_with_alpha,
)

TODAY = dt.date.today()
A_MONTH_AGO = TODAY - dt.timedelta(days=30)


@pytest.fixture
def consented(db, patient):
    ph.give_photo_consent(db, patient.id, A_MONTH_AGO, actor="dr")
    return patient


def close(colour, expected, tolerance=40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(colour, expected))


# -- consent ---------------------------------------------------------------------------

def test_no_photograph_without_consent(db, patient, kb):
    with pytest.raises(Blocked) as raised:
        ph.add_photo(db, patient.id, plain_jpeg(), area="face", view="front", kb=kb)
    assert "photo consent" in raised.value.message
    assert raised.value.exit_code == 3
    assert ph.list_photos(db, patient.id, include_deleted=True) == []
    assert not [e for e in db.audit.events() if e.action == "photo.add"]


def test_a_signed_consultation_with_photo_consent_gives_it_on_its_signing_day(db, patient, kb):
    finalize_consultation(db, kb, patient.id, photo_consent=False)
    assert not ph.photo_consent(db, patient.id).in_force
    record = finalize_consultation(db, kb, patient.id, photo_consent=True)
    state = ph.photo_consent(db, patient.id)
    assert state.in_force
    assert state.since == record.finalized_at.date()
    assert [e.source for e in state.events] == [f"consultation {record.id}"]
    ph.add_photo(db, patient.id, plain_jpeg(), area="thighs", view="side", kb=kb)
    assert ph.count_photos(db, patient.id) == 1


def test_a_draft_with_photo_consent_gives_nothing(db, patient, kb):
    from mesodesk.domain.document import parse_consultation
    from tests.services.photo_helpers import consultation_doc

    db.consultations.save_draft(patient.id, parse_consultation(consultation_doc(True), kb))
    assert not ph.photo_consent(db, patient.id).in_force


def test_consent_is_given_and_withdrawn_on_its_own_with_its_dates(db, patient, kb):
    given = ph.give_photo_consent(db, patient.id, A_MONTH_AGO, actor="dr")
    assert (given.in_force, given.since) == (True, A_MONTH_AGO)
    withdrawn = ph.withdraw_photo_consent(db, patient.id, TODAY - dt.timedelta(days=10))
    assert withdrawn == ph.Withdrawal(deleted=0, on=TODAY - dt.timedelta(days=10))
    assert not ph.photo_consent(db, patient.id).in_force
    again = ph.give_photo_consent(db, patient.id, TODAY)
    assert (again.in_force, again.since) == (True, TODAY)
    assert [(e.given, e.on, e.source) for e in again.events] == [
        (True, A_MONTH_AGO, "recorded"), (False, TODAY - dt.timedelta(days=10), "recorded"),
        (True, TODAY, "recorded")]
    assert again.events[0].actor == "dr"
    actions = [e.action for e in db.audit.events()]
    assert actions[:3] == ["photo.consent.give", "photo.consent.withdraw", "photo.consent.give"]


def test_a_withdrawal_ends_a_consultations_consent_and_a_later_give_restores_it(db, patient, kb):
    finalize_consultation(db, kb, patient.id, photo_consent=True)
    ph.withdraw_photo_consent(db, patient.id)
    assert not ph.photo_consent(db, patient.id).in_force
    with pytest.raises(Blocked):
        ph.add_photo(db, patient.id, plain_jpeg(), area="face", view="front", kb=kb)
    assert ph.give_photo_consent(db, patient.id).in_force


@pytest.mark.parametrize("day, words", [
    (TODAY + dt.timedelta(days=1), "in the future"),
    (dt.date(1980, 1, 1), "date of birth"),
])
def test_a_consent_date_in_the_future_or_before_birth_is_refused(db, patient, day, words):
    with pytest.raises(InvalidInput) as raised:
        ph.give_photo_consent(db, patient.id, day)
    assert raised.value.field == "date" and words in raised.value.message


def test_giving_twice_withdrawing_without_consent_and_going_back_in_time_are_refused(db, patient):
    with pytest.raises(InvalidInput, match="no photo consent in force"):
        ph.withdraw_photo_consent(db, patient.id)
    ph.give_photo_consent(db, patient.id, TODAY - dt.timedelta(days=3))
    with pytest.raises(InvalidInput, match="already in force"):
        ph.give_photo_consent(db, patient.id)
    with pytest.raises(InvalidInput, match="before the last photo consent event"):
        ph.withdraw_photo_consent(db, patient.id, TODAY - dt.timedelta(days=5))
    with pytest.raises(InvalidInput, match="patient 999"):
        ph.photo_consent(db, 999)


# -- the withdrawal deletes the image data, and nothing else --------------------------

def test_withdrawal_deletes_every_image_and_thumbnail_and_the_audit_says_how_many(db, patient,
                                                                                  kb):
    record = finalize_consultation(db, kb, patient.id, photo_consent=True)
    added = [ph.add_photo(db, patient.id, plain_jpeg(), area="face", view=view, kb=kb)
             for view in ("front", "side", "back")]
    consultations = db.consultations.for_patient(patient.id)
    person = db.patients.get(patient.id)
    events_before = len(db.audit.events(1000))

    result = ph.withdraw_photo_consent(db, patient.id, TODAY, actor="dr")

    assert result == ph.Withdrawal(deleted=3, on=TODAY)
    [event] = db.audit.events(1000)[:len(db.audit.events(1000)) - events_before]
    assert event.action == "photo.consent.withdraw"
    assert event.details["deleted"] == "3" and event.details["on"] == TODAY.isoformat()
    for photo in added:
        with pytest.raises(InvalidInput, match="deleted when the photo consent was withdrawn"):
            ph.image_bytes(db, photo.id)
        with pytest.raises(InvalidInput, match="deleted"):
            ph.thumbnail_bytes(db, photo.id)
    with db.reading() as connection:
        from sqlalchemy import select

        from mesodesk.store import tables as t

        rows = connection.execute(select(t.photos.c.image, t.photos.c.thumbnail,
                                         t.photos.c.area, t.photos.c.view)).all()
    assert [(r.image, r.thumbnail) for r in rows] == [(None, None)] * 3
    assert [(r.area, r.view) for r in rows] == [("face", v) for v in ("front", "side", "back")]
    assert ph.list_photos(db, patient.id) == [] and ph.count_photos(db, patient.id) == 0
    kept = ph.list_photos(db, patient.id, include_deleted=True)
    assert [p.id for p in kept] == [p.id for p in added] and all(not p.has_image for p in kept)
    assert db.consultations.for_patient(patient.id) == consultations
    assert db.consultations.get(record.id).document.photo_consent is True  # as signed
    assert db.patients.get(patient.id) == person
    assert db.audit.verify().ok, db.audit.verify().problems


# -- what is stored --------------------------------------------------------------------

def test_the_stored_image_has_no_metadata_is_upright_and_size_limited(db, consented, kb):
    source = camera_jpeg()
    assert all(secret in source for secret in SECRETS)  # the test photo carries them all
    photo = ph.add_photo(db, consented.id, source, area="face", view="front", kb=kb)

    stored = ph.image_bytes(db, photo.id)
    for secret in SECRETS + (b"Exif", b"ICC_PROFILE", b"http://ns.adobe.com"):
        assert secret not in stored
    image = Image.open(io.BytesIO(stored))
    assert image.format == "JPEG"
    assert len(image.getexif()) == 0 and image.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}
    for key in ("exif", "icc_profile", "xmp", "comment"):
        assert key not in image.info
    assert {marker for marker, _data in image.applist} <= {"APP0"}
    # Stored 3200 x 2000 with orientation 6: upright it is 2000 x 3200, then scaled.
    assert (photo.width, photo.height) == image.size == (1500, 2400)
    rgb = image.convert("RGB")
    assert close(rgb.getpixel((photo.width - 20, 20)), MARKER)  # the corner went top right
    assert not close(rgb.getpixel((20, 20)), MARKER)
    thumb = Image.open(io.BytesIO(ph.thumbnail_bytes(db, photo.id)))
    assert max(thumb.size) == 256 and len(thumb.getexif()) == 0 and "icc_profile" not in thumb.info
    assert photo.taken_on == CAMERA_DAY  # the camera's DateTimeOriginal


def test_taken_on_given_wins_and_without_exif_it_is_today(db, consented, kb):
    given = ph.add_photo(db, consented.id, camera_jpeg(), area="face", view="front",
                         taken_on=TODAY - dt.timedelta(days=2), kb=kb)
    assert given.taken_on == TODAY - dt.timedelta(days=2)
    plain = ph.add_photo(db, consented.id, plain_jpeg(), area="face", view="front", kb=kb)
    assert plain.taken_on == TODAY and (plain.width, plain.height) == (800, 600)
    wrong_clock = ph.add_photo(db, consented.id, camera_jpeg(taken="2099:01:01 00:00:00"),
                               area="face", view="front", kb=kb)
    assert wrong_clock.taken_on == TODAY


def test_a_transparent_png_is_laid_on_white(db, consented, kb, tmp_path):
    path = tmp_path / "φωτογραφία.png"
    path.write_bytes(png_with_alpha())
    photo = ph.add_photo(db, consented.id, path, area="face", view="close-up", kb=kb)
    image = Image.open(io.BytesIO(ph.image_bytes(db, photo.id)))
    assert image.format == "JPEG" and close(image.convert("RGB").getpixel((5, 5)), (255, 255, 255))


@pytest.mark.parametrize("mode, value, expected", [
    ("I;16", 30000, (117, 117, 117)),  # 16-bit grey: scaled, not clipped to white
    ("CMYK", (0, 50, 50, 0), (255, 205, 205)),
    ("P", 0, (0, 0, 0)),
    ("LA", (100, 50), (225, 225, 225)),  # half transparent grey on white
])
def test_other_modes_become_the_same_colours_in_rgb(db, consented, kb, mode, value, expected):
    out = io.BytesIO()
    Image.new(mode, (120, 80), value).save(out, "JPEG" if mode == "CMYK" else "PNG")
    photo = ph.add_photo(db, consented.id, out.getvalue(), area="face", view="side", kb=kb)
    image = Image.open(io.BytesIO(ph.image_bytes(db, photo.id)))
    assert image.mode == "RGB" and close(image.getpixel((60, 40)), expected, tolerance=4)


@pytest.mark.parametrize("changes, field, words", [
    ({"area": "elbow<b>&"}, "area", "not an area"),
    ({"area": ""}, "area", "not an area"),
    ({"view": "top"}, "view", "not a view"),
    ({"view": "😀"}, "view", "not a view"),
    ({"session_id": 999}, "session", "not a session of patient"),
    ({"taken_on": TODAY + dt.timedelta(days=3)}, "taken_on", "in the future"),
])
def test_unknown_tags_are_refused_by_field(db, consented, kb, changes, field, words):
    arguments = {"area": "face", "view": "front", **changes}
    with pytest.raises(InvalidInput) as raised:
        ph.add_photo(db, consented.id, plain_jpeg(), kb=kb, **arguments)
    assert raised.value.field == field and words in raised.value.message
    assert ph.count_photos(db, consented.id) == 0


def test_files_that_are_not_images_are_refused_with_the_file_named(db, consented, kb, tmp_path):
    cases = {"notes.txt": b"<b>&</b> not a photo", "empty.jpg": b"",
             "truncated.jpg": plain_jpeg()[:300],
             "vector.pdf": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"}
    for name, data in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(InvalidInput) as raised:
            ph.add_photo(db, consented.id, path, area="face", view="front", kb=kb)
        assert name in raised.value.message and raised.value.field == "file", name
    with pytest.raises(InvalidInput, match="no such file"):
        ph.add_photo(db, consented.id, tmp_path / "missing.jpg", area="face", view="front", kb=kb)
    with pytest.raises(InvalidInput, match="is a folder"):
        ph.add_photo(db, consented.id, tmp_path, area="face", view="front", kb=kb)
    gif = io.BytesIO()
    Image.new("RGB", (10, 10)).save(gif, "GIF")
    with pytest.raises(InvalidInput, match="JPEG, PNG"):
        ph.add_photo(db, consented.id, gif.getvalue(), area="face", view="front", kb=kb)
    assert ph.count_photos(db, consented.id) == 0


def test_a_file_over_the_input_limit_is_refused(db, consented, kb, tmp_path, monkeypatch):
    monkeypatch.setattr(photo_images, "MAX_INPUT_BYTES", 10_000)
    path = tmp_path / "big.jpg"
    path.write_bytes(camera_jpeg())
    with pytest.raises(InvalidInput, match="larger than"):
        ph.add_photo(db, consented.id, path, area="face", view="front", kb=kb)


@pytest.mark.parametrize("side", [12_000, 20_000])
def test_a_decompression_bomb_is_refused(db, consented, kb, side):
    """A small PNG that unpacks to 144 or 400 million pixels (Pillow warns past 89 million
    and refuses past twice that; mesodesk refuses both)."""
    bomb = io.BytesIO()
    Image.new("1", (side, side)).save(bomb, "PNG")
    assert len(bomb.getvalue()) < 2_000_000
    with pytest.raises(InvalidInput, match="pixels"):
        ph.add_photo(db, consented.id, bomb.getvalue(), area="face", view="front", kb=kb)


# -- lists and the timeline ------------------------------------------------------------

def test_the_timeline_groups_by_area_and_view_in_date_order(db, consented, kb):
    days = [TODAY - dt.timedelta(days=n) for n in (5, 20, 1)]
    for day in days:
        ph.add_photo(db, consented.id, plain_jpeg(), area="face", view="front", taken_on=day,
                     kb=kb)
    ph.add_photo(db, consented.id, plain_jpeg(), area="neck", view="side", kb=kb)
    groups = ph.timeline(db, consented.id)
    assert list(groups) == [("face", "front"), ("neck", "side")]
    assert [p.taken_on for p in groups[("face", "front")]] == sorted(days)
    assert ph.count_photos(db, consented.id) == 4


def test_listing_never_selects_image_data(db, consented, kb):
    from sqlalchemy import event

    for view in ("front", "side"):
        ph.add_photo(db, consented.id, plain_jpeg(), area="face", view=view, kb=kb)
    statements: list[str] = []

    def seen(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        ph.list_photos(db, consented.id)
        ph.list_photos(db, consented.id, include_deleted=True)
        ph.count_photos(db, consented.id)
        ph.timeline(db, consented.id)
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    photo_queries = [s for s in statements if "photos" in s]
    assert photo_queries
    for statement in photo_queries:
        assert "image" not in statement.replace("image_sha256", "") and "thumbnail" not in statement


# -- the comparison sheet --------------------------------------------------------------

def test_the_sheet_is_in_the_patients_language_and_audited_as_a_disclosure(db, patient, kb):
    from pypdf import PdfReader

    finalize_consultation(db, kb, patient.id, photo_consent=True, language="el")
    before = ph.add_photo(db, patient.id, plain_jpeg(), area="face", view="front",
                          taken_on=A_MONTH_AGO, kb=kb)
    after = ph.add_photo(db, patient.id, plain_jpeg(), area="face", view="front", kb=kb)
    pdf = ph.comparison_sheet(db, kb, before.id, after.id, actor="dr")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Σύγκριση των φωτογραφιών σας" in text and "Πρόσωπο" in text
    event = db.audit.events(limit=1)[0]
    assert (event.action, event.table, event.record_id) == ("photo.sheet", "photos", after.id)
    assert event.details["before"] == str(before.id) and event.actor == "dr"
    english = ph.comparison_sheet(db, kb, before.id, after.id, language="en")
    assert "Your photographs compared" in PdfReader(io.BytesIO(english)).pages[0].extract_text()
    with pytest.raises(InvalidInput) as raised:
        ph.comparison_sheet(db, kb, before.id, after.id, language="fr")
    assert raised.value.field == "--language"


def test_the_sheet_needs_the_consent_and_a_matching_pair(db, patient, kb, tmp_path):
    ph.give_photo_consent(db, patient.id, A_MONTH_AGO)
    front = ph.add_photo(db, patient.id, plain_jpeg(), area="face", view="front",
                         taken_on=A_MONTH_AGO, kb=kb)
    side = ph.add_photo(db, patient.id, plain_jpeg(), area="face", view="side", kb=kb)
    later = ph.add_photo(db, patient.id, plain_jpeg(), area="face", view="front", kb=kb)
    for first, second, words in ((front.id, side.id, "another area or view"),
                                 (front.id, front.id, "two different photographs"),
                                 (later.id, front.id, "earlier one first"),
                                 (front.id, 999, "photograph 999")):
        with pytest.raises(InvalidInput, match=words):
            ph.comparison_sheet(db, kb, first, second)
    path = tmp_path / "sheet.pdf"
    assert ph.write_comparison_sheet(db, kb, front.id, later.id, path) == path
    assert path.read_bytes().startswith(b"%PDF")
    assert db.audit.events(limit=1)[0].details["to"] == str(path.absolute())
    ph.withdraw_photo_consent(db, patient.id)
    ph.give_photo_consent(db, patient.id)
    with pytest.raises(InvalidInput, match="deleted when the photo consent was withdrawn"):
        ph.comparison_sheet(db, kb, front.id, later.id)
