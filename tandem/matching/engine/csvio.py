"""The participants CSV: reading it exactly as specified, and writing matches and pairs.

See ``shared/formats/participants-csv.md``. A file with any broken row imports nothing: every
broken row is reported as (line, column, reason) and the caller writes nothing.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from .i18n import gettext_for
from .model import CRITERIA, SLOTS, Participant, Pool
from .reference import fsas, naics_classes, noc_groups

COLUMNS: tuple[str, ...] = (
    "external_id",
    "role",
    "given_name",
    "family_name",
    "email",
    "preferred_language",
    "languages",
    "noc_code",
    "naics_code",
    "postal_code",
    "meeting_mode",
    "availability",
    "goals",
    "capacity",
    "clb_level",
    "years_experience",
    "employer",
)
REQUIRED: tuple[str, ...] = (
    "external_id",
    "role",
    "given_name",
    "family_name",
    "email",
    "preferred_language",
    "languages",
    "noc_code",
)

# ISO 639-1 two-letter codes (2023 list).
ISO_639_1 = frozenset(
    """aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv cy
    da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu
    hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb
    lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om
    or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw
    ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu""".split()
)

_EMAIL = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")
_POSTAL = re.compile(r"^([A-Z][0-9][A-Z])(?:\s?([0-9][A-Z][0-9]))?$")
_INTEGER = re.compile(r"^[0-9]+$")
_NUMBER = re.compile(r"^[0-9]+(?:\.[0-9]+)?$")


@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}: {self.reason}"

    def render(self, lang: str) -> str:
        _ = gettext_for(lang)
        return _("line %(line)d, column %(column)s: %(reason)s") % {
            "line": self.line,
            "column": self.column,
            "reason": self.reason,
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


def read_participants(source: str | Path | TextIO | bytes, *, lang: str = "en") -> ParsedFile:
    """Parse a participants file (path, bytes, or open text) or raise ParticipantsFileError."""
    _ = gettext_for(lang)
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
                [RowError(line, "-", _("The file is not valid UTF-8 text."))]
            ) from error
    else:
        text = raw.removeprefix("\ufeff")
    return _parse_text(text, lang)


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
    """CSV records with the line number each one starts on (quoted fields may span lines)."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    start = 1
    for record in reader:
        yield start, record
        start = reader.line_num + 1


def _parse_text(text: str, lang: str) -> ParsedFile:
    _ = gettext_for(lang)
    errors: list[RowError] = []
    warnings: list[str] = []
    records = _records(text)
    try:
        first = next(records, None)
    except csv.Error as error:
        raise ParticipantsFileError(
            [RowError(1, "-", _("Malformed CSV: %(error)s") % {"error": error})]
        ) from error
    if first is None:
        raise ParticipantsFileError([RowError(1, "-", _("The file is empty."))])
    header_line, header = first
    header = [name.strip() for name in header]
    seen: dict[str, int] = {}
    for position, name in enumerate(header):
        if name in seen:
            errors.append(RowError(header_line, name, _("This column appears more than once.")))
        seen.setdefault(name, position)
        if name not in COLUMNS:
            warnings.append(
                _("Unknown column %(column)s is ignored.") % {"column": name or "(empty)"}
            )
    for name in REQUIRED:
        if name not in seen:
            errors.append(RowError(header_line, name, _("This required column is missing.")))
    if errors:
        raise ParticipantsFileError(errors)

    participants: list[Participant] = []
    first_line_of_id: dict[str, int] = {}
    line = header_line
    try:
        for line, record in records:
            if not any(cell.strip() for cell in record):
                continue  # spreadsheets often leave blank lines at the end
            if len(record) != len(header):
                errors.append(
                    RowError(
                        line,
                        "-",
                        _("This row has %(found)d cells; the header has %(expected)d.")
                        % {"found": len(record), "expected": len(header)},
                    )
                )
                continue
            row = {name: record[pos].strip() for name, pos in seen.items() if name in COLUMNS}
            participant, row_errors = _parse_row(row, line, lang)
            external_id = row.get("external_id", "")
            if external_id:
                if external_id in first_line_of_id:
                    row_errors.insert(
                        0,
                        RowError(
                            line,
                            "external_id",
                            _("Duplicate id; it was first used on line %(line)d.")
                            % {"line": first_line_of_id[external_id]},
                        ),
                    )
                else:
                    first_line_of_id[external_id] = line
            errors.extend(row_errors)
            if participant is not None and not row_errors:
                participants.append(participant)
    except csv.Error as error:
        # csv stops at the first malformed record; its line is the one after the last good one.
        errors.append(RowError(line + 1, "-", _("Malformed CSV: %(error)s") % {"error": error}))
    if errors:
        raise ParticipantsFileError(errors)
    people = tuple(participants)
    return ParsedFile(Pool.from_participants(people), people, tuple(warnings))


