from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from tandem.accounts.http import AuthenticatedRequest
from tandem.core.access import Action, Audience, rule
from tandem.core.storage import name_part
from tandem.organizations.models import Organization
from tandem.participants.models import Participant
from tandem.participants.services import ParticipantError
from tandem.privacy import (
    consents,
    forms,
    incidents,
    requests,
    retention,
    selectors,
    services,
)
from tandem.privacy.access import (
    access_incident,
    access_person_privacy,
    access_privacy_office,
    access_privacy_request,
    offices_of,
)
from tandem.privacy.models import Incident, PrivacyRequest, RequestKind


def _consent_forms(participant: Participant, *, for_staff: bool) -> list[dict[str, Any]]:
    return [
        {
            "choice": choice,
            "form": forms.ConsentForm(
                for_staff=for_staff,
                initial={
                    "purpose": choice.purpose.code,
                    "given": "yes" if choice.is_given else "no",
                },
                prefix=choice.purpose.code,
            ),
        }
        for choice in consents.choices_of(participant)
    ]


@rule(Audience.SIGNED_IN)
def mine(request: AuthenticatedRequest) -> HttpResponse:
    """A person's own privacy page: who viewed their records, their consents, their requests;
    and, for people who work in an organization, its privacy office (whom to tell, where
    consent and requests are recorded; the office's own pages for its officer)."""
    records = list(selectors.records_of(request.user))
    offices = offices_of(request.user)
    return render(
        request,
        "privacy/mine.html",
        {
            "desks": selectors.desks_of(request.user, offices),
            "records": [
                {"participant": p, "consents": _consent_forms(p, for_staff=False)} for p in records
            ],
            "views": selectors.views_of(records)[: selectors.LOG_PAGE],
            "offices": offices,
            "requests": selectors.requests_of(records),
            "request_form": forms.RequestForm(),
        },
    )


@rule(Audience.SCOPED, objects=["participant_id"])
def person(request: AuthenticatedRequest, participant_id: int) -> HttpResponse:
    """A person's privacy page as staff, the officer or the person see it: consents (staff
    record them), their history, and who viewed the record (the person and the officer)."""
    found = access_person_privacy(request.user, participant_id, action=Action.CONSENT)
    reads_log = found.is_self or found.is_officer
    return render(
        request,
        "privacy/person.html",
        {
            "access": found,
            "person": found.participant,
            "reads_log": reads_log,
            "views": selectors.views_of([found.participant])[: selectors.LOG_PAGE]
            if reads_log
            else [],
            "consents": _consent_forms(found.participant, for_staff=not found.is_self),
            "history": consents.history_of(found.participant),
            "requests": selectors.requests_of([found.participant]) if reads_log else [],
            "holds": selectors.holds_of(found.participant) if found.is_officer else [],
            "hold_form": forms.HoldForm(),
            "request_form": forms.RequestForm(),
        },
    )


@rule(Audience.SCOPED, objects=["participant_id"], methods=["POST"])
def consent(request: AuthenticatedRequest, participant_id: int) -> HttpResponse:
    """Gives or withdraws one consent: the person on their page, or staff recording it."""
    found = access_person_privacy(request.user, participant_id, action=Action.CONSENT)
    code = request.POST.get("purpose", "")[:40]
    form = forms.ConsentForm(request.POST, for_staff=not found.is_self, prefix=code)
    purpose = selectors.purpose_get(code)
    back = (
        redirect("privacy:mine")
        if found.is_self
        else redirect("privacy:person", participant_id=found.participant.pk)
    )
    if purpose is None or not form.is_valid():
        messages.error(request, _("Choose whether you agree, then save."))
        return back
    try:
        consents.consent_record(
            actor=request.user,
            participant=found.participant,
            purpose=purpose,
            given=form.cleaned_data["given"],
            channel=form.cleaned_data.get("channel") or "",
        )
    except ParticipantError as problem:
        messages.error(request, str(problem))
        return back
    messages.success(request, _("The choice is saved and applies at once."))
    if found.is_self and not consents.needs_answer(request.user):
        request.session.pop(consents.REASK_KEY, None)
    return back


@rule(Audience.PLATFORM_ADMIN)
def purposes(request: AuthenticatedRequest) -> HttpResponse:
    """The purposes people consent to, their notices and versions (run by the network)."""
    return render(
        request,
        "privacy/purposes.html",
        {"purposes": [(p, len(consents.on_old_version(p))) for p in selectors.purposes()]},
    )


