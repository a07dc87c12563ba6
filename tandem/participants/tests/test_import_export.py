import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import translation

from tandem.participants.csvformat import COLUMNS, neutralise
from tandem.participants.labels import problem_text
from tandem.participants.models import ImportJob, ImportStatus, Participant
from tandem.participants.services import import_from_bytes, import_job_run, participants_import

pytestmark = pytest.mark.django_db

HEADER = ",".join(COLUMNS)
GOOD = [
    "A-1,mentee,Amina,Diallo,amina@example.org,fr,fr;en,21231,5415,K1K 2C5,either,tue-evening;sat-morning,Trouver un emploi,,7,,",
    "A-2,mentor,Daniel,Wong,daniel@example.org,en,en,21231,,K1K,in_person,,Help with interviews,3,,12,Northern Lights",
    'A-3,mentee,Mei,Chen,mei@example.org,en,en;zh,31301,,,virtual,,"Nurse, registered",,6,,',
]


def csv_bytes(*rows: str, bom: bool = False) -> bytes:
    return (("\ufeff" if bom else "") + "\n".join([HEADER, *rows]) + "\n").encode()


def test_a_valid_file_creates_every_row_and_a_second_import_reports_them_unchanged(home, reference):
    data = csv_bytes(*GOOD, bom=True)
    first = participants_import(opener=import_from_bytes(data), organization=home.organization)
    assert (first.created, first.updated, first.unchanged, first.errors) == (3, 0, 0, [])
    again = participants_import(opener=import_from_bytes(data), organization=home.organization)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert (
        Participant.objects.filter(
            organization=home.organization, external_id__startswith="A-"
        ).count()
        == 3
    )
    amina = Participant.objects.get(external_id="A-1")
    assert (amina.languages, amina.postal_code, amina.industry_id) == ("fr;en", "K1K 2C5", "5415")


def test_a_changed_row_is_updated_in_place(home, reference):
    participants_import(opener=import_from_bytes(csv_bytes(*GOOD)), organization=home.organization)
    changed = GOOD[0].replace(",7,", ",8,")
    report = participants_import(
        opener=import_from_bytes(csv_bytes(changed, *GOOD[1:])), organization=home.organization
    )
    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    assert Participant.objects.get(external_id="A-1").clb_level == 8


def test_a_file_with_seeded_defects_writes_nothing_and_reports_each_with_line_and_column(
    home, reference
):
    before = Participant.objects.count()
    rows = [
        GOOD[0],
        "A-2,coach,Daniel,Wong,daniel@example.org,en,en,21231,,,,,,,,,",  # role
        "A-3,mentee,Mei,Chen,not-an-email,en,en,31301,,,,,,,,,",  # email
        "A-4,mentee,Ana,Silva,ana@example.org,es,en,31301,,,,,,,,,",  # preferred_language
        "A-5,mentee,Jin,Park,jin@example.org,en,en;xx,31301,,,,,,,,,",  # languages
        "A-6,mentee,Omar,Farouk,omar@example.org,en,en,99999,,,,,,,,,",  # noc unknown
        "A-7,mentee,Leila,Nasser,leila@example.org,en,en,31301,,Z9Z 9Z9,,,,,,,",  # postal area
        "A-8,mentor,Kofi,Mensah,kofi@example.org,en,en,31301,,,,fri-night,,9,,,",  # slot + capacity
        "A-1,mentee,Dup,Licate,dup@example.org,en,en,31301,,,,,,,,,",  # duplicate id
        "A-9,mentee,,Rossi,sofia@example.org,en,en,31301,,,teleport,,,,13,,",  # name, mode, clb
    ]
    report = participants_import(
        opener=import_from_bytes(csv_bytes(*rows)), organization=home.organization
    )
    assert Participant.objects.count() == before
    found = {(e["line"], e["column"], e["code"]) for e in report.errors}
    assert found == {
        (3, "role", "role"),
        (4, "email", "email"),
        (5, "preferred_language", "preferred_language"),
        (6, "languages", "languages"),
        (7, "noc_code", "noc_unknown"),
        (8, "postal_code", "postal_unknown"),
        (9, "availability", "availability"),
        (9, "capacity", "integer_range"),
        (10, "external_id", "duplicate_id"),
        (11, "given_name", "required"),
        (11, "meeting_mode", "meeting_mode"),
        (11, "clb_level", "integer_range"),
    }


