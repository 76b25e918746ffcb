"""Demo data: the association's real sites and projects (from its own public text) with invented but
plausible people, organisations, placements and hours.

Facts come from the association's own text: its five sites, nine projects (two of them in two
phases) and the UK foundation that funded school supplies. Dates, organisations other than that
foundation, and every person are invented, and so are three further steps of listed projects
open for the 2027 season (a third step of the multidisciplinary room, second steps at Anwal
and Attawhid schools). Past projects have fixed dates (2020-2025); current ones are placed
relative to the day the demo is loaded, so the demo always has placements in the past, present
and future. Every project has a public description in English and French (and Arabic where
its place names have a settled Arabic spelling), and volunteers of past projects have written
testimonials in several languages and scripts.

:func:`load_demo` is idempotent: every record is looked up by a natural key first.
"""

from __future__ import annotations

import random
from datetime import date, time, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from aljisr import audit
from aljisr.applications.models import (
    CONSENT_VERSION,
    Application,
    ApplicationProject,
    ApplicationStatus,
)
from aljisr.auth.models import User
from aljisr.database import utcnow
from aljisr.dates import association_today
from aljisr.extensions import db
from aljisr.hours.models import HoursEntry, HoursStatus
from aljisr.i18n import _l
from aljisr.organisations.models import Organisation, OrganisationKind
from aljisr.permissions import Role
from aljisr.placements.models import Placement, PlacementStatus
from aljisr.projects.models import Project, ProjectStatus, Theme
from aljisr.sites.models import Site, SiteKind
from aljisr.volunteers.models import LanguageLevel, Volunteer, VolunteerLanguage, VolunteerStatus

DEMO_PASSWORD = "demo-aljisr"  # noqa: S105 (public demo logins, README)
DEMO_DOMAIN = "aljisr.example.org"

#: How loading the demo data reads in the audit log (see :mod:`aljisr.audit`): ``demo.seed``
#: counts what it created.
WORDING = audit.AuditWording(
    actions={"demo.seed": _l("Demo data loaded")},
    action_key_labels={"demo.seed": {
        "organisations": _l("Organisations"),
        "sites": _l("Sites"),
        "projects": _l("Projects"),
        "volunteers": _l("Volunteers"),
        "users": _l("Users"),
        "placements": _l("Placements"),
        "hours": _l("Hours entries"),
        "certificates": _l("Certificates"),
        "applications": _l("Applications"),
        "testimonials": _l("Testimonials"),
    }},
)

ORGANISATIONS: list[dict[str, Any]] = [
    # the foundation named by the association as the funder of school supplies
    {
        "key": "bffs",
        "name": "British Foundation for Schools",
        "kind": OrganisationKind.FUNDER,
        "country": "GB",
        "city": "London",
    },
    # host organisations (invented names for the bodies behind the real sites)
    {
        "key": "host-maggamane",
        "name": "Maggamane Socio-Educational Centre Association",
        "kind": OrganisationKind.HOST,
        "country": "MA",
        "city": "Maggamane",
    },
    {
        "key": "host-anwal",
        "name": "Anwal School Parents' Association",
        "kind": OrganisationKind.HOST,
        "country": "MA",
    },
    {
        "key": "host-attawhid",
        "name": "Attawhid School Parents' Association",
        "kind": OrganisationKind.HOST,
        "country": "MA",
    },
    {
        "key": "host-mohamed5",
        "name": "Mohamed 5 High School Association",
        "kind": OrganisationKind.HOST,
        "country": "MA",
    },
    # sending organisations (invented)
    {
        "key": "send-fr",
        "name": "Passerelles Solidaires",
        "kind": OrganisationKind.SENDING,
        "country": "FR",
        "city": "Lyon",
        "contact_name": "Claire Dubois",
    },
    {
        "key": "send-de",
        "name": "Brückenbau Freiwilligendienste e.V.",
        "kind": OrganisationKind.SENDING,
        "country": "DE",
        "city": "Leipzig",
    },
    {
        "key": "send-es",
        "name": "Puentes Abiertos",
        "kind": OrganisationKind.SENDING,
        "country": "ES",
        "city": "Granada",
    },
    {
        "key": "send-uk",
        "name": "Two Bags Volunteering UK",
        "kind": OrganisationKind.SENDING,
        "country": "GB",
        "city": "Bristol",
    },
    {
        "key": "send-jp",
        "name": "Sakura Global Volunteers",
        "kind": OrganisationKind.SENDING,
        "country": "JP",
        "city": "Osaka",
    },
    {
        "key": "send-ua",
        "name": "Dnipro Youth Exchange",
        "kind": OrganisationKind.SENDING,
        "country": "UA",
        "city": "Dnipro",
    },
]

SITES: list[dict[str, Any]] = [
    {
        "key": "centre",
        "name": "Maggamane socio-educational centre",
        "name_fr": "Centre socio-éducatif de Maggamane",
        "kind": SiteKind.SOCIO_EDUCATIONAL_CENTRE,
        "host": "host-maggamane",
        "city": "Maggamane",
    },
    {
        "key": "maggamane-school",
        "name": "Maggamane primary school",
        "name_fr": "École primaire de Maggamane",
        "kind": SiteKind.PRIMARY_SCHOOL,
        "host": "host-maggamane",
        "city": "Maggamane",
    },
    {
        "key": "anwal",
        "name": "Anwal primary school",
        "name_fr": "École primaire Anwal",
        "name_ar": "مدرسة أنوال الابتدائية",
        "kind": SiteKind.PRIMARY_SCHOOL,
        "host": "host-anwal",
    },
    {
        "key": "attawhid",
        "name": "Attawhid school",
        "name_fr": "École Attawhid",
        "name_ar": "مدرسة التوحيد",
        "kind": SiteKind.SCHOOL,
        "host": "host-attawhid",
    },
    {
        "key": "mohamed5",
        "name": "Mohamed 5 high school",
        "name_fr": "Lycée Mohamed 5",
        "name_ar": "ثانوية محمد الخامس",
        "kind": SiteKind.HIGH_SCHOOL,
        "host": "host-mohamed5",
    },
]


#: What each site's infosheet prints (invented for the demo, like the people: coordinates
#: and contacts are plausible, not real).
_TRANSPORT = ("Marrakech Menara airport (RAK), 45 km\n"
              "Marrakech railway station (ONCF), 40 km\n"
              "Marrakech CTM bus station, 40 km")
_CONDUCT_CENTRE = ("Children and young people are never photographed without the centre's "
                   "permission.\nNo alcohol or smoking on the centre's grounds.\n"
                   "Wear closed shoes and gloves on the building site.")
