"""Bulk intake of volunteers (issue 16): files written by real programs (LibreOffice headless,
see tests/imports/data/make_files.py), VEF samples, the pages, the batch and its undo, the CLI.
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from aljisr.audit import AuditEvent
from aljisr.imports import reading
from aljisr.imports.mapping import automatic_mapping
from aljisr.imports.models import ImportBatch, ImportMapping
from aljisr.imports.values import detect_date_order, parse_country, parse_level
from aljisr.volunteers.models import LanguageLevel, Volunteer
from tests.support import factories
from tests.support.imports import new_batch_id, upload_file, volunteer_count

DATA = Path(__file__).parent / "data"
MAX = 20 * 1024 * 1024

SPREADSHEETS = [
    ("volunteers-utf8-bom.csv", "utf-8-sig", ","),
    ("volunteers-cp1252-semicolon.csv", None, ";"),
    ("volunteers-utf16-tab.tsv", "utf-16", "\t"),
    ("volunteers-libreoffice.xlsx", None, None),
    ("volunteers-libreoffice.ods", None, None),
]


def _read(name: str, **kw):
    return reading.read_table(name, (DATA / name).read_bytes(), max_bytes=MAX, **kw)


# --- reading ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "encoding", "delimiter"), SPREADSHEETS)
def test_files_written_by_libreoffice_read_alike(app, name, encoding, delimiter):
    table = _read(name)
    assert table.headers[:3] == ["Prénom", "Nom", "Courriel"]
    assert [row[1] for row in table.rows] == ["Fontaine", "Weiß", "Pérez", "Martin"]
    assert table.rows[0][8] == "Arrive en train\nle 3 juillet"  # a quoted line break
    assert table.row_numbers == [2, 3, 4, 5]  # as a spreadsheet shows them, line breaks or not
    if encoding:
        assert table.encoding == encoding
    if delimiter:
        assert table.delimiter == delimiter


def test_windows_1252_is_detected_not_guessed_as_utf8(app):
    table = _read("volunteers-cp1252-semicolon.csv")
    assert table.encoding.replace("_", "").lower() in {"cp1252", "windows1252", "latin1",
                                                       "iso88591"}
    assert table.rows[1][0] == "Jürgen"


def test_a_wrong_delimiter_lands_every_row_in_one_column(app):
    with pytest.raises(reading.ReadError, match="lands in one column"):
        _read("volunteers-cp1252-semicolon.csv", delimiter="|")


@pytest.mark.parametrize(("name", "data", "message"), [
    ("photo.png", b"\x89PNG....", "not a file we can read"),
    ("empty.csv", b"  \n", "is empty"),
    ("header.csv", "Prénom;Nom\n".encode(), "header row but no volunteer"),
    ("broken.xlsx", b"PK\x03\x04 not really a workbook", "not a readable XLSX"),
])
def test_bad_files_are_refused_by_name(app, name, data, message):
    with pytest.raises(reading.ReadError, match=message) as caught:
        reading.read_table(name, data, max_bytes=MAX)
    assert name in caught.value.message


def test_a_file_over_the_limit_is_refused(app):
    with pytest.raises(reading.ReadError, match="too large"):
        reading.read_table("big.csv", b"a,b\n" * 1000, max_bytes=1000)


def test_formulas_take_the_computed_value_or_are_refused(app):
    computed = _read("formulas-libreoffice.xlsx")
    assert [row[2] for row in computed.rows] == ["Omar Haddad", "Sara Lind"]
    assert any("C2" in note for note in computed.notes)
    uncomputed = _read("formulas-uncalculated.xlsx")
    assert uncomputed.cell_errors[(0, 2)].startswith("Cell C2 holds a formula with no")


def test_ods_formulas_take_the_computed_value_or_are_refused(app, as_role):
    """LibreOffice's ODS keeps what each formula computed (noted, taken); the same file
    without those values (as a program with no calculation engine writes it) is refused at
    the formula's cells, in the preview too."""
    computed = _read("formulas-libreoffice.ods")
    assert [row[2] for row in computed.rows] == ["Omar Haddad", "Sara Lind"]
    assert [note for note in computed.notes if "formula" in note] == [
        "Cell C2 holds a formula: its computed value was taken.",
        "Cell C3 holds a formula: its computed value was taken."]
    assert computed.cell_errors == {}
    uncomputed = _read("formulas-uncalculated.ods")
    assert sorted(uncomputed.cell_errors) == [(0, 2), (1, 2)]
    assert uncomputed.cell_errors[(1, 2)] == (
        "Cell C3 holds a formula with no computed value: type the value itself.")
    client, _user = as_role("coordinator")
    batch_id = new_batch_id(upload_file(client, "formulas-uncalculated.ods"))
    text = client.get(f"/imports/{batch_id}/preview").get_data(as_text=True)
    assert "Cell C2 holds a formula with no computed value" in text
    assert "0 rows can be imported" in text


