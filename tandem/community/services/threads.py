"""Threads and replies, reactions, answers, reports, and the moderators' actions (hide, lock,
move, dismiss), each of the latter recorded as a named audit event."""

from django.conf import settings
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tandem.accounts.models import User
from tandem.community import text as texts
from tandem.community.access import community_members
from tandem.community.models import (
    Membership,
    Mention,
    Post,
    PostRevision,
    Reaction,
    Report,
    ReportStatus,
    Space,
    Thread,
    ThreadKind,
)
from tandem.community.services import CommunityError, limits, uploads
from tandem.core import audit

POST_HIDDEN = audit.event("community.post_hidden", gettext_lazy("Community post hidden"))
POST_SHOWN = audit.event("community.post_shown", gettext_lazy("Community post shown again"))
THREAD_HIDDEN = audit.event("community.thread_hidden", gettext_lazy("Community thread hidden"))
THREAD_LOCKED = audit.event(
    "community.thread_locked", gettext_lazy("Community thread locked or unlocked")
)
THREAD_MOVED = audit.event(
    "community.thread_moved", gettext_lazy("Community thread moved to another space")
)
REPORT_DISMISSED = audit.event(
    "community.report_dismissed", gettext_lazy("Report of a community post dismissed")
)
ANSWERED = audit.event("community.answered", gettext_lazy("Question marked answered"))

MAX_TITLE = 200
MAX_BODY = 20000


def _check_terms(membership: Membership) -> None:
    if (membership.terms_version or 0) < membership.community.terms_version:
        raise CommunityError(
            _("The terms of reference changed: agree to the new version before posting.")
        )


def _body(written: str) -> tuple[str, str]:
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
    return body, plain[:MAX_BODY]


def _write_post(
    *,
    actor: User,
    thread: Thread,
    written: str,
    language: str,
    upload: File | None,
    is_first: bool,
) -> Post:
    limits.check(Post.objects.filter(author=actor), settings.TANDEM_COMMUNITY_POST_LIMIT)
    kind = uploads.check(upload) if upload is not None else None
    body, plain = _body(written)
    post = Post.objects.create(
        thread=thread,
        author=actor,
        body=body,
        text=plain,
        language=language if language in ("en", "fr") else "en",
        is_first=is_first,
    )
    if upload is not None and kind is not None:
        uploads.attach(actor=actor, upload=upload, kind=kind, post=post)
    _mention(post, plain)
    from tandem.community.services import notify

    notify.post_written(post)
    return post


def _mention(post: Post, plain: str) -> None:
    handles = texts.handles_in(plain)
    if not handles:
        return
    space = post.thread.space
    members = community_members(space.community).filter(handle__in=handles)
    if not space.is_open:
        # Only people who can read the space are told about it.
        members = members.filter(spaces=space) | members.filter(is_moderator=True)
    Mention.objects.bulk_create(
        [
            Mention(post=post, user_id=m.user_id)
            for m in members.distinct()
            if m.user_id != post.author_id
        ],
        ignore_conflicts=True,
    )


@transaction.atomic
def thread_start(
    *,
    actor: User,
    membership: Membership,
    space: Space,
    title: str,
    body: str,
    kind: str = ThreadKind.DISCUSSION,
    language: str = "en",
    upload: File | None = None,
) -> Thread:
    _check_terms(membership)
    title = title.strip()
    if not title:
        raise CommunityError(_("Give the thread a title."))
    if space.is_archived:
        raise CommunityError(_("This space is archived: nothing new can be posted."))
    thread = Thread.objects.create(
        space=space,
        author=actor,
        title=title[:MAX_TITLE],
        kind=kind if kind in ThreadKind.values else ThreadKind.DISCUSSION,
        language=language if language in ("en", "fr") else "en",
        last_post_at=timezone.now(),
    )
    _write_post(
        actor=actor,
        thread=thread,
        written=body,
        language=thread.language,
        upload=upload,
        is_first=True,
    )
    return thread


@transaction.atomic
def reply(
    *,
    actor: User,
    membership: Membership,
    thread: Thread,
    body: str,
    language: str = "en",
    upload: File | None = None,
) -> Post:
    _check_terms(membership)
    thread = Thread.objects.select_for_update().get(pk=thread.pk)
    if thread.is_locked:
        raise CommunityError(_("This thread is locked: no more replies."))
    if thread.is_hidden:
        raise CommunityError(_("This thread was hidden by a moderator."))
    post = _write_post(
        actor=actor, thread=thread, written=body, language=language, upload=upload, is_first=False
    )
    thread.reply_count += 1
    thread.last_post_at = post.created_at
    thread.save(update_fields=["reply_count", "last_post_at"])
    return post


def editable_text(post: Post) -> str:
    """What the author finds in the box to change a post: the text they typed (a post written
    as plain text was stored as paragraphs), or its cleaned HTML if they wrote some."""
    return post.text if texts.to_html(post.text) == post.body else post.body


def edit_refusal(post: Post) -> str | None:
    """Why this post cannot be changed now, or None. A reported post stays as it was reported
    until a moderator has looked at it: the report and the text go together."""
    if post.is_hidden or post.thread.is_hidden:
        return _("A moderator hid this post: it cannot be changed.")
    if post.thread.is_locked:
        return _("This thread is locked: its posts stay as they are.")
    if post.reports.filter(status=ReportStatus.OPEN).exists():
        return _("This post was reported: it stays as it is until a moderator has looked at it.")
    return None


