"""`whatif`: which candidate closures (淘汰) and upgrades (整治提升) meet what remains of the
targets at the least cost or disruption (情景测算), on the HiGHS path shared with `swap.plan`."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any, Literal

import numpy as np
import pandas as pd

from .._milp import DEFAULT_MIP_REL_GAP, DEFAULT_TIME_LIMIT, group_rows, shortfall, solve
from .._resources import normalize_name
from ..cells import get_language, say
from ._common import _to_date
from .candidates import read_candidates, read_limits
from .outcome import WhatIf
from .selection import ActionProblem, greedy_order
from .tracker import Tracker

__all__ = ["OBJECTIVES", "whatif"]

#: Objectives by name; a mapping ``{"cost": w1, "jobs": w2}`` gives a weighted sum.
OBJECTIVES: dict[str, dict[str, float]] = {"cost": {"cost": 1.0}, "jobs": {"jobs": 1.0}}
#: Each measure's name (a text of ``factors/rules/texts/whatif.csv``) and unit.
_NAME = {"energy_freed_tce": "whatif_energy_freed_tce", "co2_reduced_t": "whatif_co2_reduced_t",
         "cost": "whatif_cost", "jobs": "whatif_jobs", "actions": "whatif_actions"}
_UNIT = {"energy_freed_tce": "tce", "co2_reduced_t": "tCO2", "cost": "万元", "jobs": "人", "actions": "项"}


def _name(measure: str, lang: str) -> str:
    return say(_NAME[measure], lang)


_MIN_MEASURES = ("energy_freed_tce", "co2_reduced_t")
_MAX_MEASURES = ("energy_freed_tce", "co2_reduced_t", "cost", "jobs", "actions")
#: Variables of the LP's neighbourhood searched with ``milp`` for a better incumbent before the
#: proof (fractional ones and those of smallest reduced cost); measured on the 10 000-candidate
#: benchmark: 600 proves 1e-4 in about 0.7 s, 300 and 1 000 take longer.
NEIGHBOURHOOD = 600
#: Shadow prices below this share of the objective per unit of the row count as zero.
_DUAL_TOL = 1e-9


def _weights(objective: str | Mapping[str, float]) -> dict[str, float]:
    if isinstance(objective, str):
        if objective not in OBJECTIVES:
            raise ValueError(f"objective={objective!r}: use 'cost', 'jobs' or a mapping such as "
                             "{'cost': 1.0, 'jobs': 0.5}")
        return dict(OBJECTIVES[objective])
    w = {str(k): float(v) for k, v in objective.items()}
    if not w or set(w) - {"cost", "jobs"} or any(v < 0 or not math.isfinite(v) for v in w.values()):
        raise ValueError(f"objective={objective!r}: weights of 'cost' and/or 'jobs', each ≥ 0")
    return w


def _needs(tracker: Tracker | None, need_tce: float | None, need_co2: float | None,
           as_of: Any) -> tuple[float, float]:
    """Given needs win; otherwise what remains on the Tracker (never below 0)."""
    if tracker is not None and (need_tce is None or need_co2 is None):
        rem = tracker.progress(as_of)["remaining"]
        if need_tce is None:
            need_tce = float(rem.get("energy_freed_tce", math.nan))
        if need_co2 is None:
            need_co2 = float(rem.get("co2_reduced_t", math.nan))
    out = []
    for name, v in (("need_tce", need_tce), ("need_co2", need_co2)):
        v = 0.0 if v is None or math.isnan(v) else float(v)
        if not math.isfinite(v):
            raise ValueError(f"{name}={v!r}: give a finite number")
        out.append(max(v, 0.0))
    return out[0], out[1]


def _eligible(cand: pd.DataFrame, tracker: Tracker | None, deadline: dt.date | None, as_of: Any) -> np.ndarray:
    """Reason each candidate cannot be chosen ('' = eligible)."""
    problem = cand["problem"].astype(str).to_numpy()
    reason = np.where(cand["valid"].to_numpy(), "", np.char.add("invalid: ", problem.astype(str))).astype(object)
    if deadline is not None:
        last = pd.Period(pd.Timestamp(deadline), freq="M")
        late = np.array([e is not None and e > last for e in cand["earliest"]], dtype=bool)
        reason = np.where((reason == "") & late, f"too_late: 最早 {'{}'} 完成，晚于截止 {last}", reason)
        reason = np.array([r.replace("{}", str(e)) for r, e in zip(reason, cand["earliest"])], dtype=object)
    if tracker is not None:
        a = tracker.actions
        on = pd.Timestamp(tracker.progress(as_of)["as_of"].iloc[0])  # closed by then
        closed = {normalize_name(e) for e in
                  a.loc[a["valid"] & (a["action"] == "phase_out") & (a["date"] <= on), "enterprise"]}
        done = np.array([normalize_name(e) in closed for e in cand["enterprise"]], dtype=bool)
        reason = np.where((reason == "") & done, "already_closed: 已在 Tracker 中淘汰", reason)
    return reason


def _rows(cand: pd.DataFrame, elig: np.ndarray, need_tce: float, need_co2: float, town_min: pd.DataFrame,
          town_max: pd.DataFrame, budget: float | None,
          lang: str = "zh") -> tuple[list[dict[str, Any]], np.ndarray, np.ndarray]:
    """Constraint rows over the eligible candidates: metadata, covering block, packing block."""
    e = cand[elig]
    town = e["town"].to_numpy()
    vals = {m: np.nan_to_num(e[m].to_numpy(dtype=float)) for m in _MIN_MEASURES + ("cost", "jobs")}
    vals["actions"] = np.ones(len(e))
    meta: list[dict[str, Any]] = []
    cover: list[np.ndarray] = []
    pack: list[np.ndarray] = []

    def add(name: str, kind: str, measure: str, limit: float, coef: np.ndarray, where: Any = None) -> None:
        meta.append({"constraint": name, "kind": kind, "measure": measure, "town": where, "limit": float(limit)})
        (cover if kind == ">=" else pack).append(coef)

    if need_tce > 0:
        add(_name("energy_freed_tce", lang), ">=", "energy_freed_tce", need_tce, vals["energy_freed_tce"])
    if need_co2 > 0:
        add(_name("co2_reduced_t", lang), ">=", "co2_reduced_t", need_co2, vals["co2_reduced_t"])
    for t, row in town_min.iterrows():
        for m, v in row.items():
            if not math.isnan(v) and v > 0:
                add(f"{t} {_name(str(m), lang)} ≥", ">=", str(m), v, np.where(town == t, vals[str(m)], 0.0), t)
    if budget is not None:
        add(say("whatif_budget", lang), "<=", "cost", budget, vals["cost"])
    for t, row in town_max.iterrows():
        for m, v in row.items():
            if not math.isnan(v):
                add(f"{t} {_name(str(m), lang)} ≤", "<=", str(m), v, np.where(town == t, vals[str(m)], 0.0), t)
    meta = [r for r in meta if r["kind"] == ">="] + [r for r in meta if r["kind"] == "<="]
    n = len(e)
    A = np.vstack(cover) if cover else np.zeros((0, n))
    P = np.vstack(pack) if pack else np.zeros((0, n))
    return meta, A, P


def _max_alone(p: ActionProblem, r: int) -> float:
    """Most row ``r`` can reach within the caps, one action per enterprise (LP, an upper bound)."""
    from scipy import sparse
    from scipy.optimize import linprog

    S, _ = group_rows(p.group)
    blocks, rhs = [], []
    if p.u.size:
        blocks.append(sparse.csr_array(p.P))
        rhs.append(p.u)
    if S is not None:
        blocks.append(S)
        rhs.append(np.ones(S.shape[0]))
    if not blocks:  # every action of its own enterprise, no caps: take them all
        return float(p.A[r].sum())
    res = linprog(-p.A[r], A_ub=sparse.vstack(blocks).tocsr(), b_ub=np.concatenate(rhs), bounds=(0, 1),
                  method="highs")
    return float(-res.fun) if res.status == 0 else 0.0


def _shortfall_table(p: ActionProblem, meta: list[dict[str, Any]], lang: str = "zh") -> tuple[pd.DataFrame, str]:
    """Which requirements cannot be met, and by how much (LP: fractions allowed, so 'at least')."""
    cov = [m for m in meta if m["kind"] == ">="]
    rows = []
    for r, m in enumerate(cov):
        best = _max_alone(p, r) if p.m else 0.0
        if best < m["limit"] * (1 - 1e-9):
            rows.append({**m, "best_possible": best, "missing": m["limit"] - best, "alone": True})
    if not rows and p.m:  # each is reachable alone, not together
        miss = shortfall(p)
        rows = [{**cov[r], "best_possible": cov[r]["limit"] - miss[r], "missing": miss[r], "alone": False}
                for r in np.flatnonzero(miss > 0)]
    parts = say("cells_clause_separator", lang).join(
        say("whatif_part", lang, name=r["constraint"], limit=r["limit"], unit=_UNIT[r["measure"]],
            best=r["best_possible"], missing=r["missing"]) for r in rows)
    within = list(dict.fromkeys(say("whatif_budget_within", lang, v=m["limit"]) if m["town"] is None
                                else say("whatif_caps_within", lang) for m in meta if m["kind"] == "<="))
    caps = ("" if not within else say("whatif_within", lang, w=within[0]) if len(within) == 1
            else say("whatif_within_both", lang, a=within[0], b=within[1]))
    key = "whatif_whole" if not rows else ("whatif_alone" if rows[0]["alone"] else "whatif_together")
    msg = say(key, lang, caps=caps, parts=parts)
    cols = ["constraint", "measure", "town", "limit", "best_possible", "missing", "alone"]
    return pd.DataFrame(rows, columns=cols + ["kind"])[cols], msg


def _constraints(meta: list[dict[str, Any]], A: np.ndarray, P: np.ndarray, x: np.ndarray | None,
                 duals: np.ndarray | None, scale: float) -> pd.DataFrame:
    """Each constraint: limit, achieved by ``x``, slack, LP shadow price, binding."""
    M = np.vstack([A, P]) if len(meta) else np.zeros((0, 0))
    got = M @ x if x is not None and len(meta) else np.full(len(meta), np.nan)
    out = pd.DataFrame(meta, columns=["constraint", "kind", "measure", "town", "limit"])
    out["unit"] = [_UNIT[m] for m in out["measure"]]
    out["achieved"] = got
    out["slack"] = np.where(out["kind"] == ">=", got - out["limit"], out["limit"] - got)
    price = np.full(len(meta), np.nan) if duals is None else np.maximum(np.asarray(duals, dtype=float), 0.0)
    out["shadow_price"] = price
    # binding: loosening it would lower the (relaxed) objective — a positive LP shadow price
    out["binding"] = np.nan_to_num(price) > _DUAL_TOL * max(scale, 1.0)
    return out


def _totals(cand: pd.DataFrame, chosen: np.ndarray, greedy: np.ndarray, w: dict[str, float]) -> pd.DataFrame:
    rows = {}
    for name, mask in (("chosen", chosen), ("greedy", greedy)):
        c = cand[mask]
        rows[name] = {"n_actions": float(mask.sum()), "phase_out": float((c["action"] == "phase_out").sum()),
                      "upgrade": float((c["action"] == "upgrade").sum()),
                      **{m: float(np.nansum(c[m].to_numpy(dtype=float)))
                         for m in ("cost", "jobs", "energy_freed_tce", "co2_reduced_t")}}
        rows[name]["objective"] = sum(wt * rows[name][k] for k, wt in w.items())
    return pd.DataFrame.from_dict(rows, orient="index")


def whatif(candidates: pd.DataFrame, *, tracker: Tracker | None = None, need_tce: float | None = None,
           need_co2: float | None = None, as_of: Any = None,
           objective: str | Mapping[str, float] = "cost",
           town_min: pd.DataFrame | Mapping[str, float] | None = None,
           town_max: pd.DataFrame | Mapping[str, float] | None = None, budget: float | None = None,
           deadline: Any = None, mip_rel_gap: float = DEFAULT_MIP_REL_GAP,
           time_limit: float = DEFAULT_TIME_LIMIT, seed: int = 0, columns: Mapping[str, str] | None = None,
           errors: Literal["raise", "report"] = "raise") -> WhatIf:
    """Which closures and upgrades meet the rest of the target at the least cost (情景测算).

    One binary choice per candidate action, solved with ``scipy.optimize.milp`` (HiGHS) on the
    path `swap.plan` uses (greedy start, LP bound, reduced-cost fixing, core MILP, proven gap).

    Parameters
    ----------
    candidates : DataFrame
        One row per possible action, with the Tracker's headers (`ACTION_COLUMNS`: ``enterprise``
        企业名称, ``town`` 镇乡（街道）, ``action`` 淘汰/整治, ``energy_freed_tce`` 腾出用能 or
        before/after, ``co2_reduced_t`` 减少碳排放) plus ``cost`` (万元, 费用), ``jobs`` (people
        affected, 涉及人数) and optionally ``earliest`` (最早完成月份, e.g. 2023-06). An enterprise
        may appear in several rows (close it or upgrade it); at most one is chosen.
    tracker : Tracker, optional
        Gives what remains (``progress(as_of)["remaining"]``) when ``need_tce`` / ``need_co2``
        are not given, the deadline, and the enterprises already closed (not candidates).
    need_tce, need_co2 : float, optional
        Energy to free (tce) and CO2 to cut (tCO2); these win over the Tracker. 0: no constraint.
    objective : {"cost", "jobs"} or mapping
        Minimise the cost (万元), the people affected, or ``{"cost": w1, "jobs": w2}``.
    town_min, town_max : DataFrame or mapping, optional
        One row per town (镇乡（街道）) with the minimum it must still free (``energy_freed_tce``,
        ``co2_reduced_t``) or its caps (those, ``cost``, ``jobs``, ``actions``); a mapping
        ``{town: tce}`` means energy freed.
    budget : float, optional
        Total cost cap (万元).
    deadline : date, optional
        Actions whose ``earliest`` month is after the deadline's month cannot count. Default:
        the Tracker's energy indicator deadline (or the plan's end); none without a Tracker.
    as_of : date, optional
        The Tracker's date: what remains then, and which enterprises are closed by then.
    mip_rel_gap, time_limit, seed
        Stop when the proven gap is at most ``mip_rel_gap`` (default 1e-4) or after
        ``time_limit`` seconds (default 1.5) with the best set found — never worse than greedy.
    errors : {"raise", "report"}
        Bad rows raise one `InputError` listing each, or are kept as ineligible (``reason``).
        Messages and constraint names are in the language of `tanfeng.cells.set_language`.

    Returns
    -------
    WhatIf
        ``chosen``, ``totals`` (chosen vs greedy), ``constraints`` (with ``binding``), ``gap``,
        ``greedy_ratio``; when infeasible, ``shortfall`` and a ``message`` naming each target that
        cannot be met and by how much.

    Examples
    --------
    >>> import pandas as pd
    >>> cands = pd.DataFrame({"企业名称": ["甲", "甲", "乙", "丙"], "镇乡（街道）": ["店口镇"] * 4,
    ...     "类型": ["淘汰", "整治", "淘汰", "整治"], "腾出用能": [900, 400, 600, 500],
    ...     "减少碳排放": [1800, 800, 1200, 1000], "费用": [90, 20, 50, 30], "涉及人数": [40, 0, 25, 5]})
    >>> r = whatif(cands, need_tce=1200, need_co2=2400)
    >>> r.status, r.objective_value, sorted(r.chosen["enterprise"] + r.chosen["action"])
    ('optimal', 100.0, ['丙upgrade', '乙phase_out', '甲upgrade'])
    """
    w = _weights(objective)
    need_tce, need_co2 = _needs(tracker, need_tce, need_co2, as_of)
    if budget is not None and not (math.isfinite(budget) and budget >= 0):
        raise ValueError(f"budget={budget!r}: give a number ≥ 0 (万元)")
    mins = read_limits(town_min, "town minimums", _MIN_MEASURES) if town_min is not None else pd.DataFrame()
    caps = read_limits(town_max, "town caps", _MAX_MEASURES) if town_max is not None else pd.DataFrame()
    needed = ["energy_freed_tce", *w]
    if need_co2 > 0 or "co2_reduced_t" in mins or "co2_reduced_t" in caps:
        needed.append("co2_reduced_t")
    needed += [m for m in ("cost", "jobs") if (m == "cost" and budget is not None) or m in caps]
    cand, _ = read_candidates(candidates, list(dict.fromkeys(needed)), columns, errors)
    if deadline is None and tracker is not None:
        ind = tracker.plan.for_measure("energy_freed_tce")
        deadline = (ind.deadline if ind is not None else None) or tracker.plan.end
    dl = _to_date(deadline) if deadline is not None else None
    reason = _eligible(cand, tracker, dl, as_of)
    elig = reason == ""
    lang = get_language()
    meta, A, P = _rows(cand, elig, need_tce, need_co2, mins, caps, budget, lang)
    e = cand[elig]
    cost = sum(wt * np.nan_to_num(e[k].to_numpy(dtype=float)) for k, wt in w.items())
    ident = np.array([normalize_name(v) for v in e["enterprise"]], dtype=object)
    p = ActionProblem(cost=np.asarray(cost, dtype=float) + np.zeros(len(e)), A=A,
                      b=np.array([m["limit"] for m in meta if m["kind"] == ">="]), P=P,
                      u=np.array([m["limit"] for m in meta if m["kind"] == "<="]),
                      enterprise=pd.factorize(ident)[0] if len(e) else np.zeros(0, dtype=int))
    return _solve(cand, reason, p, meta, w, need_tce, need_co2, budget, dl,
                  dict(mip_rel_gap=mip_rel_gap, time_limit=time_limit, seed=seed, neighbourhood=NEIGHBOURHOOD), lang)


def _solve(cand: pd.DataFrame, reason: np.ndarray, p: ActionProblem, meta: list[dict[str, Any]],
           w: dict[str, float], need_tce: float, need_co2: float, budget: float | None,
           deadline: dt.date | None, opts: dict[str, Any], lang: str) -> WhatIf:
    elig = reason == ""
    n = len(cand)
    x: np.ndarray | None
    xg: np.ndarray | None
    status: Literal["optimal", "time_limit", "infeasible"]
    stages: dict[str, Any]
    duals: np.ndarray | None
    if p.m == 0 and p.b.size:  # nothing eligible, something needed
        x = xg = None
        status, msg_s, obj, bound, gap, gobj, secs, stages, duals = "infeasible", "no eligible candidate", \
            math.inf, math.inf, math.inf, math.inf, 0.0, {}, None
    elif not p.b.size:  # nothing to cover: choose nothing
        x, xg = np.zeros(p.m), np.zeros(p.m)
        status, msg_s, obj, bound, gap, gobj, secs, stages, duals = "optimal", "nothing to cover", 0.0, 0.0, \
            0.0, 0.0, 0.0, {}, np.zeros(len(meta))
    else:
        sol = solve(p, greedy_order(p), **opts)
        x, xg, status, msg_s = sol.x, sol.greedy_x, sol.status, sol.message
        obj, bound, gap, gobj, secs, stages, duals = (sol.objective, sol.bound, sol.gap, sol.greedy_objective,
                                                      sol.seconds, sol.stages, sol.duals)
    chosen, greedy = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    if x is not None:
        chosen[np.flatnonzero(elig)[x > 0.5]] = True
    if xg is not None:
        greedy[np.flatnonzero(elig)[xg > 0.5]] = True
    out = cand.copy()
    out["eligible"], out["reason"], out["chosen"], out["greedy"] = elig, reason, chosen, greedy
    short = pd.DataFrame(columns=["constraint", "measure", "town", "limit", "best_possible", "missing", "alone"])
    if x is None and status == "infeasible":
        short, message = _shortfall_table(p, meta, lang)
    elif x is None:
        message = say("whatif_time", lang, t=opts["time_limit"])
    else:
        message = ""
    cons = _constraints(meta, p.A, p.P, x, duals, float(np.abs(p.cost).max()) if p.m else 1.0)
    res = WhatIf(ok=x is not None, status=status, message=message, objective=w, objective_value=float(obj),
                 bound=float(bound), gap=float(gap),
                 greedy_objective=float(gobj), solver_status=msg_s, seconds=float(secs), need_tce=need_tce,
                 need_co2=need_co2, budget=budget, deadline=deadline, lang="en" if lang == "en" else "zh", candidates=out,
                 totals=_totals(out, chosen, greedy, w), constraints=cons, shortfall=short, stages=stages)
    if res.ok:
        res.message = res.summary()
    return res
