"""The matcher each program's desk last solved with, kept in the worker between runs.

Staff re-run a program's matching after small changes: a mentee became ready, a mentor
withdrew, a pair was excluded, a draft was kept (its mentee leaves the pool, its mentor has a
place less). Building a new `Matcher` solves the whole pool again from scratch; the engine can
instead start from its previous solve (`Matcher.changed`, then a warm `solve`: only what
changed is scanned, the previous optimum is repaired, and the answer is as exact as a solve
from scratch; docs/matching-engine.md, step 6). The worker is a long-lived process, so it
keeps the last solved matcher of a few programs.

A kept matcher is used only for the run that follows the one that left it (the program's
latest finished run is the one recorded with it: a run in another worker process, or a
database restored from a backup, starts from scratch), with the same weights, and when few
people changed; otherwise the run builds a new matcher. A person whose profile, capacity or
rules changed counts as removed and added back.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

from tandem.matching import pool
from tandem.matching.embeddings import DatabaseVectorCache, embedder
from tandem.matching.engine.api import Matcher
from tandem.matching.engine.model import EngineError, Participant
from tandem.matching.engine.model import Pool as EnginePool
from tandem.matching.models import ProposalRun, RunStatus

logger = logging.getLogger(__name__)

# Programs whose matcher a worker keeps (a 5,000 x 5,000 desk's is ~0.1 GB).
KEPT_PROGRAMS = 4
# A change of more people than this share of the pool (and at least WARM_MINIMUM) is solved
# from scratch: compiling the changed pool and repairing cost about as much as a new solve.
WARM_SHARE = 0.05
WARM_MINIMUM = 20


@dataclass(frozen=True)
class _Kept:
    matcher: Matcher
    run: RunKey  # the run that solved with it


@dataclass(frozen=True)
class DeskMatcher:
    matcher: Matcher
    is_warm: bool  # changed from the previous run's matcher: its solve starts from that one
    added: int = 0
    removed: int = 0
    # When warm: the run that left the matcher, and the engine ids of the people added or
    # removed since (an edited person is both). A draft of that run whose pair is chosen again
    # and whose two people are not among them reads exactly as it would if written again.
    previous_run_id: int | None = None
    changed_ids: frozenset[str] = frozenset()


# A run by its id and creation time: ids come back in a database rolled back or restored.
RunKey = tuple[int, datetime]

_kept: OrderedDict[int, _Kept] = OrderedDict()
_lock = threading.Lock()


def desk_matcher(desk: pool.DeskPool, *, previous_run: RunKey | None, progress=None) -> DeskMatcher:
    """The matcher for this run of the desk: the one the program's previous run
    (``previous_run``, its latest finished run) left, changed by what changed since, when
    that is little; else a new one."""
    program_id = desk.program.pk  # type: ignore[attr-defined]
    with _lock:
        kept = _kept.get(program_id)
    if kept is not None and kept.run == previous_run:
        previous = kept.matcher
        change = _difference(previous.pool, desk.pool)
        if previous.weights == desk.weights and change is not None:
            added, removed = change
            cache = DatabaseVectorCache(embedder().name)
            cache.preload(p.goals for p in added)
            try:
                matcher = previous.changed(
                    add=added, remove=removed, exclusions=desk.exclusions, cache=cache
                )
            except EngineError:  # pragma: no cover - the desk pool is consistent
                logger.exception("the kept matcher of program %s could not change", program_id)
            else:
                return DeskMatcher(
                    matcher,
                    True,
                    len(added),
                    len(removed),
                    previous_run_id=kept.run[0],
                    changed_ids=frozenset([*(p.external_id for p in added), *removed]),
                )
    return DeskMatcher(pool.make_matcher(desk, progress=progress), False)


def run_key(run: ProposalRun) -> RunKey:
    return (run.pk, run.created_at)


def previous_run(run: ProposalRun) -> RunKey | None:
    """The program's latest finished run before ``run``: a kept matcher must be its."""
    return (
        ProposalRun.objects.filter(program_id=run.program_id, status=RunStatus.DONE)
        .exclude(pk=run.pk)
        .order_by("-finished_at", "-pk")
        .values_list("pk", "created_at")
        .first()
    )


def desk_keep(run: ProposalRun, matcher: Matcher) -> None:
    """Keep ``matcher`` (solved by ``run``) for the program's next run."""
    with _lock:
        program_id = run.program_id
        _kept[program_id] = _Kept(matcher, run_key(run))
        _kept.move_to_end(program_id)
        while len(_kept) > KEPT_PROGRAMS:
            _kept.popitem(last=False)


def desk_forget(program_id: int | None = None) -> None:
    """Forget the kept matcher of a program (every program when None)."""
    with _lock:
        if program_id is None:
            _kept.clear()
        else:
            _kept.pop(program_id, None)


def _difference(
    before: EnginePool, after: EnginePool
) -> tuple[list[Participant], list[str]] | None:
    """(people to add, ids to remove) from ``before`` to ``after``, or None when too many."""
    old = {p.external_id: p for p in (*before.mentees, *before.mentors)}
    new = {p.external_id: p for p in (*after.mentees, *after.mentors)}
    removed = [person_id for person_id, person in old.items() if new.get(person_id) != person]
    added = [person for person_id, person in new.items() if old.get(person_id) != person]
    if len(added) + len(removed) > max(WARM_MINIMUM, WARM_SHARE * len(new)):
        return None
    return added, removed