def test_problems_read_in_the_readers_language(home, reference):
    report = participants_import(
        opener=import_from_bytes(csv_bytes(GOOD[0].replace("21231", "99999"))),
        organization=home.organization,
    )
    (problem,) = report.errors
    assert problem_text(problem) == "NOC 2021 has no unit group 99999."
    with translation.override("fr"):
        assert problem_text(problem) == "La CNP 2021 n’a pas de groupe de base 99999."


def test_a_missing_column_and_an_unknown_column_are_reported_on_the_header_line(home, reference):
    data = b"external_id,role,given_name,family_name,email,preferred_language,favourite_colour\n"
    report = participants_import(opener=import_from_bytes(data), organization=home.organization)
    assert {(e["line"], e["column"]) for e in report.errors} == {(1, "languages"), (1, "noc_code")}
    assert [w["column"] for w in report.warnings] == ["favourite_colour"]


def test_a_file_that_is_not_utf8_is_refused(home, reference):
    data = csv_bytes(GOOD[0]).replace(b"Amina", "Amïna".encode("latin-1"))
    report = participants_import(opener=import_from_bytes(data), organization=home.organization)
    assert [e["code"] for e in report.errors] == ["not_utf8"]


def test_a_dry_run_counts_without_writing(home, reference):
    report = participants_import(
        opener=import_from_bytes(csv_bytes(*GOOD)), organization=home.organization, dry_run=True
    )
    assert report.created == 3
    assert not Participant.objects.filter(external_id="A-1").exists()


def test_cells_a_spreadsheet_would_run_are_neutralised():
    assert neutralise("+1") == "'+1" and neutralise("@SUM(A1)") == "'@SUM(A1)"
    assert neutralise("Plain") == "Plain"
    assert neutralise(7) == "7"


def test_the_export_command_writes_the_format_and_import_reads_it_back(home, reference, tmp_path):
    participants_import(opener=import_from_bytes(csv_bytes(*GOOD)), organization=home.organization)
    Participant.objects.filter(external_id="A-2").update(goals="=cmd|' /C calc'!A0")
    path = tmp_path / "out.csv"
    call_command("export_participants", organization=home.organization.slug, out=str(path))
    rows = list(csv.DictReader(path.open(encoding="utf-8-sig")))
    assert list(rows[0]) == COLUMNS
    assert {r["external_id"] for r in rows} >= {"A-1", "A-2", "A-3"}
    assert next(r for r in rows if r["external_id"] == "A-2")["goals"].startswith("'=")


def test_the_import_command_reports_problems_and_exits_with_an_error(home, reference, tmp_path):
    path = tmp_path / "broken.csv"
    path.write_bytes(csv_bytes(GOOD[0].replace("fr;en", "fr;xx")))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_participants", str(path), organization=home.organization.slug, stderr=err
        )
    assert "line 2, column languages" in err.getvalue()
    assert not Participant.objects.filter(external_id="A-1").exists()


def test_the_import_command_imports_and_a_dry_run_writes_nothing(home, reference, tmp_path):
    path = tmp_path / "good.csv"
    path.write_bytes(csv_bytes(*GOOD))
    out = io.StringIO()
    call_command(
        "import_participants",
        str(path),
        organization=home.organization.slug,
        dry_run=True,
        stdout=out,
    )
    assert "3 created" in out.getvalue()
    assert not Participant.objects.filter(external_id="A-1").exists()
    call_command("import_participants", str(path), organization=home.organization.slug, stdout=out)
    assert Participant.objects.filter(organization=home.organization, external_id="A-1").exists()
    job = ImportJob.objects.latest("created_at")
    assert Participant.objects.get(external_id="A-1").last_import == job


