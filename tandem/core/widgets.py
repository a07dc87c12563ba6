"""Widgets shared by the apps' forms."""

from django import forms
from django.urls import reverse


class RadioSelect(forms.RadioSelect):
    """Radio buttons without the blank choice.

    A required model field with choices and no default gets Django's blank choice
    ("- Select an option -"); as a radio button it was shown and, on an empty form, pre-selected,
    so a person could send a check-in or a closure without choosing. Radio buttons have no blank
    state to offer: none is checked until the person picks one, and the field's own `required`
    says whether a choice is needed.
    """

    def optgroups(self, name, value, attrs=None):
        groups = super().optgroups(name, value, attrs)
        kept = []
        for group_name, options, index in groups:
            options = [option for option in options if option["value"] not in ("", None)]
            if options:
                kept.append((group_name, options, index))
        return kept


class SuggestInput(forms.TextInput):
    """A search box that offers live suggestions as a person types (htmx, tandem.js): an ARIA
    combobox over a listbox filled by the server, chosen with the arrow keys and Enter or by a
    click. Without JavaScript it is a plain text box, searched when the form is sent."""

    template_name = "core/widgets/suggest_input.html"

    def __init__(self, *, url_name: str, target: str, listbox_label) -> None:
        super().__init__(attrs={"autocomplete": "off"})
        self.url_name, self.target, self.listbox_label = url_name, target, listbox_label

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        box = widget["attrs"]["id"]
        widget["attrs"].update(
            {
                "role": "combobox",
                "aria-autocomplete": "list",
                "aria-expanded": "false",
                "aria-controls": f"{box}-listbox",
                "data-suggest-for": self.target,
                "hx-get": reverse(self.url_name),
                "hx-trigger": "input changed delay:250ms",
                "hx-target": f"#{box}-listbox",
                "hx-sync": "this:replace",
            }
        )
        widget["listbox_label"] = self.listbox_label
        return context
