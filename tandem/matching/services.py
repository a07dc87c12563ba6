"""Writes of the matching desk: runs, draft edits, publication, answers and confirmation.

Every function takes the acting person (`actor=`), runs in a transaction and raises `DeskError`
with a translated message when a rule of the desk is broken. Changes to proposals, exclusions
and settings are recorded by the audit log; bulk writes of a run are recorded by the run itself.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from tandem.accounts.models import User
from tandem.core import audit
from tandem.matching import notify, pool
from tandem.matching.engine.api import Matcher
from tandem.matching.engine.model import EngineError, PairExplanation
from tandem.matching.models import (
    Answer,
    Exclusion,
    MatchingSettings,
    ProfileSharing,
    Proposal,
    ProposalRun,
    ProposalStatus,
    RunStatus,
    Source,
)
from tandem.participants.models import Participant

logger = logging.getLogger(__name__)

RUN_STARTED = audit.event("run.started", gettext_lazy("Matching run started"))
PROPOSAL_ACCEPTED = audit.event("proposal.accepted", gettext_lazy("Draft proposal approved"))
PROPOSAL_UNACCEPTED = audit.event(
    "proposal.unaccepted", gettext_lazy("Draft proposal approval removed")
)
PROPOSAL_PINNED = audit.event("proposal.pinned", gettext_lazy("Draft proposal kept for re-runs"))
PROPOSAL_UNPINNED = audit.event("proposal.unpinned", gettext_lazy("Draft proposal no longer kept"))
PROPOSAL_REMOVED = audit.event("proposal.removed", gettext_lazy("Draft proposal removed"))
PAIR_EXCLUDED = audit.event("pair.excluded", gettext_lazy("Pair ruled out"))
PROPOSAL_SWAPPED = audit.event("proposal.swapped", gettext_lazy("Mentors exchanged between drafts"))
PROPOSAL_MANUAL = audit.event("proposal.created_manually", gettext_lazy("Pair chosen by staff"))
PROPOSAL_PUBLISHED = audit.event("proposal.published", gettext_lazy("Proposal sent to both people"))
PROPOSAL_ANSWERED = audit.event("proposal.answered", gettext_lazy("Proposal answered"))
PROPOSAL_WITHDRAWN = audit.event("proposal.withdrawn", gettext_lazy("Proposal withdrawn"))
PROPOSAL_EXPIRED = audit.event("proposal.expired", gettext_lazy("Proposal expired without answers"))
PROPOSAL_REMINDED = audit.event("proposal.reminded", gettext_lazy("Reminder sent about a proposal"))
SHARING_UPDATED = audit.event("sharing.updated", gettext_lazy("Profile sharing choices changed"))
LANGUAGES = ("en", "fr")


class DeskError(Exception):
    """A rule of the matching desk was broken; the message is translated for the person."""


# --- Settings --------------------------------------------------------------------------------


def settings_for(program) -> MatchingSettings:
    found, _created = MatchingSettings.objects.get_or_create(program=program)
    return found


@transaction.atomic
def settings_update(*, actor: User, program, **fields: Any) -> MatchingSettings:
    current = settings_for(program)
    for name, value in fields.items():
        setattr(current, name, value)
    current.updated_by = actor
    current.save()
    return current


# --- Explanations ----------------------------------------------------------------------------


def explanation_fields(explanations: dict[str, PairExplanation]) -> dict[str, Any]:
    """What a proposal keeps of the engine's explanation, in both languages."""
    first = explanations["en"]
    return {
        "score": first.score,
        # Each criterion's sentence apart, so that the pair can be shown only those about
        # fields the other person shared (sharing.pair_sentences).
        "contributions": [
            {
                "criterion": c.criterion,
                "value": round(c.value, 4),
                "weight": round(c.weight, 4),
                "contribution": round(c.contribution, 4),
                "sentences": {
                    lang: e.contributions[k].sentence
                    for lang, e in explanations.items()
                    if e.is_allowed and k < len(e.contributions)
                },
            }
            for k, c in enumerate(first.contributions)
        ],
        "sentences": {
            lang: list(e.sentences) if e.is_allowed else [] for lang, e in explanations.items()
        },
        "broken_rules": [str(rule) for rule in first.broken_rules],
        "rule_sentences": {lang: list(e.rule_sentences) for lang, e in explanations.items()},
    }


