"""Pages of a mentorship: staff schedule the introduction meeting and write the agreement; the
mentor and the mentee see the meeting, download its invitation and acknowledge the agreement."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tandem.accounts.http import AuthenticatedRequest
from tandem.core.access import Audience, Disclosure, disclosed, rule
from tandem.matching.access import access_program_desk
from tandem.matching.sharing import pair_names
from tandem.mentorships import calendar, forms, services
from tandem.mentorships.access import access_mentorship
from tandem.mentorships.models import Agreement, IntroductionMeeting, Mentorship, MentorshipStatus


@rule(Audience.SCOPED, objects=["program_id"])
def program_mentorships(request: AuthenticatedRequest, program_id: int) -> HttpResponse:
    program = access_program_desk(request.user, program_id)
    mentorships = (
        Mentorship.objects.filter(program=program)
        .select_related("mentee", "mentor")
        .order_by("-confirmed_at")
    )
    return render(
        request,
        "mentorships/program.html",
        {
            "program": program,
            "page": Paginator(mentorships, 50).get_page(request.GET.get("page")),
        },
    )


def _meeting(mentorship: Mentorship) -> IntroductionMeeting | None:
    return IntroductionMeeting.objects.filter(mentorship=mentorship).first()


def _agreement(mentorship: Mentorship) -> Agreement | None:
    return (
        Agreement.objects.filter(mentorship=mentorship).prefetch_related("acknowledgements").first()
    )


@rule(Audience.SCOPED, objects=["mentorship_id"], methods=["GET", "POST"])
def detail(request: AuthenticatedRequest, mentorship_id: int) -> HttpResponse:
    found = access_mentorship(request.user, mentorship_id)
    user = request.user
    mentorship, is_staff = found.mentorship, found.can_manage
    person = getattr(mentorship, found.side) if found.side else None
    meeting = _meeting(mentorship)
    agreement = _agreement(mentorship)
    meeting_form = record_form = agreement_form = None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "acknowledge" and person is not None:
                services.agreement_acknowledge(actor=user, mentorship=mentorship)
                messages.success(request, _("Thank you: you acknowledged the agreement."))
                return redirect("mentorships:detail", mentorship_id=mentorship.pk)
            if not is_staff:
                raise Http404
            if action == "schedule":
                meeting_form = forms.MeetingForm(request.POST, instance=meeting)
                if meeting_form.is_valid():
                    services.meeting_schedule(
                        actor=user, mentorship=mentorship, **meeting_form.cleaned_data
                    )
                    messages.success(
                        request,
                        _("The meeting is scheduled; everyone received a calendar invitation."),
                    )
                    return redirect("mentorships:detail", mentorship_id=mentorship.pk)
            elif action == "record":
                record_form = forms.MeetingRecordForm(request.POST)
                if record_form.is_valid():
                    services.meeting_record(
                        actor=user, mentorship=mentorship, **record_form.cleaned_data
                    )
                    messages.success(request, _("The meeting was recorded."))
                    return redirect("mentorships:detail", mentorship_id=mentorship.pk)
            elif action == "agreement":
                agreement_form = forms.AgreementForm(request.POST, instance=agreement)
                if agreement_form.is_valid():
                    services.agreement_save(
                        actor=user,
                        mentorship=mentorship,
                        **{
                            name: agreement_form.cleaned_data[name]
                            for name in agreement_form.fields
                        },
                    )
                    messages.success(
                        request,
                        _("The agreement was saved; both people were asked to acknowledge it."),
                    )
                    return redirect("mentorships:detail", mentorship_id=mentorship.pk)
            else:
                raise Http404
        except services.MentorshipError as error:
            messages.error(request, str(error))
            return redirect("mentorships:detail", mentorship_id=mentorship.pk)
    in_introduction = mentorship.status == MentorshipStatus.INTRODUCTION
    if is_staff and in_introduction:
        if meeting_form is None:
            meeting_form = forms.MeetingForm(
                instance=meeting,
                initial={} if meeting else {"starts_at": services.default_meeting_start()},
            )
        if meeting is not None and meeting_form is not None and record_form is None:
            record_form = forms.MeetingRecordForm()
        if meeting is not None and meeting.held_at and agreement_form is None:
            agreement_form = forms.AgreementForm(
                instance=agreement,
                initial={} if agreement else services.agreement_defaults(mentorship),
            )
    acknowledged = (
        {a.participant_id: a for a in agreement.acknowledgements.all()} if agreement else {}
    )
    return render(
        request,
        "mentorships/detail.html",
        {
            "mentorship": mentorship,
            "program": mentorship.program,
            "is_staff": is_staff,
            "person": person,
            "names": pair_names(mentorship, is_staff=is_staff, my_side=found.side),
            "meeting": meeting,
            "meeting_facts": calendar.meeting_facts(meeting) if meeting else [],
            "agreement": agreement,
            "mentee_ack": acknowledged.get(mentorship.mentee_id),
            "mentor_ack": acknowledged.get(mentorship.mentor_id),
            "is_over": not mentorship.is_active,
            "needs_my_ack": person is not None
            and mentorship.is_active
            and agreement is not None
            and person.pk not in acknowledged,
            "meeting_form": meeting_form,
            "record_form": record_form if meeting and not meeting.held_at else None,
            "agreement_form": agreement_form,
        },
    )


@rule(Audience.SCOPED, objects=["mentorship_id"])
def meeting_ics(request: AuthenticatedRequest, mentorship_id: int) -> HttpResponse:
    mentorship = access_mentorship(request.user, mentorship_id).mentorship
    meeting = _meeting(mentorship)
    if meeting is None:
        raise Http404
    disclosed([meeting], how=Disclosure.VIEW)  # it names both people: the view log
    language = (getattr(request, "LANGUAGE_CODE", None) or "en")[:2]
    response = HttpResponse(
        calendar.invitation(meeting, language=language), content_type="text/calendar; charset=utf-8"
    )
    # In the reader's language, as the invitation itself (a slug: plain ASCII in the header).
    response["Content-Disposition"] = f'attachment; filename="{calendar.FILE_NAME}.ics"'
    return response
