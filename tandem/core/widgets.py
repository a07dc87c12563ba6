"""Widgets shared by the apps' forms."""

from django import forms


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
