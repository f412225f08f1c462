"""The production entry point: ``gunicorn --config gunicorn.conf.py workshop.wsgi:app``. It refuses to start with
settings that are only fit for development (see workshop.production)."""

import sys

from . import create_app
from .production import ProductionSettingsError, check_production_settings

app = create_app()
try:
    check_production_settings(app)
except ProductionSettingsError as refusal:
    print(refusal, file=sys.stderr)
    sys.exit(4)  # gunicorn's "the application failed to load": it stops instead of starting workers again
