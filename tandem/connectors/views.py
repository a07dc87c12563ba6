"""The connector program's pages. Each view asks `connectors.access` for its record and what the
person may do, calls one service or selector, and renders; a refused rule comes back as a
translated message and the form keeps what was typed."""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tandem.accounts.http import AuthenticatedRequest
from tandem.connectors import access, forms, selectors, services
from tandem.connectors.calendar import FILE_NAME
from tandem.connectors.calendar import invitation as meeting_ics
from tandem.connectors.chain import chain_counts, chain_graph, chain_of
from tandem.connectors.models import MeetingStatus
from tandem.core.access import Action, Audience, rule
from tandem.core.i18n import current_language
from tandem.organizations.models import Organization
from tandem.programs.models import Program

# --- Staff: the program ----------------------------------------------------------------------


@rule(Audience.SCOPED, objects=["connector_program_id"])
def program_home(request: AuthenticatedRequest, connector_program_id: int) -> HttpResponse:
    program = access.access_connector_program(
        request.user, connector_program_id, action=Action.MANAGE
    )
    return render(
        request,
        "connectors/program.html",
        {
            "program": program,
            "connectors": selectors.program_connectors(program)[:200],
            "newcomers": selectors.program_newcomers(program)[:200],
            "invitations": selectors.pending_invitations(program)[:100],
        },
    )


@rule(Audience.SCOPED, objects=["connector_program_id"], methods=["GET", "POST"])
def program_invite(request: AuthenticatedRequest, connector_program_id: int) -> HttpResponse:
    program = access.access_connector_program(
        request.user, connector_program_id, action=Action.MANAGE
    )
    form = forms.InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.connector_invite(actor=request.user, program=program, **form.invitee())
        except services.ConnectorError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The invitation was sent."))
            return redirect("connectors:program", connector_program_id=program.pk)
    return render(request, "connectors/invite.html", {"program": program, "form": form})


@rule(Audience.SCOPED, objects=["connector_program_id"])
def program_figures(request: AuthenticatedRequest, connector_program_id: int) -> HttpResponse:
    program = access.access_connector_program(
        request.user, connector_program_id, action=Action.MANAGE
    )
    return render(
        request,
        "connectors/figures.html",
        {"program": program, "figures": selectors.program_figures(program)},
    )


@rule(Audience.SIGNED_IN)
def funder_figures(request: AuthenticatedRequest) -> HttpResponse:
    """Funders read the connector figures in the funder report's connector section: published
    fiscal years, frozen, suppressed with the other tables of the report (a live count here,
    read day after day, would give away each day's meetings by subtraction)."""
    networks: dict[Organization, list[Program]] = {}
    for program in access.connector_programs_funded_by(request.user).select_related("organization"):
        networks.setdefault(program.organization, []).append(program)
    return render(request, "connectors/funder.html", {"networks": list(networks.items())})


# --- Newcomers -------------------------------------------------------------------------------


@rule(Audience.SCOPED, objects=["newcomer_id"], methods=["GET", "POST"])
def newcomer(request: AuthenticatedRequest, newcomer_id: int) -> HttpResponse:
    found = access.access_newcomer(request.user, newcomer_id, action=Action.VIEW)
    enrolment = found.enrolment
    program, person = enrolment.program, enrolment.participant
    # Staff arranging a meeting choose among more of the engine's suggestions.
    suggestions = selectors.suggested_connectors(
        program=program,
        newcomer=person,
        language=current_language(),
        limit=20 if found.can_manage else 5,
    )
    choices = [(str(s.connector.pk), s.connector.participant.full_name) for s in suggestions]
    form = forms.RequestForm(request.POST or None, connectors=choices)
    if request.method == "POST" and form.is_valid():
        connector = selectors.connector_in(program, form.cleaned_data["connector"])
        try:
            if connector is None:
                raise services.ConnectorError(_("Choose a connector of this program."))
            meeting = services.meeting_request(
                actor=request.user,
                program=program,
                newcomer=person,
                connector=connector,
                message=form.cleaned_data["message"],
            )
        except services.ConnectorError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your request was sent to the connector."))
            return redirect("connectors:meeting", connector_meeting_id=meeting.pk)
    root = chain_of(program, person)
    meetings, pending = chain_counts(root)
    return render(
        request,
        "connectors/newcomer.html",
        {
            "found": found,
            "program": program,
            "person": person,
            "suggestions": suggestions,
            "form": form,
            "root": root,
            "graph": chain_graph(root),
            "chain_meetings": meetings,
            "chain_pending": pending,
            "to_follow_up": selectors.introductions_to_follow_up(program, person),
            "follow_up_form": forms.FollowUpForm(),
        },
    )


