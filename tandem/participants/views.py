from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from tandem.accounts.http import AuthenticatedRequest
from tandem.core import audit, files
from tandem.core.access import Action, Audience, Disclosure, disclosed, rule
from tandem.participants import duplicates, forms, selectors, services
from tandem.participants.access import (
    access_client_records,
    access_import_job,
    access_merge_pair,
    access_participant,
    access_resume,
    can_see_accommodations,
    participants_changeable_by,
    participants_visible_to,
)
from tandem.participants.csvformat import csv_lines
from tandem.participants.labels import problem_text
from tandem.participants.models import ImportStatus, ParticipantRole
from tandem.participants.record import LINKS, record_sections

# Fifty rows a page: the rows' rendering was half of the list's server time at 100 (issue 18).
PER_PAGE = 50


@rule(Audience.SCOPED, objects=["org_slug"])
def organization_participants(request: AuthenticatedRequest, org_slug: str) -> HttpResponse:
    organization = access_client_records(request.user, org_slug)
    role = request.GET.get("role") if request.GET.get("role") in ParticipantRole.values else None
    query = request.GET.get("q", "").strip()[:100]
    page = Paginator(
        selectors.participant_list(organization=organization, role=role, query=query), PER_PAGE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "participants/list.html",
        {
            "organization": organization,
            "participants": page,
            "page": page,
            "query": query,
            "role": role,
            "roles": ParticipantRole.choices,
            "imports": selectors.import_list(organization=organization)[:5],
        },
    )


@rule(Audience.SCOPED, objects=["participant_id"])
def detail(request: AuthenticatedRequest, participant_id: int) -> HttpResponse:
    found = access_participant(request.user, participant_id)
    participant = found.participant
    sees_accommodations = can_see_accommodations(request.user, participant)
    return render(
        request,
        "participants/detail.html",
        {
            "participant": participant,
            "can_change": found.can_change,
            "can_refer": found.can_refer,
            "accommodation": getattr(participant, "accommodation", None)
            if sees_accommodations
            else None,
            "can_see_accommodations": sees_accommodations,
            "resumes": participant.resumes.all(),
            "resume_form": forms.ResumeForm() if found.can_change else None,
            # What other areas hold about the person (referrals, programs), each through its
            # own policy: the sections they registered (record.py).
            "record_sections": record_sections(request.user, found),
            "record_links": LINKS.shown(participant.pk) if found.can_change else [],
            # The record's history goes to the staff who hold the record, not to every reader
            # (a referring caseworker elsewhere, the program's staff, the person).
            "history": audit.history_rows(participant) if found.can_change else None,
            # Other records that are probably this person, among those this staff member may
            # change (and so merge); nothing is shown to the record's other readers.
            "similar": duplicates.probable_duplicates(
                among=participants_changeable_by(request.user),
                role=participant.role,
                given_name=participant.given_name,
                family_name=participant.family_name,
                date_of_birth=participant.date_of_birth,
                phone=participant.phone,
                email=participant.email,
                exclude_pk=participant.pk,
            )[:10]
            if found.can_change
            else [],
        },
    )


@rule(Audience.SCOPED, objects=["org_slug"], methods=["GET", "POST"])
def participant_create(request: AuthenticatedRequest, org_slug: str) -> HttpResponse:
    organization = access_client_records(request.user, org_slug)
    role = "mentor" if request.GET.get("role") == "mentor" else "mentee"
    form = forms.form_for(role)(request.POST or None)
    form.instance.organization = organization
    form.instance.role = role
    context = {"form": form, "organization": organization, "participant": None, "role": role}
    if request.method == "POST" and form.is_valid():
        # A person already on file (visible to this staff member) is shown before a second
        # record is made; staff who know it is someone else say so and save.
        similar = list(
            duplicates.probable_duplicates(
                among=participants_visible_to(request.user), role=role, **form.identity()
            )[:10]
        )
        if similar and not request.POST.get("not_a_duplicate"):
            return render(
                request,
                "participants/form.html",
                {**context, "similar": similar},
            )
        participant = services.participant_create(
            actor=request.user, organization=organization, role=role, **form.record_fields()
        )
        messages.success(
            request, _("The record was saved. See which programs the person qualifies for.")
        )
        return redirect("referrals:eligibility", participant_id=participant.pk)
    return render(request, "participants/form.html", context)


