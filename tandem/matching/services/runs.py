"""Whole-pool runs of the engine: queued by staff, executed by the worker, ending in draft
proposals (or, for a preview, only figures)."""

from __future__ import annotations

import logging
import threading
import time

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from tandem.accounts.models import User
from tandem.core import audit
from tandem.core.bulk import insert_rows
from tandem.matching import kept_matchers, pool
from tandem.matching.engine.model import EngineError
from tandem.matching.models import (
    Proposal,
    ProposalRun,
    ProposalStatus,
    RunStatus,
    Source,
)
from tandem.matching.services.base import DeskError, settings_for
from tandem.matching.services.explanations import chosen_explanation_fields

logger = logging.getLogger(__name__)

RUN_STARTED = audit.event("run.started", gettext_lazy("Matching run started"))


@transaction.atomic
def run_start(
    *, actor: User, program, weights: dict[str, float] | None = None, preview: bool = False
) -> ProposalRun:
    """Queues a run of the engine over the whole pool; one at a time per program."""
    from tandem.matching.tasks import proposal_run_execute

    running = (
        ProposalRun.objects.select_for_update()
        .filter(program=program, status__in=[RunStatus.QUEUED, RunStatus.RUNNING])
        .first()
    )
    if running is not None:
        return running
    current = settings_for(program)
    values = weights or {**current.weights(), "distance_limit_km": current.distance_limit_km}
    pool.weight_profile(current, values)  # refuses impossible weights before queueing
    run = ProposalRun.objects.create(
        program=program,
        started_by=actor,
        weights=values,
        is_preview=preview,
        language=(actor.preferred_language or "en"),
    )
    audit.record(RUN_STARTED, actor=actor, target=run, data={"preview": preview})
    transaction.on_commit(lambda: proposal_run_execute.enqueue(run_id=run.pk))
    return run


def _progress_writer(run: ProposalRun):
    """Records progress at most every half second: the page polls it, the run must not wait.

    The engine reports from its scoring threads too; each writes through its own connection.
    When the run itself executes inside a transaction (the demo seeding does), that run row is
    not committed and SQLite's write lock is held, so the other threads only keep the figures
    for the owning thread's next write instead of waiting on the lock.
    """
    last = [0.0]
    # The bar only moves forward: the engine's sub-steps restart their own counts within one
    # stage of the bar (embedding after loading, candidates then scoring), which once took the
    # bar from 5 % back to 0 %. A report that would show less than what was shown is not written.
    shown = [ProposalRun.percent_for(run.stage, run.done, run.total)]
    lock = threading.Lock()
    owner = threading.get_ident()
    inside_transaction = transaction.get_connection().in_atomic_block

    def moves_forward(stage: str, done: int, total: int) -> bool:
        percent = ProposalRun.percent_for(stage, done, total)
        if percent < shown[0]:
            return False
        shown[0] = percent
        return True

    def progress(stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if threading.get_ident() != owner:
            if inside_transaction or now - last[0] < 0.5:
                return
            with lock:
                if not moves_forward(run.stage, done, total):
                    return
                last[0] = now
                run.done, run.total = done, total
                try:
                    ProposalRun.objects.filter(pk=run.pk).update(done=done, total=total)
                finally:
                    connection.close()  # pool threads end; do not leave their connections open
            return
        if stage == run.stage and now - last[0] < 0.5 and done < total:
            return
        bar_stage = "scoring" if stage in ("candidates", "scoring") else stage
        if stage == "embedding":
            bar_stage = "loading"
        if bar_stage not in ProposalRun.STAGES:
            bar_stage = "solving"
        with lock:
            if not moves_forward(bar_stage, done, total):
                return
            last[0] = now
            run.stage, run.done, run.total = bar_stage, done, total
            ProposalRun.objects.filter(pk=run.pk).update(stage=bar_stage, done=done, total=total)

    return progress


def run_execute(*, run_id: int) -> ProposalRun:
    """The work of a run: pool, engine, then draft proposals (or, for a preview, only figures)."""
    run = ProposalRun.objects.select_related("program").get(pk=run_id)
    # RUNNING too: the queue hands a task out again only when its worker died (the lease ran
    # out), and that run was left half done: its drafts are written in one transaction, so it
    # starts again from the pool. Returning here left it "running" for ever, and no other run
    # of the program could start (benchmarks/drills.py kill-proposal-run).
    if run.status not in (RunStatus.QUEUED, RunStatus.RUNNING):
        return run
    ProposalRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, stage="loading")
    progress = _progress_writer(run)
    started = time.perf_counter()
    try:
        # Field diffs of the run's writes are attributed to the person who started it.
        with override(run.language), audit.acting_as(run.started_by):
            _run(run, progress)
    except (EngineError, DeskError) as error:
        ProposalRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, error=str(error), finished_at=timezone.now()
        )
    except Exception:
        logger.exception("proposal run %s failed", run.pk)
        with override(run.language):
            message = _("The run failed because of an error in Tandem. Try again later.")
        ProposalRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, error=message, finished_at=timezone.now()
        )
    run.refresh_from_db()
    run.timings = {**run.timings, "total": round(time.perf_counter() - started, 3)}
    run.save(update_fields=["timings"])
    return run


