from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.accounts.http import AuthenticatedRequest
from tandem.core import files
from tandem.core.access import Action, Audience, rule
from tandem.events.selectors import events_attended_count
from tandem.matching.sharing import pair_names
from tandem.meetings import forms, panels, selectors, services
from tandem.meetings.access import (
    access_mentoring,
    access_person_for_behalf,
    access_shared_document,
)
from tandem.programs.access import programs_managed_by


def _steps(mentorship):
    plan = selectors.action_plan_of(mentorship)
    return plan.steps.all() if plan else None


def _form_page(
    request: HttpRequest,
    mentorship,
    form,
    save: Callable[[dict], object],
    *,
    done: str,
    title: str,
    button: str,
    multipart: bool = False,
) -> HttpResponse:
    """The form of one mentoring step: saved through `save` (a service), with the service's
    refusal shown on the form, then back to the mentorship; or the form again."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except services.MentoringError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, done)
            return redirect("meetings:detail", mentorship_id=mentorship.pk)
    context = {"mentorship": mentorship, "form": form, "title": title, "button": button}
    if multipart:
        context["multipart"] = True
    return render(request, "meetings/form.html", context)


@rule(Audience.SIGNED_IN)
def mentorship_list(request: AuthenticatedRequest) -> HttpResponse:
    return render(
        request,
        "meetings/list.html",
        {
            "mentorships": selectors.mentorship_list(user=request.user),
            "runs_programs": programs_managed_by(request.user).exists(),
        },
    )


@rule(Audience.SIGNED_IN)
def attention(request: AuthenticatedRequest) -> HttpResponse:
    return render(
        request,
        "meetings/attention.html",
        {
            "items": selectors.attention_list(user=request.user),
            "no_meeting_days": selectors.NO_MEETING_DAYS,
        },
    )


@rule(Audience.SCOPED, objects=["mentorship_id"])
def mentorship_detail(request: AuthenticatedRequest, mentorship_id: int) -> HttpResponse:
    found = access_mentoring(request.user, mentorship_id)
    mentorship, is_staff = found.mentorship, found.can_manage
    plan = selectors.action_plan_of(mentorship)
    closure = getattr(mentorship, "closure", None)
    context = {
        "mentorship": mentorship,
        "is_staff": is_staff,
        "my_side": found.side,
        # The other person's family name only if sharing allowed it (it never does).
        "names": pair_names(mentorship, is_staff=is_staff, my_side=found.side),
        "is_open": mentorship.is_active,
        "progress": selectors.progress_of(mentorship, minutes=selectors.minutes_logged(mentorship)),
        "meetings": selectors.meeting_list(mentorship=mentorship),
        "plan": plan,
        "steps_advanced": selectors.steps_advanced_of(mentorship),
        "documents": selectors.documents_of(mentorship),
        "next_meeting": getattr(mentorship, "next_meeting", None),
        "events_attended": {
            "mentor": events_attended_count(participant=mentorship.mentor),
            "mentee": events_attended_count(participant=mentorship.mentee),
        },
        "closure": closure,
        "exit_surveys": selectors.exit_surveys_of(mentorship) if closure else {},
        # What the floors above add (employers: workplace activities).
        "panels": panels.panels_for(mentorship, found),
    }
    if is_staff:
        context |= {
            "check_ins": selectors.check_ins_of(mentorship),
            "case_meetings": selectors.case_meetings_of(mentorship),
            "extensions": mentorship.extensions.all(),
        }
    return render(request, "meetings/detail.html", context)


@rule(Audience.SCOPED, objects=["mentorship_id"], methods=["GET", "POST"])
def meeting_log(request: AuthenticatedRequest, mentorship_id: int) -> HttpResponse:
    mentorship = access_mentoring(request.user, mentorship_id, action=Action.LOG).mentorship
    form = forms.MeetingLogForm(
        request.POST or None,
        steps=_steps(mentorship),
        initial={"met_on": timezone.localdate(), "minutes": 60},
    )
    return _form_page(
        request,
        mentorship,
        form,
        lambda data: services.meeting_log_create(actor=request.user, mentorship=mentorship, **data),
        done=_("The meeting is logged. Thank you."),
        title=_("Log a meeting"),
        button=_("Log the meeting"),
    )


@rule(Audience.SCOPED, objects=["mentorship_id"], methods=["GET", "POST"])
def next_meeting(request: AuthenticatedRequest, mentorship_id: int) -> HttpResponse:
    mentorship = access_mentoring(request.user, mentorship_id, action=Action.LOG).mentorship
    form = forms.NextMeetingForm(request.POST or None, prefix="next")
    return _form_page(
        request,
        mentorship,
        form,
        lambda data: services.next_meeting_set(actor=request.user, mentorship=mentorship, **data),
        done=_("The next meeting is saved."),
        title=_("Plan the next meeting"),
        button=_("Save the next meeting"),
    )


@rule(Audience.SCOPED, objects=["mentorship_id"], methods=["GET", "POST"])
def document_share(request: AuthenticatedRequest, mentorship_id: int) -> HttpResponse:
    mentorship = access_mentoring(request.user, mentorship_id, action=Action.LOG).mentorship
    form = forms.DocumentForm(request.POST or None, request.FILES or None, prefix="document")
    return _form_page(
        request,
        mentorship,
        form,
        lambda data: services.document_share(
            actor=request.user,
            mentorship=mentorship,
            title=data["title"],
            upload=data["upload"],
            link=data["link"],
        ),
        done=_("The document is shared."),
        title=_("Share a document"),
        button=_("Share"),
        multipart=True,
    )


@rule(Audience.SCOPED, objects=["document_id"])
def document_download(request: AuthenticatedRequest, document_id: int) -> HttpResponseBase:
    document = access_shared_document(request.user, document_id)
    if document.link:
        return HttpResponseRedirect(document.link)
    return files.download(
        document.file, name=document.original_name, content_type=document.content_type
    )


@rule(Audience.SCOPED, objects=["mentorship_id"], methods=["GET", "POST"])
def check_in(request: AuthenticatedRequest, mentorship_id: int) -> HttpResponse:
    mentorship = access_mentoring(request.user, mentorship_id, action=Action.MANAGE).mentorship
    form = forms.CheckInForm(
        request.POST or None,
        mentorship=mentorship,
        initial={"held_on": timezone.localdate()},
    )
    return _form_page(
        request,
        mentorship,
        form,
        lambda data: services.check_in_record(actor=request.user, mentorship=mentorship, **data),
        done=_("The check-in is recorded."),
        title=_("Monthly check-in"),
        button=_("Record the check-in"),
    )


@rule(Audience.SCOPED, objects=["mentorship_id"], methods=["GET", "POST"])
def case_meeting(request: AuthenticatedRequest, mentorship_id: int) -> HttpResponse:
    mentorship = access_mentoring(request.user, mentorship_id, action=Action.MANAGE).mentorship
    form = forms.CaseMeetingForm(request.POST or None, initial={"held_on": timezone.localdate()})
    return _form_page(
        request,
        mentorship,
        form,
        lambda data: services.case_meeting_record(
            actor=request.user, mentorship=mentorship, **data
        ),
        done=_("The case meeting is recorded."),
        title=_("Case meeting"),
        button=_("Record the case meeting"),
    )


@rule(Audience.SCOPED, objects=["participant_id"], methods=("GET", "POST"))
def on_behalf(request: AuthenticatedRequest, participant_id: int) -> HttpResponse:
    """Staff record an answer a person gave them by phone, in person or on paper."""
    from tandem.meetings import behalf

    person = access_person_for_behalf(request.user, participant_id)
    programs = programs_managed_by(request.user)
    waiting = behalf.waiting_for(participant=person, programs=programs)
    action = request.POST.get("action", "")
    target = request.POST.get("target", "")
    bound = request.POST if request.method == "POST" else None
    answer_forms = {
        p.pk: forms.BehalfAnswerForm(
            bound if action == "answer" and target == str(p.pk) else None, prefix=f"p{p.pk}"
        )
        for p in waiting["proposals"]
    }
    ack_forms = {
        m.pk: forms.BehalfChannelForm(
            bound if action == "acknowledge" and target == str(m.pk) else None, prefix=f"a{m.pk}"
        )
        for m in waiting["to_acknowledge"]
    }
    meeting_forms = {
        m.pk: forms.BehalfMeetingForm(
            bound if action == "meeting" and target == str(m.pk) else None, prefix=f"m{m.pk}"
        )
        for m in waiting["open_mentorships"]
    }
    forms_by_action: dict[str, dict[int, Any]] = {
        "answer": answer_forms,
        "acknowledge": ack_forms,
        "meeting": meeting_forms,
    }
    form = forms_by_action.get(action, {}).get(int(target) if target.isdigit() else -1)
    if form is not None and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if action == "answer":
                proposal = next(p for p in waiting["proposals"] if p.pk == int(target))
                behalf.proposal_answer_on_behalf(
                    actor=request.user, participant=person, proposal=proposal, **data
                )
            elif action == "acknowledge":
                mentorship = next(m for m in waiting["to_acknowledge"] if m.pk == int(target))
                behalf.agreement_acknowledge_on_behalf(
                    actor=request.user, participant=person, mentorship=mentorship, **data
                )
            else:
                mentorship = next(m for m in waiting["open_mentorships"] if m.pk == int(target))
                behalf.meeting_log_on_behalf(
                    actor=request.user, participant=person, mentorship=mentorship, **data
                )
        except behalf.BehalfError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("Recorded on %(name)s's behalf.") % {"name": person.full_name}
            )
            return redirect("meetings:on_behalf", participant_id=person.pk)
    return render(
        request,
        "meetings/on_behalf.html",
        {
            "person": person,
            "proposals": [(p, answer_forms[p.pk]) for p in waiting["proposals"]],
            "to_acknowledge": [(m, ack_forms[m.pk]) for m in waiting["to_acknowledge"]],
            "open_mentorships": [(m, meeting_forms[m.pk]) for m in waiting["open_mentorships"]],
            "notes": waiting["notes"],
        },
    )
