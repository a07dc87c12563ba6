"""Everything Tandem holds about a person, across organizations, for an access request.

Found through the model relations, so that an area added later is covered without touching
this module (as the merge of duplicates does): the person's records (every record linked to
their account, in every organization), every row that points to one of them, and every row
that points to one of those (a meeting logged in her mentorship, a follow-up of her closure) —
unless that row belongs to another person (it points to someone else's record: the mentor's
own exit survey). Values that name someone else are never copied: another person's record is
"another person", a staff member is named (they acted on her file), other rows by their kind.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from tandem.accounts.models import User
from tandem.core import audit
from tandem.participants.models import Participant
from tandem.privacy.models import RecordView

# Kept out: logs and machinery that hold no information about her of their own (the view log
# is its own section), secrets, and the answer files themselves.
SKIPPED_MODELS = {
    "privacy.recordview",
    "privacy.privacyrequest",
    "auditlog.logentry",
    "core.auditsubject",
}
SKIPPED_FIELDS = {"password", "token_hash", "uid", "sequence", "contributions", "rule_sentences"}
# Records shown by their name: they describe the program, not a person.
NAMED_MODELS = {
    "organizations.organization",
    "organizations.servicelocation",
    "programs.program",
    "reference.occupation",
    "reference.industry",
    "events.event",
}


@dataclass
class Section:
    label: str
    model: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    # Rows of few columns (views, events) read best, and render fastest, as one table.
    tabular: bool = False

    @property
    def columns(self) -> list[str]:
        return list(self.rows[0]) if self.rows else []


@dataclass
class Holdings:
    """What the answer holds: sections of rows, each a list of (label, value)."""

    person: Participant
    records: list[Participant]
    sections: list[Section] = field(default_factory=list)
    keys: set[tuple[str, int]] = field(default_factory=set)  # (model label, pk) of every row

    def as_json(self) -> dict[str, Any]:
        return {
            "person": self.person.full_name,
            "records": [{"organization": str(r.organization), "id": r.pk} for r in self.records],
            "sections": [
                {"label": s.label, "model": s.model, "rows": s.rows} for s in self.sections
            ],
        }


def records_of_person(participant: Participant) -> list[Participant]:
    """The person's records in every organization: all those linked to their account."""
    if participant.user_id is None:
        return [participant]
    return list(
        Participant.objects.filter(user_id=participant.user_id)
        .select_related("organization")
        .order_by("pk")
    )


def _foreign_keys_to(model: type[models.Model]) -> list[models.ForeignObject[Any, Any]]:
    return [
        relation.field
        for relation in model._meta.get_fields(include_hidden=True)
        if isinstance(relation, models.ForeignObjectRel)
        and relation.field.concrete
        and relation.field.model._meta.label_lower not in SKIPPED_MODELS
    ]


class _Renderer:
    def __init__(self, ids: set[int], user_id: int | None) -> None:
        self.ids = ids
        self.user_id = user_id
        self.names: dict[int, str | None] = {}  # staff named once, not once per row

    def staff_name(self, key: int) -> str | None:
        if key not in self.names:
            found = User.objects.filter(pk=key).first()
            self.names[key] = (found.get_full_name() or found.email) if found else None
        return self.names[key]

    def belongs_to_someone_else(self, row: models.Model) -> bool:
        for f in row._meta.concrete_fields:
            if isinstance(f, models.ForeignKey) and f.related_model is Participant:
                value = getattr(row, f.attname)
                if value is not None and value not in self.ids:
                    # A pair's row names both people: hers if she is one of them.
                    if not self._names_her(row):
                        return True
        return False

    def _names_her(self, row: models.Model) -> bool:
        return any(
            isinstance(f, models.ForeignKey)
            and f.related_model is Participant
            and getattr(row, f.attname) in self.ids
            for f in row._meta.concrete_fields
        )

    def value(self, row: models.Model, f: models.Field[Any, Any]) -> Any:
        if isinstance(f, models.ForeignKey):
            key = getattr(row, f.attname)
            if key is None:
                return None
            target = f.related_model
            if target is Participant:
                return _("you") if key in self.ids else _("another person")
            if target is User:
                if key == self.user_id:
                    return _("you")
                return self.staff_name(key)
            if target._meta.label_lower in NAMED_MODELS:
                return str(getattr(row, f.name))
            return f"{target._meta.verbose_name} #{key}"
        if isinstance(f, models.FileField):
            file = getattr(row, f.attname)
            return file.name.rsplit("/", 1)[-1] if file else ""
        if isinstance(f, models.JSONField) and self._names_someone_else(row):
            return None  # a pair's explanations may speak of the other person
        if f.choices:
            return str(getattr(row, f"get_{f.name}_display")())
        raw = getattr(row, f.attname)
        if hasattr(raw, "isoformat"):
            return raw.isoformat()
        if isinstance(raw, (str, int, float, bool, list, dict)) or raw is None:
            return raw
        return str(raw)

    def _names_someone_else(self, row: models.Model) -> bool:
        return any(
            isinstance(f, models.ForeignKey)
            and f.related_model is Participant
            and getattr(row, f.attname) not in (None, *self.ids)
            for f in row._meta.concrete_fields
        )

    def row(self, row: models.Model) -> dict[str, Any]:
        return {
            str(f.verbose_name): self.value(row, f)
            for f in row._meta.concrete_fields
            if f.name not in SKIPPED_FIELDS
        }


