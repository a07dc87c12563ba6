"""Retention and deletion: anonymising keeps every report's totals, legal holds stop it, the
sweep runs past retention and on an accepted deletion request."""

import dataclasses
import json
from datetime import date, timedelta

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tandem.core import sweeps, taskrows
from tandem.core.models import AuditEvent
from tandem.core.tasks import deliver_mail
from tandem.meetings.models import Reminder
from tandem.mentorships.models import Mentorship
from tandem.participants.models import Accommodation, Participant
from tandem.privacy.models import (
    Anonymisation,
    PrivacyRequest,
    RequestStatus,
    RetentionPeriod,
    Retired,
)
from tandem.privacy.retention import participant_anonymise, retention_sweep
from tandem.programs.models import Program
from tandem.reports import selectors as reports
from tandem.reports import tables

pytestmark = pytest.mark.django_db


def totals() -> str:
    """Every section of a report over all programs and years, as one comparable text."""
    scope = reports.Scope(
        programs=Program.objects.all(),
        period=reports.Period(date(2020, 1, 1), date(2030, 12, 31)),
    )
    sections = {
        "programs": reports.program_summary(scope),
        "matches": reports.matches_in_period(scope),
        "by_agency": reports.referrals_by_agency(scope),
        "returns": reports.return_reasons(scope),
        "completion": reports.completion_by_program(scope),
        "events": reports.events_attended(scope),
        "recruitment": reports.mentor_recruitment(scope),
        "suitability": reports.suitability(scope),
    }
    # And the funder report as funders get it: every registered section (connectors, group and
    # peer mentoring included), suppressed.
    funder = tables.build_tables(scope, threshold=5, staff=False, network=True)
    sections["funder"] = [dataclasses.asdict(table) for table in funder]
    return json.dumps(sections, sort_keys=True, default=str)


def sent(to: str, text: str) -> DBTaskResult:
    """A mail to `to` sent by the task queue: its row recorded as the worker records it."""
    result = deliver_mail.enqueue(
        {"to": [to], "from_email": "tandem@example.org", "subject": "Your meeting", "body": text}
    )
    row = DBTaskResult.objects.get(pk=result.id)
    row.claim("a-worker")
    row.set_successful(deliver_mail.call(*row.args_kwargs["args"]))
    return row


def test_anonymising_her_leaves_every_report_total_unchanged_and_keeps_nothing_of_her(
    lifecycle, home, her
):
    mentee = her["mentee"]
    # Her mail in the task table: sent, and waiting; another person's (whose address holds
    # hers) stays. Her record at the college still stands, with the same address: what waits
    # for her there is still sent.
    sent(mentee.email, "Topics: Résumé review")
    waiting = deliver_mail.using(run_after=timezone.now() + timedelta(days=1)).enqueue(
        {"to": [mentee.email], "subject": "Tomorrow", "body": "See you"}
    )
    other = sent(f"jo{mentee.email}", "Not hers")
    Reminder.objects.create(
        kind="log_meeting",
        mentorship=lifecycle.mentorship,
        recipient=mentee.email.upper(),
        period="2026-W07",
        sent_at=timezone.now(),
    )
    staff_reminder = Reminder.objects.create(
        kind="check_in_due",
        mentorship=lifecycle.mentorship,
        recipient="coach@lead.example.org",
        period="2026-02",
        sent_at=timezone.now(),
    )
    before = totals()
    participant_anonymise(actor=home.admin, participant=mentee, reason="deletion")
    assert totals() == before
    assert set(DBTaskResult.objects.values_list("pk", flat=True)) >= {other.pk}
    rows = json.dumps(list(DBTaskResult.objects.values()), default=str, ensure_ascii=False)
    assert "Résumé review" not in rows and "Topics" not in rows
    assert DBTaskResult.objects.filter(pk=waiting.id, status="READY").exists()
    assert set(Reminder.objects.values_list("recipient", flat=True)) == {
        f"anonymised-{mentee.pk}@invalid.example",
        staff_reminder.recipient,
    }
    # Her other record goes too (a deletion at the college): now what waited for her goes.
    participant_anonymise(actor=home.admin, participant=her["second"], reason="deletion")
    assert not DBTaskResult.objects.filter(pk=waiting.id).exists()
    assert DBTaskResult.objects.filter(pk=other.pk).exists()
    mentee.refresh_from_db()
    assert "Amina" not in mentee.full_name and mentee.email.endswith("@invalid.example")
    assert mentee.user_id is None
    assert not Accommodation.objects.filter(participant=mentee).exists()
    assert Mentorship.objects.filter(mentee=mentee).exists()  # counted, pointing to no one
    # The trail of this record and of the rows about her (her record at the college, a
    # record of its own, and her account stay: each organization answers for its record).
    kinds = ContentType.objects.get_for_models(Participant, Mentorship, Accommodation)
    about_her = LogEntry.objects.filter(content_type__in=kinds.values()).exclude(
        content_type=kinds[Participant], object_pk=str(her["second"].pk)
    )
    trail = json.dumps(
        [*about_her.values("changes", "object_repr"), *AuditEvent.objects.values("data")],
        default=str,
    )
    assert "Diallo" not in trail and "amina@example.org" not in trail
    assert "Résumé review" not in json.dumps(list(Mentorship.objects.values()), default=str)


