"""Who viewed a person's record: every route that shows one writes to the log, and nothing can
change the log."""

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse

from tandem.core.access import Audience
from tandem.core.tests.cast import make_member, make_organization
from tandem.core.tests.test_url_access import ROUTES, insider_url
from tandem.organizations.models import Role
from tandem.participants.models import Participant
from tandem.privacy.models import RecordView, ViewKind

# URL arguments that name a person's record, a document or a résumé (what the log is about).
PERSON_ARGUMENTS = {
    "participant_id",
    "resume_id",
    "referral_id",
    "enrolment_id",
    "document_id",
    "request_id",
    "application_id",  # an application to an opportunity shows shared accommodations
    # A pair's pages (meetings, agreement, closure), a proposal (both profiles), a follow-up
    # answered on a person's behalf, group and peer mentoring, connector meetings and
    # introductions, workplace activities of a pair.
    "mentorship_id",
    "proposal_id",
    "follow_up_id",
    "circle_member_id",
    "peer_mentor_id",
    "peer_conversation_id",
    "newcomer_id",
    "connector_meeting_id",
    "introduction_id",
    "workplace_activity_id",
    # Pages that list several people: a group's members, a session's or an event's guests.
    "circle_id",
    "circle_session_id",
    "event_id",
}
# Among those, forms that name nobody: a new session, a session's or an event's date, place and
# topic, and a member's own feedback form (the person's own: nobody else's record).
NAMING_NOBODY = {
    ("circles", "session_new"),
    ("circles", "session_edit"),
    ("circles", "feedback"),
    ("events", "edit"),
}
# Staff first: a person opening their own record writes nothing (tested below).
VIEWERS = ["staff", "caseworker", "admin", "mentor_user", "mentee_user"]

PERSON_PAGES = [
    r
    for r in ROUTES
    if r.rule
    and r.rule.audience is Audience.SCOPED
    and "GET" in r.rule.methods
    and PERSON_ARGUMENTS & set(r.kwargs)
    and (r.namespace, r.name) not in NAMING_NOBODY
]


def silent_pages(routes, client: Client, side) -> list[str]:
    """The pages among `routes` that showed a person's record to someone else and wrote no
    row naming that viewer (each route opened by the first viewer it lets in)."""
    silent = []
    for route in routes:
        url = insider_url(route, side)
        for who in VIEWERS:
            viewer = getattr(side, who)
            client.force_login(viewer)
            last = RecordView.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            response = client.get(url)
            if response.status_code not in (200, 302):
                continue
            written = list(RecordView.objects.filter(pk__gt=last))
            own = set(Participant.objects.filter(user=viewer).values_list("pk", flat=True))
            rows = [row for row in written if row.viewer_id == viewer.pk]
            if not rows and not own:
                silent.append(f"{route.namespace}:{route.name} as {who}")
            assert all(row.participant_id not in own for row in rows), route.regex
            assert all(row.path == url and row.page for row in rows), route.regex
            break
    return silent


@pytest.mark.slow
@pytest.mark.django_db
def test_every_route_showing_a_persons_record_writes_a_row_to_the_log(
    client: Client, inside, no_mfa
):
    """One walk over every page that names a person's record: whoever opens it (other than
    the person), a row names them, the page and the person."""
    assert len(PERSON_PAGES) > 15  # the walk reads the real URL configuration
    # The walk's event has a guest, so that its page names someone.
    from django.utils import timezone

    from tandem.core.tests.url_arguments import mine
    from tandem.events.models import Participation

    Participation.objects.get_or_create(
        event=mine(inside)["event"], participant=inside.mentee, invited_at=timezone.now()
    )
    silent = silent_pages(PERSON_PAGES, client, inside)
    assert silent == [], "pages that showed a person's record and wrote nothing:\n" + "\n".join(
        silent
    )


@pytest.mark.django_db
def test_the_walk_catches_a_page_that_logs_nothing(client: Client, inside, no_mfa, monkeypatch):
    """Negative control: without the observer on the access mechanism, the same walk reports
    the record page."""
    import tandem.core.access as mechanism

    detail = [r for r in PERSON_PAGES if (r.namespace, r.name) == ("participants", "detail")]
    assert silent_pages(detail, client, inside) == []
    monkeypatch.setattr(mechanism, "_OBSERVERS", [])
    assert silent_pages(detail, client, inside) == ["participants:detail as staff"]


