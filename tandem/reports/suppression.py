"""Small-cell suppression for the tables funders see. Pure functions: no Django, no database.

A table is a grid of counts of people, published with its row totals (when it has more than one
column), its column totals (when it has more than one row) and its grand total. Three rules hold
for every table that leaves this module (tests/test_suppression.py checks them with hypothesis,
and tests/test_funder_attacker.py plays the reader who combines every table a funder can get):

1. *Primary suppression*: no published cell counts between 1 and threshold - 1 people. A cell of
   zero counts nobody and is published, as statistical agencies do.
2. *No hidden cell follows exactly*: the totals give one linear equation per line of the grid
   (the cells of a row add up to the row total, and so on); a suppressed cell is recoverable
   exactly when it has a zero in every vector of the null space of the equations restricted to
   the suppressed cells.
3. *No small cell is pinned*. Because zeros are published, every reader knows that each "x"
   counts at least one person, and the equations with that bound can fix a cell the equations
   alone leave free: a row `x, x, 8 | 10` tells that both x are 1, twelve x over a total of 12
   that each is 1. For each primary cell, the smallest and the largest value it can take given
   the published cells, the equations and x >= 1 for every hidden cell (two linear programmes)
   must differ.

While a cell breaks rule 2 or 3, one more cell sharing a line with it is suppressed: a non-zero
cell (hiding a zero would make "x >= 1" false and the bounds above unsound), preferably an
interior one, the smallest such, and one that protects it at once if any does.

Linked tables (two tables sharing a total) are kept safe by publishing every population in one
table per dimension; the grand totals they share are either published everywhere or suppressed.
Funders choose among fixed periods only (fiscal years, which never overlap), so that two reports
cannot be subtracted from each other (forms.FunderPeriodForm).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product

import numpy as np
from scipy.optimize import linprog
from threadpoolctl import threadpool_limits

Position = tuple[int, int]


@dataclass(frozen=True)
class SuppressedTable:
    """The grid with its margins; `hidden` holds the positions not to publish.

    Positions are (row, column) in the extended grid: interior cells are `rows x columns`; row
    totals sit in column `columns` and column totals in row `rows` when the table has them.
    """

    values: tuple[tuple[int | None, ...], ...]  # the extended grid; None where no margin exists
    hidden: frozenset[Position]
    rows: int
    columns: int
    has_row_totals: bool
    has_column_totals: bool

    def is_hidden(self, row: int, column: int) -> bool:
        return (row, column) in self.hidden

    def cell(self, row: int, column: int) -> int | None:
        """The published value, or None when suppressed."""
        return None if (row, column) in self.hidden else self.values[row][column]

    def row_total(self, row: int) -> int | None:
        if not self.has_row_totals:
            return self.cell(row, 0) if self.columns == 1 else None
        return self.cell(row, self.columns)

    def column_total(self, column: int) -> int | None:
        if not self.has_column_totals:
            return self.cell(0, column) if self.rows == 1 else None
        return self.cell(self.rows, column)

    @property
    def grand_total(self) -> int | None:
        row = self.rows if self.has_column_totals else 0
        column = self.columns if self.has_row_totals else 0
        return self.cell(row, column)


def extend(
    cells: list[list[int]], *, row_totals: bool = True
) -> tuple[list[list[int | None]], bool, bool]:
    """The grid with its margins: row totals if more than one column (and the rows add up: not
    when a person can be in several columns), column totals if more than one row (a single
    row's total is its grand total, and the same for a single column)."""
    rows = len(cells)
    columns = len(cells[0]) if rows else 0
    has_row_totals = row_totals and columns > 1
    has_column_totals = rows > 1
    grid: list[list[int | None]] = [list(row) for row in cells]
    if has_row_totals:
        for row in grid:
            row.append(sum(v for v in row if v is not None))
    if has_column_totals:
        width = columns + (1 if has_row_totals else 0)
        grid.append([sum(grid[i][j] or 0 for i in range(rows)) for j in range(width)])
    return grid, has_row_totals, has_column_totals


def equations(
    rows: int, columns: int, has_row_totals: bool, has_column_totals: bool
) -> list[dict[Position, int]]:
    """One equation per line of the extended grid: {position: coefficient}, summing to zero."""
    result: list[dict[Position, int]] = []
    width = columns + (1 if has_row_totals else 0)
    height = rows + (1 if has_column_totals else 0)
    if has_row_totals:
        for i in range(height):
            line = {(i, j): 1 for j in range(columns)}
            line[(i, columns)] = -1
            result.append(line)
    if has_column_totals:
        for j in range(width):
            line = {(i, j): 1 for i in range(rows)}
            line[(rows, j)] = -1
            result.append(line)
    return result


def recoverable(
    hidden: set[Position] | frozenset[Position], lines: list[dict[Position, int]]
) -> set[Position]:
    """Suppressed positions whose value the published cells and the totals determine."""
    unknowns = sorted(hidden)
    if not unknowns:
        return set()
    index = {p: k for k, p in enumerate(unknowns)}
    matrix = np.zeros((max(len(lines), 1), len(unknowns)))
    for r, line in enumerate(lines):
        for position, coefficient in line.items():
            if position in index:
                matrix[r, index[position]] = coefficient
    # The null space of the equations over the unknowns: rows of Vt beyond the rank.
    _u, singular, vt = np.linalg.svd(matrix)
    rank = int((singular > 1e-9).sum())
    null = vt[rank:]
    if null.shape[0] == 0:
        return set(unknowns)
    free = np.abs(null).max(axis=0) > 1e-9
    return {p for p, is_free in zip(unknowns, free, strict=True) if not is_free}


def _programme(
    hidden: set[Position] | frozenset[Position],
    lines: list[dict[Position, int]],
    grid: list[list[int | None]] | tuple[tuple[int | None, ...], ...],
) -> tuple[list[Position], np.ndarray | None, np.ndarray | None, list[tuple[int, None]]]:
    """What a reader knows about the hidden cells: the equations over them, with the published
    cells moved to the right-hand side, and x >= 1 (zeros are published). A hidden zero (the
    last resort of suppress) is given to the reader as x >= 0: a stronger reader than the real
    one, so a table safe against it is safe."""
    unknowns = sorted(hidden)
    index = {p: k for k, p in enumerate(unknowns)}
    rows: list[list[float]] = []
    rhs: list[float] = []
    for line in lines:
        if not any(p in index for p in line):
            continue
        row = [0.0] * len(unknowns)
        constant = 0.0
        for position, coefficient in line.items():
            if position in index:
                row[index[position]] = coefficient
            else:
                constant += coefficient * (grid[position[0]][position[1]] or 0)
        rows.append(row)
        rhs.append(-constant)
    bounds = [(min(1, grid[p[0]][p[1]] or 0), None) for p in unknowns]
    if not rows:
        return unknowns, None, None, bounds
    return unknowns, np.array(rows), np.array(rhs), bounds


def value_range(
    position: Position,
    hidden: set[Position] | frozenset[Position],
    lines: list[dict[Position, int]],
    grid: list[list[int | None]] | tuple[tuple[int | None, ...], ...],
) -> tuple[float, float]:
    """The smallest and largest value a hidden cell can take for that reader (linear
    programmes; the equations of a table with its margins have integral vertices, so these are
    the bounds over whole numbers too). The upper bound is infinite when nothing bounds it."""
    unknowns, a_eq, b_eq, bounds = _programme(hidden, lines, grid)
    k = unknowns.index(position)
    found = []
    for sign in (1.0, -1.0):
        objective = np.zeros(len(unknowns))
        objective[k] = sign
        solved = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        found.append(float("inf") if solved.status == 3 else sign * float(solved.fun))
    return found[0], found[1]


def stuck_at_lower_bound(
    hidden: set[Position] | frozenset[Position],
    lines: list[dict[Position, int]],
    grid: list[list[int | None]] | tuple[tuple[int | None, ...], ...],
) -> set[Position]:
    """Hidden cells that sit on their lower bound (1, or 0 for a hidden zero) in every solution
    the reader can form. Each round maximises the sum of how far the remaining cells rise above
    their bound (capped at 1): a cell that rises is free; when none can, the rest are stuck (a
    solution lifting one of them, averaged with the optimum, would beat the optimum)."""
    unknowns, a_eq, b_eq, bounds = _programme(hidden, lines, grid)
    n = len(unknowns)
    # The true counts are one solution: a cell above its bound there is free already.
    remaining = [k for k, p in enumerate(unknowns) if (grid[p[0]][p[1]] or 0) <= bounds[k][0]]
    while remaining:
        m = len(remaining)
        # Variables: the n cells, then one lift per remaining cell, 0 <= lift <= 1.
        objective = np.concatenate([np.zeros(n), -np.ones(m)])
        a_ub = np.zeros((m, n + m))
        b_ub = np.zeros(m)
        for r, k in enumerate(remaining):
            a_ub[r, k] = -1.0
            a_ub[r, n + r] = 1.0
            b_ub[r] = -bounds[k][0]
        equality = None if a_eq is None else np.hstack([a_eq, np.zeros((a_eq.shape[0], m))])
        solved = linprog(
            objective,
            A_ub=a_ub,
            b_ub=b_ub,
            A_eq=equality,
            b_eq=b_eq,
            bounds=[*bounds, *[(0, 1)] * m],
            method="highs",
        )
        if solved.status != 0:  # infeasible only if the grid were inconsistent: assume nothing
            return set()
        lifted = {k for r, k in enumerate(remaining) if solved.x[n + r] > 1e-7}
        if not lifted:
            break
        remaining = [k for k in remaining if k not in lifted]
    return {unknowns[k] for k in remaining}


def pinned(
    hidden: set[Position] | frozenset[Position],
    lines: list[dict[Position, int]],
    grid: list[list[int | None]] | tuple[tuple[int | None, ...], ...],
) -> set[Position]:
    """Hidden cells whose value the reader knows exactly from the published cells, the
    equations and x >= 1. The cells stuck on their bound are known; the others can all rise
    at once, so the solutions fill the affine space of the equations with the stuck cells fixed,
    and a cell is known exactly when that space fixes it (the null-space test of rule 2)."""
    stuck = stuck_at_lower_bound(hidden, lines, grid)
    return stuck | recoverable(set(hidden) - stuck, lines)


def exposed(
    hidden: set[Position] | frozenset[Position],
    lines: list[dict[Position, int]],
    grid: list[list[int | None]] | tuple[tuple[int | None, ...], ...],
    threshold: int,
) -> set[Position]:
    """Hidden positions that break rule 2 (fixed by the equations) or rule 3 (a small count
    fixed once the reader adds that every x is at least 1)."""
    found = recoverable(hidden, lines)
    if not hidden:
        return found
    return found | {
        p for p in pinned(hidden, lines, grid) if 0 < (grid[p[0]][p[1]] or 0) < threshold
    }


def suppress(
    cells: list[list[int]],
    *,
    threshold: int,
    linked_column_totals: tuple[frozenset[int], bool] | None = None,
    row_totals: bool = True,
) -> SuppressedTable:
    """Primary then secondary suppression of a grid of counts (see the module docstring).

    `row_totals=False` is for a grid whose rows do not add up (a person counted in several
    columns): only the columns give equations, and the rows have no total.

    `linked_column_totals` ties the table to one row already published elsewhere whose cells
    are this table's column totals (a breakdown of that row): (the columns hidden there, whether
    its total is hidden). Those totals are hidden here too, and the others are known to every
    reader, so they are never chosen to protect a cell of this table.
    """
    # The grids are small: BLAS threads only fight each other (and the web server) over them.
    with threadpool_limits(limits=1):
        return _suppress(cells, threshold, linked_column_totals, row_totals)


def _suppress(
    cells: list[list[int]],
    threshold: int,
    linked_column_totals: tuple[frozenset[int], bool] | None,
    row_totals: bool,
) -> SuppressedTable:
    grid, has_row_totals, has_column_totals = extend(cells, row_totals=row_totals)
    rows = len(cells)
    columns = len(cells[0]) if rows else 0
    lines = equations(rows, columns, has_row_totals, has_column_totals)
    positions = [(i, j) for i, j in product(range(len(grid)), range(len(grid[0]) if grid else 0))]
    hidden = {(i, j) for i, j in positions if 0 < (grid[i][j] or 0) < threshold}
    pinned: set[Position] = set()
    if linked_column_totals is not None and has_column_totals:
        hidden_columns, total_hidden = linked_column_totals
        margins = [(rows, j, j in hidden_columns) for j in range(columns)]
        if has_row_totals:
            margins.append((rows, columns, total_hidden))
        for i, j, is_hidden in margins:
            if is_hidden:
                hidden.add((i, j))
            else:
                hidden.discard((i, j))
                pinned.add((i, j))

    def is_margin(position: Position) -> bool:
        return position[0] >= rows or position[1] >= columns

    def cost(position: Position) -> tuple:
        # A zero is hidden only when nothing else can protect (a breakdown whose totals are
        # published elsewhere): every reader may otherwise rely on "x >= 1" (rule 3).
        value = grid[position[0]][position[1]] or 0
        return (value == 0, is_margin(position), value, position)

    while True:
        found = exposed(hidden, lines, grid, threshold)
        if not found:
            break
        # One round protects every exposed cell whose lines no cell chosen in this round
        # touches (the others wait for the next round, which may find them protected already):
        # a few rounds instead of one linear programme per added cell.
        touched: set[int] = set()
        added = False
        for target in sorted(found):
            own = {k for k, line in enumerate(lines) if target in line}
            if own & touched:
                continue
            free = [p for p in positions if p not in hidden and p not in pinned]
            neighbours = {p for k in own for p in lines[k] if p in free} or set(free)
            candidates = sorted(neighbours, key=cost)
            if not candidates:
                continue
            # The cheapest candidate that the equations alone show to protect it, if any.
            chosen = next(
                (c for c in candidates[:4] if target not in recoverable(hidden | {c}, lines)),
                candidates[0],
            )
            hidden.add(chosen)
            touched |= {k for k, line in enumerate(lines) if chosen in line} | own
            added = True
        if not added:  # everything is hidden already: nothing is fixed then
            break
    return SuppressedTable(
        values=tuple(tuple(row) for row in grid),
        hidden=frozenset(hidden),
        rows=rows,
        columns=columns,
        has_row_totals=has_row_totals,
        has_column_totals=has_column_totals,
    )


def suppress_counts(counts: list[int], *, threshold: int) -> SuppressedTable:
    """A list of counts (one column) with its total."""
    return suppress([[c] for c in counts], threshold=threshold)


def publishable_mean(count: int, *, threshold: int) -> bool:
    """A mean over fewer people than the threshold is not published (nor its count)."""
    return count >= threshold
