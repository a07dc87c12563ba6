from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from tandem.accounts.http import AuthenticatedRequest
from tandem.core.access import Action, Audience, Disclosure, disclosed, rule
from tandem.events.selectors import events_attended_count
from tandem.meetings.access import access_mentoring
from tandem.outcomes import certificates, forms, selectors, services
from tandem.outcomes.access import (
    access_follow_up_for_behalf,
    access_outcome_person,
    person_of_side,
)


@rule(Audience.SCOPED, objects=["mentorship_id"], methods=["GET", "POST"])
def mentorship_close(request: AuthenticatedRequest, mentorship_id: int) -> HttpResponse:
    mentorship = access_mentoring(request.user, mentorship_id, action=Action.MANAGE).mentorship
    # How it ended is staff's judgement (it decides the certificate): nothing is pre-chosen.
    form = forms.ClosureForm(request.POST or None, initial={"ended_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.mentorship_close(
                actor=request.user, mentorship=mentorship, **form.cleaned_data
            )
        except services.OutcomeError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("The mentorship is closed. Both people were asked for their exit survey."),
            )
            return redirect("meetings:detail", mentorship_id=mentorship.pk)
    return render(request, "outcomes/close.html", {"mentorship": mentorship, "form": form})


@rule(Audience.SCOPED, objects=["mentorship_id"], methods=["GET", "POST"])
def mentorship_extend(request: AuthenticatedRequest, mentorship_id: int) -> HttpResponse:
    mentorship = access_mentoring(request.user, mentorship_id, action=Action.MANAGE).mentorship
    form = forms.ExtensionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.mentorship_extend(
                actor=request.user, mentorship=mentorship, **form.cleaned_data
            )
        except services.OutcomeError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The extension is recorded."))
            return redirect("meetings:detail", mentorship_id=mentorship.pk)
    return render(request, "outcomes/extend.html", {"mentorship": mentorship, "form": form})


@rule(Audience.SCOPED, objects=["mentorship_id"], methods=["GET", "POST"])
def exit_survey(request: AuthenticatedRequest, mentorship_id: int, side: str) -> HttpResponse:
    found = access_mentoring(request.user, mentorship_id)
    mentorship, person = found.mentorship, person_of_side(found, side)
    if not hasattr(mentorship, "closure"):
        raise Http404
    done = mentorship.exit_surveys.filter(participant=person).first()
    form = forms.ExitSurveyForm(request.POST or None, prefix="survey")
    employment = (
        forms.EmploymentForm(request.POST or None, prefix="employment")
        if side == "mentee"
        else None
    )
    if (
        request.method == "POST"
        and done is None
        and form.is_valid()
        and (employment is None or employment.is_valid())
    ):
        try:
            services.exit_survey_submit(
                actor=request.user,
                mentorship=mentorship,
                participant=person,
                employment=employment.cleaned_data if employment else None,
                **form.cleaned_data,
            )
        except services.OutcomeError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Thank you: the exit survey is saved."))
            return redirect("meetings:detail", mentorship_id=mentorship.pk)
    return render(
        request,
        "outcomes/exit_survey.html",
        {
            "mentorship": mentorship,
            "person": person,
            "side": side,
            "done": done,
            "form": form,
            "employment": employment,
        },
    )


@rule(Audience.SCOPED, objects=["mentorship_id"])
def certificate(request: AuthenticatedRequest, mentorship_id: int, side: str) -> HttpResponse:
    found = access_mentoring(request.user, mentorship_id)
    mentorship, person = found.mentorship, person_of_side(found, side)
    closure = getattr(mentorship, "closure", None)
    if closure is None or (side == "mentee" and not closure.earns_certificate):
        raise Http404
    document = certificates.Certificate(mentorship, side)
    disclosed([document], how=Disclosure.VIEW)  # the view log, for anyone but the person
    pdf = certificates.certificate_pdf(mentorship=mentorship, side=side)
    response = HttpResponse(pdf, content_type="application/pdf")
    # Named in the certificate's language (the person's), the name made a slug (no control
    # character or quote can reach the header).
    name = document.file_name(person.preferred_language)
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["Cache-Control"] = "private, no-store"
    return response