def test_the_sweep_anonymises_past_retention_and_a_legal_hold_stops_it(
    client: Client, lifecycle, home, her
):
    assert "privacy_retention" in {sweep.name for sweep in sweeps.registered()}
    client.force_login(home.admin)  # the organization's admins act as privacy officer
    response = client.post(
        reverse("privacy:retention", args=[home.organization.slug]), {"record": "12"}
    )
    assert response.status_code == 302
    assert RetentionPeriod.objects.get(organization=home.organization).months == 12
    other = home.mentee
    held = her["mentee"]
    client.post(reverse("privacy:hold", args=[held.pk]), {"reason": "Complaint under review"})
    long_ago = timezone.now() - timedelta(days=800)
    Participant.objects.filter(pk__in=[other.pk, held.pk]).update(updated_at=long_ago)
    Mentorship.objects.update(confirmed_at=long_ago, ended_on=long_ago.date())
    done = retention_sweep(now=timezone.now())
    assert Anonymisation.objects.filter(participant=other).exists()
    assert not Anonymisation.objects.filter(participant=held).exists()
    assert done["held"] == 1
    # Released, the next sweep anonymises it; a second run does nothing more.
    client.post(reverse("privacy:hold", args=[held.pk]), {"reason": ""})
    retention_sweep(now=timezone.now())
    assert Anonymisation.objects.filter(participant=held).exists()
    assert retention_sweep(now=timezone.now())["record"] == 0


def test_an_accepted_deletion_request_is_anonymised_by_the_sweep(
    client: Client, lifecycle, home, her
):
    mentee = her["mentee"]
    client.force_login(lifecycle.mentee_user)
    client.post(reverse("privacy:request_new", args=[mentee.pk]), {"kind": "deletion"})
    made = PrivacyRequest.objects.get(kind="deletion")
    client.force_login(home.admin)
    client.post(
        reverse("privacy:request", args=[made.pk]),
        {"decision": "accept", "answer": "Your record will be anonymised."},
    )
    made.refresh_from_db()
    assert made.status == RequestStatus.ACCEPTED
    sweeps.sweeps_run_now()
    made.refresh_from_db()
    assert made.status == RequestStatus.ANSWERED
    assert Anonymisation.objects.get(participant=mentee).reason == "deletion"


SECRET = "Secret-7f3"  # written in every free-text field the kinds remove


