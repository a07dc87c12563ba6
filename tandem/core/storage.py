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
