"""The demo clinic: about 30 realistic patients, their consultations and treatment sessions.

The consultations are the bundled examples (``resources/examples/*.json``) given to
patients with names in several scripts; the clinically blocked ones are stored as not
treated, some of the others are finalized with a signed consent (the real PDF), the rest
stay as history. The signed ones get the first sessions of their course that are due by today,
with products and lots (a few lots shared, so a recall finds several patients). Everything
goes through the real repositories and the session checks. ``mesodesk --demo`` shows it;
``mesodesk demo-db`` writes it to a file. No Qt: the signatures are drawn with Pillow.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import math
from pathlib import Path
from typing import Any

from mesodesk.domain.dates import parse_date
from mesodesk.domain.document import parse_consultation
from mesodesk.domain.knowledge import KnowledgeBase
from mesodesk.domain.records import ClinicSettings, NewPatient
from mesodesk.domain.screening import screen
from mesodesk.paths import examples_dir

# name, date of birth, sex, phone
DEMO_PATIENTS: list[tuple[str, str, str, str]] = [
    ("Ελένη Παπαδοπούλου", "1988-04-12", "female", "+30 210 000 0001"),
    ("Claire Dubois", "1979-06-03", "female", "+33 6 12 34 56 78"),
    ("Giorgos Nikolaou", "1969-01-22", "male", "+30 694 000 0002"),
    ("José Álvarez Núñez", "1975-09-30", "male", "+34 600 000 003"),
    ("Anna Kowalska", "1992-02-14", "female", "+48 500 000 004"),
    ("Sofia Rossi", "2010-07-01", "female", "+39 333 000 0005"),
    ("Μαρία Κωνσταντίνου", "1983-11-08", "female", "+30 697 000 0006"),
    ("Ирина Смирнова", "1986-03-19", "female", "+7 916 000 0007"),
    ("Zoë Müller", "1990-12-24", "female", "+49 151 0000008"),
    ("Ana-Lucía Ibáñez", "1981-05-05", "female", "+34 611 000 009"),
    ("Δημήτρης Αλεξίου", "1977-08-15", "male", "+30 698 000 0010"),
    ("Chloé Lefèvre", "1995-01-30", "female", "+33 7 00 00 00 11"),
    ("Ольга Петрова", "1972-10-02", "female", "+7 925 000 0012"),
    ("Małgorzata Wiśniewska", "1984-06-21", "female", "+48 600 000 013"),
    ("Søren Kierkegaard-Holm", "1968-04-29", "male", "+45 20 00 00 14"),
    ("Αικατερίνη Σταύρου", "1991-09-09", "female", "+30 699 000 0015"),
    ("Inês Gonçalves", "1987-02-11", "female", "+351 910 000 016"),
    ("Ayşe Yılmaz", "1980-07-17", "female", "+90 532 000 0017"),
    ("Björn Åkesson", "1974-12-03", "male", "+46 70 000 00 18"),
    ("Νικόλαος Γεωργίου", "1965-03-27", "male", "+30 697 000 0019"),
    ("Noémie Giraud", "1993-08-08", "female", "+33 6 00 00 00 20"),
    ("Татьяна Иванова", "1978-05-14", "female", "+7 903 000 0021"),
    ("Léa Fontaine", "1998-10-25", "female", "+33 6 00 00 00 22"),
    ("Francesca Bianchi", "1985-01-16", "female", "+39 347 000 0023"),
    ("Ιωάννα Δημητρίου", "2009-11-30", "female", "+30 694 000 0024"),
    ("Dorota Zielińska", "1976-04-04", "female", "+48 700 000 025"),
    ("Matthias Größer", "1982-09-12", "male", "+49 160 0000026"),
    ("Σοφία Ζαχαρίου", "1989-06-06", "female", "+30 695 000 0027"),
    ("Carmen Domínguez", "1971-02-28", "female", "+34 622 000 028"),
    ("Анна Кузнецова", "1994-07-22", "female", "+7 926 000 0029"),
    ("Hélène Marchand", "1967-12-12", "female", "+33 6 00 00 00 30"),
]

DEMO_CLINIC = ClinicSettings(
    name="Demo Aesthetic Clinic",
    address="12 Example Street\n10558 Athens",
    practitioner_name="Dr Maria Ioannou",
    practitioner_registration="12345",
)


def _examples() -> list[dict[str, Any]]:
    return [json.loads(path.read_text(encoding="utf-8"))
            for path in sorted(examples_dir().glob("*.json"))]


def templates_for(sex: str | None, examples: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The examples written for a patient of this sex (a man is never given the pregnant
    example); all of them when none is."""
    matching = [data for data in examples if data.get("patient", {}).get("sex") == sex]
    return matching or examples