def test_vef_one_and_many_records(app):
    one = _read("vef-one.xml")
    assert len(one.rows) == 1 and one.rows[0][one.headers.index("nationality")] == "POL"
    many = _read("vef-many.xml")
    assert [row[many.headers.index("lastname")] for row in many.rows] == ["Janssen", "Girard"]


def test_vef_external_entity_is_never_resolved(app):
    with pytest.raises(reading.ReadError, match="entity") as caught:
        _read("vef-external-entity.xml")
    assert "root:" not in caught.value.message


def test_vef_not_well_formed_names_the_line(app):
    with pytest.raises(reading.ReadError, match="not well-formed XML .line 5"):
        _read("vef-broken.xml")


# --- mapping and values --------------------------------------------------------------------------


def test_headers_are_mapped_in_five_languages_whatever_accents_and_case():
    assert automatic_mapping(["PRENOM", "apellidos", "E-Mail-Adresse", "تاريخ الازدياد",
                              "Nationalité"]) == [
        "first_name", "last_name", "email", "date_of_birth", "nationality"]
    assert automatic_mapping(["Nom", "Notes"], {"nom": "full_name"}) == ["full_name", "notes"]


def test_date_order_is_detected_or_asked():
    assert detect_date_order(["03/04/2001", "25/12/1999"]) == "dmy"
    assert detect_date_order(["12/25/1999", "03/04/2001"]) == "mdy"
    assert detect_date_order(["03/04/2001", "05/06/2002"]) is None


def test_countries_and_levels_by_name_or_code(app):
    assert [parse_country(v) for v in ("NLD", "Allemagne", "المغرب", "España", "fr")] == [
        "NL", "DE", "MA", "ES", "FR"]
    assert parse_level("langue maternelle") is LanguageLevel.NATIVE
    assert parse_level("b2") is LanguageLevel.B2


# --- pages -----------------------------------------------------------------------------------


