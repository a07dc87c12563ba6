"""The community's pages. Members-only pages answer 404 to everyone who is not a member (the
access functions), carry `noindex` (header and meta) and are never cached by a shared cache.
Each view asks `community.access` for its record, calls one service or selector, renders."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from tandem.accounts.http import AuthenticatedRequest
from tandem.community import access, forms, selectors
from tandem.community.http import members_only
from tandem.community.models import Frequency, MembershipStatus, ReactionKind, SpaceKind
from tandem.community.search import SOURCES
from tandem.community.services import CommunityError
from tandem.community.services import communities as community_services
from tandem.community.services import conversations as conversation_services
from tandem.community.services import threads as thread_services
from tandem.core import files
from tandem.core.access import Action, Audience, rule
from tandem.core.i18n import current_language


def page(
    request: AuthenticatedRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    """A members-only page: never indexed, never kept by a shared cache."""
    return members_only(render(request, template, context, status=status))


def _refused(form: Any, error: CommunityError | ValidationError) -> None:
    form.add_error(None, error.messages[0] if isinstance(error, ValidationError) else str(error))


# --- Communities ------------------------------------------------------------------------------


@rule(Audience.SIGNED_IN)
def index(request: AuthenticatedRequest) -> HttpResponse:
    return page(request, "community/index.html", selectors.communities_for(request.user))


@rule(Audience.SIGNED_IN, methods=["GET", "POST"])
def create(request: AuthenticatedRequest) -> HttpResponse:
    hosts = access.organizations_that_may_host(request.user)
    form = forms.NewCommunityForm(request.POST or None, hosts=hosts)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            community = community_services.community_create(
                actor=request.user,
                host=data["host"],
                slug=data["slug"],
                name_en=data["name_en"],
                name_fr=data["name_fr"],
                description_en=data["description_en"],
                description_fr=data["description_fr"],
                terms_en=data["terms_en"],
                terms_fr=data["terms_fr"],
            )
        except CommunityError as error:
            _refused(form, error)
        else:
            messages.success(
                request, _("The community is ready: add member organizations, then invite people.")
            )
            return redirect("community:settings", community_slug=community.slug)
    return page(
        request,
        "community/create.html",
        {"form": form, "may_host": hosts.exists()},
        status=400 if form.errors else 200,
    )


@rule(Audience.SCOPED, objects=["community_slug"])
def detail(request: AuthenticatedRequest, community_slug: str) -> HttpResponse:
    found = access.access_community(request.user, community_slug)
    community = found.community
    spaces = selectors.space_list(request.user, community)
    return page(
        request,
        "community/detail.html",
        {
            "community": community,
            "found": found,
            "spaces": spaces,
            "needs_terms": (found.membership.terms_version or 0) < community.terms_version,
            "agree_form": forms.AgreeForm(),
        },
    )


@rule(Audience.SCOPED, objects=["community_slug"], methods=["GET", "POST"])
def join(request: AuthenticatedRequest, community_slug: str) -> HttpResponse:
    """The card and terms of a community, to ask to join, answer an invitation, or agree to
    changed terms; open to people of its member organizations."""
    found = access.access_community_to_join(request.user, community_slug)
    community, membership = found.community, found.membership
    invited = membership is not None and membership.status == MembershipStatus.INVITED
    form = forms.JoinForm(request.POST or None, organizations=found.organizations, invited=invited)
    if request.method == "POST" and form.is_valid():
        try:
            if invited:
                community_services.member_accept_invitation(
                    actor=request.user, community=community, agree=form.cleaned_data["agree"]
                )
                messages.success(request, _("Welcome: you are a member of this community."))
                return redirect("community:detail", community_slug=community.slug)
            community_services.member_request(
                actor=request.user,
                community=community,
                organization=form.cleaned_data["organization"],
                note=form.cleaned_data["note"],
                agree=form.cleaned_data["agree"],
            )
        except CommunityError as error:
            _refused(form, error)
        else:
            messages.success(request, _("Your request is sent: a moderator will answer it."))
            return redirect("community:join", community_slug=community.slug)
    return page(
        request,
        "community/join.html",
        {"community": community, "membership": membership, "invited": invited, "form": form},
        status=400 if form.errors else 200,
    )


@rule(Audience.SCOPED, objects=["community_slug"], methods=["POST"])
def agree(request: AuthenticatedRequest, community_slug: str) -> HttpResponse:
    found = access.access_community(request.user, community_slug)
    form = forms.AgreeForm(request.POST)
    if form.is_valid():
        community_services.terms_agree(actor=request.user, membership=found.membership)
        messages.success(request, _("Thank you: you agreed to the new terms of reference."))
    else:
        messages.error(request, _("Agree to the terms of reference to go on posting."))
    return redirect("community:detail", community_slug=community_slug)


@rule(Audience.SCOPED, objects=["community_slug"], methods=["POST"])
def leave(request: AuthenticatedRequest, community_slug: str) -> HttpResponse:
    found = access.access_community(request.user, community_slug)
    try:
        community_services.member_remove(actor=request.user, membership=found.membership)
    except CommunityError as error:
        messages.error(request, str(error))
        return redirect("community:detail", community_slug=community_slug)
    messages.success(request, _("You left the community."))
    return redirect("community:index")


@rule(Audience.SCOPED, objects=["community_slug"], methods=["GET", "POST"])
def settings_page(request: AuthenticatedRequest, community_slug: str) -> HttpResponse:
    """Moderators: names, terms of reference, member organizations, spaces."""
    found = access.access_community(request.user, community_slug, action=Action.MANAGE)
    community = found.community
    initial = {
        f: getattr(community, f)
        for f in ("name_en", "name_fr", "description_en", "description_fr", "terms_en", "terms_fr")
    }
    action = request.POST.get("form", "")
    form = forms.EditCommunityForm(request.POST if action == "community" else None, initial=initial)
    organizations = selectors.organizations_to_choose()
    organizations_form = forms.OrganizationsForm(
        request.POST if action == "organizations" else None,
        organizations=organizations,
        initial={"organizations": list(community.organizations.all())},
    )
    space_form = forms.SpaceForm(request.POST if action == "space" else None, prefix="space")
    if request.method == "POST":
        try:
            if action == "community" and form.is_valid():
                community_services.community_update(
                    actor=request.user, community=community, **form.cleaned_data
                )
                messages.success(request, _("The community is saved."))
                return redirect("community:settings", community_slug=community.slug)
            if action == "organizations" and organizations_form.is_valid():
                community_services.organizations_set(
                    actor=request.user,
                    community=community,
                    organizations=list(organizations_form.cleaned_data["organizations"]),
                )
                messages.success(request, _("The member organizations are saved."))
                return redirect("community:settings", community_slug=community.slug)
            if action == "space" and space_form.is_valid():
                space = community_services.space_create(
                    actor=request.user, community=community, **space_form.cleaned_data
                )
                messages.success(request, _("The space is created."))
                if space.kind != SpaceKind.OPEN:
                    return redirect(
                        "community:space_members",
                        community_slug=community.slug,
                        space_slug=space.slug,
                    )
                return redirect("community:settings", community_slug=community.slug)
        except CommunityError as error:
            _refused(
                {"community": form, "organizations": organizations_form, "space": space_form}.get(
                    action, form
                ),
                error,
            )
    invalid = request.method == "POST"
    return page(
        request,
        "community/settings.html",
        {
            "community": community,
            "form": form,
            "organizations_form": organizations_form,
            "space_form": space_form,
            "spaces": selectors.space_list(request.user, community),
        },
        status=400 if invalid else 200,
    )


# --- Members ----------------------------------------------------------------------------------


@rule(Audience.SCOPED, objects=["community_slug"], methods=["GET", "POST"])
def members(request: AuthenticatedRequest, community_slug: str) -> HttpResponse:
    """Every member sees who is in the community (and their handle, to mention them);
    moderators also invite, answer requests, remove and name moderators."""
    found = access.access_community(request.user, community_slug)
    community = found.community
    invite_form = forms.InviteForm(request.POST or None) if found.can_moderate else None
    if request.method == "POST":
        if invite_form is None:
            raise Http404
        if invite_form.is_valid():
            try:
                community_services.member_invite(
                    actor=request.user,
                    community=community,
                    email=invite_form.cleaned_data["email"],
                    note=invite_form.cleaned_data["note"],
                )
            except CommunityError as error:
                _refused(invite_form, error)
            else:
                messages.success(request, _("The invitation is sent."))
                return redirect("community:members", community_slug=community.slug)
    return page(
        request,
        "community/members.html",
        {
            "community": community,
            "found": found,
            "members": selectors.members_of(community),
            "pending": selectors.requests_and_invitations(community) if found.can_moderate else [],
            "invite_form": invite_form,
        },
        status=400 if invite_form is not None and invite_form.errors else 200,
    )


@rule(Audience.SCOPED, objects=["community_slug", "community_membership_id"], methods=["POST"])
def member_action(
    request: AuthenticatedRequest, community_slug: str, community_membership_id: int
) -> HttpResponse:
    _found, membership = access.access_community_membership(
        request.user, community_slug, community_membership_id
    )
    what = request.POST.get("action", "")
    try:
        if what in ("admit", "decline"):
            community_services.request_decide(
                actor=request.user, membership=membership, admit=what == "admit"
            )
        elif what == "remove":
            community_services.member_remove(
                actor=request.user,
                membership=membership,
                reason=request.POST.get("reason", "")[:300],
            )
        elif what in ("moderator", "not_moderator"):
            community_services.moderator_set(
                actor=request.user, membership=membership, is_moderator=what == "moderator"
            )
        else:
            raise CommunityError(_("Choose what to do."))
    except CommunityError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Done."))
    return redirect("community:members", community_slug=community_slug)


@rule(Audience.SCOPED, objects=["community_slug"], methods=["GET", "POST"])
def preferences(request: AuthenticatedRequest, community_slug: str) -> HttpResponse:
    found = access.access_community(request.user, community_slug)
    spaces = selectors.space_list(request.user, found.community)
    rows = selectors.preferences_of(found.membership, spaces)
    form = forms.PreferencesForm(request.POST or None, rows=rows)
    if request.method == "POST" and form.is_valid():
        community_services.preferences_set(
            actor=request.user, membership=found.membership, choices=form.choices()
        )
        messages.success(request, _("Your e-mail preferences are saved."))
        return redirect("community:preferences", community_slug=community_slug)
    return page(
        request,
        "community/preferences.html",
        {"community": found.community, "form": form, "frequencies": Frequency.choices},
    )


# --- Spaces and threads -------------------------------------------------------------------------


@rule(Audience.SCOPED, objects=["community_slug", "space_slug"])
def space(request: AuthenticatedRequest, community_slug: str, space_slug: str) -> HttpResponse:
    found = access.access_space(request.user, community_slug, space_slug)
    language = request.GET.get("language", "")
    threads = selectors.space_threads(
        found.space, language=language, page=_page_number(request), moderator=found.can_moderate
    )
    return page(
        request,
        "community/space.html",
        {
            "community": found.community,
            "space": found.space,
            "found": found,
            "threads": threads,
            "language": language,
        },
    )


def _page_number(request: AuthenticatedRequest) -> int:
    try:
        return max(1, min(int(request.GET.get("page", "1")), 100_000))
    except ValueError:
        return 1


@rule(Audience.SCOPED, objects=["community_slug", "space_slug"], methods=["GET", "POST"])
def space_members(
    request: AuthenticatedRequest, community_slug: str, space_slug: str
) -> HttpResponse:
    """A targeted space's own members (moderators)."""
    found = access.access_space(request.user, community_slug, space_slug, action=Action.MANAGE)
    candidates = access.community_members(found.community).select_related("user", "organization")
    initial = list(found.space.members.all())
    if not initial and found.space.kind == SpaceKind.PROVINCE:
        initial = community_services.province_members(found.space)
    form = forms.SpaceMembersForm(
        request.POST or None, members=candidates, initial={"members": initial}
    )
    if request.method == "POST" and form.is_valid():
        try:
            community_services.space_members_set(
                actor=request.user,
                space=found.space,
                memberships=list(form.cleaned_data["members"]),
            )
        except CommunityError as error:
            _refused(form, error)
        else:
            messages.success(request, _("The members of the space are saved."))
            return redirect("community:space", community_slug=community_slug, space_slug=space_slug)
    return page(
        request,
        "community/space_members.html",
        {"community": found.community, "space": found.space, "form": form},
        status=400 if form.errors else 200,
    )