SITE_LOGISTICS: dict[str, dict[str, Any]] = {
    "centre": {
        "address": "Douar Maggamane, commune of Tamazouzte", "region": "Marrakech-Safi",
        "latitude": Decimal("31.483210"), "longitude": Decimal("-8.102540"),
        "meeting_point": "The association's office, Avenue Hassan II, Marrakech, at 9:00; "
                         "the team drives to the centre together.",
        "transport_points": _TRANSPORT,
        "accommodation": "Shared rooms (4 beds) in the association's volunteer house in "
                         "Maggamane; sheets provided, bring a towel.",
        "food": "Breakfast and dinner at the house, lunch with the centre's staff; "
                "vegetarian meals on request.",
        "host_contact": "Hassan Ait Brahim, centre director, +212 6 61 23 45 67",
        "local_emergency": "Tamazouzte health centre, +212 5 24 48 10 10\n"
                           "Ibn Tofail hospital, Marrakech, +212 5 24 44 80 11",
        "code_of_conduct": _CONDUCT_CENTRE,
    },
    "maggamane-school": {
        "address": "Maggamane primary school, Douar Maggamane", "region": "Marrakech-Safi",
        "latitude": Decimal("31.485870"), "longitude": Decimal("-8.098310"),
        # written in English and Arabic, one under the other: the infosheet prints the
        # logistics as typed, whatever its language (docs/architecture.md §6.14)
        "meeting_point": "The school's main gate at 8:15 on the first day.\n"
                         "الباب الرئيسي للمدرسة على الساعة 8:15 في اليوم الأول.",
        "transport_points": _TRANSPORT,
        "accommodation": "The association's volunteer house in Maggamane, a ten-minute walk.\n"
                         "دار المتطوعين التابعة للجمعية في مكمان، على بعد عشر دقائق مشيا.",
        "food": "Breakfast and dinner at the house; lunch in the school canteen.\n"
                "الفطور والعشاء في الدار، والغداء في مطعم المدرسة.",
        "host_contact": "Fatima Zahra Idrissi, head teacher, +212 6 70 11 22 33",
        "local_emergency": "Tamazouzte health centre, +212 5 24 48 10 10",
    },
    "anwal": {
        "address": "Anwal primary school, Hay Anwal", "city": "Marrakech",
        "region": "Marrakech-Safi",
        "latitude": Decimal("31.648210"), "longitude": Decimal("-8.012330"),
        "meeting_point": "The school's office, 8:00 on the first day.",
        "transport_points": "Marrakech Menara airport (RAK), 8 km\n"
                            "Marrakech railway station (ONCF), 3 km",
        "accommodation": "A host family in Hay Anwal, single room.",
        "food": "All meals with the host family.",
        "host_contact": "Mohamed Benali, head teacher, +212 6 62 55 44 33",
        "local_emergency": "Ibn Tofail hospital, Marrakech, +212 5 24 44 80 11",
    },
}
#: What each running project's infosheet prints.
PROJECT_LOGISTICS: dict[str, dict[str, Any]] = {
    "room-2": {
        "working_days": "Monday to Friday (Saturday morning when the concrete needs it)",
        "working_hours": "8:30 to 12:30 and 14:30 to 17:30",
        "what_to_bring": "Work clothes and closed safety shoes\nA hat and sun cream\n"
                         "A refillable water bottle\nA warm jumper for the evenings",
    },
    "maggamane-deco-2": {  # in English and Arabic, as the site above
        "working_days": "Monday to Friday / من الاثنين إلى الجمعة",
        "working_hours": "9:00 to 12:00 and 14:30 to 17:00 / "
                         "من 9:00 إلى 12:00 ومن 14:30 إلى 17:00",
        "what_to_bring": "Old clothes for painting / ملابس قديمة للصباغة\n"
                         "A hat and sun cream / قبعة وواقي الشمس\n"
                         "Modest clothes for the school (shoulders and knees covered) / "
                         "ملابس محتشمة للمدرسة (الكتفان والركبتان مغطاة)",
    },
    "anwal": {
        "working_days": "Monday to Saturday morning (school days)",
        "working_hours": "8:30 to 12:30, and 14:30 to 16:30 except on Wednesday and Saturday",
        "what_to_bring": "Modest clothes for the school (shoulders and knees covered)\n"
                         "Games or pictures from your country for the pupils\n"
                         "A refillable water bottle",
    },
}


def _fill_logistics(record: Any, values: dict[str, Any]) -> None:
    """Give ``record`` the demo's logistics where it has none yet (a second seed keeps what a
    coordinator typed)."""
    for name, value in values.items():
        if getattr(record, name) is None:
            setattr(record, name, value)


