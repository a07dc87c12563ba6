from django import template

register = template.Library()


@register.inclusion_tag("meetings/_on_behalf_note.html")
def on_behalf_notes(subject, proposal=None) -> dict:
    """'Recorded by <staff> on their behalf, by phone, on <date>' under a record staff entered
    for a person (tandem/meetings/behalf.py); with `proposal` (staff's view of one waiting for
    answers), links to record either person's answer."""
    from tandem.meetings.behalf import notes_for

    return {
        "notes": notes_for(subject) if subject is not None else [],
        "proposal": proposal if proposal is not None and proposal.status == "published" else None,
    }
