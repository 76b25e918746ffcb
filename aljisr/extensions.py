"""Flask extensions, created unbound; ``create_app`` binds them (no config read at import)."""

from __future__ import annotations

from typing import Any

import click
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_talisman import Talisman
from flask_wtf.csrf import CSRFProtect

from aljisr.database import Base

db = SQLAlchemy(model_class=Base)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
talisman = Talisman()


class _DbCommands(click.Group):
    """``flask db``: Flask-Migrate's command group, loaded when a command of it runs. Its
    options (``-d``, ``-x``) are Flask-Migrate's, and its callback runs Flask-Migrate's own,
    which keeps them in ``g`` for the subcommands (without it every ``flask db`` command
    failed with ``AttributeError: directory``)."""

    def __init__(self, name: str, **kwargs: Any) -> None:
        super().__init__(name, params=[
            click.Option(["-d", "--directory"], default=None,
                         help='Migration script directory (default is "migrations")'),
            click.Option(["-x", "--x-arg"], multiple=True,
                         help="Additional arguments consumed by custom env.py scripts"),
        ], callback=self._configure, **kwargs)

    @classmethod
    def _configure(cls, **options: Any) -> Any:
        return click.get_current_context().invoke(cls._group().callback, **options)

    @staticmethod
    def _group() -> click.Group:
        from flask_migrate.cli import db as group

        return group

    def list_commands(self, ctx: click.Context) -> list[str]:
        return self._group().list_commands(ctx)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        return self._group().get_command(ctx, name)


class _MigrateOnUse:
    """Stands for Flask-Migrate's ``app.extensions["migrate"]`` until something reads it:
    then Flask-Migrate is bound to the app for real (its own object replaces this one)."""

    def __init__(self, app: Any, db: Any, kwargs: dict[str, Any]) -> None:
        self._app, self._db, self._kwargs = app, db, kwargs

    def __getattr__(self, name: str) -> Any:
        from flask_migrate import Migrate

        Migrate(self._app, self._db, **self._kwargs)
        return getattr(self._app.extensions["migrate"], name)


class LazyMigrate:
    """Flask-Migrate, imported only when a migration runs (``flask db``, ``init-db``,
    ``restore``, the tests): importing it brings Alembic, about 11 MB in every web worker,
    which never migrates. Same settings as ``Migrate.init_app``."""

    def init_app(self, app: Any, db: Any, **kwargs: Any) -> None:
        app.extensions["migrate"] = _MigrateOnUse(app, db, kwargs)
        app.cli.add_command(_DbCommands("db", help="Database migrations (Flask-Migrate)."))


migrate = LazyMigrate()
