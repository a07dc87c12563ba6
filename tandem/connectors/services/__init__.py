"""Writes for the connector program. Every function is atomic, keyword-only, takes `actor=` and
records a named audit event; mail goes in the recipient's language once the transaction commits.

`joining`: the light profile and invitations; `meetings`: requests, times, the meeting recorded,
introductions, feedback, results, mentorship by mutual consent; `common`: errors, audit events,
links and the mail helper.
"""

from tandem.connectors.services.common import (
    INVITATION_LINK,
    REMINDED,
    ConnectorError,
    _link,
    _tell,
)
from tandem.connectors.services.joining import (
    LinkState,
    Profile,
    connector_invite,
    connector_profile_save,
    invitation_accept,
    invitation_by_token,
    invitation_decline,
    invitation_pass_on,
)
from tandem.connectors.services.meetings import (
    Contact,
    feedback_give,
    introductions_record,
    meeting_cancel,
    meeting_choose_time,
    meeting_offer_times,
    meeting_record_held,
    meeting_request,
    mentorship_consent,
    mentorship_open,
    result_record,
)

__all__ = [
    "INVITATION_LINK",
    "REMINDED",
    "Contact",
    "ConnectorError",
    "LinkState",
    "Profile",
    "_link",
    "_tell",
    "connector_invite",
    "connector_profile_save",
    "feedback_give",
    "introductions_record",
    "invitation_accept",
    "invitation_by_token",
    "invitation_decline",
    "invitation_pass_on",
    "meeting_cancel",
    "meeting_choose_time",
    "meeting_offer_times",
    "meeting_record_held",
    "meeting_request",
    "mentorship_consent",
    "mentorship_open",
    "result_record",
]
