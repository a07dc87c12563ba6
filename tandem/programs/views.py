from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tandem.accounts.http import AuthenticatedRequest
from tandem.core.access import Action, Audience, rule
from tandem.organizations.access import access_organization, organizations_running_programs
from tandem.programs import forms, selectors, services
from tandem.programs.access import (
    access_enrolment,
    access_program,
    access_public_program,
    access_session,
    intake_meetings_readable,
    programs_managed_by,
    programs_named_staff,
)
from tandem.programs.models import Side


def _manager_organizations(user):
    return organizations_running_programs(user)


@rule(Audience.SIGNED_IN)
def program_list(request: AuthenticatedRequest) -> HttpResponse:
    managed = set(programs_managed_by(request.user).values_list("pk", flat=True))
    return render(
        request,
        "programs/list.html",
        {
            "programs": selectors.program_list(user=request.user),
            "managed": managed,
            "can_create_in": _manager_organizations(request.user).order_by("name_en"),
        },
    )


@rule(Audience.SCOPED, objects=["org_slug"], methods=["GET", "POST"])
def program_create(request: AuthenticatedRequest, org_slug: str) -> HttpResponse:
    found = access_organization(request.user, org_slug)
    if not found.runs_programs:
        raise Http404
    organization = found.organization
    form = forms.ProgramForm(request.POST or None, organization=organization)
    if request.method == "POST" and form.is_valid():
        m2m = {
            name: form.cleaned_data[name] for name in ("locations", "staff", "referring_partners")
        }
        data = {name: form.cleaned_data[name] for name in form.Meta.fields if name not in m2m}
        program = services.program_create(
            actor=request.user, organization=organization, m2m=m2m, **data
        )
        messages.success(request, _("The program was created. Now set its eligibility criteria."))
        return redirect("programs:criteria_mentee", program_id=program.pk)
    return render(
        request, "programs/form.html", {"form": form, "organization": organization, "program": None}
    )


@rule(Audience.SCOPED, objects=["program_id"])
def program_detail(request: AuthenticatedRequest, program_id: int) -> HttpResponse:
    found = access_program(request.user, program_id)
    program, can_manage = found.program, found.can_manage
    context = {
        "program": program,
        "can_manage": can_manage,
        "criteria": [
            (Side(side).label, services.criteria_current(program=program, side=side))
            for side in Side.values
        ],
        "periods": program.intake_periods.all(),
        "locations": program.locations.all(),
        "is_open": program.is_open_for_intake(),
    }
    if can_manage:
        context |= {
            "enrolments": selectors.enrolment_list(program=program),
            "sessions": selectors.session_list(program=program),
            "period_form": forms.IntakePeriodForm(),
            "session_form": forms.SessionForm(program=program),
            # Nobody named (or every named person left): the check-in reminders go to nobody.
            "no_named_staff": not programs_named_staff([program])[program.pk],
        }
    return render(request, "programs/detail.html", context)


@rule(Audience.SCOPED, objects=["program_id"], methods=["GET", "POST"])
def program_edit(request: AuthenticatedRequest, program_id: int) -> HttpResponse:
    program = access_program(request.user, program_id, action=Action.MANAGE).program
    form = forms.ProgramForm(
        request.POST or None, instance=program, organization=program.organization
    )
    if request.method == "POST" and form.is_valid():
        m2m = {
            name: form.cleaned_data[name] for name in ("locations", "staff", "referring_partners")
        }
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields if name not in m2m}
        services.program_update(actor=request.user, program=program, m2m=m2m, **fields)
        messages.success(request, _("The program was saved."))
        return redirect("programs:detail", program_id=program.pk)
    return render(
        request,
        "programs/form.html",
        {"form": form, "organization": program.organization, "program": program},
    )


