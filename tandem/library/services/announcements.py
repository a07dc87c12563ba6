"""A gathering announced in a space: each member who reads the space is mailed at once, in
their language, with the date, the place or how to join, and a calendar file.

The worker sends it (`library.tasks.gathering_announce`), reloading the gathering and the
space's readers when it runs: a member removed meanwhile, or whose organization left the
community, gets nothing (`community.access.readers_of` reads access as the pages do). A member
who set the space to "none" in their e-mail preferences hears nothing from it, announcements
included; every other choice (at once, daily or weekly digest) gets the announcement at once,
since a digest could arrive after the registrations close. The join link of a virtual
gathering is not in the mail: its page shows it to those registered only (places are counted
there), so the mail and the calendar file point to the page.

A change of the date, times or place of a gathering that has not started, or its cancellation,
is mailed the same way (`gathering_change_mail`): the readers of the space it was announced in,
on the same rules, and the people registered for it (a place is held: they hear of it even if
they chose "none" for the space, or it was announced in no space), with a calendar file that
has the same UID and a higher SEQUENCE (METHOD:CANCEL, STATUS:CANCELLED for a cancellation), so
that calendar programs update or remove the entry. A change of the title, the description, the
speakers, the places or the join link is not mailed: the page shows it.
"""

from functools import partial

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import pgettext_lazy

from tandem.accounts.models import User
from tandem.community.access import community_members, readers_of
from tandem.community.models import Frequency
from tandem.community.services.notify import frequencies
from tandem.core.calendar import announcement, attachment
from tandem.core.i18n import localized
from tandem.core.mail import send_to_person
from tandem.library.models import Gathering, GatheringMode

# The calendar file's name, in the reader's language (a slug: plain ASCII).
FILE_NAME = pgettext_lazy("file name", "gathering")


def gathering_announced(gathering: Gathering) -> None:
    from tandem.library.tasks import gathering_announce

    transaction.on_commit(partial(gathering_announce.enqueue, gathering.pk))


def gathering_changed(gathering: Gathering) -> None:
    """Its date, times or place changed, or it was cancelled (`gathering.sequence` already
    raised): the worker mails who heard of it."""
    from tandem.library.tasks import gathering_change

    transaction.on_commit(partial(gathering_change.enqueue, gathering.pk, gathering.sequence))


def _url(name: str, language: str, **kwargs: object) -> str:
    with translation.override(language):
        return settings.SITE_URL.rstrip("/") + reverse(name, kwargs=kwargs)


def gathering_ics(gathering: Gathering, *, language: str, url: str) -> str:
    return announcement(
        prodid="-//Tandem//Community gatherings//EN",
        # The same UID in every mail about it, the SEQUENCE raised by each change mailed.
        uid=f"gathering-{gathering.pk}@tandem",
        sequence=gathering.sequence,
        cancelled=gathering.is_cancelled,
        starts_at=gathering.starts_at,
        ends_at=gathering.ends_at,
        summary=localized(gathering, "title", language),
        description=localized(gathering, "description", language),
        location=gathering.place,
        url=url,
    )


def gathering_mail(*, gathering_id: int) -> int:
    """The worker: mails the announcement to the readers of the gathering's space. Returns how
    many were mailed."""
    gathering = (
        Gathering.objects.filter(pk=gathering_id, cancelled_at__isnull=True)
        .select_related("community", "space", "space__community")
        .first()
    )
    if gathering is None or gathering.space is None or gathering.starts_at <= timezone.now():
        return 0
    space = gathering.space
    readers = list(
        readers_of(space).select_related("user").exclude(user_id=gathering.organizer_id or 0)
    )
    chosen = frequencies(space, readers)
    people = [m.user for m in readers if chosen[m.pk] != Frequency.NONE]
    return _send(gathering, people, template="library/mail/gathering")


def gathering_change_mail(*, gathering_id: int, sequence: int) -> int:
    """The worker: mails a change of date, times or place, or the cancellation, to the readers
    of the space it was announced in (as the announcement) and to the people registered, who
    are members still. Nothing when a later change was made meanwhile (its own mail follows,
    with the gathering as it then is) or once the gathering has started. Returns how many were
    mailed."""
    gathering = (
        Gathering.objects.filter(pk=gathering_id, sequence=sequence)
        .select_related("community", "space", "space__community")
        .first()
    )
    if gathering is None or gathering.starts_at <= timezone.now():
        return 0
    members = community_members(gathering.community).exclude(user_id=gathering.organizer_id or 0)
    people: dict[int, User] = {}
    if gathering.space is not None:
        readers = list(members.filter(pk__in=readers_of(gathering.space)).select_related("user"))
        chosen = frequencies(gathering.space, readers)
        people |= {m.user_id: m.user for m in readers if chosen[m.pk] != Frequency.NONE}
    registered = members.filter(
        user__in=gathering.registrations.filter(
            registered_at__isnull=False, cancelled_at__isnull=True
        ).values("user_id")
    ).select_related("user")
    people |= {m.user_id: m.user for m in registered}
    return _send(
        gathering,
        sorted(people.values(), key=lambda user: user.pk),
        template="library/mail/gathering_changed",
        is_change=True,
    )


def _send(
    gathering: Gathering, people: list[User], *, template: str, is_change: bool = False
) -> int:
    # The links and the calendar file depend on the reader's language only: made once each.
    by_language: dict[str, tuple[str, str, tuple[str, str, str]]] = {}
    for user in people:
        language = user.preferred_language
        if language not in by_language:
            url = _url("library:gathering", language, gathering_id=gathering.pk)
            by_language[language] = (
                url,
                _url("community:preferences", language, community_slug=gathering.community.slug),
                attachment(
                    FILE_NAME,
                    gathering_ics(gathering, language=language, url=url),
                    language=language,
                ),
            )
        url, preferences_url, calendar = by_language[language]
        send_to_person(
            email=user.email,
            language=language,
            template=template,
            context={
                "person": user,
                "gathering": gathering,
                "community": gathering.community,
                "space": gathering.space,
                "is_virtual": gathering.mode == GatheringMode.VIRTUAL,
                "is_change": is_change,
                "url": url,
                "preferences_url": preferences_url,
            },
            attachments=[calendar],
        )
    return len(people)
