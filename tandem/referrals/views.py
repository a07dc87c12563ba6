from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tandem.accounts.http import AuthenticatedRequest
from tandem.core.access import Action, Audience, rule
from tandem.participants.access import access_participant
from tandem.programs import eligibility
from tandem.programs.access import access_public_program
from tandem.referrals import forms, selectors, services
from tandem.referrals.access import access_referral
from tandem.referrals.models import ApplicationKind, ReferralStatus

# Fifty rows a page: the rows' rendering was half of the list's server time at 100 (issue 18).
PER_PAGE = 50


def _referring_participant(user, participant_id: int):
    """A client record the person may refer: held by an organization where they refer."""
    return access_participant(user, participant_id, action=Action.REFER).participant


@rule(Audience.SIGNED_IN)
def referral_list(request: AuthenticatedRequest) -> HttpResponse:
    status = request.GET.get("status")
    status = status if status in ReferralStatus.values else None
    referrals = selectors.referral_list(user=request.user, status=status)
    program = request.GET.get("program", "")
    if program.isdigit():
        referrals = referrals.filter(program_id=int(program))
    page = Paginator(referrals, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "referrals/list.html",
        {
            "referrals": page,
            "page": page,
            "status": status,
            "statuses": ReferralStatus.choices,
            "program": program if program.isdigit() else "",
        },
    )


@rule(Audience.SCOPED, objects=["participant_id"])
def participant_eligibility(request: AuthenticatedRequest, participant_id: int) -> HttpResponse:
    participant = _referring_participant(request.user, participant_id)
    return render(
        request,
        "referrals/eligibility.html",
        {
            "participant": participant,
            "overview": selectors.eligibility_overview(user=request.user, participant=participant),
        },
    )


@rule(Audience.SCOPED, objects=["participant_id", "program_id"], methods=["GET", "POST"])
def referral_create(
    request: AuthenticatedRequest, participant_id: int, program_id: int
) -> HttpResponse:
    participant = _referring_participant(request.user, participant_id)
    overview = {
        item.program.pk: item
        for item in selectors.eligibility_overview(user=request.user, participant=participant)
    }
    if program_id not in overview:
        raise Http404
    item = overview[program_id]
    criteria = [r.criterion for r in item.results]
    form = forms.ReferralForm(request.POST or None, criteria=criteria)
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.referral_submit(
                actor=request.user,
                participant=participant,
                program=item.program,
                note=form.cleaned_data["note"],
                answers=form.answers(),
                has_consent=form.cleaned_data["has_consent"],
            )
        except services.ReferralError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The referral was sent. You will hear back by e-mail."))
            return redirect("referrals:detail", referral_id=referral.pk)
    return render(
        request,
        "referrals/form.html",
        {"participant": participant, "item": item, "form": form, "referral": None},
    )


@rule(Audience.SCOPED, objects=["referral_id"])
def referral_detail(request: AuthenticatedRequest, referral_id: int) -> HttpResponse:
    found = access_referral(request.user, referral_id)
    referral = found.referral
    version = services.referral_criteria(referral)
    results = eligibility.evaluate(version.criteria.all(), referral.participant, referral.answers)
    context = {
        "referral": referral,
        "results": results,
        "version": version,
        "decisions": selectors.referral_decisions(referral=referral),
        "can_decide": found.can_decide and referral.status == ReferralStatus.SUBMITTED,
        "can_resubmit": referral.status == ReferralStatus.RETURNED and found.is_referring_side,
        "can_withdraw": referral.status == ReferralStatus.SUBMITTED and found.is_referring_side,
        "can_open_record": found.can_open_record,
        "enrolment": referral.participant.enrolments.filter(program=referral.program).first(),
    }
    if context["can_decide"]:
        context["decision_form"] = forms.DecisionForm(
            version=version,
            initial={
                "unmet_criteria": [
                    r.criterion.pk for r in results if r.outcome == eligibility.Outcome.NOT_MET
                ]
            },
        )
    return render(request, "referrals/detail.html", context)


@rule(Audience.SCOPED, objects=["referral_id"], methods=["POST"])
def referral_decide(request: AuthenticatedRequest, referral_id: int) -> HttpResponse:
    referral = access_referral(request.user, referral_id, action=Action.DECIDE).referral
    version = services.referral_criteria(referral)
    form = forms.DecisionForm(request.POST, version=version)
    if form.is_valid():
        try:
            seen = version if form.cleaned_data["version"] == version.pk else None
            if seen is None:
                raise services.ReferralError(
                    _("The criteria changed while you were deciding. Review them again and decide.")
                )
            decision = services.referral_decide(
                actor=request.user,
                referral=referral,
                outcome=form.cleaned_data["outcome"],
                unmet_criteria=list(form.cleaned_data["unmet_criteria"]),
                note=form.cleaned_data["note"],
                version=seen,
            )
        except services.ReferralError as error:
            messages.error(request, str(error))
        else:
            if decision.outcome == "accepted":
                messages.success(
                    request, _("The referral was accepted. The agency is told by e-mail.")
                )
            else:
                messages.success(
                    request,
                    _("The referral was returned with your reasons. The agency is told by e-mail."),
                )
            return redirect("referrals:detail", referral_id=referral.pk)
    else:
        for errors in form.errors.values():
            for problem in errors:
                messages.error(request, str(problem))
    return redirect("referrals:detail", referral_id=referral.pk)


