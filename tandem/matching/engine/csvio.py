"""The participants CSV on the command line: reading it with the participants' own reader, and
writing matches and pairs.

See ``docs/participants-csv.md``. The file is read by ``tandem.participants.csvformat`` (plain
Python, no Django), the one reader the import uses too, against the reference files; a file
with any broken row imports nothing: every broken row is reported as (line, column, reason) in
the reader's language and the caller writes nothing.
"""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from tandem.participants import csvformat

from .i18n import catalogue, gettext_for
from .model import CRITERIA, Participant, Pool
from .reference import fsas, naics_classes, noc_groups

# The sentences of the file's problems are the participants catalogue's (one translation for the
# import's page and the command line).
PARTICIPANTS_LOCALE = Path(csvformat.__file__).resolve().parent / "locale"


def problem_gettext(lang: str) -> Callable[[str], str]:
    return catalogue(lang, "django", PARTICIPANTS_LOCALE).gettext


@dataclass(frozen=True, slots=True)
class RowError:
    """A problem of the file (csvformat's code and parameters) at its line and column."""

    line: int
    column: str
    code: str
    params: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @classmethod
    def from_problem(cls, problem: dict[str, Any]) -> RowError:
        return cls(problem["line"], problem["column"] or "-", problem["code"], problem["params"])

    @property
    def reason(self) -> str:
        return self._reason("en")

    def _reason(self, lang: str) -> str:
        problem = {"code": self.code, "params": self.params}
        return csvformat.render(problem, problem_gettext(lang))

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}: {self.reason}"

    def render(self, lang: str) -> str:
        _ = gettext_for(lang)
        return _("line %(line)d, column %(column)s: %(reason)s") % {
            "line": self.line,
            "column": self.column,
            "reason": self._reason(lang),
        }


class ParticipantsFileError(Exception):
    """The file breaks the format; ``errors`` lists every broken row."""

    def __init__(self, errors: Sequence[RowError]):
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = tuple(errors)


@dataclass(frozen=True)
class ParsedFile:
    pool: Pool
    participants: tuple[Participant, ...]
    warnings: tuple[str, ...]


@functools.cache
def reference_codes() -> csvformat.Reference:
    """The codes a row may use, from the reference files (the app reads the same from its
    tables): NOC 2021 unit groups, NAICS 2022 codes, postal areas."""
    return csvformat.Reference(
        noc={code for code, group in noc_groups().items() if group.level == 5},
        naics=set(naics_classes()),
        fsa=set(fsas()),
    )


def read_participants(source: str | Path | TextIO | bytes, *, lang: str = "en") -> ParsedFile:
    """Parse a participants file (path, bytes, or open text) or raise ParticipantsFileError."""
    if isinstance(source, Path | str):
        raw: bytes | str = Path(source).read_bytes()
    elif isinstance(source, bytes):
        raw = source
    else:
        raw = source.read()
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = raw[: error.start].count(b"\n") + 1
            raise ParticipantsFileError(
                [RowError.from_problem(csvformat.problem(line, "", "not_utf8"))]
            ) from error
    else:
        text = raw.removeprefix("\ufeff")
    reading = csvformat.Reading()
    problems: list[dict[str, Any]] = []
    people: list[Participant] = []
    for row in csvformat.read(io.StringIO(text, newline=""), reference_codes(), reading):
        problems += row.problems
        if not row.problems:
            people.append(_participant(row.values))
    problems += reading.errors
    if problems:
        raise ParticipantsFileError([RowError.from_problem(p) for p in problems])
    participants = tuple(people)
    gettext = problem_gettext(lang)
    warnings = tuple(csvformat.render(w, gettext) for w in reading.warnings)
    return ParsedFile(Pool.from_participants(participants), participants, warnings)


def _participant(values: dict[str, Any]) -> Participant:
    """A good row (its values are named as the engine's fields) as the engine's participant."""
    return Participant(
        **{
            **values,
            "languages": frozenset(values["languages"]),
            "availability": frozenset(values["availability"]),
            "postal_code": values["postal_code"] or None,
        }
    )


def format_score(value: float) -> str:
    return f"{value:.6f}"


MATCHES_HEADER: tuple[str, ...] = ("mentee_id", "mentor_id", "score", *CRITERIA, "reason")
PAIRS_HEADER: tuple[str, ...] = ("mentee_id", "mentor_id", "score", *CRITERIA)


def write_rows(path: str | Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """Write a CSV atomically enough for a command line: to a sibling file, then rename."""
    target = Path(path)
    temporary = target.with_name(target.name + ".part")
    count = 0
    with temporary.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
            count += 1
    temporary.replace(target)
    return count
