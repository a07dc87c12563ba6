"""Publication of approved drafts: each person is told in their own language, with what the
other agreed to share and the reasons written for them."""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tandem.accounts.models import User
from tandem.core import audit, dates
from tandem.matching import notify, pool
from tandem.matching.models import (
    ProfileSharing,
    Proposal,
    ProposalStatus,
)
from tandem.matching.services.base import DeskError, check_in_pool, record_proposal, settings_for
from tandem.participants.models import Participant

PROPOSAL_PUBLISHED = audit.event("proposal.published", gettext_lazy("Proposal sent to both people"))


def shared_profile(person: Participant) -> list[tuple[str, str]]:
    """The parts of `person`'s profile they agreed to show, as (label, value), in the active
    language; nothing else about them is ever sent to the other person."""
    from tandem.matching.models import SharedField, default_shared_fields

    sharing = ProfileSharing.objects.filter(participant=person).first()
    fields = sharing.fields if sharing else default_shared_fields()
    rows: list[tuple[str, str]] = []
    labels = {
        SharedField.GIVEN_NAME: _("Given name"),
        SharedField.OCCUPATION: _("Occupation"),
        SharedField.LANGUAGES: _("Languages"),
        SharedField.AREA: _("Area"),
        SharedField.EMPLOYER: _("Employer"),
        SharedField.EXPERIENCE: _("Years of experience"),
        SharedField.GOALS: _("How they can help") if person.role == "mentor" else _("Career goals"),
    }
    values = {
        SharedField.GIVEN_NAME: person.given_name,
        SharedField.OCCUPATION: str(person.occupation.title) if person.occupation_id else "",
        SharedField.LANGUAGES: ", ".join(language_name(c) for c in person.language_codes),
        SharedField.AREA: (person.postal_code or "")[:3].upper(),
        SharedField.EMPLOYER: person.employer,
        SharedField.EXPERIENCE: ""
        if person.years_experience is None
        else str(person.years_experience),
        SharedField.GOALS: person.goals,
    }
    for name in SharedField:
        if name in fields and values[name]:
            rows.append((str(labels[name]), str(values[name])))
    return rows


def language_name(code: str) -> str:
    """The language's name in the active language (`fr` gives "French" or "français")."""
    from django.utils.translation import get_language_info

    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


def reasons_for_reader(sentences: list[str], *, reader: str | None, lang: str) -> list[str]:
    """The engine's reasons as `reader` ("mentee", "mentor" or None for staff) reads them.

    The engine writes its reasons about "the mentor" for staff; shown to the mentor himself, "The
    mentor speaks French" reads as if about someone else, so those sentences speak to him.
    """
    from tandem.matching.engine.i18n import gettext_for

    if reader != "mentor":
        return list(sentences)
    engine = gettext_for(lang)
    to_mentor = {
        engine("The mentor speaks French"): _("You speak French, the language this person prefers"),
        engine("The mentor speaks English"): _(
            "You speak English, the language this person prefers"
        ),
    }
    return [to_mentor.get(sentence, sentence) for sentence in sentences]


@transaction.atomic
def proposals_publish(*, actor: User, program, proposal_ids: list[int] | None = None) -> int:
    """Publishes the drafts staff accepted (or the ones named): each person is told in their
    own language, with the other's shared profile and the reason in plain words."""
    from tandem.matching.tasks import proposal_follow_up

    candidates = Proposal.objects.select_for_update().filter(
        program=program, status=ProposalStatus.DRAFT
    )
    candidates = (
        candidates.filter(pk__in=proposal_ids)
        if proposal_ids is not None
        else candidates.filter(is_accepted=True)
    )
    drafts = list(
        candidates.select_related("mentee", "mentor", "mentee__occupation", "mentor__occupation")
    )
    if not drafts:
        raise DeskError(
            _("No accepted draft to publish. Accept the drafts you want to send first.")
        )
    for proposal in drafts:
        check_in_pool(program, proposal.mentee, proposal.mentor)
    current = settings_for(program)
    now = timezone.now()
    load = pool.mentor_load([p.mentor_id for p in drafts])
    for proposal in drafts:
        load[proposal.mentor_id] = load.get(proposal.mentor_id, 0) + 1
        if load[proposal.mentor_id] > proposal.mentor.capacity:
            raise DeskError(
                _("%(mentor)s would have more proposals than places. Remove one first.")
                % {"mentor": proposal.mentor.full_name}
            )
    for proposal in drafts:
        proposal.status = ProposalStatus.PUBLISHED
        proposal.published_at = now
        proposal.published_by = actor
        proposal.expires_at = now + timedelta(days=current.expire_after_days)
        proposal.save(update_fields=["status", "published_at", "published_by", "expires_at"])
        record_proposal(PROPOSAL_PUBLISHED, actor, proposal)
        _tell_both_published(proposal)
        # One follow-up at the reminder date, one at the deadline.
        for at in (now + timedelta(days=current.reminder_after_days), proposal.expires_at):
            transaction.on_commit(
                partial(proposal_follow_up.using(run_after=at).enqueue, proposal_id=proposal.pk)
            )
    return len(drafts)


def _tell_both_published(proposal: Proposal) -> None:
    program = proposal.program
    for person, other in ((proposal.mentee, proposal.mentor), (proposal.mentor, proposal.mentee)):

        def write(person=person, other=other) -> dict[str, Any]:
            if other.pk == proposal.mentor_id:
                opening = _(
                    "The staff of %(program)s propose that you work with a mentor. Here is "
                    "what this person agreed to share with you."
                )
            else:
                opening = _(
                    "The staff of %(program)s propose that you mentor a job-seeker. Here is "
                    "what this person agreed to share with you."
                )
            from tandem.matching.sharing import pair_sentences

            side = "mentor" if other.pk == proposal.mentee_id else "mentee"
            reasons = reasons_for_reader(
                pair_sentences(proposal, side=side, lang=person.preferred_language),
                reader=side,
                lang=person.preferred_language,
            )
            return {
                "subject": _("A proposed match in %(program)s") % {"program": program.name},
                "paragraphs": [
                    opening % {"program": program.name},
                    *(
                        [
                            _("Why we propose this match: %(reasons)s")
                            % {"reasons": "; ".join(reasons)}
                        ]
                        if reasons
                        else []
                    ),
                    _(
                        "Please accept or decline by %(date)s. If you decline, tell us why so we can find a better match."
                    )
                    % {"date": dates.day(proposal.expires_at)},
                ],
                "facts": shared_profile(other),
                "link": notify.absolute("matching:proposal", proposal_id=proposal.pk),
                "link_label": _("Review the proposal"),
            }

        notify.notify(
            email=person.email,
            language=person.preferred_language,
            name=person.given_name,
            write=write,
        )
