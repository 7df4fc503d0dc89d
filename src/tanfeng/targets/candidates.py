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
from ..cells import Failures, aliases
from .actions import (
    ACTION_COLUMNS,
    ACTIONS,
    _find,
    _missing_columns,
    _numbers,
    _per_town,
    _per_unique,
    _text,
)

__all__ = ["CANDIDATE_COLUMNS", "read_candidates", "read_limits"]

#: Headers understood for a candidate's cost, the people its action affects and the earliest
#: month it can be finished, beside the Tracker's `ACTION_COLUMNS` (``headers.csv``, scope ``actions``).
CANDIDATE_COLUMNS: dict[str, tuple[str, ...]] = aliases(("cost", "jobs", "earliest"), scope="actions")
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
        _missing_columns(missing, aliases, "candidate actions")
    n = len(candidates)
    fails = Failures(candidates.index, what="candidate actions")

    def fail(mask: np.ndarray, std: str, values: Any, reason: Any, message: Any = None) -> None:
        fails.add(mask, cols.get(std, std), values, reason, message)

    ent, town = _text(candidates[cols["enterprise"]]), _text(candidates[cols["town"]])
    fail((ent == "").to_numpy(), "enterprise", ent, "enterprise_missing")
    fail((town == "").to_numpy(), "town", town, "town_missing")
    raw = _text(candidates[cols["action"]])
    action = _per_unique(raw, lambda s: ACTIONS.get(normalize_name(s), ""), "")
    fail(action == "", "action", raw, "action_unknown")
    num: dict[str, np.ndarray] = {}
    for c in _NUMERIC:
        if c not in cols:
            num[c] = np.full(n, np.nan)
            continue
        v, why = _numbers(candidates[cols[c]])
        fail(why != "", c, candidates[cols[c]], why)
        fail(v < 0, c, candidates[cols[c]], "quantity_negative")
        num[c] = v
    freed = num["energy_freed_tce"]
    after = np.where(np.isnan(num["energy_after_tce"]) & (action == "phase_out"), 0.0, num["energy_after_tce"])
    freed = np.where(np.isnan(freed), num["energy_before_tce"] - after, freed)
    for c in needed:
        v = freed if c == "energy_freed_tce" else num[c]
        unread = np.zeros(n, dtype=bool) if c not in cols else _numbers(candidates[cols[c]])[1] != ""
        fail(np.isnan(v) & ~unread, c, v, "value_missing")
    earliest = np.full(n, None, dtype=object)
    if "earliest" in cols:
        raw_e = candidates[cols["earliest"]]
        earliest = _per_unique(raw_e, _month, None)
        fail(pd.isna(earliest) & raw_e.notna().to_numpy() & (_text(raw_e) != "").to_numpy(), "earliest", raw_e,
             "date_invalid")
    failures = fails.frame()
    fails.raise_if_any(errors)
    bad = fails.bad
    problem = fails.problem_text().to_numpy()
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
    "actions": aliases(["actions"], scope="actions")["actions"],
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
        _missing_columns(["town"] if "town" not in cols else list(allowed), LIMIT_COLUMNS, what)
    town = _text(limits[cols["town"]])
    out, fails = _per_town(limits, town, {"town": cols["town"], **{m: cols[m] for m in measures}}, what)
    fails.raise_if_any()
    return out
