"""The optimisation engine behind :func:`tanfeng.swap.plan` (numpy + ``scipy.optimize``, HiGHS).

The problem: choose retired sources (退出产能) for the lines of a new project. Each *pair* (source
``s``, line ``l``) is a variable ``x`` in [0, 1] (binary unless the source may be split):

* capacity of each line: ``sum(cover[j] * x[j] for j on line l) >= need[l]``;
* energy of the project: ``sum(energy[j] * x[j]) >= energy_need``;
* a source is used once: ``sum(x[j] for j of source s) <= 1``;
* minimise ``sum(cost[j] * x[j])``.

How it is solved, cheapest proof first (every stage keeps the best solution found so far, so
the result is never worse than the greedy baseline):

1. the greedy baseline (sources in a given priority order until every requirement is met) and a
   clean-up that drops sources no longer needed;
2. a lower bound known in advance (for ``min_surplus``, the objective of an exact fit);
3. the LP relaxation (HiGHS simplex): a better bound, a rounded solution, and reduced costs;
4. a local search of one-for-one swaps inside a line that shrink the objective;
5. reduced-cost fixing: with incumbent ``U`` and LP bound ``B``, a binary whose reduced cost
   exceeds ``U - B`` takes its LP value in every solution better than ``U``, so it is fixed;
   the remaining *core* goes to ``scipy.optimize.milp`` with the time left and the gap asked.

The gap reported is ``(objective - bound) / objective`` with the best proven bound.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from scipy import sparse

__all__ = ["Problem", "Solution", "greedy", "shortfall", "solve"]

#: Relative feasibility tolerance on the requirements.
FEAS_TOL = 1e-9
#: The column-generation LP starts from the most efficient pairs covering this many times each
#: requirement.
START_COVER = 1.0
#: Unused pairs sampled per line in one local-search step (chosen pairs: a quarter of it).
SWAP_SAMPLE = 1024
#: Largest core handed to ``milp`` (bigger cores are not solved in the time a plan has).
MAX_CORE = 4000
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

    def source_rows(self, cols: np.ndarray | None = None) -> sparse.csr_array | None:
        """``sum(x over a source's pairs) <= 1`` for sources with more than one pair."""
        S, _ = self.source_rows_with_ids(cols)
        return S

    def source_rows_with_ids(self, cols: np.ndarray | None = None) -> tuple[sparse.csr_array | None, np.ndarray]:
        """The source rows and the source code of each row."""
        src = self.source if cols is None else self.source[cols]
        if src.size == 0:
            return None, np.zeros(0, dtype=int)
        uniq, inv, cnt = np.unique(src, return_inverse=True, return_counts=True)
        multi = cnt[inv] > 1
        if not multi.any():
            return None, np.zeros(0, dtype=int)
        rows_src, r = np.unique(inv[multi], return_inverse=True)
        S = sparse.csr_array((np.ones(int(multi.sum())), (r, np.flatnonzero(multi))),
                             shape=(rows_src.size, src.size))
        return S, uniq[rows_src]

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


@dataclass
class Solution:
    """What :func:`solve` found, with its proof."""

    x: np.ndarray | None
    objective: float
    bound: float
    gap: float
    status: Literal["optimal", "time_limit", "infeasible"]
    message: str
    seconds: float
    greedy_objective: float
    stages: dict[str, Any] = field(default_factory=dict)


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
# LP and MILP


def _restricted_lp(p: Problem, A: sparse.csc_array, b: np.ndarray, cols: np.ndarray) -> Any:
    from scipy.optimize import linprog

    Ac = A[:, cols]
    S = p.source_rows(cols)
    A_ub = -Ac if S is None else sparse.vstack([-Ac, S]).tocsr()
    b_ub = -b if S is None else np.concatenate([-b, np.ones(S.shape[0])])
    return linprog(p.cost[cols], A_ub=A_ub, b_ub=b_ub, bounds=(0, 1), method="highs-ipm")


def _lp(p: Problem, start: np.ndarray, deadline: float) -> tuple[int, np.ndarray, float, np.ndarray]:
    """LP relaxation by column generation: ``(status, x, value, reduced costs of every pair)``.

    The restricted LP starts from ``start`` (e.g. the greedy solution and the most efficient
    pairs); pairs with a negative reduced cost are added until none is left, so the value is
    the LP optimum of the whole problem. Status 0 optimal, 2 infeasible.
    """
    A, b = p.rows()
    A = A.tocsc()
    cols = np.unique(start)
    everything = False
    while True:
        res = _restricted_lp(p, A, b, cols)
        if res.status == 2:
            if everything:
                return 2, np.zeros(p.m), np.inf, np.zeros(p.m)
            cols = np.arange(p.m)
            everything = True
            continue
        if res.x is None:
            raise RuntimeError(f"HiGHS could not solve the LP relaxation: {res.message}")
        marg = np.asarray(res.ineqlin.marginals)
        y = -marg[: b.size]
        z_src = np.zeros(int(p.source.max()) + 1)
        _, row_src = p.source_rows_with_ids(cols)
        if row_src.size:
            z_src[row_src] = marg[b.size:]
        rc = p.cost - A.T @ y - z_src[p.source]
        scale = max(float(np.abs(p.cost).max()), _ZERO)
        outside = np.ones(p.m, dtype=bool)
        outside[cols] = False
        neg = np.flatnonzero(outside & (rc < -1e-9 * scale))
        if neg.size == 0 or everything or time.perf_counter() > deadline:
            if neg.size and not everything:  # out of time: finish on every pair
                cols = np.arange(p.m)
                everything = True
                continue
            x = np.zeros(p.m)
            x[cols] = res.x
            return 0, x, float(res.fun), rc
        k = max(500, cols.size)
        add = neg[np.argsort(rc[neg], kind="stable")[:k]]
        cols = np.union1d(cols, add)


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


def _milp(p: Problem, free: np.ndarray, fixed1: np.ndarray, time_limit: float, rel_gap: float,
          cutoff: float) -> tuple[np.ndarray | None, float, str, int | None]:
    """Solve the core (``free`` pairs) with ``scipy.optimize.milp``; fixed pairs at 1 are given."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    A, b = p.rows()
    x1 = np.zeros(p.m)
    x1[fixed1] = 1.0
    b_core = b - A @ x1
    Ac = A[:, free]
    cons = [LinearConstraint(Ac, b_core - np.abs(b_core) * FEAS_TOL, np.inf)]
    S = p.source_rows()
    if S is not None:
        cap = 1.0 - S @ x1
        cons.append(LinearConstraint(S[:, free], -np.inf, cap))
    w = p.cost[free]
    if np.isfinite(cutoff):  # objective cut-off: only solutions better than the incumbent
        cons.append(LinearConstraint(w[None, :], -np.inf, cutoff))
    options: dict[str, Any] = {"time_limit": max(time_limit, 0.05), "mip_rel_gap": rel_gap,
                               "presolve": False}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = milp(w, integrality=p.integer[free].astype(int), bounds=Bounds(0, 1),
                   constraints=cons, options=options)
    bound = res.get("mip_dual_bound")
    bound = float(bound) if bound is not None and np.isfinite(bound) else -np.inf
    if res.x is None:
        return None, bound, str(res.message), res.get("mip_node_count")
    x = np.zeros(p.m)
    x[fixed1] = 1.0
    x[free] = np.where(p.integer[free], np.round(res.x), np.clip(res.x, 0, 1))
    return x, bound, str(res.message), res.get("mip_node_count")


def shortfall(p: Problem) -> tuple[np.ndarray, float]:
    """Least capacity per line and energy still missing with every pair available (LP).

    Minimises the missing amounts, each relative to its requirement, allowing fractions, so it
    is what cannot be covered even in the best case.
    """
    from scipy.optimize import linprog

    A, b = p.rows()
    S = p.source_rows()
    k = b.size
    A_cov = sparse.hstack([A, sparse.eye_array(k)]).tocsr()
    A_ub = -A_cov
    b_ub = -b
    if S is not None:
        A_ub = sparse.vstack([A_ub, sparse.hstack([S, sparse.csr_array((S.shape[0], k))])]).tocsr()
        b_ub = np.concatenate([b_ub, np.ones(S.shape[0])])
    c = np.concatenate([np.zeros(p.m), 1.0 / b])
    bounds = np.column_stack([np.zeros(p.m + k), np.concatenate([np.ones(p.m), np.full(k, np.inf)])])
    res = linprog(c, A_ub=A_ub, b_ub=b_ub, bounds=bounds, method="highs")
    u = res.x[p.m:] if res.x is not None else b.copy()
    lines = np.zeros(p.need.size)
    keep = np.flatnonzero(p.need > 0)
    lines[keep] = u[: keep.size]
    energy = float(u[keep.size]) if p.energy_need > 0 else 0.0
    lines = np.where(lines <= FEAS_TOL * np.maximum(p.need, 1.0), 0.0, lines)
    return lines, (0.0 if energy <= FEAS_TOL * max(p.energy_need, 1.0) else energy)


def _gap(obj: float, bound: float) -> float:
    if not np.isfinite(obj):
        return np.inf
    if obj - bound <= _ZERO * max(abs(obj), 1.0):
        return 0.0
    return float((obj - bound) / max(abs(obj), _ZERO))


def solve(p: Problem, order: np.ndarray, *, mip_rel_gap: float = 1e-4, time_limit: float = 1.5,
          seed: int = 0) -> Solution:
    """Best selection for ``p`` within ``mip_rel_gap`` or ``time_limit`` seconds (see module doc)."""
    t0 = time.perf_counter()
    deadline = t0 + time_limit
    stages: dict[str, Any] = {}
    rng = np.random.default_rng(seed)

    xg = greedy(p, order)
    g_obj = float(p.cost @ xg) if xg is not None else np.inf
    stages["greedy"] = g_obj
    best_x = drop_redundant(p, xg) if xg is not None else None
    best = float(p.cost @ best_x) if best_x is not None else np.inf
    bound = p.lower_bound
    msg = "greedy"

    integral = bool(np.all(p.integer) and np.all(p.cost == np.round(p.cost)))

    def done() -> bool:
        nonlocal bound
        if integral and np.isfinite(bound):  # integer costs: the objective is a whole number
            bound = max(bound, float(np.ceil(bound - 1e-6)))
        return _gap(best, bound) <= mip_rel_gap

    def result(status: Literal["optimal", "time_limit", "infeasible"], message: str) -> Solution:
        return Solution(best_x, best, bound, _gap(best, bound), status, message,
                        time.perf_counter() - t0, g_obj, stages)

    if done():
        return result("optimal", "proven by the a-priori bound")

    # LP relaxation, starting from the most efficient pairs of every requirement (twice the need)
    start: list[np.ndarray] = []
    eff = p.cost / np.maximum(p.cover, _ZERO)
    for li in np.flatnonzero(p.need > 0).tolist():
        on = np.flatnonzero(p.line == li)
        on = on[np.argsort(eff[on], kind="stable")]
        k = int(np.searchsorted(np.cumsum(p.cover[on]), START_COVER * p.need[li])) + 1
        start.append(on[:k])
    if p.energy_need > 0:
        on = np.argsort(p.cost / np.maximum(p.energy, _ZERO), kind="stable")
        k = int(np.searchsorted(np.cumsum(p.energy[on]), START_COVER * p.energy_need)) + 1
        start.append(on[:k])
    status, x_lp, lp_val, rc = _lp(p, np.concatenate(start) if start else np.arange(min(p.m, 1)), deadline)
    if status == 2:
        return Solution(None, np.inf, np.inf, np.inf, "infeasible", "LP relaxation infeasible",
                        time.perf_counter() - t0, g_obj, stages)
    bound = max(bound, lp_val)
    stages["lp_bound"] = lp_val
    xr = _round(p, x_lp, rc)
    if xr is not None:
        xr = drop_redundant(p, xr)
        r_obj = float(p.cost @ xr)
        stages["lp_rounding"] = r_obj
        if r_obj < best:
            best, best_x = r_obj, xr
    if best_x is not None and not done():
        best_x = local_search(p, best_x, min(deadline, time.perf_counter() + 0.5 * time_limit),
                              mip_rel_gap, bound, rng)
        best = float(p.cost @ best_x)
        stages["local_search"] = best
    if done():
        how = "proven by the LP bound" if lp_val > p.lower_bound + 1e-12 else "proven by the a-priori bound"
        return result("optimal", how)

    # reduced-cost fixing against the incumbent, then the core MILP
    slack = best - lp_val if np.isfinite(best) else np.inf
    eps = 1e-9 * max(abs(best), 1.0) if np.isfinite(best) else 0.0
    fix0 = p.integer & (rc > slack + eps)
    fix1 = p.integer & (rc < -(slack + eps)) & ~fix0
    if fix1.any():  # the other pairs of a source fixed at 1 are fixed at 0
        s1 = np.zeros(int(p.source.max()) + 1, dtype=bool)
        s1[p.source[fix1]] = True
        fix0 |= s1[p.source] & ~fix1
    free = np.flatnonzero(~(fix0 | fix1))
    fixed1 = np.flatnonzero(fix1)
    stages["core_size"] = int(free.size)
    fixed_cost = float(p.cost[fixed1].sum())
    msg = "core too large for the time left" if free.size > MAX_CORE else "out of time before the MILP"
    remaining = deadline - time.perf_counter()
    if free.size == 0:
        x = np.zeros(p.m)
        x[fixed1] = 1.0
        if p.feasible(x) and float(p.cost @ x) < best:
            best, best_x = float(p.cost @ x), x
        bound = max(bound, best)  # the fixed vector was the only candidate better than the incumbent
    elif remaining > 0.02 and free.size <= MAX_CORE:
        target_abs = mip_rel_gap * (best if np.isfinite(best) else 1.0)
        core_obj = (best - fixed_cost) if np.isfinite(best) else np.inf
        rel = min(max(target_abs / max(core_obj, _ZERO), 1e-9), 1.0) if np.isfinite(core_obj) else mip_rel_gap
        cutoff = core_obj + eps if np.isfinite(core_obj) else np.inf
        xm, cb, msg, nodes = _milp(p, free, fixed1, remaining, rel, cutoff)
        stages["milp"] = {"message": msg, "nodes": nodes, "core_bound": cb + fixed_cost}
        if xm is not None and p.feasible(xm) and float(p.cost @ xm) < best:
            best, best_x = float(p.cost @ xm), xm
        if "infeasible" in msg.lower() and np.isfinite(best):
            bound = max(bound, best)  # nothing better than the incumbent exists
        elif np.isfinite(cb):
            bound = max(bound, min(best, cb + fixed_cost))
    if best_x is None:  # infeasible only when HiGHS proved it; otherwise out of time
        proven = "infeasible" in msg.lower()
        return Solution(None, np.inf, bound, np.inf, "infeasible" if proven else "time_limit", msg,
                        time.perf_counter() - t0, g_obj, stages)
    return result("optimal" if done() else "time_limit", msg)