@rule(Audience.SCOPED, objects=["introduction_id"], methods=["POST"])
def follow_up(request: AuthenticatedRequest, introduction_id: int) -> HttpResponse:
    introduction = access.access_introduction(
        request.user, introduction_id, action=Action.TAKE_PART
    )
    form = forms.FollowUpForm(request.POST)
    enrolment = selectors.newcomer_enrolment(introduction.meeting.program, introduction.newcomer)
    if enrolment is None:  # the newcomer left the program since
        raise Http404
    if not form.is_valid() or introduction.contact is None:
        messages.error(request, _("This contact is not a connector yet: wait for their answer."))
        return redirect("connectors:newcomer", newcomer_id=enrolment.pk)
    try:
        meeting = services.meeting_request(
            actor=request.user,
            program=introduction.meeting.program,
            newcomer=introduction.newcomer,
            connector=introduction.contact,
            message=form.cleaned_data["message"],
            introduction=introduction,
        )
    except services.ConnectorError as error:
        messages.error(request, str(error))
        return redirect("connectors:newcomer", newcomer_id=enrolment.pk)
    messages.success(request, _("Your request was sent to the connector."))
    return redirect("connectors:meeting", connector_meeting_id=meeting.pk)


# --- A meeting -------------------------------------------------------------------------------


def _meeting_page(
    request: HttpRequest, found: access.MeetingAccess, **forms_given: Any
) -> HttpResponse:
    meeting = found.meeting
    context = {
        "found": found,
        "meeting": meeting,
        "offered": list(meeting.offered_times.all()),
        "introductions": list(
            meeting.introductions.select_related("contact", "invitation", "follow_up")
        ),
        "offer_form": forms_given.get("offer_form") or forms.OfferForm(),
        "held_form": forms_given.get("held_form") or forms.HeldForm(),
        "introductions_form": forms_given.get("introductions_form") or forms.IntroductionsForm(),
        "feedback_form": forms_given.get("feedback_form") or forms.FeedbackForm(),
        "result_form": forms_given.get("result_form")
        or forms.ResultForm(initial={"result": meeting.result, "on": meeting.result_on}),
        "newcomer_enrolment": selectors.newcomer_enrolment(meeting.program, meeting.newcomer),
        "Status": MeetingStatus,
    }
    status = 400 if forms_given else 200
    return render(request, "connectors/meeting.html", context, status=status)


@rule(Audience.SCOPED, objects=["connector_meeting_id"])
def meeting(request: AuthenticatedRequest, connector_meeting_id: int) -> HttpResponse:
    found = access.access_connector_meeting(request.user, connector_meeting_id, action=Action.VIEW)
    return _meeting_page(request, found)


@rule(Audience.SCOPED, objects=["connector_meeting_id"])
def meeting_calendar(request: AuthenticatedRequest, connector_meeting_id: int) -> HttpResponse:
    found = access.access_connector_meeting(request.user, connector_meeting_id, action=Action.VIEW)
    if found.meeting.starts_at is None:
        raise Http404
    response = HttpResponse(
        meeting_ics(found.meeting, language=current_language()), content_type="text/calendar"
    )
    # In the reader's language, as the invitation itself (a slug: plain ASCII in the header).
    response["Content-Disposition"] = f'attachment; filename="{FILE_NAME}.ics"'
    return response


