"""The swap-selection problem behind :func:`tanfeng.swap.plan` and its heuristics.

The problem: choose retired sources (退出产能) for the lines of a new project. Each *pair* (source
``s``, line ``l``) is a variable ``x`` in [0, 1] (binary unless the source may be split):

* capacity of each line: ``sum(cover[j] * x[j] for j on line l) >= need[l]``;
* energy of the project: ``sum(energy[j] * x[j]) >= energy_need``;
* a source is used once: ``sum(x[j] for j of source s) <= 1``;
* minimise ``sum(cost[j] * x[j])``.

It is solved on the shared HiGHS path of `tanfeng._milp` (greedy start, LP bound, reduced-cost
fixing, core MILP, proven gap), with this module's heuristics: the greedy baseline (sources in
a priority order until every requirement is met) and its clean-up, LP rounding, and a local
search of one-for-one (and two-for-two) swaps inside a line.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from .._milp import FEAS_TOL, Solution, solve
from .._milp import shortfall as _shortfall

__all__ = ["Problem", "Solution", "greedy", "shortfall", "solve"]

#: The column-generation LP starts from the most efficient pairs covering this many times each
#: requirement.
START_COVER = 1.0
#: Unused pairs sampled per line in one local-search step (chosen pairs: a quarter of it).
SWAP_SAMPLE = 1024
_ZERO = 1e-12


@dataclass
class Problem:
    """A swap-selection problem in arrays (one entry per eligible (source, line) pair)."""

    line: np.ndarray
    cover: np.ndarray
    energy: np.ndarray
    source: np.ndarray
    cost: np.ndarray
    integer: np.ndarray
    need: np.ndarray
    energy_need: float = 0.0
    lower_bound: float = 0.0

    @property
    def m(self) -> int:
        return int(self.line.size)

    def rows(self) -> tuple[sparse.csr_array, np.ndarray]:
        """Covering rows ``A x >= b``: lines with a need, then the energy row (if any)."""
        keep = np.flatnonzero(self.need > 0)
        pos = np.full(self.need.size, -1)
        pos[keep] = np.arange(keep.size)
        r = pos[self.line]
        sel = r >= 0
        rows_i = [r[sel]]
        cols_i = [np.flatnonzero(sel)]
        vals = [self.cover[sel]]
        b = [self.need[keep]]
        if self.energy_need > 0:
            rows_i.append(np.full(self.m, keep.size))
            cols_i.append(np.arange(self.m))
            vals.append(self.energy)
            b.append(np.array([self.energy_need]))
        nb = sum(len(x) for x in b)
        A = sparse.csr_array((np.concatenate(vals), (np.concatenate(rows_i), np.concatenate(cols_i))),
                             shape=(nb, self.m))
        return A, np.concatenate(b)

    @property
    def group(self) -> np.ndarray:
        """Pairs of one source form a group (used at most once)."""
        return self.source

    def packing(self) -> None:
        """A swap has no packing rows."""
        return None

    def deficit(self, x: np.ndarray) -> tuple[np.ndarray, float]:
        """Unmet capacity per line and unmet energy (negative = surplus)."""
        cov = np.bincount(self.line, weights=self.cover * x, minlength=self.need.size)
        return self.need - cov, self.energy_need - float(self.energy @ x)

    def feasible(self, x: np.ndarray) -> bool:
        d, de = self.deficit(x)
        ok_lines = bool(np.all(d <= FEAS_TOL * np.maximum(self.need, 1.0)))
        ok_energy = de <= FEAS_TOL * max(self.energy_need, 1.0)
        used = np.bincount(self.source, weights=x)
        return ok_lines and ok_energy and bool(np.all(used <= 1 + 1e-9))

    # the heuristics the shared path (`tanfeng._milp.solve`) calls

    def greedy(self, order: np.ndarray) -> np.ndarray | None:
        return greedy(self, order)

    def drop_redundant(self, x: np.ndarray) -> np.ndarray:
        return drop_redundant(self, x)

    def round(self, x_lp: np.ndarray, rc: np.ndarray) -> np.ndarray | None:
        return _round(self, x_lp, rc)

    def improve(self, x: np.ndarray, deadline: float, target: float, lower: float,
                rng: np.random.Generator) -> np.ndarray:
        return local_search(self, x, deadline, target, lower, rng)

    def lp_start(self) -> np.ndarray:
        """The most efficient pairs of every requirement (``START_COVER`` times the need)."""
        start: list[np.ndarray] = []
        eff = self.cost / np.maximum(self.cover, _ZERO)
        for li in np.flatnonzero(self.need > 0).tolist():
            on = np.flatnonzero(self.line == li)
            on = on[np.argsort(eff[on], kind="stable")]
            k = int(np.searchsorted(np.cumsum(self.cover[on]), START_COVER * self.need[li])) + 1
            start.append(on[:k])
        if self.energy_need > 0:
            on = np.argsort(self.cost / np.maximum(self.energy, _ZERO), kind="stable")
            k = int(np.searchsorted(np.cumsum(self.energy[on]), START_COVER * self.energy_need)) + 1
            start.append(on[:k])
        return np.concatenate(start) if start else np.arange(min(self.m, 1))


# ---------------------------------------------------------------------------------------------
# heuristics


def greedy(p: Problem, order: np.ndarray) -> np.ndarray | None:
    """Take pairs in ``order`` (whole sources) until every requirement is met; None if never.

    With one line this is a prefix of ``order`` found with cumulative sums; with several lines a
    pair is taken only while its line or the energy still needs something.
    """
    x = np.zeros(p.m)
    if not (p.need > 0).any() and p.energy_need <= 0:
        return x
    if p.need.size == 1 and np.unique(p.source).size == p.m:
        need = p.need[0] * (1 - FEAS_TOL)
        eneed = p.energy_need * (1 - FEAS_TOL)
        cc = np.cumsum(p.cover[order])
        ee = np.cumsum(p.energy[order])
        ok = (cc >= need) & (ee >= eneed)
        if not ok.any():
            return None
        x[order[: int(np.argmax(ok)) + 1]] = 1.0
        return x
    need = p.need.astype(float) * (1 - FEAS_TOL)
    eneed = p.energy_need * (1 - FEAS_TOL)
    used = np.zeros(int(p.source.max()) + 1 if p.m else 0, dtype=bool)
    line, cover, energy, source = p.line.tolist(), p.cover.tolist(), p.energy.tolist(), p.source.tolist()
    open_lines = int(np.count_nonzero(need > 0))
    for j in order.tolist():
        s, li = source[j], line[j]
        if used[s] or (need[li] <= 0 and eneed <= 0):
            continue
        x[j] = 1.0
        used[s] = True
        before = need[li] > 0
        need[li] -= cover[j]
        eneed -= energy[j]
        if before and need[li] <= 0:
            open_lines -= 1
        if open_lines == 0 and eneed <= 0:
            return x
    return None


def drop_redundant(p: Problem, x: np.ndarray) -> np.ndarray:
    """Remove chosen pairs, most expensive first, while every requirement stays met."""
    x = x.copy()
    d, de = p.deficit(x)
    slack = (-d + FEAS_TOL * np.maximum(p.need, 1.0)).tolist()
    no_line = (p.need <= 0).tolist()
    eslack = -de + FEAS_TOL * max(p.energy_need, 1.0)
    no_energy = p.energy_need <= 0
    chosen = np.flatnonzero(x > 0)
    chosen = chosen[np.argsort(-p.cost[chosen], kind="stable")]
    cap = (p.cover[chosen] * x[chosen]).tolist()
    en = (p.energy[chosen] * x[chosen]).tolist()
    lines = p.line[chosen].tolist()
    drop = []
    for j, c, e, li in zip(chosen.tolist(), cap, en, lines):
        if (c <= slack[li] or no_line[li]) and (e <= eslack or no_energy):
            slack[li] -= c
            eslack -= e
            drop.append(j)
    x[drop] = 0.0
    return x


def _combos(idx: np.ndarray, cap_single: int, cap_pairs: int,
            rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Single pairs and (a sample of) two-pair sets from ``idx``: arrays ``first``, ``second``
    (``second == -1`` for a single)."""
    if idx.size > cap_single:
        idx = rng.choice(idx, cap_single, replace=False)
    first, second = [idx], [np.full(idx.size, -1)]
    if idx.size >= 2 and cap_pairs > 0:
        n_all = idx.size * (idx.size - 1) // 2
        if n_all <= cap_pairs:
            a, b = np.triu_indices(idx.size, 1)
        else:
            a = rng.integers(0, idx.size, cap_pairs)
            b = rng.integers(0, idx.size, cap_pairs)
            keep = a != b
            a, b = a[keep], b[keep]
        first.append(idx[a])
        second.append(idx[b])
    return np.concatenate(first), np.concatenate(second)