@rule(Audience.PLATFORM_ADMIN, objects=["purpose_code"], methods=["GET", "POST"])
def purpose(request: AuthenticatedRequest, purpose_code: str) -> HttpResponse:
    """A purpose's notice: saving it makes a new version, and lists who agreed to the old one."""
    found = selectors.purpose_get(purpose_code)
    if found is None:
        raise Http404
    form = forms.NoticeForm(request.POST or None, instance=found)
    if request.method == "POST" and form.is_valid():
        consents.notice_change(actor=request.user, purpose=found, fields=form.cleaned_data)
        messages.success(request, _("The new notice is saved: people are asked again."))
        return redirect("privacy:purpose", purpose_code=found.code)
    return render(
        request,
        "privacy/purpose.html",
        {"purpose": found, "form": form, "old": consents.on_old_version(found)},
    )


@rule(Audience.SCOPED, objects=["org_slug"])
def office(request: AuthenticatedRequest, org_slug: str) -> HttpResponse:
    """The privacy officer's page: views of the organization's records."""
    organization = access_privacy_office(request.user, org_slug)
    return render(
        request,
        "privacy/office.html",
        {
            "organization": organization,
            "officer": selectors.officer_of(organization),
            "views": selectors.views_in_office(organization)[: selectors.LOG_PAGE],
            "requests": selectors.requests_in_office(organization),
            "retention": selectors.retention_table(organization),
            "incidents": selectors.incidents_of(organization),
            "old_versions": [
                (purpose, consents.on_old_version(purpose, organization=organization))
                for purpose in selectors.purposes()
                if purpose.version > 1
            ],
        },
    )


@rule(Audience.SCOPED, objects=["org_slug"], methods=["GET", "POST"])
def officer(request: AuthenticatedRequest, org_slug: str) -> HttpResponse:
    """The organization's admins name its privacy officer."""
    organization = access_privacy_office(request.user, org_slug, action=Action.MANAGE)
    current = selectors.officer_of(organization)
    form = forms.OfficerForm(
        request.POST or None,
        candidates=selectors.officer_candidates(organization),
        initial={"officer": current},
    )
    if request.method == "POST" and form.is_valid():
        services.officer_name(
            actor=request.user, organization=organization, officer=form.cleaned_data["officer"]
        )
        messages.success(request, _("The privacy officer is saved."))
        return redirect("privacy:officer", org_slug=organization.slug)
    return render(
        request,
        "privacy/officer.html",
        {"organization": organization, "form": form, "officer": current},
    )


# --- Access, correction and deletion requests ------------------------------------------------


@rule(Audience.SCOPED, objects=["participant_id"], methods=["POST"])
def request_new(request: AuthenticatedRequest, participant_id: int) -> HttpResponse:
    """A request, by the person or by staff on their behalf (it reached them by phone, mail)."""
    found = access_person_privacy(request.user, participant_id, action=Action.CONSENT)
    form = forms.RequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what is asked, then send."))
        return (
            redirect("privacy:mine")
            if found.is_self
            else redirect("privacy:person", participant_id=found.participant.pk)
        )
    made = requests.request_receive(
        actor=request.user,
        participant=found.participant,
        kind=form.cleaned_data["kind"],
        details=form.cleaned_data["details"],
    )
    messages.success(request, _("The request is received: the answer is due within 30 days."))
    if found.is_self or found.is_officer:
        return redirect("privacy:request", request_id=made.pk)
    return redirect("privacy:person", participant_id=found.participant.pk)


@rule(Audience.SCOPED, objects=["request_id"], methods=["GET", "POST"])
def request_detail(request: AuthenticatedRequest, request_id: int) -> HttpResponse:
    """A request's status, progress and answer; the officer records a correction here."""
    found = access_privacy_request(request.user, request_id)
    made = found.request
    form: forms.CorrectionForm | forms.DeletionForm = (
        forms.DeletionForm(request.POST or None)
        if made.kind == RequestKind.DELETION
        else forms.CorrectionForm(request.POST or None)
    )
    if request.method == "POST":
        found = access_privacy_request(request.user, request_id, action=Action.MANAGE)
        if isinstance(form, forms.DeletionForm) and made.is_open and form.is_valid():
            retention.deletion_decide(
                actor=request.user,
                request=made,
                accept=form.cleaned_data["decision"] == "accept",
                answer=form.cleaned_data["answer"],
            )
            messages.success(request, _("The decision is recorded."))
            return redirect("privacy:request", request_id=made.pk)
        if (
            isinstance(form, forms.CorrectionForm)
            and made.kind == RequestKind.CORRECTION
            and made.is_open
            and form.is_valid()
        ):
            data = form.cleaned_data
            requests.correction_record(
                actor=request.user,
                request=made,
                changes={data["field"]: [data["before"], data["after"]]},
                answer=data["answer"],
            )
            messages.success(request, _("The correction is recorded and the request answered."))
            return redirect("privacy:request", request_id=made.pk)
    return render(
        request,
        "privacy/request.html",
        {"access": found, "made": made, "form": form},
    )


