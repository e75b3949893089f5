"""Boolean minimisation: Quine-McCluskey prime implicants and prime-implicant charts.

An *implicant* is a tuple with one entry per condition: ``1`` (condition present), ``0``
(condition absent) or ``-1`` (condition eliminated, "don't care"). A *minterm* is an implicant
without ``-1`` entries, i.e. one truth-table row.

The minimisation follows Quine (1952) and McCluskey (1956): repeatedly merge implicants that
differ in exactly one fixed position until no merge is possible; the unmerged implicants are the
prime implicants. Remainders (``dont_care``) take part in the merging but need not be covered.
The prime-implicant chart is then solved exactly: every cover with the minimum number of prime
implicants is returned, so equivalent minimal solutions are never silently dropped (the same
rule as R package QCA, ``minimize()`` with default ``all.sol = FALSE``; Dusa 2019, ch. 7).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from compare.errors import DataError

__all__ = [
    "Implicant",
    "prime_implicants",
    "covers",
    "pi_chart",
    "minimal_covers",
    "minimize_boolean",
    "implicant_to_string",
    "sort_key",
]

Implicant = tuple[int, ...]

#: Safety limit for the number of candidate covers examined when solving a chart.
_MAX_COMBINATIONS = 5_000_000


def covers(implicant: Sequence[int], minterm: Sequence[int]) -> bool:
    """Whether ``implicant`` covers ``minterm`` (every fixed position agrees).

    Examples
    --------
    >>> covers((1, -1, 0), (1, 1, 0))
    True
    >>> covers((1, -1, 0), (0, 1, 0))
    False
    """
    return all(v == -1 or v == m for v, m in zip(implicant, minterm, strict=True))


def _check_minterms(rows: Iterable[Sequence[int]], k: int, what: str) -> set[Implicant]:
    out = set()
    for r in rows:
        t = tuple(int(v) for v in r)
        if len(t) != k or any(v not in (0, 1) for v in t):
            raise DataError(f"{what} row {t} is not a 0/1 vector of length {k}", column=what)
        out.add(t)
    return out


def prime_implicants(
    on: Iterable[Sequence[int]], dont_care: Iterable[Sequence[int]] = (), *, k: int | None = None
) -> list[Implicant]:
    """Prime implicants of the function true on ``on`` with optional ``dont_care`` rows.

    Parameters
    ----------
    on : iterable of 0/1 sequences
        Minterms where the function is true (positive truth-table rows).
    dont_care : iterable of 0/1 sequences, optional
        Minterms that may be used for merging but need not be covered (remainders).
    k : int, optional
        Number of conditions; inferred from the rows when omitted.

    Returns
    -------
    list of tuple
        Prime implicants (entries 1, 0 or -1) that cover at least one ``on`` minterm,
        sorted by :func:`sort_key`.

    Examples
    --------
    >>> prime_implicants([(1, 1), (1, 0)])
    [(1, -1)]
    """
    on = list(on)
    dont_care = list(dont_care)
    if k is None:
        sample = on or dont_care
        if not sample:
            return []
        k = len(sample[0])
    on_set = _check_minterms(on, k, "on")
    dc_set = _check_minterms(dont_care, k, "dont_care") - on_set
    if not on_set:
        return []
    current = on_set | dc_set
    primes: set[Implicant] = set()
    while current:
        # merge partners are found by hashing: flip one fixed 0 to 1 and look it up
        merged_from: set[Implicant] = set()
        nxt: set[Implicant] = set()
        for imp in current:
            for j, v in enumerate(imp):
                if v != 0:
                    continue
                partner = imp[:j] + (1,) + imp[j + 1 :]
                if partner in current:
                    nxt.add(imp[:j] + (-1,) + imp[j + 1 :])
                    merged_from.add(imp)
                    merged_from.add(partner)
        primes |= current - merged_from
        current = nxt
    useful = [p for p in primes if any(covers(p, m) for m in on_set)]
    return sorted(useful, key=sort_key)


def sort_key(implicant: Sequence[int]) -> tuple:
    """Ordering of implicants used throughout: fewer literals first, then condition order.

    Within the same number of literals, implicants whose first fixed condition comes earlier
    sort first; ties are broken by value with *present* before *absent*.

    Examples
    --------
    >>> sorted([(0, 1), (-1, 1), (1, -1)], key=sort_key)
    [(1, -1), (-1, 1), (0, 1)]
    """
    fixed = [i for i, v in enumerate(implicant) if v != -1]
    values = tuple(-v for v in implicant if v != -1)
    return (len(fixed), tuple(fixed), values)


def pi_chart(primes: Sequence[Implicant], on: Iterable[Sequence[int]]) -> pd.DataFrame:
    """Prime-implicant chart: boolean frame, one row per prime implicant, one column per minterm.

    Examples
    --------
    >>> pi_chart([(1, -1)], [(1, 1), (1, 0)]).to_numpy().tolist()
    [[True, True]]
    """
    on = sorted({tuple(int(v) for v in m) for m in on})
    data = [[covers(p, m) for m in on] for p in primes]
    return pd.DataFrame(
        np.array(data, dtype=bool).reshape(len(primes), len(on)),
        index=[tuple(p) for p in primes],
        columns=["".join(str(v) for v in m) for m in on],
    )


def minimal_covers(chart: pd.DataFrame, *, max_combinations: int = _MAX_COMBINATIONS) -> list:
    """All covers of the chart's columns that use the minimum number of rows.

    Essential rows (the only row covering some column) are always included; the remaining
    columns are covered by exhaustive search over combinations of the remaining rows, in
    increasing size, stopping at the first size that admits a cover.

    Parameters
    ----------
    chart : DataFrame of bool
        Output of :func:`pi_chart`.
    max_combinations : int
        Raise :class:`~compare.errors.DataError` rather than search more candidate covers.

    Returns
    -------
    list of list
        Each cover is a list of chart row labels (in chart order).

    Examples
    --------
    >>> chart = pi_chart([(1, -1), (-1, 1), (1, 1)], [(1, 0), (0, 1), (1, 1)])
    >>> minimal_covers(chart)
    [[(1, -1), (-1, 1)]]
    """
    m = chart.to_numpy(dtype=bool)
    labels = list(chart.index)
    n_rows, n_cols = m.shape
    if n_cols == 0:
        return [[]]
    if n_rows == 0 or not m.any(axis=0).all():
        raise DataError("the prime-implicant chart has a column no implicant covers")
    essential = sorted({int(np.flatnonzero(m[:, j])[0]) for j in range(n_cols) if m[:, j].sum() == 1})
    covered = m[essential].any(axis=0) if essential else np.zeros(n_cols, dtype=bool)
    rest_cols = np.flatnonzero(~covered)
    if rest_cols.size == 0:
        return [[labels[i] for i in essential]]
    candidates = [i for i in range(n_rows) if i not in essential and m[i, rest_cols].any()]
    sub = m[np.ix_(candidates, rest_cols)]
    found: list[list] = []
    examined = 0
    for size in range(1, len(candidates) + 1):
        for combo in itertools.combinations(range(len(candidates)), size):
            examined += 1
            if examined > max_combinations:
                raise DataError(
                    f"the prime-implicant chart is too complex ({len(candidates)} candidate "
                    f"implicants for {rest_cols.size} rows); reduce the number of conditions "
                    "or raise max_combinations"
                )
            if sub[list(combo)].any(axis=0).all():
                rows = sorted(essential + [candidates[c] for c in combo])
                found.append([labels[i] for i in rows])
        if found:
            return found
    raise DataError("no cover found for the prime-implicant chart")  # pragma: no cover


def minimize_boolean(
    on: Iterable[Sequence[int]], dont_care: Iterable[Sequence[int]] = (), *, k: int | None = None
) -> list[list[Implicant]]:
    """All minimal sums of prime implicants covering ``on`` (remainders as don't cares).

    Examples
    --------
    >>> minimize_boolean([(1, 1, 1), (1, 0, 1), (1, 0, 0)])
    [[(1, 0, -1), (1, -1, 1)]]
    """
    on = list(on)
    if not on:
        return []
    primes = prime_implicants(on, dont_care, k=k)
    chart = pi_chart(primes, on)
    sols = minimal_covers(chart)
    return [sorted(s, key=sort_key) for s in sols]


def implicant_to_string(implicant: Sequence[int], conditions: Sequence[str]) -> str:
    """Readable conjunction, ``~`` for absence and ``*`` for AND (R QCA notation).

    Examples
    --------
    >>> implicant_to_string((1, 0, -1), ["A", "B", "C"])
    'A*~B'
    """
    parts = [(c if v == 1 else f"~{c}") for v, c in zip(implicant, conditions, strict=True) if v != -1]
    return "*".join(parts) if parts else "1"
