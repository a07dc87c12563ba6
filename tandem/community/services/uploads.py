"""Attachments: judged by their content, never by their name or the browser's word; limited in
size; stored under a random name outside any public URL (served by an access-checked view)."""

import zipfile
from typing import IO

from django.conf import settings
from django.core.files import File
from django.utils.translation import gettext as _

from tandem.accounts.models import User
from tandem.community.models import Attachment, Message, Post
from tandem.community.services import CommunityError

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
OFFICE = {
    "word/document.xml": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".docx",
    ),
    "xl/workbook.xml": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ".xlsx",
    ),
    "ppt/presentation.xml": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ".pptx",
    ),
}
EXTENSIONS = {PDF: ".pdf", PNG: ".png", JPEG: ".jpg"} | {kind: ext for kind, ext in OFFICE.values()}


def sniff(stream: IO[bytes]) -> str | None:
    """The file's type judged by its first bytes (and, for Office files, the ZIP's contents):
    PDF, PNG, JPEG, Word, Excel or PowerPoint; None for anything else (HTML, SVG, scripts,
    executables, archives)."""
    stream.seek(0)
    head = stream.read(8)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        try:
            stream.seek(0)
            with zipfile.ZipFile(stream) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        for marker, (kind, _extension) in OFFICE.items():
            if marker in names:
                return kind
    return None


def check(upload: File) -> str:
    """The upload's type, or a translated refusal (too large, or a type not accepted)."""
    limit = settings.TANDEM_COMMUNITY_ATTACHMENT_MAX_BYTES
    if upload.size is None or upload.size > limit:
        raise CommunityError(
            _("The file is larger than %(size)s MB.") % {"size": limit // (1024 * 1024)}
        )
    kind = sniff(upload)
    if kind is None:
        raise CommunityError(
            _("Attach a PDF, a Word, Excel or PowerPoint document, or a PNG or JPEG image.")
        )
    upload.seek(0)
    return kind


def attach(
    *,
    actor: User,
    upload: File,
    kind: str,
    post: Post | None = None,
    message: Message | None = None,
) -> Attachment:
    stem = (upload.name or "file").rsplit("/", 1)[-1].rsplit(".", 1)[0][:150].strip()
    attachment = Attachment(
        post=post,
        message=message,
        original_name=f"{stem or 'file'}{EXTENSIONS[kind]}",
        content_type=kind,
        size=upload.size or 0,
        uploaded_by=actor,
    )
    attachment.file.save("upload", upload, save=False)
    attachment.save()
    return attachment
