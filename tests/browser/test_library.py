"""The shared repertoire in the browser, in English and in French, axe-core on every page, CSP on:
a toolkit goes through one review round. Its owner (English) invites another hub to review the
draft of version 2; a reviewer of that hub (French) comments on a section; the owner publishes
version 2 and the reviewer is credited on it."""

import pytest

from tests.browser.conftest import PASSWORD, click, sign_in, visit

pytestmark = pytest.mark.browser


@pytest.fixture
def library_cast(transactional_db, settings, tmp_path):
    from tandem.community.tests.factories import add_member
    from tandem.core.tests.cast import make_member, make_organization
    from tandem.library.services import resources
    from tandem.library.tests.factories import make_community, make_resource
    from tandem.organizations.models import OrganizationType, Role

    settings.TANDEM_MFA_REQUIRED = False
    settings.MEDIA_ROOT = tmp_path
    host = make_organization("web-host", OrganizationType.LEAD_AGENCY)
    hub = make_organization("web-hub", OrganizationType.PROVINCIAL_HUB)
    hub.name_en, hub.name_fr = "Quebec hub", "Carrefour du Québec"
    hub.save()
    owner = make_member(host, Role.NETWORK_LEADER, "owner@web.example", password=PASSWORD)
    reviewer = make_member(
        hub, Role.NETWORK_LEADER, "reviewer@web.example", password=PASSWORD, language="fr"
    )
    for user, first, last in [(owner, "Marc", "Gagnon"), (reviewer, "Élise", "Tremblay")]:
        user.first_name, user.last_name = first, last
        user.save()
    community = make_community("web-cop", host, hub)
    add_member(community, owner, host, is_moderator=True)
    add_member(community, reviewer, hub)
    toolkit = make_resource(owner, community, host)  # version 1, published
    resources.draft_start(actor=owner, resource=toolkit)  # the draft of version 2
    return toolkit


def test_a_toolkit_goes_through_one_review_round(page, live_server, library_cast):
    base, toolkit = live_server.url, library_cast
    # The owner invites the Quebec hub to review the draft.
    sign_in(page, base, "owner@web.example", "en")
    visit(page, f"{base}/en/library/c/web-cop/", "repertoire (EN)")
    click(page, page.get_by_role("link", name="HR Inclusive Policy Toolkit"), "toolkit (EN)")
    click(page, page.get_by_role("link", name="Invite hubs to review the draft"), "invite (EN)")
    page.get_by_label("Quebec hub").check()
    page.get_by_label("Message to the reviewers").fill("Two weeks, please.")
    text = click(page, page.get_by_role("button", name="Open the review round"), "round (EN)")
    assert "This review round is open." in text and "Quebec hub" in text
    # A reviewer of that hub, in French, comments on the second section.
    sign_in(page, base, "reviewer@web.example", "fr")
    text = visit(page, f"{base}/fr/library/", "répertoire et rencontres (FR)")
    assert "Relectures en attente pour votre carrefour" in text
    link = page.get_by_role("link", name="Trousse de politiques RH inclusives")  # its French title
    click(page, link, "relecture (FR)")
    page.get_by_label("Votre commentaire sur la section 2").fill(
        "Ajoutez une ligne sur les tests de compétences."
    )
    section = page.locator("#section-2")
    text = click(
        page, section.get_by_role("button", name="Ajouter le commentaire"), "commenté (FR)"
    )
    assert "tests de compétences" in text and "Élise Tremblay" in text
    # The owner publishes version 2; the reviewer is credited on it.
    sign_in(page, base, "owner@web.example", "en")
    visit(page, f"{base}/en/library/resources/{toolkit.pk}/", "toolkit with draft (EN)")
    text = click(page, page.get_by_role("link", name="Publish the draft"), "publish (EN)")
    assert "Élise Tremblay" in text  # who will be credited
    page.get_by_label("What changed (English)").fill("Skills tests added after the review.")
    text = click(page, page.get_by_role("button", name="Publish", exact=True), "published (EN)")
    assert "Version 2 is published." in text
    assert "Élise Tremblay (Quebec hub)" in text
    # The reviewer sees the credit in French.
    sign_in(page, base, "reviewer@web.example", "fr")
    text = visit(page, f"{base}/fr/library/resources/{toolkit.pk}/", "trousse v2 (FR)")
    assert "Élise Tremblay (Carrefour du Québec)" in text
