"""Small-cell suppression: no published cell counts 1 to threshold - 1 people, and no suppressed
cell can be recovered from the published cells and totals (checked here by exact elimination,
independently of the SVD the module uses)."""

from fractions import Fraction
from itertools import product

from hypothesis import given, settings
from hypothesis import strategies as st

from tandem.reports.suppression import equations, recoverable, suppress, suppress_counts

THRESHOLD = 5


def exactly_recoverable(table) -> set:
    """Suppressed positions fixed by the equations, by Gauss-Jordan elimination over fractions:
    a cell is fixed when the reduced system has a row whose only unknown is that cell."""
    lines = equations(table.rows, table.columns, table.has_row_totals, table.has_column_totals)
    unknowns = sorted(table.hidden)
    if not unknowns:
        return set()
    matrix = [[Fraction(line.get(p, 0)) for p in unknowns] for line in lines]
    pivot_row = 0
    pivots = []
    for column in range(len(unknowns)):
        found = next((r for r in range(pivot_row, len(matrix)) if matrix[r][column] != 0), None)
        if found is None:
            continue
        matrix[pivot_row], matrix[found] = matrix[found], matrix[pivot_row]
        lead = matrix[pivot_row][column]
        matrix[pivot_row] = [v / lead for v in matrix[pivot_row]]
        for r in range(len(matrix)):
            if r != pivot_row and matrix[r][column] != 0:
                factor = matrix[r][column]
                matrix[r] = [
                    a - factor * b for a, b in zip(matrix[r], matrix[pivot_row], strict=True)
                ]
        pivots.append(column)
        pivot_row += 1
    fixed = set()
    for r in range(pivot_row):
        nonzero = [c for c, v in enumerate(matrix[r]) if v != 0]
        if len(nonzero) == 1:
            fixed.add(unknowns[nonzero[0]])
    return fixed


def check(table) -> None:
    for i, j in product(range(len(table.values)), range(len(table.values[0]))):
        value = table.values[i][j]
        if value is None:
            continue
        if not table.is_hidden(i, j):
            assert value == 0 or value >= THRESHOLD, (i, j, value)
    assert exactly_recoverable(table) == set()


counts = st.one_of(st.integers(0, 6), st.integers(0, 60))


@settings(max_examples=300, deadline=None)
@given(
    st.integers(1, 6).flatmap(
        lambda rows: st.integers(1, 5).flatmap(
            lambda columns: st.lists(
                st.lists(counts, min_size=columns, max_size=columns),
                min_size=rows,
                max_size=rows,
            )
        )
    )
)
def test_no_small_cell_is_published_and_none_can_be_recovered_by_subtraction(cells):
    check(suppress(cells, threshold=THRESHOLD))


@settings(max_examples=200, deadline=None)
@given(st.lists(counts, min_size=1, max_size=12))
def test_a_list_with_its_total_is_protected_too(values):
    check(suppress_counts(values, threshold=THRESHOLD))


def test_a_single_small_cell_in_a_row_takes_a_second_cell_with_it():
    table = suppress([[3, 10, 20], [12, 15, 30]], threshold=THRESHOLD)
    assert table.is_hidden(0, 0)
    # The row total and the column total would give the 3 back: another cell of row 0 and of
    # column 0 goes too, and a fourth closes the rectangle.
    assert len([p for p in table.hidden if p[0] < 2 and p[1] < 3]) >= 4
    assert table.grand_total == 90


def test_large_cells_are_all_published():
    table = suppress([[30, 10], [12, 15]], threshold=THRESHOLD)
    assert table.hidden == frozenset()
    assert table.row_total(0) == 40 and table.column_total(1) == 25


def test_zero_is_published_but_one_is_not():
    table = suppress_counts([0, 1, 40, 30], threshold=THRESHOLD)
    assert table.cell(0, 0) == 0
    assert table.cell(1, 0) is None
    # The 1 alone would follow from the total: the smallest other non-zero cell goes with it.
    assert table.cell(3, 0) is None and table.cell(2, 0) == 40


def test_the_negative_control_a_lone_suppressed_cell_is_recoverable():
    """The check above is not vacuous: hiding only the small cell leaves it recoverable."""
    lines = equations(1, 1, False, False) + [{(0, 0): 1, (1, 0): 1, (2, 0): -1}]
    assert recoverable({(0, 0)}, lines) == {(0, 0)}
    table = suppress([[3, 10, 20], [12, 15, 30]], threshold=THRESHOLD)
    leaky = type(table)(
        values=table.values,
        hidden=frozenset({(0, 0)}),
        rows=table.rows,
        columns=table.columns,
        has_row_totals=table.has_row_totals,
        has_column_totals=table.has_column_totals,
    )
    assert exactly_recoverable(leaky) == {(0, 0)}


@settings(max_examples=200, deadline=None)
@given(
    st.integers(2, 5).flatmap(
        lambda rows: st.lists(
            st.lists(counts, min_size=5, max_size=5), min_size=rows, max_size=rows
        )
    )
)
def test_a_breakdown_of_a_published_row_is_protected_together_with_that_row(cells):
    """Employment at exit overall (one row) and by program (a breakdown whose column totals are
    that row): the breakdown hides what the row hides, and never relies on hiding what the row
    publishes."""
    overall = suppress([[sum(r[j] for r in cells) for j in range(5)]], threshold=THRESHOLD)
    check(overall)
    hidden_columns = frozenset(j for j in range(5) if overall.is_hidden(0, j))
    breakdown = suppress(
        cells,
        threshold=THRESHOLD,
        linked_column_totals=(hidden_columns, overall.is_hidden(0, 5)),
    )
    rows = len(cells)
    for j in range(5):
        assert breakdown.is_hidden(rows, j) == overall.is_hidden(0, j)
    assert breakdown.is_hidden(rows, 5) == overall.is_hidden(0, 5)
    for i, j in product(range(rows + 1), range(6)):
        if not breakdown.is_hidden(i, j):
            value = breakdown.values[i][j]
            assert value == 0 or value >= THRESHOLD
    # The breakdown's equations include the totals the overall row publishes: no hidden cell
    # of either follows from them.
    assert exactly_recoverable(breakdown) == set()


@settings(max_examples=200, deadline=None)
@given(
    st.integers(2, 5).flatmap(
        lambda rows: st.integers(1, 4).flatmap(
            lambda columns: st.lists(
                st.lists(counts, min_size=columns, max_size=columns),
                min_size=rows,
                max_size=rows,
            )
        )
    )
)
def test_a_grid_whose_rows_do_not_add_up_is_protected_by_its_columns(cells):
    """Reasons for returns by agency: a return can cite several reasons, so rows have no total,
    but each column adds up to the reason's count published on its own (primary suppression
    only) in the overall table."""
    columns = len(cells[0])
    overall = [sum(r[j] for r in cells) for j in range(columns)]
    hidden_columns = frozenset(j for j, v in enumerate(overall) if 0 < v < THRESHOLD)
    table = suppress(
        cells,
        threshold=THRESHOLD,
        linked_column_totals=(hidden_columns, False),
        row_totals=False,
    )
    assert not table.has_row_totals
    rows = len(cells)
    for j in range(columns):
        assert table.is_hidden(rows, j) == (j in hidden_columns)
    check(table)