def _back(meeting_id: int) -> HttpResponse:
    return redirect("connectors:meeting", connector_meeting_id=meeting_id)


@rule(Audience.SCOPED, objects=["connector_meeting_id"], methods=["POST"])
def meeting_action(
    request: AuthenticatedRequest, connector_meeting_id: int, what: str
) -> HttpResponse:
    """Every step of a meeting after the request: one URL per step (`what`), one service each.
    Who may take each step is decided here from the access answer, never from roles."""
    found = access.access_connector_meeting(
        request.user, connector_meeting_id, action=Action.TAKE_PART
    )
    meeting, user = found.meeting, request.user
    is_connector = found.side == "connector" or found.can_manage
    is_newcomer = found.side == "newcomer" or found.can_manage
    try:
        if what == "offer" and is_connector:
            offer = forms.OfferForm(request.POST)
            if not offer.is_valid():
                return _meeting_page(request, found, offer_form=offer)
            services.meeting_offer_times(
                actor=user,
                meeting=meeting,
                times=offer.times(),
                mode=offer.cleaned_data["mode"],
                where=offer.cleaned_data["where"],
            )
            messages.success(request, _("The times were sent to the newcomer."))
        elif what == "choose" and is_newcomer:
            try:
                offered_id = int(request.POST.get("offered", ""))
            except ValueError:
                raise services.ConnectorError(_("Choose one of the times offered.")) from None
            services.meeting_choose_time(actor=user, meeting=meeting, offered_time_id=offered_id)
            messages.success(
                request, _("The meeting is scheduled: a calendar invitation is on its way.")
            )
        elif what == "held" and (is_connector or is_newcomer):
            held = forms.HeldForm(request.POST)
            if not held.is_valid():
                return _meeting_page(request, found, held_form=held)
            services.meeting_record_held(
                actor=user, meeting=meeting, held_on=held.cleaned_data["held_on"]
            )
            messages.success(request, _("The meeting is recorded."))
        elif what == "introductions" and is_connector:
            named = forms.IntroductionsForm(request.POST)
            if not named.is_valid():
                return _meeting_page(request, found, introductions_form=named)
            try:
                services.introductions_record(
                    actor=user,
                    meeting=meeting,
                    contacts=[services.Contact(**c) for c in named.contacts()],
                )
            except services.ConnectorError as error:
                named.add_error(None, str(error))
                return _meeting_page(request, found, introductions_form=named)
            messages.success(
                request, _("Your introductions are recorded and the newcomer is told.")
            )
        elif what == "feedback" and found.side:
            feedback = forms.FeedbackForm(request.POST)
            if not feedback.is_valid():
                return _meeting_page(request, found, feedback_form=feedback)
            services.feedback_give(
                actor=user, meeting=meeting, side=found.side, text=feedback.cleaned_data["text"]
            )
            messages.success(request, _("Thank you for your feedback."))
        elif what == "result" and is_newcomer:
            outcome = forms.ResultForm(request.POST)
            if not outcome.is_valid():
                return _meeting_page(request, found, result_form=outcome)
            services.result_record(
                actor=user,
                meeting=meeting,
                result=outcome.cleaned_data["result"],
                on=outcome.cleaned_data["on"],
            )
            messages.success(request, _("Saved."))
        elif what == "continue" and found.side:
            consent = forms.ContinueForm(request.POST)
            consent.is_valid()
            services.mentorship_consent(
                actor=user,
                meeting=meeting,
                side=found.side,
                wants=bool(consent.cleaned_data.get("wants")),
            )
            messages.success(request, _("Your answer is saved."))
        elif what == "mentorship" and found.can_manage:
            services.mentorship_open(actor=user, meeting=meeting)
            messages.success(
                request, _("The pair is proposed on the matching desk: publish it from there.")
            )
        elif what == "cancel" and (found.side or found.can_manage):
            services.meeting_cancel(actor=user, meeting=meeting)
            messages.success(request, _("The meeting is cancelled."))
        else:
            raise Http404
    except services.ConnectorError as error:
        messages.error(request, str(error))
    return _back(meeting.pk)


