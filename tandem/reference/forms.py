"""What forms share about an occupation or an industry chosen by typing words (the participant's
record, an opportunity): a search box `<name>_query` with live suggestions (`search_box`), the
choice `<name>` among what the words match (`code_choice`, offered by `offer_candidates` from
`selectors.code_candidates`), and `code_pick`, which settles on one of them or says what the
person must do."""

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tandem.core.forms import label_choices, model_choice_field
from tandem.core.widgets import SuggestInput
from tandem.reference.models import Industry, Occupation
from tandem.reference.selectors import code_candidates

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

MODELS: dict[str, type[Occupation] | type[Industry]] = {
    "occupation": Occupation,
    "industry": Industry,
}
SUGGESTED = {
    "occupation": gettext_lazy("Suggested occupations"),
    "industry": gettext_lazy("Suggested industries"),
}
CHOOSE = {
    "occupation": gettext_lazy("Choose the occupation"),
    "industry": gettext_lazy("Choose the industry"),
}


def search_box(
    name: str, *, label: "StrOrPromise", help_text: "StrOrPromise", required: bool = False
) -> forms.CharField:
    """The box (`<name>_query`) where a person types a title in English or French; suggestions
    come as they type (htmx), and without JavaScript the words are searched when the form is
    sent."""
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=200,
        required=required,
        widget=SuggestInput(
            url_name=f"reference:{name}_suggestions", target=name, listbox_label=SUGGESTED[name]
        ),
    )


def code_choice(name: str) -> forms.ModelChoiceField:
    """The choice among the candidates (`<name>`), narrowed by `offer_candidates`."""
    return forms.ModelChoiceField(
        label=CHOOSE[name],
        queryset=MODELS[name].objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        required=False,
    )


def offer_candidates(
    form: forms.BaseForm, name: str, *, current: str | None, unit_groups_only: bool = False
) -> list[Any]:
    """What the typed words match (EN or FR), plus the record's `current` value and the one
    chosen among the live suggestions (with `unit_groups_only`, an occupation at the NOC's
    unit-group level); the choice offers them by title, and stays out of sight while there are
    none. The candidates, for `code_pick`."""
    query = (form.data.get(form.add_prefix(f"{name}_query")) or "").strip()
    chosen = (form.data.get(form.add_prefix(name)) or "").strip()[:10]
    lookup = {"level": 5} if unit_groups_only else {}
    candidates = code_candidates(name, query=query, codes=((current, {}), (chosen, lookup)))
    model_choice_field(form, name).queryset = MODELS[name].objects.filter(
        pk__in=[candidate.pk for candidate in candidates]
    )
    label_choices(form, name, lambda record: record.title)
    if not candidates:
        form.fields[name].widget = forms.HiddenInput()
    return candidates


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