def _answer_name(made: PrivacyRequest, which: str) -> str:
    """« renseignements-personnels-diallo-2026-12-06.pdf »: in the answer's language (the
    person's), never the storage's name (its random prefix, a suffix added on a clash)."""
    with translation.override(made.language):
        stem = pgettext("file name", "personal-information")
    family = name_part(made.participant.family_name, fallback=str(made.participant_id))
    day = timezone.localtime(made.answered_at or made.received_at).date().isoformat()
    return f"{stem}-{family}-{day}.{which}"


def _answer_file(made: PrivacyRequest, which: str) -> HttpResponseBase:
    file = made.pdf if which == "pdf" else made.json
    if not file:
        raise Http404
    response = FileResponse(
        file.open("rb"),
        as_attachment=True,
        filename=_answer_name(made, which),
        content_type="application/pdf" if which == "pdf" else "application/json",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@rule(Audience.SCOPED, objects=["request_id"])
def request_pdf(request: AuthenticatedRequest, request_id: int) -> HttpResponseBase:
    return _answer_file(access_privacy_request(request.user, request_id).request, "pdf")


@rule(Audience.SCOPED, objects=["request_id"])
def request_json(request: AuthenticatedRequest, request_id: int) -> HttpResponseBase:
    return _answer_file(access_privacy_request(request.user, request_id).request, "json")


# --- Retention and legal holds ---------------------------------------------------------------


@rule(Audience.SCOPED, objects=["org_slug"], methods=["GET", "POST"])
def retention_periods(request: AuthenticatedRequest, org_slug: str) -> HttpResponse:
    """The privacy officer sets how long each kind of record is kept."""
    organization = access_privacy_office(request.user, org_slug)
    current = selectors.retention_of(organization)
    form = forms.RetentionForm(request.POST or None, initial=current)
    if request.method == "POST" and form.is_valid():
        retention.retention_set(
            actor=request.user, organization=organization, months=form.cleaned_data
        )
        messages.success(request, _("The retention periods are saved."))
        return redirect("privacy:office", org_slug=organization.slug)
    return render(
        request,
        "privacy/retention.html",
        {
            "organization": organization,
            "form": form,
            "kinds": selectors.retention_table(organization),
            # How long the task queue keeps a copy of each mail (core.taskrows).
            "mail_days": settings.TANDEM_TASK_KEEP_SUCCESSFUL_DAYS,
            "failed_mail_days": settings.TANDEM_TASK_KEEP_FAILED_DAYS,
        },
    )


@rule(Audience.SCOPED, objects=["participant_id"], methods=["POST"])
def hold(request: AuthenticatedRequest, participant_id: int) -> HttpResponse:
    """The privacy officer places or releases a legal hold on a person's record."""
    found = access_person_privacy(request.user, participant_id)
    if not found.is_officer:
        raise Http404
    form = forms.HoldForm(request.POST)
    if form.is_valid() and form.cleaned_data["reason"].strip():
        retention.hold_place(
            actor=request.user, participant=found.participant, reason=form.cleaned_data["reason"]
        )
        messages.success(
            request, _("The legal hold is placed: nothing of this record is anonymised.")
        )
    else:
        retention.hold_release(actor=request.user, participant=found.participant)
        messages.success(request, _("The legal hold is released."))
    return redirect("privacy:person", participant_id=found.participant.pk)


# --- Incident register -----------------------------------------------------------------------


def _incident_page(
    request: AuthenticatedRequest, organization: Organization, found: Incident | None
) -> HttpResponse:
    form = forms.IncidentForm(
        request.POST or None,
        instance=found,
        members=selectors.officer_candidates(organization),
    )
    if request.method == "POST" and form.is_valid():
        saved = incidents.incident_save(
            actor=request.user, organization=organization, fields=form.cleaned_data, incident=found
        )
        messages.success(request, _("The incident is recorded in the register."))
        return redirect("privacy:incident", incident_id=saved.pk)
    return render(
        request,
        "privacy/incident.html",
        {"organization": organization, "form": form, "incident": found},
    )


@rule(Audience.SCOPED, objects=["org_slug"], methods=["GET", "POST"])
def incident_new(request: AuthenticatedRequest, org_slug: str) -> HttpResponse:
    return _incident_page(request, access_privacy_office(request.user, org_slug), None)


@rule(Audience.SCOPED, objects=["incident_id"], methods=["GET", "POST"])
def incident(request: AuthenticatedRequest, incident_id: int) -> HttpResponse:
    found = access_incident(request.user, incident_id)
    return _incident_page(request, found.organization, found)
