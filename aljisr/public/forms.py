"""The public catalogue's filters: a plain GET form (it works without JavaScript, and each
choice has its own address a search engine or a friend can open)."""

from __future__ import annotations

from datetime import date
from typing import Any

import babel.dates
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from aljisr.formfields import FilterSelectField, optional_int
from aljisr.forms import AppForm
from aljisr.i18n import _, _l, get_locale
from aljisr.projects.models import SDG_TITLES, THEME_TITLES, Project, Theme
from aljisr.public.queries import CatalogueFilters


def _month_value(value: str | None) -> date | None:
    """"2027-07" (a choice of the month filter) -> date(2027, 7, 1); None -> None."""
    if not value:
        return None
    year, month = value.split("-")
    return date(int(year), int(month), 1)


def months_spanned(projects: list[Project], today: date) -> list[date]:
    """The first day of each month, from ``today``'s on, in which one of ``projects`` runs."""
    months: set[date] = set()
    for project in projects:
        current = max(project.start_date, today).replace(day=1)
        while current <= project.end_date:
            months.add(current)
            current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return sorted(months)


class CatalogueFilterForm(AppForm):
    """The filters of the open projects catalogue (GET, no CSRF); a value not in the list
    (an old or hand-edited link) shows a message beside its field and is ignored."""

    class Meta:
        csrf = False

    theme = FilterSelectField(_l("Theme"), validators=[Optional()])
    sdg = FilterSelectField(_l("Sustainable Development Goal"), coerce=optional_int,
                            validators=[Optional()])
    site = FilterSelectField(_l("Site"), coerce=optional_int, validators=[Optional()])
    month = FilterSelectField(_l("Month"), validators=[Optional()])
    language = FilterSelectField(_l("Language needed"), validators=[Optional()])

    def offer(self, projects: list[Project], today: date, language: str,
              language_name: Any) -> None:
        """Fill the choices from the open ``projects`` (only values that find something),
        named in ``language``; ``language_name`` names an ISO 639-1 code."""
        locale = get_locale() or "en"
        self.theme.choices = [SelectChoice("", _("Any theme"))] + [
            SelectChoice(t.value, str(title)) for t, title in THEME_TITLES.items()
            if any(p.theme is t for p in projects)]
        goals = sorted({goal for p in projects for goal in p.sdgs})
        self.sdg.choices = [SelectChoice("", _("Any goal"))] + [
            SelectChoice(goal, f"{goal}. {SDG_TITLES[goal]}") for goal in goals]
        sites = {p.site.id: p.site.name_in(language) for p in projects}
        self.site.choices = [SelectChoice("", _("Any site"))] + [
            SelectChoice(i, name) for i, name in sorted(sites.items(), key=lambda s: s[1])]
        self.month.choices = [SelectChoice("", _("Any month"))] + [
            SelectChoice(m.strftime("%Y-%m"),
                         babel.dates.format_skeleton("yMMMM", m, locale=locale))
            for m in months_spanned(projects, today)]
        codes = sorted({code for p in projects for code in p.required_languages or ()},
                       key=language_name)
        self.language.choices = [SelectChoice("", _("Any language"))] + [
            SelectChoice(code, language_name(code)) for code in codes]

    def chosen(self) -> CatalogueFilters:
        """The valid choices as :class:`CatalogueFilters` (a field in error is no filter)."""
        def value(field: Any) -> Any:
            return None if field.errors or field.data in (None, "") else field.data

        theme = value(self.theme)
        return CatalogueFilters(theme=Theme(theme) if theme else None, sdg=value(self.sdg),
                                site_id=value(self.site), month=_month_value(value(self.month)),
                                language=value(self.language))
