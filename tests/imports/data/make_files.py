"""Make the import test files with LibreOffice, as a partner's spreadsheet program would.

Run from this folder: ``python make_files.py`` (needs openpyxl and ``soffice``). The source is
an XLSX built with openpyxl; LibreOffice (headless) saves it as XLSX, ODS and the CSV variants
partners send: UTF-8 (a BOM added, as Excel's "CSV UTF-8" writes it), Windows-1252 with ';'
(French Excel) and UTF-16 with tabs (Excel's "Unicode text").
"""

import shutil
import subprocess
import tempfile
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
HEADERS = ["Prénom", "Nom", "Courriel", "Date de naissance", "Nationalité", "Téléphone",
           "Langue 1", "Niveau 1", "Remarques"]
ROWS = [
    ["Léa", "Fontaine", "lea.fontaine@example.org", "25/03/1998", "France", "06 12 34 56 78",
     "français", "langue maternelle", "Arrive en train\nle 3 juillet"],
    ["Jürgen", "Weiß", "jurgen@example.de", "04/11/2000", "Allemagne", "+49 151 23456789",
     "allemand", "C2", ""],
    ["Ana", "Pérez", "ana.perez@example.es", "13/07/1999", "ESP", "612 345 678", "espagnol",
     "B2", ""],
    ["Zoé", "Martin", "pas-une-adresse", "31/02/2001", "Atlantide", "123", "klingon", "Z9", ""],
]


def convert(source: Path, target: str, filter_: str, out: Path) -> Path:
    with tempfile.TemporaryDirectory() as work:
        subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{work}/profile",
                        "--convert-to", f"{target}:{filter_}", "--outdir", work, str(source)],
                       check=True, capture_output=True)
        produced = next(Path(work).glob(f"{source.stem}.*"))
        shutil.move(produced, out)
    return out


def main() -> None:
    with tempfile.TemporaryDirectory() as work:
        source = Path(work) / "volunteers.xlsx"
        book = Workbook()
        sheet = book.active
        sheet.append(HEADERS)
        for row in ROWS:
            sheet.append(row)
        for row in sheet.iter_rows():
            for cell in row:
                cell.number_format = "@"  # text, so dates stay as the partner typed them
        book.save(source)
        convert(source, "xlsx", "Calc MS Excel 2007 XML", HERE / "volunteers-libreoffice.xlsx")
        convert(source, "ods", "calc8", HERE / "volunteers-libreoffice.ods")
        utf8 = convert(source, "csv", "Text - txt - csv (StarCalc):44,34,76",
                       Path(work) / "utf8.csv")
        (HERE / "volunteers-utf8-bom.csv").write_bytes(b"\xef\xbb\xbf" + utf8.read_bytes())
        convert(source, "csv", "Text - txt - csv (StarCalc):59,34,1",
                HERE / "volunteers-cp1252-semicolon.csv")
        # Excel names it .txt; .tsv here, as the repository reads every .txt as UTF-8 text
        convert(source, "txt", "Text - txt - csv (StarCalc):9,34,65535",
                HERE / "volunteers-utf16-tab.tsv")
        formulas = Workbook()
        sheet = formulas.active
        sheet.append(["First name", "Last name", "Full name", "Email"])
        sheet.append(["Omar", "Haddad", '=A2&" "&B2', "omar@example.org"])
        sheet.append(["Sara", "Lind", '=A3&" "&B3', "sara@example.org"])
        formulas.save(HERE / "formulas-uncalculated.xlsx")  # openpyxl stores no computed value
        convert(HERE / "formulas-uncalculated.xlsx", "xlsx", "Calc MS Excel 2007 XML",
                HERE / "formulas-libreoffice.xlsx")
        ods = convert(HERE / "formulas-uncalculated.xlsx", "ods", "calc8",
                      HERE / "formulas-libreoffice.ods")
        strip_computed_values(ods, HERE / "formulas-uncalculated.ods")


def strip_computed_values(source: Path, target: Path) -> None:
    """LibreOffice always stores what a formula computed; a program writing ODS without a
    calculation engine does not: the same file with the formula cells' values taken out."""
    import re
    import zipfile

    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w") as copy:
        for item in original.infolist():
            data = original.read(item.filename)
            if item.filename == "content.xml":
                text = data.decode("utf-8")
                text = re.sub(
                    r'(<table:table-cell table:formula="[^"]*")[^>]*>.*?</table:table-cell>',
                    r"\1/>", text)
                data = text.encode("utf-8")
            compress = zipfile.ZIP_STORED if item.filename == "mimetype" else zipfile.ZIP_DEFLATED
            copy.writestr(item, data, compress_type=compress)


if __name__ == "__main__":
    main()
