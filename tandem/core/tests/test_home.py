"""The home page of each role shows that person's next actions, counted, and nobody else's.

Both organizations of the cast get the same work (with names tagged by organization), so that
every count would double and every outsider's name would show if the home leaked."""

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tandem.core.tests.cast import Side, make_member, make_organization, make_user
from tandem.matching.models import ProposalStatus
from tandem.matching.tests.factories import enrol, person, program_for, proposal
from tandem.mentorships.models import MentorshipStatus
from tandem.organizations.models import Partnership, PartnershipKind, Role
from tandem.outcomes.models import EmploymentOutcome, FollowUp
from tandem.outcomes.tests.factories import make_mentorship
from tandem.referrals.services import referral_decide, referral_submit
from tandem.reports.models import ReportSnapshot

pytestmark = pytest.mark.usefixtures("no_mfa")


@dataclass
class Work:
    side: Side
    tag: str
    mentor_user: object
    employer: object
    employer_user: object
    funder_user: object


def make_work(side: Side, tag: str) -> Work:
    """One program's worth of work: 2 referrals to decide and 1 returned, 3 drafts, 1 proposal
    waiting for answers (to the cast's mentee), 1 accepted by both, 2 mentorships needing
    attention of which 1 is past its term, 1 completed with its outcome and a follow-up due."""
    program = program_for(side)
    now = timezone.now()

    def mentee(label: str, **fields):
        return person(side, "mentee", given_name=f"{tag}{label}", **fields)

    def mentor(label: str, **fields):
        return person(side, "mentor", given_name=f"{tag}Mentor{label}", **fields)

    for label in ("Waiting1", "Waiting2", "Returned"):
        referral = referral_submit(
            actor=side.caseworker,
            participant=mentee(label),
            program=program,
            note="Ready",
            answers={},
            has_consent=True,
        )
    referral_decide(
        actor=side.staff,
        referral=referral,
        outcome="returned",
        unmet_criteria=[],
        note=f"{tag} needs a CLB 5 result first",
    )
    for i in range(3):
        proposal(program, mentee(f"Draft{i}"), mentor(f"Draft{i}"))
    mentor_user = make_user(f"mentor.{side.organization.slug}@example.org")
    enrol(program, side.mentee)
    proposal(
        program,
        side.mentee,
        mentor("Proposed", user=mentor_user),
        status=ProposalStatus.PUBLISHED,
        published_at=now,
        expires_at=now.replace(month=12, day=15, hour=17),
    )
    proposal(program, mentee("Accepted"), mentor("Accepted"), status=ProposalStatus.ACCEPTED)
    make_mentorship(program, mentee=mentee("Active"), mentor=mentor("Active"))
    make_mentorship(
        program,
        mentee=mentee("Overrun"),
        mentor=mentor("Overrun"),
        started_on=timezone.localdate() - timedelta(days=120),
    )
    finished_mentee = mentee("Finished")
    # Still enrolled and ready in the program: the old record page called her "ready to match".
    enrol(program, finished_mentee)
    finished = make_mentorship(program, mentee=finished_mentee, mentor=mentor("Finished"))
    finished.status = MentorshipStatus.COMPLETED
    finished.ended_on = timezone.localdate() - timedelta(days=100)
    finished.save(update_fields=["status", "ended_on"])
    EmploymentOutcome.objects.create(
        participant=finished_mentee,
        mentorship=finished,
        source="follow_up",
        status="employed_in_field",
        recorded_at=now - timedelta(days=10),
    )
    FollowUp.objects.create(
        mentorship=finished,
        participant=finished_mentee,
        months=3,
        due_at=now - timedelta(days=2),
        sent_at=now - timedelta(days=2),
    )
    employer = make_organization(f"employer-{tag.lower()}", kind="employer")
    employer_user = make_member(employer, Role.EMPLOYER_PARTNER)
    for label in ("Hired1", "Hired2"):
        enrol(program, mentor(label, recruited_by=employer))
    funder = make_organization(f"funder-{tag.lower()}", kind="funder")
    funder_user = make_member(funder, Role.FUNDER)
    Partnership.objects.create(
        organization=side.organization, partner=funder, kind=PartnershipKind.FUNDING
    )
    return Work(side, tag, mentor_user, employer, employer_user, funder_user)


@pytest.fixture
def work(home, elsewhere) -> tuple[Work, Work]:
    return make_work(home, "Home"), make_work(elsewhere, "Away")


def home_page(client, user, language: str = "en") -> str:
    client.force_login(user)
    response = client.get(f"/{language}/")
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.content.decode())


def count_of(html: str, words: str) -> int:
    found = re.search(rf'<span class="count">(\d+)</span> {words}', html)
    assert found, f"no count for {words!r}"
    return int(found.group(1))


def test_staff_see_their_programs_work_counted_and_never_the_outsiders(client, work):
    mine, theirs = work
    html = home_page(client, mine.side.staff)
    assert count_of(html, "referrals to decide") == 2
    assert count_of(html, "draft matches to review") == 3
    assert count_of(html, "proposal waiting for answers") == 1
    assert count_of(html, "match accepted by both, to confirm") == 1
    assert count_of(html, "mentorships need attention") == 2
    assert count_of(html, "follow-up due, not answered") == 1
    assert count_of(html, "mentorship at the end of its term, to close") == 1
    assert "HomeWaiting1" in html and "HomeFinished" in html and "HomeOverrun" in html
    assert "Away" not in html


