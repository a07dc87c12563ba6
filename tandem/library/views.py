"""The library's pages: a community's repertoire (search, resources, drafts, review rounds,
versions, files), its directory of networks, its gatherings and its roster of spokespersons.

Every page is members-only: it is reached through `library.access` (the community's policy),
answers 404 to anyone else, tells search engines not to index it and shared caches not to keep
it (`community.http.members_only`, and the `robots` meta tag of `library/base.html`)."""

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.accounts.http import AuthenticatedRequest
from tandem.community.http import members_only_view
from tandem.core import files
from tandem.core.access import Action, Audience, rule
from tandem.library import forms, selectors
from tandem.library.access import (
    access_gathering,
    access_library,
    access_profile,
    access_resource,
    access_resource_file,
    access_review_round,
    access_spokesperson,
    access_version,
)
from tandem.library.graph import directory_graph
from tandem.library.services import LibraryError
from tandem.library.services import directory as directory_services
from tandem.library.services import gatherings as gathering_services
from tandem.library.services import resources as resource_services
from tandem.library.services import reviews as review_services


def _refused(form: Any, error: LibraryError) -> None:
    form.add_error(None, str(error))


# --- The repertoire ---------------------------------------------------------------------------


@rule(Audience.SIGNED_IN)
@members_only_view
def home(request: AuthenticatedRequest) -> HttpResponse:
    communities = list(selectors.library_communities(request.user))
    return render(
        request,
        "library/home.html",
        {
            "communities": communities,
            "reviews": [
                (community, list(selectors.reviews_waiting_for(request.user, community)))
                for community in communities
            ],
        },
    )


@rule(Audience.SCOPED, objects=["community_slug"])
@members_only_view
def resources(request: AuthenticatedRequest, community_slug: str) -> HttpResponse:
    community = access_library(request.user, community_slug).community
    form = forms.SearchForm(request.GET or None)
    filters = selectors.ResourceFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = selectors.ResourceFilters(
            text=data["q"],
            kind=data["kind"],
            topic=data["topic"],
            audience=data["audience"],
            province=data["province"],
        )
    found = selectors.resources_search(request.user, community, filters)
    return render(
        request,
        "library/resources.html",
        {
            "community": community,
            "form": form,
            "resources": found,
            "searched": bool(filters.text or filters.kind or filters.topic or filters.audience)
            or bool(filters.province),
            "drafts": selectors.drafts_of(request.user, community),
            "reviews": selectors.reviews_waiting_for(request.user, community),
            "section": "resources",
        },
    )


@rule(Audience.SCOPED, objects=["community_slug"], methods=["GET", "POST"])
@members_only_view
def resource_create(request: AuthenticatedRequest, community_slug: str) -> HttpResponse:
    """Starting a resource first shows the similar ones already shared ("prevent duplication of
    efforts"); the person opens one of them, or starts theirs anyway."""
    found = access_library(request.user, community_slug)
    community = found.community
    form = forms.ResourceForm(request.POST or None)
    similar: list[Any] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        about = " ".join([data["title_en"], data["title_fr"], data["description_en"]])
        similar = selectors.resources_similar(request.user, community, about)
        if similar and not data.get("checked_similar"):
            # Shown once: the same form posted again starts the resource.
            again = request.POST.copy()
            again["checked_similar"] = "True"
            form = forms.ResourceForm(again)
            form.is_valid()
        else:
            try:
                resource = resource_services.resource_create(
                    actor=request.user,
                    community=community,
                    organization=found.membership.organization,
                    tags=form.tags(),
                    sections=[],
                    **form.resource_fields(),
                )
            except LibraryError as error:
                _refused(form, error)
            else:
                messages.success(request, _("The resource is started. Write its sections."))
                return redirect("library:draft", resource_id=resource.pk)
    return render(
        request,
        "library/resource_form.html",
        {"community": community, "form": form, "similar": similar, "resource": None},
    )