@pytest.mark.django_db
def test_the_log_names_viewer_organization_and_page_and_skips_the_person(
    client: Client, home, no_mfa
):
    client.force_login(home.caseworker)
    client.get(reverse("participants:detail", args=[home.mentee.pk]))
    row = RecordView.objects.get()
    assert (row.participant_id, row.viewer_id, row.organization_id, row.kind) == (
        home.mentee.pk,
        home.caseworker.pk,
        home.organization.pk,
        ViewKind.RECORD,
    )
    assert row.page == "participants:detail"
    # The person reading their own record is no one else's view.
    client.force_login(home.mentee_user)
    client.get(reverse("privacy:person", args=[home.mentee.pk]))
    assert RecordView.objects.count() == 1


@pytest.mark.django_db
def test_the_person_and_the_privacy_officer_read_the_log_and_others_do_not(
    client: Client, home, elsewhere, no_mfa
):
    client.force_login(home.caseworker)
    client.get(reverse("participants:detail", args=[home.mentee.pk]))
    page = reverse("privacy:person", args=[home.mentee.pk])
    client.force_login(home.mentee_user)
    name = home.caseworker.get_full_name()
    assert name in client.get(page).text
    assert name in client.get(reverse("privacy:mine")).text
    # No officer named: the organization's admins act.
    client.force_login(home.admin)
    assert client.get(page).status_code == 200
    assert client.get(reverse("privacy:office", args=[home.organization.slug])).status_code == 200
    # Staff who hold the record record consents on that page, but the log is not theirs.
    for staff in (home.staff, home.caseworker):
        client.force_login(staff)
        answer = client.get(page)
        assert answer.status_code == 200
        assert "Who viewed this record" not in answer.text
    client.force_login(elsewhere.admin)
    assert client.get(page).status_code == 404


