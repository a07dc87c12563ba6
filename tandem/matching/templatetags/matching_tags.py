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


@register.filter
def other_person(proposal, user):
    """The other person of a proposal as this person may see them: the given name they chose
    to share, else their occupation if shared, else nothing."""
    from tandem.matching.models import ProfileSharing, SharedField, default_shared_fields

    other = proposal.mentor if proposal.mentee.user_id == user.pk else proposal.mentee
    sharing = ProfileSharing.objects.filter(participant=other).first()
    fields = sharing.fields if sharing else default_shared_fields()
    if SharedField.GIVEN_NAME in fields and other.given_name:
        return other.given_name
    if SharedField.OCCUPATION in fields and other.occupation_id:
        return other.occupation.title
    return "—"
