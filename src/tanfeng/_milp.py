"""The one HiGHS path for selection problems: :func:`tanfeng.swap.plan` and
:func:`tanfeng.targets.whatif` both solve through :func:`solve`.

A *selection problem* chooses variables ``x`` in [0, 1] (binary where ``integer``):

* covering rows ``A x >= b`` (capacity of a line, energy to free, CO2 to cut, a town's minimum);
* packing rows ``P x <= u`` (a budget, a town's cap), optional;
* groups: ``sum(x[j] for j of group g) <= 1`` (a source used once, one action per enterprise);
* minimise ``cost @ x``.

Each problem brings its own heuristics (a greedy order, a clean-up, LP rounding, a local search)
through the :class:`SelectionProblem` protocol; this module runs the shared proof, cheapest first
(every stage keeps the best solution so far, so the result is never worse than the greedy one):

1. the greedy start and its clean-up;
2. a lower bound known in advance (``lower_bound``);
3. the LP relaxation by column generation (HiGHS): a bound, duals, reduced costs, a rounded
   solution, then the problem's local search;
4. reduced-cost fixing: with incumbent ``U`` and LP bound ``B``, a binary whose reduced cost
   exceeds ``U - B`` takes its LP value in every solution better than ``U``, so it is fixed;
   the remaining *core* goes to ``scipy.optimize.milp`` with the time left and the gap asked.

The gap reported is ``(objective - bound) / objective`` with the best proven bound; the status
is ``optimal`` (gap within ``mip_rel_gap``), ``time_limit`` or ``infeasible`` (proved by HiGHS).
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

import numpy as np
from scipy import sparse

__all__ = ["DEFAULT_MIP_REL_GAP", "DEFAULT_TIME_LIMIT", "FEAS_TOL", "MAX_CORE", "SelectionProblem", "Solution", "gap", "group_rows", "lp_relaxation",
           "shortfall", "solve"]

#: Relative gap at which a selection counts as proven optimal (``mip_rel_gap``).
DEFAULT_MIP_REL_GAP = 1e-4
#: Seconds a selection may take before the best found is returned with its proven gap.
DEFAULT_TIME_LIMIT = 1.5
#: Relative feasibility tolerance on the requirements.
FEAS_TOL = 1e-9
#: Largest core handed to ``milp`` (bigger cores are not solved in the time a plan has).
MAX_CORE = 4000
_ZERO = 1e-12

Status = Literal["optimal", "time_limit", "infeasible"]


class SelectionProblem(Protocol):
    """What :func:`solve` needs from a problem: its arrays, rows and heuristics."""

    cost: np.ndarray
    integer: np.ndarray
    lower_bound: float

    @property
    def m(self) -> int: ...

    @property
    def group(self) -> np.ndarray: ...

    def rows(self) -> tuple[sparse.csr_array, np.ndarray]:
        """Covering rows ``A x >= b`` (only rows with something to cover)."""

    def packing(self) -> tuple[sparse.csr_array, np.ndarray] | None:
        """Packing rows ``P x <= u`` (None when there are none)."""

    def feasible(self, x: np.ndarray) -> bool: ...

    def greedy(self, order: np.ndarray) -> np.ndarray | None: ...

    def drop_redundant(self, x: np.ndarray) -> np.ndarray: ...

    def lp_start(self) -> np.ndarray:
        """Variables the column-generation LP starts from."""

    def round(self, x_lp: np.ndarray, rc: np.ndarray) -> np.ndarray | None: ...

    def improve(self, x: np.ndarray, deadline: float, target: float, lower: float,
                rng: np.random.Generator) -> np.ndarray:
        """Local search from ``x`` until ``deadline`` or within ``target`` of ``lower``."""


@dataclass
class Solution:
    """What :func:`solve` found, with its proof.

    ``duals`` are the LP relaxation's shadow prices (covering rows, then packing rows; ≥ 0,
    objective units per unit of the row), None when no LP was solved. ``greedy_x`` is the
    greedy start as found (before its clean-up), None when greedy found nothing.
    """

    x: np.ndarray | None
    objective: float
    bound: float
    gap: float
    status: Status
    message: str
    seconds: float
    greedy_objective: float
    stages: dict[str, Any] = field(default_factory=dict)
    duals: np.ndarray | None = None
    greedy_x: np.ndarray | None = None


def gap(obj: float, bound: float) -> float:
    """Relative gap ``(obj - bound) / obj`` (0 when closed, inf without a solution)."""
    if not np.isfinite(obj):
        return np.inf
    if obj - bound <= _ZERO * max(abs(obj), 1.0):
        return 0.0
    return float((obj - bound) / max(abs(obj), _ZERO))


def group_rows(group: np.ndarray, cols: np.ndarray | None = None) -> tuple[sparse.csr_array | None, np.ndarray]:
    """``sum(x over a group) <= 1`` for groups with more than one variable, and their group codes."""
    src = group if cols is None else group[cols]
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


# ---------------------------------------------------------------------------------------------
# LP relaxation


def _restricted_lp(p: SelectionProblem, A: sparse.csc_array, b: np.ndarray, cols: np.ndarray) -> Any:
    from scipy.optimize import linprog

    blocks = [-A[:, cols]]
    rhs = [-b]
    pk = p.packing()
    if pk is not None:
        blocks.append(sparse.csr_array(pk[0])[:, cols])
        rhs.append(pk[1])
    S, _ = group_rows(p.group, cols)
    if S is not None:
        blocks.append(S)
        rhs.append(np.ones(S.shape[0]))
    A_ub = blocks[0] if len(blocks) == 1 else sparse.vstack(blocks).tocsr()
    return linprog(p.cost[cols], A_ub=A_ub, b_ub=np.concatenate(rhs), bounds=(0, 1), method="highs-ipm")


def lp_relaxation(p: SelectionProblem, start: np.ndarray,
                  deadline: float) -> tuple[int, np.ndarray, float, np.ndarray, np.ndarray]:
    """LP relaxation by column generation: ``(status, x, value, reduced costs, duals)``.

    The restricted LP starts from ``start``; variables with a negative reduced cost are added
    until none is left, so the value is the LP optimum of the whole problem. Status 0 optimal,
    2 infeasible. ``duals``: shadow prices of the covering rows, then of the packing rows.
    """
    A, b = p.rows()
    A = A.tocsc()
    pk = p.packing()
    P = None if pk is None else sparse.csr_array(pk[0])
    n_pack = 0 if pk is None else pk[1].size
    n_cov = b.size
    cols = np.unique(start)
    everything = False
    while True:
        res = _restricted_lp(p, A, b, cols)
        if res.status == 2:
            if everything:
                return 2, np.zeros(p.m), np.inf, np.zeros(p.m), np.zeros(n_cov + n_pack)
            cols = np.arange(p.m)
            everything = True
            continue
        if res.x is None:
            raise RuntimeError(f"HiGHS could not solve the LP relaxation: {res.message}")
        marg = np.asarray(res.ineqlin.marginals)
        y = -marg[:n_cov]
        z_pack = marg[n_cov:n_cov + n_pack]  # <= 0
        z_src = np.zeros(int(p.group.max()) + 1)
        _, row_src = group_rows(p.group, cols)
        if row_src.size:
            z_src[row_src] = marg[n_cov + n_pack:]
        rc = p.cost - A.T @ y - z_src[p.group]
        if P is not None:
            rc = rc - P.T @ z_pack
        scale = max(float(np.abs(p.cost).max()), _ZERO)
        outside = np.ones(p.m, dtype=bool)
        outside[cols] = False
        neg = np.flatnonzero(outside & (rc < -1e-9 * scale))
        if neg.size == 0 or everything or time.perf_counter() > deadline:
            if neg.size and not everything:  # out of time: finish on every variable
                cols = np.arange(p.m)
                everything = True
                continue
            x = np.zeros(p.m)
            x[cols] = res.x
            return 0, x, float(res.fun), rc, np.concatenate([y, -z_pack])
        k = max(500, cols.size)
        add = neg[np.argsort(rc[neg], kind="stable")[:k]]
        cols = np.union1d(cols, add)


# ---------------------------------------------------------------------------------------------
# the core MILP


def _milp(p: SelectionProblem, free: np.ndarray, fixed1: np.ndarray, time_limit: float, rel_gap: float,
          cutoff: float) -> tuple[np.ndarray | None, float, str, int | None]:
    """Solve the core (``free`` variables) with ``scipy.optimize.milp``; fixed ones at 1 are given."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    A, b = p.rows()
    x1 = np.zeros(p.m)
    x1[fixed1] = 1.0
    b_core = b - A @ x1
    Ac = A[:, free]
    cons = [LinearConstraint(Ac, b_core - np.abs(b_core) * FEAS_TOL, np.inf)]
    pk = p.packing()
    if pk is not None:
        P = sparse.csr_array(pk[0])
        cons.append(LinearConstraint(P[:, free], -np.inf, pk[1] - P @ x1 + np.abs(pk[1]) * FEAS_TOL))
    S, _ = group_rows(p.group)
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


