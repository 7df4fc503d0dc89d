"""Candidate actions of a what-if (`tanfeng.targets.whatif`), read and checked.

Candidates use the Tracker's action headers (`ACTION_COLUMNS`: 企业名称, 镇乡（街道）, 类型,
腾出用能, 减少碳排放 …) through the same header finder and cell reader as the actions table, plus
``cost`` (万元), ``jobs`` (people affected) and an optional ``earliest`` month by which the action
can be finished. Every bad row is collected into one `InputError` (or, with
``errors="report"``, kept and marked ineligible); no row is dropped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .._resources import normalize_name
from ..cells import REASONS
from ..errors import InputError
from ._common import _failures
from .actions import ACTION_COLUMNS, ACTIONS, _fail_numbers, _find, _numbers, _per_unique, _text

__all__ = ["CANDIDATE_COLUMNS", "read_candidates", "read_limits"]

#: Headers understood for a candidate's cost, the people its action affects and the earliest
#: month it can be finished, beside the Tracker's `ACTION_COLUMNS`.
CANDIDATE_COLUMNS: dict[str, tuple[str, ...]] = {
    "cost": ("cost", "费用", "成本", "所需资金", "预计费用", "补偿费用", "投入资金", "资金需求", "费用万元"),
    "jobs": ("jobs", "涉及职工", "涉及人数", "影响人数", "影响就业", "安置人数", "职工人数"),
    "earliest": ("earliest", "最早完成月份", "最早完成时间", "最早完成", "可完成月份", "预计完成时间",
                 "预计完成月份"),
}
_NUMERIC = ("energy_before_tce", "energy_after_tce", "energy_freed_tce", "co2_reduced_t", "cost", "jobs")


def _month(v: Any) -> pd.Period | None:
    """A month from 2023-06, 2023/6, 2023年6月, 202306 or a date; None if unreadable."""
    if isinstance(v, pd.Timestamp | np.datetime64) or hasattr(v, "year"):
        return pd.Period(pd.Timestamp(v), freq="M")
    t = str(v).strip().replace("年", "-").replace("月", "").replace("/", "-").replace(".", "-").rstrip("-")
    if t.isdigit() and len(t) == 6:
        t = f"{t[:4]}-{t[4:]}"
    try:
        return pd.Period(pd.Timestamp(t), freq="M")
    except (ValueError, TypeError):
        return None


def read_candidates(candidates: pd.DataFrame, needed: Sequence[str], columns: Mapping[str, str] | None,
                    errors: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Check and standardise candidate actions.

    ``needed``: the numeric columns the objective and constraints use (a missing column or an
    empty cell there is an error). Returns the table (input rows, order and index, plus
    ``enterprise, town, action, energy_freed_tce, co2_reduced_t, cost, jobs, earliest, problem,
    valid``) and the failures (empty unless ``errors="report"``).
    """
    aliases = {**ACTION_COLUMNS, **CANDIDATE_COLUMNS}
    cols = _find(candidates, aliases, columns)
    missing = [c for c in ("enterprise", "town", "action") if c not in cols]
    for c in needed:
        if c == "energy_freed_tce" and ("energy_freed_tce" in cols or "energy_before_tce" in cols):
            continue
        if c not in cols:
            missing.append(c)
    if missing:
        raise InputError(_failures(("<table>", m, None, "column_missing",
                                    f"候选表缺少 {m!r} 列（或 {list(aliases[m][1:4])}）",
                                    f"rename a column or pass columns={{{m!r}: '<your header>'}}")
                                   for m in missing), what="candidate actions")
    n = len(candidates)
    fails: list[tuple[int, str, Any, str, str, str]] = []

    def fail(mask: np.ndarray, std: str, values: Any, reason: str, message: str, suggestion: str) -> None:
        vals = np.asarray(values, dtype=object)
        fails.extend((int(p), cols.get(std, std), vals[p], reason, message, suggestion) for p in np.flatnonzero(mask))

    ent, town = _text(candidates[cols["enterprise"]]), _text(candidates[cols["town"]])
    fail((ent == "").to_numpy(), "enterprise", ent, "enterprise_missing", "企业名称为空", "fill in the enterprise name")
    fail((town == "").to_numpy(), "town", town, "town_missing", "镇乡（街道）为空", "fill in the town (镇乡/街道)")
    raw = _text(candidates[cols["action"]])
    action = _per_unique(raw, lambda s: ACTIONS.get(normalize_name(s), ""), "")
    fail(action == "", "action", raw, "action_unknown", "不是 淘汰落后 或 整治提升", "use 淘汰落后 or 整治提升")
    num: dict[str, np.ndarray] = {}
    for c in _NUMERIC:
        if c not in cols:
            num[c] = np.full(n, np.nan)
            continue
        v, why = _numbers(candidates[cols[c]])
        _fail_numbers(fail, why, c, candidates[cols[c]])
        fail(v < 0, c, v, "quantity_negative", REASONS["quantity_negative"].message(), "give a value ≥ 0")
        num[c] = v
    freed = num["energy_freed_tce"]
    after = np.where(np.isnan(num["energy_after_tce"]) & (action == "phase_out"), 0.0, num["energy_after_tce"])
    freed = np.where(np.isnan(freed), num["energy_before_tce"] - after, freed)
    for c in needed:
        v = freed if c == "energy_freed_tce" else num[c]
        unread = np.zeros(n, dtype=bool) if c not in cols else _numbers(candidates[cols[c]])[1] != ""
        fail(np.isnan(v) & ~unread, c, v, "value_missing", "为空：目标或约束需要此值", "fill in the value")
    earliest = np.full(n, None, dtype=object)
    if "earliest" in cols:
        raw_e = candidates[cols["earliest"]]
        earliest = _per_unique(raw_e, _month, None)
        fail(pd.isna(earliest) & raw_e.notna().to_numpy() & (_text(raw_e) != "").to_numpy(), "earliest", raw_e,
             "date_invalid", "无法识别的月份", "write the month as 2023-06")
    failures = _failures([])
    bad = np.zeros(n, dtype=bool)
    problem = np.full(n, "", dtype=object)
    if fails:
        f = pd.DataFrame(fails, columns=["pos", "column", "value", "reason", "message", "suggestion"])
        f = f.sort_values("pos", kind="stable")
        f.insert(0, "row", candidates.index.to_numpy()[f["pos"].to_numpy()])
        failures = f.drop(columns="pos").reset_index(drop=True)
        if errors == "raise":
            raise InputError(failures, what="candidate actions")
        bad[f["pos"].to_numpy()] = True
        for p, g in f.groupby("pos"):
            problem[p] = "; ".join(g["reason"] + ": " + g["message"].astype(str))
    out = candidates.copy()
    out["enterprise"], out["town"], out["action"] = ent.to_numpy(), town.to_numpy(), action
    out["energy_freed_tce"], out["co2_reduced_t"] = freed, num["co2_reduced_t"]
    out["cost"], out["jobs"], out["earliest"] = num["cost"], num["jobs"], earliest
    out["problem"], out["valid"] = problem, ~bad
    return out, failures


