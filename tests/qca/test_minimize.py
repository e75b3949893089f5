import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compare.errors import DataError
from compare.qca.minimize import (
    covers,
    implicant_to_string,
    minimal_covers,
    minimize_boolean,
    pi_chart,
    prime_implicants,
)


def _all_implicants(k):
    return list(itertools.product((0, 1, -1), repeat=k))


def _brute_primes(on, dc, k):
    allowed = set(on) | set(dc)
    minterms = list(itertools.product((0, 1), repeat=k))
    ok = [imp for imp in _all_implicants(k) if all(m in allowed for m in minterms if covers(imp, m))]

    def contains(a, b):  # a strictly more general than b
        return a != b and all(x == -1 or x == y for x, y in zip(a, b, strict=True))

    primes = [p for p in ok if not any(contains(q, p) for q in ok)]
    return {p for p in primes if any(covers(p, m) for m in on)}


def _brute_min_size(on, primes):
    for size in range(1, len(primes) + 1):
        for combo in itertools.combinations(primes, size):
            if all(any(covers(p, m) for p in combo) for m in on):
                return size
    return 0


@st.composite
def functions(draw):
    k = draw(st.integers(1, 4))
    codes = draw(st.lists(st.sampled_from(["on", "off", "dc"]), min_size=2**k, max_size=2**k))
    minterms = list(itertools.product((0, 1), repeat=k))
    on = [m for m, c in zip(minterms, codes, strict=True) if c == "on"]
    dc = [m for m, c in zip(minterms, codes, strict=True) if c == "dc"]
    return k, on, dc


@settings(max_examples=150, deadline=None)
@given(functions())
def test_prime_implicants_agree_with_brute_force(fn):
    k, on, dc = fn
    assert set(prime_implicants(on, dc, k=k)) == _brute_primes(on, dc, k)


@settings(max_examples=150, deadline=None)
@given(functions())
def test_minimal_sums_agree_with_brute_force(fn):
    k, on, dc = fn
    sols = minimize_boolean(on, dc, k=k)
    if not on:
        assert sols == []
        return
    primes = sorted(_brute_primes(on, dc, k))
    size = _brute_min_size(on, primes)
    # every returned model is a cover of minimum size ...
    assert sols and all(len(s) == size for s in sols)
    allowed = set(on) | set(dc)
    for s in sols:
        assert all(any(covers(p, m) for p in s) for m in on)
        assert all(m in allowed for p in s for m in itertools.product((0, 1), repeat=k) if covers(p, m))
    # ... and every minimum-size cover by prime implicants is returned
    brute = {
        frozenset(c)
        for c in itertools.combinations(primes, size)
        if all(any(covers(p, m) for p in c) for m in on)
    }
    assert {frozenset(s) for s in sols} == brute


def test_textbook_minimisation_merges_adjacent_rows():
    # A*B*C + A*~B*C + A*~B*~C = A*C + A*~B
    assert minimize_boolean([(1, 1, 1), (1, 0, 1), (1, 0, 0)]) == [[(1, 0, -1), (1, -1, 1)]]


def test_chart_with_uncoverable_column_is_an_error():
    chart = pi_chart([(1, -1)], [(1, 0), (0, 0)])
    with pytest.raises(DataError, match="no implicant covers"):
        minimal_covers(chart)


def test_rows_must_be_binary():
    with pytest.raises(DataError, match="0/1 vector"):
        prime_implicants([(1, 2)])


def test_implicant_string_uses_tilde_for_absence():
    assert implicant_to_string((0, -1, 1), ["A", "B", "C"]) == "~A*C"
    assert implicant_to_string((-1, -1), ["A", "B"]) == "1"