def _projects(today: date) -> list[dict[str, Any]]:
    """The nine listed projects. ``dates`` is fixed for past ones, relative for the rest."""
    return [
        {
            "key": "room-1",
            "title": "Construction of a multidisciplinary room at the Maggamane "
            "socio-educational centre (first step)",
            "title_fr": "Construction d'une salle multidisciplinaire au centre socio-éducatif de "
            "Maggamane (première étape)",
            "site": "centre",
            "theme": Theme.CONSTRUCTION,
            "sdgs": [4, 9, 11],
            "dates": (date(2024, 7, 1), date(2024, 8, 30)),
            "capacity": 8,
            "status": ProjectStatus.COMPLETED,
            "phase": 1,
            "skills": ["masonry", "carpentry"],
            "languages": ["fr"],
        },
        {
            "key": "room-2",
            "title": "Construction of a multidisciplinary room at the Maggamane "
            "socio-educational centre (second step)",
            "title_fr": "Construction d'une salle multidisciplinaire au centre socio-éducatif de "
            "Maggamane (deuxième étape)",
            "site": "centre",
            "theme": Theme.CONSTRUCTION,
            "sdgs": [4, 9, 11],
            "dates": (today - timedelta(days=60), today + timedelta(days=75)),
            "capacity": 8,
            "status": ProjectStatus.IN_PROGRESS,
            "phase": 2,
            "parent": "room-1",
            "skills": ["masonry", "electrics", "painting"],
            "languages": ["fr"],
        },
        {
            "key": "centre-renovation",
            "title": "Renovating infrastructure at the Maggamane socio-educational centre",
            "title_fr": "Rénovation des infrastructures du centre socio-éducatif de Maggamane",
            "site": "centre",
            "theme": Theme.CONSTRUCTION,
            "sdgs": [4, 11],
            "dates": (date(2025, 7, 1), date(2025, 8, 29)),
            "capacity": 6,
            "status": ProjectStatus.COMPLETED,
            "skills": ["plumbing", "painting"],
            "languages": ["fr", "ar"],
        },
        {
            "key": "supplies",
            "title": "Receipt of school supplies for pupils at Maggamane school "
            "(COVID-19 aid programme)",
            "title_fr": "Remise de fournitures scolaires aux élèves de l'école de Maggamane "
            "(programme d'aide COVID-19)",
            "site": "maggamane-school",
            "theme": Theme.EDUCATION,
            "sdgs": [1, 4, 17],
            "dates": (date(2020, 10, 5), date(2020, 12, 18)),
            "capacity": 4,
            "status": ProjectStatus.COMPLETED,
            "funder": "bffs",
            "skills": ["logistics"],
            "languages": ["ar", "fr"],
        },
        {
            "key": "bike-racks",
            "title": "Manufacture and installation of bicycle parking racks at "
            "Mohamed 5 high school",
            "title_fr": "Fabrication et installation de parkings à vélos au lycée Mohamed 5",
            "title_ar": "صنع وتركيب مرائب للدراجات الهوائية بثانوية محمد الخامس",
            "site": "mohamed5",
            "theme": Theme.ENVIRONMENT,
            "sdgs": [11, 13],
            "dates": (date(2023, 3, 6), date(2023, 4, 28)),
            "capacity": 5,
            "status": ProjectStatus.COMPLETED,
            "skills": ["welding", "metalwork"],
            "languages": ["fr"],
        },
        {
            "key": "attawhid",
            "title": "Renovation of the Attawhid school infrastructure",
            "title_fr": "Rénovation des infrastructures de l'école Attawhid",
            "title_ar": "تجديد البنية التحتية لمدرسة التوحيد",
            "site": "attawhid",
            "theme": Theme.CONSTRUCTION,
            "sdgs": [4, 11],
            "dates": (date(2022, 7, 4), date(2022, 8, 26)),
            "capacity": 6,
            "status": ProjectStatus.COMPLETED,
            "phase": 1,
            "skills": ["masonry", "painting"],
            "languages": ["fr"],
        },
        {
            "key": "maggamane-deco-1",
            "title": "Renovations and decorations at Maggamane primary school (first step)",
            "title_fr": "Rénovations et décorations à l'école primaire de Maggamane (première "
            "étape)",
            "site": "maggamane-school",
            "theme": Theme.CULTURE,
            "sdgs": [4],
            "dates": (date(2025, 3, 3), date(2025, 5, 30)),
            "capacity": 6,
            "status": ProjectStatus.COMPLETED,
            "phase": 1,
            "skills": ["painting", "mural art"],
            "languages": ["fr"],
        },
        {
            "key": "maggamane-deco-2",
            "title": "Renovations and decorations at Maggamane primary school (second step)",
            "title_fr": "Rénovations et décorations à l'école primaire de Maggamane (deuxième "
            "étape)",
            "site": "maggamane-school",
            "theme": Theme.CULTURE,
            "sdgs": [4],
            "dates": (today + timedelta(days=21), today + timedelta(days=110)),
            "capacity": 6,
            "status": ProjectStatus.OPEN,
            "phase": 2,
            "parent": "maggamane-deco-1",
            "skills": ["painting", "mural art"],
            "languages": ["fr"],
        },
        {
            "key": "anwal",
            "title": "Renovations and decorations at Anwal primary school",
            "title_fr": "Rénovations et décorations à l'école primaire Anwal",
            "title_ar": "أشغال التجديد والتزيين بمدرسة أنوال الابتدائية",
            "site": "anwal",
            "theme": Theme.CONSTRUCTION,
            "sdgs": [4, 6],
            "dates": (today - timedelta(days=30), today + timedelta(days=45)),
            "capacity": 5,
            "status": ProjectStatus.IN_PROGRESS,
            "phase": 1,
            "skills": ["painting", "plumbing"],
            "languages": ["fr", "ar"],
        },
        # further steps open for the 2027 season (invented, see the module's docstring)
        {
            "key": "anwal-2",
            "title": "Renovations and decorations at Anwal primary school (second step)",
            "title_fr": "Rénovations et décorations à l'école primaire Anwal (deuxième étape)",
            "title_ar": "أشغال التجديد والتزيين بمدرسة أنوال الابتدائية (المرحلة الثانية)",
            "site": "anwal",
            "theme": Theme.CULTURE,
            "sdgs": [4, 6],
            "dates": (date(2027, 4, 5), date(2027, 5, 28)),
            "capacity": 5,
            "status": ProjectStatus.OPEN,
            "phase": 2,
            "parent": "anwal",
            "skills": ["mural art", "painting"],
            "languages": ["fr", "ar"],
        },
        {
            "key": "room-3",
            "title": "Construction of a multidisciplinary room at the Maggamane "
            "socio-educational centre (third step)",
            "title_fr": "Construction d'une salle multidisciplinaire au centre socio-éducatif de "
            "Maggamane (troisième étape)",
            "site": "centre",
            "theme": Theme.CONSTRUCTION,
            "sdgs": [4, 9, 11],
            "dates": (date(2027, 7, 5), date(2027, 8, 27)),
            "capacity": 8,
            "status": ProjectStatus.OPEN,
            "phase": 3,
            "parent": "room-1",
            "skills": ["carpentry", "painting"],
            "languages": ["fr"],
        },
        {
            "key": "attawhid-2",
            "title": "Renovation of the Attawhid school infrastructure (second step)",
            "title_fr": "Rénovation des infrastructures de l'école Attawhid (deuxième étape)",
            "title_ar": "تجديد البنية التحتية لمدرسة التوحيد (المرحلة الثانية)",
            "site": "attawhid",
            "theme": Theme.ENVIRONMENT,
            "sdgs": [4, 13, 15],
            "dates": (date(2027, 7, 12), date(2027, 8, 20)),
            "capacity": 6,
            "status": ProjectStatus.OPEN,
            "phase": 2,
            "parent": "attawhid",
            "skills": ["masonry", "gardening"],
            "languages": ["en", "fr"],
        },
    ]


