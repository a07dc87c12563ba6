"""Model fields shared by every app."""

from django.core.validators import MaxLengthValidator
from django.db import models

# Long enough for any note a person writes by hand; a 2 MB "goals" made one desk page take two
# minutes. Each text field says its own limit when it needs another.
TEXT_MAX_LENGTH = 5000


def bounded_text(*args, max_length: int = TEXT_MAX_LENGTH, **kwargs) -> models.TextField:
    """A TextField with a limit that model forms show (maxlength, the error message) and that
    full_clean enforces: every free-text field of Tandem is one."""
    kwargs["validators"] = [*kwargs.pop("validators", []), MaxLengthValidator(max_length)]
    return models.TextField(*args, **{**kwargs, "max_length": max_length})