@rule(Audience.SCOPED, objects=["resource_id"])
@members_only_view
def resource_detail(request: AuthenticatedRequest, resource_id: int) -> HttpResponse:
    found = access_resource(request.user, resource_id)
    resource = found.resource
    shown = resource.published_version or (
        resource_services.draft_of(resource) if found.can_manage or found.can_review else None
    )
    return render(
        request,
        "library/resource.html",
        {
            "community": resource.community,
            "resource": resource,
            "access": found,
            "shown": shown,
            "sections": selectors.sections_with_comments(shown, None) if shown else [],
            "files": shown.files.all() if shown else [],
            "versions": selectors.versions_of(resource, with_draft=found.can_manage),
            "draft": resource_services.draft_of(resource) if found.can_manage else None,
            "section": "resources",
        },
    )


@rule(Audience.SCOPED, objects=["resource_id"], methods=["GET", "POST"])
@members_only_view
def resource_edit(request: AuthenticatedRequest, resource_id: int) -> HttpResponse:
    resource = access_resource(request.user, resource_id, action=Action.MANAGE).resource
    form = forms.ResourceForm(request.POST or None, instance=resource)
    if request.method == "POST" and form.is_valid():
        try:
            resource_services.resource_update(
                actor=request.user, resource=resource, tags=form.tags(), **form.resource_fields()
            )
        except LibraryError as error:
            _refused(form, error)
        else:
            messages.success(request, _("The resource is saved."))
            return redirect("library:resource", resource_id=resource.pk)
    return render(
        request,
        "library/resource_form.html",
        {"community": resource.community, "form": form, "resource": resource, "similar": []},
    )


@rule(Audience.SCOPED, objects=["resource_id"], methods=["GET", "POST"])
@members_only_view
def draft_edit(request: AuthenticatedRequest, resource_id: int) -> HttpResponse:
    """The draft's sections (both languages side by side) and its files."""
    resource = access_resource(request.user, resource_id, action=Action.MANAGE).resource
    draft = resource_services.draft_of(resource)
    if draft is None:
        messages.info(request, _("This resource has no draft: start one to change it."))
        return redirect("library:resource", resource_id=resource.pk)
    which = request.POST.get("form")
    formset = forms.SectionFormSet(
        request.POST if which == "sections" else None,
        queryset=draft.sections.all(),
        prefix="sections",
    )
    file_form = forms.FileForm(
        request.POST if which == "file" else None, request.FILES if which == "file" else None
    )
    if which == "sections" and formset.is_valid():
        try:
            resource_services.draft_sections_save(
                actor=request.user, resource=resource, sections=forms.sections_of(formset)
            )
        except LibraryError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The draft is saved."))
            return redirect("library:draft", resource_id=resource.pk)
    if which == "file" and file_form.is_valid():
        try:
            resource_services.file_attach(
                actor=request.user,
                resource=resource,
                language=file_form.cleaned_data["language"],
                upload=file_form.cleaned_data["upload"],
            )
        except LibraryError as error:
            _refused(file_form, error)
        else:
            messages.success(request, _("The file is attached to the draft."))
            return redirect("library:draft", resource_id=resource.pk)
    return render(
        request,
        "library/draft.html",
        {
            "community": resource.community,
            "resource": resource,
            "draft": draft,
            "formset": formset,
            "file_form": file_form,
            "files": draft.files.all(),
            "open_round": resource.review_rounds.filter(closed_at__isnull=True).first(),
            "section": "resources",
        },
    )


@rule(Audience.SCOPED, objects=["resource_id"], methods=["POST"])
@members_only_view
def draft_start(request: AuthenticatedRequest, resource_id: int) -> HttpResponse:
    resource = access_resource(request.user, resource_id, action=Action.MANAGE).resource
    try:
        draft = resource_services.draft_start(actor=request.user, resource=resource)
    except LibraryError as error:
        messages.error(request, str(error))
        return redirect("library:resource", resource_id=resource.pk)
    messages.success(
        request, _("Version %(number)d is started as a draft.") % {"number": draft.number}
    )
    return redirect("library:draft", resource_id=resource.pk)


