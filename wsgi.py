"""gunicorn entry point: ``gunicorn wsgi:app``."""

from aljisr import create_app

app = create_app()
