"""The actions table of a Tracker: 淘汰落后 / 整治提升 events, read and checked.

Headers are matched in English or Chinese (`ACTION_COLUMNS`), action words normalised
(`ACTIONS`), energy filled from energy records run through `tanfeng.accounting.account`, and
every bad row collected into one `InputError` (or kept with a ``problem`` text).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .. import defaults
from .._resources import normalize_name
from ..cells import REASONS, Failures, Text, aliases, find_columns, read_quantities
from ..errors import TanfengWarning
from ._common import MEASURES

if TYPE_CHECKING:
    from .plan import Plan

__all__ = ["ACTIONS", "ACTION_COLUMNS", "DEFAULT_BASIS", "DEFAULT_REGION", "read_actions", "read_town_targets"]

#: Action words understood (淘汰落后 / 整治提升) -> ``phase_out`` / ``upgrade``.
ACTIONS: dict[str, str] = {
    **dict.fromkeys(["phase_out", "phaseout", "淘汰", "淘汰落后", "淘汰落后产能", "关停",
                     "关停退出", "关停淘汰", "退出"], "phase_out"),
    **dict.fromkeys(["upgrade", "整治", "整治提升", "提升", "改造提升", "提升改造"], "upgrade"),
}
_ACTION_ZH = {"phase_out": "淘汰落后", "upgrade": "整治提升"}

#: Headers understood for the columns of the actions table: ``factors/rules/headers.csv``, with its
#: rows of scope ``actions`` (a bare 名称, 类型 …, which `tanfeng.io.read_table` leaves alone).
ACTION_COLUMNS: dict[str, tuple[str, ...]] = aliases(
    ("enterprise", "credit_code", "town", "action", "date", "energy_before_tce", "energy_after_tce",
     "energy_freed_tce", "land_freed_mu", "co2_reduced_t"), scope="actions")
_STAGES = {**dict.fromkeys(["before", "baseline", "base", "基准", "基准年", "整治前", "淘汰前", "前"], "before"),
           **dict.fromkeys(["after", "整治后", "淘汰后", "后"], "after")}
_STAGE_HEADERS = ("stage", "阶段", "时点")

#: Basis of electricity in tce computed from energy records. 当量值: the statistical
#: 综合能源消费量 is "按照发热量" (policy.md §6, inference); the plan's own basis is not stated
#: (policy.md §9.3). Pass ``basis=`` to choose.
DEFAULT_BASIS = "当量值"
#: Grid region for electricity CO2 of energy records when the plan names none (a plan's
#: ``grid_region``, 浙江 for 诸暨, comes first): `tanfeng.defaults.DEFAULT_REGION`.
DEFAULT_REGION = defaults.DEFAULT_REGION


def _find(df: pd.DataFrame, wanted: Mapping[str, tuple[str, ...]],
          columns: Mapping[str, str] | None) -> dict[str, str]:
    """Standard names -> headers, through ``headers.csv`` and its ``actions`` rows (plus the
    labels ``wanted`` adds)."""
    return find_columns(df, wanted, columns, strip_remark=True, what="input table", scope="actions")


_FOLD = r"[\s()（）\[\]【】{}「」〔〕《》—·:：'\"“”]"


def _per_unique(col: pd.Series, func: Any, missing: Any) -> np.ndarray:
    """``func`` applied once per distinct value (``missing`` for empty cells), spread to rows."""
    codes, uniques = pd.factorize(col.astype(object), use_na_sentinel=True)
    table = np.array([*map(func, uniques.tolist()), missing], dtype=object)
    return table[np.where(codes < 0, len(uniques), codes)]


def _numbers(col: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Values read by the kernel's cell reader (NaN for blank or bad cells) and the reason code
    of each cell that is not a number (``''`` for a number or a blank; negatives are kept)."""
    vals, reasons = read_quantities(col, negative_ok=True)
    why = np.asarray(reasons.astype(object))
    return vals, np.where(why == "quantity_missing", "", why)


def _texts(mask: np.ndarray, fn: Any) -> np.ndarray:
    """``fn(position)`` at the rows of ``mask`` (a message that names other cells of the row)."""
    out = np.full(len(mask), "", dtype=object)
    for p in np.flatnonzero(mask):
        out[p] = fn(p)
    return out


def _msg(code: str) -> str:
    """The message of a reason code in the user's language."""
    return REASONS[code].message()