def explain(matcher: Matcher, mentee_id: int, mentor_id: int) -> dict[str, PairExplanation]:
    return {
        lang: matcher.explain_pair(
            pool.engine_id(mentee_id, "mentee"), pool.engine_id(mentor_id, "mentor"), lang=lang
        )
        for lang in LANGUAGES
    }


def explain_any_pair(
    program, mentee: Participant, mentor: Participant
) -> dict[str, PairExplanation]:
    """The engine's explanation of one pair, whether or not both are in the pool now (a full
    mentor, a pair staff kept): a two-person pool scores a pair exactly as the whole pool does."""
    weights = pool.weight_profile(settings_for(program))
    two = pool.engine.Pool(
        (pool.to_engine(mentee, side="mentee"),), (pool.to_engine(mentor, side="mentor"),)
    )
    excluded = Exclusion.objects.filter(program=program, mentee=mentee, mentor=mentor).exists()
    desk = pool.DeskPool(
        program,
        weights,
        two,
        {mentee.pk: mentee, mentor.pk: mentor},
        [(pool.engine_id(mentee.pk, "mentee"), pool.engine_id(mentor.pk, "mentor"))]
        if excluded
        else [],
    )
    return explain(pool.make_matcher(desk), mentee.pk, mentor.pk)


# --- Runs ------------------------------------------------------------------------------------


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
    if run.status != RunStatus.QUEUED:
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
    matcher = pool.make_matcher(desk, progress=progress)
    timings["loading"] = time.perf_counter() - clock
    solution = matcher.solve(lang=run.language, progress=progress, explain=False)
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
        rows = []
        for position, (mentee, mentor) in enumerate(pairs):
            rows.append(
                Proposal(
                    program=program,
                    run=run,
                    mentee_id=mentee,
                    mentor_id=mentor,
                    created_by=run.started_by,
                    **explanation_fields(explain(matcher, mentee, mentor)),
                )
            )
            if position % 250 == 0:
                progress("saving", position, total)
        with transaction.atomic():
            # Drafts nobody kept make way for the new ones; kept drafts were left out of the pool.
            # A raw delete: drafts have no dependent rows, and the run itself records what it
            # replaced; going through the ORM collector would write one audit row per draft
            # (measured: 30 s for 5,000 drafts, benchmarks/desk.py).
            replaced = Proposal.objects.filter(
                program=program,
                status=ProposalStatus.DRAFT,
                is_pinned=False,
                is_accepted=False,
            )
            replaced._raw_delete(replaced.db)
            Proposal.objects.bulk_create(rows, batch_size=1000)
            progress("saving", total, total)
    timings["saving"] = time.perf_counter() - clock
    ProposalRun.objects.filter(pk=run.pk).update(
        status=RunStatus.DONE,
        changed_count=changed,
        finished_at=timezone.now(),
        timings={k: round(v, 3) for k, v in timings.items()},
        **figures,
    )


# --- Draft edits -----------------------------------------------------------------------------


def _draft(proposal: Proposal) -> Proposal:
    locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if locked.status != ProposalStatus.DRAFT:
        raise DeskError(_("This proposal is no longer a draft."))
    return locked


@transaction.atomic
def proposal_accept(*, actor: User, proposal: Proposal, accepted: bool = True) -> Proposal:
    """Staff approve a draft for publication; an approved draft is also kept on re-runs."""
    proposal = _draft(proposal)
    proposal.is_accepted = accepted
    proposal.is_pinned = proposal.is_pinned or accepted
    proposal.save(update_fields=["is_accepted", "is_pinned"])
    _record_draft(PROPOSAL_ACCEPTED if accepted else PROPOSAL_UNACCEPTED, actor, proposal)
    return proposal


def _record_draft(name: str, actor: Any, proposal: Proposal, **data: Any) -> None:
    audit.record(
        name,
        actor=actor,
        target=proposal,
        about=[proposal.mentee, proposal.mentor],
        data={"mentee": proposal.mentee_id, "mentor": proposal.mentor_id, **data},
    )


