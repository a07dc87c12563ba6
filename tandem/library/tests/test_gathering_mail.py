"""A gathering announced in a space is mailed by the real worker to the readers of the space, in
each one's language with a calendar file named in it; nothing to a removed member or to one who
chose to hear nothing from the space. A change of its date, times or place, and its cancellation,
are mailed again with the calendar entry updated or removed."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone, translation

from tandem.community.models import Frequency, SpacePreference
from tandem.community.services.communities import member_remove
from tandem.community.tests.factories import add_member, make_world
from tandem.core import dates
from tandem.core.tests.cast import make_member
from tandem.library.models import Gathering
from tandem.library.services.gatherings import (
    gathering_cancel,
    gathering_create,
    gathering_register,
    gathering_update,
)
from tandem.organizations.models import Role


def mail_to(address: str) -> list:
    return [m for m in mail.outbox if address in m.to]


@pytest.mark.django_db(transaction=True)
def test_a_gathering_announced_in_a_space_is_mailed_to_its_readers_only(
    client, run_worker, settings, no_mfa
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    world = make_world("gather")
    community = world.community
    # world.member is French-speaking; the colleague chose "none" for the space; the leaver is
    # removed before the announcement; the English reader chose a weekly digest (the default).
    silent = add_member(community, world.colleague, world.agency)
    SpacePreference.objects.create(
        membership=silent, space=world.open_space, frequency=Frequency.NONE
    )
    leaver = make_member(world.agency, Role.NETWORK_LEADER, "leaver.gather@example.org")
    member_remove(actor=world.moderator, membership=add_member(community, leaver, world.agency))
    reader = make_member(world.host, Role.PROGRAM_STAFF, "reader.gather@example.org")
    add_member(community, reader, world.host)

    client.force_login(world.moderator)
    form = client.get(f"/en/library/c/{community.slug}/gatherings/new/").content.decode()
    assert "Announce it in" in form and "Ontario hubs" in form
    starts = timezone.localtime() + timedelta(days=10)
    starts = starts.replace(hour=13, minute=30, second=0, microsecond=0)
    created = client.post(
        f"/en/library/c/{community.slug}/gatherings/new/",
        {
            "kind": "learning_exchange",
            "title_en": "Mentoring newcomers in finance",
            "title_fr": "Le mentorat des personnes nouvellement arrivées en finance",
            "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (starts + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "mode": "in_person",
            "place": "Salle 204, 100 rue Queen, Ottawa",
            "space": str(world.open_space.pk),
        },
        follow=True,
    )
    assert "the members of General are e-mailed" in created.content.decode()
    gathering = Gathering.objects.get()
    assert gathering.space == world.open_space
    assert mail.outbox == []  # the request itself sends nothing: the worker does
    run_worker()
    run_worker()  # the announcement queues each mail, which the worker then sends

    (french,) = mail_to(world.member.email)
    assert french.subject == (
        "Nouvelle rencontre dans Général\u00a0: "
        "Le mentorat des personnes nouvellement arrivées en finance"
    )
    with translation.override("fr"):
        day = dates.day(starts)
    assert f"Date et heure\u00a0: {day}, de 13\u00a0h\u00a030 à 14\u00a0h\u00a030" in french.body
    assert "Salle 204, 100 rue Queen, Ottawa" in french.body
    assert f"/fr/library/gatherings/{gathering.pk}/" in french.body
    (name, ics, mimetype) = french.attachments[0]
    assert (name, mimetype) == ("rencontre.ics", "text/calendar")
    assert "METHOD:PUBLISH" in ics and f"UID:gathering-{gathering.pk}@tandem" in ics
    assert "Le mentorat des personnes" in ics.replace("\r\n ", "")
    (english,) = mail_to(reader.email)
    assert english.subject == "New gathering in General: Mentoring newcomers in finance"
    assert english.attachments[0][0] == "gathering.ics"
    assert mail_to(world.colleague.email) == []  # chose "none" for the space
    assert mail_to(leaver.email) == []  # removed
    assert mail_to(world.moderator.email) == []  # who announced it
    assert mail_to(world.outsider.email) == []
    assert len(mail.outbox) == 2


@pytest.mark.django_db(transaction=True)
def test_a_targeted_space_mails_its_own_members_and_no_space_mails_nobody(
    client, run_worker, settings, no_mfa
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    world = make_world("gather2")
    client.force_login(world.moderator)
    starts = timezone.localtime() + timedelta(days=5)
    fields = {
        "kind": "hub_meeting",
        "title_en": "Ontario hubs meet",
        "title_fr": "Rencontre des carrefours de l’Ontario",
        "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (starts + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "mode": "virtual",
        "link": "https://meet.example.org/secret-room",
    }
    url = f"/en/library/c/{world.community.slug}/gatherings/new/"
    client.post(url, {**fields, "space": str(world.province_space.pk)})
    client.post(url, {**fields, "title_en": "Unannounced"})
    run_worker()
    run_worker()
    # The member does not read the Ontario space (not one of its members) and the moderator
    # announced it: nobody is mailed, for either gathering.
    assert mail.outbox == []
    world.province_space.members.add(world.community.memberships.get(user=world.member))
    client.post(url, {**fields, "title_en": "Second", "space": str(world.province_space.pk)})
    run_worker()
    run_worker()
    (sent,) = mail.outbox
    assert sent.to == [world.member.email]
    # The join link is for those registered (the page shows it to them only).
    assert "secret-room" not in sent.body and "secret-room" not in sent.attachments[0][1]
    assert "en ligne" in sent.body


def _hub_meeting(world, starts, **fields) -> Gathering:
    return gathering_create(
        actor=world.moderator,
        community=world.community,
        kind="hub_meeting",
        title_en="Hubs",
        title_fr="Carrefours",
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        **fields,
    )


def _ics(message) -> str:
    (name, text, mimetype) = message.attachments[0]
    assert mimetype == "text/calendar"
    return text.replace("\r\n ", "")  # unfolded lines


@pytest.mark.django_db(transaction=True)
def test_a_change_of_time_or_place_and_a_cancellation_are_mailed_with_an_updated_calendar(
    client, run_worker, settings, no_mfa
):
    """Decision: a change of the description (or title, speakers, places, link) mails nobody;
    a change of the date, times or place does, and so does the cancellation, to the readers of
    the space as the announcement was, and to those registered even if they chose "none"."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    world = make_world("moved")
    community = world.community
    # The colleague chose "none" for the space but registered: told of changes all the same.
    silent = add_member(community, world.colleague, world.agency)
    SpacePreference.objects.create(
        membership=silent, space=world.open_space, frequency=Frequency.NONE
    )
    leaver = make_member(world.agency, Role.NETWORK_LEADER, "leaver.moved@example.org")
    leaving = add_member(community, leaver, world.agency)
    client.force_login(world.moderator)
    starts = (timezone.localtime() + timedelta(days=10)).replace(
        hour=13, minute=30, second=0, microsecond=0
    )
    fields = {
        "kind": "learning_exchange",
        "title_en": "Mentoring newcomers in finance",
        "title_fr": "Le mentorat en finance",
        "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (starts + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "mode": "in_person",
        "place": "Salle 204, 100 rue Queen, Ottawa",
    }
    client.post(
        f"/en/library/c/{community.slug}/gatherings/new/",
        {**fields, "space": str(world.open_space.pk)},
    )
    gathering = Gathering.objects.get()
    for who, membership in ((world.colleague, silent), (leaver, leaving)):
        gathering_register(actor=who, gathering=gathering, membership=membership)
    member_remove(actor=world.moderator, membership=leaving)  # registered, then removed
    run_worker()
    run_worker()
    assert mail_to(world.member.email) and not mail_to(world.colleague.email)
    mail.outbox.clear()

    edit = f"/en/library/gatherings/{gathering.pk}/edit/"
    page = client.get(edit).content.decode()
    assert "with a calendar file that updates their calendar" in page
    client.post(edit, {**fields, "description_en": "Bring questions.", "description_fr": "…"})
    run_worker()
    run_worker()
    assert mail.outbox == []  # only the description changed
    gathering.refresh_from_db()
    assert gathering.description_en == "Bring questions." and gathering.sequence == 0

    later = starts + timedelta(days=1, hours=1)
    moved = {
        **fields,
        "starts_at": later.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (later + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "place": "Salle 310, 100 rue Queen, Ottawa",
    }
    client.post(edit, moved)
    run_worker()
    run_worker()
    (french,) = mail_to(world.member.email)
    assert french.subject == "Rencontre modifiée\u00a0: Le mentorat en finance"
    with translation.override("fr"):
        day = dates.day(later)
    assert "La date, l’heure ou le lieu de cette rencontre" in french.body
    assert f"Date et heure\u00a0: {day}, de 14\u00a0h\u00a030 à 15\u00a0h\u00a030" in french.body
    assert "Salle 310" in french.body
    ics = _ics(french)
    assert french.attachments[0][0] == "rencontre.ics"
    assert "METHOD:PUBLISH" in ics and "SEQUENCE:1" in ics and "STATUS:CONFIRMED" in ics
    assert f"UID:gathering-{gathering.pk}@tandem" in ics and "Salle 310" in ics
    assert len(mail_to(world.colleague.email)) == 1  # registered, though "none" for the space
    assert mail_to(leaver.email) == [] and mail_to(world.moderator.email) == []
    assert mail_to(world.outsider.email) == []
    mail.outbox.clear()

    client.post(f"/en/library/gatherings/{gathering.pk}/", {"action": "cancel"})
    run_worker()
    run_worker()
    (french,) = mail_to(world.member.email)
    assert french.subject == "Rencontre annulée\u00a0: Le mentorat en finance"
    assert "Cette rencontre de" in french.body and "est annulée" in french.body
    assert "retire la rencontre de votre agenda" in french.body
    ics = _ics(french)
    assert "METHOD:CANCEL" in ics and "STATUS:CANCELLED" in ics and "SEQUENCE:2" in ics
    assert f"UID:gathering-{gathering.pk}@tandem" in ics
    assert len(mail_to(world.colleague.email)) == 1
    assert mail_to(leaver.email) == [] and mail_to(world.moderator.email) == []


@pytest.mark.django_db(transaction=True)
def test_a_change_superseded_before_the_worker_runs_is_mailed_once(
    client, run_worker, settings, no_mfa
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    world = make_world("twice")
    starts = timezone.now() + timedelta(days=3)
    gathering = _hub_meeting(world, starts, space=world.open_space, mode="virtual")
    run_worker()
    run_worker()
    mail.outbox.clear()
    gathering_update(
        actor=world.moderator,
        gathering=gathering,
        starts_at=starts + timedelta(hours=1),
        ends_at=starts + timedelta(hours=2),
    )
    gathering_cancel(actor=world.moderator, gathering=gathering)
    run_worker()
    run_worker()
    # The change's task finds a later sequence and sends nothing: the cancellation says it all.
    (sent,) = mail.outbox
    assert sent.to == [world.member.email] and "METHOD:CANCEL" in _ics(sent)


@pytest.mark.django_db(transaction=True)
def test_a_gathering_announced_in_no_space_tells_only_those_registered_of_a_move(
    run_worker, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    world = make_world("quiet")
    starts = timezone.now() + timedelta(days=4)
    gathering = _hub_meeting(world, starts, mode="in_person", place="Ottawa")
    membership = world.community.memberships.get(user=world.member)
    gathering_register(actor=world.member, gathering=gathering, membership=membership)
    gathering_update(
        actor=world.moderator,
        gathering=gathering,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        place="Gatineau",
    )
    run_worker()
    run_worker()
    (sent,) = mail.outbox  # the registered member; the other readers never heard of it
    assert sent.to == [world.member.email] and "Gatineau" in sent.body
    assert "SEQUENCE:1" in _ics(sent)
    assert "pour ne plus rien recevoir de cet espace" not in sent.body.lower()  # no space
