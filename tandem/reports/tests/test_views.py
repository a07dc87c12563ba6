"""Report pages, files and background builds, through the HTTP client."""

import csv
import io

import pytest
from django.test import Client
from openpyxl import load_workbook
from pypdf import PdfReader

from tandem.mentorships.models import Mentorship
from tandem.referrals.models import Referral
from tandem.reports.models import ReportRun
from tandem.reports.tests.factories import make_network, publish_this_fiscal_year, seed_program
from tandem.reports.tests.test_suppression import THRESHOLD, exactly_recoverable

pytestmark = pytest.mark.django_db


@pytest.fixture
def network(no_mfa):
    return seed_program(make_network())


def tables_of(response) -> dict:
    return {t.key: t for t in response.context["tables"]}


def row(table, label):
    return next(r for r in table.rows if r.label == label)


def values(r) -> list:
    return [c.value for c in r.cells]


def test_the_program_dashboard_shows_the_counts_of_the_records(client: Client, network):
    client.force_login(network.staff)
    response = client.get(f"/en/reports/programs/{network.program.pk}/?section=referrals")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    tables = tables_of(response)
    agency = network.agencies[0]
    referrals = [r for r in Referral.objects.all() if r.referring_organization_id == agency.pk]
    counted = values(row(tables["referrals"], agency.name_en))
    assert counted[:5] == [
        sum(1 for r in referrals if r.status == "submitted"),
        sum(1 for r in referrals if r.status == "accepted"),
        sum(1 for r in referrals if r.status == "returned"),
        sum(1 for r in referrals if r.status == "withdrawn"),
        len(referrals),
    ]
    assert counted[5] == 75.0  # 6 accepted, 2 returned
    ended = [m for m in Mentorship.objects.all() if m.ended_on]
    completed = sum(1 for m in ended if m.status == "completed")
    completion = tables["completion"].rows[-1]
    assert completion.cells[0].value == completed == 3
    assert completion.cells[-1].value == round(100 * completed / len(ended), 1)
    headlines = {h.label: h.cell.value for h in response.context["headlines"]}
    assert (
        headlines["Referrals received"]
        == Referral.objects.exclude(source="mentor_application").count()
    )
    assert headlines["Matches made"] == Mentorship.objects.exclude(status="cancelled").count()
    html = response.content.decode()
    assert 'role="img"' in html and '<title id="chart-referrals-title">' in html
    assert "Occupations where mentees wait for a mentor" in html


