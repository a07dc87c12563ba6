"""Employer and association partners' pages, a mentor's workplace terms, the pair's workplace
activities, a hire by a partner, and career tracks. Each view asks `employers.access` for its
record and what the person may do, calls one service or selector, and renders."""

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tandem.accounts.http import AuthenticatedRequest
from tandem.core.access import Action, Audience, rule
from tandem.core.i18n import current_language
from tandem.employers import access, forms, links, selectors, services
from tandem.employers.models import ActivityStatus
from tandem.reports.services import small_cell_threshold

# --- A partner's pages -----------------------------------------------------------------------


@rule(Audience.SIGNED_IN)
def partner_list(request: AuthenticatedRequest) -> HttpResponse:
    partners = selectors.partners_list(access.partners_of(request.user))
    if len(partners) == 1:
        return redirect("employers:partner", partner_slug=partners[0].slug)
    return render(request, "employers/partners.html", {"partners": partners})


@rule(Audience.SCOPED, objects=["partner_slug"])
def partner_home(request: AuthenticatedRequest, partner_slug: str) -> HttpResponse:
    partner = access.access_partner(request.user, partner_slug, action=Action.VIEW).partner
    rows, counts = selectors.partner_mentors(partner)
    programs = list(selectors.programs_recruited_for(partner))
    language = current_language()
    threshold = small_cell_threshold()
    return render(
        request,
        "employers/partner.html",
        {
            "partner": partner,
            "rows": rows,
            "counts": counts,
            "labels": selectors.MentorStatus.labels(),
            "total": sum(counts.values()),
            "shown": selectors.SHOWN,
            "invitations": list(selectors.partner_invitations(partner)[:100]),
            "links": [
                (p, services.application_link(program=p, partner=partner, language=language))
                for p in programs
            ],
            "shortage": selectors.shortage_tables(partner, threshold=threshold),
            "activities": selectors.partner_activities(partner),
            "hires": selectors.partner_hires(partner),
            "threshold": threshold,
            "opportunities_page": links.opportunities_page_link(request.user, partner),
        },
    )


@rule(Audience.SCOPED, objects=["partner_slug"], methods=["GET", "POST"])
def partner_invite(request: AuthenticatedRequest, partner_slug: str) -> HttpResponse:
    partner = access.access_partner(request.user, partner_slug, action=Action.MANAGE).partner
    programs = selectors.programs_recruited_for(partner)
    form = forms.InviteForm(
        request.POST or None,
        programs=programs,
        initial={"language": current_language()},
    )
    result = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                result = services.mentors_invite(
                    actor=request.user,
                    partner=partner,
                    program=form.cleaned_data["program"],
                    text=form.cleaned_data["addresses"],
                    language=form.cleaned_data["language"],
                )
            except services.EmployersError as error:
                form.add_error("addresses", str(error))
                status = 400
            else:
                if result.invited:
                    count = len(result.invited)
                    messages.success(
                        request,
                        ngettext(
                            "%(count)s invitation is on its way.",
                            "%(count)s invitations are on their way.",
                            count,
                        )
                        % {"count": count},
                    )
                # What could not be sent stays in the box, to be corrected and sent again;
                # what was sent leaves it.
                form = forms.InviteForm(
                    programs=programs,
                    initial={
                        "program": form.cleaned_data["program"],
                        "language": form.cleaned_data["language"],
                        "addresses": "\n".join(r.line for r in result.refused),
                    },
                )
        else:
            status = 400
    return render(
        request,
        "employers/invite.html",
        {"partner": partner, "form": form, "result": result, "has_programs": programs.exists()},
        status=status,
    )


# --- A recruited mentor's terms --------------------------------------------------------------


@rule(Audience.SIGNED_IN, methods=["GET", "POST"])
def my_terms(request: AuthenticatedRequest) -> HttpResponse:
    records = access.mentor_records_of(request.user)
    form = forms.TermsForm(request.POST or None, records=records)
    if request.method == "POST" and form.is_valid():
        services.terms_record(
            actor=request.user,
            participant=form.cleaned_data["record"],
            in_work_hours=form.cleaned_data["in_work_hours"],
            hosts_activities=form.cleaned_data["hosts_activities"],
        )
        messages.success(request, _("Saved."))
        return redirect("employers:me")
    entries = []
    for record in records:
        terms = selectors.terms_of(record)
        entries.append(
            (
                record,
                forms.TermsForm(
                    records=records,
                    # One form per record on the page: each its own ids.
                    auto_id=f"r{record.pk}_%s",
                    initial={
                        "record": record.pk,
                        "in_work_hours": bool(terms and terms.mentors_in_work_hours),
                        "hosts_activities": bool(terms and terms.hosts_activities),
                    },
                ),
            )
        )
    return render(request, "employers/me.html", {"entries": entries})


