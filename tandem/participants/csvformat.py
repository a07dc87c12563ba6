"""The participants CSV format (docs/participants-csv.md): reading a row, and the problems.

Problems are returned as codes with parameters (`RowProblem`), rendered into a sentence only
when someone reads them, so that each reader sees them in their own language.
"""

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from tandem.participants.models import GOALS_MAX_LENGTH

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
# ISO 639-1, the two-letter codes.
ISO_639_1 = set(
    """aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv
    cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht
    hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la
    lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj
    om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv
    sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh
    zu""".split()
)
POSTAL_CODE = re.compile(r"^([A-Z]\d[A-Z])(?: ?(\d[A-Z]\d))?$")
MAX_TEXT = {
    "external_id": 64,
    "given_name": 100,
    "family_name": 100,
    "employer": 200,
    "goals": GOALS_MAX_LENGTH,
}

MESSAGES = {
    "missing_column": _("The required column is missing from the header row."),
    "required": _("This column is required and the cell is empty."),
    "duplicate_id": _("This external_id already appears on line %(line)s."),
    "too_long": _("The text is longer than %(max)s characters."),
    "role": _("Write mentee or mentor."),
    "email": _("This is not a valid e-mail address."),
    "preferred_language": _("Write en or fr."),
    "languages": _("“%(value)s” is not a two-letter ISO 639-1 language code."),
    "noc_format": _("A NOC 2021 unit group has 5 digits."),
    "noc_unknown": _("NOC 2021 has no unit group %(value)s."),
    "naics_unknown": _("NAICS 2022 has no code %(value)s."),
    "postal_format": _("Write a Canadian postal code (K1K 2C5) or its first three characters."),
    "postal_unknown": _("The postal area %(value)s is not in the reference data."),
    "meeting_mode": _("Write in_person, virtual or either."),
    "availability": _("“%(value)s” is not a slot such as tue-evening or sat-morning."),
    "integer_range": _("Write a whole number from %(min)s to %(max)s."),
    "integer_min": _("Write a whole number of at least %(min)s."),
    "not_utf8": _("The file is not UTF-8 text."),
    "no_header": _("The file has no header row."),
    "bad_csv": _("The file is not a readable CSV file: %(value)s"),
    "unknown_column": _("Unknown column “%(value)s” is ignored."),
    "empty_file": _("The file has no rows."),
    "broken_record": _(
        "This row does not parse: a quote opened here is never closed, or a quote is followed "
        "by other text. Nothing after it could be read safely."
    ),
    "cell_count": _("This row has %(found)s cells; the header row has %(expected)s."),
    "control_character": _(
        "The cell holds a NUL byte or another invisible character that cannot be stored."
    ),
}


class BrokenRecord(csv.Error):
    """A record the CSV reader cannot read cleanly, with the line where it starts."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line


def problem_text(problem: dict[str, Any]) -> str:
    """A stored problem as a sentence in the active language."""
    message = MESSAGES.get(problem["code"])
    if message is None:
        return problem["code"]
    return str(message) % problem.get("params", {}) if problem.get("params") else str(message)


@dataclass
class Reference:
    """The codes a row may use, loaded once per import."""

    noc: set[str]
    naics: set[str]
    fsa: set[str]

    @classmethod
    def load(cls) -> "Reference":
        from tandem.reference.models import Industry, Occupation, PostalArea

        return cls(
            noc=set(Occupation.objects.filter(level=5).values_list("code", flat=True)),
            naics=set(Industry.objects.values_list("code", flat=True)),
            fsa=set(PostalArea.objects.values_list("fsa", flat=True)),
        )


@dataclass
class Row:
    line: int
    values: dict[str, Any]
    problems: list[dict[str, Any]] = field(default_factory=list)

    def problem(self, column: str, code: str, **params: Any) -> None:
        self.problems.append({"line": self.line, "column": column, "code": code, "params": params})


def open_text(data: IO[bytes]) -> IO[str]:
    """UTF-8 with or without a byte-order mark; any other encoding fails on read."""
    return io.TextIOWrapper(data, encoding="utf-8-sig", newline="", errors="strict")


def records(text: IO[str]) -> Iterator[tuple[int, list[str]]]:
    """(first line number, cells) for each record after the header; a quoted cell may span
    lines, so the number is where the record starts."""
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
            continue
        yield start, cells


def header_problems(header: list[str]) -> tuple[list[dict], list[dict]]:
    names = [h.strip() for h in header]
    errors = [
        {"line": 1, "column": name, "code": "missing_column", "params": {}}
        for name in REQUIRED
        if name not in names
    ]
    warnings = [
        {"line": 1, "column": name, "code": "unknown_column", "params": {"value": name}}
        for name in names
        if name and name not in COLUMNS
    ]
    return errors, warnings


def _integer(row: Row, column: str, raw: str, low: int, high: int | None) -> int | None:
    if raw == "":
        return None
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or value < low or (high is not None and value > high):
        if high is None:
            row.problem(column, "integer_min", min=low)
        else:
            row.problem(column, "integer_range", min=low, max=high)
        return None
    return value


def parse_row(line: int, cells: dict[str, str], reference: Reference) -> Row:
    """Checks one row and returns the values in the model's terms, with its problems."""
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
    if get["role"] and get["role"] not in ROLES:
        row.problem("role", "role")
    if get["email"]:
        try:
            validate_email(get["email"])
        except ValidationError:
            row.problem("email", "email")
    if get["preferred_language"] and get["preferred_language"] not in ("en", "fr"):
        row.problem("preferred_language", "preferred_language")
    languages: list[str] = []
    for code in get["languages"].split(";"):
        code = code.strip().lower()
        if not code:
            continue
        if code not in ISO_639_1:
            row.problem("languages", "languages", value=code)
        elif code not in languages:
            languages.append(code)
    noc = get["noc_code"]
    if noc:
        if not (len(noc) == 5 and noc.isdigit()):
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
    slots: list[str] = []
    for slot in get["availability"].split(";"):
        slot = slot.strip().lower()
        if not slot:
            continue
        if slot not in SLOTS:
            row.problem("availability", "availability", value=slot)
        elif slot not in slots:
            slots.append(slot)
    capacity = _integer(row, "capacity", get["capacity"], 1, 5)
    clb = _integer(row, "clb_level", get["clb_level"], 1, 12)
    years = _integer(row, "years_experience", get["years_experience"], 0, 80)
    row.values = {
        "external_id": get["external_id"],
        "role": get["role"],
        "given_name": get["given_name"],
        "family_name": get["family_name"],
        "email": get["email"],
        "preferred_language": get["preferred_language"],
        "languages": ";".join(languages),
        "occupation_id": noc,
        "industry_id": naics or None,
        "postal_code": postal,
        "meeting_mode": mode,
        "availability": ";".join(slots),
        "goals": get["goals"],
        "capacity": capacity or 1,
        "clb_level": clb,
        "years_experience": years,
        "employer": get["employer"],
    }
    return row


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
