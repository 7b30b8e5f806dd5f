"""Small-cell suppression with secondary suppression, as a pure function.

A table of counts is published with its row totals, column totals and grand total. Every
count of 1 to `threshold - 1` is hidden (primary suppression; zero is not sensitive). Hiding a
cell alone is not enough: if it is the only hidden cell of its row, the row total gives it
back. More generally, with the totals published the hidden cells are unknowns of a linear
system; a hidden cell can be recovered exactly when it lies on no cycle of hidden cells
(rows and columns as the nodes of a bipartite graph, hidden cells as its edges: a "bridge").
So, while some hidden cell is a bridge, we also hide the cheapest rectangle that closes a
cycle through it (secondary suppression), preferring non-zero cells (a hidden zero next to a
hidden cell can pin it down, since counts are never negative) and small values. The totals are
cells of the extended table too: a small total is hidden like any other cell.

Suppression works on the raw integer counts; rates and rounding come afterwards.
"""

from collections.abc import Iterable, Sequence

Cell = tuple[int, int]


def extend(
    table: Sequence[Sequence[int]],
    *,
    row_totals: Sequence[int] | None = None,
    col_totals: Sequence[int] | None = None,
    grand_total: int | None = None,
) -> list[list[int]]:
    """The table with its row totals as a last column and column totals as a last row.

    Totals default to sums; give them when the rows overlap (distinct people counted in
    several groups), so the published totals are what is checked.
    """
    rows = [list(row) for row in table]
    n_cols = len(rows[0]) if rows else 0
    r_totals = list(row_totals) if row_totals is not None else [sum(row) for row in rows]
    c_totals = (
        list(col_totals)
        if col_totals is not None
        else [sum(row[j] for row in rows) for j in range(n_cols)]
    )
    grand = grand_total if grand_total is not None else sum(r_totals)
    return [*[row + [r_totals[i]] for i, row in enumerate(rows)], c_totals + [grand]]


def suppress(
    table: Sequence[Sequence[int]],
    *,
    threshold: int,
    row_totals: Sequence[int] | None = None,
    col_totals: Sequence[int] | None = None,
    grand_total: int | None = None,
    forced: Iterable[Cell] = (),
) -> list[list[bool]]:
    """Which cells of the extended table (see `extend`) to hide: True means hidden.

    `forced` cells (of the extended table) are hidden whatever their value.
    """
    values = extend(table, row_totals=row_totals, col_totals=col_totals, grand_total=grand_total)
    n_rows = len(values)
    n_cols = len(values[0]) if values else 0
    hidden = [[0 < values[i][j] < threshold for j in range(n_cols)] for i in range(n_rows)]
    for i, j in forced:
        hidden[i][j] = True
    if n_rows < 2 or n_cols < 2:
        return hidden
    while True:
        bridge = _first_bridge(hidden, n_rows, n_cols)
        if bridge is None:
            return hidden
        for i, j in _cheapest_rectangle(bridge, values, hidden):
            hidden[i][j] = True


def suppress_column(
    values: Sequence[int], *, total: int | None, threshold: int, forced: Iterable[int] = ()
) -> tuple[list[bool], bool]:
    """One column of counts and its total: (hidden per row, total hidden)."""
    if not values:
        return [], bool(total is not None and 0 < total < threshold)
    table = [[value] for value in values]
    mask = suppress(
        table,
        threshold=threshold,
        grand_total=total,
        col_totals=[total if total is not None else sum(values)],
        forced=[(i, 0) for i in forced],
    )
    return [row[0] for row in mask[:-1]], mask[-1][0]


def _first_bridge(hidden: list[list[bool]], n_rows: int, n_cols: int) -> Cell | None:
    """A hidden cell that lies on no cycle of hidden cells (Tarjan's bridges), or None."""
    # Nodes: rows 0..n_rows-1, columns n_rows..n_rows+n_cols-1.
    adjacency: list[list[int]] = [[] for _ in range(n_rows + n_cols)]
    for i in range(n_rows):
        for j in range(n_cols):
            if hidden[i][j]:
                adjacency[i].append(n_rows + j)
                adjacency[n_rows + j].append(i)
    order = [-1] * (n_rows + n_cols)
    low = [0] * (n_rows + n_cols)
    counter = 0
    for root in range(n_rows + n_cols):
        if order[root] != -1 or not adjacency[root]:
            continue
        order[root] = low[root] = counter
        counter += 1
        # Iterative DFS: (node, parent, iterator over neighbours)
        stack: list[tuple[int, int, int]] = [(root, -1, 0)]
        while stack:
            node, parent, index = stack[-1]
            if index < len(adjacency[node]):
                stack[-1] = (node, parent, index + 1)
                neighbour = adjacency[node][index]
                if neighbour == parent:
                    continue
                if order[neighbour] == -1:
                    order[neighbour] = low[neighbour] = counter
                    counter += 1
                    stack.append((neighbour, node, 0))
                else:
                    low[node] = min(low[node], order[neighbour])
            else:
                stack.pop()
                if parent != -1:
                    low[parent] = min(low[parent], low[node])
                    if low[node] > order[parent]:
                        row, col = (parent, node) if parent < n_rows else (node, parent)
                        return row, col - n_rows
    return None


def _cheapest_rectangle(
    cell: Cell, values: list[list[int]], hidden: list[list[bool]]
) -> list[Cell]:
    """The cells to hide so that `cell` lies on a 4-cycle of hidden cells."""
    r, c = cell
    best: tuple[tuple[int, int, int], list[Cell]] | None = None
    for r2 in range(len(values)):
        if r2 == r:
            continue
        for c2 in range(len(values[0])):
            if c2 == c:
                continue
            new = [(i, j) for i, j in ((r, c2), (r2, c), (r2, c2)) if not hidden[i][j]]
            zeros = sum(1 for i, j in new if values[i][j] == 0)
            cost = (zeros, len(new), sum(values[i][j] for i, j in new))
            if best is None or cost < best[0]:
                best = (cost, new)
    assert best is not None  # the extended table has at least 2 rows and 2 columns
    return best[1]
