"""Uploaded files: a full disk is a clear refusal, not a 500 that leaves half a record behind."""

import errno

from django.core.files.storage import FileSystemStorage


class StorageFull(OSError):
    """The disk (or quota) for uploaded files has no room for this file."""


class UploadStorage(FileSystemStorage):
    def _save(self, name, content):
        try:
            return super()._save(name, content)
        except OSError as error:
            if error.errno in (errno.ENOSPC, errno.EDQUOT):
                # FileSystemStorage removes its partial file on failure; say why it failed.
                raise StorageFull(error.errno, "no space left for uploaded files") from error
            raise


def name_part(text: str, *, fallback: str) -> str:
    """A piece of a download's file name from a person's name: control characters dropped (a
    name recorded before they were refused), then a slug (« Nguyễn » -> « nguyen », no quote
    or space reaches the header); `fallback` when nothing is left."""
    from django.utils.text import slugify

    return slugify("".join(c for c in text if c.isprintable())) or fallback
