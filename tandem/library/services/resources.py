"""Resources: start one (with its first draft), edit it and its tags, keep the draft's sections,
attach a file per language, publish the draft as the next version, start the next draft."""

from collections.abc import Iterable, Mapping
from typing import Any, TypedDict

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.accounts.models import User
from tandem.community.models import Community
from tandem.core import audit, files
from tandem.library.models import (
    MOST_SECTIONS,
    TAG_CHOICES,
    TEXT_MAX_LENGTH,
    Credit,
    Gathering,
    Resource,
    ResourceFile,
    ResourceKind,
    ResourceTag,
    ResourceVersion,
    ReviewComment,
    Section,
)
from tandem.library.services.base import (
    DRAFT_STARTED,
    FILE_ATTACHED,
    RESOURCE_CREATED,
    RESOURCE_EDITED,
    ROUND_CLOSED,
    VERSION_PUBLISHED,
    LibraryError,
)
from tandem.organizations.models import Organization

RESOURCE_FIELDS = (
    "kind",
    "title_en",
    "title_fr",
    "description_en",
    "description_fr",
    "link_en",
    "link_fr",
)

# Kinds of file a resource may carry, judged by content (core/files.py): a renamed script is not
# a PDF.
DOCUMENT_KINDS = (files.PDF, *files.OFFICE)


class SectionText(TypedDict):
    heading_en: str
    heading_fr: str
    body_en: str
    body_fr: str


def _clean_tags(tags: Mapping[str, Iterable[str]]) -> list[tuple[str, str]]:
    chosen = []
    for kind, values in tags.items():
        allowed = {value for value, _label in TAG_CHOICES.get(kind, [])}
        for value in values:
            if value not in allowed:
                raise LibraryError(_("Choose tags from the lists offered."))
            chosen.append((kind, value))
    return sorted(set(chosen))


def _set_tags(resource: Resource, tags: Mapping[str, Iterable[str]]) -> None:
    chosen = _clean_tags(tags)
    resource.tags.all().delete()
    ResourceTag.objects.bulk_create(
        [ResourceTag(resource=resource, kind=kind, value=value) for kind, value in chosen]
    )


def _check_fields(fields: Mapping[str, Any]) -> None:
    if fields.get("kind") == ResourceKind.LINK and not (
        fields.get("link_en") or fields.get("link_fr")
    ):
        raise LibraryError(_("A link needs its address, in English, in French or both."))


def _write_sections(version: ResourceVersion, sections: list[SectionText]) -> None:
    if len(sections) > MOST_SECTIONS:
        raise LibraryError(
            _("A resource has at most %(count)d sections.") % {"count": MOST_SECTIONS}
        )
    version.sections.all().delete()
    Section.objects.bulk_create(
        [
            Section(version=version, position=position, **section)
            for position, section in enumerate(sections, start=1)
        ]
    )


@transaction.atomic
def resource_create(
    *,
    actor: User,
    community: Community,
    organization: Organization,
    tags: Mapping[str, Iterable[str]],
    sections: list[SectionText] | None = None,
    gathering: Gathering | None = None,
    **fields: Any,
) -> Resource:
    """A new resource and its first draft (version 1), which its owner fills and publishes."""
    _check_fields(fields)
    if not community.organizations.filter(pk=organization.pk).exists():
        raise LibraryError(_("Share resources for one of the community's member organizations."))
    data = {name: fields[name] for name in RESOURCE_FIELDS if name in fields}
    resource = Resource(
        community=community, organization=organization, owner=actor, gathering=gathering, **data
    )
    resource.full_clean(exclude=["published_version", "search_document"])
    resource.save()
    _set_tags(resource, tags)
    draft = ResourceVersion.objects.create(resource=resource, number=1, created_by=actor)
    _write_sections(draft, sections or [])
    audit.record(RESOURCE_CREATED, actor=actor, target=resource, about=[community])
    return resource


@transaction.atomic
def resource_update(
    *, actor: User, resource: Resource, tags: Mapping[str, Iterable[str]], **fields: Any
) -> Resource:
    merged = {name: fields.get(name, getattr(resource, name)) for name in RESOURCE_FIELDS}
    _check_fields(merged)
    for name, value in merged.items():
        setattr(resource, name, value)
    resource.full_clean(exclude=["published_version", "search_document"])
    resource.save()
    _set_tags(resource, tags)
    audit.record(RESOURCE_EDITED, actor=actor, target=resource)
    return resource


def draft_of(resource: Resource) -> ResourceVersion | None:
    return resource.versions.filter(published_at__isnull=True).first()


@transaction.atomic
def draft_sections_save(
    *, actor: User, resource: Resource, sections: list[SectionText]
) -> ResourceVersion:
    """Replaces the draft's sections. Comments already written on a section stay with it while
    its position stays (sections are updated in place, added or removed at the end)."""
    draft = draft_of(resource)
    if draft is None:
        raise LibraryError(_("Start a new draft first: published versions do not change."))
    if len(sections) > MOST_SECTIONS:
        raise LibraryError(
            _("A resource has at most %(count)d sections.") % {"count": MOST_SECTIONS}
        )
    existing = {section.position: section for section in draft.sections.all()}
    for position, text in enumerate(sections, start=1):
        section = existing.pop(position, None) or Section(version=draft, position=position)
        for name, value in text.items():
            setattr(section, name, value)
        section.full_clean(exclude=["version"])
        section.save()
    Section.objects.filter(pk__in=[section.pk for section in existing.values()]).delete()
    audit.record(RESOURCE_EDITED, actor=actor, target=resource, data={"draft": draft.number})
    return draft


