"""`plan`: which of the available closures cover a project best (MILP with HiGHS)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import numpy as np
import pandas as pd
from typing_extensions import Unpack

from .._milp import DEFAULT_MIP_REL_GAP, DEFAULT_TIME_LIMIT
from ..cells import say
from .checking import (
    SwapOptions,
    allocations,
    energy_summary,
    evaluate_project,
    line_results,
    shortfall_findings,
)
from .eligibility import ENERGY_LINE, Evaluation
from .models import Finding, LineResult, Project, SwapPlan
from .solver import Problem, shortfall, solve

__all__ = ["DEFAULT_MIP_REL_GAP", "DEFAULT_TIME_LIMIT", "OBJECTIVES", "greedy_order", "plan"]

#: What ``plan`` minimises: the surplus retired beyond the requirements (capacity of each line
#: and energy, each relative to its requirement, weighted by ``weights``), the number of sources,
#: or their total price (the ``price`` column, 万元).
OBJECTIVES = ("min_surplus", "min_sources", "min_cost")

Objective = Literal["min_surplus", "min_sources", "min_cost"]


def greedy_order(p: Problem, objective: str) -> np.ndarray:
    """Priority of the greedy baseline: energy per capacity (``min_surplus``), price per
    requirement covered (``min_cost``), requirement covered (``min_sources``)."""
    need = np.where(p.need[p.line] > 0, p.need[p.line], np.inf)
    coverage = p.cover / need + (p.energy / p.energy_need if p.energy_need > 0 else 0.0)
    if objective == "min_surplus":
        key = -(p.energy / np.maximum(p.cover, 1e-300))
    elif objective == "min_cost":
        key = p.cost / np.maximum(coverage, 1e-300)
    else:
        key = -coverage
    return np.argsort(key, kind="stable")


def _problem(ev: Evaluation, pairs: pd.DataFrame, objective: str, energy_need: float,
             weights: tuple[float, float], allow_split: bool) -> Problem:
    # energy-only sources sit on one more "line" that needs no capacity
    need = np.array([li.required for li in ev.lines] + [0.0], dtype=float)
    line = np.where(pairs["line"].to_numpy() == ENERGY_LINE, len(ev.lines), pairs["line"].to_numpy())
    cover = pairs["cover"].to_numpy(dtype=float)
    energy = pairs["energy_tce"].to_numpy(dtype=float)
    source = pd.factorize(pairs["source_id"])[0]
    lower = 0.0
    if objective == "min_surplus":
        wc, we = weights
        has = need[line] > 0
        cost = np.where(has, wc * cover / np.where(has, need[line], 1.0), 0.0)
        if energy_need > 0:
            cost = cost + we * energy / energy_need
        lower = wc * float(np.count_nonzero(need > 0)) + (we if energy_need > 0 else 0.0)
    elif objective == "min_sources":
        cost = np.ones(len(pairs))
    else:
        cost = pairs["price"].to_numpy(dtype=float)
    integer = ~(pairs["divisible"].to_numpy(dtype=bool) & allow_split)
    return Problem(line=line, cover=cover, energy=energy, source=source, cost=cost, integer=integer,
                   need=need, energy_need=energy_need, lower_bound=lower)


def plan(project: Project | Mapping[str, Any], candidates: pd.DataFrame, *, objective: Objective = "min_surplus",
         allow_split: bool = True, weights: tuple[float, float] = (1.0, 1.0),
         mip_rel_gap: float = DEFAULT_MIP_REL_GAP, time_limit: float = DEFAULT_TIME_LIMIT, seed: int = 0,
         **options: Unpack[SwapOptions]) -> SwapPlan:
    """Choose retired sources that cover a project's capacity and energy swap.

    Every candidate is first checked as in :func:`check` (product, closure, ledger, ineligible
    kinds, units, ratio); the eligible ones enter a mixed-integer programme solved with
    ``scipy.optimize.milp`` (HiGHS): one variable per (source, line) — binary, or a share in
    [0, 1] when the source is ``divisible`` and the rule allows splitting — with both the
    capacity of every line and the energy as constraints, and each source used at most once.

    Parameters
    ----------
    project, candidates, rules, ledger, on, energy_ratio, retire_per_new, days_per_year,
    energy_records, account_kwargs, key_region_basis, require_closed, draft_exclusions, columns
        As in :func:`check`. Candidate ids must be unique.
    objective : {"min_surplus", "min_sources", "min_cost"}
        ``min_surplus`` (default) minimises ``w_c·Σ retired_l / required_l + w_e·freed / required``
        — the retirement beyond need, each requirement counting ``weights``; ``min_sources``
        the number of sources; ``min_cost`` the sum of ``price`` (万元).
    allow_split : bool, default True
        Let ``divisible`` sources be used in part (unless the rule forbids splitting).
    mip_rel_gap, time_limit : float
        Stop when the proven gap ``(objective - bound) / objective`` is at most ``mip_rel_gap``
        (default 1e-4), or after ``time_limit`` seconds (default 1.5) with the best plan found.
        The greedy baseline is always computed first, so the result is never worse than it.

    Returns
    -------
    SwapPlan
        ``status`` (``optimal`` / ``time_limit`` / ``infeasible``), ``gap``, ``bound``,
        ``solver_status``, ``chosen``; when infeasible, the capacity and energy still missing
        with every eligible source (fractions allowed) in ``capacity_shortfall`` and
        ``energy_shortfall_tce``.

    Examples
    --------
    >>> import pandas as pd
    >>> project = {"id": "P", "sector": "水泥", "product": "水泥熟料", "new_capacity": 4000,
    ...            "capacity_unit": "吨/日", "province": "浙江", "city": "绍兴"}
    >>> cands = pd.DataFrame({"source_id": list("ABCD"), "product": "水泥熟料",
    ...                       "capacity": [5000, 3000, 2500, 2000], "capacity_unit": "吨/日",
    ...                       "closed_on": "2022-01-01"})
    >>> p = plan(project, cands, on="2023-05-01")
    >>> p.status, sorted(p.chosen["source_id"]), p.provided_capacity
    ('optimal', ['A', 'B'], 8000.0)
    """
    if objective not in OBJECTIVES:
        raise ValueError(f"objective must be one of {OBJECTIVES}, got {objective!r}")
    ev = evaluate_project(project, candidates, mode="plan", need_price=objective == "min_cost", **options)
    energy_ratio = ev.energy_ratio
    p_ = ev.project
    energy_need = (p_.new_tce or 0.0) * energy_ratio
    pairs = ev.pairs[ev.pairs["eligible"].to_numpy()].reset_index(drop=True)
    prob = _problem(ev, pairs, objective, energy_need, weights, allow_split)
    findings = list(ev.findings)
    needs_any = bool((prob.need > 0).any() or energy_need > 0)

    x: np.ndarray | None
    status: Literal["optimal", "time_limit", "infeasible"]
    stages: dict[str, Any]
    if not needs_any:
        x = np.zeros(len(pairs))
        status, solver_status, gap, obj, bound, g_obj, secs, stages = "optimal", "nothing to cover", 0.0, 0.0, 0.0, 0.0, 0.0, {}
    elif len(pairs) == 0:
        x, status, solver_status = None, "infeasible", "no eligible candidate"
        gap, obj, bound, g_obj, secs, stages = np.inf, np.inf, np.inf, np.inf, 0.0, {}
    else:
        sol = solve(prob, greedy_order(prob, objective), mip_rel_gap=mip_rel_gap, time_limit=time_limit, seed=seed)
        x, status, solver_status = sol.x, sol.status, sol.message
        gap, obj, bound, g_obj, secs, stages = sol.gap, sol.objective, sol.bound, sol.greedy_objective, sol.seconds, sol.stages

    if x is None and status == "time_limit":  # no plan found in time, infeasibility not proven
        lines = line_results(ev, pairs.iloc[0:0])
        req_tce, provided_tce, short_tce = energy_summary(p_.new_tce, energy_ratio, 0.0)
        findings.append(Finding(code="plan_no_solution", severity="error",
                                message=say("swap_plan_no_solution", seconds=time_limit)))
        alloc = allocations(ev, pairs.iloc[0:0])
        share = np.zeros(len(pairs))
    elif x is None:  # infeasible: what is missing even with every eligible source
        lines, req_tce, provided_tce, short_tce, finding = _infeasible(ev, pairs, prob, energy_need)
        findings.append(finding)
        alloc = allocations(ev, pairs.iloc[0:0])
        share = np.zeros(len(pairs))
    else:
        chosen = x > 1e-9
        used = pairs[chosen]
        share = x
        lines = line_results(ev, used, x[chosen])
        req_tce, provided_tce, short_tce = energy_summary(p_.new_tce, energy_ratio, float(used["energy_tce"].to_numpy() @ x[chosen]))
        findings += shortfall_findings(lines, p_.new_tce, req_tce, provided_tce, short_tce, energy_ratio)
        if status == "time_limit":
            findings.append(Finding(code="plan_not_proven", severity="warning", message=say(
                "swap_plan_not_proven", seconds=time_limit, gap=gap, target=mip_rel_gap)))
        alloc = allocations(ev, used, x[chosen])
    ok = x is not None and status != "infeasible" and not any(f.severity == "error" for f in findings)

    table = _sources_table(candidates, ev, pairs, share if x is not None else None)
    return SwapPlan(project_id=p_.id, on=ev.on, ok=ok, lines=lines, new_tce=p_.new_tce,
                    energy_ratio_required=energy_ratio, required_tce=req_tce, provided_tce=provided_tce,
                    energy_shortfall_tce=short_tce, findings=findings, sources=table, allocations=alloc,
                    objective=objective, status=status, solver_status=solver_status, gap=float(gap),
                    objective_value=float(obj), bound=float(bound), greedy_objective=float(g_obj),
                    seconds=float(secs), stages=stages)


def _infeasible(ev: Evaluation, pairs: pd.DataFrame, prob: Problem, energy_need: float
                ) -> tuple[list[LineResult], float | None, float | None, float | None, Finding]:
    """What is missing even with every eligible source: the lines, the energy and the finding."""
    p_ = ev.project
    miss_lines, miss_energy = shortfall(prob) if len(pairs) else (prob.need.copy(), energy_need)
    miss_lines = miss_lines[: len(ev.lines)]
    lines = []
    for k, info in enumerate(ev.lines):
        m = pairs["line"].to_numpy() == k
        have = float(pairs["capacity_line"].to_numpy()[m].sum())
        lr = line_results(ev, pairs.iloc[0:0])[k]
        lines.append(LineResult(**{**lr.model_dump(), "provided_capacity": have,
                                   "capacity_shortfall": float(miss_lines[k]),
                                   "covered_new_capacity": (info.required - float(miss_lines[k])) / info.ratio
                                   if info.ratio > 0 else info.line.new_capacity,
                                   "ok": float(miss_lines[k]) == 0}))
    provided_tce = energy_need - miss_energy if p_.new_tce is not None else None
    req_tce = energy_need if p_.new_tce is not None else None
    short_tce = miss_energy if p_.new_tce is not None else None
    n_src = pairs["source_id"].nunique()
    parts = [say("swap_plan_line_short", line=ln.line, short=ln.capacity_shortfall, unit=ln.capacity_unit)
             for ln in lines if ln.capacity_shortfall > 0]
    if short_tce:
        parts.append(say("swap_plan_energy_short", short=short_tce))
    finding = Finding(code="plan_infeasible", severity="error", message=say(
        "swap_plan_infeasible", n=n_src, missing=say("cells_clause_separator").join(parts) or say("swap_plan_unmet")))
    return lines, req_tce, provided_tce, short_tce, finding


def _sources_table(candidates: pd.DataFrame, ev: Evaluation, pairs: pd.DataFrame,
                   share: np.ndarray | None) -> pd.DataFrame:
    """The candidates with ``eligible``, ``reasons``, the ``share`` used and the ``chosen_line``.

    ``share`` holds one value per eligible (source, line) pair of ``pairs``; ``None`` when no plan
    was found.
    """
    table = candidates.copy() if isinstance(candidates, pd.DataFrame) else pd.DataFrame(candidates)
    allp = ev.pairs
    elig = allp.groupby("pos")["eligible"].any()
    table["eligible"] = elig.sort_index().to_numpy()
    reasons = np.full(len(table), "", dtype=object)
    bad = allp[allp["reasons"] != ""]
    for pos, rs in bad.groupby("pos")["reasons"]:
        reasons[pos] = ",".join(dict.fromkeys(",".join(rs).split(",")))
    table["reasons"] = reasons
    tot = np.zeros(len(table))
    chosen_line = np.full(len(table), None, dtype=object)
    if len(pairs) and share is not None:
        np.add.at(tot, pairs["pos"].to_numpy(), share)
        on_pos = pairs[share > 1e-9]
        for pos, lid in zip(on_pos["pos"], on_pos["line_id"]):
            chosen_line[pos] = lid if chosen_line[pos] is None else f"{chosen_line[pos]},{lid}"
    table["share"] = tot
    table["chosen_line"] = chosen_line
    table.attrs["tanfeng"] = {"rules": ev.rules.id, "rules_version": ev.rules.version}
    return table