@transaction.atomic
def proposal_pin(*, actor: User, proposal: Proposal, pinned: bool) -> Proposal:
    proposal = _draft(proposal)
    proposal.is_pinned = pinned
    if not pinned:
        proposal.is_accepted = False
    proposal.save(update_fields=["is_pinned", "is_accepted"])
    _record_draft(PROPOSAL_PINNED if pinned else PROPOSAL_UNPINNED, actor, proposal)
    return proposal


@transaction.atomic
def proposal_remove(*, actor: User, proposal: Proposal) -> None:
    draft = _draft(proposal)
    _record_draft(PROPOSAL_REMOVED, actor, draft)
    draft.delete()


@transaction.atomic
def proposal_exclude(*, actor: User, proposal: Proposal, note: str = "") -> Exclusion:
    """Removes the draft and rules the pair out of every later run of the program."""
    proposal = _draft(proposal)
    exclusion, _created = Exclusion.objects.get_or_create(
        program_id=proposal.program_id,
        mentee_id=proposal.mentee_id,
        mentor_id=proposal.mentor_id,
        defaults={"created_by": actor, "note": note},
    )
    audit.record(
        PAIR_EXCLUDED,
        actor=actor,
        target=exclusion,
        about=[proposal.mentee, proposal.mentor],
        data={"proposal": proposal.pk},
    )
    proposal.delete()
    return exclusion


def _needs_reason(explanations: dict[str, PairExplanation], reason: str) -> None:
    if not explanations["en"].is_allowed and not reason.strip():
        raise DeskError(
            _("This pair breaks a rule of the program: %(rules)s Write why you make it anyway.")
            % {"rules": " ".join(_rule_sentences(explanations))}
        )


def _rule_sentences(explanations: dict[str, PairExplanation]) -> tuple[str, ...]:
    from django.utils.translation import get_language

    lang = (get_language() or "en")[:2]
    return explanations.get(lang, explanations["en"]).rule_sentences


@transaction.atomic
def proposal_swap(*, actor: User, proposal: Proposal, other: Proposal, reason: str = "") -> None:
    """Two drafts exchange their mentors."""
    first, second = _draft(proposal), _draft(other)
    if first.program_id != second.program_id or first.pk == second.pk:
        raise DeskError(_("Choose another draft of the same program."))
    program = first.program
    new_first = explain_any_pair(program, first.mentee, second.mentor)
    new_second = explain_any_pair(program, second.mentee, first.mentor)
    _needs_reason(new_first, reason)
    _needs_reason(new_second, reason)
    for row, mentor, explanations in (
        (first, second.mentor, new_first),
        (second, first.mentor, new_second),
    ):
        row.mentor = mentor
        row.source = Source.MANUAL
        row.reason = reason if not explanations["en"].is_allowed else row.reason
        for name, value in explanation_fields(explanations).items():
            setattr(row, name, value)
        row.save()
        _record_draft(PROPOSAL_SWAPPED, actor, row, reason=reason.strip())


@transaction.atomic
def _check_in_pool(program, *people: Participant) -> None:
    """Only people the program took in and who are ready are proposed: a client whose referral
    was returned must never receive a proposal."""
    for person in people:
        if not pool.is_in_pool(program, person):
            raise DeskError(
                _("%(name)s is not in the program's pool (not taken in, or not ready).")
                % {"name": person.full_name}
            )