#: What the public site says of each project (keys of :func:`_projects`), in English, French
#: and Arabic (where the place names have a settled Arabic spelling: Maggamane's is not
#: given, so its projects have none and the Arabic page shows the French text, marked as
#: French), written for would-be volunteers from the association's own list of projects.
DESCRIPTIONS: dict[str, dict[str, str]] = {
    "room-1": {
        "en": "The Maggamane socio-educational centre welcomes children and young people of the "
              "village after school, but had no room large enough for workshops, homework help "
              "and meetings.\n\nIn this first step volunteers and local builders laid the "
              "foundations and raised the walls of a new multidisciplinary room.",
        "fr": "Le centre socio-éducatif de Maggamane accueille les enfants et les jeunes du "
              "village après l'école, mais il lui manquait une salle assez grande pour les "
              "ateliers, l'aide aux devoirs et les réunions.\n\nLors de cette première étape, "
              "bénévoles et maçons du village ont posé les fondations et monté les murs d'une "
              "nouvelle salle multidisciplinaire.",
    },
    "room-2": {
        "en": "The second step finishes the multidisciplinary room of the Maggamane "
              "socio-educational centre: roof, electrics, plastering and paint.\n\nVolunteers "
              "work alongside local craftsmen; no experience is needed, only the wish to learn "
              "and to work as a team.",
        "fr": "La deuxième étape achève la salle multidisciplinaire du centre socio-éducatif de "
              "Maggamane : toiture, électricité, enduits et peinture.\n\nLes bénévoles "
              "travaillent aux côtés d'artisans locaux ; aucune expérience n'est demandée, "
              "seulement l'envie d'apprendre et de travailler en équipe.",
    },
    "room-3": {
        "en": "With its walls and roof standing, the new room of the Maggamane "
              "socio-educational centre now needs fitting out: shelves, tables and benches made "
              "on site, a reading corner, and murals chosen with the children.\n\nA summer "
              "project for volunteers who like working with wood and paint, and with young "
              "people.",
        "fr": "Murs et toit debout, la nouvelle salle du centre socio-éducatif de Maggamane doit "
              "maintenant être aménagée : étagères, tables et bancs fabriqués sur place, un coin "
              "lecture et des fresques choisies avec les enfants.\n\nUn projet d'été pour les "
              "bénévoles qui aiment le bois, la peinture et les jeunes.",
    },
    "centre-renovation": {
        "en": "Years of use had worn out the Maggamane socio-educational centre: leaking pipes, "
              "broken washbasins, faded walls.\n\nVolunteers repaired the plumbing and the "
              "sanitary facilities and repainted the rooms, so that the centre could welcome "
              "its children in good conditions again.",
        "fr": "Des années d'usage avaient abîmé le centre socio-éducatif de Maggamane : "
              "canalisations qui fuient, lavabos cassés, murs défraîchis.\n\nLes bénévoles ont "
              "réparé la plomberie et les sanitaires et repeint les salles, pour que le centre "
              "accueille de nouveau ses enfants dans de bonnes conditions.",
    },
    "supplies": {
        "en": "During the COVID-19 pandemic many families of Maggamane could not buy what their "
              "children needed for school.\n\nWithin the British Foundation for Schools' "
              "COVID-19 aid programme, volunteers received, sorted and handed out school "
              "supplies to the pupils of Maggamane school.",
        "fr": "Pendant la pandémie de COVID-19, beaucoup de familles de Maggamane ne pouvaient "
              "pas acheter ce dont leurs enfants avaient besoin pour l'école.\n\nDans le cadre du "
              "programme d'aide COVID-19 de la British Foundation for Schools, les bénévoles "
              "ont reçu, trié et distribué des fournitures scolaires aux élèves de l'école de "
              "Maggamane.",
    },
    "bike-racks": {
        "en": "Many pupils of Mohamed 5 high school come by bicycle, and had nowhere safe to "
              "leave it.\n\nVolunteers designed, welded and installed bicycle parking racks with "
              "the pupils: a small project for cleaner travel to school.",
        "fr": "Beaucoup d'élèves du lycée Mohamed 5 viennent à vélo, sans endroit sûr où le "
              "laisser.\n\nLes bénévoles ont conçu, soudé et installé des parkings à vélos avec "
              "les élèves : un petit projet pour des trajets plus propres vers l'école.",
        "ar": "يأتي كثير من تلاميذ ثانوية محمد الخامس على دراجاتهم، دون مكان آمن لركنها.\n\n"
              "صمّم المتطوعون مع التلاميذ مرائب للدراجات ولحموها وركّبوها: مشروع صغير من أجل "
              "تنقل أنظف إلى المدرسة.",
    },
    "attawhid": {
        "en": "Attawhid school needed repairs before the new school year: cracked walls, worn "
              "floors and peeling paint in the classrooms.\n\nVolunteers and the parents' "
              "association renovated the buildings over the summer holidays.",
        "fr": "L'école Attawhid avait besoin de réparations avant la rentrée : murs fissurés, "
              "sols usés et peinture écaillée dans les classes.\n\nBénévoles et association des "
              "parents d'élèves ont rénové les bâtiments pendant les vacances d'été.",
        "ar": "كانت مدرسة التوحيد بحاجة إلى إصلاحات قبل الدخول المدرسي: جدران متشققة وأرضيات "
              "متآكلة وصباغة متقشرة في الأقسام.\n\nجدّد المتطوعون وجمعية آباء التلاميذ البنايات "
              "خلال العطلة الصيفية.",
    },
    "attawhid-2": {
        "en": "The second step at Attawhid school turns to the schoolyard: shade for the "
              "pupils, a repaired wall around the school, and a small garden the pupils will "
              "look after.\n\nVolunteers work with the parents' association during the summer "
              "holidays.",
        "fr": "La deuxième étape à l'école Attawhid porte sur la cour : de l'ombre pour les "
              "élèves, le mur d'enceinte réparé et un petit jardin dont les élèves prendront "
              "soin.\n\nLes bénévoles travaillent avec l'association des parents d'élèves "
              "pendant les vacances d'été.",
        "ar": "تهتم المرحلة الثانية بمدرسة التوحيد بساحة المدرسة: ظلّ للتلاميذ، وإصلاح السور، "
              "وحديقة صغيرة يعتني بها التلاميذ.\n\nيعمل المتطوعون مع جمعية آباء التلاميذ خلال "
              "العطلة الصيفية.",
    },
    "maggamane-deco-1": {
        "en": "A school where children like to come: in this first step volunteers repaired "
              "and repainted the classrooms of Maggamane primary school and painted murals with "
              "the pupils.",
        "fr": "Une école où les enfants aiment venir : lors de cette première étape, les "
              "bénévoles ont réparé et repeint les classes de l'école primaire de Maggamane et "
              "peint des fresques avec les élèves.",
    },
    "maggamane-deco-2": {
        "en": "The second step continues the work at Maggamane primary school: the remaining "
              "classrooms, the corridors and the schoolyard walls, painted with the pupils.\n\n"
              "Good for volunteers who like drawing, painting and children; French helps to "
              "talk with the teachers.",
        "fr": "La deuxième étape poursuit le travail à l'école primaire de Maggamane : les "
              "classes restantes, les couloirs et les murs de la cour, peints avec les élèves."
              "\n\nPour les bénévoles qui aiment dessiner, peindre et les enfants ; le français "
              "aide à échanger avec les enseignants.",
    },
    "anwal": {
        "en": "At Anwal primary school volunteers renovate and decorate the classrooms and "
              "repair the school's water points and toilets, so that pupils have clean water "
              "and a pleasant place to learn.",
        "fr": "À l'école primaire Anwal, les bénévoles rénovent et décorent les classes et "
              "réparent les points d'eau et les toilettes de l'école, pour que les élèves aient "
              "de l'eau propre et un lieu agréable où apprendre.",
        "ar": "في مدرسة أنوال الابتدائية يجدّد المتطوعون الأقسام ويزيّنونها ويصلحون نقاط الماء "
              "والمراحيض، ليحظى التلاميذ بماء نظيف وفضاء جميل للتعلم.",
    },
    "anwal-2": {
        "en": "The second step at Anwal primary school decorates what the first one repaired: "
              "murals about water and nature painted with the pupils, and a small library "
              "corner in each classroom.\n\nA spring project; French or Arabic helps.",
        "fr": "La deuxième étape à l'école primaire Anwal décore ce que la première a réparé : "
              "des fresques sur l'eau et la nature peintes avec les élèves, et un petit coin "
              "bibliothèque dans chaque classe.\n\nUn projet de printemps ; le français ou "
              "l'arabe aident.",
        "ar": "تزيّن المرحلة الثانية بمدرسة أنوال الابتدائية ما أصلحته المرحلة الأولى: جداريات "
              "عن الماء والطبيعة تُرسم مع التلاميذ، وركن صغير للمكتبة في كل قسم.\n\nمشروع "
              "ربيعي، وتساعد اللغة الفرنسية أو العربية.",
    },
}

#: Projects whose funder may be named on the public site (the association names the British
#: Foundation for Schools in its own text).
FUNDER_PUBLIC = frozenset({"supplies"})