@rule(Audience.SCOPED, objects=["resource_id"], methods=["GET", "POST"])
@members_only_view
def publish(request: AuthenticatedRequest, resource_id: int) -> HttpResponse:
    found = access_resource(request.user, resource_id, action=Action.MANAGE)
    resource = found.resource
    draft = resource_services.draft_of(resource)
    if draft is None:
        messages.info(request, _("There is no draft to publish."))
        return redirect("library:resource", resource_id=resource.pk)
    form = forms.PublishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = resource_services.version_publish(
                actor=request.user, resource=resource, **form.cleaned_data
            )
        except LibraryError as error:
            _refused(form, error)
        else:
            messages.success(
                request, _("Version %(number)d is published.") % {"number": version.number}
            )
            return redirect("library:resource", resource_id=resource.pk)
    reviewers = selectors.reviewers_of(draft)
    return render(
        request,
        "library/publish.html",
        {
            "community": resource.community,
            "resource": resource,
            "draft": draft,
            "form": form,
            "reviewers": reviewers,
            "open_round": found.open_round,
            "section": "resources",
        },
    )


@rule(Audience.SCOPED, objects=["resource_id"], methods=["GET", "POST"])
@members_only_view
def round_open(request: AuthenticatedRequest, resource_id: int) -> HttpResponse:
    found = access_resource(request.user, resource_id, action=Action.MANAGE)
    resource = found.resource
    if found.open_round is not None:  # one round at a time: the page leads to it
        return render(
            request,
            "library/round_form.html",
            {
                "community": resource.community,
                "resource": resource,
                "open_round": found.open_round,
                "section": "resources",
            },
        )
    hubs = selectors.hubs_to_invite(resource)
    form = forms.RoundForm(request.POST or None, hubs=hubs)
    if request.method == "POST" and form.is_valid():
        try:
            review = review_services.round_open(
                actor=request.user,
                resource=resource,
                organizations=form.cleaned_data["organizations"],
                message=form.cleaned_data["message"],
            )
        except LibraryError as error:
            _refused(form, error)
        else:
            messages.success(request, _("The review round is open; the hubs are invited."))
            return redirect("library:review", round_id=review.pk)
    return render(
        request,
        "library/round_form.html",
        {
            "community": resource.community,
            "resource": resource,
            "form": form,
            "section": "resources",
        },
    )


@rule(Audience.SCOPED, objects=["round_id"], methods=["GET", "POST"])
@members_only_view
def review(request: AuthenticatedRequest, round_id: int) -> HttpResponse:
    """The draft under review, section by section with the comments; reviewers comment, the
    owner invites more hubs or closes the round."""
    found, review_round = access_review_round(request.user, round_id)
    resource = found.resource
    can_comment = found.can_review and found.open_round == review_round
    sections = review_round.version.sections.all()
    comment_form = forms.CommentForm(
        request.POST if request.POST.get("form") == "comment" and can_comment else None,
        sections=sections,
    )
    invite_form = forms.RoundForm(
        request.POST if request.POST.get("form") == "invite" and found.can_manage else None,
        hubs=selectors.hubs_to_invite(resource, review_round),
    )
    try:
        if comment_form.is_bound and comment_form.is_valid():
            data = comment_form.cleaned_data
            review_services.comment_add(
                actor=request.user,
                review=review_round,
                section=data["section"],
                body=data["body"],
                organization=found.membership.organization,
            )
            messages.success(request, _("Your comment is added."))
            return redirect(f"{request.path}#section-{data['section'].position}")
        if invite_form.is_bound and invite_form.is_valid():
            review_services.round_invite(
                actor=request.user,
                review=review_round,
                organizations=invite_form.cleaned_data["organizations"],
            )
            messages.success(request, _("The hubs are invited."))
            return redirect(request.path)
        if request.POST.get("form") == "close" and found.can_manage:
            review_services.round_close(actor=request.user, review=review_round)
            messages.success(request, _("The review round is closed."))
            return redirect(request.path)
    except LibraryError as error:
        _refused(comment_form if comment_form.is_bound else invite_form, error)
    return render(
        request,
        "library/review.html",
        {
            "community": resource.community,
            "resource": resource,
            "access": found,
            "round": review_round,
            "sections": selectors.sections_with_comments(review_round.version, review_round),
            "invited": review_round.invitations.select_related("organization"),
            "can_comment": can_comment,
            "comment_form": comment_form,
            "invite_form": invite_form if found.can_manage and review_round.is_open else None,
            "section": "resources",
        },
    )