def _parse_row(
    row: dict[str, str], line: int, lang: str
) -> tuple[Participant | None, list[RowError]]:
    _ = gettext_for(lang)
    errors: list[RowError] = []

    def fail(column: str, reason: str) -> None:
        errors.append(RowError(line, column, reason))

    for name in REQUIRED:
        if not row.get(name):
            fail(name, _("A value is required."))

    role = row.get("role", "").lower()
    if role and role not in ("mentee", "mentor"):
        fail("role", _("Must be mentee or mentor, not %(value)s.") % {"value": row["role"]})

    email = row.get("email", "")
    if email and not _EMAIL.match(email):
        fail("email", _("Not an e-mail address: %(value)s.") % {"value": email})

    preferred = row.get("preferred_language", "").lower()
    if preferred and preferred not in ("en", "fr"):
        fail(
            "preferred_language",
            _("Must be en or fr, not %(value)s.") % {"value": row["preferred_language"]},
        )

    languages: set[str] = set()
    for code in row.get("languages", "").split(";"):
        code = code.strip().lower()
        if not code:
            continue
        if code not in ISO_639_1:
            fail("languages", _("%(value)s is not an ISO 639-1 language code.") % {"value": code})
        languages.add(code)
    if row.get("languages") and not languages:
        fail("languages", _("A value is required."))

    noc = row.get("noc_code", "")
    if noc:
        group = noc_groups().get(noc)
        if len(noc) != 5 or not noc.isdigit() or group is None or group.level != 5:
            fail(
                "noc_code", _("%(value)s is not a NOC 2021 unit group (5 digits).") % {"value": noc}
            )

    naics = row.get("naics_code") or None
    if naics is not None:
        digits = naics.replace("-", "")
        if not (2 <= len(digits) <= 6 and digits.isdigit()) or naics not in naics_classes():
            fail("naics_code", _("%(value)s is not a NAICS 2022 code.") % {"value": naics})

    postal = row.get("postal_code", "").upper() or None
    if postal is not None:
        match = _POSTAL.match(postal)
        if not match:
            fail("postal_code", _("%(value)s is not a Canadian postal code.") % {"value": postal})
        elif match.group(1) not in fsas():
            fail(
                "postal_code",
                _("The postal area %(fsa)s is not in the reference data.")
                % {"fsa": match.group(1)},
            )
        else:
            postal = match.group(1) + (f" {match.group(2)}" if match.group(2) else "")

    mode = row.get("meeting_mode", "").lower() or "either"
    if mode not in ("in_person", "virtual", "either"):
        fail(
            "meeting_mode",
            _("Must be in_person, virtual or either, not %(value)s.")
            % {"value": row["meeting_mode"]},
        )

    slots: set[str] = set()
    for slot in row.get("availability", "").split(";"):
        slot = slot.strip().lower()
        if not slot:
            continue
        if slot not in SLOTS:
            fail(
                "availability",
                _("%(value)s is not a weekly slot such as tue-evening.") % {"value": slot},
            )
        slots.add(slot)

    capacity = 1
    if role == "mentor" and row.get("capacity"):
        value = row["capacity"]
        if not _INTEGER.match(value) or not 1 <= int(value) <= 5:
            fail(
                "capacity",
                _("Must be a whole number from 1 to 5, not %(value)s.") % {"value": value},
            )
        else:
            capacity = int(value)

    clb: int | None = None
    if row.get("clb_level"):
        value = row["clb_level"]
        if not _INTEGER.match(value) or not 1 <= int(value) <= 12:
            fail(
                "clb_level",
                _("Must be a whole number from 1 to 12, not %(value)s.") % {"value": value},
            )
        else:
            clb = int(value)

    years: float | None = None
    if row.get("years_experience"):
        value = row["years_experience"]
        if not _NUMBER.match(value) or float(value) > 80:
            fail(
                "years_experience",
                _("Must be a number of years from 0 to 80, not %(value)s.") % {"value": value},
            )
        else:
            years = float(value)

    if errors:
        return None, errors
    return (
        Participant(
            external_id=row["external_id"],
            role=role,  # type: ignore[arg-type]
            given_name=row["given_name"],
            family_name=row["family_name"],
            email=email,
            preferred_language=preferred,  # type: ignore[arg-type]
            languages=frozenset(languages),
            noc_code=noc,
            naics_code=naics,
            postal_code=postal,
            meeting_mode=mode,  # type: ignore[arg-type]
            availability=frozenset(slots),
            goals=row.get("goals", ""),
            capacity=capacity,
            clb_level=clb,
            years_experience=years,
            employer=row.get("employer", ""),
        ),
        errors,
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
