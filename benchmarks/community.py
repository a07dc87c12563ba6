"""Benchmark of the community of practice on PostgreSQL (issue 23): full-text search over
200,000 posts and 10,000 resources answers in <= 200 ms (p95), and a space with 5,000 threads
lists in <= 300 ms.

    bash scripts/pg.sh start /tmp/pgcommunity 54496
    TANDEM_DEBUG=1 TANDEM_DB=postgres PGHOST=127.0.0.1 PGPORT=54496 PGUSER=postgres \
        PGDATABASE=tandem_community_bench TANDEM_COMMUNITY_BENCH_PHASE=populate \
        .venv/bin/python benchmarks/community.py
    ... TANDEM_COMMUNITY_BENCH_PHASE=measure .venv/bin/python benchmarks/community.py
    bash scripts/pg.sh stop /tmp/pgcommunity

`populate` creates the database (dropped first), migrates it and writes, with bulk_create, a
national community of practice: 12 member organizations, 120 members, 8 spaces, 20,000
threads (5,000 of them in one space), 10,000 published resources in its repertoire
(benchmarks/library.py's `add_resources`) and 200,000 posts written in English and French from a
vocabulary of the domain with a Zipf-like spread (a few words in most posts, most words in
few), so that searches for common and rare words are both measured. PostgreSQL computes each
post's search document (the generated column) as it is inserted. `measure` then times, through
Django's test client as a member (the whole request: access checks, selector, template):
the community's search page, which reads thread titles, posts and the repertoire's resources
together, for 60 queries of one or two words, both languages (target p95 <= 200 ms),
and the big space's thread list, first, middle and last pages, in both languages and with the
language filter (target p95 <= 300 ms); and, for the record, the repertoire's own search page
(resources only, with tag filters). Results: benchmarks/results/community.json, with the
machine's load average.
"""

from __future__ import annotations

import json
import os
import platform
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks.postgres import fresh_database  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("TANDEM_DEBUG", "1")
os.environ["TANDEM_MFA_REQUIRED"] = "0"
RESULTS = ROOT / "benchmarks" / "results" / "community.json"
POSTS = int(os.environ.get("TANDEM_COMMUNITY_BENCH_POSTS", "200000"))
THREADS = int(os.environ.get("TANDEM_COMMUNITY_BENCH_THREADS", "20000"))
BIG_SPACE_THREADS = int(os.environ.get("TANDEM_COMMUNITY_BENCH_BIG_SPACE", "5000"))
RESOURCES = int(os.environ.get("TANDEM_COMMUNITY_BENCH_RESOURCES", "10000"))
SEARCH_LIMIT_MS = 200
LIST_LIMIT_MS = 300
SLUG = "bench-national"

ENGLISH = """mentor mentee mentoring program employer hiring newcomer immigrant skilled job
interview resume network networking toolkit inclusive policy workplace disability accommodation
accessibility hub province ontario quebec alberta manitoba volunteer recruitment retention
engineer nurse accountant teacher technician developer analyst licensing credential
recognition bridging language benchmark workshop webinar session agenda minutes funding
grant report outcome evaluation survey follow-up partnership agreement referral intake
orientation eligibility coaching career goals connector introduction coffee chat panel fair
industry sector trades construction healthcare technology finance manufacturing logistics
retail hospitality remote hybrid schedule weekly monthly feedback template guide checklist
best practice lesson learned challenge success story champion leadership governance board
strategy planning communications social media newsletter outreach campaign ambassador chapter
association college university placement internship shadowing tour information""".split()
FRENCH = """mentor personne mentorée mentorat programme employeur embauche nouvel arrivant
immigrant qualifié emploi entrevue curriculum réseau réseautage trousse politique inclusive
milieu travail handicap accommodement accessibilité carrefour province ontario québec
bénévole recrutement rétention ingénieur infirmière comptable enseignant technicien
développeur analyste permis titres reconnaissance passerelle langue atelier webinaire séance
ordre jour procès-verbal financement subvention rapport résultat évaluation sondage suivi
partenariat entente référence accueil orientation admissibilité accompagnement carrière
objectifs rencontre café table ronde salon secteur métiers construction santé technologie
finance fabrication logistique commerce hôtellerie distance hybride horaire hebdomadaire
mensuel rétroaction modèle guide liste pratique exemplaire leçon défi réussite histoire
leadership gouvernance conseil stratégie planification communication médias sociaux bulletin
campagne ambassadeur section association collège université stage observation visite""".split()
COMMON = {
    "en": "and the to of for in with our we is a".split(),
    "fr": "et le la les de des pour dans avec nous est un une".split(),
}


def zipf_words(rng: random.Random, vocabulary: list[str], count: int) -> list[str]:
    """Words drawn with a Zipf-like spread: the first words of the list in most texts."""
    n = len(vocabulary)
    return [vocabulary[min(n - 1, int(rng.paretovariate(1.1)) - 1)] for _ in range(count)]