@pytest.mark.django_db
def test_the_admins_name_an_officer_who_then_reads_the_log_instead_of_them(
    client: Client, home, no_mfa
):
    officer = make_member(home.organization, Role.CASEWORKER, email="officer@example.org")
    client.force_login(home.admin)
    url = reverse("privacy:officer", args=[home.organization.slug])
    response = client.post(url, {"officer": officer.pk})
    assert response.status_code == 302
    office = reverse("privacy:office", args=[home.organization.slug])
    assert client.get(office).status_code == 404  # the officer is named: admins no longer act
    client.force_login(officer)
    assert client.get(office).status_code == 200
    assert client.get(reverse("privacy:person", args=[home.mentee.pk])).status_code == 200
    # Only admins name the officer; an outsider cannot be named.
    assert client.get(url).status_code == 404
    client.force_login(home.admin)
    stranger = make_member(make_organization("far-away"), Role.CASEWORKER)
    assert client.post(url, {"officer": stranger.pk}).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_no_code_path_and_not_the_database_changes_a_row(home):
    row = RecordView.objects.create(
        participant=home.mentee, viewer=home.staff, viewer_label="x", kind="record", page="p"
    )
    with pytest.raises(DatabaseError), transaction.atomic():
        RecordView.objects.filter(pk=row.pk).update(viewer_label="someone else")
    with pytest.raises(DatabaseError), transaction.atomic():  # SQLite and PostgreSQL alike
        RecordView.objects.filter(pk=row.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM privacy_recordview")  # not the ORM either
    assert RecordView.objects.get(pk=row.pk).viewer_label == "x"
    # Only emptying the whole database (`flush`, how tests reset it; TRUNCATE on PostgreSQL)
    # passes, on both.
    call_command("flush", interactive=False, verbosity=0)
    assert not RecordView.objects.exists()


@pytest.mark.django_db
def test_the_sqlite_guard_is_in_the_migrated_schema_and_refuses_a_foreign_connection(
    tmp_path,
):
    """A connection that is not Tandem's (no tandem_flushing function) cannot delete either."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's own triggers")
    import sqlite3

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
            ["privacy_recordview"],
        )
        names = {name for (name,) in cursor.fetchall()}
        cursor.execute(
            "SELECT sql FROM sqlite_master WHERE type IN ('table', 'trigger') "
            "AND tbl_name = 'privacy_recordview'"
        )
        schema = [sql for (sql,) in cursor.fetchall() if sql]
    assert names == {"privacy_recordview_no_update", "privacy_recordview_no_delete"}
    other = sqlite3.connect(tmp_path / "copy.sqlite3")
    for statement in schema:
        other.execute(statement)
    other.execute(
        "INSERT INTO privacy_recordview (participant_id, viewer_label, kind, page, path, "
        "method, at) VALUES (1, 'x', 'record', 'p', '/', 'GET', '2026-01-01')"
    )
    with pytest.raises(sqlite3.OperationalError, match="tandem_flushing"):
        other.execute("DELETE FROM privacy_recordview")
    other.close()


@pytest.mark.django_db
def test_an_export_and_a_download_are_logged_for_each_person(
    client: Client, home, no_mfa, settings, tmp_path
):
    from django.core.files.base import ContentFile

    from tandem.core.tests.cast import make_participant
    from tandem.participants.models import Resume

    other = make_participant(home.organization)
    client.force_login(home.caseworker)
    response = client.get(reverse("participants:export", args=[home.organization.slug]))
    assert response.status_code == 200
    response.getvalue()  # the whole file streamed
    exported = RecordView.objects.filter(kind=ViewKind.EXPORT)
    assert set(exported.values_list("participant_id", flat=True)) == {home.mentee.pk, other.pk}
    assert {row.page for row in exported} == {"participants:export"}

    settings.MEDIA_ROOT = tmp_path
    resume = Resume(participant=other, original_name="cv.pdf", content_type="application/pdf")
    resume.size = 13
    resume.file.save("cv.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    client.get(reverse("participants:resume_download", args=[resume.pk]))
    assert RecordView.objects.filter(kind=ViewKind.RESUME, participant=other).count() == 1


@pytest.mark.django_db
def test_certificates_and_calendar_files_naming_a_person_are_logged(
    client: Client, clock, lifecycle, no_mfa
):
    from tandem.outcomes import services as outcomes

    pair = lifecycle.mentorship
    outcomes.mentorship_close(
        actor=lifecycle.staff, mentorship=pair, kind="mutual_agreement", ended_on=clock.now().date()
    )
    mentee_certificate = reverse("outcomes:certificate_mentee", args=[pair.pk])
    client.force_login(lifecycle.mentee_user)  # her own certificate: not a view by another
    assert client.get(mentee_certificate).status_code == 200
    assert not RecordView.objects.filter(kind="certificate").exists()
    client.force_login(lifecycle.staff)
    assert client.get(mentee_certificate).status_code == 200
    (row,) = RecordView.objects.filter(kind="certificate")
    assert (row.participant_id, row.viewer_id) == (pair.mentee_id, lifecycle.staff.pk)
    assert row.get_kind_display() == "Certificate"

    # The introduction's calendar file names both people.
    from tandem.mentorships.models import IntroductionMeeting

    IntroductionMeeting.objects.get_or_create(
        mentorship=pair,
        defaults={"starts_at": clock.now(), "mode": "virtual", "scheduled_by": lifecycle.staff},
    )
    client.force_login(lifecycle.mentor_user)
    response = client.get(reverse("mentorships:meeting_ics", args=[pair.pk]))
    assert response.status_code == 200
    assert 'filename="introduction-meeting.ics"' in response["Content-Disposition"]
    french = client.get(reverse("mentorships:meeting_ics", args=[pair.pk]).replace("/en/", "/fr/"))
    assert 'filename="rencontre-de-presentation.ics"' in french["Content-Disposition"]
    logged = RecordView.objects.filter(kind="calendar")
    assert set(logged.values_list("participant_id", "viewer_id")) == {
        (pair.mentee_id, lifecycle.mentor_user.pk)  # not the mentor's own (two downloads)
    }


@pytest.mark.django_db
def test_a_mentorship_page_names_both_people_and_a_side_never_logs_itself(
    client: Client, lifecycle, no_mfa
):
    pair = lifecycle.mentorship
    client.force_login(lifecycle.staff)
    assert client.get(reverse("meetings:detail", args=[pair.pk])).status_code == 200
    rows = RecordView.objects.filter(kind="mentorship", viewer=lifecycle.staff)
    assert sorted(rows.values_list("participant_id", flat=True)) == sorted(
        [pair.mentee_id, pair.mentor_id]
    )
    assert {row.page for row in rows} == {"meetings:detail"}
    client.force_login(lifecycle.mentor_user)
    client.get(reverse("meetings:detail", args=[pair.pk]))
    mine = RecordView.objects.filter(viewer=lifecycle.mentor_user)
    assert list(mine.values_list("participant_id", "kind")) == [(pair.mentee_id, "mentorship")]
    assert str(mine.get().get_kind_display()) == "Mentorship"


@pytest.mark.django_db
def test_the_sweep_deletes_entries_past_their_period_never_younger_than_two_years(
    client: Client, home, no_mfa
):
    from datetime import timedelta

    from django.utils import timezone

    from tandem.core.tests.cast import make_participant
    from tandem.privacy.models import RetentionPeriod
    from tandem.privacy.retention import _expiring_views, hold_place, retention_sweep

    now = timezone.now()
    held = make_participant(home.organization)
    hold_place(actor=home.admin, participant=held, reason="Dispute")

    def viewed(person: Participant, days: int) -> int:
        return RecordView.objects.create(
            participant=person,
            viewer=home.staff,
            viewer_label="x",
            kind="record",
            page="p",
            at=now - timedelta(days=days),
        ).pk

    old, middle, recent = (viewed(home.mentee, days) for days in (5 * 365, 900, 200))
    kept_by_hold = viewed(held, 5 * 365)
    assert retention_sweep(now=now)["views"] == 1  # the default: three years
    assert set(RecordView.objects.values_list("pk", flat=True)) == {middle, recent, kept_by_hold}
    assert old not in set(RecordView.objects.values_list("pk", flat=True))

    # The office keeps them two years, not less: the page refuses one year.
    client.force_login(home.admin)
    page = reverse("privacy:retention", args=[home.organization.slug])
    assert client.post(page, {"views": "12"}).status_code == 200
    assert client.post(page, {"views": "24"}).status_code == 302
    assert RetentionPeriod.objects.get(kind="views").months == 24
    retention_sweep(now=now)
    assert set(RecordView.objects.values_list("pk", flat=True)) == {recent, kept_by_hold}
    # The floor is the database's own: even the sweep's transaction cannot delete a newer entry.
    with pytest.raises(DatabaseError), _expiring_views():
        RecordView.objects.filter(pk=recent).delete()
    assert RecordView.objects.filter(pk=recent).exists()


@pytest.mark.django_db
def test_a_group_page_logs_the_members_it_names_and_a_guest_list_each_guest(
    client: Client, home, no_mfa
):
    from tandem.circles.models import CircleMember
    from tandem.core.tests.cast import make_participant
    from tandem.core.tests.url_arguments import circle_records

    records = circle_records(home)  # home's mentee is a member; a past session invited her
    circle = records["circle"]

    def member(seat: int, shows_name: bool) -> Participant:
        person = make_participant(home.organization)
        CircleMember.objects.create(
            circle=circle,
            participant=person,
            role="mentee",
            side="mentee",
            seat=seat,
            capacity=circle.mentee_capacity,
            shows_name=shows_name,
        )
        return person

    private, named = member(2, False), member(3, True)
    client.force_login(home.staff)
    client.get(reverse("circles:detail", args=[circle.pk]))
    rows = RecordView.objects.filter(viewer=home.staff, kind="group")
    assert set(rows.values_list("participant_id", flat=True)) == {
        home.mentee.pk,
        private.pk,
        named.pk,
    }
    assert {row.page for row in rows} == {"circles:detail"}
    # A member reads the names of those who agreed: only they are logged, never herself.
    client.force_login(home.mentee_user)
    client.get(reverse("circles:detail", args=[circle.pk]))
    seen = RecordView.objects.filter(viewer=home.mentee_user)
    assert list(seen.values_list("participant_id", "kind")) == [(named.pk, "group")]
    # The session's page and its event's guest list name each guest.
    session = records["session"]
    for page in (
        reverse("circles:session", args=[session.pk]),
        reverse("events:detail", args=[session.event_id]),
    ):
        client.force_login(home.staff)
        last = RecordView.objects.order_by("-pk").values_list("pk", flat=True).first()
        assert client.get(page).status_code == 200
        guests = RecordView.objects.filter(pk__gt=last, kind="event")
        assert set(guests.values_list("participant_id", flat=True)) == {home.mentee.pk}, page
        assert str(guests.get().get_kind_display()) == "Event or group session"
