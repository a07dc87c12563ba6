"""Pages of mentoring groups and peer mentors: thin, one @rule each, records through access.py."""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tandem.accounts.http import AuthenticatedRequest
from tandem.core.access import Action, Audience, Disclosure, disclosed, rule
from tandem.programs.access import access_program

from . import figures, forms, selectors
from .access import (
    access_circle,
    access_circle_member,
    access_circle_session,
    access_peer_conversation,
    access_peer_mentor,
)
from .models import CircleKind, MemberRole, PeerStatus
from .services import base, groups, members, peers, sessions


@rule(Audience.SCOPED, objects=["program_id"])
def program_circles(request: AuthenticatedRequest, program_id: int) -> HttpResponse:
    program = access_program(request.user, program_id, action=Action.MANAGE).program
    counted = figures.program_figures(program)
    return render(
        request,
        "circles/program.html",
        {
            "program": program,
            "circles": selectors.circles_of_program(program, user=request.user),
            "figures": counted,
            "figure_cells": figures.figure_cells(counted),
            "can_create": program.kind in groups.KIND_OF_PROGRAM,
        },
    )


@rule(Audience.SCOPED, objects=["program_id"], methods=["GET", "POST"])
def circle_create(request: AuthenticatedRequest, program_id: int) -> HttpResponse:
    program = access_program(request.user, program_id, action=Action.MANAGE).program
    form = forms.CircleForm(request.POST or None, program=program)
    if request.method == "POST" and form.is_valid():
        try:
            circle = groups.circle_create(
                actor=request.user, program=program, **form.service_fields()
            )
        except base.CircleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The group was created. Now choose its members."))
            return redirect("circles:detail", circle_id=circle.pk)
    return render(request, "circles/form.html", {"form": form, "program": program})


@rule(Audience.SCOPED, objects=["circle_id"])
def circle_detail(request: AuthenticatedRequest, circle_id: int) -> HttpResponse:
    found = access_circle(request.user, circle_id, action=Action.VIEW)
    circle = found.circle
    shown = selectors.circle_members(circle)
    # The view log: staff see every member; a member sees the names of those who agreed.
    disclosed(
        shown if found.can_manage else [m for m in shown if m.shows_name],
        how=Disclosure.VIEW,
    )
    context: dict[str, Any] = {
        "circle": circle,
        "member": found.member,
        "can_manage": found.can_manage,
        "members": shown,
        "next_session": selectors.next_session(circle),
    }
    if found.can_manage:
        query = request.GET.get("q", "")[:100]
        mentor_role = "peer_mentor" if circle.kind == CircleKind.PEER else "mentor"
        context |= {
            "feedback_summary": selectors.circle_feedback_summary(circle),
            "sessions": selectors.circle_sessions(circle),
            "suggested_mentees": selectors.suggested_mentees(circle),
            "suggested_mentors": selectors.suggested_mentors(circle),
            "mentor_role": mentor_role,
            "query": query,
            "found": selectors.find_addable(circle, query),
            "roles": MemberRole.choices,
            "notes": selectors.circle_notes(circle),
            "note_form": forms.NoteForm(),
        }
    else:
        assert found.member is not None  # not staff: reached as a member
        context |= {
            "consent_form": forms.ConsentForm(initial={"shows_name": found.member.shows_name}),
            "feedback_due": selectors.feedback_due(found.member),
        }
    return render(request, "circles/detail.html", context)


@rule(Audience.SCOPED, objects=["circle_id"], methods=["POST"])
def circle_add_members(request: AuthenticatedRequest, circle_id: int) -> HttpResponse:
    circle = access_circle(request.user, circle_id, action=Action.MANAGE).circle
    form = forms.AddMembersForm(request.POST, queryset=selectors.addable_people(circle))
    if not form.is_valid():
        messages.error(request, _("Choose at least one person and their role in the group."))
        return redirect("circles:detail", circle_id=circle.pk)
    added = 0
    for person in form.cleaned_data["people"]:
        try:
            members.circle_member_add(
                actor=request.user,
                circle=circle,
                participant=person,
                role=form.cleaned_data["role"],
            )
            added += 1
        except base.CircleError as error:
            messages.error(request, str(error))
    if added:
        messages.success(
            request,
            ngettext(
                "%(count)s person added. Each receives a message in their language.",
                "%(count)s people added. Each receives a message in their language.",
                added,
            )
            % {"count": added},
        )
    return redirect("circles:detail", circle_id=circle.pk)


@rule(Audience.SCOPED, objects=["circle_member_id"], methods=["POST"])
def circle_remove_member(request: AuthenticatedRequest, circle_member_id: int) -> HttpResponse:
    member = access_circle_member(request.user, circle_member_id, action=Action.MANAGE)
    members.circle_member_remove(actor=request.user, member=member)
    messages.success(
        request,
        _("%(person)s left the group; their place in the one-to-one pool is unchanged.")
        % {"person": member.participant.full_name},
    )
    return redirect("circles:detail", circle_id=member.circle_id)


