"""Writes of the matching desk, one module per idea of the desk:

- `base`: `DeskError`, the program's matching settings, the event record and pool check shared
  by the others;
- `explanations`: what a proposal keeps of the engine's explanation of a pair;
- `runs`: whole-pool runs (queued by staff, executed by the worker) ending in draft proposals;
- `drafts`: staff's edits on drafts (approve, keep, remove, rule out, swap, pairs chosen by hand);
- `publishing`: drafts sent to both people, each in their own language;
- `answers`: the two people's answers, and withdrawal by staff;
- `follow_ups`: reminders and expiry (scheduled per proposal, and the daily sweep);
- `profile_sharing`: what each person agrees to show the other.

Import from the module that holds the idea (`from tandem.matching.services.drafts import
proposal_pin`). Every function takes the acting person (`actor=`), runs in a transaction and
raises `DeskError` with a translated message when a rule of the desk is broken. Each change worth
asking about later records a named audit event; bulk writes of a run are recorded by the run.

The modules are imported here so that every audit event of the desk is declared (and labelled
on history pages) whichever of them a process imports first.
"""

from tandem.matching.services import (  # noqa: F401  (declares each module's audit events)
    answers,
    base,
    drafts,
    explanations,
    follow_ups,
    profile_sharing,
    publishing,
    runs,
)
