"""The participants CSV format (docs/participants-csv.md): the one reader of the file.

Plain Python, no Django: the import (participants/services.py) and the matching engine's command
line (matching/engine/csvio.py, which runs without Django) read files through `read()`, so that
a file means the same thing to both and a rule is written once.

What a row may contain is checked against a `Reference` of the codes that exist, which each
caller builds from its own copy of the classifications (the database's tables in the app, the
reference files on the command line). Problems are codes with parameters
(`{"line", "column", "code", "params"}`, the shape the import stores), rendered into a sentence
only when someone reads them, in that person's language: `render(problem, gettext)` with the
reader's gettext. The sentences are in the participants catalogue
(`tandem/participants/locale`), which the command line reads with the standard library.
"""

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any


def gettext_noop(message: str) -> str:
    """Marks a sentence for the catalogue; it is translated when read (`render`)."""
    return message


COLUMNS = [
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
]
REQUIRED = [
    "external_id",
    "role",
    "given_name",
    "family_name",
    "email",
    "preferred_language",
    "languages",
    "noc_code",
]
ROLES = {"mentee", "mentor"}
MEETING_MODES = {"in_person", "virtual", "either"}
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
PARTS = ("morning", "afternoon", "evening")
SLOTS = {f"{day}-{part}" for day in DAYS for part in PARTS}
# ISO 639-1, the two-letter codes (the 2023 list).
ISO_639_1 = frozenset(
    """aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv cy
    da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu
    hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb
    lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om
    or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw
    ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu""".split()
)
POSTAL_CODE = re.compile(r"^([A-Z]\d[A-Z])(?: ?(\d[A-Z]\d))?$")
# The longest text each column may hold: the model's own limits (a test checks they agree).
MAX_TEXT = {
    "external_id": 64,
    "given_name": 100,
    "family_name": 100,
    "email": 254,
    "employer": 200,
    "goals": 2000,
}
# E-mail addresses as Django's EmailValidator reads them (its dot-atom local part, a domain of
# labels, international domains in their ASCII form), so the command line refuses what the
# import refuses.
_EMAIL_USER = re.compile(r"^[-!#$%&'*+/=?^_`{}|~0-9A-Z]+(\.[-!#$%&'*+/=?^_`{}|~0-9A-Z]+)*\Z", re.I)
_EMAIL_DOMAIN = re.compile(
    r"^((?:[A-Z0-9](?:[A-Z0-9-]{0,61}[A-Z0-9])?\.)+)(?:[A-Z0-9-]{2,63}(?<!-))\Z", re.I
)

MESSAGES = {
    "missing_column": gettext_noop("The required column is missing from the header row."),
    "duplicate_column": gettext_noop("This column appears more than once in the header row."),
    "required": gettext_noop("This column is required and the cell is empty."),
    "duplicate_id": gettext_noop("This external_id already appears on line %(line)s."),
    "too_long": gettext_noop("The text is longer than %(max)s characters."),
    "role": gettext_noop("Write mentee or mentor."),
    "email": gettext_noop("This is not a valid e-mail address."),
    "preferred_language": gettext_noop("Write en or fr."),
    "languages": gettext_noop("“%(value)s” is not a two-letter ISO 639-1 language code."),
    "noc_format": gettext_noop("A NOC 2021 unit group has 5 digits."),
    "noc_unknown": gettext_noop("NOC 2021 has no unit group %(value)s."),
    "naics_unknown": gettext_noop("NAICS 2022 has no code %(value)s."),
    "postal_format": gettext_noop(
        "Write a Canadian postal code (K1K 2C5) or its first three characters."
    ),
    "postal_unknown": gettext_noop("The postal area %(value)s is not in the reference data."),
    "meeting_mode": gettext_noop("Write in_person, virtual or either."),
    "availability": gettext_noop("“%(value)s” is not a slot such as tue-evening or sat-morning."),
    "integer_range": gettext_noop("Write a whole number from %(min)s to %(max)s."),
    "integer_min": gettext_noop("Write a whole number of at least %(min)s."),
    "not_utf8": gettext_noop("The file is not UTF-8 text."),
    "no_header": gettext_noop("The file has no header row."),
    "bad_csv": gettext_noop("The file is not a readable CSV file: %(value)s"),
    "unknown_column": gettext_noop("Unknown column “%(value)s” is ignored."),
    "empty_file": gettext_noop("The file has no rows."),
    "broken_record": gettext_noop(
        "This row does not parse: a quote opened here is never closed, or a quote is followed "
        "by other text. Nothing after it could be read safely."
    ),
    "cell_count": gettext_noop("This row has %(found)s cells; the header row has %(expected)s."),
    "control_character": gettext_noop(
        "The cell holds a NUL byte or another invisible character that cannot be stored."
    ),
}


def problem(line: int, column: str, code: str, /, **params: Any) -> dict[str, Any]:
    return {"line": line, "column": column, "code": code, "params": params}