# (full name, name in Arabic script or None, nationality, sending org key, languages, skills,
#  interests). Invented people; names written as their bearers would write them.
VOLUNTEERS: list[tuple[str, str | None, str, str | None, dict[str, str], list[str], list[str]]] = [
    (
        "Yasmine Haddad",
        "ياسمين حداد",
        "FR",
        "send-fr",
        {"fr": "native", "ar": "B1", "en": "B2"},
        ["painting", "teaching"],
        ["education", "culture"],
    ),
    (
        "Léa Fontaine",
        None,
        "FR",
        "send-fr",
        {"fr": "native", "en": "B1"},
        ["painting"],
        ["culture"],
    ),
    (
        "Théo Marchand",
        None,
        "FR",
        "send-fr",
        {"fr": "native", "es": "A2"},
        ["carpentry"],
        ["construction"],
    ),
    (
        "Inès Benali",
        "إيناس بن علي",
        "FR",
        "send-fr",
        {"fr": "native", "ar": "B2"},
        ["teaching", "logistics"],
        ["education", "social"],
    ),
    (
        "Camille Rousseau",
        None,
        "BE",
        "send-fr",
        {"fr": "native", "nl": "B2"},
        ["electrics"],
        ["construction"],
    ),
    (
        "Jonas Müller",
        None,
        "DE",
        "send-de",
        {"de": "native", "en": "C1", "fr": "A2"},
        ["masonry", "carpentry"],
        ["construction", "environment"],
    ),
    (
        "Lena Schröder",
        None,
        "DE",
        "send-de",
        {"de": "native", "en": "B2", "fr": "B1"},
        ["mural art", "painting"],
        ["culture"],
    ),
    (
        "Maximilian Weiß",
        None,
        "AT",
        "send-de",
        {"de": "native", "en": "B2"},
        ["welding"],
        ["environment"],
    ),
    (
        "Anna Ковальчук",
        None,
        "DE",
        "send-de",
        {"de": "C1", "uk": "native", "en": "B2"},
        ["logistics"],
        ["social"],
    ),
    (
        "María de los Ángeles Fernández-Villaverde y Rodríguez de la Concepción",
        None,
        "ES",
        "send-es",
        {"es": "native", "fr": "B1"},
        ["teaching", "painting"],
        ["education"],
    ),
    (
        "Pablo Ortega",
        None,
        "ES",
        "send-es",
        {"es": "native", "fr": "A2", "en": "B1"},
        ["plumbing"],
        ["construction"],
    ),
    (
        "Lucía Navarro",
        None,
        "ES",
        "send-es",
        {"es": "native", "ca": "native", "fr": "B2"},
        ["mural art"],
        ["culture", "education"],
    ),
    (
        "Javier Ruiz",
        None,
        "MX",
        "send-es",
        {"es": "native", "en": "B2"},
        ["carpentry"],
        ["construction"],
    ),
    (
        "Oliver Bennett",
        None,
        "GB",
        "send-uk",
        {"en": "native", "fr": "B1"},
        ["masonry"],
        ["construction"],
    ),
    (
        "Amina (أمينة) Zhou",
        "أمينة",
        "GB",
        "send-uk",
        {"en": "native", "zh": "C1", "ar": "A2"},
        ["teaching"],
        ["education"],
    ),
    (
        "Siobhán O'Connor",
        None,
        "IE",
        "send-uk",
        {"en": "native", "ga": "B2", "fr": "B1"},
        ["electrics"],
        ["environment"],
    ),
    (
        "Priya Raman",
        None,
        "GB",
        "send-uk",
        {"en": "native", "ta": "native", "fr": "A2"},
        ["logistics"],
        ["social", "education"],
    ),
    (
        "George Okafor",
        None,
        "NG",
        "send-uk",
        {"en": "native", "fr": "B1"},
        ["welding", "metalwork"],
        ["environment"],
    ),
    (
        "山田 さくら",
        None,
        "JP",
        "send-jp",
        {"ja": "native", "en": "B2", "fr": "A2"},
        ["painting", "teaching"],
        ["culture", "education"],
    ),
    (
        "佐藤 健",
        None,
        "JP",
        "send-jp",
        {"ja": "native", "en": "B1"},
        ["carpentry"],
        ["construction"],
    ),
    (
        "김민지",
        None,
        "KR",
        "send-jp",
        {"ko": "native", "en": "B2", "ja": "B1"},
        ["mural art"],
        ["culture"],
    ),
    (
        "王芳",
        None,
        "CN",
        "send-jp",
        {"zh": "native", "en": "B2", "fr": "B1"},
        ["teaching"],
        ["education"],
    ),
    (
        "Ольга Петренко",
        None,
        "UA",
        "send-ua",
        {"uk": "native", "ru": "C2", "en": "B2", "fr": "B1"},
        ["teaching", "logistics"],
        ["education", "social"],
    ),
    (
        "Дмитро Шевченко",
        None,
        "UA",
        "send-ua",
        {"uk": "native", "en": "B1"},
        ["electrics", "masonry"],
        ["construction"],
    ),
    (
        "Олена Бондаренко",
        None,
        "UA",
        "send-ua",
        {"uk": "native", "de": "B2"},
        ["painting"],
        ["culture"],
    ),
    (
        "Ιωάννα Παπαδοπούλου",
        None,
        "GR",
        "send-fr",
        {"el": "native", "fr": "B2", "en": "C1"},
        ["teaching"],
        ["education"],
    ),
    (
        "فاطمة الزهراء بنعلي",
        "فاطمة الزهراء بنعلي",
        "MA",
        None,
        {"ar": "native", "fr": "C1", "en": "B1"},
        ["teaching", "logistics"],
        ["education", "social"],
    ),
    (
        "Youssef El Amrani",
        "يوسف العمراني",
        "MA",
        None,
        {"ar": "native", "fr": "C1"},
        ["masonry", "plumbing"],
        ["construction"],
    ),
    (
        "سلمى الإدريسي",
        "سلمى الإدريسي",
        "MA",
        None,
        {"ar": "native", "fr": "B2", "es": "B1"},
        ["mural art"],
        ["culture"],
    ),
    (
        "Karim Tazi",
        "كريم التازي",
        "MA",
        None,
        {"ar": "native", "fr": "C2", "en": "B2"},
        ["electrics"],
        ["environment", "construction"],
    ),
    (
        "Noah Jansen",
        None,
        "NL",
        "send-de",
        {"nl": "native", "en": "C1", "de": "B2"},
        ["carpentry", "welding"],
        ["environment"],
    ),
    (
        "Emma Lindqvist",
        None,
        "SE",
        "send-uk",
        {"sv": "native", "en": "C1"},
        ["painting"],
        ["environment", "culture"],
    ),
    (
        "Giulia Bianchi",
        None,
        "IT",
        "send-fr",
        {"it": "native", "fr": "B2"},
        ["teaching"],
        ["education"],
    ),
    (
        "João Pereira",
        None,
        "BR",
        "send-es",
        {"pt": "native", "es": "B2"},
        ["masonry"],
        ["construction"],
    ),
    (
        "Zeynep Yılmaz",
        None,
        "TR",
        "send-de",
        {"tr": "native", "de": "B2", "en": "B1"},
        ["logistics"],
        ["social"],
    ),
    (
        "Aigerim Nurlanovna",
        None,
        "KZ",
        "send-ua",
        {"kk": "native", "ru": "C1", "en": "B1"},
        ["teaching"],
        ["education"],
    ),
    (
        "Chloé Martin",
        None,
        "CA",
        "send-fr",
        {"fr": "native", "en": "native"},
        ["electrics", "carpentry"],
        ["construction"],
    ),
    (
        "Ahmed Ben Youssef",
        "أحمد بن يوسف",
        "TN",
        "send-fr",
        {"ar": "native", "fr": "C1"},
        ["plumbing"],
        ["construction"],
    ),
    (
        "Sofia Kowalska",
        None,
        "PL",
        "send-de",
        {"pl": "native", "en": "B2", "de": "B1"},
        ["mural art", "painting"],
        ["culture"],
    ),
    (
        "Lukas Novák",
        None,
        "CZ",
        "send-de",
        {"cs": "native", "en": "B2"},
        ["metalwork"],
        ["environment"],
    ),
]


