from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """`mapping[key]`, or an empty list (templates cannot index a dict by a variable)."""
    try:
        return mapping.get(key, [])
    except AttributeError:
        return []


@register.filter
def out_of_100(score):
    """The engine's 0-1 score as people and the reports read it: a whole number out of 100."""
    from tandem.matching.quality import out_of_100 as convert

    try:
        return convert(None if score in (None, "") else float(score))
    except (TypeError, ValueError):
        return None