@rule(Audience.SCOPED, objects=["circle_id"], methods=["GET", "POST"])
def circle_session_new(request: AuthenticatedRequest, circle_id: int) -> HttpResponse:
    circle = access_circle(request.user, circle_id, action=Action.MANAGE).circle
    form = forms.SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            added = sessions.circle_sessions_add(
                actor=request.user, circle=circle, **form.cleaned_data
            )
        except base.CircleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                ngettext(
                    "The session was scheduled; every member received an invitation in their "
                    "language.",
                    "%(count)d sessions were scheduled; every member received an invitation to "
                    "each, in their language.",
                    len(added),
                )
                % {"count": len(added)},
            )
            return redirect("circles:detail", circle_id=circle.pk)
    return render(request, "circles/session_form.html", {"form": form, "circle": circle})


@rule(Audience.SCOPED, objects=["circle_id"], methods=["POST"])
def circle_end(request: AuthenticatedRequest, circle_id: int) -> HttpResponse:
    circle = access_circle(request.user, circle_id, action=Action.MANAGE).circle
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to confirm that the group ends."))
    else:
        groups.circle_end(actor=request.user, circle=circle)
        messages.success(
            request,
            _(
                "The group has ended. Its sessions to come were cancelled and every member was "
                "told, in their language."
            ),
        )
    return redirect("circles:detail", circle_id=circle.pk)


@rule(Audience.SCOPED, objects=["circle_id"], methods=["POST"])
def circle_note(request: AuthenticatedRequest, circle_id: int) -> HttpResponse:
    circle = access_circle(request.user, circle_id, action=Action.MANAGE).circle
    form = forms.NoteForm(request.POST)
    if form.is_valid():
        groups.circle_note_add(actor=request.user, circle=circle, text=form.cleaned_data["text"])
        messages.success(request, _("The note was saved."))
    else:
        messages.error(request, _("Write the note (2,000 characters at most)."))
    return redirect("circles:detail", circle_id=circle.pk)


@rule(Audience.SCOPED, objects=["circle_id"], methods=["POST"])
def circle_consent(request: AuthenticatedRequest, circle_id: int) -> HttpResponse:
    found = access_circle(request.user, circle_id, action=Action.TAKE_PART)
    if found.member is None:
        raise Http404
    form = forms.ConsentForm(request.POST)
    form.is_valid()
    members.circle_name_consent(
        actor=request.user,
        member=found.member,
        shows_name=form.cleaned_data.get("shows_name", False),
    )
    messages.success(request, _("Your choice was saved."))
    return redirect("circles:detail", circle_id=found.circle.pk)


