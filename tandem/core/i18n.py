"""Content that staff write in both languages: `<field>_en` and `<field>_fr` side by side."""

from django.utils.translation import get_language


def current_language() -> str:
    return (get_language() or "en")[:2]


def localized(obj: object, field: str, language: str | None = None) -> str:
    """The `field` of `obj` in `language` (default: the active one), else in the other language."""
    language = (language or current_language())[:2]
    other = "fr" if language == "en" else "en"
    return getattr(obj, f"{field}_{language}", "") or getattr(obj, f"{field}_{other}", "") or ""


def bilingual(field: str) -> property:
    """A read-only attribute that picks `<field>_en` or `<field>_fr` by the active language."""
    return property(lambda self: localized(self, field), doc=f"{field} in the active language")


def refuse_control_characters(value: str) -> None:
    """A validator for names and one-line text: no line breaks, tabs or other control
    characters (a name with a line break broke the certificate's file name, and a NUL byte
    cannot be stored on PostgreSQL)."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    if any(not c.isprintable() for c in value):
        raise ValidationError(
            _("Remove the line breaks and other invisible characters."), code="control"
        )