@transaction.atomic  # replaces the mentee's draft: both writes or neither
def proposal_create_manual(
    *, actor: User, program, mentee: Participant, mentor: Participant, reason: str = ""
) -> Proposal:
    """A pair staff choose themselves. A pair that breaks a hard rule needs a written reason,
    which is kept with the proposal. It replaces the mentee's draft, if any."""
    _check_in_pool(program, mentee, mentor)
    if mentee.pk in pool.busy_mentee_ids(program):
        raise DeskError(_("This mentee is already waiting for answers or in a mentorship."))
    room = mentor.capacity - pool.mentor_load([mentor.pk]).get(mentor.pk, 0)
    if room <= 0:
        raise DeskError(_("This mentor has no room left for another mentee."))
    explanations = explain_any_pair(program, mentee, mentor)
    _needs_reason(explanations, reason)
    Proposal.objects.filter(program=program, mentee=mentee, status=ProposalStatus.DRAFT).delete()
    created = Proposal.objects.create(
        program=program,
        mentee=mentee,
        mentor=mentor,
        source=Source.MANUAL,
        reason=reason.strip(),
        is_accepted=True,
        is_pinned=True,
        created_by=actor,
        **explanation_fields(explanations),
    )
    _record_draft(PROPOSAL_MANUAL, actor, created, reason=reason.strip())
    return created


# --- Publication and answers -----------------------------------------------------------------


def shared_profile(person: Participant) -> list[tuple[str, str]]:
    """The parts of `person`'s profile they agreed to show, as (label, value), in the active
    language; nothing else about them is ever sent to the other person."""
    from tandem.matching.models import SharedField, default_shared_fields

    sharing = ProfileSharing.objects.filter(participant=person).first()
    fields = sharing.fields if sharing else default_shared_fields()
    rows: list[tuple[str, str]] = []
    labels = {
        SharedField.GIVEN_NAME: _("Given name"),
        SharedField.OCCUPATION: _("Occupation"),
        SharedField.LANGUAGES: _("Languages"),
        SharedField.AREA: _("Area"),
        SharedField.EMPLOYER: _("Employer"),
        SharedField.EXPERIENCE: _("Years of experience"),
        SharedField.GOALS: _("Career goals"),
    }
    values = {
        SharedField.GIVEN_NAME: person.given_name,
        SharedField.OCCUPATION: str(person.occupation.title) if person.occupation_id else "",
        SharedField.LANGUAGES: ", ".join(language_name(c) for c in person.language_codes),
        SharedField.AREA: (person.postal_code or "")[:3].upper(),
        SharedField.EMPLOYER: person.employer,
        SharedField.EXPERIENCE: ""
        if person.years_experience is None
        else str(person.years_experience),
        SharedField.GOALS: person.goals,
    }
    for name in SharedField:
        if name in fields and values[name]:
            rows.append((str(labels[name]), str(values[name])))
    return rows


def language_name(code: str) -> str:
    """The language's name in the active language (`fr` gives "French" or "français")."""
    from django.utils.translation import get_language_info

    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


def _reason_sentences(proposal: Proposal, *, reader: str = "mentee") -> list[str]:
    from django.utils.translation import get_language

    lang = (get_language() or "en")[:2]
    sentences = list(proposal.sentences.get(lang, [])) or list(
        proposal.rule_sentences.get(lang, [])
    )
    return reasons_for_reader(sentences, reader=reader, lang=lang)


def reasons_for_reader(sentences: list[str], *, reader: str | None, lang: str) -> list[str]:
    """The engine's reasons as `reader` ("mentee", "mentor" or None for staff) reads them.

    The engine writes its reasons about "the mentor" for staff; shown to the mentor himself, "The
    mentor speaks French" reads as if about someone else, so those sentences speak to him.
    """
    from tandem.matching.engine.i18n import gettext_for

    if reader != "mentor":
        return list(sentences)
    engine = gettext_for(lang)
    to_mentor = {
        engine("The mentor speaks French"): _("You speak French, the language this person prefers"),
        engine("The mentor speaks English"): _(
            "You speak English, the language this person prefers"
        ),
    }
    return [to_mentor.get(sentence, sentence) for sentence in sentences]


