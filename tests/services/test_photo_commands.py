"""The photograph commands end to end: photo add, list (--json), consent, sheet; exit codes
0/2/3 and the messages that name what was wrong."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from PIL import Image
from pypdf import PdfReader

from mesodesk.cli import main
from mesodesk.domain.records import ClinicSettings, NewPatient
from mesodesk.services.records import open_records
from tests.services.photo_helpers import camera_jpeg, plain_jpeg

TODAY = dt.date.today()


@pytest.fixture
def clinic(tmp_path):
    path = tmp_path / "clinic.db"
    db = open_records(path, unencrypted=True)
    try:
        db.settings.save(ClinicSettings(name="Κλινική <b>&", address="12 Example Street",
                                        phone="+30 210 111 2222"))
        db.patients.create(NewPatient(name="Ελένη Παπαδοπούλου",
                                      date_of_birth=dt.date(1988, 4, 12)))
    finally:
        db.close()
    return path


@pytest.fixture
def cli(clinic, capsys):
    def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main([*args, "--db", str(clinic)])
        out, err = capsys.readouterr()
        return code, out, err
    return run


@pytest.fixture
def files(tmp_path):
    paths = []
    for number, data in enumerate((camera_jpeg(), plain_jpeg())):
        path = tmp_path / f"photo-{number}.jpg"
        path.write_bytes(data)
        paths.append(str(path))
    return paths


def test_add_without_consent_exits_3_and_adds_nothing(cli, files):
    code, out, err = cli("photo", "add", "1", files[0], "--area", "face", "--view", "front")
    assert code == 3 and "photo consent" in err and "nothing was added" in err
    code, out, _ = cli("photo", "list", "1", "--json")
    assert code == 0 and json.loads(out)["photos"] == []


def test_consent_add_list_and_withdraw(cli, files, clinic):
    code, out, _ = cli("photo", "consent", "1", "give", "--date",
                       (TODAY - dt.timedelta(days=9)).isoformat())
    assert code == 0 and "given on" in out
    code, out, err = cli("photo", "add", "1", *files, "--area", "face", "--view", "front",
                         "--taken", (TODAY - dt.timedelta(days=8)).isoformat())
    assert code == 0, err
    ids = out.split("\n")[-2].split()
    assert len(ids) == 2 and "without its metadata" in out
    code, out, _ = cli("photo", "list", "1", "--json")
    listing = json.loads(out)
    assert listing["consent_in_force"] is True
    assert [p["id"] for p in listing["photos"]] == [int(i) for i in ids]
    assert listing["photos"][0]["height"] == 2400 and listing["photos"][0]["session"] is None
    code, out, _ = cli("photo", "list", "1")
    assert code == 0 and "in force since" in out and "face" in out

    code, out, err = cli("photo", "consent", "1", "withdraw")  # no terminal, no --yes
    assert code == 2 and "not withdrawn" in err and "--yes" in err
    code, out, err = cli("photo", "consent", "1", "withdraw", "--yes")
    assert code == 0 and "deleted the image data of 2 photographs" in out
    code, out, _ = cli("photo", "list", "1", "--json")
    assert json.loads(out)["photos"] == [] and json.loads(out)["consent_in_force"] is False
    code, out, _ = cli("photo", "consent", "1")
    assert code == 0 and "not in force" in out and "withdrawn" in out


@pytest.mark.parametrize("args, words", [
    (("photo", "add", "1", "FILE", "--area", "elbow", "--view", "front"), "area: 'elbow'"),
    (("photo", "add", "1", "FILE", "--area", "face", "--view", "front", "--session", "77"),
     "session: 77"),
    (("photo", "add", "1", "FILE", "--area", "face", "--view", "front", "--taken", "32/13/2026"),
     "--taken"),
    (("photo", "add", "x", "FILE", "--area", "face", "--view", "front"), "'x'"),
    (("photo", "add", "9", "FILE", "--area", "face", "--view", "front"), "patient 9"),
    (("photo", "consent", "1", "give", "--date", "2999-01-01"), "in the future"),
    (("photo", "consent", "1", "withdraw", "--yes"), "no photo consent in force"),
    (("photo", "sheet", "1", "2", "--out", "OUT"), "photograph 1"),
])
def test_invalid_input_exits_2_naming_it(cli, files, tmp_path, args, words):
    if args[1] != "consent":
        cli("photo", "consent", "1", "give")  # so the input, not the consent, is what stops it
    args = tuple(files[1] if a == "FILE" else str(tmp_path / "s.pdf") if a == "OUT" else a
                 for a in args)
    code, out, err = cli(*args)
    assert code == 2, (out, err)
    assert words in err


def test_a_file_that_is_not_an_image_is_named_and_the_ones_before_it_kept(cli, files, tmp_path):
    cli("photo", "consent", "1", "give")
    text = tmp_path / "notes <b>&.txt"
    text.write_text("not a photo 😀", encoding="utf-8")
    code, out, err = cli("photo", "add", "1", files[1], str(text), "--area", "face",
                         "--view", "side")
    assert code == 2 and str(text) in err and "added before it: 1" in err


def test_the_sheet_is_written_and_reads_back_in_greek(cli, files, tmp_path):
    cli("photo", "consent", "1", "give", "--date", (TODAY - dt.timedelta(days=9)).isoformat())
    cli("photo", "add", "1", files[0], "--area", "face", "--view", "front", "--taken",
        (TODAY - dt.timedelta(days=8)).isoformat())
    cli("photo", "add", "1", files[1], "--area", "face", "--view", "front")
    out_file = tmp_path / "σύγκριση.pdf"
    code, out, err = cli("photo", "sheet", "1", "2", "--out", str(out_file), "--language", "el")
    assert code == 0, err
    text = "".join(page.extract_text() for page in PdfReader(out_file).pages)
    assert "Ελένη Παπαδοπούλου" in text and "Πρόσωπο" in text
    code, out, err = cli("photo", "sheet", "2", "1", "--out", str(out_file))
    assert code == 2 and "earlier one first" in err
    cli("photo", "consent", "1", "withdraw", "--yes")
    code, out, err = cli("photo", "sheet", "1", "2", "--out", str(tmp_path / "again.pdf"))
    assert code == 2 and "deleted" in err and not (tmp_path / "again.pdf").exists()


def test_the_stored_image_from_the_command_line_has_no_gps(cli, files, clinic):
    from mesodesk.services import photos as ph

    cli("photo", "consent", "1", "give")
    code, out, err = cli("photo", "add", "1", files[0], "--area", "face", "--view", "front")
    assert code == 0, err
    db = open_records(clinic)
    try:
        stored = ph.image_bytes(db, int(out.split()[-1]))
    finally:
        db.close()
    image = Image.open(io.BytesIO(stored))
    assert len(image.getexif()) == 0 and b"GPS" not in stored