def _get_or_create(model: Any, lookup: dict[str, Any], values: dict[str, Any]) -> tuple[Any, bool]:
    obj = db.session.scalar(sa.select(model).filter_by(**lookup))
    if obj is not None:
        return obj, False
    obj = model(**lookup, **values)
    db.session.add(obj)
    db.session.flush()
    return obj, True


def _email(name: str) -> str:
    return f"{name}@{DEMO_DOMAIN}"


def load_demo(today: date | None = None) -> dict[str, int]:
    """Load the demo into the current session (flushed, not committed).

    :returns: how many records of each kind were created by this call (0s on a second run).
    """
    today = today or association_today()
    rng = random.Random(2014)  # the association's founding year: reproducible demo
    created: dict[str, int] = dict.fromkeys(
        ("organisations", "sites", "projects", "volunteers", "users", "placements", "hours"), 0
    )

    orgs: dict[str, Organisation] = {}
    for spec in ORGANISATIONS:
        values = {k: v for k, v in spec.items() if k not in ("key", "name", "kind")}
        orgs[spec["key"]], new = _get_or_create(
            Organisation, {"name": spec["name"], "kind": spec["kind"]}, values
        )
        created["organisations"] += new

    sites: dict[str, Site] = {}
    for spec in SITES:
        sites[spec["key"]], new = _get_or_create(
            Site,
            {"name": spec["name"]},
            {"kind": spec["kind"], "organisation": orgs[spec["host"]], "city": spec.get("city"),
             "name_fr": spec.get("name_fr"), "name_ar": spec.get("name_ar")},
        )
        _fill_logistics(sites[spec["key"]], SITE_LOGISTICS.get(spec["key"], {}))
        created["sites"] += new

    projects: dict[str, Project] = {}
    for spec in _projects(today):
        start, end = spec["dates"]
        project, new = _get_or_create(
            Project,
            {"title": spec["title"]},
            {
                "site": sites[spec["site"]],
                "theme": spec["theme"],
                "status": spec["status"],
                "start_date": start,
                "end_date": end,
                "capacity": spec["capacity"],
                "phase_number": spec.get("phase"),
                "parent": projects.get(spec.get("parent", "")),
                "funder": orgs.get(spec.get("funder", "")),
                "required_skills": spec["skills"],
                "required_languages": spec["languages"],
                "description": None,
                "title_fr": spec.get("title_fr"),
                "title_ar": spec.get("title_ar"),
                "funder_public": spec["key"] in FUNDER_PUBLIC,
            },
        )
        if new:
            project.sdgs = spec["sdgs"]
        _fill_logistics(project, PROJECT_LOGISTICS.get(spec["key"], {}))
        texts = DESCRIPTIONS.get(spec["key"], {})
        if project.public_description is None and texts:  # also on a demo loaded before them
            project.public_description = texts.get("en")
            project.public_description_fr = texts.get("fr")
            project.public_description_ar = texts.get("ar")
        projects[spec["key"]] = project
        created["projects"] += new

    staff = {}
    for role, name in ((Role.ADMIN, "Admin"), (Role.COORDINATOR, "Samira Alaoui")):
        user, new = _get_or_create(
            User, {"email": _email(role.value)}, {"role": role, "display_name": name}
        )
        if new:
            user.set_password(DEMO_PASSWORD)
        staff[role] = user
        created["users"] += new
    coordinator = staff[Role.COORDINATOR]
    for key, local, name in (
        ("send-fr", "sending", "Claire Dubois"),
        ("host-maggamane", "host", "Hassan Bennani"),
    ):
        user, new = _get_or_create(
            User,
            {"email": _email(local)},
            {"role": Role.PARTNER, "display_name": name, "organisation": orgs[key]},
        )
        if new:
            user.set_password(DEMO_PASSWORD)
        created["users"] += new

    volunteers: list[Volunteer] = []
    for index, (name, name_ar, country, org, langs, skills, interests) in enumerate(VOLUNTEERS):
        email = _email("volunteer") if index == 0 else f"volunteer{index:02d}@{DEMO_DOMAIN}"
        birth = date(1990 + rng.randrange(0, 14), rng.randrange(1, 13), rng.randrange(1, 29))
        volunteer, new = _get_or_create(
            Volunteer,
            {"email": email},
            {
                "full_name": name,
                "name_ar": name_ar,
                "nationality": country,
                "sending_organisation": orgs.get(org) if org else None,
                "status": VolunteerStatus.ACTIVE,
                "skills": skills,
                "interests": interests,
                "date_of_birth": birth,
                "available_from": today - timedelta(days=rng.randrange(0, 90)),
                "available_to": today + timedelta(days=rng.randrange(60, 240)),
                "emergency_contact_name": "Contact " + name.split()[0],
                "emergency_contact_phone": f"+33 6 12 34 {index:02d} {index * 3 % 100:02d}",
                "dietary_notes": ["Vegetarian", None, "No pork", None, "Gluten-free"][index % 5],
                "health_notes": "Asthma: inhaler" if index % 9 == 4 else None,
                "consent_date": date(2024, 1, 15) + timedelta(days=index * 11),
            },
        )
        if new:
            volunteer.languages = [
                VolunteerLanguage(code=code, level=LanguageLevel(level))
                for code, level in langs.items()
            ]
            created["volunteers"] += 1
        volunteers.append(volunteer)

    volunteer_user, new = _get_or_create(
        User,
        {"email": _email("volunteer")},
        {"role": Role.VOLUNTEER, "display_name": volunteers[0].full_name},
    )
    if new:
        volunteer_user.set_password(DEMO_PASSWORD)
        volunteers[0].user = volunteer_user
    created["users"] += new

    created["placements"], created["hours"] = _placements(
        today, rng, projects, volunteers, coordinator
    )
    db.session.flush()
    created["certificates"] = _certificates(today, coordinator)
    created["applications"] = _applications(today, projects, orgs, coordinator)
    created["testimonials"] = _testimonials(projects, volunteers, coordinator)
    if any(created.values()):
        audit.record(None, "demo.seed", coordinator, details=created)
    return created


# Which volunteers (indexes into VOLUNTEERS) are placed on which project; volunteer 0 is the
# demo volunteer, with a past placement (room-1) and a current one (room-2).
PLAN: dict[str, list[int]] = {
    "supplies": [3, 26, 16, 22],
    "attawhid": [5, 13, 27, 33, 10],
    "bike-racks": [7, 17, 30, 39],
    "room-1": [0, 2, 5, 12, 19, 23, 36],
    "maggamane-deco-1": [1, 6, 11, 18, 20, 38],
    "centre-renovation": [4, 10, 27, 29, 37],
    "room-2": [0, 13, 19, 23, 33, 36],
    "anwal": [9, 14, 24, 28, 31],
    "maggamane-deco-2": [6, 11, 18, 21, 32],
    "anwal-2": [8],
    "room-3": [15, 34],
    "attawhid-2": [25, 35],
}


