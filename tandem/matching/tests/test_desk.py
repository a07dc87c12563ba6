"""The matching desk through HTTP and the services: runs, drafts, explanations, publication,
answers, reminders and expiry, manual matches, and who may see what."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tandem.core.tests.cast import make_user
from tandem.core.tests.html import duplicate_ids, form_with
from tandem.matching import pool, selectors
from tandem.matching.models import Exclusion, Proposal, ProposalRun, ProposalStatus, RunStatus
from tandem.matching.services.base import settings_for
from tandem.matching.services.drafts import (
    proposal_accept,
    proposal_create_manual,
    proposal_exclude,
    proposal_pin,
    proposal_swap,
)
from tandem.matching.services.explanations import explain_any_pair
from tandem.matching.services.follow_ups import proposal_follow_up, proposals_sweep
from tandem.matching.services.publishing import proposals_publish, shared_profile
from tandem.matching.services.runs import _progress_writer, _run, run_execute, run_start
from tandem.matching.tests.factories import enrol, person, pool_of, program_for, proposal

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(home):
    return program_for(home)


def run_now(program, actor, **kwargs):
    run = run_start(actor=actor, program=program, **kwargs)
    return run_execute(run_id=run.pk)


def test_a_run_proposes_drafts_only_staff_see(home, program, client, no_mfa):
    people = pool_of(home, program, mentees=2, mentors=2)
    run = run_now(program, home.staff)
    assert run.status == RunStatus.DONE and run.matched_count == 2 and run.percent == 100
    drafts = Proposal.objects.filter(program=program, status=ProposalStatus.DRAFT)
    assert drafts.count() == 2
    draft = drafts.first()
    assert draft.sentences["en"] and draft.sentences["fr"]
    assert draft.sentences["en"] != draft.sentences["fr"]
    # The mentee, even with an account, never sees a draft.
    mentee = people["mentees"][0]
    mentee.user = make_user("draft.mentee@example.org")
    mentee.save()
    client.force_login(mentee.user)
    own = Proposal.objects.get(mentee=mentee)
    assert client.get(reverse("matching:proposal", args=[own.pk])).status_code == 404
    client.force_login(home.staff)
    page = client.get(reverse("matching:proposals", args=[program.pk]))
    assert page.status_code == 200 and mentee.full_name in page.content.decode()


def test_re_running_keeps_accepted_and_pinned_drafts_and_respects_exclusions(home, program):
    pool_of(home, program, mentees=3, mentors=3)  # every mentor has one place
    run_now(program, home.staff)
    accepted, pinned, excluded = Proposal.objects.filter(program=program).order_by("pk")
    proposal_accept(actor=home.staff, proposal=accepted)
    proposal_pin(actor=home.staff, proposal=pinned, pinned=True)
    proposal_exclude(actor=home.staff, proposal=excluded, note="Know each other")
    run_now(program, home.staff)

    drafts = {p.mentee_id: p for p in Proposal.objects.filter(program=program)}
    # Kept drafts are the same rows, still drafts, still kept.
    kept_accepted, kept_pinned = drafts[accepted.mentee_id], drafts[pinned.mentee_id]
    assert (kept_accepted.pk, kept_pinned.pk) == (accepted.pk, pinned.pk)
    assert kept_accepted.is_accepted and kept_pinned.is_pinned
    assert {kept_accepted.status, kept_pinned.status} == {ProposalStatus.DRAFT}
    # The only mentor with room left is the excluded one: the mentee stays unmatched.
    assert excluded.mentee_id not in drafts
    assert Exclusion.objects.filter(mentee=excluded.mentee, mentor=excluded.mentor).exists()


def test_re_running_moves_an_unchanged_draft_to_the_new_run(home, program):
    """A re-run where nobody changed chooses the same pair again: its draft is kept (the desk's
    warm re-run writes only what changed) and now belongs to the new run; no second row."""
    pool_of(home, program, mentees=1, mentors=1)
    run_now(program, home.staff)
    first = Proposal.objects.get(program=program)
    run_now(program, home.staff)
    second = Proposal.objects.get(program=program)
    assert second.run_id != first.run_id
    assert second.run_id == ProposalRun.objects.filter(program=program).latest("pk").pk
    assert (second.mentee_id, second.mentor_id, second.status) == (
        first.mentee_id,
        first.mentor_id,
        ProposalStatus.DRAFT,
    )


def test_the_run_goes_through_the_real_worker_with_progress(
    home, program, run_worker, client, no_mfa
):
    pool_of(home, program, mentees=3, mentors=2)
    client.force_login(home.staff)
    response = client.post(reverse("matching:run_start", args=[program.pk]))
    assert response.status_code == 302
    run = selectors.latest_run(program=program)
    assert run.status == RunStatus.QUEUED
    progress = client.get(reverse("matching:run_progress", args=[run.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in progress and "<progress" in progress
    run_worker()
    run.refresh_from_db()
    assert run.status == RunStatus.DONE, run.error
    assert run.matched_count == 2
    finished = client.get(reverse("matching:run_progress", args=[run.pk])).content.decode()
    assert "every 1s" not in finished and 'aria-live="polite"' in finished


def test_candidate_explanations_on_the_page_are_the_engines_words(home, program, client, no_mfa):
    people = pool_of(home, program, mentees=1, mentors=3)
    mentee = people["mentees"][0]
    client.force_login(home.staff)
    for lang in ("en", "fr"):
        html = client.get(
            f"/{lang}/matching/programs/{program.pk}/mentees/{mentee.pk}/"
        ).content.decode()
        desk = pool.build_pool(
            program, weights=pool.weight_profile(settings_for(program)), keep_drafts=False
        )
        ranked = pool.make_matcher(desk).rank_candidates(
            pool.engine_id(mentee.pk, "mentee"), k=10, lang=lang
        )
        assert len(ranked) == 3
        for candidate in ranked:
            for sentence in candidate.explanation.sentences:
                assert f"<li>{sentence}</li>" in html.replace("&#x27;", "'"), (lang, sentence)
        assert 'role="img"' in html and "<title" in html


def test_a_proposal_page_shows_the_engines_explanation_in_the_readers_language(
    home, program, client, no_mfa
):
    pool_of(home, program, mentees=1, mentors=1)
    run_now(program, home.staff)
    draft = Proposal.objects.get(program=program)
    explanations = explain_any_pair(program, draft.mentee, draft.mentor)
    client.force_login(home.staff)
    for lang in ("en", "fr"):
        html = client.get(f"/{lang}/matching/proposals/{draft.pk}/").content.decode()
        html = html.replace("&#x27;", "'")
        assert explanations[lang].sentences
        for sentence in explanations[lang].sentences:
            assert f"<li>{sentence}</li>" in html


def test_an_excluded_mentor_shows_the_rule_that_excludes_them(home, program, client, no_mfa):
    mentee = person(home, "mentee", preferred_language="fr", languages="fr")
    english_only = person(home, "mentor", languages="en")
    enrol(program, mentee)
    enrol(program, english_only)
    client.force_login(home.staff)
    url = reverse("matching:candidates", args=[program.pk, mentee.pk])
    html = client.get(f"{url}?mentor={english_only.pk}").content.decode()
    assert "The mentee prefers French and the mentor does not speak French." in html.replace(
        "&#x27;", "'"
    )


def test_a_manual_match_that_breaks_a_rule_needs_a_reason_which_is_kept(
    home, program, client, no_mfa
):
    mentee = person(home, "mentee", preferred_language="fr", languages="fr")
    mentor = person(home, "mentor", languages="en")
    enrol(program, mentee)
    enrol(program, mentor)
    client.force_login(home.staff)
    url = reverse("matching:candidates", args=[program.pk, mentee.pk])
    response = client.post(url, {"mentor": mentor.pk, "reason": ""}, follow=True)
    assert "Write why you make it anyway" in response.content.decode()
    assert not Proposal.objects.exists()
    client.post(url, {"mentor": mentor.pk, "reason": "She asked to practise her English."})
    made = Proposal.objects.get()
    assert made.reason == "She asked to practise her English."
    assert "mentor_no_french" in made.broken_rules
    assert made.is_accepted and made.source == "manual"


def publish_one(home, program, mentee_lang="fr"):
    mentee = person(home, "mentee", preferred_language=mentee_lang, given_name="Amina")
    mentor = person(home, "mentor", given_name="Daniel", family_name="Secretname", employer="Acme")
    mentee.user = make_user(f"amina{mentee.pk}@example.org", language=mentee_lang)
    mentor.user = make_user(f"daniel{mentor.pk}@example.org")
    mentee.save()
    mentor.save()
    enrol(program, mentee)
    enrol(program, mentor)
    draft = proposal_create_manual(actor=home.staff, program=program, mentee=mentee, mentor=mentor)
    return draft, mentee, mentor


def test_publishing_tells_each_person_in_their_language_with_only_what_is_shared(
    home, program, django_capture_on_commit_callbacks
):
    draft, mentee, mentor = publish_one(home, program)
    with django_capture_on_commit_callbacks(execute=True):
        assert proposals_publish(actor=home.staff, program=program) == 1
    draft.refresh_from_db()
    assert draft.status == ProposalStatus.PUBLISHED and draft.expires_at > timezone.now()
    from django_tasks_db.models import DBTaskResult

    mails = [r.args_kwargs for r in DBTaskResult.objects.filter(task_path__endswith="deliver_mail")]
    by_address = {m["args"][0]["to"][0]: m["args"][0] for m in mails}
    to_mentee = by_address[mentee.email]
    assert "Pourquoi" in to_mentee["body"] or "jumelage" in to_mentee["subject"].lower()
    assert "Daniel" in to_mentee["body"]
    assert "Secretname" not in to_mentee["body"] and "Acme" not in to_mentee["body"]
    assert "A proposed match" in by_address[mentor.email]["subject"]


def test_answers_decline_needs_a_reason_and_returns_both_to_the_pool(home, program, client, no_mfa):
    draft, mentee, mentor = publish_one(home, program, mentee_lang="en")
    proposals_publish(actor=home.staff, program=program)
    client.force_login(mentee.user)
    url = reverse("matching:proposal", args=[draft.pk])
    page = client.get(url).content.decode()
    assert "Daniel" in page and "Secretname" not in page
    response = client.post(url, {"answer": "declined", "reason": ""})
    assert response.status_code == 200 and "Tell us why you decline." in response.content.decode()
    client.post(url, {"answer": "declined", "reason": "I need a mentor in Gatineau."})
    draft.refresh_from_db()
    assert draft.status == ProposalStatus.DECLINED
    assert draft.mentee_reason == "I need a mentor in Gatineau."
    assert mentee.pk not in pool.busy_mentee_ids(program)


def test_both_accepting_asks_staff_to_confirm(home, program, client, no_mfa):
    draft, mentee, mentor = publish_one(home, program, mentee_lang="en")
    proposals_publish(actor=home.staff, program=program)
    for user in (mentee.user, mentor.user):
        client.force_login(user)
        client.post(reverse("matching:proposal", args=[draft.pk]), {"answer": "accepted"})
    draft.refresh_from_db()
    assert draft.status == ProposalStatus.ACCEPTED
    client.force_login(home.staff)
    response = client.post(reverse("matching:proposal_confirm", args=[draft.pk]))
    mentorship = draft.mentorship if hasattr(draft, "mentorship") else None
    draft.refresh_from_db()
    assert draft.status == ProposalStatus.CONFIRMED
    assert response.status_code == 302 and "/mentorships/" in response["Location"]
    assert mentorship is None or mentorship.mentor_slot == 1


def test_no_answer_sends_one_reminder_then_expires(home, program):
    draft, mentee, mentor = publish_one(home, program, mentee_lang="en")
    proposals_publish(actor=home.staff, program=program)
    draft.refresh_from_db()
    now = draft.published_at
    assert proposal_follow_up(proposal_id=draft.pk, now=now + timedelta(days=1)) == ("waiting")
    assert proposal_follow_up(proposal_id=draft.pk, now=now + timedelta(days=6)) == ("reminded")
    assert proposal_follow_up(proposal_id=draft.pk, now=now + timedelta(days=7)) == ("waiting")
    assert proposals_sweep(now=now + timedelta(days=11)) == {"expired": 1}
    draft.refresh_from_db()
    assert draft.status == ProposalStatus.EXPIRED and draft.reminded_at is not None


def test_a_staff_member_of_another_program_gets_404_on_the_desk_proposals_and_people(
    home, program, client, no_mfa
):
    from tandem.programs.tests.factories import make_program

    people = pool_of(home, program, mentees=1, mentors=1)
    draft = proposal(program, people["mentees"][0], people["mentors"][0])
    # Named on another program of an organization where they hold no staff role (a named
    # person runs a program only through an active membership in its organization).
    from tandem.core.tests.cast import make_member, make_organization
    from tandem.organizations.models import Role

    other_org_program = make_program(home.organization, home.staff, slug="other-program")
    third_agency = make_organization("third-agency")
    outsider = make_member(third_agency, Role.NETWORK_LEADER, "outsider.staff@example.org")
    other_org_program.staff.add(outsider)
    other_org_program.organization = third_agency
    other_org_program.save()
    client.force_login(outsider)
    assert client.get(reverse("matching:desk", args=[other_org_program.pk])).status_code == 200
    for url in (
        reverse("matching:desk", args=[program.pk]),
        reverse("matching:proposals", args=[program.pk]),
        reverse("matching:proposal", args=[draft.pk]),
        reverse("matching:candidates", args=[program.pk, people["mentees"][0].pk]),
        reverse("matching:settings", args=[program.pk]),
    ):
        assert client.get(url).status_code == 404, url


def test_the_desk_filters_and_sorts_the_pool_by_waiting_time(home, program, client, no_mfa):
    old = person(home, "mentee", given_name="Oldest", languages="fr;en")
    new = person(home, "mentee", given_name="Newest", languages="en")
    enrol(program, old, days_waiting=40)
    enrol(program, new, days_waiting=1)
    client.force_login(home.staff)
    url = reverse("matching:desk", args=[program.pk])
    html = client.get(url).content.decode()
    assert html.index("Oldest") < html.index("Newest")
    html = client.get(url, {"sort": "-waiting"}).content.decode()
    assert html.index("Newest") < html.index("Oldest")
    html = client.get(url, {"waiting": "30"}).content.decode()
    assert "Oldest" in html and "Newest" not in html
    html = client.get(url, {"language": "fr"}).content.decode()
    assert "Oldest" in html and "Newest" not in html


def test_the_desk_answers_with_a_constant_number_of_queries(
    home, program, client, no_mfa, django_assert_num_queries
):
    client.force_login(home.staff)
    url = reverse("matching:desk", args=[program.pk])
    pool_of(home, program, mentees=2, mentors=1)
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(url)
        client.get(url, {"side": "mentor"})
    pool_of(home, program, mentees=8, mentors=6)
    with CaptureQueriesContext(connection) as large:
        client.get(url)
        client.get(url, {"side": "mentor"})
    assert len(small) == len(large)
    # Session, user, program, summary, latest run, page count and rows, navigation.
    with django_assert_num_queries(len(small) // 2):
        client.get(url)


def test_a_preview_of_new_weights_writes_no_proposal(home, program, client, no_mfa):
    pool_of(home, program, mentees=2, mentors=2)
    client.force_login(home.staff)
    url = reverse("matching:settings", args=[program.pk])
    form = client.get(url).context["form"]
    data = {name: form.initial.get(name) or "" for name in form.fields}
    data.update(occupation=1, goals=0, action="preview")
    response = client.post(url, data)
    assert response.status_code == 200
    run = selectors.latest_run(program=program, preview=True)
    run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.matched_count == 2
    assert not Proposal.objects.exists()
    settings_for(program).refresh_from_db()
    assert settings_for(program).goals == 0.25  # nothing saved by a preview


def test_swapping_two_drafts_exchanges_their_mentors_and_re_explains_them(home, program):
    people = pool_of(home, program, mentees=2, mentors=2)
    run_now(program, home.staff)
    first, second = Proposal.objects.filter(program=program).order_by("pk")
    mentors = (first.mentor_id, second.mentor_id)
    proposal_swap(actor=home.staff, proposal=first, other=second)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.mentor_id, second.mentor_id) == (mentors[1], mentors[0])
    assert first.source == "manual" and first.sentences["fr"]
    assert len(people["mentees"]) == 2


def test_a_person_chooses_what_a_proposed_match_may_see(home, client, no_mfa):
    client.force_login(home.mentee_user)
    response = client.post(
        reverse("matching:home"), {"fields_shared": ["given_name", "goals"]}, follow=True
    )
    assert response.status_code == 200
    with __import__("django.utils.translation", fromlist=["override"]).override("en"):
        shared = dict(shared_profile(home.mentee))
    assert set(shared) == {"Given name", "Career goals"} or set(shared) == {"Given name"}


def test_a_funder_sees_no_desk_and_cannot_post_sharing_choices(home, client, no_mfa):
    client.force_login(home.funder)
    assert client.get(reverse("matching:home")).status_code == 200
    assert client.post(reverse("matching:home"), {"fields_shared": ["goals"]}).status_code == 404


def _explained_page(client, program, mentee, mentor):
    url = reverse("matching:candidates", args=[program.pk, mentee.pk])
    html = client.get(f"{url}?mentor={mentor.pk}").content.decode()
    return url, html


def test_the_manual_match_form_sends_the_chosen_mentor_once_as_a_browser_does(
    home, program, client, no_mfa
):
    """Every field of the page's form is posted, as a browser posts it: before the fix a second,
    empty hidden `mentor` came last and the match was refused with "This field is required"."""
    mentee, mentor = person(home, "mentee"), person(home, "mentor")
    enrol(program, mentee)
    enrol(program, mentor)
    client.force_login(home.staff)
    url, html = _explained_page(client, program, mentee, mentor)
    assert duplicate_ids(html) == []
    form = form_with(html, f"Match with {mentor.full_name}")
    assert form.data()["mentor"] == [str(mentor.pk)]
    response = client.post(url, form.data(reason="Same neighbourhood."))
    made = Proposal.objects.get()
    assert response.status_code == 302 and response.url.endswith(f"/{made.pk}/")
    assert made.mentor == mentor and made.reason == "Same neighbourhood."


def test_a_full_mentor_is_refused_on_the_page_and_the_reason_is_kept(home, program, client, no_mfa):
    mentee, other, mentor = person(home, "mentee"), person(home, "mentee"), person(home, "mentor")
    for someone in (mentee, other, mentor):
        enrol(program, someone)
    proposal(program, other, mentor, status=ProposalStatus.PUBLISHED)  # capacity 1: full
    client.force_login(home.staff)
    url, html = _explained_page(client, program, mentee, mentor)
    form = form_with(html, f"Match with {mentor.full_name}")
    response = client.post(url, form.data(reason="Asked for her by name."))
    page = response.content.decode()
    assert response.status_code == 400
    assert "This mentor has no room left for another mentee." in page
    assert "Asked for her by name." in page  # nothing typed is lost
    assert duplicate_ids(page) == []
    assert Proposal.objects.filter(mentee=mentee).count() == 0


def test_the_run_progress_bar_never_goes_backwards(home, program):
    """The engine's own reports of a real run, replayed through the writer the page reads:
    its sub-steps restart their counts (loading 1/2 = 5 %, then embedding 0/n = 0 %)."""
    pool_of(home, program, mentees=3, mentors=3)
    reports = []
    recorded = run_start(actor=home.staff, program=program)
    _run(recorded, lambda stage, done, total: reports.append((stage, done, total)))
    assert ("loading", 1, 2) in reports and len({stage for stage, _d, _t in reports}) >= 3
    run = run_start(actor=home.staff, program=program, preview=True)
    run.refresh_from_db()
    write = _progress_writer(run)
    shown = [run.percent]
    for report in reports:
        write(*report)
        run.refresh_from_db()
        shown.append(run.percent)
    assert shown == sorted(shown), shown
    assert shown[-1] > 50