@rule(Audience.SCOPED, objects=["program_id"], methods=["GET", "POST"])
def criteria_edit(request: AuthenticatedRequest, program_id: int, side: str) -> HttpResponse:
    program = access_program(request.user, program_id, action=Action.MANAGE).program
    current = services.criteria_current(program=program, side=side)
    initial = [
        {
            "key": c.key,
            "kind": c.kind,
            "statuses": c.statuses,
            "provinces": c.provinces,
            "number": c.number,
            "organization": c.organization,
            "program": c.program,
            "question_en": c.question_en,
            "question_fr": c.question_fr,
        }
        for c in current.criteria.all()
    ]
    formset = forms.CriterionFormSet(
        request.POST or None, initial=initial, form_kwargs={"program": program}, prefix="criteria"
    )
    publish = forms.PublishForm(request.POST or None)
    if request.method == "POST" and formset.is_valid() and publish.is_valid():
        rows = [
            data for data in formset.cleaned_data if data.get("kind") and not data.get("DELETE")
        ]
        try:
            version = services.criteria_publish(
                actor=request.user,
                program=program,
                side=side,
                criteria=rows,
                note=publish.cleaned_data["note"],
            )
        except services.ProgramError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("Version %(number)s of the criteria is published. Earlier decisions keep theirs.")
                % {"number": version.number},
            )
            return redirect(request.path)
    return render(
        request,
        "programs/criteria.html",
        {
            "program": program,
            "side": side,
            "side_label": Side(side).label,
            "current": current,
            "formset": formset,
            "publish": publish,
            "versions": selectors.criteria_versions(program=program, side=side),
        },
    )


@rule(Audience.SCOPED, objects=["program_id"], methods=["POST"])
def intake_period_add(request: AuthenticatedRequest, program_id: int) -> HttpResponse:
    program = access_program(request.user, program_id, action=Action.MANAGE).program
    form = forms.IntakePeriodForm(request.POST)
    if form.is_valid():
        services.intake_period_add(actor=request.user, program=program, **form.cleaned_data)
        messages.success(request, _("The intake period was added."))
    else:
        for error in form.errors.values():
            messages.error(request, error.as_text())
    return redirect("programs:detail", program_id=program.pk)


@rule(Audience.SCOPED, objects=["program_id"], methods=["POST"])
def intake_period_remove(request: AuthenticatedRequest, program_id: int) -> HttpResponse:
    program = access_program(request.user, program_id, action=Action.MANAGE).program
    period = program.intake_periods.filter(pk=request.POST.get("period") or 0).first()
    if period is not None:
        services.intake_period_remove(actor=request.user, period=period)
        messages.success(request, _("The intake period was removed."))
    return redirect("programs:detail", program_id=program.pk)


@rule(Audience.SCOPED, objects=["program_id"], methods=["POST"])
def session_create(request: AuthenticatedRequest, program_id: int) -> HttpResponse:
    program = access_program(request.user, program_id, action=Action.MANAGE).program
    form = forms.SessionForm(request.POST, program=program)
    if form.is_valid():
        session = services.session_create(actor=request.user, program=program, **form.cleaned_data)
        messages.success(request, _("The session was added. Record who attended."))
        return redirect("programs:session", session_id=session.pk)
    for error in form.errors.values():
        messages.error(request, error.as_text())
    return redirect("programs:detail", program_id=program.pk)


@rule(Audience.SCOPED, objects=["session_id"], methods=["GET", "POST"])
def session_detail(request: AuthenticatedRequest, session_id: int) -> HttpResponse:
    session = access_session(request.user, session_id)
    form = forms.AttendanceForm(
        request.POST or None,
        session=session,
        initial={"attendees": [a.enrolment_id for a in session.attendances.all()]},
    )
    if request.method == "POST" and form.is_valid():
        services.attendance_set(
            actor=request.user, session=session, enrolments=list(form.cleaned_data["attendees"])
        )
        messages.success(request, _("Attendance was saved."))
        return redirect(request.path)
    return render(request, "programs/session.html", {"session": session, "form": form})