def signature_png(seed: int) -> str:
    """A hand-drawn-looking scribble (PNG, base64) drawn with Pillow."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (900, 300), (255, 255, 255, 0))
    pen = ImageDraw.Draw(image)
    points = []
    for step in range(120):
        x = 60 + step * 6
        y = 180 - 70 * math.sin(step / (4 + seed % 3)) * math.exp(-step / (90 + seed * 7)) \
            + 25 * math.sin(step / 1.7 + seed)
        points.append((x, y))
    pen.line(points, fill=(13, 42, 107, 255), width=5, joint="curve")
    pen.line([(80, 240), (760, 232)], fill=(13, 42, 107, 255), width=5)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _shift(day: str, days: int) -> str:
    return (parse_date(day) + dt.timedelta(days=days)).isoformat()


def fill_demo_database(db: Any, kb: KnowledgeBase, today: dt.date | None = None,
                       signed: int = 6) -> int:
    """Fill ``db`` with the demo patients and consultations; returns how many consultations."""
    from mesodesk.reports import render_plan  # reportlab: only when the demo is filled

    today = today or dt.date.today()
    db.settings.save(DEMO_CLINIC)
    examples = _examples()
    stored = signed_count = 0
    for number, (name, born, sex, phone) in enumerate(DEMO_PATIENTS):
        patient = db.patients.create(NewPatient(
            name=name, date_of_birth=parse_date(born), sex=sex, phone=phone))
        visits = 1 + (number + 2) % 3
        templates = templates_for(sex, examples)
        for visit in range(visits):
            template = templates[(number + visit) % len(templates)]
            data = json.loads(json.dumps(template))
            original = parse_date(data["date"])
            day = today - dt.timedelta(days=20 + number * 9 + visit * 120)
            delta = (day - original).days
            data["date"] = day.isoformat()
            data["patient"] = {"name": name, "date_of_birth": born, "sex": sex, "phone": phone,
                               "weight_kg": 52 + (number * 7) % 40}
            if parse_date(born) >= day:
                continue
            for course in data.get("courses", []):
                if "start_date" in course:
                    course["start_date"] = _shift(course["start_date"], delta)
            doc = parse_consultation(data, kb, today=today)
            result = screen(doc, kb)
            record = db.consultations.save_draft(patient.id, doc)
            if result.blocked:
                db.consultations.mark_not_treated(record.id, doc)
            elif signed_count < signed and visit == 0 and number % 4 == 0:
                signed_count += 1
                doc = doc.with_changes(signatures={
                    "patient": signature_png(number), "practitioner": signature_png(number + 1),
                    "signed_at": f"{day.isoformat()}T10:{10 + number % 40:02d}:00"})
                pdf = render_plan(doc, screen(doc, kb), kb, clinic=DEMO_CLINIC)
                db.consultations.save_draft(patient.id, doc, consultation_id=record.id)
                db.consultations.finalize_with_consent(record.id, doc, pdf, doc.fingerprint(),
                                                       doc.signatures.signed_at)
                record_demo_sessions(db, kb, record.id, today)
            else:
                db.consultations.finalize(record.id, doc)
            stored += 1
    return stored


# substance -> product, manufacturer, lot, volume (mL), concentration (mg/mL). A few lots
# recur across patients, as in a real clinic, so a recall has something to find.
DEMO_PRODUCTS: dict[str, tuple[str, str, str, float, float | None]] = {
    "lidocaine": ("Lidocaine 2% 5 mL", "Demo Pharma", "LD2291", 2.0, 20),
    "caffeine": ("Caffeine 2.5% 5 mL", "Demo Pharma", "CF0042", 4.0, None),
    "l-carnitine": ("L-Carnitine 20% 5 mL", "Demo Pharma", "LC1187", 3.0, None),
    "rutin": ("Rutin 5 mL", "Demo Pharma", "RT3302", 2.0, None),
    "artichoke-extract": ("Artichoke extract 5 mL", "Herba Demo", "AR0915", 2.0, None),
    "phosphatidylcholine": ("Phosphatidylcholine 5% 5 mL", "Demo Pharma", "PC5521", 4.0, None),
    "deoxycholic-acid": ("Deoxycholic acid 10 mg/mL 2 mL", "Demo Pharma", "DC7734", 2.0, 10),
    "hyaluronic-acid-non-cross-linked": ("Hyaluronic acid 1.5% 3 mL", "Derma Demo", "HA2604",
                                         3.0, None),
    "multivitamins": ("Multivitamin complex 5 mL", "Demo Pharma", "MV4410", 2.0, None),
    "trace-minerals": ("Trace minerals 5 mL", "Demo Pharma", "TM0077", 2.0, None),
    "amino-acids": ("Amino acids 5 mL", "Demo Pharma", "AA8120", 2.0, None),
    "prp": ("PRP kit 10 mL", "Demo Medical", "PRP0309", 4.0, None),
}


def _demo_session(record: Any, concern: str, number: int, day: dt.date,
                  substances: list[str]) -> dict[str, Any]:
    products = []
    for substance in substances:
        name, maker, lot, volume, concentration = DEMO_PRODUCTS.get(
            substance, (substance, "Demo Pharma", "GEN0001", 1.0, None))
        product = {"substance": substance, "product": name, "manufacturer": maker, "lot": lot,
                   "expiry": f"{day.year + 2}-06", "volume_ml": volume}
        if concentration is not None:
            product["concentration_mg_per_ml"] = concentration
        products.append(product)
    events = [{"kind": "bruising", "severity": "mild", "note": "small bruise"}] \
        if number % 3 == 2 else []
    return {"format": "mesodesk.session/1", "consultation": str(record.id), "concern": concern,
            "number": number, "date": day.isoformat(),
            "practitioner": {"name": DEMO_CLINIC.practitioner_name,
                             "registration": DEMO_CLINIC.practitioner_registration},
            "areas": list(record.document.areas[:2]), "products": products,
            "technique": {"depth": "intradermal", "needle": "30G 4 mm", "method": "nappage"},
            "adverse_events": events, "notes": "Tolerated well."}


DEMO_SESSIONS_PER_COURSE = 4  # enough to show a course under way; the demo opens quickly


def record_demo_sessions(db: Any, kb: KnowledgeBase, consultation_id: int, today: dt.date
                         ) -> int:
    """The first sessions of the consultation's course that are due by today (at most
    four), through the session checks; returns how many."""
    from mesodesk.services.sessions import parse_session_text, record_session

    record = db.consultations.get(consultation_id)
    result = screen(record.document, kb, today=record.document.date)
    count = 0
    for course in result.courses:
        substances = [s.id for s in result.selected if s.concern == course.concern]
        if not substances:
            continue
        for planned in course.sessions[:DEMO_SESSIONS_PER_COURSE]:
            if planned.date > today:
                break
            data = _demo_session(record, course.concern, planned.number, planned.date,
                                 substances)
            session = parse_session_text(json.dumps(data))
            record_session(db, kb, session, actor="mesodesk demo", today=today)
            count += 1
    return count


def write_demo_database(path: Path, kb: KnowledgeBase, actor: str = "",
                        unencrypted: bool = False, passphrase: str | None = None
                        ) -> dict[str, int]:
    """Write the demo clinic to a new database file at ``path`` (encrypted like any new
    database, with ``passphrase`` or a key in the key store, unless ``unencrypted``); what
    it holds."""
    from mesodesk.services.errors import store_errors
    from mesodesk.services.records import open_records

    db = open_records(path, passphrase, actor=actor, unencrypted=unencrypted)
    try:
        with store_errors():
            consultations = fill_demo_database(db, kb)
            sessions = sum(row["sessions"] for row in db.sessions.consultation_list())
        return {"patients": len(DEMO_PATIENTS), "consultations": consultations,
                "sessions": sessions}
    finally:
        db.close()
