"""How the URL-access test fills each URL keyword argument with a record of *another* organization.

Every keyword argument a URL pattern takes must appear here. A new kind of record in a URL means
one new line: a function that, given the outsider's side of the cast (`elsewhere`), returns the
value that names one of its records. A pattern with an unknown argument fails the test.
"""

from collections.abc import Callable
from typing import Any

from tandem.core.tests.cast import Side

# Arguments of views Tandem mounts but did not write; any value will do, access is by rule.
EXTERNAL: dict[str, Any] = {
    "key": "not-a-real-key",
    "id": "1",
    "uidb36": "zz",
    "app_label": "participants",
    "object_id": "1",
    "content_type_id": "1",
    "url": "participants/participant/",
    "type": "totp",
}

OWNED_BY_OTHER_ORGANIZATION: dict[str, Callable[[Side], Any]] = {
    "org_slug": lambda side: side.organization.slug,
    "participant_id": lambda side: side.mentee.pk,
    # A second record of the same organization (the merge of probable duplicates).
    "other_id": lambda side: _second_record(side).pk,
    # Programs, referrals and intake (tandem/programs, tandem/referrals).
    "program_id": lambda side: outsider_records(side)["program"].pk,
    "program_slug": lambda side: outsider_records(side)["program"].slug,
    "referral_id": lambda side: outsider_records(side)["referral"].pk,
    "enrolment_id": lambda side: outsider_records(side)["enrolment"].pk,
    "session_id": lambda side: outsider_records(side)["session"].pk,
    "resume_id": lambda side: outsider_records(side)["resume"].pk,
    "import_id": lambda side: outsider_records(side)["import_job"].pk,
    "token": lambda side: "not-a-real-token",
    # Matching desk and mentorships (tandem/matching, tandem/mentorships).
    "proposal_id": lambda side: matching_records(side)["proposal"].pk,
    "run_id": lambda side: matching_records(side)["run"].pk,
    "mentorship_id": lambda side: matching_records(side)["mentorship"].pk,
    # Tandem lifecycle (events, meetings, outcomes).
    "event_id": lambda side: mine(side)["event"].pk,
    "document_id": lambda side: mine(side)["document"].pk,
    "follow_up_id": lambda side: mine(side)["follow_up"].pk,
    # end lifecycle
    # Setting up the network (tandem/organizations).
    "location_id": lambda side: setup_records(side)["location"].pk,
    "membership_id": lambda side: setup_records(side)["membership"].pk,
    "partnership_id": lambda side: setup_records(side)["partnership"].pk,
    "invitation_id": lambda side: setup_records(side)["invitation"].pk,
    # Group and peer mentoring (tandem/circles).
    "circle_id": lambda side: circle_records(side)["circle"].pk,
    "circle_member_id": lambda side: circle_records(side)["member"].pk,
    "circle_session_id": lambda side: circle_records(side)["session"].pk,
    "peer_mentor_id": lambda side: circle_records(side)["peer"].pk,
    "peer_conversation_id": lambda side: circle_records(side)["conversation"].pk,
    # Connector program (tandem/connectors).
    "connector_program_id": lambda side: connector_records(side)["program"].pk,
    "newcomer_id": lambda side: connector_records(side)["newcomer"].pk,
    "connector_meeting_id": lambda side: connector_records(side)["meeting"].pk,
    "introduction_id": lambda side: connector_records(side)["introduction"].pk,
    "what": lambda side: "held",
    # Employer and association partners (tandem/employers).
    "partner_slug": lambda side: employer_records(side)["partner"].slug,
    "workplace_activity_id": lambda side: employer_records(side)["activity"].pk,
    "hosted_program_id": lambda side: employer_records(side)["hosted"].pk,
    # Short mentorship opportunities and hubs (tandem/opportunities).
    "posting_id": lambda side: opportunity_records(side)["opportunity"].pk,
    "opportunity_id": lambda side: opportunity_records(side)["opportunity"].pk,
    "application_id": lambda side: opportunity_records(side)["application"].pk,
    "saved_search_id": lambda side: opportunity_records(side)["search"].pk,
    "employer_id": lambda side: opportunity_records(side)["employer"].pk,
    "hub_id": lambda side: opportunity_records(side)["hub"].pk,
    "network_slug": lambda side: opportunity_records(side)["national"].slug,
    # Privacy (tandem/privacy): purposes are the network's, run by platform admins.
    "purpose_code": lambda side: "follow_ups",
    "request_id": lambda side: privacy_request(side).pk,
    "incident_id": lambda side: privacy_incident(side).pk,
    # The community's repertoire, directory and gatherings (tandem/library).
    # community_slug: the community's own line below (library_records builds on that community).
    "resource_id": lambda side: library_records(side)["resource"].pk,
    "round_id": lambda side: library_records(side)["round"].pk,
    "version_id": lambda side: library_records(side)["version"].pk,
    "file_id": lambda side: library_records(side)["file"].pk,
    "gathering_id": lambda side: library_records(side)["gathering"].pk,
    "spokesperson_id": lambda side: library_records(side)["spokesperson"].pk,
    # Reports (tandem/reports).
    "report_id": lambda side: report_run(side).pk,
    # Communities of practice (tandem/community): a community the side's organization hosts.
    "community_slug": lambda side: community_records(side)["community"].slug,
    "space_slug": lambda side: community_records(side)["space"].slug,
    "thread_id": lambda side: community_records(side)["thread"].pk,
    "post_id": lambda side: community_records(side)["post"].pk,
    "attachment_id": lambda side: community_records(side)["attachment"].pk,
    "conversation_id": lambda side: community_records(side)["conversation"].pk,
    "community_membership_id": lambda side: community_records(side)["membership"].pk,
}


