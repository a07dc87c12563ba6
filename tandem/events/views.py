from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tandem.accounts.http import AuthenticatedRequest
from tandem.core.access import Action, Audience, Disclosure, disclosed, rule
from tandem.events import forms, selectors, services
from tandem.events.access import access_event
from tandem.participants.models import Participant
from tandem.programs.access import access_program, programs_managed_by


@rule(Audience.SIGNED_IN)
def event_list(request: AuthenticatedRequest) -> HttpResponse:
    return render(
        request,
        "events/list.html",
        {
            "staff_events": selectors.event_list_for_staff(user=request.user),
            "my_events": selectors.event_list_for_participant(user=request.user),
            "programs": programs_managed_by(request.user).order_by("name_en"),
        },
    )


@rule(Audience.SCOPED, objects=["program_id"], methods=["GET", "POST"])
def event_create(request: AuthenticatedRequest, program_id: int) -> HttpResponse:
    program = access_program(request.user, program_id, action=Action.MANAGE).program
    form = forms.EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        event = services.event_create(actor=request.user, program=program, **form.cleaned_data)
        messages.success(request, _("The event was created. Now invite people."))
        return redirect("events:detail", event_id=event.pk)
    return render(request, "events/form.html", {"form": form, "program": program, "event": None})


@rule(Audience.SCOPED, objects=["event_id"], methods=["GET", "POST"])
def event_edit(request: AuthenticatedRequest, event_id: int) -> HttpResponse:
    event = access_event(request.user, event_id, action=Action.MANAGE).event
    form = forms.EventForm(request.POST or None, instance=event)
    if request.method == "POST" and form.is_valid():
        services.event_update(actor=request.user, event=event, **form.cleaned_data)
        messages.success(request, _("The event was saved."))
        return redirect("events:detail", event_id=event.pk)
    return render(
        request, "events/form.html", {"form": form, "program": event.program, "event": event}
    )


@rule(Audience.SCOPED, objects=["event_id"])
def event_detail(request: AuthenticatedRequest, event_id: int) -> HttpResponse:
    found = access_event(request.user, event_id)
    event = found.event
    context = {"event": event, "can_manage": found.can_manage}
    if found.can_manage:
        participations = list(selectors.event_participations(event=event))
        disclosed(participations, how=Disclosure.VIEW)  # the guest list: each guest is logged
        context |= {
            "participations": participations,
            "invite_form": forms.InviteForm(
                queryset=selectors.invitable_participants(program=event.program).exclude(
                    pk__in=[p.participant_id for p in participations if p.invited_at]
                )
            ),
            "attendance_form": forms.AttendanceForm(
                queryset=Participant.objects.filter(event_participations__event=event),
                initial={"present": [p.participant_id for p in participations if p.attended]},
            ),
        }
    else:
        context["participation"] = selectors.own_participation(event=event, user=request.user)
    return render(request, "events/detail.html", context)


@rule(Audience.SCOPED, objects=["event_id"], methods=["POST"])
def event_invite(request: AuthenticatedRequest, event_id: int) -> HttpResponse:
    event = access_event(request.user, event_id, action=Action.MANAGE).event
    form = forms.InviteForm(
        request.POST, queryset=selectors.invitable_participants(program=event.program)
    )
    if form.is_valid():
        try:
            invited = services.event_invite(
                actor=request.user, event=event, participants=form.cleaned_data["participants"]
            )
        except services.EventError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s invitation sent. Each person receives it in their language.",
                    "%(count)s invitations sent. Each person receives it in their language.",
                    len(invited),
                )
                % {"count": len(invited)},
            )
    else:
        messages.error(request, _("Choose at least one person to invite."))
    return redirect("events:detail", event_id=event.pk)


@rule(Audience.SCOPED, objects=["event_id"], methods=["POST"])
def event_attendance(request: AuthenticatedRequest, event_id: int) -> HttpResponse:
    event = access_event(request.user, event_id, action=Action.MANAGE).event
    everyone = Participant.objects.filter(event_participations__event=event)
    form = forms.AttendanceForm(request.POST, queryset=everyone)
    if form.is_valid():
        present = list(form.cleaned_data["present"])
        services.event_attendance_record(
            actor=request.user,
            event=event,
            present=present,
            absent=everyone.exclude(pk__in=[p.pk for p in present]),
        )
        messages.success(request, _("Attendance was saved."))
    return redirect("events:detail", event_id=event.pk)


@rule(Audience.SCOPED, objects=["event_id"], methods=["POST"])
def event_cancel(request: AuthenticatedRequest, event_id: int) -> HttpResponse:
    event = access_event(request.user, event_id, action=Action.MANAGE).event
    services.event_cancel(actor=request.user, event=event)
    messages.success(request, _("The event was cancelled and the people registered were told."))
    return redirect("events:detail", event_id=event.pk)


@rule(Audience.SCOPED, objects=["event_id"], methods=["POST"])
def event_register(request: AuthenticatedRequest, event_id: int) -> HttpResponse:
    event = access_event(request.user, event_id).event
    participant = selectors.own_participant_for(event=event, user=request.user)
    if participant is None:
        raise Http404
    try:
        if request.POST.get("action") == "cancel":
            services.event_unregister(actor=request.user, event=event, participant=participant)
            messages.success(request, _("Your registration was cancelled."))
        else:
            services.event_register(actor=request.user, event=event, participant=participant)
            messages.success(request, _("You are registered. A confirmation was sent by e-mail."))
    except services.EventError as error:
        messages.error(request, str(error))
    return redirect("events:detail", event_id=event.pk)