@rule(Audience.SCOPED, objects=["community_slug", "space_slug"], methods=["GET", "POST"])
def thread_new(request: AuthenticatedRequest, community_slug: str, space_slug: str) -> HttpResponse:
    """Start a thread. Before the first post goes out, threads with similar titles are shown
    ("has this been asked already?"); the writer posts anyway or opens one of them."""
    found = access.access_space(request.user, community_slug, space_slug)
    form = forms.ThreadForm(
        request.POST or None, request.FILES or None, initial={"language": current_language()}
    )
    similar: list[Any] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        similar = selectors.similar_threads(request.user, found.community, data["title"])
        if similar and not data["seen_similar"]:
            form = forms.ThreadForm(
                initial={
                    **{k: v for k, v in data.items() if k != "attachment"},
                    "seen_similar": True,
                }
            )
            if data["attachment"]:
                messages.info(request, _("Attach your file again when you post."))
        else:
            try:
                thread = thread_services.thread_start(
                    actor=request.user,
                    membership=found.membership,
                    space=found.space,
                    title=data["title"],
                    body=data["body"],
                    kind=data["kind"],
                    language=data["language"],
                    upload=data["attachment"],
                )
            except CommunityError as error:
                _refused(form, error)
            else:
                return redirect(
                    "community:thread", community_slug=community_slug, thread_id=thread.pk
                )
    return page(
        request,
        "community/thread_new.html",
        {"community": found.community, "space": found.space, "form": form, "similar": similar},
        status=400 if form.errors else 200,
    )