def shortfall(p: SelectionProblem) -> np.ndarray:
    """Least amount still missing on each covering row with every variable available (LP).

    Minimises the missing amounts, each relative to its requirement, allowing fractions and
    respecting packing rows and groups, so it is what cannot be covered even in the best case.
    Rows are those of ``p.rows()``; amounts within the feasibility tolerance are 0.
    """
    from scipy.optimize import linprog

    A, b = p.rows()
    k = b.size
    blocks = [-sparse.hstack([A, sparse.eye_array(k)]).tocsr()]
    rhs = [-b]
    pk = p.packing()
    if pk is not None:
        blocks.append(sparse.hstack([sparse.csr_array(pk[0]), sparse.csr_array((pk[1].size, k))]).tocsr())
        rhs.append(pk[1])
    S, _ = group_rows(p.group)
    if S is not None:
        blocks.append(sparse.hstack([S, sparse.csr_array((S.shape[0], k))]).tocsr())
        rhs.append(np.ones(S.shape[0]))
    A_ub = blocks[0] if len(blocks) == 1 else sparse.vstack(blocks).tocsr()
    c = np.concatenate([np.zeros(p.m), 1.0 / b])
    bounds = np.column_stack([np.zeros(p.m + k), np.concatenate([np.ones(p.m), np.full(k, np.inf)])])
    res = linprog(c, A_ub=A_ub, b_ub=np.concatenate(rhs), bounds=bounds, method="highs")
    u = res.x[p.m:] if res.x is not None else b.copy()
    return np.where(u <= FEAS_TOL * np.maximum(b, 1.0), 0.0, u)


