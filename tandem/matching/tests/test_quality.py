"""The desk tells the truth about quality: occupations side by side, the score out of 100,
weak pairs flagged and left out of "accept every draft that is not flagged", and mentees with
no suitable mentor listed for recruitment."""

import pytest
from django.urls import reverse

from tandem.matching.models import Proposal
from tandem.matching.quality import occupations_related, out_of_100
from tandem.matching.services.base import settings_for
from tandem.matching.tests.factories import enrol, person, program_for, proposal

NURSE, ENGINEER, SOFTWARE = "31301", "21310", "21231"


@pytest.fixture
def desk(home, elsewhere):
    program = program_for(home)
    weak_mentee = person(home, "mentee", given_name="Nadia", noc=NURSE)
    weak_mentor = person(home, "mentor", given_name="Emile", noc=ENGINEER)
    strong_mentee = person(home, "mentee", given_name="Sofia", noc=SOFTWARE)
    strong_mentor = person(home, "mentor", given_name="Tariq", noc=SOFTWARE)
    for someone in (weak_mentee, weak_mentor, strong_mentee, strong_mentor):
        enrol(program, someone)
    weak = proposal(program, weak_mentee, weak_mentor, score=0.62)
    low = proposal(
        program,
        person(home, "mentee", given_name="Lina", noc=SOFTWARE),
        person(home, "mentor", given_name="Marc", noc=SOFTWARE),
        score=0.31,
    )
    strong = proposal(program, strong_mentee, strong_mentor, score=0.81)
    return {"program": program, "weak": weak, "low": low, "strong": strong}


def test_scores_are_read_out_of_100_and_related_occupations_share_a_broad_category():
    assert out_of_100(0.624) == 62 and out_of_100(None) is None
    assert occupations_related(SOFTWARE, ENGINEER)  # both natural and applied sciences
    assert not occupations_related(NURSE, ENGINEER)
    assert occupations_related("00012", NURSE)  # senior managers mentor across fields


def test_the_drafts_table_shows_occupations_scores_out_of_100_and_flags_weak_pairs(
    home, desk, client, no_mfa
):
    client.force_login(home.staff)
    response = client.get(reverse("matching:proposals", args=[desk["program"].pk]))
    rows = {p.pk: p for p in response.context["drafts"].object_list}
    assert rows[desk["weak"].pk].is_weak
    assert rows[desk["weak"].pk].warnings == ["Unrelated occupation groups"]
    assert rows[desk["low"].pk].warnings == ["Score 31 is below this program's threshold of 50"]
    assert not rows[desk["strong"].pk].is_weak
    html = response.content.decode()
    assert "NOC 31301" in html and "NOC 21310" in html  # the two sides' occupations
    assert ">81<" in html and "0.81" not in html
    assert html.count("Weak pair") == 2
    assert "Accept anyway" in html


def test_accepting_every_draft_not_flagged_leaves_the_weak_pairs_for_staff_to_judge(
    home, desk, client, no_mfa
):
    client.force_login(home.staff)
    url = reverse("matching:proposals", args=[desk["program"].pk])
    client.post(url, {"action": "accept_strong"})
    accepted = set(Proposal.objects.filter(is_accepted=True).values_list("pk", flat=True))
    assert accepted == {desk["strong"].pk}


def test_staff_set_the_programs_threshold_on_the_settings_page_and_the_flags_follow(
    home, desk, client, no_mfa
):
    client.force_login(home.staff)
    url = reverse("matching:settings", args=[desk["program"].pk])
    form = client.get(url).context["form"]
    data = {name: form.initial.get(name) or "" for name in form.fields}
    data.update(min_score=25, action="save")
    assert client.post(url, data).status_code == 302
    assert settings_for(desk["program"]).min_score == 25
    data.update(min_score=140)
    assert "min_score" in client.post(url, data).context["form"].errors
    response = client.get(reverse("matching:proposals", args=[desk["program"].pk]))
    rows = {p.pk: p for p in response.context["drafts"].object_list}
    assert not rows[desk["low"].pk].is_weak


def test_mentees_with_only_a_weak_pair_are_listed_for_recruitment_by_occupation(
    home, desk, client, no_mfa
):
    from tandem.matching.models import ProposalRun, RunStatus

    ProposalRun.objects.create(program=desk["program"], status=RunStatus.DONE)
    client.force_login(home.staff)
    response = client.get(reverse("matching:proposals", args=[desk["program"].pk]))
    to_recruit = response.context["to_recruit"]
    assert {row["mentee"].given_name for row in to_recruit["rows"]} == {"Nadia"}
    assert [e["occupation"].code for e in to_recruit["shortage"]] == [NURSE]
    assert "Unrelated occupation groups" in to_recruit["rows"][0]["reason"]
