"""Progress of 淘汰落后 / 整治提升 actions toward a plan: :class:`Tracker`.

:meth:`~Tracker.progress` (achieved, share, remaining, rate needed per month),
:meth:`~Tracker.by_town`, :meth:`~Tracker.timeline`, :meth:`~Tracker.forecast`. Months are
counted on the month-end calendar of `tanfeng.targets._common`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..factors import FactorSet
from ._common import MEASURES, _add_months, _months_between, _to_date
from .actions import DEFAULT_BASIS, DEFAULT_REGION, read_actions, read_town_targets
from .plan import Plan

__all__ = ["DEFAULT_N_LOWEST", "Tracker"]

#: Towns marked as lowest in a ranking (五(二) calls in "排名靠后的镇乡（街道）" without a number).
DEFAULT_N_LOWEST = 3


def _planning_ratio(plan: Plan, given: float | None) -> float:
    if given is not None:
        return float(given)
    r = plan.planning_co2_per_tce
    return math.nan if r is None else r


class Tracker:
    """Progress of 淘汰落后 / 整治提升 actions toward a plan's targets.

    Parameters
    ----------
    plan : Plan
        e.g. ``tanfeng.plans.ZHUJI_2023``.
    actions : DataFrame
        One row per action: ``enterprise``, ``town``, ``action`` (淘汰落后 / 整治提升),
        ``date`` (completion), and energy as ``energy_before_tce`` and ``energy_after_tce``
        (an empty after on a 淘汰 row means fully closed: 0) or ``energy_freed_tce``; optional
        ``land_freed_mu`` (亩), ``co2_reduced_t``, ``credit_code``. Chinese headers
        (企业名称, 镇乡（街道）, 完成日期, 腾出用能 …) are understood, see `ACTION_COLUMNS`.
    energy : DataFrame, optional
        Energy records run through `tanfeng.accounting.account` (``carrier, quantity, unit``),
        one column matching ``key`` and optionally ``stage`` (before / after, 整治前 / 整治后;
        default before). They fill missing before/after tce and give each enterprise's own
        carrier mix, from which CO2 freed is computed. tce given in ``actions`` wins.
    key : str
        Column linking energy records to actions (default ``"enterprise"``).
    basis, region, year, factors
        Passed to `account` for the energy records (`DEFAULT_BASIS`; region: the plan's
        ``grid_region``, else `DEFAULT_REGION`).
    planning_co2_per_tce : float, optional
        Defaults to the plan's named value (诸暨: 2.0). Shown beside own-mix CO2, never forced.
    allow_repeat : bool
        Allow an enterprise to count more than once for the same target.
    errors : {"raise", "report"}
        ``"raise"``: one `InputError` listing every bad row. ``"report"``: bad rows are kept with a
        ``problem`` text and count toward nothing.

    Attributes
    ----------
    actions : DataFrame
        The input rows (same order and index) plus ``enterprise, town, action, date,
        energy_before_tce, energy_after_tce, energy_freed_tce, co2_reduced_t, co2_source``
        (given / mix / empty), ``co2_reduced_planning_t, land_freed_mu``, ``flag``
        (``energy_increased``: an upgrade that raised energy use — kept, counted as negative),
        ``problem`` and ``valid`` (False: the row counts toward nothing). ``action`` holds
        ``phase_out`` / ``upgrade``; ``date`` the parsed date.
    failures : DataFrame
        With ``errors="report"``: every problem found (row, column, value, reason, message,
        suggestion), as an `InputError` would carry.

    Examples
    --------
    >>> import pandas as pd
    >>> from tanfeng.plans import ZHUJI_2023
    >>> acts = pd.DataFrame({"enterprise": ["甲", "乙", "丙"], "town": ["陶朱街道", "店口镇", "店口镇"],
    ...     "action": ["淘汰", "整治提升", "淘汰"], "date": ["2021-09-30", "2022-03-31", "2022-06-30"],
    ...     "energy_before_tce": [20000, 30000, 5000], "energy_after_tce": [0, 15000, 0]})
    >>> p = Tracker(ZHUJI_2023, acts).progress(as_of="2022-06-30")
    >>> p.loc["energy_freed_tce", ["achieved", "share", "months_left"]].tolist()
    [40000.0, 0.5, 18.0]
    """

    def __init__(
        self,
        plan: Plan,
        actions: pd.DataFrame,
        *,
        energy: pd.DataFrame | None = None,
        key: str = "enterprise",
        basis: str = DEFAULT_BASIS,
        region: str | None = None,
        year: int | None = None,
        factors: Any = None,
        planning_co2_per_tce: float | None = None,
        allow_repeat: bool = False,
        errors: Literal["raise", "report"] = "raise",
        columns: Mapping[str, str] | None = None,
    ) -> None:
        if errors not in ("raise", "report"):
            raise ValueError("errors must be 'raise' or 'report'")
        self.plan = plan
        self.planning_co2_per_tce = _planning_ratio(plan, planning_co2_per_tce)
        self.allow_repeat = allow_repeat
        #: Version of the factor set that accounted ``energy`` (None without energy records).
        self.factor_set = None if energy is None else \
            (factors if factors is not None else FactorSet.default()).version
        self.actions, self.failures, self._has_land = read_actions(
            plan, actions, energy, key, columns,
            dict(basis=basis, region=region or plan.grid_region or DEFAULT_REGION, year=year, factors=factors, errors=errors), errors,
            allow_repeat=allow_repeat, planning_co2_per_tce=self.planning_co2_per_tce)

    # -- aggregation ---------------------------------------------------------------------------

    def _as_of(self, as_of: Any) -> dt.date:
        return min(dt.date.today(), self.plan.end) if as_of is None else _to_date(as_of)

    def _upto(self, as_of: dt.date) -> pd.DataFrame:
        a = self.actions
        return a[a["valid"].to_numpy() & (a["date"] <= pd.Timestamp(as_of)).to_numpy()]

    def _measures(self) -> list[str]:
        ms = list(MEASURES)
        if not self._has_land:
            ms.remove("land_freed_mu")
        if math.isnan(self.planning_co2_per_tce):
            ms.remove("co2_reduced_planning_t")
        return ms

    def _aggregate(self, df: pd.DataFrame, by: pd.Series | np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Achieved per group (wide: measures as columns) and the rows missing a value."""
        f = pd.DataFrame({
            "energy_freed_tce": df["energy_freed_tce"], "co2_reduced_t": df["co2_reduced_t"],
            "co2_reduced_planning_t": df["co2_reduced_planning_t"],
            "phase_out": (df["action"] == "phase_out").astype(float),
            "upgrade": (df["action"] == "upgrade").astype(float), "land_freed_mu": df["land_freed_mu"]})
        f = f[self._measures()]
        g = f.groupby(np.asarray(by), sort=False)
        return g.sum(min_count=1), f.isna().groupby(np.asarray(by), sort=False).sum()

    def _target(self, measure: str) -> tuple[float, dt.date]:
        ind = self.plan.for_measure(measure)
        if ind is None:
            return math.nan, self.plan.end
        return ind.target_in(MEASURES[measure][1]), ind.deadline or self.plan.end

    def _rows(self, achieved: pd.Series, missing: pd.Series, targets: Mapping[str, float],
              as_of: dt.date) -> pd.DataFrame:
        origin = self.plan.start - dt.timedelta(days=1)
        rows = []
        for m in self._measures():
            _, deadline = self._target(m)
            target = targets.get(m, math.nan)
            a = float(achieved.get(m, 0.0))
            elapsed = max(_months_between(origin, as_of), 0.0)
            left = max(_months_between(as_of, deadline), 0.0)
            total = _months_between(origin, deadline)
            remaining = target - a
            rows.append({
                "measure": m, "name_zh": MEASURES[m][0], "unit": MEASURES[m][1], "target": target,
                "achieved": a, "share": a / target if target else math.nan, "remaining": remaining,
                "deadline": deadline, "as_of": as_of, "months_elapsed": elapsed, "months_left": left,
                "rate_so_far": a / elapsed if elapsed > 0 else math.nan,
                "rate_needed": (max(remaining, 0.0) / left if left > 0 else math.nan) if not math.isnan(remaining) else math.nan,
                "expected_share": min(max(elapsed / total, 0.0), 1.0),
                "n_missing": int(missing.get(m, 0)),
            })
        out = pd.DataFrame(rows).set_index("measure")
        out["on_pace"] = (out["share"] >= out["expected_share"] - 1e-12).where(out["share"].notna())
        return out

    def _repr_html_(self) -> str:
        from .._html import fields, table

        p = self.progress()
        cols = [c for c in ("name_zh", "unit", "target", "achieved", "share", "rate_needed", "on_pace") if c in p]
        title = f"Tracker: {getattr(self.plan, 'title', self.plan.id)}"
        return fields(title, {"as_of": str(p["as_of"].iloc[0]) if len(p) else ""}) + table(p[cols])

    def progress(self, as_of: Any = None) -> pd.DataFrame:
        """Where each tracked target stands on ``as_of`` (default: today, at most the plan's end).

        Returns
        -------
        DataFrame
            Indexed by measure (``energy_freed_tce``, ``co2_reduced_t`` (own carrier mix),
            ``co2_reduced_planning_t`` (tce × planning ratio), ``phase_out``, ``upgrade``,
            ``land_freed_mu``): ``name_zh, unit, target, achieved, share, remaining, deadline,
            as_of, months_elapsed, months_left, rate_so_far, rate_needed`` (per month),
            ``expected_share`` (an even pace from the plan's start), ``n_missing`` (actions
            without a value for the measure: CO2 unknown without a carrier mix), ``on_pace``.
        """
        d = self._as_of(as_of)
        df = self._upto(d)
        ach, miss = self._aggregate(df, np.zeros(len(df), dtype=int))
        targets = {m: self._target(m)[0] for m in self._measures()}
        row = ach.iloc[0] if len(ach) else pd.Series(dtype=float)
        mrow = miss.iloc[0] if len(miss) else pd.Series(dtype=float)
        out = self._rows(row, mrow, targets, d)
        out.attrs["tanfeng"] = {"plan": self.plan.id, "plan_version": self.plan.version, "factor_set": self.factor_set,
                                "planning_co2_per_tce": self.planning_co2_per_tce}
        return out

    def by_town(self, town_targets: pd.DataFrame | None = None, as_of: Any = None, *,
                n_lowest: int = DEFAULT_N_LOWEST, rank_by: str | None = None,
                score_cap: float | None = 1.0) -> pd.DataFrame:
        """Progress per town (镇乡（街道）), optionally against targets allocated to each town.

        Parameters
        ----------
        town_targets : DataFrame, optional
            One row per town: a town column (``town`` / 镇乡（街道）) and a column per measure
            (``energy_freed_tce`` or 腾出用能, ``phase_out`` or 淘汰落后, ``upgrade`` or 整治提升,
            ``land_freed_mu`` or 腾出用地, ``co2_reduced_t`` or 减少碳排放), in tce, 家, 亩, tCO2.
        n_lowest : int
            Towns marked ``lowest`` at the bottom of the ranking (`DEFAULT_N_LOWEST`; at most
            half of the ranked towns).
        rank_by : str, optional
            Rank by the share of this one measure. Default: ``score`` = the mean over the
            measures a town has targets for of its share, capped at ``score_cap`` (so surplus on
            one target does not hide a shortfall on another). The plan's own yearly score
            (五(二)) is not published; this is tanfeng's documented default.

        Returns
        -------
        DataFrame
            One row per (town, measure): ``town, measure, name_zh, unit, target, achieved,
            share, share_of_city`` (achieved / the city target), ``remaining, rate_so_far,
            rate_needed, on_pace``; with targets also ``score, rank`` (1 = best) and ``lowest``,
            sorted by rank.
        """
        d = self._as_of(as_of)
        df = self._upto(d)
        ach, miss = self._aggregate(df, df["town"].to_numpy())
        allot = read_town_targets(town_targets) if town_targets is not None else pd.DataFrame()
        towns = list(dict.fromkeys([*self.actions.loc[self.actions["valid"], "town"], *allot.index]))
        city = {m: self._target(m)[0] for m in self._measures()}
        parts = []
        for t in towns:
            tg = {m: float(allot.at[t, m]) for m in allot.columns if m in city} if t in allot.index else {}
            r = self._rows(ach.loc[t] if t in ach.index else pd.Series(dtype=float),
                           miss.loc[t] if t in miss.index else pd.Series(dtype=float), tg, d)
            r.insert(0, "town", t)
            r["share_of_city"] = r["achieved"] / pd.Series(city)
            parts.append(r.reset_index())
        cols = ["town", "measure", "name_zh", "unit", "target", "achieved", "share", "share_of_city",
                "remaining", "rate_so_far", "rate_needed", "on_pace", "n_missing"]
        out = pd.concat(parts, ignore_index=True)[cols] if parts else pd.DataFrame(columns=cols)
        if town_targets is None:
            return out
        if rank_by is not None and rank_by not in MEASURES:
            raise KeyError(f"rank_by={rank_by!r}: use one of {list(MEASURES)}")
        sh = out.pivot(index="town", columns="measure", values="share").reindex(towns)
        if rank_by is not None:
            score = sh[rank_by]
        else:
            score = (sh.clip(upper=score_cap) if score_cap is not None else sh).mean(axis=1, skipna=True)
        rank = score.rank(ascending=False, method="min")
        ranked = int(rank.notna().sum())
        n_low = min(n_lowest, ranked // 2)  # never more than half of the ranked towns
        out["score"] = out["town"].map(score)
        out["rank"] = out["town"].map(rank).astype("Int64")
        out["lowest"] = out["rank"].gt(ranked - n_low).fillna(False).astype(bool)
        order = {m: i for i, m in enumerate(MEASURES)}
        out = out.sort_values(["rank", "town", "measure"], key=lambda s: s.map(order) if s.name == "measure" else s,
                              na_position="last", kind="stable").reset_index(drop=True)
        return out

    def timeline(self, freq: str = "M", as_of: Any = None) -> pd.DataFrame:
        """Cumulative achieved per period end, from the plan's start to ``as_of``.

        Returns a DataFrame indexed by period-end date with one column per measure.
        """
        d = self._as_of(as_of)
        df = self._upto(d)
        periods = pd.period_range(pd.Timestamp(self.plan.start), pd.Timestamp(d), freq=freq)
        ach, _ = self._aggregate(df, df["date"].dt.to_period(freq).to_numpy())
        cum = ach.reindex(periods, fill_value=0.0).cumsum()
        cum.index = pd.DatetimeIndex([min(p.end_time.normalize(), pd.Timestamp(d)) for p in periods], name="date")
        return cum

    def forecast(self, method: Literal["linear", "recent", "ols"] = "linear", as_of: Any = None, *,
                 window: int = 6) -> pd.DataFrame:
        """Project each target to its deadline from a monthly rate.

        Methods: ``linear`` — the average rate since the plan's start; ``recent`` — the rate over
        the last ``window`` months; ``ols`` — the least-squares slope of the monthly cumulative
        series. The projection starts from what is achieved on ``as_of``.

        Returns
        -------
        DataFrame
            Indexed by measure: ``method, target, achieved, rate`` (per month),
            ``projected_at_deadline, projected_share, reach_date`` (the date the target was or
            will be reached; NaT if not by the deadline at this pace), ``on_track``, ``verdict``.
        """
        d = self._as_of(as_of)
        prog = self.progress(d)
        if method == "linear":
            rates = prog["rate_so_far"]
        elif method in ("recent", "ols"):
            tl = self.timeline("M", d)
            t = np.array([_months_between(self.plan.start - dt.timedelta(days=1), x.date()) for x in tl.index])
            if method == "recent":
                back = self._upto(_add_months(d, -window))
                past, _ = self._aggregate(back, np.zeros(len(back), dtype=int))
                past_row = past.iloc[0] if len(past) else pd.Series(0.0, index=prog.index)
                rates = (prog["achieved"] - past_row.reindex(prog.index).fillna(0.0)) / min(window, prog["months_elapsed"].iloc[0] or 1)
            else:
                t0, y0 = np.concatenate([[0.0], t]), np.vstack([np.zeros((1, tl.shape[1])), tl.to_numpy(dtype=float)])
                slope = np.polyfit(t0, y0, 1)[0] if len(t0) >= 2 else np.full(tl.shape[1], np.nan)
                rates = pd.Series(slope, index=tl.columns).reindex(prog.index)
        else:
            raise ValueError(f"method={method!r}: use 'linear', 'recent' or 'ols'")
        out = pd.DataFrame({"method": method, "target": prog["target"], "achieved": prog["achieved"],
                            "rate": rates, "deadline": prog["deadline"]})
        out["projected_at_deadline"] = out["achieved"] + out["rate"] * prog["months_left"]
        out["projected_share"] = out["projected_at_deadline"] / out["target"]
        reach, verdict = [], []
        for m, r in out.iterrows():  # one row per measure: a handful
            if math.isnan(r["target"]) or math.isnan(r["achieved"]):
                reach.append(pd.NaT)
                verdict.append("无目标" if math.isnan(r["target"]) else "无数据")
            elif r["achieved"] >= r["target"]:
                when = self._crossed(m, r["target"], d)
                reach.append(pd.Timestamp(when))
                verdict.append(f"已于 {when} 完成")
            elif r["rate"] > 0:
                when = _add_months(d, (r["target"] - r["achieved"]) / r["rate"])
                ok = when <= r["deadline"]
                reach.append(pd.Timestamp(when) if ok else pd.NaT)
                verdict.append(f"按此进度 {when} 完成" if ok else f"按此进度截止日前无法完成（预计 {when}）")
            else:
                reach.append(pd.NaT)
                verdict.append("按此进度无法完成（无进展）")
        out["reach_date"] = pd.to_datetime(pd.Series(reach, index=out.index, dtype="datetime64[ns]"))
        out["on_track"] = (out["projected_at_deadline"] >= out["target"] * (1 - 1e-12)).where(
            out["projected_share"].notna())
        out["verdict"] = verdict
        return out.drop(columns="deadline")

    def _crossed(self, measure: str, target: float, as_of: dt.date) -> dt.date:
        df = self._upto(as_of).sort_values("date", kind="stable")
        ach, _ = self._aggregate(df, df["date"].to_numpy())
        hit = ach[measure].cumsum() >= target * (1 - 1e-12)
        return pd.Timestamp(hit.idxmax()).date()