@transaction.atomic
def post_edit(*, actor: User, membership: Membership, post: Post, body: str) -> Post:
    """Its author changes a post (the view lets only the author in). The post says it was
    changed, and when; members newly mentioned see it on their home page (a change is not
    mailed again)."""
    _check_terms(membership)
    post = Post.objects.select_for_update().select_related("thread").get(pk=post.pk)
    if post.author_id != actor.pk:
        raise CommunityError(_("Only its author changes a post."))
    refusal = edit_refusal(post)
    if refusal is not None:
        raise CommunityError(refusal)
    cleaned, plain = _body(body)
    if cleaned == post.body:
        return post  # nothing changed: no version to keep, no "changed on"
    now = timezone.now()
    # The text replaced stays, for the moderators only (PostRevision).
    PostRevision.objects.create(
        post=post,
        body=post.body,
        text=post.text,
        written_at=post.edited_at or post.created_at,
        replaced_at=now,
    )
    post.body, post.text, post.edited_at = cleaned, plain, now
    post.save(update_fields=["body", "text", "edited_at"])
    _mention(post, post.text)
    return post


@transaction.atomic
def reaction_toggle(*, actor: User, post: Post, kind: str) -> bool:
    """Adds the person's reaction, or takes it back; True when it is now there."""
    found = Reaction.objects.filter(post=post, user=actor, kind=kind)
    if found.exists():
        found.delete()
        return False
    try:
        with transaction.atomic():
            Reaction.objects.create(post=post, user=actor, kind=kind)
    except IntegrityError:  # a double click: the first one counted
        pass
    return True


@transaction.atomic
def answer_mark(*, actor: User, thread: Thread, post: Post | None) -> None:
    """The question's author (or a moderator: the view decides) marks the reply that answered
    it, or takes the mark back."""
    if not thread.is_question:
        raise CommunityError(_("Only a question can be marked answered."))
    if post is not None and (post.thread_id != thread.pk or post.is_first or post.is_hidden):
        raise CommunityError(_("Choose a reply of this thread."))
    thread.answer = post
    thread.save(update_fields=["answer"])
    audit.record(ANSWERED, actor=actor, target=thread, about=[post])


@transaction.atomic
def post_report(*, actor: User, post: Post, reason: str) -> Report:
    reason = reason.strip()
    if not reason:
        raise CommunityError(_("Say what is wrong with this post."))
    try:
        with transaction.atomic():
            return Report.objects.create(post=post, reporter=actor, reason=reason[:1000])
    except IntegrityError:
        raise CommunityError(_("You already reported this post.")) from None


@transaction.atomic
def post_hide(*, actor: User, post: Post, reason: str = "", hide: bool = True) -> None:
    """A moderator hides a post (or shows it again); its open reports are settled. Hiding the
    opening post hides the thread."""
    now = timezone.now()
    post.is_hidden = hide
    post.hidden_by = actor if hide else None
    post.hidden_at = now if hide else None
    post.hidden_reason = reason.strip()[:300] if hide else ""
    post.save(update_fields=["is_hidden", "hidden_by", "hidden_at", "hidden_reason"])
    if hide:
        post.reports.filter(status=ReportStatus.OPEN).update(
            status=ReportStatus.HIDDEN, resolved_by=actor, resolved_at=now
        )
    if post.is_first:
        Thread.objects.filter(pk=post.thread_id).update(is_hidden=hide)
    thread = post.thread
    if hide and thread.answer_id == post.pk:
        thread.answer = None
        thread.save(update_fields=["answer"])
    audit.record(
        POST_HIDDEN if hide else POST_SHOWN,
        actor=actor,
        target=post,
        about=[thread, post.author],
        data={"reason": post.hidden_reason} if hide else None,
    )


@transaction.atomic
def report_dismiss(*, actor: User, report: Report) -> None:
    if report.status != ReportStatus.OPEN:
        raise CommunityError(_("This report was already settled."))
    report.status = ReportStatus.DISMISSED
    report.resolved_by = actor
    report.resolved_at = timezone.now()
    report.save(update_fields=["status", "resolved_by", "resolved_at"])
    audit.record(REPORT_DISMISSED, actor=actor, target=report, about=[report.post])


@transaction.atomic
def thread_lock(*, actor: User, thread: Thread, lock: bool) -> None:
    thread.is_locked = lock
    thread.save(update_fields=["is_locked"])
    audit.record(THREAD_LOCKED, actor=actor, target=thread, data={"locked": lock})


@transaction.atomic
def thread_hide(*, actor: User, thread: Thread, hide: bool) -> None:
    thread.is_hidden = hide
    thread.save(update_fields=["is_hidden"])
    audit.record(THREAD_HIDDEN, actor=actor, target=thread, data={"hidden": hide})


@transaction.atomic
def thread_move(*, actor: User, thread: Thread, space: Space) -> None:
    """Moves a thread to another space of the same community (a moderator's choice among the
    community's spaces)."""
    if space.community_id != thread.space.community_id:
        raise CommunityError(_("Choose a space of this community."))
    if space.pk == thread.space_id:
        return
    before = thread.space
    thread.space = space
    thread.save(update_fields=["space"])
    audit.record(
        THREAD_MOVED,
        actor=actor,
        target=thread,
        about=[before, space],
        data={"from": before.slug, "to": space.slug},
    )


@transaction.atomic
def mentions_seen(*, actor: User, thread: Thread) -> int:
    return Mention.objects.filter(user=actor, post__thread=thread, seen_at__isnull=True).update(
        seen_at=timezone.now()
    )
