import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

from django.conf import settings  # noqa: E402 (Django must be set up first)

try:
    settings.SECRET_KEY  # noqa: B018 - refuse to serve without a key, at start rather than per page
except ImproperlyConfigured as error:
    raise ImproperlyConfigured(
        "TANDEM_SECRET_KEY (or TANDEM_SECRET_KEY_FILE) must be set when TANDEM_DEBUG is off"
    ) from error

from tandem.reports.pdf import preload  # noqa: E402

# Under gunicorn (config/gunicorn.conf.py preloads the app) this runs once in the master process
# and the workers share the loaded library, instead of each loading it (~13 s, ~245 MiB).
preload()
