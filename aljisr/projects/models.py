"""Projects: a piece of work at one site, possibly a phase of a parent project."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from aljisr.database import TimestampMixin, UTCDateTime, enum_column
from aljisr.extensions import db
from aljisr.i18n import _l, in_language, in_language_sql
from aljisr.text import clean_text, search_key

if TYPE_CHECKING:
    from aljisr.organisations.models import Organisation
    from aljisr.placements.models import Placement
    from aljisr.sites.models import Site


class Theme(enum.StrEnum):
    EDUCATION = "education"
    ENVIRONMENT = "environment"
    CONSTRUCTION = "construction"
    CULTURE = "culture"
    SOCIAL = "social"

    @property
    def title(self) -> str:
        return str(THEME_TITLES[self])


THEME_TITLES = {
    Theme.EDUCATION: _l("Education"),
    Theme.ENVIRONMENT: _l("Environment"),
    Theme.CONSTRUCTION: _l("Construction and renovation"),
    Theme.CULTURE: _l("Culture"),
    Theme.SOCIAL: _l("Social"),
}


class ProjectStatus(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CANCELLED = "cancelled"

    @property
    def title(self) -> str:
        return str(PROJECT_STATUS_TITLES[self])


PROJECT_STATUS_TITLES = {
    ProjectStatus.DRAFT: _l("Draft"),
    ProjectStatus.OPEN: _l("Open"),
    ProjectStatus.IN_PROGRESS: _l("In progress"),
    ProjectStatus.COMPLETED: _l("Completed"),
    ProjectStatus.CANCELLED: _l("Cancelled"),
}

#: The 17 UN Sustainable Development Goals (Resolution A/RES/70/1), numbered 1-17.
SDG_TITLES = {
    1: _l("No poverty"),
    2: _l("Zero hunger"),
    3: _l("Good health and well-being"),
    4: _l("Quality education"),
    5: _l("Gender equality"),
    6: _l("Clean water and sanitation"),
    7: _l("Affordable and clean energy"),
    8: _l("Decent work and economic growth"),
    9: _l("Industry, innovation and infrastructure"),
    10: _l("Reduced inequalities"),
    11: _l("Sustainable cities and communities"),
    12: _l("Responsible consumption and production"),
    13: _l("Climate action"),
    14: _l("Life below water"),
    15: _l("Life on land"),
    16: _l("Peace, justice and strong institutions"),
    17: _l("Partnerships for the goals"),
}


class ProjectSDG(db.Model):
    """One SDG tag (1-17) of a project."""

    __tablename__ = "project_sdgs"

    project_id: Mapped[int] = mapped_column(
        sa.ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    goal: Mapped[int] = mapped_column(sa.SmallInteger, primary_key=True)

    __table_args__ = (sa.CheckConstraint("goal BETWEEN 1 AND 17", name="goal_range"),)


class Project(TimestampMixin, db.Model):
    """A project at one site for an inclusive date range, taking ``capacity`` volunteers a day."""

    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: As the association writes it: printed in English, and wherever no form for the
    #: language is given.
    title: Mapped[str] = mapped_column(sa.String(300))
    #: The title in French and in Arabic, when it is written differently.
    title_fr: Mapped[str | None] = mapped_column(sa.String(300))
    title_ar: Mapped[str | None] = mapped_column(sa.String(300))
    description: Mapped[str | None] = mapped_column(sa.Text)
    #: What the public site says of the project, in English, French and Arabic (any may be
    #: empty: the public page then shows the first one written, in its own language).
    public_description: Mapped[str | None] = mapped_column(sa.Text)
    public_description_fr: Mapped[str | None] = mapped_column(sa.Text)
    public_description_ar: Mapped[str | None] = mapped_column(sa.Text)
    #: Whether the public site may name the funder (some funders ask not to be named).
    funder_public: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    site_id: Mapped[int] = mapped_column(
        sa.ForeignKey("sites.id", ondelete="RESTRICT"), index=True
    )
    #: The funder (an organisation of kind "funder") that finances or supports it, if any.
    funder_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    #: The parent project when this is a phase ("first step", "second step").
    parent_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("projects.id", ondelete="RESTRICT"), index=True
    )
    phase_number: Mapped[int | None] = mapped_column(sa.SmallInteger)
    theme: Mapped[Theme] = mapped_column(enum_column(Theme, name="project_theme"), index=True)
    status: Mapped[ProjectStatus] = mapped_column(
        enum_column(ProjectStatus, name="project_status"), default=ProjectStatus.DRAFT, index=True
    )
    start_date: Mapped[date]
    end_date: Mapped[date]
    #: Most volunteers on the project on any single day (docs/architecture.md §2.3).
    capacity: Mapped[int]
    #: Free-text skill names, e.g. ["carpentry", "painting"]; compared case-insensitively.
    required_skills: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    #: ISO 639-1 codes of languages the work needs, e.g. ["fr", "ar"].
    required_languages: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    #: Quotas the season planner keeps (None: not set), as PLATO's project records carry them:
    #: youngest age on the first day, shortest stay in days (None: the whole span), most
    #: volunteers of one nationality, most women over men or men over women.
    min_age: Mapped[int | None] = mapped_column(sa.SmallInteger)
    min_stay_days: Mapped[int | None] = mapped_column(sa.SmallInteger)
    max_per_nationality: Mapped[int | None] = mapped_column(sa.SmallInteger)
    gender_margin: Mapped[int | None] = mapped_column(sa.SmallInteger)
    #: Printed on the pre-arrival infosheet: "Monday to Friday", "9:00-12:30, 14:30-17:00".
    working_days: Mapped[str | None] = mapped_column(sa.String(200))
    working_hours: Mapped[str | None] = mapped_column(sa.String(200))
    what_to_bring: Mapped[str | None] = mapped_column(sa.Text)
    search_key: Mapped[str] = mapped_column(sa.String(600), default="", index=True)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    site: Mapped[Site] = relationship(back_populates="projects")
    funder: Mapped[Organisation | None] = relationship()
    parent: Mapped[Project | None] = relationship(remote_side=[id], back_populates="phases")
    phases: Mapped[list[Project]] = relationship(
        back_populates="parent", order_by="Project.phase_number"
    )
    sdg_tags: Mapped[list[ProjectSDG]] = relationship(
        cascade="all, delete-orphan", order_by=ProjectSDG.goal
    )
    placements: Mapped[list[Placement]] = relationship(back_populates="project")

    __table_args__ = (
        sa.CheckConstraint("end_date >= start_date", name="dates_ordered"),
        sa.CheckConstraint("capacity >= 1", name="capacity_positive"),
        sa.Index("ix_projects_dates", "start_date", "end_date"),
    )

    @validates("title", "title_fr", "title_ar")
    def _clean_title(self, key: str, value: str | None) -> str | None:
        value = clean_text(value)
        titles = {"title": self.title, "title_fr": self.title_fr, "title_ar": self.title_ar}
        titles[key] = value
        self.search_key = search_key(*titles.values())
        return value

    def title_in(self, language: str) -> str:
        """The title in ``language`` ("en", "fr", "ar"): its French or Arabic form when one
        is given, else :attr:`title`."""
        return in_language(language, self.title, fr=self.title_fr, ar=self.title_ar)

    def public_description_in(self, language: str) -> tuple[str, str] | None:
        """The public description for a reader of ``language``, as ``(language, text)``: the
        one written in ``language``, else another (French first for an Arabic reader, as in
        Morocco, else English first; the page marks the text with its own language); None when
        none is written."""
        texts = {"en": self.public_description, "fr": self.public_description_fr,
                 "ar": self.public_description_ar}
        for code in (language, *(("fr", "en") if language == "ar" else ("en", "fr", "ar"))):
            if texts.get(code):
                return code, texts[code]  # type: ignore[return-value]
        return None

    @classmethod
    def title_sql(cls, language: str) -> Any:
        """:meth:`title_in` as an SQL expression, for queries that select titles."""
        return in_language_sql(language, cls.title, fr=cls.title_fr, ar=cls.title_ar)

    @property
    def sdgs(self) -> list[int]:
        """SDG numbers, ascending."""
        return [t.goal for t in self.sdg_tags]

    @sdgs.setter
    def sdgs(self, goals: list[int]) -> None:
        wanted = sorted(set(goals))
        self.sdg_tags = [t for t in self.sdg_tags if t.goal in wanted] + [
            ProjectSDG(goal=g) for g in wanted if g not in self.sdgs
        ]

    @property
    def days(self) -> int:
        """Length in days, both ends included."""
        return (self.end_date - self.start_date).days + 1

    def __repr__(self) -> str:
        return f"<Project {self.id} {self.title!r}>"
