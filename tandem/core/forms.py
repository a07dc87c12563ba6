"""Typed access to a form's fields.

`form.fields[name]` is typed as the base `Field`; a form that narrows a choice field's queryset
or choices in `__init__` goes through these helpers, which check the field's kind at run time
instead of casting (a renamed or retyped field fails loudly where it is narrowed).
"""

from collections.abc import Callable
from typing import Any

from django.forms import BaseForm, ChoiceField, Field, ModelChoiceField


def model_choice_field(form: BaseForm, name: str) -> ModelChoiceField[Any]:
    """The form's `ModelChoiceField` (or `ModelMultipleChoiceField`) called `name`."""
    field = form.fields[name]
    if not isinstance(field, ModelChoiceField):
        raise TypeError(f"{type(form).__name__}.{name} is not a model choice field")
    return field


def choice_field(form: BaseForm, name: str) -> ChoiceField:
    """The form's `ChoiceField` called `name`."""
    field = form.fields[name]
    if not isinstance(field, ChoiceField):
        raise TypeError(f"{type(form).__name__}.{name} is not a choice field")
    return field


def label_choices(form: BaseForm, name: str, label: Callable[[Any], str]) -> None:
    """Shows each record of the model choice field `name` as `label(record)` (the field's
    documented `label_from_instance` hook, set on this form's copy of the field)."""
    field = model_choice_field(form, name)
    field.label_from_instance = label  # type: ignore[method-assign,assignment]


def typed_field[F: Field](form: BaseForm, name: str, kind: type[F]) -> F:
    """The form's field `name`, checked to be a `kind` (e.g. `forms.IntegerField`)."""
    field = form.fields[name]
    if not isinstance(field, kind):
        raise TypeError(f"{type(form).__name__}.{name} is not a {kind.__name__}")
    return field