@transaction.atomic
def proposals_publish(*, actor: User, program, proposal_ids: list[int] | None = None) -> int:
    """Publishes the drafts staff accepted (or the ones named): each person is told in their
    own language, with the other's shared profile and the reason in plain words."""
    from tandem.matching.tasks import proposal_follow_up

    drafts = Proposal.objects.select_for_update().filter(
        program=program, status=ProposalStatus.DRAFT
    )
    drafts = (
        drafts.filter(pk__in=proposal_ids)
        if proposal_ids is not None
        else drafts.filter(is_accepted=True)
    )
    drafts = list(
        drafts.select_related("mentee", "mentor", "mentee__occupation", "mentor__occupation")
    )
    if not drafts:
        raise DeskError(
            _("No accepted draft to publish. Accept the drafts you want to send first.")
        )
    for proposal in drafts:
        _check_in_pool(program, proposal.mentee, proposal.mentor)
    current = settings_for(program)
    now = timezone.now()
    load = pool.mentor_load([p.mentor_id for p in drafts])
    for proposal in drafts:
        load[proposal.mentor_id] = load.get(proposal.mentor_id, 0) + 1
        if load[proposal.mentor_id] > proposal.mentor.capacity:
            raise DeskError(
                _("%(mentor)s would have more proposals than places. Remove one first.")
                % {"mentor": proposal.mentor.full_name}
            )
    for proposal in drafts:
        proposal.status = ProposalStatus.PUBLISHED
        proposal.published_at = now
        proposal.published_by = actor
        proposal.expires_at = now + timedelta(days=current.expire_after_days)
        proposal.save(update_fields=["status", "published_at", "published_by", "expires_at"])
        _record_draft(PROPOSAL_PUBLISHED, actor, proposal)
        _tell_both_published(proposal)
        reminder_at = now + timedelta(days=current.reminder_after_days)
        pk = proposal.pk
        expires_at = proposal.expires_at
        transaction.on_commit(
            lambda pk=pk, at=reminder_at: proposal_follow_up.using(run_after=at).enqueue(
                proposal_id=pk
            )
        )
        transaction.on_commit(
            lambda pk=pk, at=expires_at: proposal_follow_up.using(run_after=at).enqueue(
                proposal_id=pk
            )
        )
    return len(drafts)


def _tell_both_published(proposal: Proposal) -> None:
    program = proposal.program
    for person, other in ((proposal.mentee, proposal.mentor), (proposal.mentor, proposal.mentee)):

        def write(person=person, other=other) -> dict[str, Any]:
            if other.pk == proposal.mentor_id:
                opening = _(
                    "The staff of %(program)s propose that you work with a mentor. Here is "
                    "what this person agreed to share with you."
                )
            else:
                opening = _(
                    "The staff of %(program)s propose that you mentor a job-seeker. Here is "
                    "what this person agreed to share with you."
                )
            from tandem.matching.sharing import pair_sentences

            side = "mentor" if other.pk == proposal.mentee_id else "mentee"
            reasons = reasons_for_reader(
                pair_sentences(proposal, side=side, lang=person.preferred_language),
                reader=side,
                lang=person.preferred_language,
            )
            return {
                "subject": _("A proposed match in %(program)s") % {"program": program.name},
                "paragraphs": [
                    opening % {"program": program.name},
                    *(
                        [
                            _("Why we propose this match: %(reasons)s")
                            % {"reasons": "; ".join(reasons)}
                        ]
                        if reasons
                        else []
                    ),
                    _(
                        "Please accept or decline by %(date)s. If you decline, tell us why so we can find a better match."
                    )
                    % {"date": _date(proposal.expires_at)},
                ],
                "facts": shared_profile(other),
                "link": notify.absolute("matching:proposal", proposal_id=proposal.pk),
                "link_label": _("Review the proposal"),
            }

        notify.notify(
            email=person.email,
            language=person.preferred_language,
            name=person.given_name,
            write=write,
        )


def _date(moment) -> str:
    from tandem.core import dates

    return dates.day(moment)


def side_of_user(proposal: Proposal, user: User) -> str | None:
    if proposal.mentee.user_id == user.pk:
        return "mentee"
    if proposal.mentor.user_id == user.pk:
        return "mentor"
    return None