def test_upload_map_preview_commit_and_undo(as_role, db):
    client, _user = as_role("coordinator")
    sender = factories.organisation(name="Concordia")
    existing = factories.volunteer(full_name="Ana Pérez", email="ANA.PEREZ@example.es",
                                   nationality="ES")
    db.session.commit()
    batch_id = new_batch_id(upload_file(client, "volunteers-cp1252-semicolon.csv",
                                 organisation=sender.id))
    page = client.get(f"/imports/{batch_id}/options")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Courriel" in text and 'selected value="email"' in text

    preview = client.get(f"/imports/{batch_id}/preview")
    text = preview.get_data(as_text=True)
    assert "3 rows can be imported; 1 row has errors and will be left out." in text
    assert "Row 5, column C · E-mail" in text and "Row 5, column D · Date of birth" in text
    assert "Looks like" in text and "same e-mail" in text

    before = volunteer_count(db)
    done = client.post(f"/imports/{batch_id}/preview", data={"choice-4": "update"})
    assert done.status_code == 302, done.get_data(as_text=True)[:3000]
    assert volunteer_count(db) == before + 2
    lea = db.session.scalar(sa.select(Volunteer)
                            .where(Volunteer.email == "lea.fontaine@example.org"))
    assert lea.full_name == "Léa Fontaine" and lea.date_of_birth == date(1998, 3, 25)
    assert lea.nationality == "FR" and lea.phone == "+33 6 12 34 56 78"
    assert lea.language_levels() == {"fr": LanguageLevel.NATIVE}
    assert lea.sending_organisation_id == sender.id
    assert lea.notes == "Arrive en train\nle 3 juillet"
    db.session.refresh(existing)
    assert existing.date_of_birth == date(1999, 7, 13)  # updated from the file
    batch = db.session.get(ImportBatch, batch_id)
    assert batch.counts.pop("left_out")[-1][1] == "invalid"  # named on the page
    assert batch.counts == {"created": 2, "updated": 1, "skipped": 0, "invalid": 1}
    assert batch.content is None
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "import.commit"))
    assert event.details["file_name"] == "volunteers-cp1252-semicolon.csv"
    assert db.session.get(ImportMapping, sender.id).columns["courriel"] == "email"

    listed = client.get(f"/imports/{batch_id}").get_data(as_text=True)
    assert "Léa Fontaine" in listed and "Undo this import" in listed

    # the same file again changes nothing
    again = new_batch_id(upload_file(client, "volunteers-cp1252-semicolon.csv",
                                     organisation=sender.id))
    assert "already imported" in client.get(f"/imports/{again}/preview").get_data(as_text=True)
    assert client.post(f"/imports/{again}/preview").status_code == 302
    assert volunteer_count(db) == before + 2
    assert db.session.get(ImportBatch, again).counts["created"] == 0

    # undo: the volunteers it added go, the updated one gets its old values back
    undo = client.post(f"/imports/{batch_id}/undo")
    assert undo.status_code == 302
    assert volunteer_count(db) == before
    db.session.refresh(existing)
    assert existing.date_of_birth is None
    assert db.session.get(ImportBatch, batch_id).status == "undone"
    undone = client.get(f"/imports/{batch_id}").get_data(as_text=True)
    assert "Léa Fontaine" in undone and "Added, then removed by the undo" in undone
    assert "Updated, then restored by the undo" in undone


def test_undo_is_refused_once_a_placement_depends_on_an_imported_volunteer(as_role, db):
    client, _user = as_role("coordinator")
    batch_id = new_batch_id(upload_file(client, "vef-many.xml"))
    assert client.post(f"/imports/{batch_id}/preview").status_code == 302
    tom = db.session.scalar(sa.select(Volunteer)
                            .where(Volunteer.email == "tom.janssen@example.nl"))
    assert tom.nationality == "NL" and tom.phone == "+31 6 12345678"
    factories.placement(volunteer=tom)
    db.session.commit()
    client.post(f"/imports/{batch_id}/undo")
    assert db.session.get(ImportBatch, batch_id).status == "committed"
    assert db.session.get(Volunteer, tom.id) is not None


def test_duplicates_inside_the_file_are_skipped_by_default(as_role, db):
    client, _user = as_role("coordinator")
    data = (b"Name,Email\nRim Alaoui,rim@example.org\nRIM ALAOUI,Rim@Example.org\n")
    batch_id = new_batch_id(upload_file(client, "twice.csv", data))
    text = client.get(f"/imports/{batch_id}/preview").get_data(as_text=True)
    assert "Same person as row 2 of this file." in text
    assert 'value="create"' not in text.split('id="row-3"')[1]  # same e-mail: no second one
    assert client.post(f"/imports/{batch_id}/preview").status_code == 302
    assert db.session.get(ImportBatch, batch_id).counts["created"] == 1