#: Headers understood in a table of per-town minimums or caps.
LIMIT_COLUMNS: dict[str, tuple[str, ...]] = {
    "town": ACTION_COLUMNS["town"],
    "energy_freed_tce": ACTION_COLUMNS["energy_freed_tce"],
    "co2_reduced_t": ACTION_COLUMNS["co2_reduced_t"],
    "cost": CANDIDATE_COLUMNS["cost"],
    "jobs": CANDIDATE_COLUMNS["jobs"],
    "actions": ("actions", "行动数", "企业数", "家数", "个数"),
}


def read_limits(limits: pd.DataFrame | Mapping[str, float], what: str,
                allowed: Sequence[str]) -> pd.DataFrame:
    """Per-town minimums or caps: one row per town, indexed by town, one column per measure.

    A mapping ``{town: value}`` means energy freed (tce).
    """
    if isinstance(limits, Mapping):
        limits = pd.DataFrame({"town": list(limits), "energy_freed_tce": list(limits.values())})
    cols = _find(limits, {k: LIMIT_COLUMNS[k] for k in ("town", *allowed)}, None)
    measures = [c for c in allowed if c in cols]
    if "town" not in cols or not measures:
        raise InputError(_failures([("<table>", "town" if "town" not in cols else "measure", None, "column_missing",
                                     f"{what} 需要一个镇乡（街道）列和至少一个 {list(allowed)} 列",
                                     "add a 镇乡（街道） column and a column per measure")]), what=what)
    town = _text(limits[cols["town"]])
    dup = town.duplicated(keep=False).to_numpy()
    fails = [(r, cols["town"], t, "town_repeated", f"{t} 重复", "give one row per town")
             for r, t in zip(limits.index[dup], town[dup])]
    out = pd.DataFrame(index=pd.Index(town.to_numpy(), name="town"))
    for m in measures:
        v, why = _numbers(limits[cols[m]])
        fails += [(r, cols[m], x, w, REASONS[w].message(), REASONS[w].suggestion())
                  for r, x, w in zip(limits.index[why != ""], limits[cols[m]][why != ""], why[why != ""])]
        fails += [(r, cols[m], x, "quantity_negative", REASONS["quantity_negative"].message(), "give a value ≥ 0")
                  for r, x in zip(limits.index[v < 0], v[v < 0])]
        out[m] = v
    if fails:
        raise InputError(_failures(fails), what=what)
    return out