@rule(Audience.SCOPED, objects=["version_id"])
@members_only_view
def version_detail(request: AuthenticatedRequest, version_id: int) -> HttpResponse:
    found, version = access_version(request.user, version_id)
    return render(
        request,
        "library/version.html",
        {
            "community": found.resource.community,
            "resource": found.resource,
            "version": version,
            "sections": selectors.sections_with_comments(version, None),
            "files": version.files.all(),
            "credits": selectors.credits_of(version),
            "section": "resources",
        },
    )


@rule(Audience.SCOPED, objects=["file_id"])
@members_only_view
def file_download(request: AuthenticatedRequest, file_id: int) -> HttpResponseBase:
    attached = access_resource_file(request.user, file_id)
    return files.download(
        attached.file, name=attached.original_name, content_type=attached.content_type
    )


# --- The directory ----------------------------------------------------------------------------


@rule(Audience.SCOPED, objects=["community_slug"])
@members_only_view
def directory(request: AuthenticatedRequest, community_slug: str) -> HttpResponse:
    found = access_library(request.user, community_slug)
    community = found.community
    form = forms.DirectorySearchForm(request.GET or None)
    text = form.cleaned_data["q"] if form.is_valid() else ""
    organizations = selectors.directory_of(community, text)
    everyone = organizations if not text else selectors.directory_of(community)
    return render(
        request,
        "library/directory.html",
        {
            "community": community,
            "form": form,
            "organizations": organizations,
            "searched": bool(text),
            "graph": directory_graph(everyone),
            "partnerships": [(org, org.partnerships.all()) for org in everyone],
            "editable": selectors.profiles_kept_by(request.user, community),
            "section": "directory",
        },
    )


@rule(Audience.SCOPED, objects=["org_slug"], methods=["GET", "POST"])
@members_only_view
def profile_edit(request: AuthenticatedRequest, org_slug: str) -> HttpResponse:
    organization = access_profile(request.user, org_slug)
    profile = selectors.profile_of(organization)
    form = forms.ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        directory_services.profile_save(
            actor=request.user, organization=organization, **form.cleaned_data
        )
        messages.success(request, _("The profile is saved."))
        return redirect("library:profile_edit", org_slug=organization.slug)
    return render(
        request,
        "library/profile_form.html",
        {
            "organization": organization,
            "form": form,
            "communities": selectors.library_communities(request.user).filter(
                organizations=organization
            ),
        },
    )


# --- Gatherings -------------------------------------------------------------------------------


@rule(Audience.SCOPED, objects=["community_slug"])
@members_only_view
def gatherings(request: AuthenticatedRequest, community_slug: str) -> HttpResponse:
    found = access_library(request.user, community_slug)
    return render(
        request,
        "library/gatherings.html",
        {
            "community": found.community,
            "upcoming": selectors.gatherings_of(found.community, past=False),
            "past": selectors.gatherings_of(found.community, past=True)[:20],
            "can_organize": found.can_moderate,
            "section": "gatherings",
        },
    )


