"""Reading the participants file exactly as the format says."""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tandem.matching.engine.csvio import ParticipantsFileError, read_participants

SAMPLE = Path(__file__).resolve().parents[1] / "sample" / "participants.csv"
HEADER = "external_id,role,given_name,family_name,email,preferred_language,languages,noc_code"
GOOD_ROW = "m1,mentee,Ana,Silva,ana@example.ca,fr,fr;pt,21231"


def errors_of(text: str, lang: str = "en") -> list[tuple[int, str]]:
    with pytest.raises(ParticipantsFileError) as caught:
        read_participants(text.encode(), lang=lang)
    return [(e.line, e.column) for e in caught.value.errors]


def test_the_sample_file_reads_with_both_roles_and_both_languages():
    parsed = read_participants(SAMPLE)
    assert len(parsed.participants) == 40
    assert parsed.warnings == ()
    assert {p.preferred_language for p in parsed.participants} == {"en", "fr"}
    assert len(parsed.pool.mentors) == 16 and len(parsed.pool.mentees) == 24


def test_a_byte_order_mark_and_any_column_order_are_accepted():
    columns = HEADER.split(",")
    values = GOOD_ROW.split(",")
    order = list(reversed(range(len(columns))))
    text = ",".join(columns[i] for i in order) + "\n" + ",".join(values[i] for i in order) + "\n"
    parsed = read_participants(b"\xef\xbb\xbf" + text.encode())
    (person,) = parsed.participants
    assert person.external_id == "m1" and person.languages == frozenset({"fr", "pt"})
    assert person.meeting_mode == "either" and person.availability == frozenset()


def test_unknown_columns_are_ignored_with_a_warning():
    parsed = read_participants(f"{HEADER},shoe_size\n{GOOD_ROW},42\n".encode())
    assert len(parsed.participants) == 1
    assert parsed.warnings == ("Unknown column “shoe_size” is ignored.",)


def test_a_missing_required_column_is_reported_on_the_header_line():
    assert errors_of("external_id,role\nx,mentee\n")[0] == (1, "given_name")


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("role", "coach"),
        ("email", "not-an-address"),
        ("preferred_language", "de"),
        ("languages", "english"),
        ("noc_code", "2123"),  # a minor group, not a unit group
        ("noc_code", "99999"),
        ("naics_code", "541511"),  # a US-only code, not NAICS Canada
        ("naics_code", "7"),
        ("postal_code", "H0H 0H0"),  # reserved area, excluded from the reference data
        ("postal_code", "12345"),
        ("meeting_mode", "zoom"),
        ("availability", "tue-night"),
        ("capacity", "6"),
        ("clb_level", "13"),
        ("years_experience", "lots"),
    ],
)
def test_each_broken_value_is_reported_with_its_line_and_column(column, value):
    columns = HEADER.split(",") + ["naics_code", "postal_code", "meeting_mode", "availability"]
    columns += ["capacity", "clb_level", "years_experience"]
    row = dict(zip(columns, GOOD_ROW.split(",") + [""] * 7, strict=True))
    row["role"] = "mentor"
    row[column] = value
    text = ",".join(columns) + "\n" + ",".join(row[c] for c in columns) + "\n"
    assert errors_of(text) == [(2, column)]


def test_every_broken_row_is_reported_not_only_the_first():
    text = (
        f"{HEADER}\n{GOOD_ROW}\n"
        "m2,mentee,B,C,b@example.ca,xx,fr,21231\n"
        f"{GOOD_ROW}\n"
        "m3,mentor,B,C,b@example.ca,en,en,1\n"
    )
    assert errors_of(text) == [(3, "preferred_language"), (4, "external_id"), (5, "noc_code")]


def test_line_numbers_count_lines_inside_quoted_fields():
    text = f'{HEADER},goals\n{GOOD_ROW},"two\nlines"\nm2,mentee,B,C,b@example.ca,en,en,2123,ok\n'
    assert errors_of(text) == [(4, "noc_code")]


def test_errors_can_be_read_in_french():
    with pytest.raises(ParticipantsFileError) as caught:
        read_participants(f"{HEADER}\nm2,mentee,B,C,b@example.ca,en,en,2123\n".encode(), lang="fr")
    (error,) = caught.value.errors
    assert error.render("fr") == (
        "ligne 2, colonne noc_code\u00a0: Un groupe de base de la CNP 2021 compte 5 chiffres."
    )


def test_the_command_line_and_the_import_read_a_file_with_the_same_reader():
    """One parser: the engine's reading is the participants' own (csvformat), so a rule the
    import applies (a NUL byte, a text too long, a column twice) refuses the file here too."""
    long_goals = "x" * 2001
    text = (
        f"{HEADER},goals\n{GOOD_ROW},{long_goals}\nm2,mentee,B,C,b@example.ca,en,en\x00,21231,ok\n"
    )
    assert errors_of(text) == [(2, "goals"), (3, "languages")]
    assert errors_of(f"{HEADER},role\n{GOOD_ROW},mentee\n") == [(1, "role")]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.booleans(), min_size=1, max_size=12),
    st.sampled_from(["noc_code", "email", "languages", "role"]),
)
def test_bad_rows_anywhere_give_their_exact_line_and_column(broken, column):
    bad_values = {"noc_code": "123", "email": "nope", "languages": "zz", "role": "boss"}
    columns = HEADER.split(",")
    lines = [HEADER]
    expected = []
    for position, is_broken in enumerate(broken):
        row = dict(zip(columns, GOOD_ROW.split(","), strict=True))
        row["external_id"] = f"p{position}"
        if is_broken:
            row[column] = bad_values[column]
            expected.append((position + 2, column))
        lines.append(",".join(row[c] for c in columns))
    text = "\n".join(lines) + "\n"
    if expected:
        assert errors_of(text) == expected
    else:
        assert len(read_participants(text.encode()).participants) == len(broken)