@transaction.atomic
def draft_start(*, actor: User, resource: Resource) -> ResourceVersion:
    """The next draft, a copy of the published version's sections and files."""
    resource = Resource.objects.select_for_update().get(pk=resource.pk)
    if draft_of(resource) is not None:
        raise LibraryError(_("This resource already has a draft."))
    number = (resource.versions.aggregate(last=Max("number"))["last"] or 0) + 1
    draft = ResourceVersion.objects.create(resource=resource, number=number, created_by=actor)
    published = resource.published_version
    if published is not None:
        Section.objects.bulk_create(
            [
                Section(
                    version=draft,
                    position=section.position,
                    heading_en=section.heading_en,
                    heading_fr=section.heading_fr,
                    body_en=section.body_en,
                    body_fr=section.body_fr,
                )
                for section in published.sections.all()
            ]
        )
        # The stored file is shared: versions never change or delete a file once published.
        ResourceFile.objects.bulk_create(
            [
                ResourceFile(
                    version=draft,
                    language=item.language,
                    file=item.file.name,
                    original_name=item.original_name,
                    content_type=item.content_type,
                    size=item.size,
                    uploaded_by=item.uploaded_by,
                )
                for item in published.files.all()
            ]
        )
    audit.record(DRAFT_STARTED, actor=actor, target=resource, data={"version": number})
    return draft


@transaction.atomic
def file_attach(*, actor: User, resource: Resource, language: str, upload: File) -> ResourceFile:
    """Attaches (or replaces) the draft's file in one language, after checking its size and its
    kind by content."""
    draft = draft_of(resource)
    if draft is None:
        raise LibraryError(_("Start a new draft first: published versions do not change."))
    if language not in dict(settings.LANGUAGES):
        raise LibraryError(_("Choose English or French."))
    kind = files.check(
        upload,
        allowed=DOCUMENT_KINDS,
        limit=settings.TANDEM_LIBRARY_MAX_BYTES,
        refusal=_(
            "Attach a PDF or an Office document (Word, PowerPoint or Excel), or share a link."
        ),
        error=LibraryError,
    )
    draft.files.filter(language=language).delete()  # the stored file stays for older versions
    attached = ResourceFile(
        version=draft,
        language=language,
        original_name=files.stored_name(upload, kind, default="document"),
        content_type=kind.content_type,
        size=upload.size,
        uploaded_by=actor,
    )
    attached.file.save("upload", upload, save=False)
    attached.save()
    audit.record(FILE_ATTACHED, actor=actor, target=resource, data={"language": language})
    return attached


def _joined(sections: list[Section], language: str) -> str:
    text = "\n\n".join(
        f"{getattr(s, f'heading_{language}')}\n{getattr(s, f'body_{language}')}" for s in sections
    )
    return text[:TEXT_MAX_LENGTH]


@transaction.atomic
def version_publish(
    *, actor: User, resource: Resource, note_en: str = "", note_fr: str = ""
) -> ResourceVersion:
    """The draft becomes the published version: its open review round closes and everyone who
    commented in a round on it is credited, with the hub they reviewed for."""
    resource = Resource.objects.select_for_update().get(pk=resource.pk)
    draft = draft_of(resource)
    if draft is None:
        raise LibraryError(_("There is no draft to publish."))
    sections = list(draft.sections.all())
    if resource.kind != ResourceKind.LINK and not sections and not draft.files.exists():
        raise LibraryError(_("Write at least one section or attach a file before publishing."))
    if len(note_en) > 2000 or len(note_fr) > 2000:
        raise LibraryError(_("Keep the note under 2,000 characters."))
    now = timezone.now()
    draft.note_en, draft.note_fr = note_en, note_fr
    draft.published_at, draft.published_by = now, actor
    draft.save(update_fields=["note_en", "note_fr", "published_at", "published_by"])
    for review in draft.review_rounds.filter(closed_at__isnull=True):
        review.closed_at = now
        review.save(update_fields=["closed_at"])
        audit.record(ROUND_CLOSED, actor=actor, target=resource, data={"round": review.pk})
    reviewers = (
        ReviewComment.objects.filter(round__version=draft)
        .exclude(author=resource.owner)
        .order_by("author_id", "created_at")
        .values_list("author_id", "organization_id")
    )
    credited: dict[int, int] = {}
    for user_id, organization_id in reviewers:  # one credit each, with their first comment's hub
        credited.setdefault(user_id, organization_id)
    Credit.objects.bulk_create(
        [
            Credit(version=draft, user_id=user_id, organization_id=organization_id)
            for user_id, organization_id in credited.items()
        ]
    )
    resource.published_version = draft
    resource.text_en, resource.text_fr = _joined(sections, "en"), _joined(sections, "fr")
    resource.save(update_fields=["published_version", "text_en", "text_fr", "updated_at"])
    audit.record(
        VERSION_PUBLISHED,
        actor=actor,
        target=resource,
        data={"version": draft.number, "credited": len(credited)},
    )
    return draft
