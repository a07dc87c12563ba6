"""Browser tests: Debian's Chromium driven by Playwright, axe-core run on every page visited.

The page's Content Security Policy stays ON in every browser test: a page that the CSP breaks
(an inline script or style, a script from elsewhere) must fail here as it would for a person.
axe-core is therefore not injected as a page script: it is an init script, which Chromium runs
through DevTools before the page's own scripts and which the page's CSP does not govern. The same
init script records every `securitypolicyviolation` event; the console is watched too, and any
violation fails the test.

A flow that needs people and records asks for `demo_network` (tandem/demo/tests/fixtures.py): the
demo is loaded once per test process and put back from a copy before each test, so a flow costs
its own pages, not a set-up. See docs/testing.md.
"""

import re
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest
from django.conf import settings as django_settings
from playwright.sync_api import Error as PlaywrightError

from tandem.demo.network import DEMO_PASSWORD

AXE_PATH = Path(__file__).parent / "vendor" / "axe.min.js"
# Runs in every document before its own scripts: keeps each CSP violation for the check below.
CSP_WATCH_JS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || 'inline'} at ${event.sourceFile}:${event.lineNumber}`
  );
});
"""
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def context(context):
    """Every page of every browser test: axe loaded and CSP violations recorded, CSP on."""
    context.add_init_script(script=CSP_WATCH_JS)
    context.add_init_script(path=AXE_PATH)
    return context


@pytest.fixture(autouse=True)
def _fresh_sign_in_window(request):
    """Each flow starts with allauth's sign-in counts empty, as a person at their own computer.

    allauth allows 30 sign-ins a minute from one address, counted in the cache, a database
    table that a transactional test's flush does not empty. On PostgreSQL a worker's flows, one
    after another from 127.0.0.1, shared one window: once the flows signed in more people (the
    tenth session), the homes' flow was refused ("Too Many Requests") on a fast run."""
    if "transactional_db" not in request.fixturenames:
        return
    from django.core.cache import cache

    request.getfixturevalue("transactional_db")
    cache.clear()


@pytest.fixture
def page(page):
    """The page, its console watched for CSP refusals; the test fails on any, even unchecked."""
    refusals: list[str] = []
    page.on(
        "console",
        lambda message: (
            refusals.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.csp_refusals = refusals
    yield page
    assert refusals == [], f"the Content Security Policy refused: {refusals}"


def assert_csp_respected(page, label: str) -> None:
    """No CSP violation on the page shown now, nor in the console since the test began."""
    events = page.evaluate("window.__cspViolations || []")
    refusals = getattr(page, "csp_refusals", [])
    assert events == [] and refusals == [], (
        f"Content Security Policy violated on {label}: {events} {refusals}"
    )


# axe-core reports only violations (`resultTypes`): it still runs every rule on every element,
# but builds a selector and an HTML excerpt for one passing node per rule instead of for every
# node of the page, and only the violations cross back to Python (the whole result was hundreds
# of kilobytes of passes on a report page).
AXE_RUN_JS = """async (tags) => {
  const result = await axe.run(document, {
    runOnly: {type: 'tag', values: tags}, resultTypes: ['violations'],
  });
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 3).map((n) => n.target),
  }));
}"""


def assert_accessible(page, label: str) -> None:
    assert_csp_respected(page, label)
    violations = page.evaluate(AXE_RUN_JS, WCAG_TAGS)
    problems = [f"{v['id']} ({v['impact']}): {v['help']} at {v['targets']}" for v in violations]
    assert problems == [], f"axe on {label}: {problems}"


# Every browser cast's people sign in with the demo's password (fixtures of the flows' modules).
PASSWORD = DEMO_PASSWORD

# The helpers every flow shares: a flow's own module keeps only what is particular to it.


def sign_in(
    page, base_url: str, email: str, language: str = "en", password: str = DEMO_PASSWORD
) -> None:
    """Signs in through the sign-in form (whoever was signed in before is signed out first). The
    form itself is checked by axe in test_pages.py; a flow checks the pages it goes on to."""
    page.context.clear_cookies()
    page.goto(f"{base_url}/{language}/accounts/login/")
    page.get_by_label(re.compile("e-?mail|courriel", re.I)).first.fill(email)
    page.get_by_label(re.compile("password|mot de passe", re.I)).first.fill(password)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()


def main_text(page) -> str:
    return page.locator("main").inner_text()


def visit(page, url: str, label: str) -> str:
    """Opens `url` (an error status fails), checks it with axe and the CSP; the main text."""
    response = page.goto(url)
    assert response is not None and response.status < 400, f"{url}: {response and response.status}"
    assert_accessible(page, label)
    return main_text(page)


def click(page, locator, label: str) -> str:
    """Clicks the first element `locator` finds, checks the page it leads to; the main text."""
    locator.first.click()
    page.wait_for_load_state()
    assert_accessible(page, label)
    return main_text(page)


def page_pattern(path: str) -> str:
    """Pages that differ only by a record id are one page for the crawl."""
    return re.sub(r"/\d+/", "/N/", path)


# Pages that are the same for everyone (account settings): checked once per language and
# test process rather than once per role.
SHARED_PAGES = ("/accounts/",)
_shared_pages_checked: set[str] = set()


def crawl(page, base_url: str, start: str, *, limit: int, skip: tuple[str, ...] = ()) -> list[str]:
    """Visits every page reachable by links from `start` (same site, same language), runs axe."""
    language_prefix = "/" + start.strip("/").split("/")[0] + "/"
    queue, seen, visited = [start], {page_pattern(start)}, []
    seen |= _shared_pages_checked
    while queue and len(visited) < limit:
        path = queue.pop(0)
        try:
            response = page.goto(base_url + path)
        except PlaywrightError as error:
            if "Download is starting" in str(error):
                continue  # an export: a file, not a page
            raise
        assert response is not None and response.status < 400, (
            f"{path} answered {response and response.status}"
        )
        assert_accessible(page, path)
        visited.append(path)
        for href in page.eval_on_selector_all(
            "a[href]", "links => links.map(a => a.getAttribute('href'))"
        ):
            url = urlparse(urljoin(base_url + path, href))
            if url.netloc != urlparse(base_url).netloc or not url.path.startswith(language_prefix):
                continue
            target = url.path + (f"?{url.query}" if url.query else "")
            if any(part in url.path for part in skip) or page_pattern(url.path) in seen:
                continue
            seen.add(page_pattern(url.path))
            if any(shared in url.path for shared in SHARED_PAGES):
                _shared_pages_checked.add(page_pattern(url.path))
            queue.append(target)
    return visited


assert django_settings  # settings are configured before the fixtures run
