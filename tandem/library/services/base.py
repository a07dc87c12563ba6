"""What the library's services share: their error and their audit events."""

from django.utils.translation import gettext_lazy

from tandem.core import audit


class LibraryError(Exception):
    """A rule of the library was broken; the message is translated for the person."""


RESOURCE_CREATED = audit.event("library.resource_created", gettext_lazy("Resource started"))
RESOURCE_EDITED = audit.event("library.resource_edited", gettext_lazy("Resource edited"))
DRAFT_STARTED = audit.event("library.draft_started", gettext_lazy("New draft of a resource"))
FILE_ATTACHED = audit.event("library.file_attached", gettext_lazy("File attached to a resource"))
VERSION_PUBLISHED = audit.event(
    "library.version_published", gettext_lazy("Version of a resource published")
)
ROUND_OPENED = audit.event("library.review_opened", gettext_lazy("Review round opened"))
HUB_INVITED = audit.event("library.review_invited", gettext_lazy("Hub invited to review"))
COMMENTED = audit.event("library.review_commented", gettext_lazy("Review comment written"))
ROUND_CLOSED = audit.event("library.review_closed", gettext_lazy("Review round closed"))
PROFILE_SAVED = audit.event("library.profile_saved", gettext_lazy("Network profile saved"))
GATHERING_CREATED = audit.event("library.gathering_created", gettext_lazy("Gathering created"))
GATHERING_EDITED = audit.event("library.gathering_edited", gettext_lazy("Gathering edited"))
GATHERING_CANCELLED = audit.event(
    "library.gathering_cancelled", gettext_lazy("Gathering cancelled")
)
REGISTERED = audit.event("library.registered", gettext_lazy("Registered for a gathering"))
UNREGISTERED = audit.event(
    "library.unregistered", gettext_lazy("Registration for a gathering cancelled")
)
ATTENDANCE = audit.event("library.attendance", gettext_lazy("Attendance at a gathering recorded"))
SPOKESPERSON_ADDED = audit.event(
    "library.spokesperson_added", gettext_lazy("Added to the roster of spokespersons")
)
SPOKESPERSON_REMOVED = audit.event(
    "library.spokesperson_removed", gettext_lazy("Removed from the roster of spokespersons")
)