def _sum(v: np.ndarray, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    return v[first] + np.where(second >= 0, v[np.maximum(second, 0)], 0.0)


def _best_swap(p: Problem, on: np.ndarray, chosen: np.ndarray, free: np.ndarray, slack: float,
               eslack: float, pairs: bool, rng: np.random.Generator,
               threshold: float) -> tuple[float, tuple[int, int], tuple[int, int]] | None:
    """Best swap inside one line: chosen sets of one (or two) pairs out, one (or two) in."""
    cap_pairs = 4 * SWAP_SAMPLE if pairs else 0
    i1, i2 = _combos(np.flatnonzero(chosen & on), SWAP_SAMPLE // 4, cap_pairs // 4, rng)
    j1, j2 = _combos(np.flatnonzero(free & on), SWAP_SAMPLE, cap_pairs, rng)
    if i1.size == 0 or j1.size == 0:
        return None
    ci, ei, wi = _sum(p.cover, i1, i2), _sum(p.energy, i1, i2), _sum(p.cost, i1, i2)
    cj, ej, wj = _sum(p.cover, j1, j2), _sum(p.energy, j1, j2), _sum(p.cost, j1, j2)
    found = None
    for lo in range(0, ci.size, 128):
        sl = slice(lo, lo + 128)
        ok = cj[None, :] >= (ci[sl] - slack)[:, None]
        ok &= ej[None, :] >= (ei[sl] - eslack)[:, None]
        delta = np.where(ok, wj[None, :] - wi[sl, None], np.inf)
        k = int(np.argmin(delta))
        if float(delta.flat[k]) < threshold:
            threshold = float(delta.flat[k])
            a, b = lo + k // cj.size, k % cj.size
            found = (threshold, (int(i1[a]), int(i2[a])), (int(j1[b]), int(j2[b])))
    return found


def local_search(p: Problem, x: np.ndarray, deadline: float, target: float, lower: float,
                 rng: np.random.Generator) -> np.ndarray:
    """Swaps of one or two chosen binary pairs for one or two unused ones of the same line.

    A swap keeps every requirement met when the line's slack and the energy slack stay
    non-negative. Lines are visited from the largest relative surplus; in each, the swap that
    lowers the objective most is applied (one-for-one first, then sets of two; pairs are
    sampled when there are many), unneeded pairs are dropped, and the search repeats. It stops
    at ``deadline``, when the objective is within ``target`` of ``lower``, or when no swap helps.
    """
    x = x.copy()
    n_src = int(p.source.max()) + 1
    while time.perf_counter() < deadline:
        obj = float(p.cost @ x)
        if obj - lower <= target * max(abs(obj), _ZERO):
            break
        d, de = p.deficit(x)
        slack = np.where(p.need > 0, -d + FEAS_TOL * np.maximum(p.need, 1.0), np.inf)
        eslack = -de + FEAS_TOL * max(p.energy_need, 1.0) if p.energy_need > 0 else np.inf
        used = np.bincount(p.source, weights=x, minlength=n_src) > 1e-9
        chosen = (x > 0.5) & p.integer
        free = (x < 0.5) & p.integer & ~used[p.source]
        lines = np.unique(p.line[chosen])
        rel = np.where(p.need[lines] > 0, -d[lines] / np.maximum(p.need[lines], _ZERO), 0.0)
        move = None
        threshold = -_ZERO * max(abs(obj), 1.0)
        for pairs in (False, True):
            for li in lines[np.argsort(-rel, kind="stable")].tolist():
                move = _best_swap(p, p.line == li, chosen, free, float(slack[li]), eslack, pairs,
                                  rng, threshold)
                if move is not None or time.perf_counter() > deadline:
                    break
            if move is not None:
                break
        if move is None:
            break
        for j in move[1]:
            if j >= 0:
                x[j] = 0.0
        for j in move[2]:
            if j >= 0:
                x[j] = 1.0
        x = drop_redundant(p, x)
    return x


# ---------------------------------------------------------------------------------------------
# LP rounding and shortfall


def _round(p: Problem, x_lp: np.ndarray, rc: np.ndarray) -> np.ndarray | None:
    """Round the LP solution: keep integral pairs, then complete with the most fractional ones."""
    x = np.where(p.integer, np.floor(x_lp + 1e-9), x_lp)
    rest = np.flatnonzero(p.integer & (x < 0.5))
    order = rest[np.lexsort((rc[rest], -x_lp[rest]))]
    taken = np.bincount(p.source, weights=x, minlength=int(p.source.max()) + 1) > 1e-9
    d, de = p.deficit(x)
    need = d.copy()
    eneed = de
    for j in order.tolist():
        if (need <= FEAS_TOL * np.maximum(p.need, 1.0)).all() and eneed <= FEAS_TOL * max(p.energy_need, 1.0):
            break
        s, li = p.source[j], p.line[j]
        if taken[s]:
            continue
        if need[li] <= 0 and eneed <= 0:
            continue
        x[j] = 1.0
        taken[s] = True
        need[li] -= p.cover[j]
        eneed -= p.energy[j]
    return x if p.feasible(x) else None


def shortfall(p: Problem) -> tuple[np.ndarray, float]:
    """Least capacity per line and energy still missing with every pair available (LP).

    Minimises the missing amounts, each relative to its requirement, allowing fractions, so it
    is what cannot be covered even in the best case (`tanfeng._milp.shortfall` on the rows).
    """
    u = _shortfall(p)
    lines = np.zeros(p.need.size)
    keep = np.flatnonzero(p.need > 0)
    lines[keep] = u[: keep.size]
    energy = float(u[keep.size]) if p.energy_need > 0 else 0.0
    return lines, energy