@rule(Audience.SCOPED, objects=["participant_id"], methods=["GET", "POST"])
def person_outcomes(request: AuthenticatedRequest, participant_id: int) -> HttpResponse:
    found = access_outcome_person(request.user, participant_id)
    person, is_staff = found.person, found.can_record
    consent = getattr(person, "contact_consent", None)
    consent_form = forms.ConsentForm(
        initial={"may_contact": "no" if consent and consent.is_withdrawn else "yes"}
    )
    employment = forms.EmploymentForm(request.POST or None) if is_staff else None
    if request.method == "POST":
        if not is_staff:
            raise Http404
        if employment is not None and employment.is_valid():
            services.outcome_record(
                actor=request.user,
                participant=person,
                source=services.OutcomeSource.STAFF,
                **employment.cleaned_data,
            )
            messages.success(request, _("The employment status was added to the history."))
            return redirect("outcomes:person", participant_id=person.pk)
    return render(
        request,
        "outcomes/person.html",
        {
            "person": person,
            "is_staff": is_staff,
            "history": selectors.outcome_history(participant=person),
            "events_attended": events_attended_count(participant=person),
            "follow_ups": selectors.follow_ups_of(participant=person),
            "consent": consent,
            "consent_form": consent_form,
            "employment": employment,
        },
    )


@rule(Audience.SCOPED, objects=["follow_up_id"], methods=["GET", "POST"])
def follow_up_behalf(request: AuthenticatedRequest, follow_up_id: int) -> HttpResponse:
    """Staff record a follow-up answer the person gave them by phone, in person or on paper."""
    from tandem.meetings.behalf import BehalfError

    follow_up = access_follow_up_for_behalf(request.user, follow_up_id)
    person = follow_up.participant
    form = forms.FollowUpBehalfForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.followup_answer_on_behalf(
                actor=request.user, follow_up=follow_up, **form.cleaned_data
            )
        except BehalfError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("Recorded on %(name)s's behalf.") % {"name": person.full_name}
            )
            return redirect("outcomes:person", participant_id=person.pk)
    return render(
        request,
        "outcomes/follow_up_behalf.html",
        {"follow_up": follow_up, "person": person, "form": form},
    )


@rule(Audience.SCOPED, objects=["participant_id"], methods=["POST"])
def person_consent(request: AuthenticatedRequest, participant_id: int) -> HttpResponse:
    person = access_outcome_person(request.user, participant_id, action=Action.CONSENT).person
    form = forms.ConsentForm(request.POST)
    if form.is_valid():
        services.consent_set(
            actor=request.user, participant=person, may_contact=form.cleaned_data["may_contact"]
        )
        messages.success(request, _("The choice about being contacted is saved."))
    return redirect("outcomes:person", participant_id=person.pk)


@rule(Audience.PUBLIC, methods=["GET", "POST"])
def follow_up(request: HttpRequest, token: str) -> HttpResponse:
    """The personal link of a follow-up mail: the token is the credential, no sign-in."""
    try:
        found = services.followup_for_token(token)
    except services.LinkProblem as problem:
        status = 410 if problem.reason in ("used", "expired") else 404
        return render(
            request, "outcomes/follow_up_link.html", {"reason": problem.reason}, status=status
        )
    form = forms.FollowUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.followup_answer(token=token, **form.cleaned_data)
        except services.LinkProblem as problem:
            return render(
                request, "outcomes/follow_up_link.html", {"reason": problem.reason}, status=410
            )
        return render(request, "outcomes/follow_up_link.html", {"reason": "thanks"})
    response = render(
        request,
        "outcomes/follow_up.html",
        {"follow_up": found, "program": found.mentorship.program, "form": form},
    )
    # The site's Referrer-Policy (same-origin) keeps the token out of Referer headers to other
    # sites; "no-referrer" would make browsers send "Origin: null" and fail the CSRF check.
    response["Cache-Control"] = "private, no-store"
    return response


@rule(Audience.SIGNED_IN)
def my_status(request: AuthenticatedRequest) -> HttpResponse:
    """A mentee's or a mentor's own page: where each of their applications stands, their
    proposal, mentorship, events and certificate."""
    from tandem.outcomes.selectors import own_status

    return render(request, "outcomes/my_status.html", {"records": own_status(user=request.user)})