def test_a_caseworker_sees_where_each_client_stands_and_the_returned_referral_with_its_reason(
    client, work
):
    mine, _theirs = work
    html = home_page(client, mine.side.caseworker)
    assert count_of(html, "referral returned to your agency") == 1
    assert "Home needs a CLB 5 result first" in html
    assert count_of(html, "client whose mentorship ended") == 1
    finished_row = re.search(r"<tr><th scope=\"row\"><a [^>]*>HomeFinished.*?</tr>", html).group(0)
    assert "Employed in their field" in finished_row and "Completed" in finished_row
    # The outcome flowed back: the finished client is not "ready to match" anywhere.
    clients = re.search(r'id="home-clients".*?</table>', html).group(0)
    assert "HomeFinished" not in clients
    assert "HomeWaiting1" in clients and "Referred: waiting for the program" in clients
    assert "HomeActive" in clients and "In a mentorship" in clients
    # Drafts are the program's secret until published.
    draft_row = re.search(r"<tr><th scope=\"row\"><a [^>]*>HomeDraft0.*?</tr>", html).group(0)
    assert "A mentor was proposed" not in draft_row
    assert "Away" not in html


def test_a_caseworker_with_many_returned_referrals_reads_the_newest_five_and_a_link_to_all(
    client, work
):
    mine, _theirs = work
    program = program_for(mine.side)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            home_page(client, mine.side.caseworker)
        return len(captured)

    home_page(client, mine.side.caseworker)
    with_one = queries()
    for n in range(6):
        referral = referral_submit(
            actor=mine.side.caseworker,
            participant=person(mine.side, "mentee", given_name=f"Late{n}"),
            program=program,
            note="Ready",
            answers={},
            has_consent=True,
        )
        referral_decide(
            actor=mine.side.staff,
            referral=referral,
            outcome="returned",
            unmet_criteria=[],
            note=f"Reason {n}",
        )
    assert queries() == with_one  # as many with seven returned as with one (or 700)
    html = home_page(client, mine.side.caseworker)
    assert count_of(html, "referrals returned to your agency") == 7
    returned = re.search(r'id="home-returned".*?id="home-clients"', html).group(0)
    assert returned.count('class="card returned"') == 5
    assert "Late5" in returned and "Late1" in returned and "Late0" not in returned  # newest
    assert "See all 7 returned referrals" in html and "?status=returned" in html


def test_the_mentee_is_told_a_mentor_awaits_her_answer_and_the_date_in_french(client, work):
    mine, _theirs = work
    html = home_page(client, mine.side.mentee_user)
    assert f"A mentor awaits your answer by Dec. 15, {timezone.localdate().year}." in html
    html = home_page(client, mine.side.mentee_user, "fr")
    # (home_page folds every space, the no-break ones included)
    assert "Une proposition de mentor attend votre réponse d’ici le 15 décembre" in html
    assert "Away" not in html


def test_a_mentee_whose_mentorship_ended_sees_the_hours_logged_not_a_target_to_reach(client, work):
    """Issue 16: an ended mentorship read "14.0 h of 24.0 h" with a half-full bar on the home."""
    mine, _theirs = work
    ended = make_mentorship(program_for(mine.side), mentee=mine.side.mentee, hours_target=24)
    ended.status = MentorshipStatus.COMPLETED
    ended.ended_on = timezone.localdate() - timedelta(days=3)
    ended.save(update_fields=["status", "ended_on"])
    for language, logged in (("en", "0 h logged"), ("fr", "0 h consignées")):
        html = home_page(client, mine.side.mentee_user, language)
        card = html.split('class="card mentorship-summary"', 1)[1].split("</div>", 1)[0]
        assert "<progress" not in card and "24" not in card
        assert logged in card


def test_the_mentor_is_told_a_mentee_awaits_his_answer(client, work):
    mine, _theirs = work
    html = home_page(client, mine.mentor_user)
    assert f"A mentee awaits your answer by Dec. 15, {timezone.localdate().year}." in html
    assert "Away" not in html


def test_an_employer_sees_its_mentors_figures_and_things_to_do_not_a_dead_end(client, work):
    mine, _theirs = work
    html = home_page(client, mine.employer_user)
    figures = re.search(r'<dl class="headlines">.*?</dl>', html).group(0)
    assert re.search(r"Mentors recruited</dt><dd>2<", figures)
    assert re.search(r"Ready to be matched</dt><dd>2<", figures)
    assert "You have no reports to read" not in html
    assert "What you can do" in html


def funder_section(html: str) -> str:
    found = re.search(
        r'<section class="home-section" aria-labelledby="home-funder">.*?</section>', html
    )
    assert found is not None, html
    return found.group(0)


def publish_last_fiscal_year(organization) -> int:
    from tandem.reports.snapshots import closed_fiscal_years, funder_publish

    year = closed_fiscal_years()[0]
    assert funder_publish(actor=None, organization=organization, year=year)
    return year