def sentence(rng: random.Random, language: str, words: int) -> str:
    vocabulary = ENGLISH if language == "en" else FRENCH
    shuffled = vocabulary[:]
    # Each run keeps the same order (seeded), so the "common" words are the same ones.
    out = []
    for word in zipf_words(rng, shuffled, words):
        out.append(word)
        if rng.random() < 0.4:
            out.append(rng.choice(COMMON[language]))
    return " ".join(out).capitalize() + "."


def populate() -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from tandem.community.models import Membership, Post, Space, SpaceKind, Thread
    from tandem.community.services.communities import community_create, organizations_set
    from tandem.core.tests.cast import make_member, make_organization
    from tandem.organizations.models import OrganizationType, Role

    rng = random.Random(23)
    started = time.perf_counter()
    host = make_organization("bench-host", OrganizationType.LEAD_AGENCY)
    founder = make_member(host, Role.NETWORK_LEADER, "founder@bench.example")
    community = community_create(
        actor=founder,
        host=host,
        slug=SLUG,
        name_en="National community of practice",
        name_fr="Communauté de pratique nationale",
        terms_en="Share what works.",
        terms_fr="Partager ce qui fonctionne.",
    )
    organizations = [host] + [
        make_organization(f"bench-org-{i}", OrganizationType.IMMIGRANT_NETWORK) for i in range(11)
    ]
    organizations_set(actor=founder, community=community, organizations=organizations)
    users = [founder]
    now = timezone.now()
    for i in range(119):
        organization = organizations[i % len(organizations)]
        user = make_member(
            organization,
            Role.NETWORK_LEADER,
            f"member{i}@bench.example",
            language="fr" if i % 3 == 0 else "en",
        )
        Membership.objects.create(
            community=community,
            user=user,
            organization=organization,
            status="active",
            terms_version=1,
            agreed_at=now,
            joined_at=now,
            handle=f"member{i}",
        )
        users.append(user)
    spaces = [Space.objects.get(community=community, slug="general")] + [
        Space.objects.create(
            community=community,
            slug=f"topic-{i}",
            name_en=f"Topic {i}",
            name_fr=f"Sujet {i}",
            kind=SpaceKind.TOPIC if i % 2 else SpaceKind.OPEN,
        )
        for i in range(7)
    ]
    big = spaces[0]
    # The topic spaces are targeted: every member takes part (the measured member reads them).
    memberships = list(Membership.objects.filter(community=community))
    for space in spaces[1:]:
        if not space.is_open:
            space.members.set(memberships)
    threads = []
    start = now - timedelta(days=3 * 365)
    for i in range(THREADS):
        space = big if i < BIG_SPACE_THREADS else spaces[1 + i % (len(spaces) - 1)]
        language = "fr" if rng.random() < 0.35 else "en"
        created = start + timedelta(seconds=rng.uniform(0, 3 * 365 * 86400))
        threads.append(
            Thread(
                space=space,
                author=rng.choice(users),
                title=sentence(rng, language, rng.randint(4, 9))[:200],
                kind="question" if rng.random() < 0.4 else "discussion",
                language=language,
                last_post_at=created,
                reply_count=0,
            )
        )
    Thread.objects.bulk_create(threads, batch_size=2000)
    threads = list(Thread.objects.filter(space__community=community).order_by("pk"))
    per_thread = [1] * len(threads)
    for _ in range(POSTS - len(threads)):
        per_thread[rng.randrange(len(threads))] += 1
    batch: list[Post] = []
    written = 0
    for thread, count in zip(threads, per_thread, strict=True):
        at = thread.last_post_at
        for n in range(count):
            language = (
                thread.language
                if rng.random() < 0.8
                else ("en" if thread.language == "fr" else "fr")
            )
            text = " ".join(
                sentence(rng, language, rng.randint(6, 14)) for _ in range(rng.randint(2, 5))
            )
            batch.append(
                Post(
                    thread=thread,
                    author=rng.choice(users),
                    body=f"<p>{text}</p>",
                    text=text,
                    language=language,
                    is_first=n == 0,
                    created_at=at,
                )
            )
            at += timedelta(minutes=rng.randint(5, 3000))
        thread.last_post_at, thread.reply_count = at, count - 1
        if len(batch) >= 5000:
            Post.objects.bulk_create(batch)
            written += len(batch)
            batch = []
            print(f"  {written} posts", flush=True)
    Post.objects.bulk_create(batch)
    Thread.objects.bulk_update(threads, ["last_post_at", "reply_count"], batch_size=2000)
    # created_at is auto_now_add: bulk_create overwrote it with now; spread them back.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE community_post p SET created_at = t.last_post_at - (interval '1 minute' * "
            "(random() * 20000)) FROM community_thread t WHERE t.id = p.thread_id"
        )
        cursor.execute("VACUUM ANALYZE community_post")
        cursor.execute("VACUUM ANALYZE community_thread")
    # The shared repertoire of the same community: the community's search reads its posts and
    # its resources together (the "200k posts and 10k resources").
    from benchmarks.library import add_resources

    resources = add_resources(random.Random(2026), community, founder, organizations, RESOURCES)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE library_resource")
        cursor.execute("VACUUM ANALYZE library_resourcetag")
    return {
        "posts": Post.objects.count(),
        "resources": resources["resources"],
        "threads": Thread.objects.count(),
        "big_space_threads": Thread.objects.filter(space=big).count(),
        "members": len(users),
        "populate_seconds": round(time.perf_counter() - started, 1),
    }


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return round(ordered[max(0, int(round(0.95 * len(ordered))) - 1)], 1)