@rule(Audience.SCOPED, objects=["referral_id"], methods=["GET", "POST"])
def referral_resubmit(request: AuthenticatedRequest, referral_id: int) -> HttpResponse:
    referral = access_referral(request.user, referral_id, action=Action.RESUBMIT).referral
    if referral.status != ReferralStatus.RETURNED:
        return redirect("referrals:detail", referral_id=referral.pk)
    version = services.referral_criteria(referral)
    criteria = list(version.criteria.all())
    form = forms.ReferralForm(
        request.POST or None,
        criteria=criteria,
        answers=referral.answers,
        resubmit=True,
        initial={"note": referral.note},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_resubmit(
                actor=request.user,
                referral=referral,
                note=form.cleaned_data["note"],
                answers=form.answers(),
            )
        except services.ReferralError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The referral was sent again."))
            return redirect("referrals:detail", referral_id=referral.pk)
    item = selectors.ProgramEligibility(
        referral.program,
        eligibility.evaluate(criteria, referral.participant, referral.answers),
        referral,
    )
    return render(
        request,
        "referrals/form.html",
        {"participant": referral.participant, "item": item, "form": form, "referral": referral},
    )


@rule(Audience.SCOPED, objects=["referral_id"], methods=["POST"])
def referral_withdraw(request: AuthenticatedRequest, referral_id: int) -> HttpResponse:
    referral = access_referral(request.user, referral_id, action=Action.RESUBMIT).referral
    try:
        services.referral_withdraw(actor=request.user, referral=referral)
    except services.ReferralError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The referral was withdrawn."))
    return redirect("referrals:detail", referral_id=referral.pk)


# --- Public forms ----------------------------------------------------------------------------


def _apply(request: HttpRequest, program_slug: str, kind: str) -> HttpResponse:
    from tandem.programs.services import criteria_current

    program = access_public_program(program_slug, kind=kind)
    is_mentor = kind == ApplicationKind.MENTOR
    side = "mentor" if is_mentor else "mentee"
    criteria = list(criteria_current(program=program, side=side).criteria.all())
    initial = {"preferred_language": request.LANGUAGE_CODE[:2]}
    form: forms.ApplicationForm | None
    if is_mentor:
        form = forms.MentorApplicationForm(
            request.POST or None,
            program=program,
            criteria=criteria,
            initial=initial,
            partner_slug=request.GET.get("partner", "")[:60],
        )
    else:
        form = forms.ApplicationForm(
            request.POST or None, program=program, criteria=criteria, initial=initial
        )
    if not program.is_open_for_intake():
        form = None
    elif form is not None and request.method == "POST" and form.is_valid():
        try:
            services.application_start(
                kind=kind,
                program=program,
                data=form.data_for_storage(),
                recruited_by=form.cleaned_data.get("recruited_by"),
                client=request.META.get("REMOTE_ADDR", ""),
            )
        except services.TooManyApplications as error:
            form.add_error(None, str(error))
            return render(
                request,
                "referrals/apply.html",
                {"program": program, "form": form, "is_mentor": is_mentor, "criteria": criteria},
                status=429,
            )
        return redirect("referrals:application_sent")
    return render(
        request,
        "referrals/apply.html",
        {"program": program, "form": form, "is_mentor": is_mentor, "criteria": criteria},
    )


@rule(Audience.PUBLIC, methods=["GET", "POST"])
def self_referral(request: HttpRequest, program_slug: str) -> HttpResponse:
    return _apply(request, program_slug, ApplicationKind.SELF_REFERRAL)


@rule(Audience.PUBLIC, methods=["GET", "POST"])
def mentor_application(request: HttpRequest, program_slug: str) -> HttpResponse:
    return _apply(request, program_slug, ApplicationKind.MENTOR)


@rule(Audience.PUBLIC)
def application_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "referrals/application_sent.html")


@rule(Audience.PUBLIC, methods=["GET", "POST"])
def application_verify(request: HttpRequest, token: str) -> HttpResponse:
    """The link mailed to an applicant. GET shows a button (mail scanners follow links);
    POST confirms the address and sends the application to the program's staff."""
    application = None
    if request.method == "POST":
        application = services.application_verify(token=token)
        if application is None:
            return render(request, "referrals/verify.html", {"state": "invalid"}, status=404)
        return render(
            request, "referrals/verify.html", {"state": "done", "application": application}
        )
    return render(request, "referrals/verify.html", {"state": "confirm"})