def gather(
    participant: Participant, *, progress: Callable[[int, int], None] | None = None
) -> Holdings:
    records = records_of_person(participant)
    ids = {r.pk for r in records}
    holdings = Holdings(person=participant, records=records)
    render = _Renderer(ids, participant.user_id)

    def add(label: str, rows: Iterable[models.Model]) -> list[models.Model]:
        """Her rows among these; a row reached twice (a follow-up is hers and her pair's) is
        written once."""
        kept = [r for r in rows if not render.belongs_to_someone_else(r)]
        new = [r for r in kept if (r._meta.label_lower, int(r.pk)) not in holdings.keys]
        if new:
            model = new[0]._meta
            holdings.sections.append(
                Section(str(label), model.label_lower, [render.row(r) for r in new])
            )
            holdings.keys |= {(model.label_lower, int(r.pk)) for r in new}
        return kept

    relations = _foreign_keys_to(Participant)
    total = len(relations) + 3
    step = 0

    def advance() -> None:
        nonlocal step
        step += 1
        if progress:
            progress(step, total)

    add(str(Participant._meta.verbose_name_plural), records)
    if participant.user_id:
        add(_("account"), User.objects.filter(pk=participant.user_id))
    advance()
    for relation in relations:
        model = relation.model
        first = add(
            str(model._meta.verbose_name_plural),
            model._base_manager.filter(**{f"{relation.name}__in": ids}).order_by("pk"),
        )
        # One level further: rows that hang off hers (meetings of her mentorship).
        if first and model._meta.label_lower not in NAMED_MODELS:
            for child in _foreign_keys_to(model):
                if child.model is Participant:
                    continue
                add(
                    str(child.model._meta.verbose_name_plural),
                    child.model._base_manager.filter(
                        **{f"{child.name}__in": [r.pk for r in first]}
                    ).order_by("pk"),
                )
        advance()
    # Who viewed her records, and what was done to them (the named events' labels).
    views = RecordView.objects.filter(participant_id__in=ids).order_by("at")
    holdings.sections.append(
        Section(
            _("Who viewed your information"),
            "privacy.recordview",
            tabular=True,
            rows=[
                {
                    _("When"): v.at.isoformat(),
                    _("Viewed by"): v.viewer_label,
                    _("What"): v.get_kind_display(),
                    _("Page"): v.path,
                }
                for v in views
            ],
        )
    )
    holdings.keys |= {("privacy.recordview", v.pk) for v in views}
    advance()
    events = []
    for record in records:
        for found in audit.history_rows(record, limit=1000):
            events.append(
                {_("When"): found.at.isoformat(), _("What"): found.what, _("By"): found.who}
            )
    holdings.sections.append(
        Section(_("What was done to your file"), "core.auditevent", events, tabular=True)
    )
    advance()
    return holdings
