"""Writes for mentoring groups and peer mentors, one module per job:

- `base`: `CircleError`, who one person is across records, a group's active members, and the
  check that nobody is in two groups' sessions at the same hour;
- `groups`: a group created (run by the lead agency or a partner's coordinator), staff notes,
  and its end;
- `members`: members added under the capacity guard (numbered seats, a row lock), removed, and
  the name they show to the group;
- `sessions`: sessions scheduled once or weekly with calendar invitations in each person's
  language, moved or cancelled, attendance and feedback;
- `peers`: alumni invited to be peer mentors, their answer and briefing, short conversations.

Import from the module that holds the job (`from tandem.circles.services.members import
circle_member_add`). Every write is atomic, takes `actor=`, records a named audit event and
raises `CircleError` with a translated message when a rule of groups is broken.

The modules are imported here so that every audit event of groups is declared (and labelled on
history pages) whichever of them a process imports first.
"""

from tandem.circles.services import (  # noqa: F401  (declares each module's audit events)
    base,
    groups,
    members,
    peers,
    sessions,
)