def _missing_columns(missing: list[str], aliases: Mapping[str, tuple[str, ...]], what: str) -> None:
    """`InputError` (``column_missing``) naming each missing column and headers understood for it."""
    fails = Failures(0, what=what)
    for m in missing:
        fails.add_table(m, "column_missing", message=f"{_msg('column_missing')}: {m} {list(aliases.get(m, (m,))[1:4])}",
                        suggestion=f"columns={{{m!r}: '<header>'}}")
    raise fails.error()


def _text(col: pd.Series) -> pd.Series:
    return pd.Series(_per_unique(col, lambda v: str(v).strip(), ""), index=col.index, dtype=object)


def read_actions(plan: Plan, actions: pd.DataFrame, energy: pd.DataFrame | None, key: str,
                 columns: Mapping[str, str] | None, account_kw: dict[str, Any], errors: str, *,
                 allow_repeat: bool, planning_co2_per_tce: float) -> tuple[pd.DataFrame, pd.DataFrame, bool]:
    """Check and standardise the actions table of a `~tanfeng.targets.Tracker`.

    Returns the table (input rows, order and index, plus the standard columns), the failures
    (empty unless ``errors="report"``) and whether a land column was given.
    """
    cols = _find(actions, ACTION_COLUMNS, columns)
    need = ["enterprise", "town", "action", "date"]
    missing = [c for c in need if c not in cols]
    if not ({"energy_before_tce", "energy_freed_tce"} & cols.keys()) and energy is None:
        missing.append("energy_before_tce")
    if missing:
        _missing_columns(missing, ACTION_COLUMNS, "actions table")
    n, idx = len(actions), actions.index
    fails = Failures(idx, what="actions table")

    def fail(mask: np.ndarray, column: str, values: Any, reason: Any, message: Any = None,
             suggestion: Any = None) -> None:
        fails.add(mask, cols.get(column, column), values, reason, message, suggestion)

    ent = _text(actions[cols["enterprise"]])
    town = _text(actions[cols["town"]])
    fail((ent == "").to_numpy(), "enterprise", ent.to_numpy(), "enterprise_missing")
    fail((town == "").to_numpy(), "town", town.to_numpy(), "town_missing")
    raw_action = _text(actions[cols["action"]])
    action = pd.Series(_per_unique(raw_action, lambda s: ACTIONS.get(normalize_name(s), ""), ""),
                       index=idx, dtype=object)
    fail((action == "").to_numpy(), "action", raw_action.to_numpy(), "action_unknown")
    date = pd.to_datetime(actions[cols["date"]], errors="coerce")
    fail(date.isna().to_numpy(), "date", actions[cols["date"]].to_numpy(), "date_invalid")
    start, end = pd.Timestamp(plan.start), pd.Timestamp(plan.end)
    outside = date.notna() & ((date < start) | (date > end))
    fail(outside.to_numpy(), "date", date.astype(str).to_numpy(), "date_outside_plan",
         lambda v: f"{_msg('date_outside_plan')}: {v} ∉ {plan.start} – {plan.end}")

    num: dict[str, np.ndarray] = {}
    unreadable = np.zeros(n, dtype=bool)  # an energy cell that is not a number
    for c in ("energy_before_tce", "energy_after_tce", "energy_freed_tce", "land_freed_mu", "co2_reduced_t"):
        if c in cols:
            v, why = _numbers(actions[cols[c]])
            bad = why != ""
            fail(bad, c, actions[cols[c]], why)
            num[c] = v
            if c.startswith("energy"):
                unreadable |= bad
        else:
            num[c] = np.full(n, np.nan)
    for c in ("energy_before_tce", "energy_after_tce", "land_freed_mu"):
        fail(num[c] < 0, c, num[c], "quantity_negative")

    before, after, freed = num["energy_before_tce"].copy(), num["energy_after_tce"].copy(), num["energy_freed_tce"]
    is_out = (action == "phase_out").to_numpy()
    rb, ra = np.full(n, np.nan), np.full(n, np.nan)
    if energy is not None:
        tb, cb, ta, ca = _from_records(energy, key, actions, cols, account_kw)
        before = np.where(np.isnan(before), tb, before)
        after = np.where(np.isnan(after), ta, after)
        with np.errstate(divide="ignore", invalid="ignore"):
            rb = np.where(tb > 0, cb / tb, np.nan)
            ra = np.where(ta > 0, ca / ta, rb)
    after = np.where(np.isnan(after) & is_out & ~np.isnan(before), 0.0, after)
    diff = before - after
    clash = ~np.isnan(freed) & ~np.isnan(diff) & ~np.isclose(freed, diff, rtol=1e-6, atol=1e-6)
    fail(clash, "energy_freed_tce", freed, "energy_conflict",
         _texts(clash, lambda p: f"{_msg('energy_conflict')}: {freed[p]:g} ≠ {before[p]:g} − {after[p]:g}"))
    freed = np.where(np.isnan(freed), diff, freed)
    fail(np.isnan(freed) & ~unreadable, "energy_before_tce", before, "energy_missing")
    up = is_out & (freed < 0)
    fail(up, "energy_after_tce", after, "energy_increased",
         _texts(up, lambda p: f"{_msg('energy_increased')}: {after[p]:g} > {before[p]:g}"))
    flag = np.where(~is_out & (action == "upgrade").to_numpy() & (freed < 0), "energy_increased", "")
    if not allow_repeat:
        _repeats(ent, actions, cols, action.to_numpy(), date, before, after, fail)

    co2 = num["co2_reduced_t"]
    co2_mix = np.where(~np.isnan(before) & ~np.isnan(after), before * rb - after * ra, freed * rb)
    co2_source = np.where(~np.isnan(co2), "given", np.where(~np.isnan(co2_mix), "mix", ""))
    co2 = np.where(np.isnan(co2), co2_mix, co2)

    failures = fails.frame()
    fails.raise_if_any(errors)
    bad = fails.bad
    problem = fails.problem_text().to_numpy()
    if (flag != "").any():
        warnings.warn(TanfengWarning(Text("actions_energy_increased", n=int((flag != "").sum()))), stacklevel=3)

    def keep(v: np.ndarray) -> np.ndarray:
        return np.where(bad, np.nan, v)

    out = actions.copy()
    out["enterprise"], out["town"] = ent.to_numpy(), town.to_numpy()
    out["action"] = action.to_numpy()
    out["date"] = date.to_numpy()
    out["energy_before_tce"], out["energy_after_tce"] = before, after
    out["energy_freed_tce"] = keep(freed)
    out["co2_reduced_t"] = keep(co2)
    out["co2_source"] = np.where(bad, "", co2_source)
    out["co2_reduced_planning_t"] = keep(freed * planning_co2_per_tce)
    out["land_freed_mu"] = keep(num["land_freed_mu"])
    out["flag"] = flag
    out["problem"] = problem
    out["valid"] = ~bad
    return out, failures, "land_freed_mu" in cols


