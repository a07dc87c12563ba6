from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured


@register(Tags.security)
def secret_key_is_set(app_configs, **kwargs):
    """Production needs a key; build steps (`make install`, the image build) run without one."""
    try:
        settings.SECRET_KEY  # noqa: B018 - Django refuses an empty key on access
    except ImproperlyConfigured:
        return [
            Error(
                "TANDEM_SECRET_KEY (or TANDEM_SECRET_KEY_FILE) must be set when TANDEM_DEBUG is off",
                id="tandem.E001",
            )
        ]
    return []