@rule(Audience.SCOPED, objects=["enrolment_id"], methods=["GET", "POST"])
def enrolment_detail(request: AuthenticatedRequest, enrolment_id: int) -> HttpResponse:
    """Intake of one person: readiness checklist, one-on-one meetings and the action plan."""
    found = access_enrolment(request.user, enrolment_id)
    enrolment, can_manage = found.enrolment, found.can_manage
    meeting_form = forms.MeetingForm(prefix="meeting")
    if request.method == "POST":
        if not can_manage:
            raise Http404
        meeting_form = forms.MeetingForm(request.POST, prefix="meeting")
        if meeting_form.is_valid():
            services.intake_meeting_record(
                actor=request.user, enrolment=enrolment, **meeting_form.cleaned_data
            )
            messages.success(request, _("The meeting was recorded."))
            return redirect(request.path)
    plan = getattr(enrolment, "action_plan", None)
    return render(
        request,
        "programs/enrolment.html",
        {
            "enrolment": enrolment,
            "can_manage": can_manage,
            "steps": services.readiness(enrolment),
            # Every meeting is listed (the checklist counts them); its notes only to whom
            # staff opened them.
            "meetings": enrolment.meetings.select_related("staff"),
            "readable": set(
                intake_meetings_readable(request.user, enrolment).values_list("pk", flat=True)
            ),
            "attendances": enrolment.attendances.select_related("session", "session__location"),
            "plan": plan,
            "plan_steps": plan.steps.all() if plan else [],
            "meeting_form": meeting_form,
        },
    )


@rule(Audience.SCOPED, objects=["enrolment_id"], methods=["GET", "POST"])
def action_plan_edit(request: AuthenticatedRequest, enrolment_id: int) -> HttpResponse:
    enrolment = access_enrolment(request.user, enrolment_id, action=Action.MANAGE).enrolment
    plan = getattr(enrolment, "action_plan", None)
    form = forms.ActionPlanForm(
        request.POST or None, initial={"objective": plan.objective if plan else ""}
    )
    formset = forms.ActionStepFormSet(
        request.POST or None,
        prefix="steps",
        initial=[
            {"description": s.description, "due_on": s.due_on, "done_on": s.done_on}
            for s in (plan.steps.all() if plan else [])
        ],
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        services.action_plan_save(
            actor=request.user,
            enrolment=enrolment,
            objective=form.cleaned_data["objective"],
            steps=[row for row in formset.cleaned_data if row.get("description")],
        )
        messages.success(request, _("The action plan was saved."))
        return redirect("programs:enrolment", enrolment_id=enrolment.pk)
    return render(
        request,
        "programs/action_plan.html",
        {"enrolment": enrolment, "form": form, "formset": formset},
    )


@rule(Audience.PUBLIC)
def program_public(request: HttpRequest, program_slug: str) -> HttpResponse:
    """A program's public page: what it offers each audience and how to apply."""
    program = access_public_program(program_slug, kind="any")
    return render(
        request,
        "programs/public.html",
        {
            "program": program,
            "mentee_criteria": services.criteria_current(program=program, side=Side.MENTEE),
            "mentor_criteria": services.criteria_current(program=program, side=Side.MENTOR),
            "is_open": program.is_open_for_intake(),
        },
    )


@rule(Audience.PUBLIC)
def program_directory(request: HttpRequest) -> HttpResponse:
    """Programs that take applications from the public, for job-seekers and would-be mentors."""
    return render(request, "programs/directory.html", {"programs": selectors.public_programs()})


@rule(Audience.SCOPED, objects=["program_id"], methods=["GET", "POST"])
def program_team(request: AuthenticatedRequest, program_id: int) -> HttpResponse:
    """A program's team: staff named on it, including coaches of partner organizations, who run
    this one program without becoming staff of the organization that runs it."""
    from tandem.accounts import services as account_services
    from tandem.accounts.forms import invite_with_form
    from tandem.organizations.forms import StaffInviteForm

    program = access_program(request.user, program_id, action=Action.MANAGE).program
    form = StaffInviteForm(request.POST or None, initial={"language": request.LANGUAGE_CODE})
    del form.fields["role"]
    if request.method == "POST" and request.POST.get("remove", "").isdigit():
        services.program_team_remove(
            actor=request.user, program=program, user_id=int(request.POST["remove"])
        )
        messages.success(request, _("The person is no longer on the team."))
        return redirect("programs:team", program_id=program.pk)
    if invite_with_form(
        request,
        form,
        lambda: account_services.program_team_invite(
            actor=request.user, program=program, **form.cleaned_data
        ),
    ):
        return redirect("programs:team", program_id=program.pk)
    return render(
        request,
        "programs/team.html",
        {
            "program": program,
            "form": form,
            "team": selectors.program_team(program=program),
            "invitations": selectors.program_team_invitations(program=program),
        },
    )
