"""The community of practice in the browser, in English and in French, axe-core on every page,
CSP on: a network leader asks to join (agreeing to the terms of reference) and is admitted by a
moderator (in French), posts a question and changes it; another network's leader answers in
French and finds the thread again through the community's search; the first
reports a post and the moderator hides it, then reads the question's earlier version; the
moderator announces a gathering in a space (the form's "Announce it in"); a private message goes
both ways; the hourly sweep, run by the real worker, mails a weekly digest in French (and the
worker the gathering's announcement)."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from tests.browser.conftest import PASSWORD, assert_accessible, click, sign_in, visit

pytestmark = pytest.mark.browser


@pytest.fixture
def community_cast(transactional_db, settings):
    from tandem.community.tests.factories import make_world
    from tandem.core.tests.cast import make_member
    from tandem.organizations.models import Role

    settings.TANDEM_MFA_REQUIRED = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    world = make_world("web")
    for user, first, last in [
        (world.moderator, "Marc", "Gagnon"),
        (world.member, "Élise", "Tremblay"),  # another network's leader, reads in French
    ]:
        user.first_name, user.last_name = first, last
        user.set_password(PASSWORD)
        user.save()
    world.moderator.preferred_language = "fr"
    world.moderator.save(update_fields=["preferred_language"])
    world.community.organizations.add(world.outside)
    newcomer = make_member(
        world.outside, Role.NETWORK_LEADER, "samuel@web.example", password=PASSWORD
    )
    newcomer.first_name, newcomer.last_name = "Samuel", "Okafor"
    newcomer.save()
    return world


def test_leaders_join_ask_answer_report_message_and_receive_a_digest(
    page, live_server, community_cast, run_worker
):
    base, world = live_server.url, community_cast
    slug = world.community.slug
    # Samuel, a leader of a member organization, finds the community from the navigation.
    sign_in(page, base, "samuel@web.example", "en")
    page.locator("header .nav-more summary").click()  # "Community" is under "More"
    click(page, page.get_by_role("link", name="Community", exact=True), "communities (EN)")
    text = click(page, page.get_by_role("link", name="National community of practice"), "join")
    assert "Be kind. Share what works." in text
    page.locator("select[name=organization]").select_option(index=1)
    text = click(page, page.get_by_role("button", name="Ask to join"), "join refused")
    assert "Agree to the terms of reference" in text  # the box was not ticked
    page.get_by_label(re.compile("I agree to them")).check()
    text = click(page, page.get_by_role("button", name="Ask to join"), "request sent")
    assert "waiting for a moderator" in text
    # The moderator, in French, admits him.
    sign_in(page, base, world.moderator.email, "fr")
    visit(page, f"{base}/fr/community/{slug}/members/", "membres (FR)")
    click(page, page.get_by_role("button", name="Accepter Samuel Okafor"), "admis (FR)")
    # Samuel asks a question.
    sign_in(page, base, "samuel@web.example", "en")
    visit(page, f"{base}/en/community/{slug}/", "community (EN)")
    click(page, page.get_by_role("link", name="General"), "space (EN)")
    click(page, page.get_by_role("link", name="Start a thread"), "new thread (EN)")
    page.get_by_label("Title").fill("How do you recruit mentors in small towns?")
    page.get_by_label("Question").check()
    page.get_by_label("Message").fill("Our circles fill up in the city, not outside. Ideas?")
    text = click(page, page.get_by_role("button", name="Post"), "thread (EN)")
    assert "Our circles fill up" in text
    thread_url = page.url
    # He changes his question; the post then says so.
    click(page, page.get_by_role("link", name="Change your post"), "change the post (EN)")
    page.get_by_label("Your post").fill("Our circles fill up in the city, not in small towns.")
    text = click(page, page.get_by_role("button", name="Save the change"), "changed (EN)")
    assert "not in small towns" in text and "changed on" in text
    # Élise, another network's leader, answers in French.
    sign_in(page, base, world.member.email, "fr")
    visit(page, thread_url.replace("/en/", "/fr/"), "fil (FR)")
    page.get_by_label("Votre réponse").fill("Nous passons par les associations de retraités.")
    text = click(page, page.get_by_role("button", name="Publier la réponse"), "réponse (FR)")
    assert "associations de retraités" in text
    # She finds the thread again by a word of its title, from the community's search.
    text = visit(page, f"{base}/fr/community/{slug}/search/?q=towns", "recherche (FR)")
    assert "How do you recruit mentors in small towns?" in text
    # Samuel reports the answer (say it looks like an advert); the moderator hides it.
    sign_in(page, base, "samuel@web.example", "en")
    visit(page, thread_url, "thread with answer (EN)")
    click(page, page.get_by_role("link", name="Report this post"), "report (EN)")
    page.get_by_label("What is wrong with this post?").fill("Looks like an advert")
    click(page, page.get_by_role("button", name="Send the report"), "reported (EN)")
    sign_in(page, base, world.moderator.email, "fr")
    text = visit(page, f"{base}/fr/community/{slug}/reports/", "signalements (FR)")
    assert "Looks like an advert" in text
    page.get_by_label("Motif (montré à la personne qui a écrit le message)").fill("Hors sujet")
    text = click(page, page.get_by_role("button", name="Masquer le message"), "masqué (FR)")
    assert "Aucun signalement à examiner" in text
    # The moderator reads the question as it was before Samuel changed it, in both languages.
    for url, summary, label in [
        (thread_url.replace("/en/", "/fr/"), "1 version antérieure (modération seulement)", "FR"),
        (thread_url, "1 earlier version (moderators only)", "EN"),
    ]:
        visit(page, url, f"thread, moderator ({label})")
        page.get_by_text(summary).click()  # open the block, so that axe checks what it shows
        assert_accessible(page, f"earlier versions open ({label})")
        assert page.get_by_text("not outside. Ideas?").is_visible()
    # The moderator announces a gathering in the space "Général" (the form in both languages).
    gatherings = f"{base}/en/library/c/{slug}/gatherings/new/"
    text = visit(page, gatherings, "announce a gathering (EN)")
    assert "Announce it in" in text and "No space: list it on the Gatherings page only" in text
    visit(page, gatherings.replace("/en/", "/fr/"), "annoncer une rencontre (FR)")
    page.locator("[name=kind]").select_option("learning_exchange")
    page.locator("[name=title_en]").fill("Recruiting mentors outside the cities")
    page.locator("[name=title_fr]").fill("Recruter des mentors hors des villes")
    starts = (timezone.localtime() + timedelta(days=9)).replace(hour=13, minute=30)
    page.locator("[name=starts_at]").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    page.locator("[name=ends_at]").fill((starts + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("L’annoncer dans").select_option(label="Général")
    save = page.locator("main").get_by_role("button", name="Enregistrer")
    text = click(page, save, "rencontre annoncée (FR)")
    assert "les membres de Général en sont avisés par courriel" in text, text
    text = click(page, page.get_by_role("link", name="Modifier la rencontre"), "modifier (FR)")
    assert "un fichier de calendrier qui met leur agenda à jour" in text
    sign_in(page, base, "samuel@web.example", "en")
    text = visit(page, thread_url, "thread, answer hidden (EN)")
    assert "A moderator hid this post." in text and "retraités" not in text
    # A private message, both ways.
    visit(page, f"{base}/en/community/{slug}/members/", "members (EN)")
    click(page, page.get_by_role("link", name="Write to Élise Tremblay"), "write (EN)")
    page.get_by_label("Subject").fill("Rural recruitment")
    page.get_by_label("Message").fill("Could we talk about your retirees idea?")
    text = click(page, page.get_by_role("button", name="Send"), "conversation (EN)")
    assert "retirees idea" in text
    sign_in(page, base, world.member.email, "fr")
    visit(page, f"{base}/fr/community/{slug}/messages/", "messages (FR)")
    click(page, page.get_by_role("link", name="Rural recruitment"), "conversation (FR)")
    page.get_by_label("Votre message").fill("Avec plaisir, mardi?")
    text = click(page, page.get_by_role("button", name="Envoyer"), "réponse privée (FR)")
    assert "Avec plaisir" in text
    # The hourly sweep, run by the real worker, mails Élise's weekly digest in French.
    from tandem.core.sweeps import sweep_task

    mail.outbox.clear()
    sweep_task.enqueue()
    run_worker()
    run_worker()
    digests = [
        m for m in mail.outbox if world.member.email in m.to and "Cette semaine" in m.subject
    ]
    assert len(digests) == 1, [m.subject for m in mail.outbox]
    # The gathering announced in "Général" reached her too, in French, through the worker.
    assert [m.subject for m in mail.outbox if world.member.email in m.to].count(
        "Nouvelle rencontre dans Général\u00a0: Recruter des mentors hors des villes"
    ) == 1
    assert "How do you recruit mentors in small towns?" in digests[0].body
