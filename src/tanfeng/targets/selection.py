"""The what-if selection problem in arrays, solved on the shared HiGHS path (`tanfeng._milp`).

One binary variable per eligible candidate action (淘汰 / 整治):

* covering rows ``A x >= b``: energy freed, CO2 cut, and each town's minimums;
* packing rows ``P x <= u``: the budget and each town's caps;
* groups: at most one action per enterprise;
* minimise ``cost @ x`` (万元, people affected, or a weighted sum).

The heuristics :func:`tanfeng._milp.solve` calls: a greedy start (cheapest per share of what is
still needed), a clean-up dropping actions no longer needed, and LP rounding.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

from .._milp import FEAS_TOL

__all__ = ["ActionProblem", "greedy_order"]


@dataclass
class ActionProblem:
    """Covering rows ``A x >= b``, packing rows ``P x <= u``, one action per ``group``."""

    cost: np.ndarray
    A: np.ndarray
    b: np.ndarray
    P: np.ndarray
    u: np.ndarray
    enterprise: np.ndarray
    lower_bound: float = 0.0

    def __post_init__(self) -> None:
        self.integer = np.ones(self.cost.size, dtype=bool)
        self._At = np.ascontiguousarray(self.A.T)  # one contiguous row per action
        self._Pt = np.ascontiguousarray(self.P.T)

    @property
    def m(self) -> int:
        return int(self.cost.size)

    @property
    def group(self) -> np.ndarray:
        return self.enterprise

    def rows(self) -> tuple[sparse.csr_array, np.ndarray]:
        return sparse.csr_array(self.A), self.b

    def packing(self) -> tuple[sparse.csr_array, np.ndarray] | None:
        return (sparse.csr_array(self.P), self.u) if self.u.size else None

    def _tol(self) -> tuple[np.ndarray, np.ndarray]:
        return FEAS_TOL * np.maximum(np.abs(self.b), 1.0), FEAS_TOL * np.maximum(np.abs(self.u), 1.0)

    def feasible(self, x: np.ndarray) -> bool:
        tb, tu = self._tol()
        used = np.bincount(self.enterprise, weights=x)
        return bool(np.all(self.A @ x >= self.b - tb) and np.all(self.P @ x <= self.u + tu)
                    and np.all(used <= 1 + 1e-9))

    def _fill(self, x: np.ndarray, order: np.ndarray) -> np.ndarray | None:
        """Add actions in ``order`` to ``x`` while a requirement is unmet: an action is taken when
        its enterprise has none yet, it helps an unmet row and every cap still holds."""
        tb, tu = self._tol()
        need = self.b - self.A @ x - tb
        room = self.u - self.P @ x + tu
        used = np.bincount(self.enterprise, weights=x, minlength=int(self.enterprise.max()) + 1) > 0.5
        At, Pt, ent = self._At, self._Pt, self.enterprise
        for j in order.tolist():
            if not (need > 0).any():
                return x
            if used[ent[j]] or not (At[j][need > 0] > 0).any():
                continue
            if room.size and (Pt[j] > room).any():
                continue
            x[j] = 1.0
            used[ent[j]] = True
            need -= At[j]
            room -= Pt[j]
        return x if not (need > 0).any() else None

    def greedy(self, order: np.ndarray) -> np.ndarray | None:
        return self._fill(np.zeros(self.m), order)

    def drop_redundant(self, x: np.ndarray) -> np.ndarray:
        """Drop chosen actions, most costly first, while every requirement stays met."""
        x = x.copy()
        tb, _ = self._tol()
        slack = self.A @ x - self.b + tb
        chosen = np.flatnonzero(x > 0.5)
        for j in chosen[np.argsort(-self.cost[chosen], kind="stable")].tolist():
            if (self._At[j] <= slack).all():
                slack -= self._At[j]
                x[j] = 0.0
        return x

    def round(self, x_lp: np.ndarray, rc: np.ndarray) -> np.ndarray | None:
        """Keep the LP's whole actions, complete with the most fractional ones, then greedily."""
        x = np.floor(x_lp + 1e-9)
        rest = np.flatnonzero(x < 0.5)
        order = rest[np.lexsort((rc[rest], -x_lp[rest]))]
        return self._fill(x, order)

    def improve(self, x: np.ndarray, deadline: float, target: float, lower: float,
                rng: np.random.Generator) -> np.ndarray:
        """No local search: the LP neighbourhood searched by ``milp`` finds better sets sooner."""
        return x

    def lp_start(self) -> np.ndarray:
        """The cheapest actions per share of every requirement, enough to cover each once."""
        order = greedy_order(self)
        x = self.greedy(order)
        start = [np.flatnonzero(x > 0.5)] if x is not None else [order[: min(self.m, 2000)]]
        for r in range(self.b.size):
            on = np.flatnonzero(self.A[r] > 0)
            on = on[np.argsort(self.cost[on] / self.A[r, on], kind="stable")]
            k = int(np.searchsorted(np.cumsum(self.A[r, on]), self.b[r])) + 1
            start.append(on[:k])
        return np.concatenate(start)


def greedy_order(p: ActionProblem) -> np.ndarray:
    """Cheapest first per share of what is needed: ``cost / Σ_r A[r] / b[r]``."""
    share = (p.A / np.maximum(p.b, 1e-300)[:, None]).sum(axis=0) if p.b.size else np.zeros(p.m)
    return np.argsort(p.cost / np.maximum(share, 1e-300), kind="stable")
