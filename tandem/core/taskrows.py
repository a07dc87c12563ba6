"""Finished task rows go: the task table is a queue, not an archive.

Every mail the platform sends is a `deliver_mail` task whose row (django-tasks-db's
`DBTaskResult`) holds the rendered message as JSON: the address, the subject, the whole text and
HTML and the calendar files. Other tasks carry personal data in their arguments too (a pasted
list of addresses), and a failed task keeps its traceback. Nothing in django-tasks-db deletes a
row, so they would stay readable for ever: a mentee's reminders, the mails of a person whose
record retention anonymised long ago.

So the hourly sweep (registered by core itself, `CoreConfig.ready`) deletes finished rows after
`TANDEM_TASK_KEEP_SUCCESSFUL_DAYS` (successful) and `TANDEM_TASK_KEEP_FAILED_DAYS` (failed; an
operator needs them longer to find out why), in batches through `sweeps.each`, never a READY or
RUNNING row (the DELETE itself re-checks the status). What they counted is added to `TaskTally`
first, so /metrics' counters never go down. And when a person's record is anonymised or
deleted (privacy), `tasks_forget` deletes at once the finished rows that name their address and
the mail still waiting for them alone.

Legal holds: core knows no person. A row is tied to a person by the e-mail addresses it names
(its arguments, return value and traceback); the areas above register `protect(addresses) ->
addresses` (privacy: those of people under a legal hold), called inside each batch's
transaction, so that it can lock the people it answers for before it reads their holds.
"""

import itertools
import json
import re
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q

from tandem.core import sweeps

SUCCESSFUL, FAILED = "SUCCESSFUL", "FAILED"
FINISHED = (SUCCESSFUL, FAILED)
BATCH = 500  # rows read and deleted per transaction (a row holds a whole mail: ~20 kB)
MAIL_TASK = "tandem.core.tasks.deliver_mail"
# Addresses as they appear in a row's JSON or traceback; lower-cased before any comparison.
ADDRESS = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_FIELDS = ("pk", "status", "task_path", "args_kwargs", "return_value", "traceback")

type Protect = Callable[[set[str]], set[str]]
_PROTECTORS: list[Protect] = []


def protect(function: Protect) -> None:
    """Registers a function (from an app's `ready()`) that answers, among the addresses a batch
    of rows names, those whose rows must stay (a legal hold); called inside the transaction
    that deletes the batch."""
    if function not in _PROTECTORS:
        _PROTECTORS.append(function)


def addresses_in(row: dict[str, Any]) -> set[str]:
    """Every e-mail address a task row names (lower-cased)."""
    text = json.dumps([row["args_kwargs"], row["return_value"]], default=str) + row["traceback"]
    return {found.lower() for found in ADDRESS.findall(text)}


def _protected(rows: list[dict[str, Any]]) -> set[Any]:
    """The ids of the rows that name an address someone protects."""
    if not _PROTECTORS:
        return set()
    named = {row["pk"]: addresses_in(row) for row in rows}
    everyone = set().union(*named.values())
    kept: set[str] = set()
    for function in _PROTECTORS:
        kept |= function(everyone)
    return {pk for pk, addresses in named.items() if addresses & kept}


def _delete(rows: list[dict[str, Any]]) -> int:
    """Deletes these rows if they are still finished, their counts added to the tally in the
    same transaction."""
    from django_tasks_db.models import DBTaskResult

    from tandem.core.models import TaskTally

    if not rows:
        return 0
    sent = sum(
        1
        for row in rows
        if row["status"] == SUCCESSFUL
        and row["task_path"] == MAIL_TASK
        and isinstance(row["return_value"], int)
        and row["return_value"] > 0
    )
    failed = sum(1 for row in rows if row["status"] == FAILED)
    for name, count in (("mail_sent", sent), ("failed", failed)):
        if count:
            TaskTally.objects.get_or_create(name=name)
            TaskTally.objects.filter(name=name).update(count=F("count") + count)
    deleted, _by_model = DBTaskResult.objects.filter(
        pk__in=[row["pk"] for row in rows], status__in=FINISHED
    ).delete()
    return deleted


def finished_tasks_purge(*, now: datetime) -> dict[str, int]:
    """The sweep: successful rows finished more than the kept days ago, then failed ones, in
    batches (each its own transaction); those a protector keeps stay and are counted."""
    from django_tasks_db.models import DBTaskResult

    done = {"successful": 0, "failed": 0, "held": 0}
    periods = (
        (SUCCESSFUL, settings.TANDEM_TASK_KEEP_SUCCESSFUL_DAYS),
        (FAILED, settings.TANDEM_TASK_KEEP_FAILED_DAYS),
    )
    for status, days in periods:
        old = DBTaskResult.objects.filter(status=status, finished_at__lt=now - timedelta(days=days))
        after = None  # keyset: the rows a hold keeps are not read again
        for _batch in sweeps.each(itertools.count()):
            page = old if after is None else old.filter(pk__gt=after)
            with transaction.atomic():
                rows = list(page.order_by("pk").values(*_FIELDS)[:BATCH])
                if not rows:
                    break
                after = rows[-1]["pk"]
                kept = _protected(rows)
                done[status.lower()] += _delete([row for row in rows if row["pk"] not in kept])
                done["held"] += len(kept)
    return done


def tasks_forget(addresses: Iterable[str], *, waiting: bool = True) -> int:
    """A person erased (their record anonymised, or deleted on their request): the finished
    rows that name one of their addresses go now (copies of what was already done), and, with
    `waiting`, the mail still waiting for them alone (the caller says no when the address also
    serves another record that still stands). A task of another kind still waiting (a list of
    several people) runs, and its row goes with the sweep; so does a row running at this very
    moment. Returns how many rows went."""
    from django_tasks_db.models import DBTaskResult

    theirs = {address.strip().lower() for address in addresses if address and "@" in address}
    if not theirs:
        return 0
    naming = Q()
    for address in theirs:
        naming |= (
            Q(args_kwargs__icontains=address)
            | Q(return_value__icontains=address)
            | Q(traceback__icontains=address)
        )
    candidates = DBTaskResult.objects.filter(naming).values(*_FIELDS)
    going = []
    for row in candidates.iterator(chunk_size=BATCH):
        # icontains matches "ann@x.org" inside "joann@x.org": the addresses themselves decide.
        if not addresses_in(row) & theirs:
            continue
        if row["status"] in FINISHED:
            going.append(row)
        elif waiting and row["status"] == "READY" and row["task_path"] == MAIL_TASK:
            payload = (row["args_kwargs"].get("args") or [{}])[0]
            recipients = {str(to).lower() for to in payload.get("to", [])}
            if recipients and recipients <= theirs:
                going.append(row)
    if not going:
        return 0
    ready = [row["pk"] for row in going if row["status"] == "READY"]
    with transaction.atomic():
        deleted = _delete([row for row in going if row["status"] in FINISHED])
        # Re-checked in the DELETE: a worker that claimed one meanwhile sends it.
        deleted += DBTaskResult.objects.filter(pk__in=ready, status="READY").delete()[0]
    return deleted