def test_the_import_page_queues_a_job_and_the_progress_fragment_reports_it(
    client: Client, home, elsewhere, reference, no_mfa, django_capture_on_commit_callbacks, settings
):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    client.force_login(home.caseworker)
    upload = SimpleUploadedFile("people.csv", csv_bytes(*GOOD), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/en/participants/organization/{home.organization.slug}/import/", {"file": upload}
        )
    job = ImportJob.objects.get(organization=home.organization)
    assert (
        response.status_code == 302
        and response["Location"] == f"/en/participants/imports/{job.pk}/"
    )
    assert job.status == ImportStatus.DONE and job.created_count == 3
    fragment = client.get(f"/en/participants/imports/{job.pk}/progress/").content.decode()
    assert "The import is complete." in fragment and "hx-trigger" not in fragment

    client.force_login(elsewhere.caseworker)
    assert client.get(f"/en/participants/imports/{job.pk}/progress/").status_code == 404


def test_a_running_import_keeps_polling_and_shows_its_progress(client: Client, home, no_mfa):
    job = ImportJob.objects.create(
        organization=home.organization,
        file="imports/x.csv",
        original_name="x.csv",
        status=ImportStatus.VALIDATING,
        total_rows=1000,
        processed_rows=500,
    )
    client.force_login(home.staff)
    page = client.get(f"/en/participants/imports/{job.pk}/").content.decode()
    assert 'hx-trigger="every 1s"' in page
    assert "500 of 1000 rows checked" in page
    assert 'value="50"' in page


def test_a_rejected_import_lists_every_problem_on_the_page(client: Client, home, reference, no_mfa):
    job = ImportJob.objects.create(
        organization=home.organization,
        file=SimpleUploadedFile("b.csv", csv_bytes(GOOD[0].replace("21231", "2123"))),
        original_name="b.csv",
    )
    import_job_run(job_id=job.pk)
    client.force_login(home.caseworker)
    page = client.get(f"/fr/participants/imports/{job.pk}/").content.decode()
    assert "Un groupe de base de la CNP 2021 compte 5 chiffres." in page
    job.refresh_from_db()
    assert (
        job.status == ImportStatus.REJECTED
        and Participant.objects.filter(external_id="A-1").count() == 0
    )


def test_the_export_page_downloads_only_the_organizations_participants(
    client: Client, home, elsewhere, no_mfa
):
    client.force_login(home.caseworker)
    response = client.get(f"/en/participants/organization/{home.organization.slug}/export/")
    body = response.getvalue().decode()
    assert response["Content-Disposition"].startswith("attachment;")
    assert home.mentee.external_id in body and elsewhere.mentee.email not in body
    assert (
        client.get(
            f"/en/participants/organization/{elsewhere.organization.slug}/export/"
        ).status_code
        == 404
    )


def test_a_queued_import_reads_its_stored_file_twice_from_disk(home, reference, settings, tmp_path):
    """Regression: both passes open their own file object (a shared one was closed by the
    first pass's text wrapper)."""
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    job = ImportJob.objects.create(
        organization=home.organization,
        file=SimpleUploadedFile("p.csv", csv_bytes(*GOOD)),
        original_name="p.csv",
    )
    stored = tmp_path / job.file.name
    assert stored.exists()
    job = import_job_run(job_id=job.pk)
    assert (job.status, job.created_count) == (ImportStatus.DONE, 3)
    assert not stored.exists()  # the uploaded copy is not kept once the rows are in


# --- Broken files: an unclosed quote, NUL bytes, and a huge number of problems --------------