def test_ambiguous_dates_are_asked_and_the_choice_is_kept(as_role, db):
    client, _user = as_role("coordinator")
    data = b"Name,Date of birth\nNoa Ben,03/04/2001\nIdo Ben,05/06/2002\n"
    batch_id = new_batch_id(upload_file(client, "dates.csv", data))
    preview = client.get(f"/imports/{batch_id}/preview")
    assert "could not tell whether the day or the month" in preview.get_data(as_text=True)
    assert client.post(f"/imports/{batch_id}/preview").status_code == 422
    chosen = client.post(f"/imports/{batch_id}/options", data={
        "encoding": "utf-8", "delimiter": ",", "date_order": "mdy",
        "targets-0": "full_name", "targets-1": "date_of_birth"})
    assert chosen.status_code == 302
    assert client.post(f"/imports/{batch_id}/preview").status_code == 302
    noa = db.session.scalar(sa.select(Volunteer).where(Volunteer.full_name == "Noa Ben"))
    assert noa.date_of_birth == date(2001, 3, 4)


def test_bad_upload_and_bad_mapping_answer_422(as_role, db):
    client, _user = as_role("coordinator")
    refused = upload_file(client, "empty.csv", b"")
    assert refused.status_code == 422 and "is empty" in refused.get_data(as_text=True)
    entity = upload_file(client, "vef-external-entity.xml")
    assert entity.status_code == 422 and "entity" in entity.get_data(as_text=True)
    app = client.application
    app.config["IMPORT_MAX_BYTES"] = 2**18  # small: the test client spools larger bodies
    big = upload_file(client, "big.csv", b"Name,Email\n" + b"A B,a@example.org\n" * 20_000)
    assert big.status_code == 422
    png = upload_file(client, "bin.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe")
    assert png.status_code == 422
    assert "bin.csv is not a spreadsheet or a text file" in png.get_data(as_text=True)
    assert "big.csv is too large (0.3 MB); the limit is 0.25 MB." in big.get_data(as_text=True)
    batch_id = new_batch_id(upload_file(client, "dates.csv", b"Name,Email\nA B,a@example.org\n"))
    twice = client.post(f"/imports/{batch_id}/options", data={
        "encoding": "utf-8", "delimiter": ",", "date_order": "",
        "targets-0": "email", "targets-1": "email"})
    assert twice.status_code == 422
    assert "is chosen for two columns" in twice.get_data(as_text=True)


def test_a_sending_partner_sends_a_list_that_waits_for_a_coordinator(as_role, db):
    partner, partner_user = as_role("sending")
    sent = partner.post("/partner/imports", data={
        "file": (io.BytesIO((DATA / "vef-many.xml").read_bytes()), "vef-many.xml")},
        content_type="multipart/form-data")
    assert sent.status_code == 302
    assert volunteer_count(db) == 0  # nothing added before a coordinator checks it
    batch = db.session.scalar(sa.select(ImportBatch))
    assert (batch.status, batch.organisation_id) == ("pending", partner_user.organisation_id)
    assert "Waiting to be checked" in partner.get("/partner/imports").get_data(as_text=True)
    coordinators_own = new_batch_id(upload_file(as_role("coordinator")[0], "coordinator-list.csv",
                                         b"Name,Email\nA B,a@example.org\n"))
    db.session.get(ImportBatch, coordinators_own).organisation_id = partner_user.organisation_id
    db.session.commit()
    # a coordinator's import for the organisation is not a list the partner sent
    assert "coordinator-list.csv" not in partner.get("/partner/imports").get_data(as_text=True)
    assert partner.get(f"/imports/{batch.id}/preview").status_code == 403

    coordinator, _user = as_role("coordinator")
    listed = coordinator.get("/imports/").get_data(as_text=True)
    assert "sent by the partner" in listed
    assert coordinator.post(f"/imports/{batch.id}/preview").status_code == 302
    assert volunteer_count(db) == 2
    tom = db.session.scalar(sa.select(Volunteer).where(Volunteer.full_name == "Tom Janssen"))
    assert tom.sending_organisation_id == partner_user.organisation_id
    assert "Imported" in partner.get("/partner/imports").get_data(as_text=True)
    refused = partner.post("/partner/imports", data={
        "file": (io.BytesIO(b"\x89PNG"), "photo.png")}, content_type="multipart/form-data")
    assert refused.status_code == 422 and "photo.png is not a file we can read" in (
        refused.get_data(as_text=True))