@rule(Audience.SCOPED, objects=["mentorship_id"], methods=["GET", "POST"])
def terms_for_mentor(request: AuthenticatedRequest, mentorship_id: int) -> HttpResponse:
    """Staff record what the mentor's employer allows for a mentor without an account (or who
    told them by phone)."""
    found = access.access_pair_to_manage(request.user, mentorship_id, action=Action.MANAGE)
    mentor = found.mentorship.mentor
    terms = selectors.terms_of(mentor)
    records = access.the_mentor(found.mentorship)
    form = forms.TermsForm(
        request.POST or None,
        records=records,
        staff=True,
        initial={
            "record": mentor.pk,
            "in_work_hours": bool(terms and terms.mentors_in_work_hours),
            "hosts_activities": bool(terms and terms.hosts_activities),
        },
    )
    if request.method == "POST" and form.is_valid():
        services.terms_record(
            actor=request.user,
            participant=form.cleaned_data["record"],
            in_work_hours=form.cleaned_data["in_work_hours"],
            hosts_activities=form.cleaned_data["hosts_activities"],
        )
        messages.success(request, _("Saved."))
        return redirect("meetings:detail", mentorship_id=found.mentorship.pk)
    return render(
        request,
        "employers/terms_for_mentor.html",
        {"mentorship": found.mentorship, "mentor": mentor, "form": form},
        status=400 if request.method == "POST" else 200,
    )


# --- Workplace activities --------------------------------------------------------------------


@rule(Audience.SCOPED, objects=["mentorship_id"], methods=["GET", "POST"])
def activity_propose(request: AuthenticatedRequest, mentorship_id: int) -> HttpResponse:
    found = access.access_pair(request.user, mentorship_id, action=Action.VIEW)
    mentorship = found.mentorship
    form = forms.ActivityForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                activity = services.activity_propose(
                    actor=request.user,
                    mentorship=mentorship,
                    # Staff write for the mentor: an offer, the usual way an activity starts.
                    side=found.side or "mentor",
                    **form.cleaned_data,
                )
            except services.EmployersError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    _("The activity is offered.")
                    if activity.status == ActivityStatus.OFFERED
                    else _("The activity is requested."),
                )
                return redirect("meetings:detail", mentorship_id=mentorship.pk)
        status = 400
    return render(
        request,
        "employers/activity_form.html",
        {"mentorship": mentorship, "form": form, "side": found.side},
        status=status,
    )


@rule(Audience.SCOPED, objects=["workplace_activity_id"], methods=["GET", "POST"])
def activity(request: AuthenticatedRequest, workplace_activity_id: int) -> HttpResponse:
    action = Action.TAKE_PART if request.method == "POST" else Action.VIEW
    found = access.access_activity(request.user, workplace_activity_id, action=action)
    form = forms.AnswerForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.activity_answer(
                    actor=request.user,
                    activity=found.activity,
                    side=found.side,
                    what=form.cleaned_data["what"],
                    held_on=form.cleaned_data["held_on"],
                )
            except services.EmployersError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The activity is updated."))
                return redirect("employers:activity", workplace_activity_id=found.activity.pk)
        status = 400
    return render(
        request,
        "employers/activity.html",
        {"found": found, "activity": found.activity, "form": form, "Status": ActivityStatus},
        status=status,
    )


# --- A hire by a partner employer (staff) ----------------------------------------------------