def outsider_records(side: Side) -> dict[str, Any]:
    """A program of the outsider with an accepted referral, an intake session, a résumé and an
    import, made once per organization."""
    from tandem.programs.tests.factories import outsider_records as make

    return make(side)


def mine(side: Side) -> dict[str, Any]:
    """The outsider's event, mentorship, follow-up and document (tandem/events, meetings,
    outcomes)."""
    from tandem.outcomes.tests.factories import outsider_lifecycle_records

    return outsider_lifecycle_records(side)


def matching_records(side: Side) -> dict[str, Any]:
    """A pool of the outsider's program with a published proposal, a run and a mentorship."""
    from tandem.matching.tests.factories import outsider_records as make

    return make(side)


def setup_records(side: Side) -> dict[str, Any]:
    from tandem.organizations.tests.factories import setup_records as make

    return make(side)


def report_run(side: Side) -> Any:
    """A report file the outsider's staff asked for (tandem/reports)."""
    from tandem.reports.tests.factories import outsider_report_run

    return outsider_report_run(side)


def _second_record(side: Side) -> Any:
    from tandem.core.tests.cast import make_participant

    return make_participant(side.organization)


def circle_records(side: Side) -> dict[str, Any]:
    """A group of the outsider with a member and a past session, and a peer mentor."""
    from tandem.circles.tests.factories import outsider_circle_records

    return outsider_circle_records(side)


def connector_records(side: Side) -> dict[str, Any]:
    """A connector program of the outsider with a connector, a newcomer, a held meeting and an
    introduction (tandem/connectors)."""
    from tandem.connectors.tests.factories import outsider_records as make

    return make(side)


def employer_records(side: Side) -> dict[str, Any]:
    """An employer partner of the outsider, its recruited mentor's pair and a workplace
    activity (tandem/employers)."""
    from tandem.employers.tests.factories import outsider_records as make

    return make(side)


def opportunity_records(side: Side) -> dict[str, Any]:
    """A hub of the outsider's network posting an employer's opportunity, with the outsider's
    mentee referred to it (tandem/opportunities)."""
    from tandem.opportunities.tests.factories import outsider_records as make

    return make(side)


def privacy_request(side: Side) -> Any:
    """An access request of the side's mentee (tandem/privacy), made once per organization."""
    from tandem.privacy.models import PrivacyRequest

    found = PrivacyRequest.objects.filter(participant=side.mentee).first()
    if found is None:
        from tandem.privacy.requests import request_build, request_receive

        found = request_receive(actor=side.mentee_user, participant=side.mentee, kind="access")
        found = request_build(request_id=found.pk)  # its PDF and JSON are downloaded
    return found


def privacy_incident(side: Side) -> Any:
    from tandem.privacy.models import Incident

    found = Incident.objects.filter(organization=side.organization).first()
    if found is None:
        from django.utils import timezone

        found = Incident.objects.create(
            organization=side.organization, what="A laptop was lost", occurred_at=timezone.now()
        )
    return found


def library_records(side: Side) -> dict[str, Any]:
    """A community hosted by the side's organization with a published toolkit (a file, a draft
    under review), a past gathering and a spokesperson (tandem/library)."""
    from tandem.library.tests.factories import outsider_records as make

    return make(side)


def community_records(side: Side) -> dict[str, Any]:
    """A community hosted by the side's organization (its admin moderates, its staff is a
    member) with a targeted space, a thread with a reply carrying a file, and a private
    conversation (tandem/community)."""
    from tandem.community.tests.factories import side_community

    return side_community(side)
