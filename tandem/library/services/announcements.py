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
"""

from functools import partial

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import pgettext_lazy

from tandem.community.access import readers_of
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


def _url(name: str, language: str, **kwargs: object) -> str:
    with translation.override(language):
        return settings.SITE_URL.rstrip("/") + reverse(name, kwargs=kwargs)


def gathering_ics(gathering: Gathering, *, language: str, url: str) -> str:
    return announcement(
        prodid="-//Tandem//Community gatherings//EN",
        uid=f"gathering-{gathering.pk}@tandem",
        sequence=0,
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
    sent = 0
    for membership in readers:
        if chosen[membership.pk] == Frequency.NONE:
            continue
        user = membership.user
        language = user.preferred_language
        url = _url("library:gathering", language, gathering_id=gathering.pk)
        send_to_person(
            email=user.email,
            language=language,
            template="library/mail/gathering",
            context={
                "person": user,
                "gathering": gathering,
                "community": gathering.community,
                "space": space,
                "is_virtual": gathering.mode == GatheringMode.VIRTUAL,
                "url": url,
                "preferences_url": _url(
                    "community:preferences", language, community_slug=gathering.community.slug
                ),
            },
            attachments=[
                attachment(
                    FILE_NAME,
                    gathering_ics(gathering, language=language, url=url),
                    language=language,
                )
            ],
        )
        sent += 1
    return sent