@rule(Audience.SCOPED, objects=["mentorship_id"], methods=["GET", "POST"])
def hire(request: AuthenticatedRequest, mentorship_id: int) -> HttpResponse:
    found = access.access_pair_to_manage(request.user, mentorship_id, action=Action.MANAGE)
    mentorship = found.mentorship
    form = forms.HireForm(
        request.POST or None,
        outcomes=selectors.employed_outcomes(mentorship.mentee),
        employers=selectors.partner_employers_for(mentorship.program),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.hire_record(actor=request.user, **form.cleaned_data)
        except services.EmployersError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The hire is recorded."))
            return redirect("meetings:detail", mentorship_id=mentorship.pk)
    return render(request, "employers/hire.html", {"mentorship": mentorship, "form": form})


# --- Career tracks (members-only programs) ---------------------------------------------------


@rule(Audience.SCOPED, objects=["program_id"], methods=["GET", "POST"])
def tracks(request: AuthenticatedRequest, program_id: int) -> HttpResponse:
    program = access.access_track_program(request.user, program_id, action=Action.MANAGE)
    current = selectors.tracks_of(program)
    tracks_form = forms.TracksForm(
        request.POST if "stages_form" in request.POST else None,
        initial={"stages": [t.stage for t in current]},
    )
    placement_form = forms.PlacementForm(
        request.POST if "placement_form" in request.POST else None,
        enrolments=selectors.placements_of(program),
        tracks=selectors.tracks_queryset(program),
    )
    if request.method == "POST":
        if "stages_form" in request.POST and tracks_form.is_valid():
            services.tracks_set(
                actor=request.user, program=program, stages=tracks_form.cleaned_data["stages"]
            )
            messages.success(request, _("The tracks are saved."))
            return redirect("employers:tracks", program_id=program.pk)
        if "placement_form" in request.POST and placement_form.is_valid():
            try:
                services.track_place(actor=request.user, **placement_form.cleaned_data)
            except services.EmployersError as error:
                placement_form.add_error(None, str(error))
            else:
                messages.success(request, _("The track is saved."))
                return redirect("employers:tracks", program_id=program.pk)
    context: dict[str, Any] = {
        "program": program,
        "tracks": current,
        "counts": selectors.track_counts(program),
        "enrolments": list(selectors.placements_of(program)[:300]),
        "tracks_form": tracks_form,
        "placement_form": placement_form,
    }
    return render(
        request, "employers/tracks.html", context, status=400 if request.method == "POST" else 200
    )


# --- A lead agency helps on an employer-hosted program ---------------------------------------


@rule(Audience.SIGNED_IN)
def hosted_programs(request: AuthenticatedRequest) -> HttpResponse:
    """The lead side: the employer-hosted programs of the person's network, with their help."""
    programs = selectors.hosted_with_help(
        access.hosted_programs_for_lead(request.user), request.user
    )
    return render(request, "employers/hosted.html", {"programs": programs})


@rule(Audience.SCOPED, objects=["hosted_program_id"], methods=["GET", "POST"])
def offer(request: AuthenticatedRequest, hosted_program_id: int) -> HttpResponse:
    """The lead side of one program: offer help, withdraw the offer, or step away."""
    action = Action.MANAGE if request.method == "POST" else Action.VIEW
    found = access.access_offer(request.user, hosted_program_id, action=action)
    form = forms.OfferForm(request.POST if "offer" in request.POST else None, leads=found.leads)
    status = 200
    if request.method == "POST":
        try:
            if "offer" in request.POST:
                if form.is_valid():
                    services.help_offer(
                        actor=request.user,
                        program=found.program,
                        lead=form.cleaned_data["lead"],
                        note=form.cleaned_data["note"],
                    )
                    messages.success(request, _("Your offer is sent to the employer."))
                    return redirect("employers:offer", hosted_program_id=found.program.pk)
            elif "end" in request.POST and found.current is not None:
                services.help_end(actor=request.user, offer=found.current)
                messages.success(request, _("Done: you no longer help on this program."))
                return redirect("employers:hosted")
        except services.EmployersError as error:
            form.add_error(None, str(error))
        status = 400
    return render(
        request,
        "employers/offer.html",
        {"program": found.program, "current": found.current, "form": form},
        status=status,
    )


@rule(Audience.SCOPED, objects=["hosted_program_id"], methods=["GET", "POST"])
def help_desk(request: AuthenticatedRequest, hosted_program_id: int) -> HttpResponse:
    """The employer side: offers of help from the lead agency, accepted, declined or ended by
    the program's own staff."""
    action = Action.MANAGE if request.method == "POST" else Action.VIEW
    found = access.access_hosted_program(request.user, hosted_program_id, action=action)
    program = found.program
    error = ""
    if request.method == "POST" and request.POST.get("help", "").isdigit():
        offer = access.help_of(program, int(request.POST["help"]))
        what = request.POST.get("what")
        try:
            if what in ("accept", "decline"):
                services.help_answer(actor=request.user, offer=offer, accept=what == "accept")
            elif what == "end":
                services.help_end(actor=request.user, offer=offer)
            else:
                raise services.EmployersError(_("Choose what to do with this offer."))
        except services.EmployersError as refused:
            error = str(refused)
        else:
            messages.success(request, _("Saved."))
            return redirect("employers:help", hosted_program_id=program.pk)
    return render(
        request,
        "employers/help.html",
        {
            "program": program,
            "offers": selectors.help_of_program(program),
            "error": error,
            "can_decide": found.can_decide,
        },
        status=400 if request.method == "POST" else 200,
    )
