"""A project's rules for one placement: the one definition the season planner, a single
proposal and matching all use (docs/architecture.md §6.24).

Pure functions on plain values (no database, no Flask at import: the planner's solver imports
them): each answers a :class:`Broken` (the rule and its detail) or None when the rule holds.
Dates are inclusive. The codes are the planner's :class:`~aljisr.planner.solver.Why` values.

* minimum stay: a project with ``min_stay`` days takes a placement of that many days or more;
  one without a minimum stay needs the volunteer for its whole open span (the planner's rule,
  :func:`stay_broken` with ``whole_span=True``; see §6.24 for one-by-one proposals);
* languages: every required language spoken at :data:`USABLE_RANK` (B1) or better;
* minimum age on the placement's first day (no date of birth: the rule cannot be checked);
* most volunteers of one nationality: the project's live placements not over by its first
  open day (today for a running project) are counted, as the planner counts them.

The gender margin is a balance of the whole team, not a rule of one placement: only the
planner keeps it (§6.24).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

#: A language counts from this rank of :class:`~aljisr.volunteers.models.LanguageLevel`
#: (B1, the CEFR "independent user"); a number so that this module imports no model.
USABLE_RANK = 2

DATES = "dates"
SHORT_STAY = "short_stay"
LANGUAGE = "language"
AGE = "age"
AGE_UNKNOWN = "age_unknown"
NATIONALITY_QUOTA = "nationality_quota"

#: The form field a broken rule is shown beside on a proposal.
FIELDS = {DATES: "start_date", SHORT_STAY: "end_date", LANGUAGE: "volunteer", AGE: "volunteer",
          AGE_UNKNOWN: "volunteer", NATIONALITY_QUOTA: "volunteer"}


@dataclass(frozen=True, slots=True)
class Broken:
    """A rule a placement breaks: ``rule`` one of the codes above, ``detail`` what it needs
    (the minimum stay or age as text, the missing language codes, the quota)."""

    rule: str
    detail: tuple[str, ...] = ()

    @property
    def field(self) -> str:
        return FIELDS[self.rule]


def age_on(born: date, day: date) -> int:
    """Whole years from ``born`` to ``day``."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def stay_broken(min_stay: int | None, first: date, last: date, open_first: date,
                open_last: date, *, whole_span: bool = True) -> Broken | None:
    """Whether ``first``..``last`` is long enough on a project open ``open_first``..
    ``open_last``: ``min_stay`` days or more; without a minimum stay, the whole open span
    (``whole_span``, the planner) or any length (``whole_span=False``)."""
    if min_stay is None:
        if whole_span and (first != open_first or last != open_last):
            return Broken(DATES, ("whole_span",))
        return None
    if first > last:
        return Broken(DATES)
    if (last - first).days + 1 < min_stay:
        return Broken(SHORT_STAY, (str(min_stay),))
    return None


def missing_languages(required: Iterable[str], ranks: Mapping[str, int]) -> list[str]:
    """The required language codes not spoken at :data:`USABLE_RANK` or better, sorted
    (``ranks``: code -> level rank, 0 A1 to 6 native)."""
    return sorted(c for c in required if ranks.get(c, -1) < USABLE_RANK)


def languages_broken(required: Iterable[str], ranks: Mapping[str, int]) -> Broken | None:
    missing = missing_languages(required, ranks)
    return Broken(LANGUAGE, tuple(missing)) if missing else None


def age_broken(min_age: int | None, born: date | None, first: date) -> Broken | None:
    """The minimum age on the placement's first day ``first``."""
    if min_age is None:
        return None
    if born is None:
        return Broken(AGE_UNKNOWN, (str(min_age),))
    if age_on(born, first) < min_age:
        return Broken(AGE, (str(min_age),))
    return None


def over_nationality_quota(quota: int, before: int, added: int) -> bool:
    """Whether ``added`` more volunteers of a nationality that already has ``before`` on the
    project break ``quota``: the count may reach the quota, and a project already over it
    (the quota set later) may keep what it has but take no more."""
    return before + added > max(quota, before)


def nationality_room(quota: int, before: int) -> int:
    """How many more of a nationality with ``before`` on the project the quota lets in."""
    return max(0, quota - before)


def nationality_broken(quota: int | None, nationality: str | None, before: int
                       ) -> Broken | None:
    """One more volunteer of ``nationality`` (None: unknown, never counted) on a project that
    has ``before`` of it (:func:`over_nationality_quota`)."""
    if quota is None or not nationality or not over_nationality_quota(quota, before, 1):
        return None
    return Broken(NATIONALITY_QUOTA, (str(quota),))


def message(broken: Broken, name: str = "") -> str:
    """``broken`` as a translated sentence about the volunteer called ``name``."""
    from aljisr.i18n import _, ngettext
    from aljisr.templating import language_name

    detail = broken.detail
    if broken.rule == DATES:
        return _("This project has no minimum stay: it needs its volunteers for its whole "
                 "span, from its first open day to its last")
    if broken.rule == SHORT_STAY:
        return ngettext("The project's minimum stay is %(num)d day",
                        "The project's minimum stay is %(num)d days", int(detail[0]))
    if broken.rule == LANGUAGE:
        return _("%(name)s does not speak %(languages)s at B1 or better, which the project "
                 "requires", name=name,
                 languages=_(", ").join(language_name(c) for c in detail))
    if broken.rule == AGE:
        return ngettext("%(name)s is younger than the project's minimum age (%(num)d year) "
                        "on the first day",
                        "%(name)s is younger than the project's minimum age (%(num)d years) "
                        "on the first day", int(detail[0]), name=name)
    if broken.rule == AGE_UNKNOWN:
        return _("%(name)s has no date of birth, and the project sets a minimum age",
                 name=name)
    return ngettext("The project already has its most volunteers of this nationality "
                    "(%(num)d)",
                    "The project already has its most volunteers of this nationality "
                    "(%(num)d)", int(detail[0]))


__all__ = [
    "USABLE_RANK",
    "Broken",
    "age_broken",
    "age_on",
    "languages_broken",
    "message",
    "missing_languages",
    "nationality_broken",
    "nationality_room",
    "over_nationality_quota",
    "stay_broken",
]
