"""Suppression: over random tables, no hidden cell can be recovered from the published cells
and the row and column totals — not even using that counts are never negative."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from tremplin.reports.suppression import extend, suppress, suppress_column


def _bounds_of_hidden_cells(values: list[list[int]], hidden: list[list[bool]]):
    """For each hidden cell, the smallest and largest value an attacker can deduce."""
    n_rows, n_cols = len(values), len(values[0])
    unknowns = [(i, j) for i in range(n_rows) for j in range(n_cols) if hidden[i][j]]
    if not unknowns:
        return {}
    index = {cell: k for k, cell in enumerate(unknowns)}
    equations, rhs = [], []
    # Every row: its cells sum to its total (last column); every column likewise.
    for i in range(n_rows):
        coefficients = np.zeros(len(unknowns))
        known = 0.0
        for j in range(n_cols):
            sign = -1.0 if j == n_cols - 1 else 1.0
            if (i, j) in index:
                coefficients[index[(i, j)]] += sign
            else:
                known += sign * values[i][j]
        equations.append(coefficients)
        rhs.append(-known)
    for j in range(n_cols):
        coefficients = np.zeros(len(unknowns))
        known = 0.0
        for i in range(n_rows):
            sign = -1.0 if i == n_rows - 1 else 1.0
            if (i, j) in index:
                coefficients[index[(i, j)]] += sign
            else:
                known += sign * values[i][j]
        equations.append(coefficients)
        rhs.append(-known)
    a_eq, b_eq = np.array(equations), np.array(rhs)
    bounds = {}
    for cell, k in index.items():
        objective = np.zeros(len(unknowns))
        objective[k] = 1.0
        low = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        high = linprog(-objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        # The truth is always feasible; the maximum may be unbounded (status 3) when a hidden
        # cell and all the totals over it are hidden: then nothing bounds it from above.
        assert low.status == 0 and high.status in (0, 3)
        bounds[cell] = (low.fun, -high.fun if high.status == 0 else float("inf"))
    return bounds


tables = st.integers(min_value=1, max_value=5).flatmap(
    lambda n_cols: st.lists(
        st.lists(st.integers(min_value=0, max_value=30), min_size=n_cols, max_size=n_cols),
        min_size=1,
        max_size=6,
    )
)


@settings(max_examples=150, deadline=None)
@given(table=tables, threshold=st.integers(min_value=2, max_value=10))
def test_no_hidden_cell_can_be_recovered_from_the_totals(table, threshold):
    values = extend(table)
    hidden = suppress(table, threshold=threshold)
    # Nothing under the threshold is shown, totals included (zero is not sensitive).
    for i, row in enumerate(values):
        for j, value in enumerate(row):
            if 0 < value < threshold:
                assert hidden[i][j]
    # Every hidden cell keeps a range of possible values, so it cannot be recovered.
    for (i, j), (low, high) in _bounds_of_hidden_cells(values, hidden).items():
        assert high - low > 0.5, (i, j, values, hidden)


def test_a_single_small_cell_is_hidden_with_three_complements():
    table = [[20, 3], [15, 12]]
    hidden = suppress(table, threshold=5)
    assert hidden[0][1]
    assert sum(cell for row in hidden for cell in row) == 4


def test_a_list_with_one_small_group_hides_a_second_one():
    hidden, total_hidden = suppress_column([40, 3, 9, 25], total=77, threshold=5)
    assert hidden == [False, True, True, False] and not total_hidden


def test_a_small_total_hides_everything_under_it():
    hidden, total_hidden = suppress_column([2, 1], total=3, threshold=5)
    assert hidden == [True, True] and total_hidden


def test_zero_is_shown():
    hidden, total_hidden = suppress_column([0, 12, 30], total=42, threshold=5)
    assert hidden == [False, False, False] and not total_hidden