# ---------------------------------------------------------------------------------------------
# the shared path


def _neighbourhood(p: SelectionProblem, x_lp: np.ndarray, rc: np.ndarray, k: int, time_limit: float,
                   rel_gap: float, best: float) -> np.ndarray | None:
    """A better incumbent from the LP's neighbourhood: the ``k`` integer variables closest to
    entering (fractional, then the smallest ``|reduced cost|``) are free, the rest keep their
    LP value (1 if whole at 1, else 0); ``milp`` solves that small problem."""
    lp1 = x_lp > 1 - 1e-6
    frac = p.integer & ~lp1 & (x_lp > 1e-6)
    score = np.where(frac, -1.0, np.abs(rc))
    score = np.where(p.integer, score, -2.0)  # continuous variables stay free
    free = np.sort(np.argsort(score, kind="stable")[:k])
    is_free = np.zeros(p.m, dtype=bool)
    is_free[free] = True
    fixed1 = np.flatnonzero(lp1 & ~is_free)
    fixed_cost = float(p.cost[fixed1].sum())
    cutoff = best - fixed_cost - 1e-9 * max(abs(best), 1.0) if np.isfinite(best) else np.inf
    # the gap asked is relative to the whole objective, the sub-problem sees only its part
    core = cutoff if np.isfinite(cutoff) else float(np.abs(p.cost[free]).sum())
    rel = min(max(rel_gap * (best if np.isfinite(best) else core) / max(core, _ZERO), 1e-9), 1.0)
    x, _, _, _ = _milp(p, free, fixed1, time_limit, rel, cutoff)
    return x if x is not None and p.feasible(x) else None


def _fix_by_reduced_cost(p: SelectionProblem, rc: np.ndarray, best: float,
                         lp_val: float) -> tuple[np.ndarray, np.ndarray]:
    """Free and fixed-at-1 variables after reduced-cost fixing against the incumbent ``best``."""
    slack = best - lp_val if np.isfinite(best) else np.inf
    eps = 1e-9 * max(abs(best), 1.0) if np.isfinite(best) else 0.0
    fix0 = p.integer & (rc > slack + eps)
    fix1 = p.integer & (rc < -(slack + eps)) & ~fix0
    if fix1.any():  # the other variables of a group fixed at 1 are fixed at 0
        s1 = np.zeros(int(p.group.max()) + 1, dtype=bool)
        s1[p.group[fix1]] = True
        fix0 |= s1[p.group] & ~fix1
    return np.flatnonzero(~(fix0 | fix1)), np.flatnonzero(fix1)


def _core(p: SelectionProblem, free: np.ndarray, fixed1: np.ndarray, best: float, best_x: np.ndarray | None,
          bound: float, deadline: float, max_core: int, mip_rel_gap: float,
          stages: dict[str, Any]) -> tuple[float, np.ndarray | None, float, str]:
    """The core MILP after reduced-cost fixing: ``(best, best_x, bound, message)``."""
    stages["core_size"] = int(free.size)
    fixed_cost = float(p.cost[fixed1].sum())
    msg = "core too large for the time left" if free.size > max_core else "out of time before the MILP"
    remaining = deadline - time.perf_counter()
    eps = 1e-9 * max(abs(best), 1.0) if np.isfinite(best) else 0.0
    if free.size == 0:
        x = np.zeros(p.m)
        x[fixed1] = 1.0
        if p.feasible(x) and float(p.cost @ x) < best:
            best, best_x = float(p.cost @ x), x
        bound = max(bound, best)  # the fixed vector was the only candidate better than the incumbent
    elif remaining > 0.02 and free.size <= max_core:
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
    return best, best_x, bound, msg


