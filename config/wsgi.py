import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

from tandem.reports.pdf import preload  # noqa: E402 (Django must be set up first)

preload()