@rule(Audience.SCOPED, objects=["participant_id"], methods=["GET", "POST"])
def participant_edit(request: AuthenticatedRequest, participant_id: int) -> HttpResponse:
    participant = access_participant(request.user, participant_id, action=Action.CHANGE).participant
    form = forms.form_for(participant.role)(request.POST or None, instance=participant)
    if request.method == "POST" and form.is_valid():
        fields = form.record_fields(form.changed_data)
        services.participant_update(actor=request.user, participant=participant, **fields)
        messages.success(request, _("The record was saved."))
        return redirect("participants:detail", participant_id=participant.pk)
    return render(
        request,
        "participants/form.html",
        {
            "form": form,
            "organization": participant.organization,
            "participant": participant,
            "role": participant.role,
        },
    )


@rule(Audience.SCOPED, objects=["participant_id"], methods=["GET", "POST"])
def accommodation_edit(request: AuthenticatedRequest, participant_id: int) -> HttpResponse:
    participant = access_participant(request.user, participant_id, action=Action.CHANGE).participant
    current = getattr(participant, "accommodation", None)
    form = forms.AccommodationForm(
        request.POST or None,
        initial={
            "needs": current.needs if current else "",
            "has_consent": bool(current),
            "share": current.share_with_programs if current else False,
        },
    )
    if request.method == "POST" and form.is_valid():
        saved = services.accommodation_save(
            actor=request.user,
            participant=participant,
            needs=form.cleaned_data["needs"],
            has_consent=form.cleaned_data["has_consent"],
            share=form.cleaned_data["share"],
        )
        messages.success(
            request,
            _("The accommodation needs were saved.")
            if saved
            else _("No accommodation need is recorded."),
        )
        return redirect("participants:detail", participant_id=participant.pk)
    return render(
        request, "participants/accommodation.html", {"participant": participant, "form": form}
    )


@rule(Audience.SCOPED, objects=["participant_id"], methods=["POST"])
def resume_upload(request: AuthenticatedRequest, participant_id: int) -> HttpResponse:
    participant = access_participant(request.user, participant_id, action=Action.CHANGE).participant
    form = forms.ResumeForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.resume_upload(
                actor=request.user, participant=participant, upload=form.cleaned_data["file"]
            )
        except services.ParticipantError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The résumé was uploaded."))
    else:
        messages.error(request, _("Choose a file to upload."))
    return redirect("participants:detail", participant_id=participant.pk)


@rule(Audience.SCOPED, objects=["resume_id"])
def resume_download(request: AuthenticatedRequest, resume_id: int) -> HttpResponseBase:
    resume = access_resume(request.user, resume_id)
    return files.download(resume.file, name=resume.original_name, content_type=resume.content_type)


@rule(Audience.SCOPED, objects=["resume_id"], methods=["POST"])
def resume_delete(request: AuthenticatedRequest, resume_id: int) -> HttpResponse:
    resume = access_resume(request.user, resume_id)
    participant = access_participant(
        request.user, resume.participant_id, action=Action.CHANGE
    ).participant
    services.resume_delete(actor=request.user, resume=resume)
    messages.success(request, _("The résumé was deleted."))
    return redirect("participants:detail", participant_id=participant.pk)


@rule(Audience.SCOPED, objects=["org_slug"], methods=["GET", "POST"])
def import_start(request: AuthenticatedRequest, org_slug: str) -> HttpResponse:
    organization = access_client_records(request.user, org_slug)
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.import_job_create(
                actor=request.user,
                organization=organization,
                upload=form.cleaned_data["file"],
                dry_run=form.cleaned_data["dry_run"],
            )
        except services.ParticipantError as error:
            form.add_error("file", str(error))
        else:
            return redirect("participants:import_status", import_id=job.pk)
    return render(
        request,
        "participants/import.html",
        {
            "organization": organization,
            "form": form,
            "imports": selectors.import_list(organization=organization)[:10],
        },
    )


PROBLEMS_PER_PAGE = 50


def _job_context(request: AuthenticatedRequest, job):
    """The job, one page of its stored problems, and how many there were of each kind."""
    page = Paginator(job.errors, PROBLEMS_PER_PAGE).get_page(request.GET.get("page"))
    return {
        "job": job,
        "errors": [dict(e, text=problem_text(e)) for e in page.object_list],
        "error_page": page,
        "error_total": job.error_total or len(job.errors),
        # Each kind with its count, named by its first stored example.
        "error_kinds": sorted(
            (
                (n, problem_text(next((e for e in job.errors if e["code"] == code), example)))
                for code, n in job.error_counts.items()
                for example in [{"code": code, "params": {}}]
            ),
            key=lambda item: -item[0],
        ),
        "warnings": [dict(w, text=problem_text(w)) for w in job.warnings[:PROBLEMS_PER_PAGE]],
        # Rows this import wrote that are probably a person already on file.
        "duplicates": [
            pair
            for pair in duplicates.duplicate_pairs(
                among=participants_changeable_by(request.user).filter(organization=job.organization)
            )
            if job.pk in (pair.first.last_import_id, pair.second.last_import_id)
        ]
        if job.status == ImportStatus.DONE and not job.is_dry_run
        else [],
    }


