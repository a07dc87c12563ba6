"""The home page: one section for each role a person holds, built around what to do next.

The work lists are read by the selectors of the apps that own the work (referrals, matching,
meetings, outcomes, reports); this module only asks which roles the person holds and puts the
sections in order. `home` is the top floor: it may import every app.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from tandem.accounts.models import User
from tandem.circles.selectors import circles_run_by, own_circles, peer_invitations_to_answer
from tandem.community.selectors import unread_for as community_unread
from tandem.connectors.selectors import home_work as connector_work
from tandem.employers.access import hosted_programs_for_lead
from tandem.matching.selectors import desk_work, proposals_awaiting_answer
from tandem.meetings.selectors import attention_count, own_mentorships
from tandem.organizations.access import active_memberships, networks_funded_by, networks_led_by
from tandem.organizations.models import Role
from tandem.outcomes.selectors import Stage, client_journeys, follow_ups_due, mentorships_to_close
from tandem.referrals.selectors import (
    referrals_returned_to,
    referrals_to_decide,
    with_return_decisions,
)
from tandem.reports.selectors import recruited_mentor_figures
from tandem.reports.snapshots import funder_headline

# How many items of a list the home shows before "see all".
SHOWN = 5


@dataclass
class Section:
    role: str  # names the template: core/home/<role>.html
    context: dict[str, Any] = field(default_factory=dict)
    # A format's own app may bring its section's template (circles/home.html).
    template_name: str = ""

    @property
    def template(self) -> str:
        return self.template_name or f"core/home/{self.role}.html"


def _first(rows: QuerySet[Any], n: int = SHOWN) -> list[Any]:
    """The first `n` of an ordered list, found on its own columns and then read with its
    related rows: asked for at once, PostgreSQL joined every candidate (thousands of active
    mentorships at 50k people) to the people's table before sorting and keeping five."""
    ids = list(rows.values_list("pk", flat=True)[:n])
    found = {row.pk: row for row in rows.filter(pk__in=ids)}
    return [found[pk] for pk in ids if pk in found]


def staff_section(user: User) -> Section | None:

    programs = desk_work(user=user)
    if not programs:
        return None
    to_decide = referrals_to_decide(user=user)
    follow_ups = follow_ups_due(user=user)
    to_close = mentorships_to_close(user=user)
    return Section(
        "staff",
        {
            "programs": programs,
            "to_decide_count": to_decide.count(),
            "to_decide": _first(to_decide),
            "drafts": sum(p.drafts for p in programs),
            "waiting": sum(p.waiting for p in programs),
            "to_confirm": sum(p.to_confirm for p in programs),
            "attention": attention_count(user=user),
            "follow_ups_count": follow_ups.count(),
            "follow_ups": list(follow_ups[:SHOWN]),
            "to_close_count": to_close.count(),
            "to_close": _first(to_close),
            # The link to the network's employer-hosted programs, for those its page shows one.
            "sees_hosted": hosted_programs_for_lead(user).exists(),
        },
    )


def caseworker_section(user: User, memberships: list) -> Section | None:

    agencies = [m.organization for m in memberships if m.role == Role.CASEWORKER]
    if not agencies:
        return None
    journeys = client_journeys(user=user)
    returned = referrals_returned_to(user=user)
    return Section(
        "caseworker",
        {
            "agencies": agencies,
            "returned_count": returned.count(),
            "returned": with_return_decisions(returned[:SHOWN]),
            "journeys": [j for j in journeys if j.stage != Stage.ENDED],
            "past_clients": [j for j in journeys if j.stage == Stage.ENDED],
        },
    )


def participant_section(user: User) -> Section | None:

    records = list(
        user.participant_records.select_related("organization", "occupation")
        .prefetch_related("enrolments__program")
        .order_by("role")
    )
    if not records:
        return None
    to_answer = proposals_awaiting_answer(user=user)
    mentorships = own_mentorships(user=user)
    # People of a connector program wait for no match: the connector section says what to do.
    kinds = {e.program.kind for r in records for e in r.enrolments.all()}
    only_connector = kinds == {"connector"}
    return Section(
        "participant",
        {
            "records": records,
            # The employer's terms concern a mentor, whatever the order of the records (a
            # mentee in one program may mentor in another).
            "is_mentor": any(r.role == "mentor" for r in records),
            "to_answer": to_answer,
            "mentorships": mentorships,
            "is_waiting": not to_answer and not mentorships and not only_connector,
        },
    )


def groups_section(user: User) -> Section | None:
    """Mentoring groups: those the person is in (next session, feedback to give), those they run
    (staff or a partner's coordinator), and an invitation to be a peer mentor."""
    context = {
        "own": own_circles(user=user),
        "runs": list(circles_run_by(user=user)[:SHOWN]),
        "peer_invitations": list(peer_invitations_to_answer(user=user)),
    }
    if not any(context.values()):
        return None
    return Section("groups", context, template_name="circles/home.html")


def partner_sections(user: User, memberships: list) -> list[Section]:
    """Employer partners and network leaders: what the mentors they recruited are doing;
    funders: the network's figures of its latest published fiscal year. Counts only, never a
    person."""

    sections = []
    for role in (Role.EMPLOYER_PARTNER, Role.NETWORK_LEADER):
        organizations = [m.organization for m in memberships if m.role == role]
        if organizations:
            sections.append(
                Section(
                    "employer" if role == Role.EMPLOYER_PARTNER else "leader",
                    {
                        "organizations": [
                            (org, recruited_mentor_figures(org)) for org in organizations
                        ],
                        "networks": list(networks_led_by(user).order_by("name_en")),
                    },
                )
            )
    funded = list(networks_funded_by(user).order_by("name_en"))
    if funded:
        # The latest published fiscal year, never the current one counted live (issue 15).
        sections.append(
            Section("funder", {"networks": [(org, funder_headline(org)) for org in funded]})
        )
    return sections


def connector_section(user: User) -> Section | None:
    """The connector program: staff's programs, a newcomer's chain, a connector's meetings."""
    work = connector_work(user=user)
    return None if work.is_empty else Section("connectors", {"work": work})


def community_section(user: User, memberships: list) -> Section | None:
    """Communities of practice: unread mentions and private messages (only for people with an
    organization: members of a community always have one)."""
    if not memberships:
        return None
    unread = community_unread(user)
    return (
        None if unread.is_empty else Section("community", {"unread": unread}, "community/home.html")
    )


def dashboard_for(*, user: User) -> dict[str, Any]:
    memberships = list(
        active_memberships(user)
        .select_related("organization")
        .order_by("organization__name_en", "role")
    )
    sections = [
        section
        for section in (
            staff_section(user),
            caseworker_section(user, memberships),
            participant_section(user),
            groups_section(user),
            connector_section(user),
            community_section(user, memberships),
        )
        if section is not None
    ]
    sections += partner_sections(user, memberships)
    return {"memberships": memberships, "sections": sections}