def _written_everywhere(home) -> dict:
    """The insider network (`inside`) with a secret in what each kind removes, and the
    community member who wrote it gone."""
    from tandem.community.models import Membership, MembershipStatus, Message
    from tandem.core.tests.url_arguments import community_records, opportunity_records
    from tandem.meetings.models import MeetingLog
    from tandem.opportunities.models import Application
    from tandem.referrals.models import Referral, ReferralDecision

    closed = home.closed_mentorship
    MeetingLog.objects.create(
        mentorship=closed, met_on=timezone.localdate(), minutes=60, mode="virtual", topics=SECRET
    )
    returned = Referral.objects.get(status="returned")
    Referral.objects.filter(pk=returned.pk).update(note=SECRET, answers={"why": SECRET})
    ReferralDecision.objects.filter(referral=returned).update(note=SECRET)
    application = opportunity_records(home)["application"]
    Application.objects.filter(pk=application.pk).update(accommodation_note=SECRET)
    community = community_records(home)["community"]
    conversation = community.conversations.get()
    Message.objects.create(
        conversation=conversation, author=home.staff, body=f"<p>{SECRET}</p>", text=SECRET
    )
    # An earlier version of a post the staff member changed (kept for the moderators).
    from tandem.community.models import Post, PostRevision

    changed = Post.objects.filter(thread__space__community=community, author=home.staff).first()
    assert changed is not None
    PostRevision.objects.create(
        post=changed,
        body=f"<p>{SECRET}</p>",
        text=SECRET,
        written_at=changed.created_at,
        replaced_at=timezone.now(),
    )
    Membership.objects.filter(community=community, user=home.staff).update(
        status=MembershipStatus.LEFT, ended_at=timezone.now()
    )
    from tandem.circles.models import Circle, CircleNote
    from tandem.core.tests.url_arguments import circle_records

    groups = circle_records(home)
    circle = groups["circle"]
    Circle.objects.filter(pk=circle.pk).update(ended_at=timezone.now())
    CircleNote.objects.create(circle=circle, text=SECRET, author=home.staff)
    # Peer conversations hold no text: one held (counted, kept), one that never took place.
    from tandem.circles.models import PeerConversation

    talked = groups["conversation"]
    PeerConversation.objects.filter(pk=talked.pk).update(
        status="held", held=1, recorded_at=timezone.now()
    )
    never = PeerConversation.objects.create(peer=talked.peer, mentee=talked.mentee)
    # Event attendance at the group's past session: a guest who came, one who never answered.
    from tandem.events.models import Participation

    session = groups["session"]
    came = Participation.objects.create(
        event=session.event, participant=closed.mentor, attended=True
    )
    invited = Participation.objects.create(
        event=session.event, participant=returned.participant, invited_at=timezone.now()
    )
    # Connector meetings and introductions, and a workplace activity of the closed pair.
    from tandem.connectors.models import ConnectorMeeting, Introduction
    from tandem.core.tests.url_arguments import connector_records
    from tandem.employers.models import WorkplaceActivity

    chain = connector_records(home)
    ConnectorMeeting.objects.filter(pk=chain["meeting"].pk).update(connector_feedback=SECRET)
    from tandem.connectors.models import ConnectorInvitation

    answered = ConnectorInvitation.objects.create(
        program=chain["program"],
        email="contact@example.org",
        given_name="Contact",
        reason=SECRET,
        token_hash="f" * 64,
        status="declined",
        expires_at=timezone.now(),
        answered_at=timezone.now(),
    )
    Introduction.objects.filter(pk=chain["introduction"].pk).update(
        reason=SECRET, invitation=answered
    )
    activity = WorkplaceActivity.objects.create(
        mentorship=closed,
        kind="job_shadowing",
        status="held",
        planned_on=timezone.localdate(),
        held_on=timezone.localdate(),
        host_detail="Room 4",
        note=SECRET,
    )
    # The mail that told the closed pair's mentee about it, sent; both people's reminders of
    # one week (emptied, they became one row: the kind deletes them).
    mail = sent(closed.mentee.email, f"Your meeting notes: {SECRET}")
    for person in (closed.mentor, closed.mentee):
        Reminder.objects.create(
            kind="log_meeting",
            mentorship=closed,
            recipient=person.email,
            period="2026-W07",
            sent_at=timezone.now(),
        )
    return {
        "mail": mail,
        "closed": closed,
        "returned": returned,
        "application": application,
        "talked": talked,
        "never": never,
        "came": came,
        "invited": invited,
        "activity": activity,
    }


def _secrets_left() -> list[str]:
    """Every row of the kinds' tables that still holds the secret."""
    from django.apps import apps

    found = []
    for label in (
        "referrals",
        "meetings",
        "mentorships",
        "outcomes",
        "opportunities",
        "circles",
        "connectors",
        "employers",
    ):
        for model in apps.get_app_config(label).get_models():
            for row in model._base_manager.values():
                if SECRET in json.dumps(row, default=str):
                    found.append(f"{model._meta.label} #{row['id']}")
    from tandem.community.models import Message, PostRevision

    found += [f"message #{pk}" for pk in Message.objects.filter(text=SECRET).values_list("pk")]
    found += [
        f"revision #{pk}" for pk in PostRevision.objects.filter(text=SECRET).values_list("pk")
    ]
    # The task table: every mail the platform sent is a row there, with its whole text.
    found += [
        f"task {row['id']}"
        for row in DBTaskResult.objects.values()
        if SECRET in json.dumps(row, default=str)
    ]
    return found