def test_an_unclosed_quote_is_an_error_not_rows_swallowed_into_one_cell(home, reference):
    rows = [GOOD[0], GOOD[1].replace("Help with interviews", '"Goal 41'), *GOOD[2:]] + [
        f"B-{n},mentee,Name{n},Family{n},p{n}@example.org,en,en,21231,,,virtual,,Goal,,6,,"
        for n in range(48)
    ]
    report = participants_import(
        opener=import_from_bytes(csv_bytes(*rows)), organization=home.organization
    )
    assert not report.is_valid
    assert [(e["line"], e["code"]) for e in report.errors] == [(3, "broken_record")]
    assert not Participant.objects.filter(external_id__in=["A-1", "A-2", "B-0"]).exists()


def test_a_row_with_more_cells_than_the_header_is_an_error(home, reference):
    report = participants_import(
        opener=import_from_bytes(csv_bytes(GOOD[0] + ",extra")), organization=home.organization
    )
    assert [e["code"] for e in report.errors] == ["cell_count"]


def test_a_nul_byte_is_refused_with_its_line_and_column(home, reference):
    report = participants_import(
        opener=import_from_bytes(csv_bytes(GOOD[0].replace("Diallo", "Dia\x00llo"))),
        organization=home.organization,
    )
    assert [(e["line"], e["column"], e["code"]) for e in report.errors] == [
        (2, "family_name", "control_character")
    ]


def test_a_huge_broken_file_stores_the_first_problems_and_counts_and_pages_them(
    client: Client, home, reference, no_mfa
):
    from tandem.participants.services import MAX_STORED_PROBLEMS

    rows = [f"C-{n},coach,N,F,not-an-address,xx,en,2123,,,,,,,,," for n in range(600)]
    job = ImportJob.objects.create(
        organization=home.organization,
        file=SimpleUploadedFile("big.csv", csv_bytes(*rows)),
        original_name="big.csv",
    )
    import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert len(job.errors) == MAX_STORED_PROBLEMS
    assert job.error_total == 600 * 4
    assert job.error_counts == {
        "role": 600,
        "email": 600,
        "preferred_language": 600,
        "noc_format": 600,
    }
    client.force_login(home.caseworker)
    page = client.get(f"/en/participants/imports/{job.pk}/")
    text = page.content.decode()
    assert "2400 problems found" in text and "Page 1 of 10" in text
    assert text.count("<tr><td>") <= 50 + 4  # one page of problems and the kinds
    second = client.get(f"/en/participants/imports/{job.pk}/?page=2").content.decode()
    assert "Page 2 of 10" in second


def test_the_formats_text_limits_are_the_records_own():
    """The reader is plain Python (the engine's command line uses it without Django), so it
    states its limits itself: they must be the model's."""
    from tandem.participants.csvformat import MAX_TEXT

    for name, limit in MAX_TEXT.items():
        assert Participant._meta.get_field(name).max_length == limit, name


def test_the_import_and_the_engines_command_line_read_a_file_alike(home, reference):
    """One reader for both (csvformat): the same file gives the same problems, line and column,
    to the import and to `tandem match`."""
    from tandem.matching.engine.csvio import ParticipantsFileError, read_participants

    data = csv_bytes(
        GOOD[0],
        "A-2,Coach,Daniel,Wong,daniel@example.org,en,en,21231,,,,,,,,,",
        "A-3,mentee,Mei,Chen,mei@example,en,en;xx,31301,,K1K,,,,,,2.5,",
    )
    report = participants_import(opener=import_from_bytes(data), organization=home.organization)
    with pytest.raises(ParticipantsFileError) as caught:
        read_participants(data)
    engine = [(e.line, e.column, e.code) for e in caught.value.errors]
    assert engine == [(e["line"], e["column"], e["code"]) for e in report.errors]
    assert {code for _line, _column, code in engine} >= {"role", "email", "languages"}