def _from_records(energy: pd.DataFrame, key: str, actions: pd.DataFrame, cols: dict[str, str],
                  kw: dict[str, Any]) -> tuple[np.ndarray, ...]:
    from ..accounting import account

    if key not in energy.columns:
        _missing_columns([key], {}, "energy records")
    res = account(energy, **kw)
    st = next((c for c in energy.columns if normalize_name(str(c)) in _STAGE_HEADERS), None)
    stage = (_text(energy[st]).map(lambda s: _STAGES.get(normalize_name(s), "?")) if st
             else pd.Series("before", index=energy.index, dtype=object))
    if (stage == "?").any():
        bad = (stage == "?").to_numpy()
        fails = Failures(energy.index, what="energy records")
        fails.add(bad, str(st), energy[st], "stage_unknown")
        raise fails.error()
    k = _text(energy[key]).to_numpy()
    frame = pd.DataFrame({"k": k, "stage": stage.to_numpy(), "tce": res["tce"].to_numpy(dtype=float),
                          "co2": res["co2_t"].to_numpy(dtype=float)})
    g = frame.groupby(["k", "stage"], sort=False)[["tce", "co2"]].sum(min_count=1)
    nan_any = frame.assign(t=frame["tce"].isna(), c=frame["co2"].isna()).groupby(["k", "stage"])[["t", "c"]].any()
    g["tce"] = g["tce"].mask(nan_any["t"].reindex(g.index))
    g["co2"] = g["co2"].mask(nan_any["c"].reindex(g.index))
    link_col = cols.get(key, key)
    if link_col not in actions.columns:
        _missing_columns([key], {}, "actions table")
    akey = _text(actions[link_col]).to_numpy()
    unused = sorted(set(k) - set(akey))
    if unused:
        warnings.warn(TanfengWarning(Text("actions_records_unused", n=len(unused), first=unused[:5])),
                      stacklevel=4)

    def pick(stage_name: str, col: str) -> np.ndarray:
        s = g.xs(stage_name, level="stage")[col] if stage_name in g.index.get_level_values("stage") else pd.Series(dtype=float)
        return s.reindex(akey).to_numpy(dtype=float)

    return pick("before", "tce"), pick("before", "co2"), pick("after", "tce"), pick("after", "co2")


