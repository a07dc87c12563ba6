"""The opportunities board in the browser (issue 22), keyboard only, in English and in French,
axe-core and the CSP check on every page: an employer posts a virtual job-shadowing day, a job
developer finds it with filters and refers a job-seeker who shares one accommodation, the employer
accepts, both give feedback.

No mouse and no programmatic filling: every field is reached with Tab (`tab_to` fails if Tab never
gets there), text is typed, a select is changed with the arrow keys, a date is typed into the
date field's segments, boxes and radio buttons are ticked with Space, forms are sent and links
followed with Enter. Only the values are read back, to check that the keys did what they should.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser.conftest import PASSWORD, assert_accessible, visit

pytestmark = pytest.mark.browser


@pytest.fixture
def opportunity_cast(transactional_db, settings):
    from tandem.core.tests.cast import (
        make_member,
        make_organization,
        make_participant,
        occupation,
    )
    from tandem.opportunities.tests.factories import make_employer, postal_area
    from tandem.organizations.models import Role

    settings.TANDEM_MFA_REQUIRED = False
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    occupation("11100")
    postal_area()
    employer = make_employer("maple-bank")
    make_member(employer, Role.EMPLOYER_PARTNER, "hr@maple.example.org", password=PASSWORD)
    agency = make_organization("access-emploi")
    make_member(
        agency, Role.CASEWORKER, "conseil@access.example.org", password=PASSWORD, language="fr"
    )
    seeker = make_participant(
        agency, given_name="Élise", family_name="Tremblay", postal_code="K0A 1A0"
    )
    return {"employer": employer, "seeker": seeker}


def tab_to(page, field, limit: int = 250) -> None:
    """Presses Tab until `field` has the focus, as a person without a mouse moves through the
    page; fails if Tab never reaches it (a field out of the keyboard's reach)."""
    for _press in range(limit):
        if field.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {field}")


def sign_in_as(page, base: str, email: str, language: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/{language}/accounts/login/")
    type_into(page, page.locator("input[name=login]"), email)
    type_into(page, page.locator("input[name=password]"), PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def type_into(page, field, text: str) -> None:
    tab_to(page, field)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def choose(page, field, value: str) -> None:
    """A closed select changed with the arrow keys: Home, then ArrowDown to the option."""
    tab_to(page, field)
    page.keyboard.press("Home")
    for _press in range(field.locator("option").count()):
        if field.input_value() == value:
            return
        page.keyboard.press("ArrowDown")
    assert field.input_value() == value, f"the arrow keys never reached {value!r}"


def type_date(page, field, day: str) -> None:
    """A date field's segments typed in the order the browser shows them (month, day, year)."""
    year, month, date = day.split("-")
    tab_to(page, field)
    page.keyboard.type(f"{month}{date}{year}")
    assert field.input_value() == day


def tick(page, field) -> None:
    """A box or a radio button, reached with Tab and ticked with Space."""
    tab_to(page, field)
    page.keyboard.press("Space")
    assert field.is_checked()


def and_in(page, language: str, label: str) -> None:
    """The page in hand read again in the other language, axe and the CSP included, then back
    where the flow was: every page of the flow is checked in English and in French, while the
    flow itself stays keyboard only (this is a second visit to the same address, no click)."""
    here = page.url
    visit(page, re.sub(r"/(en|fr)/", f"/{language}/", here, count=1), f"{label} ({language})")
    page.goto(here)


def send(page, form: str, label: str) -> str:
    tab_to(page, page.locator(f"main {form} button[type=submit]").first)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert_accessible(page, label)
    return page.locator("main").inner_text()


def follow(page, name: str, label: str) -> str:
    tab_to(page, page.get_by_role("link", name=name).first)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert_accessible(page, label)
    return page.locator("main").inner_text()


def test_post_find_refer_accept_and_feedback(page, live_server, opportunity_cast):
    from tandem.opportunities.models import Application, Opportunity

    base = live_server.url
    day = (timezone.localdate() + timedelta(days=14)).isoformat()

    # The employer, in English, posts a virtual job-shadowing day; the occupation is found by
    # the combobox (arrow key, Enter).
    sign_in_as(page, base, "hr@maple.example.org", "en")
    visit(page, f"{base}/en/opportunities/new/", "en new opportunity")
    and_in(page, "fr", "new opportunity")
    choose(page, page.locator("select[name=kind]"), "job_shadowing")
    type_into(page, page.locator("input[name=title_en]"), "A day with our accountants")
    type_into(page, page.locator("input[name=title_fr]"), "Une journée avec nos comptables")
    type_into(page, page.locator("input[name=occupation_query]"), "1110")
    page.locator("#id_occupation_query-listbox [role=option]").first.wait_for()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    choose(page, page.locator("select[name=mode]"), "virtual")
    choose(page, page.locator("select[name=province]"), "ON")
    type_date(page, page.locator("input[name=starts_on]"), day)
    type_date(page, page.locator("input[name=ends_on]"), day)
    choose(page, page.locator("select[name=language]"), "both")
    type_into(page, page.locator("textarea[name=learning_en]"), "How a month-end close works")
    tick(page, page.locator("input[name=accommodations][value=flexible_hours]"))
    tick(page, page.locator("input[name=accommodations][value=captions]"))
    text = send(page, "form", "en opportunity posted")
    assert "The opportunity is on the board." in text
    posted = Opportunity.objects.get()
    assert posted.occupation_id == "11100" and posted.mode == "virtual"
    and_in(page, "fr", "opportunity posted")

    # The job developer, in French, finds it with five filters and refers the job-seeker, who
    # shares one accommodation.
    sign_in_as(page, base, "conseil@access.example.org", "fr")
    visit(page, f"{base}/fr/opportunities/", "fr board")
    choose(page, page.locator("select[name=province]"), "ON")
    choose(page, page.locator("select[name=mode]"), "virtual")
    choose(page, page.locator("select[name=kind]"), "job_shadowing")
    choose(page, page.locator("select[name=language]"), "fr")
    type_date(page, page.locator("input[name=available_from]"), day)
    tick(page, page.locator("input[name=accommodations][value=captions]"))
    text = send(page, "form[role=search]", "fr board filtered")
    assert "A day with our accountants" not in text  # French title in French
    and_in(page, "en", "board filtered")
    follow(page, "Une journée avec nos comptables", "fr opportunity")
    and_in(page, "en", "opportunity")
    follow(page, "Poser sa candidature, ou référer une personne", "fr apply")
    and_in(page, "en", "apply")
    type_into(page, page.locator("textarea[name=message]"), "Élise aimerait voir une clôture.")
    tick(page, page.locator("input[name=shares_accommodations]"))
    tick(page, page.locator("input[name=accommodations_needed][value=captions]"))
    text = send(page, "form", "fr application sent")
    assert "La candidature a été envoyée" in text
    application = Application.objects.get()
    assert application.accommodations_needed == ";captions;"
    and_in(page, "en", "application, job developer")

    # The employer reads the one shared accommodation and accepts.
    sign_in_as(page, base, "hr@maple.example.org", "en")
    text = visit(page, f"{base}/en/opportunities/manage/{posted.pk}/", "en manage")
    assert "Élise Tremblay" in text
    text = follow(page, "Élise Tremblay", "en application")
    assert "Captions for virtual meetings" in text
    and_in(page, "fr", "application, employer")
    tick(page, page.locator("input[name=decision][value=accept]"))
    text = send(page, "form[action$='/decide/']", "en accepted")
    assert "Accepted: the job-seeker is told by e-mail." in text
    type_date(page, page.locator("input[name=happened_on]"), timezone.localdate().isoformat())
    tick(page, page.locator("input[name=further_opportunity]"))
    send(page, "form[action$='/happened/']", "en took place")
    type_into(page, page.locator("textarea[name=learned]"), "Captions made the calls easy")
    tick(page, page.locator("input[name=would_host_again]"))
    assert "Thank you" in send(page, "form[action$='/feedback/']", "en employer feedback")

    # The employer changes the opportunity: one more place (not a material change).
    follow(page, "Back to the opportunity", "en manage again")
    follow(page, "Change this opportunity", "en change")
    and_in(page, "fr", "change")
    type_into(page, page.locator("input[name=places]"), "2")
    assert "Saved." in send(page, "form", "en changed")
    posted.refresh_from_db()
    assert posted.places == 2

    # The job developer gives the job-seeker's feedback, in French.
    sign_in_as(page, base, "conseil@access.example.org", "fr")
    visit(page, f"{base}/fr/opportunities/applications/{application.pk}/", "fr application")
    type_into(page, page.locator("textarea[name=learned]"), "Comment se fait une clôture")
    tick(page, page.locator("input[name=accessible][value=yes]"))
    text = send(page, "form[action$='/feedback/']", "fr job-seeker feedback")
    assert "Merci" in text and "Captions made the calls easy" in text
    assert application.feedback.count() == 2