def _placements(
    today: date,
    rng: random.Random,
    projects: dict[str, Project],
    volunteers: list[Volunteer],
    coordinator: User,
) -> tuple[int, int]:
    placements_made = hours_made = 0
    for key, members in PLAN.items():
        project = projects[key]
        for position, index in enumerate(members):
            volunteer = volunteers[index]
            # stagger arrivals a little; everyone stays within the project's dates
            offset = min(position * 3, max(project.days - 14, 0))
            start = project.start_date + timedelta(days=offset)
            end = project.end_date - timedelta(days=(position % 3) * 2)
            if project.end_date < today:
                status = PlacementStatus.COMPLETED
            elif project.start_date > today:
                status = (
                    PlacementStatus.CONFIRMED if position % 2 == 0 else PlacementStatus.PROPOSED
                )
            else:
                status = PlacementStatus.ACTIVE if start <= today else PlacementStatus.CONFIRMED
            placement, new = _get_or_create(
                Placement,
                {"volunteer_id": volunteer.id, "project_id": project.id, "start_date": start},
                {
                    "end_date": end,
                    "status": status,
                    "coordinator": coordinator,
                    "role": "Team lead" if position == 0 else "Volunteer",
                },
            )
            placements_made += new
            if new and status is PlacementStatus.CONFIRMED and position % 4 == 0:
                _arrival(placement, position)
            if new and status in (PlacementStatus.COMPLETED, PlacementStatus.ACTIVE):
                hours_made += _hours(placement, today, rng, coordinator)
    return placements_made, hours_made


#: Flights volunteers of the demo arrive on (number, local time).
_FLIGHTS = (("AT 801", time(14, 35)), ("FR 2618", time(11, 50)), ("TO 3432", time(17, 20)))


def _arrival(placement: Placement, position: int) -> None:
    """Travel details for a confirmed demo placement: a flight the day before the first day,
    picked up at the site's first airport, back on the last day."""
    from aljisr.arrivals.models import ArrivalDetails, TravelMode

    points = placement.project.site.transport_point_list
    number, at = _FLIGHTS[position % len(_FLIGHTS)]
    db.session.add(ArrivalDetails(
        placement_id=placement.id, arrival_date=placement.start_date - timedelta(days=1),
        arrival_time=at, arrival_mode=TravelMode.FLIGHT, arrival_number=number,
        arrival_point=points[0] if points else None, pickup_needed=bool(points),
        departure_date=placement.end_date, departure_time=time(9, 40),
        departure_mode=TravelMode.FLIGHT, departure_number=number.replace("801", "800"),
        insurance_provider="AXA Assistance", insurance_policy=f"TRV-2026-{placement.id:05d}",
        insurance_valid_until=placement.end_date + timedelta(days=7),
    ))


def _hours(placement: Placement, today: date, rng: random.Random, reviewer: User) -> int:
    """Weekday hours entries: approved in the past, the last week still submitted."""
    made = 0
    day = placement.start_date
    last = min(placement.end_date, today - timedelta(days=1))
    activities = [
        "Site preparation",
        "Painting classrooms",
        "Workshop with pupils",
        "Building work",
        "Cleaning and tidying",
        "Planning with teachers",
    ]
    while day <= last:
        if day.weekday() < 5 and rng.random() < 0.8:
            recent = (today - day).days <= 7
            db.session.add(
                HoursEntry(
                    placement=placement,
                    volunteer_id=placement.volunteer_id,
                    work_date=day,
                    hours=Decimal(rng.choice(["3", "4", "5", "6", "6.5"])),
                    activity=rng.choice(activities),
                    status=HoursStatus.SUBMITTED if recent else HoursStatus.APPROVED,
                    reviewed_by_id=None if recent else reviewer.id,
                )
            )
            made += 1
        day += timedelta(days=1)
    return made


#: What volunteers did, by project theme, in each certificate language (printed as typed).
CONTRIBUTIONS: dict[Theme, dict[str, str]] = {
    Theme.CONSTRUCTION: {
        "en": "Building, plastering and painting work alongside local craftsmen",
        "fr": "Travaux de maçonnerie, d’enduit et de peinture aux côtés d’artisans locaux",
        "ar": "أشغال البناء والتلبيس والصباغة إلى جانب الحرفيين المحليين",
    },
    Theme.EDUCATION: {
        "en": "Receiving, sorting and handing out school supplies to pupils",
        "fr": "Réception, tri et distribution de fournitures scolaires aux élèves",
        "ar": "استلام اللوازم المدرسية وفرزها وتوزيعها على التلاميذ",
    },
    Theme.ENVIRONMENT: {
        "en": "Making and installing bicycle parking racks",
        "fr": "Fabrication et installation de parcs à vélos",
        "ar": "صنع وتركيب مواقف الدراجات الهوائية",
    },
    Theme.CULTURE: {
        "en": "Painting murals and decorating classrooms with pupils",
        "fr": "Peinture de fresques et décoration des classes avec les élèves",
        "ar": "رسم الجداريات وتزيين الأقسام مع التلاميذ",
    },
}


def _certificates(today: date, coordinator: User) -> int:
    """Certificates for the completed placements that have no valid one (idempotent), in
    English, French and Arabic in turn (Arabic ones of Moroccan volunteers bilingual, without
    a contribution text), issued by the coordinator ten days after each placement ended."""
    from aljisr.certificates.models import CertificateKind
    from aljisr.certificates.queries import valid_certificate_for
    from aljisr.certificates.services import issue_certificate
    from aljisr.hours.queries import approved_totals_by_placement

    completed = db.session.scalars(
        sa.select(Placement)
        .where(Placement.status == PlacementStatus.COMPLETED)
        .order_by(Placement.id)
    ).all()
    totals = approved_totals_by_placement(p.id for p in completed)
    made = 0
    for index, placement in enumerate(completed):
        if valid_certificate_for(placement) is not None:
            continue
        language = ("en", "fr", "ar")[index % 3]
        bilingual = language == "ar" and placement.volunteer.nationality == "MA"
        issue_certificate(
            placement,
            actor=coordinator,
            language=language,
            kind=CertificateKind.HOURS if totals[placement.id] > 0
            else CertificateKind.PARTICIPATION,
            bilingual=bilingual,
            # one text prints in both columns of a bilingual certificate: leave it out there
            contribution=None if bilingual
            else CONTRIBUTIONS.get(placement.project.theme, {}).get(language),
            today=min(placement.end_date + timedelta(days=10), today),
        )
        made += 1
    return made


#: Demo applications from the public form: names in several scripts, each in the language the
#: applicant used, in every status (name, Arabic name, e-mail, nationality, locale, languages,
#: sending organisation key, status, motivation).
APPLICATIONS: list[tuple[Any, ...]] = [
    ("Salma Benjelloun", "سلمى بنجلون", "salma.benjelloun@example.org", "MA", "ar",
     {"ar": "native", "fr": "C1", "en": "B1"}, None, ApplicationStatus.NEW,
     "أدرّس اللغة العربية للأطفال وأودّ أن أساعد في مكتبة المدرسة خلال العطلة الصيفية."),
    ("Élise Lefèvre-Núñez", None, "elise.lefevre@example.org", "FR", "fr",
     {"fr": "native", "es": "B2", "en": "B2"}, "send-fr", ApplicationStatus.NEW,
     "Étudiante en sciences de l'éducation, je souhaite animer des ateliers de lecture et "
     "peindre les salles de classe."),
    ("山田 花子", None, "hanako.yamada@example.org", "JP", "en",
     {"ja": "native", "en": "B2"}, "send-jp", ApplicationStatus.IN_REVIEW,
     "I teach origami and would love to share it with pupils while learning some Darija."),
    ("Jonas Björk", None, "jonas.bjork@example.org", "SE", "en",
     {"sv": "native", "en": "C1", "fr": "A2"}, None, ApplicationStatus.DECLINED,
     "Carpenter, available for two weeks to build shelves and bike racks."),
    ("Mariam Al-Sayed", "مريم السيد", "mariam.alsayed@example.org", "EG", "ar",
     {"ar": "native", "en": "B2"}, None, ApplicationStatus.WITHDRAWN,
     "أرغب في المشاركة في مشروع بيئي مع التلاميذ."),
]


