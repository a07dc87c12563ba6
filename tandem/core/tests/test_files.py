"""Files judged by content (core/files.py): the one reader behind résumés, shared documents,
community attachments and library resources. Database-free."""

import io
import zipfile

import pytest
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from tandem.core import files

EVERY_KIND = (files.PDF, files.PNG, files.JPEG, *files.OFFICE)


def _archive(*parts: str) -> bytes:
    # A fixed timestamp: two archives built a second apart must be the same bytes.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for part in parts:
            archive.writestr(zipfile.ZipInfo(part, (2026, 1, 1, 0, 0, 0)), "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (b"%PDF-1.4\n%%EOF\n", files.PDF),
        (b"\x89PNG\r\n\x1a\n rest", files.PNG),
        (b"\xff\xd8\xff\xe0 rest", files.JPEG),
        (_archive("[Content_Types].xml", "word/document.xml"), files.DOCX),
        (_archive("xl/workbook.xml"), files.XLSX),
        (_archive("ppt/presentation.xml"), files.PPTX),
    ],
)
def test_each_kind_is_known_by_its_content_whatever_its_name(content, kind):
    upload = SimpleUploadedFile("renamed.txt", content, "text/plain")
    upload.read(3)  # wherever the stream stands, it is read from its start and left there
    assert files.sniff(upload, EVERY_KIND) == kind
    assert upload.tell() == 0


@pytest.mark.parametrize(
    "content",
    [
        b"<html><script>alert(1)</script></html>",
        b'<svg xmlns="http://www.w3.org/2000/svg"/>',
        b"MZ\x90\x00 an executable",
        _archive("payload.exe"),  # a ZIP that is no Office document
        b"PK\x03\x04 not really an archive",
        b"",
    ],
)
def test_anything_else_is_refused(content):
    assert files.sniff(io.BytesIO(content), EVERY_KIND) is None


def test_a_kind_the_caller_does_not_take_is_refused():
    resume_kinds = (files.PDF, files.DOCX)
    assert files.sniff(io.BytesIO(b"\x89PNG\r\n\x1a\n"), resume_kinds) is None
    assert files.sniff(io.BytesIO(_archive("xl/workbook.xml")), resume_kinds) is None
    assert files.sniff(io.BytesIO(_archive("word/document.xml")), resume_kinds) == files.DOCX


class Refused(Exception):
    pass


def test_check_refuses_a_large_file_then_a_wrong_kind_with_the_callers_words():
    pdf = SimpleUploadedFile("cv.pdf", b"%PDF-1.4 " + b"x" * 2**20)
    with translation.override("fr"), pytest.raises(Refused, match="Le fichier dépasse 1 Mo."):
        files.check(pdf, allowed=[files.PDF], limit=2**20, refusal="-", error=Refused)
    script = SimpleUploadedFile("cv.pdf", b"#!/bin/sh\n")
    with pytest.raises(Refused, match="Upload a PDF"):
        files.check(
            script, allowed=[files.PDF], limit=2**20, refusal="Upload a PDF.", error=Refused
        )
    assert files.check(pdf, allowed=[files.PDF], limit=2**21, refusal="-", error=Refused) == (
        files.PDF
    )


def test_the_stored_name_keeps_the_stem_and_takes_the_extension_of_the_kind_found():
    named = File(io.BytesIO(b""), name="folder/My CV.exe")
    assert files.stored_name(named, files.PDF, default="resume") == "My CV.pdf"
    nameless = SimpleUploadedFile(".docx", b"")
    assert files.stored_name(nameless, files.DOCX, default="resume") == "resume.docx"
    long = SimpleUploadedFile("a" * 300 + ".pdf", b"")
    assert files.stored_name(long, files.PDF, default="x") == "a" * 150 + ".pdf"