# --- Connectors: their own page and profile ------------------------------------------------


@rule(Audience.SIGNED_IN)
def my_connector(request: AuthenticatedRequest) -> HttpResponse:
    profiles = list(access.connector_profiles_of(request.user))
    return render(
        request,
        "connectors/me.html",
        {
            "profiles": [
                (
                    p,
                    forms.ProfileForm(
                        initial={"city": p.city, "meetings_per_month": p.meetings_per_month}
                    ),
                    selectors.meetings_of_connector(p)[:50],
                )
                for p in profiles
            ],
            "to_complete": [
                (e, forms.ProfileForm())
                for e in access.connector_enrolments_without_profile(request.user)
            ],
        },
    )


@rule(Audience.SCOPED, objects=["connector_program_id"], methods=["POST"])
def my_profile(request: AuthenticatedRequest, connector_program_id: int) -> HttpResponse:
    enrolment = access.access_own_connector_enrolment(
        request.user, connector_program_id, action=Action.TAKE_PART
    )
    form = forms.ProfileForm(request.POST)
    if form.is_valid():
        try:
            services.connector_profile_save(
                actor=request.user,
                program=enrolment.program,
                participant=enrolment.participant,
                city=form.cleaned_data["city"],
                meetings_per_month=form.cleaned_data["meetings_per_month"],
            )
        except services.ConnectorError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Your connector profile is saved."))
    else:
        messages.error(request, _("Check the city and the number of meetings (1 to 4)."))
    return redirect("connectors:me")


# --- The invitation link (no account yet) ----------------------------------------------------


def _link_closed(request: HttpRequest, state: str, exists: bool) -> HttpResponse:
    """A used or expired link is gone (410); a link that never existed is not found (404)."""
    return render(
        request,
        "connectors/invitation_closed.html",
        {"state": state},
        status=410 if exists else 404,
    )


@rule(Audience.PUBLIC, methods=["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    found, state = services.invitation_by_token(token=token)
    if state != services.LinkState.OPEN or found is None:
        return _link_closed(request, state, found is not None)
    form = forms.JoinForm(
        request.POST or None,
        initial={
            "given_name": found.given_name,
            "family_name": found.family_name,
            "preferred_language": found.preferred_language,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_accept(
                token=token,
                profile=services.Profile(**form.profile_fields()),
            )
        except services.ConnectorError as error:
            form.add_error(None, str(error))
        else:
            return render(request, "connectors/invitation_done.html", {"accepted": True})
    return render(
        request, "connectors/invitation.html", {"invitation": found, "form": form, "token": token}
    )


@rule(Audience.PUBLIC, methods=["POST"])
def invitation_decline(request: HttpRequest, token: str) -> HttpResponse:
    try:
        services.invitation_decline(token=token)
    except services.ConnectorError as error:
        return render(
            request, "connectors/invitation_closed.html", {"message": str(error)}, status=410
        )
    return render(request, "connectors/invitation_done.html", {"declined": True})


@rule(Audience.PUBLIC, methods=["GET", "POST"])
def invitation_pass_on(request: HttpRequest, token: str) -> HttpResponse:
    found, state = services.invitation_by_token(token=token)
    if state != services.LinkState.OPEN or found is None:
        return _link_closed(request, state, found is not None)
    form = forms.InviteForm(request.POST or None, initial={"language": found.preferred_language})
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_pass_on(token=token, **form.invitee())
        except services.ConnectorError as error:
            form.add_error(None, str(error))
        else:
            return render(request, "connectors/invitation_done.html", {"passed_on": True})
    return render(
        request, "connectors/pass_on.html", {"invitation": found, "form": form, "token": token}
    )