def test_a_funder_sees_the_latest_published_fiscal_year_with_small_counts_hidden(
    client, work, settings
):
    from tandem.referrals.models import Referral

    mine, _theirs = work
    settings.TANDEM_SMALL_CELL_THRESHOLD = 3
    year = publish_last_fiscal_year(mine.side.organization)
    # The three referrals were made after the year was published: not in its figures.
    section = funder_section(home_page(client, mine.funder_user))
    assert f"fiscal year {year}–{year + 1}" in section
    assert re.search(r"Referrals received</dt><dd>0<", section)
    # The same referrals in a year that has ended, published: counted, small figures hidden.
    Referral.objects.filter(program__organization=mine.side.organization).update(
        submitted_at=timezone.now().replace(year=year, month=6, day=15)
    )
    ReportSnapshot.objects.all().delete()
    publish_last_fiscal_year(mine.side.organization)
    section = funder_section(home_page(client, mine.funder_user))
    assert re.search(r"Referrals received</dt><dd>3<", section)
    assert mine.side.organization.name_en in section
    assert "Away" not in section and "other-agency" not in section
    french = funder_section(home_page(client, mine.funder_user, "fr"))
    assert f"exercice {year}–{year + 1}" in french and "Références reçues</dt><dd>3<" in french
    settings.TANDEM_SMALL_CELL_THRESHOLD = 5  # published again with the usual threshold
    ReportSnapshot.objects.all().delete()
    publish_last_fiscal_year(mine.side.organization)
    section = funder_section(home_page(client, mine.funder_user))
    assert re.search(r'Referrals received</dt><dd><abbr title="[^"]*" class="suppressed">', section)


def test_a_funder_cannot_learn_about_one_person_by_comparing_the_home_before_and_after(
    client, work, settings
):
    """The hole the published reports closed: the home counted the year under way live, so
    two visits a referral apart differed by that one person (3 then 4 referrals)."""
    mine, _theirs = work
    settings.TANDEM_SMALL_CELL_THRESHOLD = 3
    publish_last_fiscal_year(mine.side.organization)
    before = funder_section(home_page(client, mine.funder_user))
    referral_submit(
        actor=mine.side.caseworker,
        participant=person(mine.side, "mentee", given_name="HomeNewcomer"),
        program=program_for(mine.side),
        note="Ready",
        answers={},
        has_consent=True,
    )
    assert funder_section(home_page(client, mine.funder_user)) == before


def test_a_funder_is_told_plainly_when_no_fiscal_year_is_published_yet(client, work):
    mine, _theirs = work
    section = funder_section(home_page(client, mine.funder_user))
    assert "No fiscal year has been published yet" in section
    assert "<dl" not in section  # no figure at all, not the year under way
    french = funder_section(home_page(client, mine.funder_user, "fr"))
    assert "Aucun exercice n’a encore été publié" in french


def test_a_person_with_two_roles_sees_both_sections(client, work):
    mine, _theirs = work
    from tandem.organizations.models import Membership

    Membership.objects.create(
        user=mine.side.staff, organization=mine.side.organization, role=Role.CASEWORKER
    )
    html = home_page(client, mine.side.staff)
    assert 'id="home-staff"' in html and 'id="home-caseworker"' in html


def test_the_home_page_reads_a_bounded_number_of_queries(
    client, work, django_assert_max_num_queries
):
    mine, _theirs = work
    client.force_login(mine.side.staff)
    with django_assert_max_num_queries(40):
        client.get("/en/")


def test_the_record_of_a_client_whose_mentorship_ended_no_longer_says_ready_to_match(client, work):
    from tandem.participants.models import Participant

    mine, _theirs = work
    finished = Participant.objects.get(given_name="HomeFinished")
    client.force_login(mine.side.caseworker)
    html = client.get(f"/en/participants/{finished.pk}/").content.decode()
    assert "mentorship ended" in html
    assert "ready to match" not in html


def test_a_caseworker_and_an_employer_get_no_dead_matching_or_reports_links(client, work):
    mine, _theirs = work
    for user in (mine.side.caseworker, mine.employer_user):
        html = home_page(client, user)
        assert 'href="/en/matching/"' not in html
        assert 'href="/en/reports/"' not in html
    html = home_page(client, mine.funder_user)
    assert 'href="/en/reports/"' in html


def test_a_mentee_who_mentors_in_another_program_sees_the_employer_terms_link_once(
    client, home, elsewhere
):
    """The link was shown only when the person's first record (mentees sort first) was a
    mentor's: a mentee here who mentors elsewhere never saw it."""
    person(elsewhere, "mentor", user=home.mentee_user)
    html = home_page(client, home.mentee_user)
    assert "Your mentee profile" in html and "Your mentor profile" in html
    assert html.count("Mentoring at work: what your employer allows") == 1
    assert html.count("Mentoring at work") == 1
    only_mentee = home_page(client, elsewhere.mentee_user)
    assert "Your mentee profile" in only_mentee
    assert "Mentoring at work" not in only_mentee