@rule(Audience.SCOPED, objects=["circle_session_id"], methods=["GET", "POST"])
def circle_session(request: AuthenticatedRequest, circle_session_id: int) -> HttpResponse:
    found = access_circle_session(request.user, circle_session_id, action=Action.MANAGE)
    session = found.session
    # Read once: the attendance already taken (of this session's invitations, not of any other
    # event the person attended) and, below, the view log.
    participations = selectors.session_participations(session)
    form = forms.AttendanceForm(
        request.POST or None,
        queryset=selectors.session_guests(session),
        initial={
            "present": [
                p.participant_id for p in participations if p.attended and p.cancelled_at is None
            ]
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            sessions.circle_attendance_record(
                actor=request.user, session=session, present=form.cleaned_data["present"]
            )
        except base.CircleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Attendance was saved."))
            return redirect("circles:detail", circle_id=session.circle_id)
    feedback = selectors.session_feedback(session)
    # The view log: the guests (attendance) and each answer, with its author's name.
    disclosed(
        [*participations, *feedback],
        how=Disclosure.VIEW,
    )
    return render(
        request,
        "circles/session.html",
        {
            "session": session,
            "circle": session.circle,
            "form": form,
            "feedback": feedback,
            "summary": selectors.feedback_summary(feedback),
            "can_change": selectors.session_can_change(session),
        },
    )


@rule(Audience.SCOPED, objects=["circle_session_id"], methods=["GET", "POST"])
def circle_session_edit(request: AuthenticatedRequest, circle_session_id: int) -> HttpResponse:
    session = access_circle_session(request.user, circle_session_id, action=Action.MANAGE).session
    event = session.event
    form = forms.SessionEditForm(
        request.POST or None,
        initial={
            "starts_at": timezone.localtime(event.starts_at),
            "duration_minutes": int((event.ends_at - event.starts_at).total_seconds() // 60),
            "topic_en": event.description_en,
            "topic_fr": event.description_fr,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            sessions.circle_session_update(actor=request.user, session=session, **form.cleaned_data)
        except base.CircleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("The session was changed; every guest received the update in their language."),
            )
            return redirect("circles:session", circle_session_id=session.pk)
    return render(
        request,
        "circles/session_form.html",
        {"form": form, "circle": session.circle, "session": session},
    )


@rule(Audience.SCOPED, objects=["circle_session_id"], methods=["POST"])
def circle_session_cancel(request: AuthenticatedRequest, circle_session_id: int) -> HttpResponse:
    session = access_circle_session(request.user, circle_session_id, action=Action.MANAGE).session
    try:
        sessions.circle_session_cancel(actor=request.user, session=session)
    except base.CircleError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The session was cancelled; every guest was told, in their language."),
        )
    return redirect("circles:detail", circle_id=session.circle_id)


@rule(Audience.SCOPED, objects=["circle_session_id"], methods=["GET", "POST"])
def circle_feedback(request: AuthenticatedRequest, circle_session_id: int) -> HttpResponse:
    found = access_circle_session(request.user, circle_session_id, action=Action.TAKE_PART)
    if found.member is None:
        raise Http404
    form = forms.FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sessions.session_feedback_submit(
                actor=request.user,
                session=found.session,
                participant=found.member.participant,
                **form.cleaned_data,
            )
        except base.CircleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Thank you: your answer helps plan the next sessions."))
            return redirect("circles:detail", circle_id=found.session.circle_id)
    return render(
        request,
        "circles/feedback.html",
        {"session": found.session, "circle": found.session.circle, "form": form},
    )


# --- Peer mentors ----------------------------------------------------------------------------


@rule(Audience.SCOPED, objects=["program_id"], methods=["GET", "POST"])
def peer_list(request: AuthenticatedRequest, program_id: int) -> HttpResponse:
    program = access_program(request.user, program_id, action=Action.MANAGE).program
    candidates = selectors.alumni_candidates(program)
    if request.method == "POST":
        chosen = candidates.filter(
            pk__in=[v for v in request.POST.getlist("people") if v.isdigit()][:50]
        )
        if not chosen:
            messages.error(request, _("Choose at least one person to invite."))
        invited = 0
        for person in chosen:
            try:
                peers.peer_invite(actor=request.user, program=program, participant=person)
                invited += 1
            except base.CircleError as error:
                messages.error(request, str(error))
        if invited:
            messages.success(
                request,
                ngettext(
                    "%(count)s invitation sent, in the person's language.",
                    "%(count)s invitations sent, each in the person's language.",
                    invited,
                )
                % {"count": invited},
            )
        return redirect("circles:peers", program_id=program.pk)
    return render(
        request,
        "circles/peers.html",
        {
            "program": program,
            "candidates": candidates[:50],
            "peers": selectors.peer_mentors_of(program),
            "is_peer_program": program.kind == "peer",
        },
    )


@rule(Audience.SCOPED, objects=["peer_mentor_id"], methods=["GET", "POST"])
def peer_detail(request: AuthenticatedRequest, peer_mentor_id: int) -> HttpResponse:
    found = access_peer_mentor(request.user, peer_mentor_id, action=Action.VIEW)
    peer = found.peer
    conversation_form = None
    if found.can_manage and peer.is_ready:
        conversation_form = forms.ConversationForm(
            request.POST or None,
            queryset=selectors.waiting_people(peer.program.organization_id),
        )
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action in ("accept", "decline") and (found.is_self or found.can_manage):
                if peer.status != PeerStatus.INVITED and not found.can_manage:
                    raise base.CircleError(_("You already answered this invitation."))
                peers.peer_answer(actor=request.user, peer=peer, accept=action == "accept")
                messages.success(
                    request,
                    _("Your answer was saved.") if found.is_self else _("The answer was recorded."),
                )
            elif action == "brief" and found.can_manage:
                peers.peer_brief(actor=request.user, peer=peer)
                messages.success(
                    request, _("The briefing was recorded: the peer mentor can now join sessions.")
                )
            elif action == "propose" and conversation_form is not None:
                if conversation_form.is_valid():
                    peers.peer_conversation_propose(
                        actor=request.user, peer=peer, **conversation_form.cleaned_data
                    )
                    messages.success(request, _("The conversation was proposed to both people."))
                else:
                    raise base.CircleError(
                        _("Choose the job-seeker and the number of conversations.")
                    )
            else:
                raise Http404
        except base.CircleError as error:
            messages.error(request, str(error))
        return redirect("circles:peer", peer_mentor_id=peer.pk)
    return render(
        request,
        "circles/peer.html",
        {
            "peer": peer,
            "is_self": found.is_self,
            "can_manage": found.can_manage,
            "conversation_form": conversation_form,
            "conversations": peer.conversations.select_related("mentee"),
            "record_form": forms.ConversationRecordForm(),
        },
    )


@rule(Audience.SCOPED, objects=["peer_conversation_id"], methods=["POST"])
def peer_conversation_record(
    request: AuthenticatedRequest, peer_conversation_id: int
) -> HttpResponse:
    conversation = access_peer_conversation(
        request.user, peer_conversation_id, action=Action.MANAGE
    )
    form = forms.ConversationRecordForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose how many conversations were held."))
    else:
        try:
            peers.peer_conversation_record(
                actor=request.user, conversation=conversation, held=form.cleaned_data["held"]
            )
        except base.CircleError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("What took place was recorded."))
    return redirect("circles:peer", peer_mentor_id=conversation.peer_id)