@transaction.atomic
def proposal_answer(
    *,
    actor: User,
    proposal: Proposal,
    answer: str,
    reason: str = "",
    on_behalf_of: str | None = None,
) -> Proposal:
    """The mentee or the mentor accepts or declines. A decline (with its reason) closes the
    proposal, returns both to the pool and tells staff; two acceptances tell staff to confirm.

    `on_behalf_of` ("mentee" or "mentor"): staff record the answer the person gave them
    (tandem/meetings/behalf.py checks that the actor runs the program and keeps the note)."""
    proposal = (
        Proposal.objects.select_for_update()
        .select_related("program", "mentee", "mentor")
        .get(pk=proposal.pk)
    )
    side = on_behalf_of or side_of_user(proposal, actor)
    if side is None:
        raise DeskError(_("Only the two people proposed can answer."))
    if proposal.status != ProposalStatus.PUBLISHED:
        raise DeskError(_("This proposal no longer waits for an answer."))
    if proposal.answer_of(side):
        raise DeskError(_("You already answered this proposal."))
    if answer == Answer.DECLINED and not reason.strip():
        raise DeskError(_("Tell us why you decline, so that staff can find a better match."))
    now = timezone.now()
    setattr(proposal, f"{side}_answer", answer)
    setattr(proposal, f"{side}_answered_at", now)
    setattr(proposal, f"{side}_reason", reason.strip())
    program = proposal.program
    if answer == Answer.DECLINED:
        proposal.status = ProposalStatus.DECLINED
        proposal.closed_at = now
        who = proposal.mentee if side == "mentee" else proposal.mentor

        def to_staff() -> dict[str, Any]:
            return {
                "subject": _("A proposed match was declined"),
                "paragraphs": [
                    _("%(person)s declined the match with %(other)s. Both are back in the pool.")
                    % {
                        "person": who.full_name,
                        "other": (
                            proposal.mentor if side == "mentee" else proposal.mentee
                        ).full_name,
                    },
                    _("Their reason: %(reason)s") % {"reason": reason.strip()},
                ],
                "link": notify.absolute("matching:desk", program_id=program.pk),
                "link_label": _("Open the matching desk"),
            }

        notify.notify_staff(program, to_staff)
        other = proposal.mentor if side == "mentee" else proposal.mentee

        def to_other(person) -> dict[str, Any]:
            return {
                "subject": _("The proposed match will not go ahead"),
                "paragraphs": [
                    _(
                        "The match we proposed in %(program)s will not go ahead. You stay in "
                        "the program and staff will propose another match."
                    )
                    % {"program": program.name}
                ],
            }

        notify.notify_people([other], to_other)
    elif proposal.mentee_answer == Answer.ACCEPTED and proposal.mentor_answer == Answer.ACCEPTED:
        proposal.status = ProposalStatus.ACCEPTED

        def both() -> dict[str, Any]:
            return {
                "subject": _("Both people accepted a match"),
                "paragraphs": [
                    _(
                        "%(mentee)s and %(mentor)s both accepted the match. Confirm it and "
                        "schedule the introduction meeting."
                    )
                    % {"mentee": proposal.mentee.full_name, "mentor": proposal.mentor.full_name}
                ],
                "link": notify.absolute("matching:proposal", proposal_id=proposal.pk),
                "link_label": _("Confirm the match"),
            }

        notify.notify_staff(program, both)
    proposal.save()
    _record_draft(PROPOSAL_ANSWERED, actor, proposal, side=side, answer=answer)
    return proposal


@transaction.atomic
def proposal_withdraw(*, actor: User, proposal: Proposal, reason: str) -> Proposal:
    proposal = Proposal.objects.select_for_update().select_related("program").get(pk=proposal.pk)
    if proposal.status not in (ProposalStatus.PUBLISHED, ProposalStatus.ACCEPTED):
        raise DeskError(_("Only a proposal waiting for answers or confirmation can be withdrawn."))
    if not reason.strip():
        raise DeskError(_("Write why the proposal is withdrawn."))
    proposal.status = ProposalStatus.WITHDRAWN
    proposal.reason = (proposal.reason + "\n" if proposal.reason else "") + reason.strip()
    proposal.closed_at = timezone.now()
    proposal.save(update_fields=["status", "reason", "closed_at"])
    _record_draft(PROPOSAL_WITHDRAWN, actor, proposal, reason=reason.strip())
    program = proposal.program

    def write(person) -> dict[str, Any]:
        return {
            "subject": _("The proposed match will not go ahead"),
            "paragraphs": [
                _(
                    "The match we proposed in %(program)s will not go ahead. You stay in "
                    "the program and staff will propose another match."
                )
                % {"program": program.name}
            ],
        }

    notify.notify_people([proposal.mentee, proposal.mentor], write)
    return proposal