# --- command line ----------------------------------------------------------------------------


def test_cli_dry_run_then_import(app, db):
    runner = app.test_cli_runner()
    path = str(DATA / "volunteers-utf16-tab.tsv")
    dry = runner.invoke(args=["volunteers", "import", path, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "row 2: would create Léa Fontaine" in dry.output
    assert "row 5: error:" in dry.output
    assert volunteer_count(db) == 0
    done = runner.invoke(args=["volunteers", "import", path])
    assert done.exit_code == 0, done.output
    assert "3 created" in done.output and volunteer_count(db) == 3
    again = runner.invoke(args=["volunteers", "import", path])
    assert "0 created" in again.output and volunteer_count(db) == 3


@pytest.mark.parametrize("name", [name for name, _e, _d in SPREADSHEETS])
def test_cli_dry_run_reads_every_format_alike(app, db, name):
    result = app.test_cli_runner().invoke(args=["volunteers", "import", str(DATA / name),
                                                "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "row 3: would create Jürgen Weiß" in result.output
    assert "3 valid row(s), 1 with errors" in result.output
    assert "Z9" in result.output  # the level is checked even when the language is unknown


def test_a_vef_record_lands_in_the_volunteer_fields(app, db):
    result = app.test_cli_runner().invoke(args=["volunteers", "import",
                                                str(DATA / "vef-one.xml")])
    assert result.exit_code == 0, result.output
    marta = db.session.scalar(sa.select(Volunteer))
    assert (marta.full_name, marta.nationality, marta.date_of_birth) == (
        "Marta Kowalska", "PL", date(2001, 5, 17))
    assert marta.phone == "+48 512 345 678"  # region from the nationality
    assert marta.language_levels() == {"pl": LanguageLevel.NATIVE, "en": LanguageLevel.B2}
    assert marta.health_notes == "vegetarian"
    assert "experience: Two workcamps in Spain" in marta.notes
    assert marta.emergency_contact_name == "Jan Kowalski +48 600 700 800"


def test_cli_exits_non_zero_when_nothing_is_valid(app, db, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("Name,Email\n,not-an-address\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["volunteers", "import", str(bad)])
    assert result.exit_code == 1
    assert "No valid row" in result.output


# --- export in the import's columns, and back ---------------------------------------------------


def _register(db):
    sender = factories.organisation(name="Concordia")
    factories.volunteer(sender, {"fr": "native", "en": "B2", "ar": "A1", "es": "C1"},
                        full_name="Léa Fontaine", name_ar="ليا فونتين",
                        phone="+33 6 12 34 56 78", date_of_birth=date(1998, 3, 25),
                        skills=["painting", "first aid"], available_from=date(2027, 7, 1),
                        available_to=date(2027, 8, 31), emergency_contact_name="Marc Fontaine",
                        emergency_contact_phone="+33 6 98 76 54 32", dietary_notes="vegetarian",
                        health_notes="asthma", notes="Arrives by train\nfrom Tangier")
    factories.volunteer(full_name="=HYPERLINK(\"http://x\")", email=None,
                        date_of_birth=date(2001, 1, 2), nationality="FR")
    factories.volunteer(full_name="Noor Haddad", nationality="JO", email="noor@example.org")
    db.session.commit()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_back_changes_nothing(as_role, db, fmt):
    from aljisr.imports.exports import row_values

    client, _user = as_role("coordinator")
    _register(db)
    before = {v.id: row_values(v) for v in db.session.scalars(sa.select(Volunteer))}
    exported = client.get(f"/volunteers/export.{fmt}?nationality=FR")
    assert exported.status_code == 200
    data = exported.get_data()
    if fmt == "csv":
        assert data.startswith(b"\xef\xbb\xbf")
        assert "'=HYPERLINK" in data.decode("utf-8-sig")  # neutralised
        assert "Noor" not in data.decode("utf-8-sig")  # filtered out (Jordan)
    table = reading.read_table(f"volunteers.{fmt}", data, max_bytes=MAX)
    assert automatic_mapping(table.headers)[:8] == [
        "full_name", "name_ar", "email", "phone", "date_of_birth", "nationality",
        "language_1", "level_1"]

    batch_id = new_batch_id(upload_file(client, f"volunteers.{fmt}", data))
    preview = client.get(f"/imports/{batch_id}/preview").get_data(as_text=True)
    assert "2 rows can be imported; 0 rows have errors" in preview
    done = client.post(f"/imports/{batch_id}/preview",
                       data={"choice-2": "update", "choice-3": "update"})
    assert done.status_code == 302, done.get_data(as_text=True)[:3000]
    batch = db.session.get(ImportBatch, batch_id)
    assert [reason for _n, reason, _r in batch.counts.pop("left_out")] == ["unchanged"] * 2
    assert batch.counts == {"created": 0, "updated": 0, "skipped": 2, "invalid": 0}
    db.session.expire_all()
    assert {v.id: row_values(v) for v in db.session.scalars(sa.select(Volunteer))} == before


def test_cells_merged_across_rows_are_refused_by_cell(app, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Name", "Email", "Country"])
    sheet.append(["Ana Pérez", "ana@example.org", "Spain"])
    sheet.append(["Tom Janssen", "tom@example.org", None])
    sheet.merge_cells("C2:C3")
    book.save(tmp_path / "merged.xlsx")
    table = reading.read_table(
        "merged.xlsx", (tmp_path / "merged.xlsx").read_bytes(), max_bytes=MAX)
    assert table.cell_errors == {
        (1, 2): "Cell C3 is merged with C2: unmerge the cells and fill in each row."}


def test_the_mapping_page_isolates_each_file_value(as_role, db):
    """Arabic at 390 px showed "Lefèvre · Müller · Dupont" reversed and e-mails split: each
    value is its own isolate (an e-mail left to right), cut with an ellipsis, words whole."""
    client, _user = as_role("coordinator")
    batch_id = new_batch_id(upload_file(client, "names.csv",
                                 "Nom,Courriel\nLefèvre,l.lefevre@example.org\nMüller,m@x.de\n"
                                 .encode()))
    text = client.get(f"/imports/{batch_id}/options").get_data(as_text=True)
    assert '<bdi class="import-value" dir="auto" title="Lefèvre">Lefèvre</bdi> · ' in text
    assert ('<bdi class="import-value" dir="ltr" title="l.lefevre@example.org">'
            'l.lefevre@example.org</bdi>') in text
    assert 'table-whole-words" id="mapping-table"' in text
    preview = client.get(f"/imports/{batch_id}/preview").get_data(as_text=True)
    assert 'table-whole-words" id="preview-table"' in preview


def test_a_cell_no_database_can_store_is_an_error_beside_it(as_role, db):
    """A NUL in a cell (a UTF-16 file can hold one): the preview names the cell and why, with
    U+FFFD in its place (never the NUL), and the row is left out, as a form refuses it (issue
    12), instead of "Ready" in the preview and a row "with errors" without a reason after."""
    client, _user = as_role("coordinator")
    db.session.commit()
    text = ("Full name,E-mail,Nationality\r\nZo\x00é Nulle,zoe@example.org,FR\r\n"
            "Léa Fontaine,lea@example.org,FR\r\n")
    batch_id = new_batch_id(upload_file(client, "volunteers.csv", text.encode("utf-16")))
    preview = client.get(f"/imports/{batch_id}/preview")
    html = preview.get_data(as_text=True)
    assert "1 row can be imported; 1 row has errors and will be left out." in html
    assert "Row 2, column A · Full name" in html
    assert "invisible character that cannot be saved" in html
    assert "Zo\ufffdé Nulle" in html and "\x00" not in html
    assert client.post(f"/imports/{batch_id}/preview").status_code == 302
    names = set(db.session.scalars(sa.select(Volunteer.full_name)))
    assert "Léa Fontaine" in names and not any("Zo" in name for name in names)
