"""Writes of the community area, a module per idea: `communities` (communities, members,
spaces, preferences), `threads` (threads, replies, reactions, answers, reports, moderation),
`conversations` (private messages), `uploads` (attachments), `notify` (mail at once and
digests). Each write is atomic, keyword-only, takes `actor=`; moderation records a named audit
event."""


class CommunityError(Exception):
    """A refused write; the message is translated for the person acting."""