def solve(p: SelectionProblem, order: np.ndarray, *, mip_rel_gap: float = DEFAULT_MIP_REL_GAP,
          time_limit: float = DEFAULT_TIME_LIMIT, seed: int = 0, max_core: int = MAX_CORE,
          search_share: float = 0.5, neighbourhood: int = 0) -> Solution:
    """Best selection for ``p`` within ``mip_rel_gap`` or ``time_limit`` seconds (see module doc).

    ``order`` is the priority of the greedy start; ``max_core`` the largest core handed to
    ``milp``; ``search_share`` the share of ``time_limit`` the local search may use at most;
    ``neighbourhood`` > 0: when the core is larger than ``max_core``, first search the LP's
    neighbourhood of that many variables with ``milp`` for a better incumbent, which shrinks
    the core (see :func:`_neighbourhood`).
    """
    t0 = time.perf_counter()
    deadline = t0 + time_limit
    stages: dict[str, Any] = {}
    rng = np.random.default_rng(seed)

    xg = p.greedy(order)
    g_obj = float(p.cost @ xg) if xg is not None else np.inf
    stages["greedy"] = g_obj
    best_x = p.drop_redundant(xg) if xg is not None else None
    best = float(p.cost @ best_x) if best_x is not None else np.inf
    bound = p.lower_bound
    duals: np.ndarray | None = None
    integral = bool(np.all(p.integer) and np.all(p.cost == np.round(p.cost)))

    def done() -> bool:
        nonlocal bound
        if integral and np.isfinite(bound):  # integer costs: the objective is a whole number
            bound = max(bound, float(np.ceil(bound - 1e-6)))
        return gap(best, bound) <= mip_rel_gap

    def result(status: Status, message: str) -> Solution:
        return Solution(best_x, best, bound, gap(best, bound), status, message,
                        time.perf_counter() - t0, g_obj, stages, duals, xg)

    if done():
        return result("optimal", "proven by the a-priori bound")

    status, x_lp, lp_val, rc, duals = lp_relaxation(p, p.lp_start(), deadline)
    if status == 2:
        return Solution(None, np.inf, np.inf, np.inf, "infeasible", "LP relaxation infeasible",
                        time.perf_counter() - t0, g_obj, stages, None, xg)
    bound = max(bound, lp_val)
    stages["lp_bound"] = lp_val
    xr = p.round(x_lp, rc)
    if xr is not None:
        xr = p.drop_redundant(xr)
        r_obj = float(p.cost @ xr)
        stages["lp_rounding"] = r_obj
        if r_obj < best:
            best, best_x = r_obj, xr
    if best_x is not None and not done():
        best_x = p.improve(best_x, min(deadline, time.perf_counter() + search_share * time_limit),
                           mip_rel_gap, bound, rng)
        best = float(p.cost @ best_x)
        stages["local_search"] = best
    if done():
        how = "proven by the LP bound" if lp_val > p.lower_bound + 1e-12 else "proven by the a-priori bound"
        return result("optimal", how)

    free, fixed1 = _fix_by_reduced_cost(p, rc, best, lp_val)
    if free.size > max_core and neighbourhood > 0 and deadline - time.perf_counter() > 0.05:
        t_n = time.perf_counter()  # too large to prove: first a better incumbent, a smaller core
        xn = _neighbourhood(p, x_lp, rc, neighbourhood, 0.7 * (deadline - t_n), mip_rel_gap / 4, best)
        if xn is not None and float(p.cost @ xn) < best:
            best, best_x = float(p.cost @ xn), xn
        stages["neighbourhood"] = best
        stages["neighbourhood_seconds"] = time.perf_counter() - t_n
        if done():
            return result("optimal", "proven by the LP bound")
        free, fixed1 = _fix_by_reduced_cost(p, rc, best, lp_val)
    best, best_x, bound, msg = _core(p, free, fixed1, best, best_x, bound, deadline, max_core, mip_rel_gap, stages)
    if best_x is None:  # infeasible only when HiGHS proved it; otherwise out of time
        proven = "infeasible" in msg.lower()
        return Solution(None, np.inf, bound, np.inf, "infeasible" if proven else "time_limit", msg,
                        time.perf_counter() - t0, g_obj, stages, duals, xg)
    return result("optimal" if done() else "time_limit", msg)