def _sweep(later) -> dict[str, int]:
    """The retention sweep, then the sweep of finished task rows, at the same clock."""
    done = retention_sweep(now=later)
    taskrows.finished_tasks_purge(now=later)
    return done


def test_every_kind_past_its_period_is_anonymised_unless_held_and_no_funder_figure_changes(
    client: Client, inside, no_mfa
):
    """Each registered kind (core.retention) with a record past its period: a hold on the
    closed pair's mentee keeps that pair's notes; released, everything goes; the published
    funder year and every report built afresh are the same before and after."""
    from tandem.community.models import Post
    from tandem.core import retention
    from tandem.organizations.models import Organization
    from tandem.reports.models import ReportSnapshot

    home = inside
    made = _written_everywhere(home)
    # People's whole records are the existing test's: here each kind on its own.
    for organization in Organization.objects.all():
        RetentionPeriod.objects.create(organization=organization, kind="record", months=1200)
    published = list(ReportSnapshot.objects.values("scope_key", "tables"))
    assert published  # `inside` published the last fiscal year to its funder
    before = totals()
    client.force_login(home.admin)
    held = made["closed"].mentee
    client.post(reverse("privacy:hold", args=[held.pk]), {"reason": "Complaint under review"})

    later = timezone.now() + timedelta(days=365 * 10)  # every default period has run out
    done = _sweep(later)
    assert done["held"] >= 1
    assert sorted(_secrets_left()) == [
        f"employers.WorkplaceActivity #{made['activity'].pk}",
        f"meetings.MeetingLog #{made['closed'].meeting_logs.get().pk}",
        f"task {made['mail'].pk}",  # mail to the held mentee stays with her hold
    ]
    assert Reminder.objects.filter(mentorship=made["closed"]).count() == 2
    client.post(reverse("privacy:hold", args=[held.pk]), {"reason": ""})
    again = _sweep(later)
    assert _secrets_left() == []
    assert not Reminder.objects.filter(mentorship=made["closed"]).exists()
    # Every row a kind retired lost its copy in the audit history (names in its description,
    # the values recorded), whether the row stays or went.
    for found in retention.kinds():
        if found.due is None:
            continue
        model = found.due(home.organization.pk, later).model
        retired = Retired.objects.filter(kind=found.code).values_list("object_id", flat=True)
        kept = LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model),
            object_pk__in=[str(pk) for pk in retired],
        )
        assert not kept.exclude(object_repr="").exists(), found.code
    # What nothing counts went; what is counted stayed, pointing to the same people.
    from tandem.circles.models import PeerConversation
    from tandem.events.models import Participation

    assert not PeerConversation.objects.filter(pk=made["never"].pk).exists()
    assert PeerConversation.objects.filter(pk=made["talked"].pk, held=1).exists()
    assert not Participation.objects.filter(pk=made["invited"].pk).exists()
    assert Participation.objects.filter(pk=made["came"].pk, attended=True).exists()
    # Every kind did its work at least once, and a third sweep has nothing left to do.
    # (the view log's entries: the database keeps two years whatever clock the sweep is given;
    # test_viewlog.py ages them itself)
    idle = {k.code for k in retention.kinds() if done[k.code] + again[k.code] == 0}
    assert idle == {"record", "views"}
    assert not any(retention_sweep(now=later).values())

    assert totals() == before
    assert list(ReportSnapshot.objects.values("scope_key", "tables")) == published
    # What stays: the rows counted, pointing to the same people; a former member's post.
    assert Mentorship.objects.filter(pk=made["closed"].pk, mentee=held).exists()
    assert not Post.objects.filter(author=home.staff).exists()
    assert Post.objects.filter(author__isnull=True).exists()


def test_the_retention_page_says_how_long_copies_of_mail_stay_in_both_languages(
    client: Client, home, settings, no_mfa
):
    from django.utils import translation

    settings.TANDEM_TASK_KEEP_SUCCESSFUL_DAYS = 5
    settings.TANDEM_TASK_KEEP_FAILED_DAYS = 21
    client.force_login(home.admin)
    page = client.get(reverse("privacy:retention", args=[home.organization.slug]))
    text = page.content.decode()
    assert "deleted from the queue 5 days later" in text and "stays 21 days" in text
    with translation.override("fr"):
        url = reverse("privacy:retention", args=[home.organization.slug])
    text = client.get(url).content.decode()
    assert "supprimé de la file 5 jours plus tard" in text and "reste 21 jours" in text