@rule(Audience.SCOPED, objects=["community_slug", "thread_id"], methods=["GET", "POST"])
def thread(request: AuthenticatedRequest, community_slug: str, thread_id: int) -> HttpResponse:
    found = access.access_thread(request.user, community_slug, thread_id)
    form = forms.ReplyForm(
        request.POST or None, request.FILES or None, initial={"language": current_language()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            post = thread_services.reply(
                actor=request.user,
                membership=found.membership,
                thread=found.thread,
                body=form.cleaned_data["body"],
                language=form.cleaned_data["language"],
                upload=form.cleaned_data["attachment"],
            )
        except CommunityError as error:
            _refused(form, error)
        else:
            return redirect(
                reverse(
                    "community:thread",
                    kwargs={"community_slug": community_slug, "thread_id": thread_id},
                )
                + f"#post-{post.pk}"
            )
    else:
        thread_services.mentions_seen(actor=request.user, thread=found.thread)
    language = request.GET.get("language", "")
    return page(
        request,
        "community/thread.html",
        {
            "community": found.community,
            "found": found,
            "thread": found.thread,
            "posts": selectors.thread_posts(
                found.thread, user=request.user, moderator=found.can_moderate, language=language
            ),
            "language": language,
            "form": form,
            "reactions": ReactionKind.choices,
            "spaces": selectors.space_list(request.user, found.community)
            if found.can_moderate
            else [],
            "can_mark_answer": found.thread.is_question and (found.is_author or found.can_moderate),
        },
        status=400 if form.errors else 200,
    )


@rule(Audience.SCOPED, objects=["community_slug", "thread_id"], methods=["POST"])
def thread_moderate(
    request: AuthenticatedRequest, community_slug: str, thread_id: int
) -> HttpResponse:
    found = access.access_thread(request.user, community_slug, thread_id, action=Action.MANAGE)
    what = request.POST.get("action", "")
    try:
        if what in ("lock", "unlock"):
            thread_services.thread_lock(
                actor=request.user, thread=found.thread, lock=what == "lock"
            )
        elif what in ("hide", "show"):
            thread_services.thread_hide(
                actor=request.user, thread=found.thread, hide=what == "hide"
            )
        elif what == "move":
            target = access.space_or_404(
                request.user, found.community, request.POST.get("space", "")
            )
            thread_services.thread_move(actor=request.user, thread=found.thread, space=target)
        else:
            raise CommunityError(_("Choose what to do."))
    except CommunityError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Done."))
    return redirect("community:thread", community_slug=community_slug, thread_id=thread_id)


def _to_post(community_slug: str, thread_id: int, post_id: int) -> HttpResponse:
    return redirect(
        reverse(
            "community:thread", kwargs={"community_slug": community_slug, "thread_id": thread_id}
        )
        + f"#post-{post_id}"
    )


@rule(Audience.SCOPED, objects=["community_slug", "post_id"], methods=["POST"])
def react(request: AuthenticatedRequest, community_slug: str, post_id: int) -> HttpResponse:
    found = access.access_post(request.user, community_slug, post_id)
    form = forms.ReactionForm(request.POST)
    if form.is_valid():
        thread_services.reaction_toggle(
            actor=request.user, post=found.post, kind=form.cleaned_data["kind"]
        )
    return _to_post(community_slug, found.post.thread_id, found.post.pk)


@rule(Audience.SCOPED, objects=["community_slug", "post_id"], methods=["POST"])
def answer(request: AuthenticatedRequest, community_slug: str, post_id: int) -> HttpResponse:
    found = access.access_post(request.user, community_slug, post_id)
    thread = found.thread
    if not (thread.is_author or thread.can_moderate):
        messages.error(request, _("Only the person who asked, or a moderator, marks the answer."))
    else:
        try:
            undo = thread.thread.answer_id == found.post.pk
            thread_services.answer_mark(
                actor=request.user, thread=thread.thread, post=None if undo else found.post
            )
        except CommunityError as error:
            messages.error(request, str(error))
    return _to_post(community_slug, found.post.thread_id, found.post.pk)


@rule(Audience.SCOPED, objects=["community_slug", "post_id"], methods=["GET", "POST"])
def post_edit(request: AuthenticatedRequest, community_slug: str, post_id: int) -> HttpResponse:
    """Its author changes a post (everyone else: 404)."""
    found = access.access_post(request.user, community_slug, post_id)
    if not found.is_author:
        raise Http404
    form = forms.EditPostForm(
        request.POST or None, initial={"body": thread_services.editable_text(found.post)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            thread_services.post_edit(
                actor=request.user,
                membership=found.thread.membership,
                post=found.post,
                body=form.cleaned_data["body"],
            )
        except CommunityError as error:
            _refused(form, error)
        else:
            messages.success(request, _("Your post is changed."))
            return _to_post(community_slug, found.post.thread_id, found.post.pk)
    return page(
        request,
        "community/post_edit.html",
        {
            "community": found.thread.community,
            "thread": found.thread.thread,
            "post": found.post,
            "form": form,
            "refusal": thread_services.edit_refusal(found.post),
        },
        status=400 if form.errors else 200,
    )


@rule(Audience.SCOPED, objects=["community_slug", "post_id"], methods=["GET", "POST"])
def report(request: AuthenticatedRequest, community_slug: str, post_id: int) -> HttpResponse:
    found = access.access_post(request.user, community_slug, post_id)
    form = forms.ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            thread_services.post_report(
                actor=request.user, post=found.post, reason=form.cleaned_data["reason"]
            )
        except CommunityError as error:
            _refused(form, error)
        else:
            messages.success(request, _("Thank you: the moderators will look at this post."))
            return _to_post(community_slug, found.post.thread_id, found.post.pk)
    return page(
        request,
        "community/report.html",
        {"community": found.thread.community, "post": found.post, "form": form},
        status=400 if form.errors else 200,
    )


@rule(Audience.SCOPED, objects=["community_slug", "post_id"], methods=["POST"])
def hide(request: AuthenticatedRequest, community_slug: str, post_id: int) -> HttpResponse:
    found = access.access_post(request.user, community_slug, post_id, action=Action.MANAGE)
    form = forms.HideForm(request.POST)
    form.is_valid()
    thread_services.post_hide(
        actor=request.user,
        post=found.post,
        reason=form.cleaned_data.get("reason", ""),
        hide=request.POST.get("action", "hide") != "show",
    )
    messages.success(request, _("Done."))
    if request.POST.get("next") == "reports":
        return redirect("community:reports", community_slug=community_slug)
    return _to_post(community_slug, found.post.thread_id, found.post.pk)


@rule(Audience.SCOPED, objects=["community_slug"], methods=["GET", "POST"])
def reports(request: AuthenticatedRequest, community_slug: str) -> HttpResponse:
    """The moderators' queue of members' reports."""
    found = access.access_community(request.user, community_slug, action=Action.MANAGE)
    if request.method == "POST":
        _found, row = access.access_report(
            request.user, community_slug, _int(request.POST.get("report", ""))
        )
        try:
            thread_services.report_dismiss(actor=request.user, report=row)
        except CommunityError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The report is dismissed."))
        return redirect("community:reports", community_slug=community_slug)
    return page(
        request,
        "community/reports.html",
        {"community": found.community, "reports": selectors.open_reports(found.community)},
    )


def _int(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        return 0


@rule(Audience.SCOPED, objects=["community_slug"])
def search(request: AuthenticatedRequest, community_slug: str) -> HttpResponse:
    found = access.access_community(request.user, community_slug)
    query = request.GET.get("q", "")[:200]
    language = request.GET.get("language", "")
    searched = bool(query.strip())
    results = (
        selectors.post_search(request.user, found.community, query, language=language)
        if searched
        else []
    )
    # The repertoire's resources (and whatever else the floors above registered), read through
    # their own policies: one search box for the whole community.
    others = SOURCES.search(request.user, found.community, query) if searched else []
    return page(
        request,
        "community/search.html",
        {
            "community": found.community,
            "query": query,
            "language": language,
            "results": results,
            "others": others,
        },
    )


@rule(Audience.SCOPED, objects=["community_slug", "attachment_id"])
def attachment(
    request: AuthenticatedRequest, community_slug: str, attachment_id: int
) -> HttpResponseBase:
    """A file attached to a post or a message, only through this access check: never a public
    media URL. Always a download (never shown inline), with its checked type."""
    found = access.access_attachment(request.user, community_slug, attachment_id)
    return members_only(
        files.download(found.file, name=found.original_name, content_type=found.content_type)
    )


# --- Private conversations ----------------------------------------------------------------------


@rule(Audience.SCOPED, objects=["community_slug"], methods=["GET", "POST"])
def conversations(request: AuthenticatedRequest, community_slug: str) -> HttpResponse:
    found = access.access_community(request.user, community_slug)
    members = (
        access.community_members(found.community)
        .exclude(user=request.user)
        .select_related("user", "organization")
    )
    initial = {}
    to = request.GET.get("to", "")
    if to.isdigit():
        initial["recipients"] = list(members.filter(pk=int(to)))
    form = forms.ConversationForm(request.POST or None, members=members, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            conversation = conversation_services.conversation_start(
                actor=request.user,
                community=found.community,
                recipients=[m.user for m in form.cleaned_data["recipients"]],
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
            )
        except CommunityError as error:
            _refused(form, error)
        else:
            return redirect(
                "community:conversation",
                community_slug=community_slug,
                conversation_id=conversation.pk,
            )
    return page(
        request,
        "community/conversations.html",
        {
            "community": found.community,
            "conversations": selectors.conversation_list(request.user, found.community),
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@rule(Audience.SCOPED, objects=["community_slug", "conversation_id"], methods=["GET", "POST"])
def conversation(
    request: AuthenticatedRequest, community_slug: str, conversation_id: int
) -> HttpResponse:
    found = access.access_conversation(request.user, community_slug, conversation_id)
    form = forms.MessageForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            conversation_services.message_send(
                actor=request.user,
                conversation=found.conversation,
                body=form.cleaned_data["body"],
                upload=form.cleaned_data["attachment"],
            )
        except CommunityError as error:
            _refused(form, error)
        else:
            return redirect(
                "community:conversation",
                community_slug=community_slug,
                conversation_id=conversation_id,
            )
    else:
        conversation_services.conversation_read(actor=request.user, conversation=found.conversation)
    return page(
        request,
        "community/conversation.html",
        {
            "community": found.community,
            "conversation": found.conversation,
            "people": [m.user for m in found.conversation.members.select_related("user")],
            "chat": selectors.conversation_messages(found.conversation),
            "form": form,
        },
        status=400 if form.errors else 200,
    )