def _repeats(ent: pd.Series, actions: pd.DataFrame, cols: dict[str, str], action: np.ndarray,
             date: pd.Series, before: np.ndarray, after: np.ndarray, fail: Any) -> None:
    # width, case, spaces and brackets folded (as normalize_name does), vectorised
    ident = (ent.astype(object).str.normalize("NFKC").str.lower()
             .str.replace(_FOLD, "", regex=True).to_numpy(dtype=object))
    if "credit_code" in cols:
        code = _per_unique(actions[cols["credit_code"]], lambda v: str(v).strip().upper(), "")
        ident = np.where(code != "", code, ident)
    frame = pd.DataFrame({"id": ident, "action": action, "pos": np.arange(len(ent))})
    frame = frame[(frame["id"] != "") & (frame["action"] != "")]
    dup = frame[frame.duplicated("id", keep=False)]
    labels = actions.index.tolist()
    msgs: dict[int, str] = {}
    for _, g in dup.groupby("id", sort=False):
        pos = g["pos"].to_numpy()
        same = g.duplicated("action", keep=False).to_numpy()
        for p in pos[same]:
            others = ", ".join(repr(labels[q]) for q in pos[same] if q != p)
            msgs[p] = f"{ent.iloc[p]} 在 {_ACTION_ZH[action[p]]} 中重复计数：另见行 {others}"
        rest = pos[~same]  # one 整治 and one 淘汰: fine only if the later baseline follows the earlier after
        if len(rest) == 2:
            a, b = sorted(rest, key=lambda q: (date.iloc[q], q))
            if not (before[b] <= after[a] * (1 + 1e-9) + 1e-9):
                msgs[b] = (f"{ent.iloc[b]} 已在行 {labels[a]!r}（{_ACTION_ZH[action[a]]}）腾出用能；本行基准 "
                           f"{before[b]:g} 高于该行整治后 {after[a]:g}，腾出用能将重复计算")
    mask = np.zeros(len(ent), dtype=bool)
    mask[list(msgs)] = True
    fail(mask, "enterprise", ent.to_numpy(), "enterprise_repeated", _texts(mask, lambda p: msgs[p]))


def read_town_targets(tt: pd.DataFrame) -> pd.DataFrame:
    """Check the town targets of `~tanfeng.targets.Tracker.by_town`: one row per town, indexed by town."""
    wanted: dict[str, tuple[str, ...]] = {"town": ()}
    wanted.update({m: (MEASURES[m][0],) for m in MEASURES})  # the plan's own labels, on top of headers.csv
    cols = _find(tt, wanted, None)
    if "town" not in cols:
        _missing_columns(["town"], ACTION_COLUMNS, "town targets")
    ignored = [c for c in tt.columns if c not in cols.values()]
    if ignored:
        warnings.warn(TanfengWarning(Text("town_columns_ignored", columns=ignored)), stacklevel=3)
    town = _text(tt[cols["town"]])
    out, fails = _per_town(tt, town, cols, "town targets")
    fails.raise_if_any()
    return out


def _per_town(tt: pd.DataFrame, town: pd.Series, cols: Mapping[str, str], what: str) -> tuple[pd.DataFrame, Failures]:
    """Measures per town (indexed by town) and the failures: a repeated town, a cell that is not a
    number or is negative."""
    fails = Failures(tt.index, what=what)
    fails.add(town.duplicated(keep=False).to_numpy(), cols["town"], town, "town_repeated")
    out = pd.DataFrame(index=pd.Index(town.to_numpy(), name="town"))
    for m, c in cols.items():
        if m == "town":
            continue
        v, why = _numbers(tt[c])
        fails.add(why != "", c, tt[c], why)
        fails.add(v < 0, c, tt[c], "quantity_negative")
        out[m] = v
    return out, fails