@transaction.atomic
def proposal_follow_up(*, proposal_id: int, now=None) -> str:
    """A reminder once the reminder delay has passed, expiry once the deadline has. Idempotent:
    safe to run from the scheduled tasks and from the daily sweep alike."""
    now = now or timezone.now()
    proposal = (
        Proposal.objects.select_for_update()
        .select_related("program", "mentee", "mentor")
        .filter(pk=proposal_id)
        .first()
    )
    if proposal is None or proposal.status != ProposalStatus.PUBLISHED:
        return "closed"
    program = proposal.program
    current = settings_for(program)
    waiting = [
        person
        for side, person in (("mentee", proposal.mentee), ("mentor", proposal.mentor))
        if not proposal.answer_of(side)
    ]
    if proposal.expires_at and now >= proposal.expires_at:
        proposal.status = ProposalStatus.EXPIRED
        proposal.closed_at = now
        proposal.save(update_fields=["status", "closed_at"])
        _record_draft(PROPOSAL_EXPIRED, audit.SWEEPS, proposal)

        def to_person(person) -> dict[str, Any]:
            return {
                "subject": _("The proposed match has expired"),
                "paragraphs": [
                    _(
                        "The match we proposed in %(program)s expired because it was not "
                        "answered in time. You stay in the program and staff will be in touch."
                    )
                    % {"program": program.name}
                ],
            }

        notify.notify_people([proposal.mentee, proposal.mentor], to_person)

        def to_staff() -> dict[str, Any]:
            return {
                "subject": _("A proposed match expired"),
                "paragraphs": [
                    _("The match of %(mentee)s with %(mentor)s expired without an answer.")
                    % {"mentee": proposal.mentee.full_name, "mentor": proposal.mentor.full_name}
                ],
                "link": notify.absolute("matching:desk", program_id=program.pk),
                "link_label": _("Open the matching desk"),
            }

        notify.notify_staff(program, to_staff)
        return "expired"
    due = proposal.published_at and now >= proposal.published_at + timedelta(
        days=current.reminder_after_days
    )
    if due and proposal.reminded_at is None and waiting:
        proposal.reminded_at = now
        proposal.save(update_fields=["reminded_at"])
        _record_draft(PROPOSAL_REMINDED, audit.SWEEPS, proposal)

        def remind(person) -> dict[str, Any]:
            return {
                "subject": _("Reminder: a proposed match waits for your answer"),
                "paragraphs": [
                    _("Please accept or decline the match proposed in %(program)s by %(date)s.")
                    % {
                        "program": program.name,
                        "date": _date(proposal.expires_at),
                    }
                ],
                "link": notify.absolute("matching:proposal", proposal_id=proposal.pk),
                "link_label": _("Review the proposal"),
            }

        notify.notify_people(waiting, remind)
        return "reminded"
    return "waiting"


def proposals_sweep(*, now=None) -> dict[str, int]:
    """Reminders and expiries for every proposal waiting for answers (a daily safety net)."""
    counts: dict[str, int] = {}
    ids = Proposal.objects.filter(status=ProposalStatus.PUBLISHED).values_list("pk", flat=True)
    for pk in list(ids):
        outcome = proposal_follow_up(proposal_id=pk, now=now)
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


# --- Sharing -------------------------------------------------------------------------------


@transaction.atomic
def sharing_update(*, actor: User, participant: Participant, fields: list[str]) -> ProfileSharing:
    sharing, _created = ProfileSharing.objects.get_or_create(participant=participant)
    sharing.fields = sorted(set(fields))
    sharing.save(update_fields=["fields", "updated_at"])
    audit.record(
        SHARING_UPDATED,
        actor=actor,
        target=sharing,
        about=[participant],
        data={"fields": sharing.fields},
    )
    return sharing
