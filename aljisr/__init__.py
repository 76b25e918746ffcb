"""aljisr: the placement system of the Al Jisr Association.

``create_app()`` reads like a table of contents: each ``register_*`` step is a few lines.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask, g, request

from aljisr.config import check_secret_key, load_config

ROOT = Path(__file__).resolve().parent.parent

#: Every asset is served by the app itself (offline use), so nothing else is allowed.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "img-src": ["'self'", "data:"],
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the application.

    :param test_config: settings applied last, over defaults, ``instance/config.py`` and the
        ``ALJISR_*`` environment.
    :raises aljisr.config.ConfigurationError: when the configuration is unsafe (no SECRET_KEY).
    """
    app = Flask(
        __name__,
        instance_relative_config=True,
        instance_path=os.environ.get("ALJISR_INSTANCE_PATH", str(ROOT / "instance")),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    load_config(app, test_config)
    check_secret_key(app)
    os.makedirs(app.instance_path, exist_ok=True)
    register_extensions(app)
    register_blueprints(app)
    register_audit_wording()
    register_request_hooks(app)
    register_templating(app)
    register_error_pages(app)
    register_commands(app)
    trust_proxies(app)
    return app


def trust_proxies(app: Flask) -> None:
    """Read the client's address and scheme from ``TRUSTED_PROXIES`` reverse proxies'
    ``X-Forwarded-*`` headers (Werkzeug's ProxyFix); nothing when it is 0."""
    count = int(app.config["TRUSTED_PROXIES"])
    if count:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=count, x_proto=count, x_host=count, x_port=count)


def _sign_in_first() -> Any:
    """Send an anonymous visitor to the sign-in page, then back. A form sent after the session
    ended (signed out in another tab) is not saved: say so, rather than the usual notice."""
    from flask import flash, redirect, request, url_for

    from aljisr.i18n import _

    if request.method == "POST":
        flash(_("Your session ended before this form was sent, so it was not saved. Sign in, "
                "then make the change again."), "warning")
    else:
        flash(_("Please sign in to see this page."), "info")
    target = request.full_path.rstrip("?") if request.method == "GET" else request.path
    return redirect(url_for("auth.login", next=target))  # the login page checks it is ours


def register_extensions(app: Flask) -> None:
    """Bind db, migrations, login, CSRF, Babel and the rate limiter to ``app``."""
    from aljisr import models  # noqa: F401  (complete metadata before anything uses it)
    from aljisr.auth.views import load_user
    from aljisr.database import configure_sqlite
    from aljisr.errors import retry_after_rounded_up
    from aljisr.extensions import babel, csrf, db, limiter, login_manager, migrate, talisman
    from aljisr.i18n import select_locale, select_timezone

    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            configure_sqlite(db.engine)
    migrate.init_app(
        app,
        db,
        directory=str(Path(__file__).parent / "migrations"),
        render_as_batch=True,
        compare_type=True,
    )
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"  # the sign-in page itself: _sign_in_first
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user)
    login_manager.unauthorized_handler(_sign_in_first)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    from aljisr import wtforms_i18n

    wtforms_i18n.install(app)  # WTForms' messages in the project's words
    # runs after the limiter's own after_request, which it must follow (reverse order)
    app.after_request(retry_after_rounded_up)
    limiter.init_app(app)
    from aljisr.compression import init_compression

    init_compression(app)
    talisman.init_app(
        app,
        force_https=app.config["FORCE_HTTPS"],
        strict_transport_security=app.config["FORCE_HTTPS"],
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        content_security_policy=CONTENT_SECURITY_POLICY,
        referrer_policy="same-origin",
    )


#: Every blueprint, by module; each module defines ``bp``.
BLUEPRINT_MODULES = (
    "aljisr.public.views",
    "aljisr.auth.views",
    "aljisr.main.views",
    "aljisr.admin.views",
    "aljisr.admin.audit_views",
    "aljisr.backup.views",
    "aljisr.volunteers.views",
    "aljisr.imports.views",
    "aljisr.organisations.views",
    "aljisr.sites.views",
    "aljisr.projects.views",
    "aljisr.placements.views",
    "aljisr.hours.views",
    "aljisr.certificates.views",
    "aljisr.certificates.verify",
    "aljisr.reports.views",
    "aljisr.portal.views",
    "aljisr.partners.views",
    "aljisr.planner.views",
    "aljisr.notifications.views",
    "aljisr.calendars.views",
    "aljisr.arrivals.views",
    "aljisr.applications.views",
    "aljisr.testimonials.views",
)


#: Modules declaring an area's audit wording (``WORDING``, see :mod:`aljisr.audit`); the
#: audit log page lists record types in this order.
AUDIT_WORDING_MODULES = (
    "aljisr.placements.audit",
    "aljisr.volunteers.audit",
    "aljisr.imports.audit",
    "aljisr.projects.audit",
    "aljisr.organisations.audit",
    "aljisr.sites.audit",
    "aljisr.hours.audit",
    "aljisr.certificates.audit",
    "aljisr.auth.audit",
    "aljisr.planner.audit",
    "aljisr.arrivals.audit",
    "aljisr.applications.audit",
    "aljisr.testimonials.audit",
    "aljisr.seed",
)


def register_audit_wording() -> None:
    """Register each area's audit wording, which the audit pages read."""
    from importlib import import_module

    from aljisr import audit

    for module in AUDIT_WORDING_MODULES:
        audit.register(module, import_module(module).WORDING)


def register_blueprints(app: Flask) -> None:
    """Mount each area's blueprint, and declare the static endpoint public."""
    from importlib import import_module

    from aljisr.permissions import public
    from aljisr.urls import RecordIdConverter

    app.url_map.converters["int"] = RecordIdConverter
    for module in BLUEPRINT_MODULES:
        app.register_blueprint(import_module(module).bp)
    app.view_functions["static"] = public(app.view_functions["static"])


#: Static folders whose files never change under the same name.
LONG_CACHED_STATIC = ("fonts/", "vendor/")
STATIC_CACHE_SECONDS = 30 * 24 * 3600


def register_request_hooks(app: Flask) -> None:
    """No-store for private pages; write intent for unsafe methods (SQLite ``BEGIN IMMEDIATE``)."""
    from aljisr.database import set_write_intent

    @app.before_request
    def _write_intent() -> None:
        set_write_intent(request.method not in ("GET", "HEAD", "OPTIONS"))

    @app.after_request
    def _no_store(response: Any) -> Any:
        if getattr(g, "no_store", False):
            response.headers["Cache-Control"] = "no-store"
        return response

    revalidate = app.get_send_file_max_age

    def static_max_age(filename: str | None) -> int | None:
        """Fonts and versioned vendor files keep their name while unchanged: browsers keep
        them a month (the CJK face is 3.4 MB, heavy on a school's slow link); the app's own
        CSS and JavaScript are revalidated on every page, so a release shows at once."""
        if filename and filename.startswith(LONG_CACHED_STATIC):
            return STATIC_CACHE_SECONDS
        return revalidate(filename)

    app.get_send_file_max_age = static_max_age  # type: ignore[method-assign]


def register_templating(app: Flask) -> None:
    """Template globals: the navigation, locale direction, enum titles."""
    from aljisr.templating import init_templating

    init_templating(app)


def register_error_pages(app: Flask) -> None:
    """HTML pages for 403, 404, 429 and 500."""
    from aljisr.errors import register_error_pages as register

    register(app)


def register_commands(app: Flask) -> None:
    """``flask --app aljisr`` commands: init-db, seed-demo, create-user, translations."""
    from aljisr.cli import register

    register(app)


__all__ = ["create_app"]