def _run(run: ProposalRun, progress) -> None:
    program = run.program
    timings: dict[str, float] = {}
    clock = time.perf_counter()
    weights = pool.weight_profile(settings_for(program), run.weights)
    desk = pool.build_pool(program, weights=weights)
    progress("loading", 1, 2)
    # A re-run after a small change starts from the previous run's solve (kept_matchers).
    kept = kept_matchers.desk_matcher(
        desk, previous_run=kept_matchers.previous_run(run), progress=progress
    )
    matcher = kept.matcher
    timings["loading"] = time.perf_counter() - clock
    solution = matcher.solve(lang=run.language, progress=progress, explain=False)
    kept_matchers.desk_keep(run, matcher)
    if kept.is_warm:
        timings["warm_people_changed"] = kept.added + kept.removed
    for name, seconds in solution.stats.timings.items():
        if name in ("scoring", "solving"):
            timings[name] = seconds
    scores = [p.score for p in solution.proposals]
    figures = {
        "mentee_count": len(desk.pool.mentees),
        "mentor_count": len(desk.pool.mentors),
        "matched_count": len(solution.proposals),
        "mean_score": (sum(scores) / len(scores)) if scores else None,
    }
    drafts = dict(
        Proposal.objects.filter(program=program, status=ProposalStatus.DRAFT).values_list(
            "mentee_id", "mentor_id"
        )
    )
    pairs = [
        (pool.participant_id(p.mentee_id), pool.participant_id(p.mentor_id))
        for p in solution.proposals
    ]
    changed = sum(1 for mentee, mentor in pairs if drafts.get(mentee) != mentor)
    clock = time.perf_counter()
    if not run.is_preview:
        total = len(pairs)
        kept_drafts = _unchanged_drafts(program, kept, pairs)
        chosen = [
            proposal
            for proposal, pair in zip(solution.proposals, pairs, strict=True)
            if pair not in kept_drafts
        ]
        if kept.is_warm:
            timings["drafts_kept"] = len(kept_drafts)
        explained = chosen_explanation_fields(matcher, chosen, progress)
        rows = [
            {
                "program_id": program.pk,
                "run_id": run.pk,
                "mentee_id": pool.participant_id(proposal.mentee_id),
                "mentor_id": pool.participant_id(proposal.mentor_id),
                "created_by_id": run.started_by_id,
                **fields,
            }
            for proposal, fields in zip(chosen, explained, strict=True)
        ]
        with transaction.atomic():
            # Drafts nobody kept make way for the new ones; kept drafts were left out of the pool.
            # A raw delete: drafts have no dependent rows, and the run itself records what it
            # replaced; going through the ORM collector would write one audit row per draft
            # (measured: 30 s for 5,000 drafts, benchmarks/desk.py).
            replaced = _open_drafts(program)
            if kept_drafts:
                # A warm re-run rewrites only the drafts that changed; the others now belong
                # to this run (measured at 5,000 x 5,000: see docs/matching-engine.md).
                keeping = set(kept_drafts.values())
                doomed = [pk for pk in replaced.values_list("pk", flat=True) if pk not in keeping]
                for start in range(0, len(doomed), 1000):
                    gone = Proposal.objects.filter(pk__in=doomed[start : start + 1000])
                    gone._raw_delete(gone.db)
                replaced.update(run=run)
            else:
                replaced._raw_delete(replaced.db)
            insert_rows(Proposal, rows)  # COPY on PostgreSQL (tandem/core/bulk.py)
            progress("saving", total, total)
    timings["saving"] = time.perf_counter() - clock
    ProposalRun.objects.filter(pk=run.pk).update(
        status=RunStatus.DONE,
        changed_count=changed,
        finished_at=timezone.now(),
        timings={k: round(v, 3) for k, v in timings.items()},
        **figures,
    )


def _unchanged_drafts(
    program, kept: kept_matchers.DeskMatcher, pairs: list[tuple[int, int]]
) -> dict[tuple[int, int], int]:
    """Drafts of a warm re-run's previous run that it may keep as they are, by pair (mentee,
    mentor) -> draft id: the engine's, still open, chosen again, and neither person changed
    (same weights too, or the matcher would not be warm), so every stored figure and sentence
    is what writing it again would store."""
    if not kept.is_warm or kept.previous_run_id is None:
        return {}
    changed = {pool.participant_id(engine_id) for engine_id in kept.changed_ids}
    wanted = set(pairs)
    drafts = (
        _open_drafts(program)
        .filter(run_id=kept.previous_run_id, source=Source.ENGINE)
        .values_list("pk", "mentee_id", "mentor_id")
    )
    return {
        (mentee, mentor): pk
        for pk, mentee, mentor in drafts
        if (mentee, mentor) in wanted and mentee not in changed and mentor not in changed
    }


def _open_drafts(program):
    """Drafts a run replaces: neither pinned nor accepted by staff."""
    return Proposal.objects.filter(
        program=program, status=ProposalStatus.DRAFT, is_pinned=False, is_accepted=False
    )