@rule(Audience.SCOPED, objects=["import_id"])
def import_status(request: AuthenticatedRequest, import_id: int) -> HttpResponse:
    job = access_import_job(request.user, import_id)
    return render(request, "participants/import_status.html", _job_context(request, job))


@rule(Audience.SCOPED, objects=["import_id"])
def import_progress(request: AuthenticatedRequest, import_id: int) -> HttpResponse:
    """The progress fragment that the status page polls with htmx until the import ends."""
    job = access_import_job(request.user, import_id)
    return render(request, "participants/_import_progress.html", _job_context(request, job))


@rule(Audience.SCOPED, objects=["org_slug"])
def export(request: AuthenticatedRequest, org_slug: str) -> HttpResponseBase:
    organization = access_client_records(request.user, org_slug)
    exported = selectors.participants_for_export(organization=organization)
    disclosed(exported, how=Disclosure.EXPORT)  # each person's log names this export
    response = StreamingHttpResponse(
        csv_lines(exported.iterator(chunk_size=2000)),  # streamed: memory stays flat
        content_type="text/csv; charset=utf-8",
    )
    stamp = timezone.localdate().isoformat()
    stem = pgettext("file name", "participants")  # in the reader's language
    response["Content-Disposition"] = content_disposition_header(
        True, f"{stem}-{organization.slug}-{stamp}.csv"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@rule(Audience.SCOPED, objects=["org_slug"], methods=("GET", "POST"))
def accounts(request: AuthenticatedRequest, org_slug: str) -> HttpResponse:
    """Participants' own accounts: who has one, who was invited; invitations sent in bulk."""
    from tandem.accounts import services as account_services

    organization = access_client_records(request.user, org_slug)
    if request.method == "POST":
        resend = request.POST.get("resend") == "on"
        chosen = selectors.participants_to_invite(organization=organization)
        if request.POST.get("scope") != "all":
            ids = [int(i) for i in request.POST.getlist("participant")[:1000] if i.isdigit()]
            chosen = chosen.filter(pk__in=ids)
        result = account_services.participants_invite(
            actor=request.user, participants=chosen, resend=resend
        )
        messages.success(
            request,
            _(
                "Invitations sent: %(invited)s. Linked to an existing account: %(linked)s. "
                "Already invited (not sent again): %(already)s."
            )
            % vars(result),
        )
        return redirect("participants:accounts", org_slug=organization.slug)
    without = selectors.participants_without_account(organization=organization)
    page = Paginator(without, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "participants/accounts.html",
        {
            "organization": organization,
            "page": page,
            "summary": selectors.account_summary(organization=organization),
        },
    )


@rule(Audience.SCOPED, objects=["org_slug"])
def duplicate_list(request: AuthenticatedRequest, org_slug: str) -> HttpResponse:
    """Records that are probably one person (same name and role, with the same date of birth,
    phone or e-mail), among the records this staff member may change, with one of the pair
    held by this organization."""
    organization = access_client_records(request.user, org_slug)
    pairs = [
        pair
        for pair in duplicates.duplicate_pairs(among=participants_changeable_by(request.user))
        if organization.pk in (pair.first.organization_id, pair.second.organization_id)
    ]
    return render(
        request, "participants/duplicates.html", {"organization": organization, "pairs": pairs}
    )


@rule(Audience.SCOPED, objects=["participant_id", "other_id"], methods=["GET", "POST"])
def merge(request: AuthenticatedRequest, participant_id: int, other_id: int) -> HttpResponse:
    """Two records side by side; staff choose the one to keep and confirm the merge."""
    first, second = access_merge_pair(request.user, participant_id, other_id)
    form = forms.MergeForm(request.POST or None, first=first, second=second)
    if request.method == "POST" and form.is_valid():
        kept, merged = (first, second) if form.cleaned_data["keep"] == first.pk else (second, first)
        try:
            kept = duplicates.participants_merge(actor=request.user, kept=kept, merged=merged)
        except duplicates.MergeError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("The two records are now one: everything is on the record kept."),
            )
            return redirect("participants:detail", participant_id=kept.pk)
    return render(
        request,
        "participants/merge.html",
        {"first": first, "second": second, "form": form},
    )
