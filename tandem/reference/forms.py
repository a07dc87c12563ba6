"""What forms share about an occupation or an industry chosen by typing words (the participant's
record, an opportunity): the candidates come from `selectors.code_candidates`, and `code_pick`
settles on one of them or says what the person must do."""

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def code_pick(
    form: forms.BaseForm,
    name: str,
    candidates: Sequence[Any],
    *,
    missing: "StrOrPromise | None" = None,
) -> Any:
    """The record a search box (`<name>_query`, then the choice `<name>`) settles on: the one
    chosen among the candidates, or the only candidate the typed words match. Otherwise `None`,
    with an error that says what to do: `missing` when nothing is typed (a required box; leave
    it out for an optional one), another wording when the words match nothing, and a choice to
    make when they match several."""
    chosen = form.cleaned_data.get(name)
    if chosen is not None:
        return chosen
    box = f"{name}_query"
    query = (form.cleaned_data.get(box) or "").strip()
    if not query:
        if missing and not form.has_error(box) and not form.has_error(name):
            form.add_error(box, missing)
        return None
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        form.add_error(box, _("Nothing matches these words. Try other words or fewer words."))
    else:
        form.add_error(name, _("Several match: choose the one that fits."))
    return None
