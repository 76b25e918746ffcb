"""User accounts: one login, one role; partner users belong to one organisation."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask import current_app
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates
from werkzeug.security import check_password_hash, generate_password_hash

from aljisr.database import TimestampMixin, UTCDateTime, enum_column
from aljisr.extensions import db
from aljisr.permissions import Role
from aljisr.text import clean_email, clean_text

if TYPE_CHECKING:
    from aljisr.organisations.models import Organisation
    from aljisr.volunteers.models import Volunteer


class User(UserMixin, TimestampMixin, db.Model):
    """A login. ``email`` is stored trimmed and lower-cased and is unique on that value."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(200))
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(enum_column(Role, name="user_role"))
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    locale: Mapped[str | None] = mapped_column(sa.String(8))
    active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    #: Bumped to end every session of this user (password change, logout everywhere).
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")
    #: Bumped each time an invitation or reset link is sent or used: older links stop working.
    token_version: Mapped[int] = mapped_column(default=0, server_default="0")
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    organisation: Mapped[Organisation | None] = relationship(back_populates="users")
    volunteer: Mapped[Volunteer | None] = relationship(back_populates="user", uselist=False)

    __table_args__ = (
        sa.CheckConstraint(
            "role != 'partner' OR organisation_id IS NOT NULL", name="partner_has_organisation"
        ),
    )

    @validates("email")
    def _clean_email(self, _key: str, value: str) -> str | None:
        return clean_email(value)

    @validates("display_name")
    def _clean_name(self, _key: str, value: str) -> str | None:
        return clean_text(value)

    def set_password(self, password: str) -> None:
        """Store a salted hash of ``password`` with the ``PASSWORD_HASH_METHOD`` setting
        (werkzeug's scrypt by default; the test suite sets a one-round PBKDF2 to stay fast)."""
        self.password_hash = generate_password_hash(
            password, method=current_app.config["PASSWORD_HASH_METHOD"]
        )

    def check_password(self, password: str) -> bool:
        """Return whether ``password`` matches; always False for accounts without one."""
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    def get_id(self) -> str:
        """Flask-Login session id ``"<id>.<session_version>"``: bumping the version logs out."""
        return f"{self.id}.{self.session_version}"

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.active

    @property
    def is_staff(self) -> bool:
        """Coordinators and admins: they see every record."""
        return self.role in (Role.ADMIN, Role.COORDINATOR)

    @property
    def is_host_partner(self) -> bool:
        from aljisr.organisations.models import OrganisationKind

        return (
            self.role is Role.PARTNER
            and self.organisation is not None
            and self.organisation.kind is OrganisationKind.HOST
        )

    @property
    def is_sending_partner(self) -> bool:
        from aljisr.organisations.models import OrganisationKind

        return (
            self.role is Role.PARTNER
            and self.organisation is not None
            and self.organisation.kind is OrganisationKind.SENDING
        )

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role.value}>"