def timed(client, url: str) -> tuple[float, int]:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return elapsed, len(response.content)


def measure() -> dict:
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from tandem.accounts.models import User
    from tandem.community.models import Post, Space

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    member = User.objects.get(email="member1@bench.example")
    client = Client()
    client.force_login(member)
    rng = random.Random(7)
    queries = []
    for i in range(60):
        vocabulary = ENGLISH if i % 2 == 0 else FRENCH
        if i % 3 == 0:
            queries.append(vocabulary[i % 5])  # among the most common words
        elif i % 3 == 1:
            queries.append(rng.choice(vocabulary[40:]))  # a rare word
        else:
            queries.append(f"{rng.choice(vocabulary[:30])} {rng.choice(vocabulary[10:80])}")
    results: dict = {}
    for language in ("en", "fr"):
        search = reverse("community:search", kwargs={"community_slug": SLUG}).replace(
            "/en/", f"/{language}/"
        )
        timed(client, search + "?q=warm")  # warm-up
        timings = []
        matches = []
        for query in queries:
            elapsed, _size = timed(client, f"{search}?q={query}")
            timings.append(elapsed)
        community = Space.objects.get(slug="general").community
        for query in queries[:6]:
            from tandem.community.selectors import post_search
            from tandem.library.selectors import resources_found

            matches.append(
                {
                    "query": query,
                    "posts": len(post_search(member, community, query)),
                    "resources": len(resources_found(member, community, query, 10)),
                }
            )
        results[f"search_{language}"] = {
            "queries": len(queries),
            "p50_ms": round(statistics.median(timings), 1),
            "p95_ms": p95(timings),
            "max_ms": round(max(timings), 1),
            "sample_results": matches,
        }
    big = Space.objects.get(slug="general")
    pages = reverse("community:space", kwargs={"community_slug": SLUG, "space_slug": big.slug})
    listing = []
    last = (big.threads.count() + 29) // 30
    urls = []
    for language in ("en", "fr"):
        base = pages.replace("/en/", f"/{language}/")
        urls += [
            base,
            f"{base}?page={last // 2}",
            f"{base}?page={last}",
            f"{base}?language=fr",
            f"{base}?language=en&page=20",
        ]
    timed(client, urls[0])
    for _ in range(4):
        for url in urls:
            listing.append(timed(client, url)[0])
    results["space_list"] = {
        "threads_in_space": big.threads.count(),
        "requests": len(listing),
        "p50_ms": round(statistics.median(listing), 1),
        "p95_ms": p95(listing),
        "max_ms": round(max(listing), 1),
    }
    # The repertoire's own page (resources only, with its filters) in the same database.
    from benchmarks.library import searches as repertoire_searches

    repertoire = reverse("library:resources", kwargs={"community_slug": SLUG})
    timed(client, repertoire + "?q=toolkit")
    shelf = [
        timed(client, repertoire + "?" + urlencode(query))[0]
        for query in repertoire_searches(random.Random(23), 100)
    ]
    results["repertoire_search"] = {
        "requests": len(shelf),
        "p50_ms": round(statistics.median(shelf), 1),
        "p95_ms": p95(shelf),
        "max_ms": round(max(shelf), 1),
    }
    # The plan of the costliest kind of search (a common word), for the record.
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM community_post")
        results["posts"] = cursor.fetchone()[0]
    results["posts_check"] = Post.objects.count()
    return results


def main() -> None:
    phase = os.environ.get("TANDEM_COMMUNITY_BENCH_PHASE", "all")
    if os.environ.get("TANDEM_DB") != "postgres":
        sys.exit("Run on PostgreSQL: TANDEM_DB=postgres (see the docstring).")
    populated: dict = {}
    if phase in ("populate", "all"):
        fresh_database("tandem_community_bench")
        populated = populate()
        print(json.dumps(populated, indent=2))
        if phase == "populate":
            return
    load_before = os.getloadavg()
    measured = measure()
    load_after = os.getloadavg()
    out = {
        "benchmark": "community",
        "target": {"search_p95_ms": SEARCH_LIMIT_MS, "space_list_p95_ms": LIST_LIMIT_MS},
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in load_after],
        **populated,
        **measured,
    }
    out["search_ok"] = all(
        out[f"search_{lang}"]["p95_ms"] <= SEARCH_LIMIT_MS for lang in ("en", "fr")
    )
    out["space_list_ok"] = out["space_list"]["p95_ms"] <= LIST_LIMIT_MS
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(out, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