def test_the_dashboard_runs_the_same_number_of_queries_whatever_the_data(
    client: Client, no_mfa, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for scale in (1, 3):
        network = seed_program(make_network(), scale=scale)
        client.force_login(network.staff)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/en/reports/programs/{network.program.pk}/")
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    # A budget, not a measure: each format's section (connectors, circles, opportunities,
    # employers) reads its own figures in a query or two.
    assert counts[0] <= 45


def test_staff_of_another_organization_and_funders_get_404_on_the_dashboards(
    client: Client, network, elsewhere
):
    for user in (elsewhere.staff, elsewhere.admin, network.funder, network.employer_partner):
        client.force_login(user)
        assert client.get(f"/en/reports/programs/{network.program.pk}/").status_code == 404
        assert client.get(f"/en/reports/networks/{network.lead.slug}/").status_code == 404
    client.force_login(elsewhere.funder)
    assert client.get(f"/en/reports/funded/{network.lead.slug}/").status_code == 404


def test_the_lead_agency_sees_its_network_and_what_its_funders_see(client: Client, network):
    client.force_login(network.admin)
    response = client.get(f"/en/reports/networks/{network.lead.slug}/")
    assert response.status_code == 200
    assert tables_of(response)["programs"].rows[0].cells[2].value == 7
    assert client.get(f"/en/reports/funded/{network.lead.slug}/").status_code == 200


def test_the_funder_report_publishes_no_small_cell_and_none_that_totals_give_back(
    client: Client, network, monkeypatch
):
    publish_this_fiscal_year(network, monkeypatch)
    client.force_login(network.funder)
    response = client.get(f"/en/reports/funded/{network.lead.slug}/?section=referrals")
    assert response.status_code == 200
    tables = tables_of(response)
    # Operating tools, not a funder's.
    assert "suitability_criteria" not in tables and "suitability_satisfaction" not in tables
    for table in tables.values():
        for r in table.rows:
            for c in r.cells:
                if c.kind == "count" and not c.hidden and c.value is not None:
                    assert c.value == 0 or c.value >= THRESHOLD, (table.key, r.label, c.value)
    referrals = tables["referrals"]
    # Agency 1 made 6 referrals: 3 accepted, 1 returned, 1 waiting, 1 withdrawn: all small.
    small = row(referrals, network.agencies[1].name_en)
    assert all(c.hidden for c in small.cells[:4])
    assert small.cells[-1].value is None  # no rate from hidden counts
    # The 75 % of agency 0 would need its 2 returns: hidden too.
    assert row(referrals, network.agencies[0].name_en).cells[-1].value is None
    html = response.content.decode()
    assert network.mentees[0].family_name not in html
    assert "Suppressed to protect privacy" in html


def test_every_funder_breakdown_holds_against_subtraction(no_mfa):
    """Over a larger network, the raw counts of every cross table of the funder report, once
    suppressed, leave no hidden cell that the published cells and totals give back."""
    from django.utils import timezone

    from tandem.reports import services, tables
    from tandem.reports.selectors import fiscal_year
    from tandem.reports.suppression import suppress

    network = seed_program(make_network(), scale=2)
    spec = services.funder_spec(network.lead, fiscal_year(timezone.localdate()))
    raw = {
        t.key: t for t in tables.build_tables(spec.scope, threshold=None, staff=False, network=True)
    }
    widths = {
        "referrals": 4,
        "matches_by_occupation": 3,
        "completion": 3,
        "mentor_recruitment": 3,
        "time_to_match": 1,
        "time_to_first_meeting": 1,
        "waiting": 1,
    }
    for key, width in widths.items():
        counts = [[c.value for c in r.cells[:width]] for r in raw[key].body]
        assert counts, key
        assert exactly_recoverable(suppress(counts, threshold=THRESHOLD)) == set(), key


def test_exports_neutralise_formulas_and_open_in_a_spreadsheet(client: Client, network):
    agency = network.agencies[0]
    agency.name_en = '=HYPERLINK("http://evil.example","click")'
    agency.save()
    client.force_login(network.staff)
    url = f"/en/reports/programs/{network.program.pk}/export"
    response = client.get(url + ".csv?table=referrals")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="tandem-program-referrals-' in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert ["'" + agency.name_en] == [r[0] for r in rows if "HYPERLINK" in (r[0] if r else "")]
    response = client.get(url + ".xlsx")
    workbook = load_workbook(io.BytesIO(response.content))
    assert len(workbook.sheetnames) > 5
    cells = [c.value for s in workbook for r in s.iter_rows() for c in r if c.value]
    assert not any(isinstance(v, str) and v.startswith("=") for v in cells)


def test_the_waiting_list_for_employer_partners_suppresses_small_counts(client: Client, network):
    client.force_login(network.staff)
    response = client.get(
        f"/en/reports/programs/{network.program.pk}/export.csv?table=waiting&audience=partners"
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    body = [r for r in rows if r and r[0][:5].isdigit()]
    assert {r[1] for r in body} == {"x"}  # 1 and 2 mentees waiting: suppressed
    assert not any("Average wait" in cell for r in rows for cell in r)
    # Titled as what it is, not as the staff's dashboard (issue 16).
    assert rows[0][0] == f"Occupations short of mentors: {network.program.name_en}"
    assert not any("Program dashboard" in cell for r in rows for cell in r)


def test_the_funder_pdf_is_tagged_and_in_the_language_asked_for(
    client: Client, network, monkeypatch
):
    publish_this_fiscal_year(network, monkeypatch)
    client.force_login(network.funder)
    page = client.get(f"/fr/reports/funded/{network.lead.slug}/")
    form = page.context["build_form"]
    response = client.post(
        f"/fr/reports/funded/{network.lead.slug}/build/",
        {
            "format": "pdf",
            "language": "fr",
            "starts_on": form.initial["starts_on"].isoformat(),
            "ends_on": form.initial["ends_on"].isoformat(),
        },
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    # Named in the language asked for, not the storage's English name.
    assert 'filename="tandem-bailleur-de-fonds-' in response["Content-Disposition"]
    content = response.getvalue()
    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Rapport aux bailleurs de fonds" in text
    assert "Références par organisme" in text
    assert reader.root_object.get("/StructTreeRoot") is not None  # tagged
    assert network.mentees[0].family_name not in text


def test_a_large_report_is_built_in_the_background_with_progress(
    client: Client, network, settings, django_capture_on_commit_callbacks
):
    settings.TANDEM_REPORT_BACKGROUND_FROM = 0
    client.force_login(network.staff)
    page = client.get(f"/en/reports/networks/{network.lead.slug}/")
    form = page.context["build_form"]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            f"/en/reports/networks/{network.lead.slug}/build/",
            {
                "format": "xlsx",
                "language": "en",
                "starts_on": form.initial["starts_on"].isoformat(),
                "ends_on": form.initial["ends_on"].isoformat(),
            },
        )
    assert response.status_code == 302
    run = ReportRun.objects.get()
    assert response["Location"].endswith(f"/reports/runs/{run.pk}/")
    assert len(callbacks) == 1
    progress = client.get(f"/en/reports/runs/{run.pk}/progress/")
    assert b'hx-trigger="every 1s"' in progress.content and b"aria-live" in progress.content
    from tandem.reports.services import report_run_build

    report_run_build(run_id=run.pk)
    progress = client.get(f"/en/reports/runs/{run.pk}/progress/")
    assert b"hx-trigger" not in progress.content and b"Download the report" in progress.content
    download = client.get(f"/en/reports/runs/{run.pk}/download/")
    assert download.status_code == 200
    period = f"{form.initial['starts_on'].isoformat()}_{form.initial['ends_on'].isoformat()}"
    assert f'filename="tandem-network-{period}.xlsx"' in download["Content-Disposition"]
    # Nobody else, not even a colleague, follows or downloads someone's report file.
    client.force_login(network.admin)
    assert client.get(f"/en/reports/runs/{run.pk}/download/").status_code == 404


def test_reasons_for_returns_by_source_agency(client: Client, network):
    """Staff see each agency's returns by the criterion found not met, as the decisions say;
    each column adds up to the reason's count in the overall table."""
    from tandem.referrals.models import ReferralDecision

    client.force_login(network.staff)
    tables = tables_of(client.get(f"/en/reports/programs/{network.program.pk}/"))
    table = tables["return_reasons_by_agency"]
    overall = tables["return_reasons"]
    assert table.columns[:-1] == [r.label for r in overall.body]
    assert table.columns[-1] == "Referrals returned"
    clb = "Language level (CLB) below the program's minimum"
    workshop = "Job-search workshop not yet completed"
    other = "Other reason (see the note sent to the agency)"
    for agency in network.agencies:
        returned = [
            d
            for d in ReferralDecision.objects.filter(outcome="returned")
            if d.referral.referring_organization_id == agency.pk
        ]
        kinds = [c.kind for d in returned for c in d.unmet_criteria.all()]
        cells = dict(zip(table.columns, values(row(table, agency.name_en)), strict=True))
        assert cells[clb] == kinds.count("clb_at_least")
        assert cells[workshop] == kinds.count("job_search_workshop")
        assert cells[other] == sum(1 for d in returned if not d.unmet_criteria.exists())
        assert cells["Referrals returned"] == len(returned)
    assert values(row(table, network.agencies[0].name_en)) == [2, 1, 0, 2]
    total = table.rows[-1]
    assert total.is_total
    assert [c.value for c in total.cells[:-1]] == [r.cells[0].value for r in overall.body]
    assert total.cells[-1].value == overall.rows[-1].cells[0].value == 3


def test_the_funder_sees_reasons_by_agency_suppressed_with_the_overall_reasons(no_mfa):
    from django.utils import timezone

    from tandem.reports import services, tables
    from tandem.reports.selectors import fiscal_year
    from tandem.reports.suppression import suppress

    network = seed_program(make_network(), scale=3)
    spec = services.funder_spec(network.lead, fiscal_year(timezone.localdate()))
    built = {t.key: t for t in tables.build_tables(spec.scope, threshold=THRESHOLD, staff=False)}
    overall, by_agency = built["return_reasons"], built["return_reasons_by_agency"]
    assert by_agency.is_suppressed and "Referrals returned" not in by_agency.columns
    assert by_agency.columns == [r.label for r in overall.body]
    for r in by_agency.rows:
        assert not r.is_total
        for c in r.cells:
            assert c.hidden or c.value == 0 or c.value >= THRESHOLD
    # Scale 3: agency 0 returned 3 x CLB, 3 x (CLB and workshop): CLB 6 is published, the three
    # workshops are not; agency 1 returned 3 with a note only.
    assert [c.value for c in row(by_agency, network.agencies[0].name_en).cells] == [6, None, 0]
    assert row(by_agency, network.agencies[0].name_en).cells[1].hidden
    raw = {t.key: t for t in tables.build_tables(spec.scope, threshold=None, staff=True)}
    counts = [[c.value for c in r.cells[:-1]] for r in raw["return_reasons_by_agency"].body]
    hidden_columns = frozenset(j for j, r in enumerate(overall.body) if r.cells[0].hidden)
    linked = suppress(
        counts,
        threshold=THRESHOLD,
        linked_column_totals=(hidden_columns, False),
        row_totals=False,
    )
    assert exactly_recoverable(linked) == set()
