"""The production WSGI entry point: ``gunicorn --config gunicorn.conf.py workshop.wsgi:app``."""

from workshop import create_app

app = create_app()
