"""The matching desk's pages. Each view asks the access policy, calls one service or selector,
and renders; domain errors become messages, never server errors."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from tandem.accounts.http import AuthenticatedRequest
from tandem.core.access import Action, Audience, rule
from tandem.matching import charts, forms, handoff, pool, selectors, sharing
from tandem.matching.access import (
    access_desk_person,
    access_program_desk,
    access_proposal,
    access_proposal_run,
    proposals_of_person,
)
from tandem.matching.engine.model import EngineError
from tandem.matching.models import (
    PENDING_STATUSES,
    ProfileSharing,
    ProposalStatus,
    default_shared_fields,
)
from tandem.matching.services import runs
from tandem.matching.services.answers import proposal_answer, proposal_withdraw
from tandem.matching.services.base import DeskError, settings_for, settings_update
from tandem.matching.services.drafts import (
    proposal_accept,
    proposal_create_manual,
    proposal_exclude,
    proposal_pin,
    proposal_remove,
    proposal_swap,
    proposals_accept_strong,
)
from tandem.matching.services.explanations import explain_any_pair
from tandem.matching.services.profile_sharing import sharing_update
from tandem.matching.services.publishing import (
    proposals_publish,
    reasons_for_reader,
    shared_profile,
)
from tandem.programs.access import programs_managed_by


def _lang() -> str:
    return (get_language() or "en")[:2]


# --- Home: my desks, my proposals ------------------------------------------------------------


@rule(Audience.SIGNED_IN, methods=["GET", "POST"])
def home(request: AuthenticatedRequest) -> HttpResponse:
    """Staff find their programs' desks; mentors and mentees find their proposals and
    mentorships, and choose what a proposed match may see about them."""
    user = request.user
    records = list(user.participant_records.all())
    sharing_form = None
    if records:
        current = ProfileSharing.objects.filter(participant=records[0]).first()
        sharing_form = forms.SharingForm(
            request.POST or None,
            initial={"fields_shared": current.fields if current else default_shared_fields()},
        )
        if request.method == "POST" and sharing_form.is_valid():
            for record in records:
                sharing_update(
                    actor=user,
                    participant=record,
                    fields=sharing_form.cleaned_data["fields_shared"],
                )
            messages.success(request, _("Your choices were saved."))
            return redirect("matching:home")
    elif request.method == "POST":
        raise Http404
    return render(
        request,
        "matching/home.html",
        {
            "programs": programs_managed_by(user)
            .filter(is_active=True)
            .select_related("organization")
            .order_by("name_en"),
            "proposals": proposals_of_person(user)
            .select_related("program", "mentee", "mentor")
            .order_by("-published_at")[:20],
            "mentorships": handoff.current()
            .records_of_person(user)
            .select_related("program", "mentee", "mentor")
            .order_by("-confirmed_at")[:20],
            "sharing_form": sharing_form,
        },
    )


# --- The desk --------------------------------------------------------------------------------


@rule(Audience.SCOPED, objects=["program_id"])
def desk(request: AuthenticatedRequest, program_id: int) -> HttpResponse:
    program = access_program_desk(request.user, program_id)
    side = "mentor" if request.GET.get("side") == "mentor" else "mentee"
    filter_form = forms.PoolFilterForm(request.GET or None)
    filters = filter_form.cleaned_data if filter_form.is_valid() else {}
    page = selectors.pool_page(
        program=program, side=side, filters=filters, page=request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "matching/desk.html",
        {
            "program": program,
            "side": side,
            "filter_form": filter_form,
            "page": page,
            "query": query.urlencode(),
            "summary": selectors.desk_summary(program=program),
            "run": selectors.latest_run(program=program),
        },
    )


@rule(Audience.SCOPED, objects=["program_id"], methods=["POST"])
def run_start(request: AuthenticatedRequest, program_id: int) -> HttpResponse:
    program = access_program_desk(request.user, program_id)
    try:
        run = runs.run_start(actor=request.user, program=program)
    except EngineError as error:
        messages.error(request, str(error))
        return redirect("matching:desk", program_id=program.pk)
    if request.headers.get("HX-Request"):
        return render(request, "matching/_run_progress.html", {"run": run, "program": program})
    messages.success(request, _("Proposals are being computed. This page shows the progress."))
    return redirect(reverse("matching:desk", kwargs={"program_id": program.pk}) + "#run")


@rule(Audience.SCOPED, objects=["run_id"])
def run_progress(request: AuthenticatedRequest, run_id: int) -> HttpResponse:
    run = access_proposal_run(request.user, run_id)
    return render(request, "matching/_run_progress.html", {"run": run, "program": run.program})


@rule(Audience.SCOPED, objects=["program_id"], methods=["GET", "POST"])
def proposals(request: AuthenticatedRequest, program_id: int) -> HttpResponse:
    """Drafts with their actions, proposals waiting for answers, and matches to confirm."""
    program = access_program_desk(request.user, program_id)
    if request.method == "POST" and request.POST.get("action") == "accept_strong":
        count = proposals_accept_strong(actor=request.user, program=program)
        messages.success(
            request,
            ngettext(
                "%(count)d draft was accepted; weak drafts were left for you to judge.",
                "%(count)d drafts were accepted; weak drafts were left for you to judge.",
                count,
            )
            % {"count": count},
        )
        return redirect("matching:proposals", program_id=program.pk)
    if request.method == "POST":
        try:
            count = proposals_publish(actor=request.user, program=program)
        except DeskError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d proposal was published; both people were told.",
                    "%(count)d proposals were published; each person was told.",
                    count,
                )
                % {"count": count},
            )
        return redirect("matching:proposals", program_id=program.pk)
    drafts, threshold = selectors.drafts_flagged(program=program, page=request.GET.get("page"))
    return render(
        request,
        "matching/proposals.html",
        {
            "program": program,
            "summary": selectors.desk_summary(program=program),
            "drafts": drafts,
            "threshold": threshold,
            "to_recruit": selectors.mentees_to_recruit_for(program=program),
            "waiting": selectors.proposal_list(
                program=program, statuses=PENDING_STATUSES, page=request.GET.get("waiting_page")
            ),
            "run": selectors.latest_run(program=program),
            "lang": _lang(),
        },
    )


# --- One mentee: ranked candidates -----------------------------------------------------------


@rule(Audience.SCOPED, objects=["program_id", "participant_id"], methods=["GET", "POST"])
def candidates(request: AuthenticatedRequest, program_id: int, participant_id: int) -> HttpResponse:
    program = access_program_desk(request.user, program_id)
    mentee = access_desk_person(request.user, program, participant_id)
    lang = _lang()
    explain_data: Mapping[str, str] | None = request.GET if "mentor" in request.GET else None
    # The manual match form has its own ids (`manual_*`): the explain form above it on the
    # page already has `id_mentor`.
    manual_form = forms.ManualMatchForm(request.POST or None, auto_id="manual_%s")
    if request.method == "POST":
        if manual_form.is_valid():
            mentor = access_desk_person(request.user, program, manual_form.cleaned_data["mentor"])
            try:
                proposal = proposal_create_manual(
                    actor=request.user,
                    program=program,
                    mentee=mentee,
                    mentor=mentor,
                    reason=manual_form.cleaned_data["reason"],
                )
            except DeskError as error:
                manual_form.add_error(None, str(error))
            else:
                messages.success(request, _("The match was added to the drafts, accepted."))
                return redirect("matching:proposal", proposal_id=proposal.pk)
        # The page again, the refused mentor explained and the reason kept (nothing is lost).
        explain_data = {"mentor": request.POST.get("mentor", "")}
    busy = mentee.pk in pool.busy_mentee_ids(program)
    ranked, problem = [], None
    enrolment = mentee.enrolments.filter(program=program).first()
    is_mentee = enrolment is not None and enrolment.side == "mentee"
    if is_mentee and not busy and pool.is_matchable(mentee):
        desk_pool = pool.build_pool(
            program,
            weights=pool.weight_profile(settings_for(program)),
            keep_drafts=False,
        )
        if pool.engine_id(mentee.pk, "mentee") in desk_pool.pool.mentee_index:
            try:
                matcher = pool.cached_matcher(desk_pool)
                ranked = matcher.rank_candidates(
                    pool.engine_id(mentee.pk, "mentee"), k=10, lang=lang
                )
            except EngineError as error:
                problem = str(error)
    mentor_ids = [pool.participant_id(c.mentor_id) for c in ranked]
    mentors = {m.pk: m for m in pool.ready_people(program, "mentor").filter(pk__in=mentor_ids)}
    drafts = selectors.drafts_by_mentor(program=program, mentor_ids=mentor_ids)
    own_draft = (
        mentee.proposals_as_mentee.filter(program=program, status=ProposalStatus.DRAFT)
        .select_related("mentor")
        .first()
    )
    rows = []
    for candidate in ranked:
        contributions = [
            {
                "criterion": c.criterion,
                "value": c.value,
                "weight": c.weight,
                "contribution": c.contribution,
            }
            for c in candidate.explanation.contributions
        ]
        mentor_id = pool.participant_id(candidate.mentor_id)
        other_draft = drafts.get(mentor_id)
        rows.append(
            {
                "candidate": candidate,
                "mentor": mentors.get(mentor_id),
                "sentences": candidate.explanation.sentences,
                "chart": charts.breakdown(contributions),
                "contributions": contributions,
                "other_draft": other_draft
                if other_draft and other_draft.mentee_id != mentee.pk
                else None,
                "is_current": own_draft is not None and own_draft.mentor_id == mentor_id,
            }
        )
    all_mentors = list(pool.ready_people(program, "mentor"))
    explain_form = forms.ExplainForm(explain_data, mentors=all_mentors)
    explained: dict[str, Any] | None = None
    if explain_form.is_bound and explain_form.is_valid():
        mentor = next(m for m in all_mentors if m.pk == explain_form.cleaned_data["mentor"])
        try:
            explanation = explain_any_pair(program, mentee, mentor)[lang]
        except EngineError as error:
            messages.error(request, str(error))
        else:
            contributions = [
                {
                    "criterion": c.criterion,
                    "value": c.value,
                    "weight": c.weight,
                    "contribution": c.contribution,
                }
                for c in explanation.contributions
            ]
            explained = {
                "mentor": mentor,
                "explanation": explanation,
                "chart": charts.breakdown(contributions) if explanation.is_allowed else None,
                "contributions": contributions,
            }
    if manual_form.errors and explained is None:
        # Without an explained mentor the form is not on the page: say why it was refused.
        for errors in manual_form.errors.values():
            for refusal in errors:
                messages.error(request, str(refusal))
    return render(
        request,
        "matching/candidates.html",
        {
            "program": program,
            "mentee": mentee,
            "is_mentee": is_mentee,
            "busy": busy,
            "rows": rows,
            "problem": problem,
            "own_draft": own_draft,
            "explain_form": explain_form,
            "explained": explained,
            "manual_form": manual_form
            if manual_form.is_bound
            else forms.ManualMatchForm(
                auto_id="manual_%s", initial={"mentor": explained and explained["mentor"].pk}
            ),
        },
        status=400 if manual_form.is_bound else 200,
    )


# --- One proposal ----------------------------------------------------------------------------


@rule(Audience.SCOPED, objects=["proposal_id"], methods=["GET", "POST"])
def proposal(request: AuthenticatedRequest, proposal_id: int) -> HttpResponse:
    """Staff see the whole pair and its actions; the mentor and the mentee see the other's
    shared profile, the reasons, and answer."""
    answer = access_proposal(request.user, proposal_id)
    found, side, is_staff = answer.proposal, answer.side, answer.can_manage
    lang = _lang()
    answer_form = None
    if side is not None and found.status == ProposalStatus.PUBLISHED and not found.answer_of(side):
        answer_form = forms.AnswerForm(request.POST or None)
        if request.method == "POST" and answer_form.is_valid():
            try:
                proposal_answer(
                    actor=request.user,
                    proposal=found,
                    answer=answer_form.cleaned_data["answer"],
                    reason=answer_form.cleaned_data["reason"],
                )
            except DeskError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("Thank you, your answer was recorded."))
            return redirect("matching:proposal", proposal_id=found.pk)
    elif request.method == "POST":
        raise Http404
    other = None
    if side == "mentee":
        other = found.mentor
    elif side == "mentor":
        other = found.mentee
    return render(
        request,
        "matching/proposal.html",
        {
            "proposal": found,
            "program": found.program,
            "is_staff": is_staff,
            "side": side,
            "other": other,
            "shared": shared_profile(other) if other is not None else [],
            # Staff read every reason; the pair only those about what the other shared,
            # the mentor's worded to him.
            "sentences": found.sentences.get(lang, [])
            if is_staff
            else reasons_for_reader(
                sharing.pair_sentences(found, side=side, lang=lang), reader=side, lang=lang
            )
            if side
            else [],
            "rule_sentences": found.rule_sentences.get(lang, []) if is_staff else [],
            "chart": charts.breakdown(found.contributions) if found.contributions else None,
            "answer_form": answer_form,
            "reason_form": forms.ReasonForm(),
            "mentorship": getattr(found, "mentorship", None) if is_staff or side else None,
        },
    )


STAFF_ACTIONS = {"accept", "unaccept", "pin", "unpin", "remove", "exclude", "swap", "withdraw"}


@rule(Audience.SCOPED, objects=["proposal_id"], methods=["POST"])
def proposal_edit(request: AuthenticatedRequest, proposal_id: int) -> HttpResponse:
    found = access_proposal(request.user, proposal_id, action=Action.MANAGE).proposal
    action = request.POST.get("action")
    if action not in STAFF_ACTIONS:
        raise Http404
    back = request.POST.get("next") or ""
    if not back.startswith("/") or back.startswith("//"):
        back = reverse("matching:proposal", args=[found.pk])
    user = request.user
    try:
        if action in ("accept", "unaccept"):
            proposal_accept(actor=user, proposal=found, accepted=action == "accept")
        elif action in ("pin", "unpin"):
            proposal_pin(actor=user, proposal=found, pinned=action == "pin")
        elif action == "remove":
            proposal_remove(actor=user, proposal=found)
            messages.success(request, _("The draft was removed; the mentee is back in the pool."))
            return redirect("matching:proposals", program_id=found.program_id)
        elif action == "exclude":
            proposal_exclude(actor=user, proposal=found, note=request.POST.get("reason", "")[:300])
            messages.success(request, _("This pair will not be proposed again."))
            return redirect("matching:proposals", program_id=found.program_id)
        elif action == "swap":
            other_id = request.POST.get("other", "")
            other = access_proposal(
                user, int(other_id) if other_id.isdigit() else 0, action=Action.MANAGE
            ).proposal
            proposal_swap(
                actor=user, proposal=found, other=other, reason=request.POST.get("reason", "")
            )
            messages.success(request, _("The two mentees exchanged their mentors."))
        elif action == "withdraw":
            proposal_withdraw(actor=user, proposal=found, reason=request.POST.get("reason", ""))
            messages.success(request, _("The proposal was withdrawn; both people were told."))
    except DeskError as error:
        messages.error(request, str(error))
    return redirect(back)


@rule(Audience.SCOPED, objects=["proposal_id"], methods=["POST"])
def proposal_confirm(request: AuthenticatedRequest, proposal_id: int) -> HttpResponse:
    found = access_proposal(request.user, proposal_id, action=Action.MANAGE).proposal
    next_step = handoff.current()  # registered by mentorships: matching does not import it
    try:
        record = next_step.confirm(actor=request.user, proposal=found)
    except next_step.error as error:
        messages.error(request, str(error))
        return redirect("matching:proposal", proposal_id=found.pk)
    messages.success(request, _("The match is confirmed. Schedule the introduction meeting next."))
    return redirect(next_step.detail_url(record))


# --- Settings and weights ---------------------------------------------------------------------


@rule(Audience.SCOPED, objects=["program_id"], methods=["GET", "POST"])
def program_settings(request: AuthenticatedRequest, program_id: int) -> HttpResponse:
    program = access_program_desk(request.user, program_id)
    current = settings_for(program)
    form = forms.WeightsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        if request.POST.get("action") == "preview":
            try:
                runs.run_start(
                    actor=request.user,
                    program=program,
                    weights=form.engine_weights(),
                    preview=True,
                )
            except EngineError as error:
                messages.error(request, str(error))
            else:
                messages.success(
                    request,
                    _("The preview is being computed with these weights; nothing is saved yet."),
                )
            preview = selectors.latest_run(program=program, preview=True)
            return render(
                request,
                "matching/settings.html",
                {
                    "program": program,
                    "form": form,
                    "preview": preview,
                    "last": selectors.latest_run(program=program),
                },
            )
        fields = {name: form.cleaned_data[name] for name in form.fields}
        settings_update(actor=request.user, program=program, **fields)
        messages.success(request, _("The matching settings were saved."))
        return redirect("matching:settings", program_id=program.pk)
    return render(
        request,
        "matching/settings.html",
        {
            "program": program,
            "form": form,
            "preview": selectors.latest_run(program=program, preview=True),
            "last": selectors.latest_run(program=program),
        },
    )
