"""Test photographs made with Pillow: a camera's JPEG with GPS, orientation, a date taken,
an ICC profile, XMP and a comment, and the consultation that gives the photo consent."""

from __future__ import annotations

import datetime as dt
import io

from PIL import ExifTags, Image, ImageCms

SKIN = (196, 150, 132)
MARKER = (20, 40, 230)  # the stored image's top-left quarter
SECRETS = (b"TestCam", b"secret comment", b"adobe:ns:meta", b"GPS")
CAMERA_DAY = dt.date.today() - dt.timedelta(days=20)  # the day the test camera took it


def camera_jpeg(size: tuple[int, int] = (3200, 2000), orientation: int = 6,
                taken: str | None = CAMERA_DAY.strftime("%Y:%m:%d 10:30:00")) -> bytes:
    """A JPEG as a phone writes it: stored landscape with orientation 6 (shown turned
    90° clockwise), with GPS tags, the camera's make, its date, a profile, XMP, a comment."""
    image = Image.new("RGB", size, SKIN)
    image.paste(MARKER, (0, 0, size[0] // 4, size[1] // 4))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "TestCam"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (37.0, 58.0, 12.0),
        ExifTags.GPS.GPSLongitudeRef: "E", ExifTags.GPS.GPSLongitude: (23.0, 43.0, 5.0)}
    if taken:
        exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = taken
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), icc_profile=profile, comment=b"secret comment",
               xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/">GPS secret</x:xmpmeta>')
    return out.getvalue()


def plain_jpeg(size: tuple[int, int] = (800, 600), colour=SKIN) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG")
    return out.getvalue()


def png_with_alpha(size: tuple[int, int] = (400, 300)) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", size, (255, 0, 0, 0)).save(out, "PNG")
    return out.getvalue()


def consultation_doc(photo_consent: bool, language: str = "en") -> dict:
    today = dt.date.today()
    return {
        "format": "mesodesk.consultation/2", "date": (today - dt.timedelta(days=30)).isoformat(),
        "patient": {"name": "Ελένη Παπαδοπούλου", "date_of_birth": "1988-04-12",
                    "weight_kg": 64},
        "concerns": ["cellulite"], "areas": ["thighs"],
        "substances": ["caffeine", "l-carnitine"],
        "courses": [{"concern": "cellulite", "sessions": 6, "interval_days": 7,
                     "start_date": (today - dt.timedelta(days=21)).isoformat()}],
        "history_reviewed": True, "language": language, "photo_consent": photo_consent,
    }


def finalize_consultation(db, kb, patient_id: int, photo_consent: bool, language: str = "en"):
    from mesodesk.domain.document import parse_consultation

    doc = parse_consultation(consultation_doc(photo_consent, language), kb)
    draft = db.consultations.save_draft(patient_id, doc)
    return db.consultations.finalize(draft.id, doc)


def noise_jpeg(size: tuple[int, int] = (600, 400), seed: int = 16) -> bytes:
    """Random noise: bytes that occur nowhere else in a database file."""
    import random

    pixels = random.Random(seed).randbytes(size[0] * size[1] * 3)
    out = io.BytesIO()
    Image.frombytes("RGB", size, pixels).save(out, "JPEG", quality=90)
    return out.getvalue()