def _applications(today: date, projects: dict[str, Project], orgs: dict[str, Organisation],
                  coordinator: User) -> int:
    """The demo applications (:data:`APPLICATIONS`), confirmed, on the open projects (or the
    latest ones when none is open); returns how many were created."""
    open_ = [p for p in projects.values() if p.status is ProjectStatus.OPEN]
    chosen = (open_ or sorted(projects.values(), key=lambda p: p.start_date)[-2:])[:2]
    created = 0
    now = utcnow()
    for index, (name, name_ar, email, country, locale, langs, org, status,
                motivation) in enumerate(APPLICATIONS):
        if db.session.scalar(sa.select(Application.id).where(Application.email == email)):
            continue
        sent = now - timedelta(days=3 + index * 4)
        open_status = status in (ApplicationStatus.NEW, ApplicationStatus.IN_REVIEW)
        application = Application(
            full_name=name, name_ar=name_ar, email=email,
            open_email=email if open_status else None, nationality=country, locale=locale,
            languages=langs, skills=[], interests=[Theme.EDUCATION.value],
            available_from=today + timedelta(days=20), available_to=today + timedelta(days=100),
            sending_organisation=orgs.get(org) if org else None, motivation=motivation,
            heard_from="sending_organisation" if org else "search", status=status,
            consent_version=CONSENT_VERSION, consent_at=sent, confirmed_at=sent,
            testimonial_consent=index % 2 == 0, link_version=1,
            date_of_birth=date(1995 + index, 1 + index, 10 + index),
        )
        application.preferences = [ApplicationProject(rank=rank, project=project)
                                   for rank, project in enumerate(chosen, start=1)]
        if status is ApplicationStatus.IN_REVIEW:
            application.reviewed_at = sent + timedelta(days=1)
        if status is ApplicationStatus.DECLINED:
            application.decided_at = sent + timedelta(days=2)
            application.decided_by_id = coordinator.id
            application.decline_reason = "No place left on these dates; please apply again."
        if status is ApplicationStatus.WITHDRAWN:
            application.withdrawn_at = sent + timedelta(days=1)
        db.session.add(application)
        created += 1
    db.session.flush()
    return created
# (project key, volunteer index, language, signature, published, text): what volunteers of
# past projects wrote, each in their own language and script.
TESTIMONIALS: list[tuple[str, int, str, str, bool, str]] = [
    ("maggamane-deco-1", 1, "fr", "first_name_country", True,
     "Trois mois à peindre des fresques avec les élèves de l'école de Maggamane : je ne "
     "pensais pas qu'un mur pouvait rassembler autant de monde. Les enfants venaient nous "
     "montrer leurs dessins le matin, et nous choisissions ensemble ce qui irait sur le mur."
     "\n\nL'équipe de l'association a été présente du premier au dernier jour, pour le "
     "logement comme pour les petits soucis. Je repars avec un peu de darija et beaucoup de "
     "souvenirs."),
    ("supplies", 26, "ar", "full_name", True,
     "شاركت في استلام اللوازم المدرسية وتوزيعها على التلاميذ خلال الجائحة. رأيت الفرحة في "
     "عيون الأطفال حين تسلّموا محافظهم ودفاترهم الجديدة، وشعرت أن عملاً بسيطاً يمكن أن يصنع "
     "فرقاً كبيراً.\n\nتعلّمت الكثير من المتطوعين القادمين من بلدان أخرى، وتعلّموا منا "
     "بدورهم. أنصح كل شاب وشابة بخوض هذه التجربة."),
    ("bike-racks", 17, "en", "full_name", True,
     "I had welded at college but never outside a workshop. At Mohamed 5 high school we built "
     "the racks with the pupils, who soon knew the welding mask better than I did.\n\nEvery "
     "morning there are now bikes in those racks. The coordinators made sure we were safe and "
     "well fed, and the tea breaks with the teachers were the best part of the day."),
    ("maggamane-deco-1", 18, "ja", "full_name", True,
     "小学校の子どもたちと一緒に壁画を描きました。言葉が通じなくても、絵の具と笑顔で十分に"
     "伝わることを知りました。\n\n協会のスタッフはいつも親切で、週末にはモロッコの文化や"
     "料理も教えてくれました。また必ず戻りたいです。"),
    ("supplies", 22, "uk", "first_name_country", True,
     "Ми приймали й розбирали шкільне приладдя, а потім роздавали його учням. Найбільше "
     "запам'ятався день, коли діти вперше розгорнули нові зошити.\n\nДякую команді асоціації "
     "за підтримку та тепло. Це був мій перший волонтерський досвід за кордоном, і точно не "
     "останній."),
    ("attawhid", 5, "de", "first_name_country", True,
     "Zwei Monate lang haben wir an der Attawhid-Schule Wände ausgebessert und Klassenzimmer "
     "gestrichen. Die Eltern der Schüler haben mitgearbeitet und uns oft zum Essen "
     "eingeladen.\n\nIch habe mehr über Marokko gelernt als aus jedem Reiseführer. Die "
     "Betreuung durch den Verein war herzlich und gut organisiert."),
    ("maggamane-deco-1", 11, "es", "anonymous", False,
     "Pintar murales con los niños fue una experiencia preciosa. Cada día aprendíamos palabras "
     "nuevas en árabe y en francés.\n\nRecomiendo este proyecto a cualquiera que quiera "
     "conocer Marruecos desde dentro."),
    ("attawhid", 13, "en", "first_name_country", False,
     "Hard work in the summer heat, but the school looked new by the end, and the team spirit "
     "kept us going.\n\nI would go back tomorrow."),
]


def _testimonials(projects: dict[str, Project], volunteers: list[Volunteer],
                  coordinator: User) -> int:
    """The demo testimonials on completed placements (idempotent: one per placement), most
    published by the coordinator, two waiting for review."""
    from aljisr.database import utcnow
    from aljisr.testimonials.models import Signature, Testimonial, TestimonialStatus

    made = 0
    for key, index, language, signature, published, text in TESTIMONIALS:
        placement = db.session.scalar(sa.select(Placement).where(
            Placement.volunteer_id == volunteers[index].id,
            Placement.project_id == projects[key].id,
            Placement.status == PlacementStatus.COMPLETED))
        if placement is None or db.session.scalar(
                sa.select(Testimonial.id).where(Testimonial.placement_id == placement.id)):
            continue
        db.session.add(Testimonial(
            volunteer_id=placement.volunteer_id, placement_id=placement.id,
            project_id=placement.project_id, language=language, body=text,
            signature=Signature(signature),
            status=TestimonialStatus.PUBLISHED if published else TestimonialStatus.SUBMITTED,
            decided_by_id=coordinator.id if published else None,
            decided_at=utcnow() if published else None))
        made += 1
    db.session.flush()
    return made
