"""Writes of the library, by idea: `resources` (create, edit, tags, drafts, files, publish),
`reviews` (rounds, invitations, section comments), `directory` (network profiles), `gatherings`
(gatherings, registration under the places guard, attendance, materials, spokespersons). Each
is atomic, keyword-only, takes `actor=` and records a named audit event."""

from tandem.library.services.base import LibraryError

__all__ = ["LibraryError"]
