"""Private conversations between members of one community (leader-to-leader messages)."""

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from tandem.accounts.models import User
from tandem.community import text as texts
from tandem.community.access import community_members
from tandem.community.models import Community, Conversation, ConversationMember, Message
from tandem.community.services import CommunityError, limits, uploads

# One-to-one or a small group: the starter and at most this many others.
MAX_OTHERS = 7
MAX_BODY = 20000


def _message(
    *, actor: User, conversation: Conversation, written: str, upload: File | None
) -> Message:
    limits.check(Message.objects.filter(author=actor), settings.TANDEM_COMMUNITY_MESSAGE_LIMIT)
    kind = uploads.check(upload) if upload is not None else None
    written = written.strip()
    if not written:
        raise CommunityError(_("Write a message."))
    if len(written) > MAX_BODY:
        raise CommunityError(
            _("A message holds at most %(count)s characters.")
            % {"count": number_format(MAX_BODY, force_grouping=True)}
        )
    body = texts.to_html(written)
    plain = texts.to_text(body)
    if not plain:
        raise CommunityError(_("Write a message (markup alone is removed)."))
    message = Message.objects.create(
        conversation=conversation, author=actor, body=body, text=plain[:MAX_BODY]
    )
    if upload is not None and kind is not None:
        uploads.attach(actor=actor, upload=upload, kind=kind, message=message)
    conversation.last_message_at = message.created_at
    conversation.save(update_fields=["last_message_at"])
    ConversationMember.objects.filter(conversation=conversation, user=actor).update(
        last_read_at=message.created_at
    )
    from tandem.community.services import notify

    notify.message_written(message)
    return message


@transaction.atomic
def conversation_start(
    *,
    actor: User,
    community: Community,
    recipients: list[User],
    subject: str,
    body: str,
    upload: File | None = None,
) -> Conversation:
    others = {u.pk for u in recipients} - {actor.pk}
    if not others:
        raise CommunityError(_("Choose at least one member to write to."))
    if len(others) > MAX_OTHERS:
        raise CommunityError(
            _("A private conversation has at most %(count)s other members.") % {"count": MAX_OTHERS}
        )
    members = set(
        community_members(community).filter(user_id__in=others).values_list("user_id", flat=True)
    )
    if members != others:
        raise CommunityError(_("You can write only to members of this community."))
    subject = subject.strip()
    if not subject:
        raise CommunityError(_("Give the conversation a subject."))
    conversation = Conversation.objects.create(
        community=community,
        subject=subject[:200],
        started_by=actor,
        last_message_at=timezone.now(),
    )
    ConversationMember.objects.bulk_create(
        [ConversationMember(conversation=conversation, user_id=pk) for pk in {actor.pk, *others}]
    )
    _message(actor=actor, conversation=conversation, written=body, upload=upload)
    return conversation


@transaction.atomic
def message_send(
    *, actor: User, conversation: Conversation, body: str, upload: File | None = None
) -> Message:
    return _message(actor=actor, conversation=conversation, written=body, upload=upload)


@transaction.atomic
def conversation_read(*, actor: User, conversation: Conversation) -> None:
    ConversationMember.objects.filter(conversation=conversation, user=actor).update(
        last_read_at=timezone.now()
    )
