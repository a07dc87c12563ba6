"""Attachments: judged by their content, never by their name or the browser's word
(`core/files.py`); limited in size; stored under a random name outside any public URL (served
by an access-checked view)."""

from django.conf import settings
from django.core.files import File
from django.utils.translation import gettext as _

from tandem.accounts.models import User
from tandem.community.models import Attachment, Message, Post
from tandem.community.services import CommunityError
from tandem.core import files

# Documents and pictures; never HTML, SVG, scripts, executables or other archives.
ACCEPTED = (files.PDF, *files.OFFICE, files.PNG, files.JPEG)


def check(upload: File) -> files.Kind:
    """The upload's kind, or a translated refusal (too large, or a kind not accepted)."""
    return files.check(
        upload,
        allowed=ACCEPTED,
        limit=settings.TANDEM_COMMUNITY_ATTACHMENT_MAX_BYTES,
        refusal=_("Attach a PDF, a Word, Excel or PowerPoint document, or a PNG or JPEG image."),
        error=CommunityError,
    )


def attach(
    *,
    actor: User,
    upload: File,
    kind: files.Kind,
    post: Post | None = None,
    message: Message | None = None,
) -> Attachment:
    attachment = Attachment(
        post=post,
        message=message,
        original_name=files.stored_name(upload, kind, default="file"),
        content_type=kind.content_type,
        size=upload.size or 0,
        uploaded_by=actor,
    )
    attachment.file.save("upload", upload, save=False)
    attachment.save()
    return attachment