@rule(Audience.SCOPED, objects=["community_slug"], methods=["GET", "POST"])
@members_only_view
def gathering_create(request: AuthenticatedRequest, community_slug: str) -> HttpResponse:
    found = access_library(request.user, community_slug)
    if not found.can_moderate:
        return _only_moderators(request, found.community)
    form = forms.GatheringForm(
        request.POST or None,
        roster=selectors.roster_of(found.community),
        spaces=selectors.announcement_spaces(found.community),
    )
    if request.method == "POST" and form.is_valid():
        try:
            gathering = gathering_services.gathering_create(
                actor=request.user,
                community=found.community,
                speakers=form.cleaned_data["speakers"],
                space=form.cleaned_data["space"],
                **form.gathering_fields(),
            )
        except LibraryError as error:
            _refused(form, error)
        else:
            if gathering.space is not None:
                messages.success(
                    request,
                    _("The gathering is announced: the members of %(space)s are e-mailed.")
                    % {"space": gathering.space.name},
                )
            else:
                messages.success(request, _("The gathering is announced to the community."))
            return redirect("library:gathering", gathering_id=gathering.pk)
    return render(
        request,
        "library/gathering_form.html",
        {"community": found.community, "form": form, "gathering": None, "section": "gatherings"},
    )


def _only_moderators(request: AuthenticatedRequest, community: Any) -> HttpResponse:
    messages.info(request, _("The community's moderators organize its gatherings."))
    return redirect("library:gatherings", community_slug=community.slug)


@rule(Audience.SCOPED, objects=["gathering_id"], methods=["GET", "POST"])
@members_only_view
def gathering_detail(request: AuthenticatedRequest, gathering_id: int) -> HttpResponse:
    found = access_gathering(request.user, gathering_id)
    gathering = found.gathering
    if request.method == "POST":
        try:
            if request.POST.get("action") == "register":
                gathering_services.gathering_register(
                    actor=request.user, gathering=gathering, membership=found.membership
                )
                messages.success(request, _("You are registered."))
            elif request.POST.get("action") == "unregister":
                gathering_services.gathering_unregister(actor=request.user, gathering=gathering)
                messages.success(request, _("Your registration is cancelled."))
            elif request.POST.get("action") == "cancel" and found.can_manage:
                gathering_services.gathering_cancel(actor=request.user, gathering=gathering)
                messages.success(request, _("The gathering is cancelled."))
        except LibraryError as error:
            messages.error(request, str(error))
        return redirect("library:gathering", gathering_id=gathering.pk)
    registration = found.registration
    return render(
        request,
        "library/gathering.html",
        {
            "community": gathering.community,
            "gathering": gathering,
            "access": found,
            "is_registered": registration is not None and registration.is_registered,
            "taken": selectors.places_taken(gathering),
            "registrations": selectors.registrations_of(gathering) if found.can_manage else [],
            "materials": selectors.materials_of(request.user, gathering),
            "speakers": gathering.speakers.select_related("user", "organization"),
            "has_started": gathering.starts_at <= timezone.now(),
            "section": "gatherings",
        },
    )


@rule(Audience.SCOPED, objects=["gathering_id"], methods=["GET", "POST"])
@members_only_view
def gathering_edit(request: AuthenticatedRequest, gathering_id: int) -> HttpResponse:
    gathering = access_gathering(request.user, gathering_id, action=Action.MANAGE).gathering
    form = forms.GatheringForm(
        request.POST or None, instance=gathering, roster=selectors.roster_of(gathering.community)
    )
    if request.method == "POST" and form.is_valid():
        try:
            gathering_services.gathering_update(
                actor=request.user,
                gathering=gathering,
                speakers=form.cleaned_data["speakers"],
                **form.gathering_fields(),
            )
        except LibraryError as error:
            _refused(form, error)
        else:
            messages.success(request, _("The gathering is saved."))
            return redirect("library:gathering", gathering_id=gathering.pk)
    return render(
        request,
        "library/gathering_form.html",
        {
            "community": gathering.community,
            "form": form,
            "gathering": gathering,
            "section": "gatherings",
        },
    )


