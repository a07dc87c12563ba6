"""Mail through the real worker, in each person's language: posts at once, mentions, private
messages, daily and weekly digests (the sweep)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from tandem.community.models import Frequency, Post, SpacePreference
from tandem.community.services import conversations, notify, threads
from tandem.community.tests.factories import make_world


def mail_to(address: str) -> list:
    return [m for m in mail.outbox if address in m.to]


@pytest.mark.django_db(transaction=True)
def test_posts_mentions_and_messages_are_mailed_by_the_worker(run_worker, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    world = make_world("mail")
    member = world.community.memberships.get(user=world.member)  # French-speaking
    moderator = world.community.memberships.get(user=world.moderator)
    SpacePreference.objects.create(
        membership=moderator, space=world.open_space, frequency=Frequency.IMMEDIATELY
    )
    thread = threads.thread_start(
        actor=world.member,
        membership=member,
        space=world.open_space,
        title="Trousse RH inclusive",
        body="Qui l'a déjà utilisée?",
        language="fr",
    )
    threads.reply(
        actor=world.moderator,
        membership=moderator,
        thread=thread,
        body=f"@{member.handle} yes, we did",
    )
    conversations.conversation_start(
        actor=world.moderator,
        community=world.community,
        recipients=[world.member],
        subject="Private",
        body="A secret plan",
    )
    assert mail.outbox == []  # nothing is sent by the request itself
    run_worker()
    run_worker()  # the notices queue their mail, which the worker then sends
    to_moderator = mail_to(world.moderator.email)
    assert len(to_moderator) == 1 and "Trousse RH inclusive" in to_moderator[0].subject
    to_member = mail_to(world.member.email)
    subjects = sorted(m.subject for m in to_member)
    assert len(to_member) == 2, subjects
    assert any("a mentionné votre nom" in s for s in subjects)
    assert any("message privé" in s for s in subjects)
    private = next(m for m in to_member if "message privé" in m.subject)
    assert "A secret plan" not in private.body  # a mailbox is not the members-only area


@pytest.mark.django_db
def test_digests_are_sent_once_per_period_in_each_persons_language(
    settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    world = make_world("digest")
    member = world.community.memberships.get(user=world.member)  # French, weekly by default
    moderator = world.community.memberships.get(user=world.moderator)
    SpacePreference.objects.create(
        membership=moderator, space=world.open_space, frequency=Frequency.DAILY
    )
    now = timezone.now()
    world.community.memberships.update(joined_at=now - timedelta(days=30))
    with django_capture_on_commit_callbacks(execute=True):
        notify.digests_send(now=now - timedelta(days=8))  # marks everyone: nothing to tell
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        threads.thread_start(
            actor=world.member,
            membership=member,
            space=world.open_space,
            title="Mentor recruitment",
            body="Ideas welcome",
        )
    Post.objects.update(created_at=now - timedelta(hours=2))
    mail.outbox.clear()  # immediate notices (none chose "immediately" here)
    with django_capture_on_commit_callbacks(execute=True):
        sent = notify.digests_send(now=now)
    assert sent == {"daily": 1, "weekly": 0}  # the member's own post is not in their digest
    (digest,) = mail_to(world.moderator.email)
    assert "Today in" in digest.subject and "Mentor recruitment" in digest.body
    with django_capture_on_commit_callbacks(execute=True):
        again = notify.digests_send(now=now + timedelta(hours=1))
    assert again == {"daily": 0, "weekly": 0}  # idempotent within the period
    # The moderator posts; the French member's weekly digest comes a week after the last.
    with django_capture_on_commit_callbacks(execute=True):
        threads.reply(
            actor=world.moderator,
            membership=moderator,
            thread=world.open_space.threads.get(),
            body="Try the toolkit",
        )
    with django_capture_on_commit_callbacks(execute=True):
        notify.digests_send(now=now + timedelta(days=7))
    weekly = mail_to(world.member.email)
    assert len(weekly) == 1 and "Cette semaine" in weekly[0].subject
    assert "Try the toolkit" in weekly[0].body


@pytest.mark.django_db
def test_a_removed_member_is_mailed_nothing_more_while_the_others_are(
    settings, django_capture_on_commit_callbacks
):
    from tandem.community.services import communities
    from tandem.community.tests.factories import add_member

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    world = make_world("gone")
    member = world.community.memberships.get(user=world.member)
    moderator = world.community.memberships.get(user=world.moderator)
    colleague = add_member(world.community, world.colleague, world.agency)
    for membership in (member, colleague):
        SpacePreference.objects.create(
            membership=membership, space=world.open_space, frequency=Frequency.IMMEDIATELY
        )
    communities.member_remove(actor=world.moderator, membership=member)
    with django_capture_on_commit_callbacks(execute=True):
        threads.thread_start(
            actor=world.moderator,
            membership=moderator,
            space=world.open_space,
            title="For members only",
            body=f"Read this, @{member.handle} and @{colleague.handle}",
        )
    assert mail_to(world.colleague.email)  # the control: a member is told at once
    assert mail_to(world.member.email) == []
    with django_capture_on_commit_callbacks(execute=True):
        notify.digests_send(now=timezone.now() + timedelta(days=8))
    assert mail_to(world.member.email) == []
