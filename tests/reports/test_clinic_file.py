"""``mesodesk plan FILE.json --clinic-file CLINIC``: the clinic on a plan made from the
command line (issue 12, item 6), and a clinic file that is wrong named by its field."""

from __future__ import annotations

import json

import pytest

from mesodesk.cli import main
from tests.conftest import example
from tests.reports.pdfcheck import one_line, page_texts

CLINIC = {"name": "Ιατρείο Ερμού & <Co>", "address": "12 Odos Ermou\n105 63 Athens",
          "phone": "+30 210 123 4567", "jurisdiction": "US", "member_state": ""}


@pytest.fixture
def document(tmp_path):
    path = tmp_path / "consultation.json"
    path.write_text(json.dumps(example("localized-fat-soy.json")), encoding="utf-8")
    return path


@pytest.mark.parametrize("suffix", [".json", ".toml"])
def test_the_clinic_file_is_on_every_page(document, tmp_path, capsys, suffix):
    clinic = tmp_path / f"clinic{suffix}"
    if suffix == ".json":
        clinic.write_text(json.dumps(CLINIC, ensure_ascii=False), encoding="utf-8")
    else:
        clinic.write_text('name = "Ιατρείο Ερμού & <Co>"\naddress = """12 Odos Ermou\n105 63 Athens"""\n'
                          'phone = "+30 210 123 4567"\njurisdiction = "US"\n', encoding="utf-8")
    out = tmp_path / "plan.pdf"
    assert main(["plan", str(document), "--out", str(out), "--clinic-file", str(clinic)]) == 0
    pages = page_texts(out.read_bytes())
    for number, page in enumerate(pages, start=1):
        flat = one_line(page)
        assert "Ιατρείο Ερμού & <Co>" in flat and "+30 210 123 4567" in flat, number
        assert "105 63 Athens" in flat, number
    text = one_line("\n".join(pages))
    assert "Food and Drug Administration (FDA)" in text  # the file's jurisdiction
    assert "contact us (Ιατρείο Ερμού & <Co>, 12 Odos Ermou, 105 63 Athens, phone +30 210 123 4567)" in text


@pytest.mark.parametrize("content, named", [
    ('{"name": "X", "fax": "1"}', "fax: unknown field"),
    ('{"name": 5}', "name: must be text"),
    ('{"jurisdiction": "FR"}', "jurisdiction: 'FR' must be EU, US or UK"),
    ('{"jurisdiction": "EU", "member_state": "Greece"}', "member_state: must be a two-letter"),
    ('{"phone": "' + "1" * 300 + '"}', "phone: must be one line"),
    ('["name"]', "must be an object"),
    ("{not json", "not valid JSON"),
])
def test_a_wrong_clinic_file_is_named_and_nothing_is_written(document, tmp_path, capsys,
                                                              content, named):
    clinic = tmp_path / "clinic.json"
    clinic.write_text(content, encoding="utf-8")
    out = tmp_path / "plan.pdf"
    assert main(["plan", str(document), "--out", str(out), "--clinic-file", str(clinic)]) == 2
    err = capsys.readouterr().err
    assert "--clinic-file" in err and named in err
    assert not out.exists()


def test_a_missing_or_huge_clinic_file_is_refused(document, tmp_path, capsys):
    out = tmp_path / "plan.pdf"
    assert main(["plan", str(document), "--out", str(out), "--clinic-file",
                 str(tmp_path / "none.json")]) == 2
    assert "no such clinic file" in capsys.readouterr().err
    huge = tmp_path / "huge.json"
    huge.write_text('{"name": "' + "x" * 70_000 + '"}', encoding="utf-8")
    assert main(["plan", str(document), "--out", str(out), "--clinic-file", str(huge)]) == 2
    assert "is 69 KB; a clinic file is at most 64 KB" in capsys.readouterr().err
    assert not out.exists()
