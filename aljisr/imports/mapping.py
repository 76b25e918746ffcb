"""Matching a file's column headers to volunteer fields, in English, French, Spanish, German
and Arabic, whatever the accents and case; a sending organisation's choices are remembered
(:class:`~aljisr.imports.models.ImportMapping`) and win over the automatic match."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence

from aljisr.i18n import _l

#: What a column can be imported as: key -> label. ``""`` is "not imported".
TARGETS = {
    "": _l("— not imported —"),
    "full_name": _l("Full name"),
    "first_name": _l("First name"),
    "last_name": _l("Last name"),
    "name_ar": _l("Name in Arabic script"),
    "email": _l("E-mail"),
    "phone": _l("Phone"),
    "date_of_birth": _l("Date of birth"),
    "gender": _l("Gender"),
    "nationality": _l("Nationality"),
    "language_1": _l("Language 1"),
    "level_1": _l("Level of language 1"),
    "language_2": _l("Language 2"),
    "level_2": _l("Level of language 2"),
    "language_3": _l("Language 3"),
    "level_3": _l("Level of language 3"),
    "skills": _l("Skills"),
    "available_from": _l("Available from"),
    "available_to": _l("Available until"),
    "emergency_contact_name": _l("Emergency contact: name"),
    "emergency_contact_phone": _l("Emergency contact: phone"),
    "dietary_notes": _l("Dietary needs"),
    "health_notes": _l("Health notes"),
    "notes": _l("Notes"),
}

#: Targets that several columns may feed (their values are joined, each with its header).
MULTI_TARGETS = frozenset({"notes"})

#: Headers as spreadsheets and VEF files name them (en, fr, es, de, ar); compared by :func:`key`.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "full_name": ("full name", "name", "volunteer", "nom complet", "nom et prénom",
                  "prénom et nom", "nombre completo", "nombre y apellidos", "vollständiger name",
                  "name vollständig", "الاسم الكامل", "الاسم"),
    "first_name": ("first name", "firstname", "given name", "given names", "forename",
                   "prénom", "prénoms", "nombre", "nombre de pila", "primer nombre",
                   "vorname", "vornamen", "rufname", "الاسم الشخصي", "الاسم الأول",
                   "الإسم الأول", "الاسم الاول", "الإسم الشخصي"),
    "last_name": ("last name", "lastname", "surname", "family name", "nom", "nom de famille",
                  "nom de naissance", "apellido", "apellidos", "primer apellido", "nachname",
                  "familienname", "zuname", "اسم العائلة", "إسم العائلة", "النسب", "اللقب",
                  "الاسم العائلي"),
    "name_ar": ("name in arabic", "arabic name", "nom en arabe", "nombre en árabe",
                "name auf arabisch", "الاسم بالعربية"),
    "email": ("email", "e-mail", "mail", "email address", "courriel", "adresse e-mail",
              "adresse électronique", "correo", "correo electrónico", "e-mail-adresse",
              "البريد الإلكتروني", "البريد"),
    "phone": ("phone", "telephone", "mobile", "phone number", "cell", "téléphone", "portable",
              "teléfono", "móvil", "telefon", "handy", "telefonnummer", "الهاتف", "رقم الهاتف"),
    "date_of_birth": ("date of birth", "birthdate", "birth date", "dob", "born",
                      "date de naissance", "né le", "fecha de nacimiento", "geburtsdatum",
                      "geboren", "تاريخ الازدياد", "تاريخ الميلاد"),
    "gender": ("gender", "sex", "sexe", "genre", "sexo", "género", "geschlecht", "الجنس",
               "النوع"),
    "nationality": ("nationality", "citizenship", "country", "nationalité", "pays",
                    "nacionalidad", "país", "staatsangehörigkeit", "nationalität", "land",
                    "الجنسية", "البلد"),
    "language_1": ("language", "language1", "language 1", "langue", "langue 1", "idioma",
                   "idioma 1", "sprache", "sprache 1", "اللغة", "اللغة 1"),
    "level_1": ("level", "langlevel1", "level 1", "language1level", "language 1 level",
                "language level", "niveau", "niveau 1",
                "nivel", "nivel 1", "niveau de langue", "sprachniveau", "niveau langue 1",
                "المستوى", "المستوى 1"),
    "language_2": ("language2", "language 2", "langue 2", "idioma 2", "sprache 2", "اللغة 2"),
    "level_2": ("langlevel2", "language2level", "language 2 level", "level 2", "niveau 2",
                "nivel 2", "niveau langue 2",
                "المستوى 2"),
    "language_3": ("language3", "language 3", "langue 3", "idioma 3", "sprache 3", "اللغة 3"),
    "level_3": ("langlevel3", "language3level", "language 3 level", "level 3", "niveau 3",
                "nivel 3", "niveau langue 3",
                "المستوى 3"),
    "skills": ("skills", "competences", "compétences", "habilidades", "competencias",
               "fähigkeiten", "kenntnisse", "المهارات"),
    "available_from": ("available from", "arrival", "start", "from", "disponible à partir du",
                       "arrivée", "début", "disponible desde", "llegada", "verfügbar ab",
                       "ankunft", "متاح من", "تاريخ الوصول"),
    "available_to": ("available until", "available to", "departure", "end", "until",
                     "disponible jusqu'au", "départ", "fin", "disponible hasta", "salida",
                     "verfügbar bis", "abreise", "متاح إلى", "تاريخ المغادرة"),
    "emergency_contact_name": ("emergency contact", "emergency_contact",
                               "emergency contact name", "contact d'urgence",
                               "personne à prévenir", "contacto de emergencia", "notfallkontakt",
                               "جهة الاتصال في حالات الطوارئ"),
    "emergency_contact_phone": ("emergency phone", "emergency contact phone",
                                "téléphone d'urgence", "teléfono de emergencia", "notfallnummer",
                                "هاتف الطوارئ"),
    "dietary_notes": ("diet", "dietary needs", "dietary requirements", "food", "régime",
                      "régime alimentaire", "dieta", "ernährung", "النظام الغذائي"),
    "health_notes": ("health", "health notes", "special needs", "special_needs", "santé",
                     "besoins particuliers", "salud", "necesidades especiales", "gesundheit",
                     "الصحة", "احتياجات خاصة"),
    "notes": ("notes", "remarks", "comments", "experience", "motivation", "together with",
              "together_with", "remarques", "commentaires", "expérience", "observaciones",
              "experiencia", "motivación", "bemerkungen", "erfahrung", "ملاحظات", "الخبرة",
              "الدافع", "choice1", "choice2", "choice3", "choice 1", "choice 2", "choice 3",
              "req sent by"),
}


def key(header: str) -> str:
    """A header as compared: without accents or Arabic diacritics, case-folded, with runs of
    anything but letters and digits made one space (``"Prénom_1"`` -> ``"prenom 1"``)."""
    text = unicodedata.normalize("NFKD", header or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch) and ch != "\u0640")
    return re.sub(r"[\W_]+", " ", text.casefold()).strip()


_BY_KEY = {key(name): target for target, names in SYNONYMS.items() for name in names}


def automatic_mapping(headers: Sequence[str],
                      remembered: Mapping[str, str] | None = None) -> list[str]:
    """One target of :data:`TARGETS` per header: the remembered choice for that header (keyed
    by :func:`key`), else the synonym match; a target other than :data:`MULTI_TARGETS` goes to
    its first column only, later ones get ``""``."""
    remembered = remembered or {}
    taken: set[str] = set()
    result = []
    for header in headers:
        header_key = key(header)
        target = remembered.get(header_key, _BY_KEY.get(header_key, ""))
        if target not in TARGETS or (target in taken and target not in MULTI_TARGETS):
            target = ""
        if target:
            taken.add(target)
        result.append(target)
    return result


def remembered_form(headers: Sequence[str], targets: Sequence[str]) -> dict[str, str]:
    """What :class:`ImportMapping` stores: {header key: target} for every header."""
    return {key(h): t for h, t in zip(headers, targets, strict=True) if key(h)}


def half_name_warning(targets: Sequence[str]) -> str | None:
    """What to say when a volunteer's name would be imported in half: a first-name or a
    last-name column is chosen, not the other nor a full name, while a column is left out
    (which may hold the other half, under a header not recognised). None otherwise.

    The volunteer form keeps one name, written whole (``VolunteerForm.full_name``): a row
    with half of it would pass the form's rule and be saved with half a name.
    """
    if "full_name" in targets or "" not in targets:
        return None
    if "last_name" in targets and "first_name" not in targets:
        return str(_l("Only the last names are imported: choose the column that holds the "
                      "first names (or choose “Full name” for the name column if it holds "
                      "whole names)."))
    if "first_name" in targets and "last_name" not in targets:
        return str(_l("Only the first names are imported: choose the column that holds the "
                      "last names (or choose “Full name” for the name column if it holds "
                      "whole names)."))
    return None
