"""The employers part of the demo: each partner's pages have something to show."""


def test_the_demo_shows_partners_workplace_activities_a_hosted_program_and_tracks(demo_network):
    from tandem.employers.models import CareerTrack, PartnerInvitation, WorkplaceActivity
    from tandem.employers.selectors import partner_mentors
    from tandem.organizations.models import Organization
    from tandem.referrals.models import Referral

    northern = Organization.objects.get(slug="northern-lights")
    assert PartnerInvitation.objects.filter(partner=northern).count() == 3
    _rows, counts = partner_mentors(northern)
    assert counts["mentoring"] >= 1
    assert set(WorkplaceActivity.objects.values_list("status", flat=True)) == {"held", "offered"}
    referrals = Referral.objects.filter(program__slug="bytown-health-mentoring")
    assert sorted(referrals.values_list("status", flat=True)) == ["accepted", "submitted"]
    assert CareerTrack.objects.filter(program__slug="hr-members-mentoring").count() == 4
    # The lead agency's offer of help waits for Bytown Health's coordinator; Daniel's mentee
    # agreed that Northern Lights sees her given name beside the tour it hosted.
    from tandem.employers.models import LeadHelp
    from tandem.employers.selectors import partner_activities

    assert LeadHelp.objects.filter(
        program__slug="bytown-health-mentoring", status="offered"
    ).exists()
    assert any(not row.mentee.startswith("a mentee") for row in partner_activities(northern))
