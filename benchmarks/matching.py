"""Benchmark of the matching engine on realistic synthetic pools.

    .venv/bin/python benchmarks/matching.py --sizes 1000,10000,50000,100000

For each size N (N mentees and N mentors) a child process generates a pool (real NOC 2021 unit
groups and example titles, English and French goal texts, nine Canadian cities' postal areas,
mentor capacities 1-3), warms the embedding cache, then times the pipeline with the cache warm:
embedding (cache look-ups), candidate scoring, solving, explaining, writing MATCHES.csv. Peak
memory is the child's maximum resident set size, read before the dense oracle runs. Up to
``--oracle-max`` the dense exact optimum (scipy ``linear_sum_assignment``) is computed on the
same scores and the gap reported. Results go to ``benchmarks/results/matching.json``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import multiprocessing
import os
import platform
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

RESULTS = ROOT / "benchmarks" / "results" / "matching.json"
CACHE = ROOT / "benchmarks" / ".cache"

# (name, FSA prefixes, share of people, share preferring French)
CITIES = (
    ("Toronto", ("M",), 0.30, 0.03),
    ("Montréal", ("H1", "H2", "H3", "H4"), 0.18, 0.75),
    ("Ottawa", ("K1", "K2"), 0.12, 0.25),
    ("Gatineau", ("J8", "J9"), 0.05, 0.80),
    ("Vancouver", ("V5", "V6"), 0.12, 0.02),
    ("Calgary", ("T2", "T3"), 0.08, 0.02),
    ("Edmonton", ("T5", "T6"), 0.06, 0.02),
    ("Winnipeg", ("R2", "R3"), 0.05, 0.04),
    ("Halifax", ("B3",), 0.04, 0.03),
)
OTHER_LANGUAGES = ("ar", "es", "zh", "hi", "tl", "pt", "fa", "ur", "pa", "ru", "uk", "ko", "vi")
SECTORS = ("5415", "5412", "5413", "5221", "6221", "6211", "6111", "9111", "4451", "3361", "2211")

MENTEE_EN = (
    "I want to work as {title} in {city}.",
    "My goal is a job as {title}; I need help with {topic}.",
    "Looking for my first Canadian role as {title}, especially {topic}.",
    "I was {title} in my country and want to do the same work here.",
)
MENTEE_FR = (
    "Je veux travailler comme {title} à {city}.",
    "Mon objectif : un emploi de {title}; j'ai besoin d'aide pour {topic}.",
    "Je cherche un premier poste de {title} au Canada, surtout pour {topic}.",
    "J'étais {title} dans mon pays et je veux exercer le même métier ici.",
)
MENTOR_EN = (
    "I can help with careers as {title}: {topic}.",
    "Experienced {title}; happy to advise on {topic} in {city}.",
    "I mentor newcomers who want to work as {title}, from {topic} to the first job.",
)
MENTOR_FR = (
    "Je peux aider pour les carrières de {title} : {topic}.",
    "{title} d'expérience, je conseille sur {topic} à {city}.",
    "J'accompagne les personnes nouvellement arrivées qui visent un poste de {title}.",
)
TOPICS_EN = (
    "interviews",
    "my résumé",
    "licensing",
    "networking",
    "credential recognition",
    "salary negotiation",
    "workplace culture",
    "certifications",
    "job search strategy",
)
TOPICS_FR = (
    "les entrevues",
    "mon CV",
    "le permis d'exercice",
    "le réseautage",
    "la reconnaissance des diplômes",
    "la négociation salariale",
    "la culture de travail",
    "les certifications",
    "la recherche d'emploi",
)


# Mentor populations: (name, mentors per mentee, capacities, their weights). "plentiful" is the
# original benchmark (1.75 places per mentee); the two scarce ones are issue 25's: every mentor
# takes one mentee, and half as many mentors as mentees (0.87 places per mentee).
POPULATIONS = {
    "plentiful": (1.0, (1, 2, 3), (0.45, 0.35, 0.20)),
    "scarce-capacity-1": (1.0, (1,), (1.0,)),
    "scarce-half-mentors": (0.5, (1, 2, 3), (0.45, 0.35, 0.20)),
}


def generate(n: int, seed: int, population: str = "plentiful"):
    from tandem.matching.engine.model import SLOTS, Participant, Pool
    from tandem.matching.engine.reference import fsas, noc_example_titles, noc_unit_groups

    rng = random.Random(seed)
    units = list(noc_unit_groups())
    # Professional occupations (TEER 0-2) dominate the people these programs serve.
    unit_weights = [3.0 if code[1] in "012" else 1.0 for code in units]
    titles = noc_example_titles()
    by_city = {
        name: [f for f in fsas() if f.startswith(prefixes)] for name, prefixes, _, _ in CITIES
    }
    city_weights = [share for _, _, share, _ in CITIES]

    def person(index: int, role: str) -> Participant:
        city, _, _, fr_share = rng.choices(CITIES, city_weights)[0]
        preferred = "fr" if rng.random() < fr_share else "en"
        languages = {preferred}
        if rng.random() < (0.6 if preferred == "fr" else 0.15):
            languages.add("en" if preferred == "fr" else "fr")
        if rng.random() < 0.5:
            languages.add(rng.choice(OTHER_LANGUAGES))
        code = rng.choices(units, unit_weights)[0]
        title = rng.choice(titles[code][preferred]).lower()
        templates: tuple[str, ...]
        if role == "mentee":
            templates = MENTEE_FR if preferred == "fr" else MENTEE_EN
        else:
            templates = MENTOR_FR if preferred == "fr" else MENTOR_EN
        topics = TOPICS_FR if preferred == "fr" else TOPICS_EN
        goals = rng.choice(templates).format(title=title, city=city, topic=rng.choice(topics))
        slots = (
            frozenset(rng.sample(SLOTS, rng.randint(1, 5))) if rng.random() < 0.8 else frozenset()
        )
        return Participant(
            external_id=f"{'e' if role == 'mentee' else 't'}{index}",
            role=role,  # type: ignore[arg-type]
            preferred_language=preferred,  # type: ignore[arg-type]
            languages=frozenset(languages),
            noc_code=code,
            naics_code=rng.choice(SECTORS) if rng.random() < 0.7 else None,
            postal_code=rng.choice(by_city[city]) if rng.random() < 0.9 else None,
            meeting_mode=rng.choices(("either", "virtual", "in_person"), (0.45, 0.30, 0.25))[0],
            availability=slots,
            goals=goals,
            capacity=rng.choices(capacities, capacity_weights)[0] if role == "mentor" else 1,
            years_experience=float(rng.randint(2, 30)) if role == "mentor" else None,
        )

    ratio, capacities, capacity_weights = POPULATIONS[population]
    # Mentees are drawn first, so a population's mentees are the same people at every ratio.
    people = [person(i, "mentee") for i in range(n)]
    people += [person(i, "mentor") for i in range(round(n * ratio))]
    return Pool.from_participants(people)


def cold_throughput(sample: int, result_path: str) -> None:
    from tandem.matching.engine.embedding import UsemEmbedder

    pool = generate(sample // 2, seed=99)
    texts = sorted({p.goals for p in (*pool.mentees, *pool.mentors)})
    embedder = UsemEmbedder()
    started = time.perf_counter()
    embedder.embed(texts[:8])  # loading the model is not throughput
    load = time.perf_counter() - started
    started = time.perf_counter()
    embedder.embed(texts)
    elapsed = time.perf_counter() - started
    result = {
        "texts": len(texts),
        "seconds": elapsed,
        "texts_per_second": len(texts) / elapsed,
        "model_load_seconds": load,
    }
    Path(result_path).write_text(json.dumps(result))


def run_size(population: str, n: int, oracle_max: int, result_path: str) -> None:
    from tandem.matching.engine.api import Matcher, embed_pool
    from tandem.matching.engine.csvio import MATCHES_HEADER, format_score, write_rows
    from tandem.matching.engine.embedding import DiskCache, UsemEmbedder
    from tandem.matching.engine.model import CRITERIA

    started = time.perf_counter()
    pool = generate(n, seed=n, population=population)
    generation = time.perf_counter() - started
    embedder = UsemEmbedder()
    started = time.perf_counter()
    warm = embed_pool(pool, embedder, DiskCache(CACHE, embedder.name))
    cold_fill = time.perf_counter() - started

    timings: dict[str, float] = {}
    # CPU time of every thread of this process: on a machine shared by several sessions the
    # wall-clock figures stretch with the load, the CPU seconds much less.
    cpu_started = time.process_time()
    started_all = time.perf_counter()
    started = time.perf_counter()
    cache = DiskCache(CACHE, embedder.name)
    embeddings = embed_pool(pool, embedder, cache)
    del cache  # its memory-mapped shards would stay resident
    timings["embedding"] = time.perf_counter() - started
    assert embeddings.newly_embedded == 0
    matcher = Matcher(pool, embedder=embedder, embeddings=embeddings)
    del embeddings  # the matcher keeps its own compiled copy
    timings["compiling"] = matcher.timings["compiling"]
    solution = matcher.solve()
    for stage in ("scoring", "solving", "explaining"):
        timings[stage] = solution.stats.timings[stage]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        by_mentee = {p.mentee_id: p for p in solution.proposals}
        reasons = {u.mentee_id: u.reason for u in solution.unmatched}
        rows = []
        for mentee in pool.mentees:
            p = by_mentee.get(mentee.external_id)
            if p is None:
                rows.append(
                    [
                        mentee.external_id,
                        "",
                        "",
                        *([""] * len(CRITERIA)),
                        reasons[mentee.external_id],
                    ]
                )
            else:
                rows.append(
                    [
                        p.mentee_id,
                        p.mentor_id,
                        format_score(p.score),
                        *(format_score(p.criteria[c]) for c in CRITERIA),
                        "; ".join(p.explanation.sentences),
                    ]
                )
        write_rows(Path(tmp) / "matches.csv", MATCHES_HEADER, rows)
    timings["writing"] = time.perf_counter() - started
    end_to_end = time.perf_counter() - started_all
    cpu = time.process_time() - cpu_started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

    result = {
        "population": population,
        "n_mentees": n,
        "n_mentors": len(pool.mentors),
        "mentor_places": int(sum(p.capacity for p in pool.mentors)),
        "generation_seconds": generation,
        "cold_embedding_seconds": cold_fill,
        "newly_embedded_texts": warm.newly_embedded,
        "stage_seconds": timings,
        "end_to_end_seconds": end_to_end,
        "cpu_seconds": cpu,
        "peak_rss_bytes": peak,
        "pairs_total": n * len(pool.mentors),
        "pairs_scored": solution.stats.pairs_scored,
        "pairs_allowed": solution.stats.pairs_allowed,
        "exact_goal_products": solution.stats.exact_goal_products,
        "arcs_in_graph": solution.stats.arcs_in_graph,
        "pricing_rounds": solution.stats.rounds,
        "priced_mentees": solution.stats.enlarged_mentees,
        "rounds_trace": list(solution.stats.rounds_trace),
        "mentees_matched": solution.matched_count,
        "total_score": solution.total_score,
    }
    if n <= oracle_max:
        import numpy as np

        from tandem.matching.engine.scoring import full_scores
        from tandem.matching.engine.solver import dense_oracle, to_int

        started = time.perf_counter()
        context = matcher.context
        scores = full_scores(context)
        matched, total, _ = dense_oracle(scores, context.mentors.capacity)
        i = np.array([pool.mentee_index[p.mentee_id] for p in solution.proposals])
        j = context.mentor_position[[pool.mentor_index[p.mentor_id] for p in solution.proposals]]
        ours = int(to_int(scores[i, j]).sum())
        result["oracle"] = {
            "seconds": time.perf_counter() - started,
            "mentees_matched": matched,
            "total_score": total / 1_000_000,
            "matched_gap": matched - solution.matched_count,
            "total_gap_integer_units": total - ours,
        }
    Path(result_path).write_text(json.dumps(result))


# Every population at every size, and issue 25's 500 mentees for 250 mentors.
DEFAULT_CASES = ",".join(
    [f"{population}:{n}" for n in (2000, 10000, 100000) for population in POPULATIONS]
    + ["scarce-half-mentors:500"]
)


def cold_run(n: int, result_path: str) -> None:
    """A first run on a machine: nothing compiled, no embedding cached (plentiful, N x N).

    Numba's cache goes to an empty directory (``NUMBA_CACHE_DIR``), the embedding cache too.
    The run is the pipeline's own: ``Matcher`` embeds the goals while a child process
    compiles the kernels (``warmup``), then solves; the stages say where the time goes.
    """
    with tempfile.TemporaryDirectory() as numba_cache, tempfile.TemporaryDirectory() as cache:
        os.environ["NUMBA_CACHE_DIR"] = numba_cache
        pool = generate(n, seed=n)
        stages: dict[str, float] = {}
        cpu_started = time.process_time()
        started_all = started = time.perf_counter()
        from tandem.matching.engine.api import Matcher
        from tandem.matching.engine.embedding import DiskCache, UsemEmbedder

        stages["importing"] = time.perf_counter() - started
        embedder = UsemEmbedder()
        matcher = Matcher(pool, embedder=embedder, cache=DiskCache(cache, embedder.name))
        stages["embedding_with_model_load"] = matcher.timings["embedding"] - matcher.timings.get(
            "waiting_for_kernels", 0.0
        )
        stages["waiting_for_kernels"] = matcher.timings.get("waiting_for_kernels", 0.0)
        stages["compiling_pool"] = matcher.timings["compiling"]
        started = time.perf_counter()
        solution = matcher.solve()
        stages["solving_with_kernel_loads"] = time.perf_counter() - started
        total = time.perf_counter() - started_all
        cpu = time.process_time() - cpu_started
    result = {
        "population": "plentiful",
        "n_mentees": n,
        "newly_embedded_texts": matcher.newly_embedded,
        "stage_seconds": stages,
        "matching_stage_seconds": solution.stats.timings,
        "end_to_end_seconds": total,
        "cpu_seconds_this_process": cpu,
        "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "mentees_matched": solution.matched_count,
    }
    Path(result_path).write_text(json.dumps(result))


# Desk changes for the incremental benchmark: each is applied to the solved desk on its own.
def _changes(matcher, solution, n: int):
    chosen = list(solution.proposals)
    yield "exclude a proposed pair", {"exclusions": [(chosen[0].mentee_id, chosen[0].mentor_id)]}
    extra = generate(n + 1, seed=n, population="plentiful")
    newcomer = extra.mentees[-1]
    yield "add a mentee", {"add": [dataclasses.replace(newcomer, external_id="e-new")]}
    mentor = extra.mentors[-1]
    yield "add a mentor", {"add": [dataclasses.replace(mentor, external_id="t-new")]}
    yield "remove a mentee", {"remove": [chosen[1].mentee_id]}
    yield "remove a mentor", {"remove": [chosen[2].mentor_id]}
    # Last, on the solved matcher itself (no new matcher): a mentee pinned to a mentor that
    # is not its proposed one (its best other candidate, which may be full).
    target = chosen[len(chosen) // 2]
    other = next(
        c.mentor_id
        for c in matcher.rank_candidates(target.mentee_id, k=4)
        if c.mentor_id != target.mentor_id
    )
    yield "pin a mentee elsewhere", {"pins": [(target.mentee_id, other)]}


def incremental(population: str, n: int, result_path: str) -> None:
    """Warm re-solves after one desk change against solving the changed desk from scratch."""
    from tandem.matching.engine.api import Matcher, embed_pool
    from tandem.matching.engine.embedding import DiskCache, UsemEmbedder

    pool = generate(n, seed=n, population=population)
    embedder = UsemEmbedder()
    cache = DiskCache(CACHE, embedder.name)
    embeddings = embed_pool(pool, embedder, cache)
    base = Matcher(pool, embedder=embedder, embeddings=embeddings)
    started = time.perf_counter()
    first = base.solve(explain=False)
    first_seconds = time.perf_counter() - started
    changes: list[dict] = []
    for name, change in _changes(base, first, n):
        pins = change.pop("pins", ())
        started = time.perf_counter()
        matcher = base.changed(cache=cache, **change) if change else base
        changed_seconds = time.perf_counter() - started
        started = time.perf_counter()
        warm = matcher.solve(pins=pins, explain=False)
        warm_seconds = time.perf_counter() - started
        started = time.perf_counter()
        scratch_matcher = Matcher(
            matcher.pool, embedder=embedder, exclusions=matcher.exclusions, cache=cache
        )
        scratch_build = time.perf_counter() - started
        started = time.perf_counter()
        scratch = scratch_matcher.solve(pins=pins, explain=False)
        scratch_seconds = time.perf_counter() - started
        row = {
            "change": name,
            "changed_matcher_seconds": changed_seconds,
            "warm_solve_seconds": warm_seconds,
            "warm_stage_seconds": warm.stats.timings,
            "warm_rounds": warm.stats.rounds,
            "scratch_matcher_seconds": scratch_build,
            "scratch_solve_seconds": scratch_seconds,
            "scratch_rounds": scratch.stats.rounds,
            "same_matched": warm.matched_count == scratch.matched_count,
            "total_difference": warm.total_score - scratch.total_score,
        }
        changes.append(row)
        print(
            f"  {name}: warm {warm_seconds:.2f}s ({warm.stats.rounds} rounds, changed matcher "
            f"{changed_seconds:.2f}s) vs scratch {scratch_seconds:.2f}s "
            f"({scratch.stats.rounds} rounds, matcher {scratch_build:.2f}s); same optimum: "
            f"{row['same_matched'] and abs(row['total_difference']) < 1e-6}",
            flush=True,
        )
    rows = {
        "population": population,
        "n_mentees": n,
        "first_solve_seconds": first_seconds,
        "changes": changes,
    }
    Path(result_path).write_text(json.dumps(rows))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--cases",
        default=DEFAULT_CASES,
        help="comma-separated POPULATION:N (populations: " + ", ".join(POPULATIONS) + ")",
    )
    parser.add_argument("--oracle-max", type=int, default=10000)
    parser.add_argument("--cold-sample", type=int, default=4000)
    parser.add_argument("--cold-run", type=int, default=0, help="time a first run at N x N")
    parser.add_argument(
        "--incremental",
        default="",
        help="comma-separated POPULATION:N: warm re-solves after desk changes against scratch",
    )
    parser.add_argument(
        "--skip-cold-embedding", action="store_true", help="do not re-measure encoder throughput"
    )
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    cases = []
    for case in filter(None, args.cases.split(",")):
        population, _, n = case.partition(":")
        if population not in POPULATIONS:
            parser.error(f"unknown population {population}")
        cases.append((population, int(n)))

    previous = json.loads(args.out.read_text()) if args.out.exists() else {}
    # Runs without a population were measured before issue 25 (the wildcard certificate):
    # kept apart as the reference they were.
    before = previous.get("before_issue_25", [])
    before += [r for r in previous.get("runs", []) if "population" not in r]
    runs = {
        (r["population"], r["n_mentees"]): r for r in previous.get("runs", []) if "population" in r
    }
    # Every measurement runs in its own process: the parent never touches BLAS (idle BLAS
    # threads of an earlier stage slowed later stages several fold), and the peak resident
    # size of a child is that size's alone.
    cold = previous.get("cold_embedding")
    if not args.skip_cold_embedding:
        cold = in_child(cold_throughput, args.cold_sample)
        cold["load_average"] = os.getloadavg()
        print(f"cold embedding: {cold['texts_per_second']:.0f} texts/s ({cold['texts']} texts)")
    first_run = previous.get("cold_run")
    if args.cold_run:
        load_before = os.getloadavg()
        first_run = in_child(cold_run, args.cold_run)
        first_run["load_average"] = [load_before, os.getloadavg()]
        print(
            f"cold first run at {args.cold_run}: {first_run['end_to_end_seconds']:.1f} s",
            first_run["stage_seconds"],
        )
    incremental_runs = {
        (r["population"], r["n_mentees"]): r for r in previous.get("incremental", [])
    }
    for case in filter(None, args.incremental.split(",")):
        population, _, n = case.partition(":")
        print(f"incremental {population} {n}:", flush=True)
        load_before = os.getloadavg()
        result = in_child(incremental, population, int(n))
        result["load_average"] = [load_before, os.getloadavg()]
        incremental_runs[(population, int(n))] = result
    for population, n in cases:
        load_before = os.getloadavg()
        result = in_child(run_size, population, n, args.oracle_max)
        # Other work on the machine changes every figure; keep the load next to them
        # (1, 5 and 15 minutes, before and after the run).
        result["load_average"] = [load_before, os.getloadavg()]
        result["load_average_1min"] = [load_before[0], result["load_average"][1][0]]
        runs[(population, n)] = result
        print_row(result)
    report = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "cold_embedding": cold,
        "cold_run": first_run,
        "runs": [runs[key] for key in sorted(runs, key=lambda key: (key[1], key[0]))],
        "incremental": [incremental_runs[key] for key in sorted(incremental_runs)],
        "before_issue_25": before,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print()
    print_table(report["runs"])


def in_child(target, *args):
    """Run ``target(*args, result_path)`` in a fresh process and return what it wrote."""
    context = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory() as tmp:
        result_path = Path(tmp) / "result.json"
        child = context.Process(target=target, args=(*args, str(result_path)))
        child.start()
        child.join()
        if child.exitcode != 0 or not result_path.exists():
            raise SystemExit(f"{target.__name__}{args} failed: exit code {child.exitcode}")
        return json.loads(result_path.read_text())


def print_row(r: dict) -> None:
    s = r["stage_seconds"]
    gap = r.get("oracle", {})
    print(
        f"{r.get('population', 'plentiful')} {r['n_mentees']} x {r['n_mentors']}: end-to-end {r['end_to_end_seconds']:.2f}s "
        f"(CPU {r.get('cpu_seconds', 0):.2f}s) "
        f"(embed {s['embedding']:.2f}, score {s['scoring']:.2f}, solve {s['solving']:.2f}, "
        f"explain {s['explaining']:.2f}, write {s['writing']:.2f}), peak {r['peak_rss_bytes'] / 2**30:.2f} GiB, "
        f"pairs scored {r['pairs_scored']:,} of {r['pairs_total']:,}, matched {r['mentees_matched']}, "
        f"total {r['total_score']:.3f}, oracle gap {gap.get('matched_gap', '-')}/{gap.get('total_gap_integer_units', '-')}",
        flush=True,
    )


def print_table(runs: list[dict]) -> None:
    header = "| population | mentees x mentors | end to end s | CPU s | embed | score | solve | explain | write | peak GiB | pairs scored | allowed | matched | total | gap to dense | rounds | load (1 min) |"
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    for r in runs:
        s = r["stage_seconds"]
        o = r.get("oracle")
        gap = (
            f"{o['matched_gap']} matched, {o['total_gap_integer_units'] / 1e6:.6f} score"
            if o
            else "n/a"
        )
        print(
            f"| {r.get('population', 'plentiful')} | {r['n_mentees']:,} x {r['n_mentors']:,} | {r['end_to_end_seconds']:.2f} | {r.get('cpu_seconds', 0):.2f} | {s['embedding']:.2f} | {s['scoring']:.2f} | "
            f"{s['solving']:.2f} | {s['explaining']:.2f} | {s['writing']:.2f} | {r['peak_rss_bytes'] / 2**30:.2f} | "
            f"{r['pairs_scored']:,} | {r['pairs_allowed']:,} | {r['mentees_matched']:,} | {r['total_score']:.2f} | {gap} | "
            f"{r.get('pricing_rounds', '-')} | {r['load_average_1min'][0]:.1f}-{r['load_average_1min'][1]:.1f} |"
        )


if __name__ == "__main__":
    main()