def render(found: dict[str, Any], gettext: Callable[[str], str]) -> str:
    """A problem as a sentence, through the reader's `gettext`."""
    message = MESSAGES.get(found["code"])
    if message is None:
        return str(found["code"])
    text = gettext(message)
    return text % found["params"] if found.get("params") else text


class BrokenRecord(csv.Error):
    """A record the CSV reader cannot read cleanly, with the line where it starts."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line


@dataclass
class Reference:
    """The codes a row may use: NOC 2021 unit groups, NAICS 2022 codes, postal areas."""

    noc: set[str]
    naics: set[str]
    fsa: set[str]


@dataclass
class Row:
    line: int
    values: dict[str, Any]
    problems: list[dict[str, Any]] = field(default_factory=list)

    def problem(self, column: str, code: str, /, **params: Any) -> None:
        self.problems.append(problem(self.line, column, code, **params))


def is_email(value: str) -> bool:
    """The address's form (its length is MAX_TEXT's)."""
    if "@" not in value:
        return False
    user, domain = value.rsplit("@", 1)
    if not _EMAIL_USER.match(user):
        return False
    if not domain.isascii():  # an international domain, checked in its ASCII form
        try:
            domain = domain.encode("idna").decode("ascii")
        except UnicodeError:
            return False
    return bool(_EMAIL_DOMAIN.match(domain))


def open_text(data: IO[bytes]) -> IO[str]:
    """UTF-8 with or without a byte-order mark; any other encoding fails on read."""
    return io.TextIOWrapper(data, encoding="utf-8-sig", newline="", errors="strict")


def records(text: IO[str]) -> Iterator[tuple[int, list[str]]]:
    """(first line number, cells) for each non-blank record, the header included; a quoted
    cell may span lines, so the number is where the record starts."""
    # strict: an unclosed quote is an error at the end of the file (not one huge cell that
    # swallows every following row), and so is text after a closing quote.
    reader = csv.reader(text, strict=True)
    last_line = 0
    while True:
        start = last_line + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise BrokenRecord(start, str(error)) from error
        last_line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue  # spreadsheets often leave blank lines at the end
        yield start, cells


def header_problems(header: list[str], line: int = 1) -> tuple[list[dict], list[dict]]:
    names = [h.strip() for h in header]
    errors = [problem(line, name, "missing_column") for name in REQUIRED if name not in names]
    errors += [
        problem(line, name, "duplicate_column")
        for position, name in enumerate(names)
        if name and name in names[:position]
    ]
    warnings = [
        problem(line, name, "unknown_column", value=name)
        for name in names
        if name and name not in COLUMNS
    ]
    return errors, warnings


def _integer(row: Row, column: str, raw: str, low: int, high: int | None) -> int | None:
    if raw == "":
        return None
    value = int(raw) if raw.isascii() and raw.isdigit() else None
    if value is None or value < low or (high is not None and value > high):
        if high is None:
            row.problem(column, "integer_min", min=low)
        else:
            row.problem(column, "integer_range", min=low, max=high)
        return None
    return value


def _codes(row: Row, column: str, raw: str, allowed: set[str] | frozenset[str]) -> list[str]:
    """A `;`-separated list of codes, lower case, each once, in the order written."""
    found: list[str] = []
    for code in raw.split(";"):
        code = code.strip().lower()
        if not code:
            continue
        if code not in allowed:
            row.problem(column, column, value=code)
        elif code not in found:
            found.append(code)
    return found


def parse_row(line: int, cells: dict[str, str], reference: Reference) -> Row:
    """Checks one row and returns its values (the format's columns, typed: `languages` and
    `availability` as lists of codes, the numbers as int or None), with its problems."""
    get = {name: (cells.get(name) or "").strip() for name in COLUMNS}
    row = Row(line=line, values={})
    for name, value in get.items():
        # A NUL byte cannot be stored on PostgreSQL; line breaks are only for the goals.
        if "\x00" in value or (name != "goals" and not value.isprintable()):
            row.problem(name, "control_character")
            get[name] = "".join(c for c in value if c.isprintable())  # the row is refused anyway
    for name in REQUIRED:
        if not get[name]:
            row.problem(name, "required")
    for name, limit in MAX_TEXT.items():
        if len(get[name]) > limit:
            row.problem(name, "too_long", max=limit)
    role = get["role"].lower()
    if role and role not in ROLES:
        row.problem("role", "role")
    if get["email"] and not is_email(get["email"]):
        row.problem("email", "email")
    preferred = get["preferred_language"].lower()
    if preferred and preferred not in ("en", "fr"):
        row.problem("preferred_language", "preferred_language")
    languages = _codes(row, "languages", get["languages"], ISO_639_1)
    noc = get["noc_code"]
    if noc:
        if not (len(noc) == 5 and noc.isascii() and noc.isdigit()):
            row.problem("noc_code", "noc_format")
        elif noc not in reference.noc:
            row.problem("noc_code", "noc_unknown", value=noc)
    naics = get["naics_code"]
    if naics and naics not in reference.naics:
        row.problem("naics_code", "naics_unknown", value=naics)
    postal = ""
    if get["postal_code"]:
        match = POSTAL_CODE.match(get["postal_code"].upper())
        if not match:
            row.problem("postal_code", "postal_format")
        elif match.group(1) not in reference.fsa:
            row.problem("postal_code", "postal_unknown", value=match.group(1))
        else:
            postal = " ".join(part for part in match.groups() if part)
    mode = get["meeting_mode"].lower() or "either"
    if mode not in MEETING_MODES:
        row.problem("meeting_mode", "meeting_mode")
    slots = _codes(row, "availability", get["availability"], SLOTS)
    capacity = _integer(row, "capacity", get["capacity"], 1, 5)
    clb = _integer(row, "clb_level", get["clb_level"], 1, 12)
    years = _integer(row, "years_experience", get["years_experience"], 0, 80)
    row.values = {
        "external_id": get["external_id"],
        "role": role,
        "given_name": get["given_name"],
        "family_name": get["family_name"],
        "email": get["email"],
        "preferred_language": preferred,
        "languages": languages,
        "noc_code": noc,
        "naics_code": naics or None,
        "postal_code": postal,
        "meeting_mode": mode,
        "availability": slots,
        "goals": get["goals"],
        # A mentee has one place; the column counts only for mentors.
        "capacity": (capacity or 1) if role == "mentor" else 1,
        "clb_level": clb,
        "years_experience": years,
        "employer": get["employer"],
    }
    return row


@dataclass
class Reading:
    """What a reading found besides the rows: the header, its warnings, and the problems of
    the header or of the file as a whole (not UTF-8, a record that does not parse, no rows)."""

    header: list[str] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    rows: int = 0


def read(text: IO[str], reference: Reference, reading: Reading) -> Iterator[Row]:
    """Each row of the file with its problems, a cell count that differs from the header's and
    an external_id used twice included. The header's problems, the warnings and a problem of
    the whole file go to `reading` (and then no row is yielded after it): a file is good when
    no row has a problem and `reading.errors` is empty. Memory does not grow with the file."""
    try:
        found = records(text)
        first = next(found, None)
        if first is None:
            reading.errors.append(problem(1, "", "no_header"))
            return
        header_line, cells = first
        reading.header = [name.strip() for name in cells]
        errors, reading.warnings = header_problems(reading.header, header_line)
        if errors:
            reading.errors += errors
            return
        seen: dict[str, int] = {}
        for line, cells in found:
            row = parse_row(line, dict(zip(reading.header, cells, strict=False)), reference)
            if len(cells) != len(reading.header):
                # Cells shifted by a stray quote or comma would land in the wrong columns.
                row.problem("", "cell_count", found=len(cells), expected=len(reading.header))
            external_id = row.values["external_id"]
            if external_id in seen:
                row.problem("external_id", "duplicate_id", line=seen[external_id])
            elif external_id:
                seen[external_id] = line
            reading.rows += 1
            yield row
        if reading.rows == 0:
            reading.errors.append(problem(1, "", "empty_file"))
    except UnicodeDecodeError:
        reading.errors.append(problem(1, "", "not_utf8"))
    except BrokenRecord as error:
        # The problems found before it stay; nothing after it can be trusted.
        reading.errors.append(problem(error.line, "", "broken_record"))
    except csv.Error as error:
        reading.errors.append(problem(1, "", "bad_csv", value=str(error)))


# --- Export ----------------------------------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> str:
    """A cell a spreadsheet would run as a formula is prefixed with an apostrophe (OWASP)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def participant_cells(p: Any) -> list[str]:
    values = {
        "external_id": p.external_id,
        "role": p.role,
        "given_name": p.given_name,
        "family_name": p.family_name,
        "email": p.email,
        "preferred_language": p.preferred_language,
        "languages": p.languages,
        "noc_code": p.occupation_id,
        "naics_code": p.industry_id or "",
        "postal_code": p.postal_code,
        "meeting_mode": p.meeting_mode,
        "availability": p.availability,
        "goals": p.goals,
        "capacity": p.capacity if p.role == "mentor" else "",
        "clb_level": p.clb_level if p.clb_level is not None else "",
        "years_experience": p.years_experience if p.years_experience is not None else "",
        "employer": p.employer,
    }
    return [neutralise(values[name]) for name in COLUMNS]


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(participants: Iterable[Any], *, bom: bool = True) -> Iterator[str]:
    """The export, one line at a time (streamed: memory does not grow with the file)."""
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    yield ("\ufeff" if bom else "") + writer.writerow(COLUMNS)
    for participant in participants:
        yield writer.writerow(participant_cells(participant))