@rule(Audience.SCOPED, objects=["gathering_id"], methods=["GET", "POST"])
@members_only_view
def attendance(request: AuthenticatedRequest, gathering_id: int) -> HttpResponse:
    gathering = access_gathering(request.user, gathering_id, action=Action.MANAGE).gathering
    registrations = selectors.registrations_of(gathering)
    form = forms.AttendanceForm(request.POST or None, registrations=registrations)
    if request.method == "POST" and form.is_valid():
        present = {r.pk for r in form.cleaned_data["present"]}
        try:
            gathering_services.attendance_record(
                actor=request.user,
                gathering=gathering,
                present=present,
                absent=[r.pk for r in registrations if r.pk not in present],
            )
        except LibraryError as error:
            _refused(form, error)
        else:
            messages.success(request, _("Attendance is recorded."))
            return redirect("library:gathering", gathering_id=gathering.pk)
    return render(
        request,
        "library/attendance.html",
        {
            "community": gathering.community,
            "gathering": gathering,
            "form": form,
            "section": "gatherings",
        },
    )


@rule(Audience.SCOPED, objects=["gathering_id"], methods=["GET", "POST"])
@members_only_view
def materials(request: AuthenticatedRequest, gathering_id: int) -> HttpResponse:
    """Files a gathering's materials into the repertoire (its organizer and moderators)."""
    found = access_gathering(request.user, gathering_id, action=Action.MANAGE)
    gathering = found.gathering
    form = forms.MaterialForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            resource = gathering_services.material_add(
                actor=request.user,
                gathering=gathering,
                membership=found.membership,
                tags=form.tags(),
                upload=form.cleaned_data["upload"],
                language=form.cleaned_data["language"] or "en",
                **form.resource_fields(),
            )
        except LibraryError as error:
            _refused(form, error)
        else:
            messages.success(request, _("The material is filed in the repertoire."))
            return redirect("library:resource", resource_id=resource.pk)
    return render(
        request,
        "library/material_form.html",
        {
            "community": gathering.community,
            "gathering": gathering,
            "form": form,
            "section": "gatherings",
        },
    )


@rule(Audience.SCOPED, objects=["community_slug"], methods=["GET", "POST"])
@members_only_view
def roster(request: AuthenticatedRequest, community_slug: str) -> HttpResponse:
    found = access_library(request.user, community_slug)
    community = found.community
    mine = selectors.roster_of(community).filter(user=request.user).first()
    form = forms.SpokespersonForm(request.POST or None, instance=mine)
    if request.method == "POST" and form.is_valid():
        gathering_services.spokesperson_add(
            actor=request.user,
            membership=found.membership,
            expertise_en=form.cleaned_data["expertise_en"],
            expertise_fr=form.cleaned_data["expertise_fr"],
            languages=form.cleaned_data["languages"],
        )
        messages.success(request, _("You are on the roster of spokespersons."))
        return redirect("library:roster", community_slug=community.slug)
    return render(
        request,
        "library/roster.html",
        {
            "community": community,
            "roster": selectors.roster_of(community),
            "form": form,
            "mine": mine,
            "can_moderate": found.can_moderate,
            "section": "roster",
        },
    )


@rule(Audience.SCOPED, objects=["spokesperson_id"], methods=["POST"])
@members_only_view
def spokesperson_remove(request: AuthenticatedRequest, spokesperson_id: int) -> HttpResponse:
    found = access_spokesperson(request.user, spokesperson_id, action=Action.MANAGE)
    community = found.community
    gathering_services.spokesperson_remove(actor=request.user, spokesperson=found)
    messages.success(request, _("The roster is updated."))
    return redirect("library:roster", community_slug=community.slug)
