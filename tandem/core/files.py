"""Uploaded files judged by their content, never by their name or the browser's word: a renamed
script is not a PDF. One reader of magic numbers for every area that accepts files (résumés,
shared documents, community attachments, library resources); each area names the kinds it
accepts and its own refusal.

Office documents are ZIP archives: what makes one a Word, Excel or PowerPoint file is the part
it holds (`word/document.xml`, ...), read from the archive's directory without unpacking it.
"""

import zipfile
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import IO

from django.core.files import File
from django.db.models.fields.files import FieldFile
from django.http import FileResponse
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Kind:
    content_type: str
    extension: str


PDF = Kind("application/pdf", ".pdf")
PNG = Kind("image/png", ".png")
JPEG = Kind("image/jpeg", ".jpg")
DOCX = Kind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx")
XLSX = Kind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx")
PPTX = Kind("application/vnd.openxmlformats-officedocument.presentationml.presentation", ".pptx")
OFFICE = (DOCX, XLSX, PPTX)

_MAGIC = ((b"%PDF-", PDF), (b"\x89PNG\r\n\x1a\n", PNG), (b"\xff\xd8\xff", JPEG))
_ZIP = b"PK\x03\x04"
_OFFICE_PARTS = {"word/document.xml": DOCX, "xl/workbook.xml": XLSX, "ppt/presentation.xml": PPTX}


def sniff(stream: IO[bytes], allowed: Collection[Kind]) -> Kind | None:
    """The stream's kind if it is one of `allowed`, else None (HTML, SVG, scripts, executables,
    other archives, a kind this caller does not take). The stream is left at its start."""
    stream.seek(0)
    head = stream.read(8)
    stream.seek(0)
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind if kind in allowed else None
    if not head.startswith(_ZIP) or not any(kind in allowed for kind in OFFICE):
        return None
    try:
        with zipfile.ZipFile(stream) as archive:  # closes the archive, not the stream
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        return None
    finally:
        stream.seek(0)
    for part, kind in _OFFICE_PARTS.items():
        if part in names and kind in allowed:
            return kind
    return None


def check_size(upload: File, *, limit: int, error: Callable[[str], Exception]) -> None:
    """Refuses (with `error`, the caller's domain error) an upload larger than `limit` bytes."""
    if upload.size is None or upload.size > limit:
        raise error(_("The file is larger than %(size)s MB.") % {"size": limit // (1024 * 1024)})


def check(
    upload: File,
    *,
    allowed: Collection[Kind],
    limit: int,
    refusal: str,
    error: Callable[[str], Exception],
) -> Kind:
    """The upload's kind, after checking its size; otherwise raises `error` with the translated
    size message or the caller's `refusal` (which names the kinds it accepts)."""
    check_size(upload, limit=limit, error=error)
    kind = sniff(upload, allowed)
    if kind is None:
        raise error(refusal)
    return kind


def stored_name(upload: File, kind: Kind, *, default: str) -> str:
    """The name a download offers: the uploaded name's stem (no folders, 150 characters at
    most) with the extension of the kind found, so the name never claims another type."""
    stem = (upload.name or "").rsplit("/", 1)[-1].rsplit(".", 1)[0][:150].strip()
    return f"{stem or default}{kind.extension}"


def download(file: FieldFile, *, name: str, content_type: str) -> FileResponse:
    """A stored upload answered as a download: never shown inline (a document's scripts stay
    inert), never kept by a shared cache, and with the type judged at upload, which the browser
    must not second-guess (`nosniff`)."""
    response = FileResponse(
        file.open("rb"), as_attachment=True, filename=name, content_type=content_type
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
