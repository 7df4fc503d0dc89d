"""Plan targets and progress toward them (腾笼换鸟: 淘汰落后, 整治提升, 腾出用能, 减少碳排放).

* :class:`Plan` and :class:`Indicator` — a plan's 指标体系 as data (pydantic, loaded from TOML;
  the 诸暨 2021–2023 plan ships as ``tanfeng.plans.ZHUJI_2023``). :meth:`Plan.assess` compares
  actual values with every target, direction aware.
* :class:`Tracker` — 淘汰落后 / 整治提升 actions, one row each, against the plan:
  :meth:`~Tracker.progress` (achieved, share, remaining, rate needed per month),
  :meth:`~Tracker.by_town`, :meth:`~Tracker.timeline`, :meth:`~Tracker.forecast`.
* :func:`intensity_decline` — 单位工业增加值能耗 at comparable prices, cumulative and annualised.

Months are counted on a month-end calendar: day *d* of a month of *L* days is *d/L* of that
month, so month end to month end is a whole number (2022-06-30 → 2023-12-31 is 18 months). A
plan starting 2021-01-01 starts at the end of 2020-12-31.
"""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
import math
import re
import sys
import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from ._resources import normalize_name
from .errors import InputError, RuleError, TanfengWarning

__all__ = [
    "ACTIONS", "ACTION_COLUMNS", "DEFAULT_BASIS", "DEFAULT_REGION", "MEASURES", "REASONS",
    "Indicator", "NamedValue", "Plan", "Tracker", "intensity_decline",
]

Direction = Literal["at_least", "at_most", "decline_by"]
Period = Literal["cumulative", "per_year", "level", "average_annual", "change_vs_base"]

#: Series a Tracker measures: id -> (Chinese label, unit).
MEASURES: dict[str, tuple[str, str]] = {
    "energy_freed_tce": ("腾出用能", "tce"),
    "co2_reduced_t": ("减少碳排放（按企业能源结构）", "tCO2"),
    "co2_reduced_planning_t": ("减少碳排放（按规划系数）", "tCO2"),
    "phase_out": ("淘汰落后产能企业", "家"),
    "upgrade": ("整治提升低效企业", "家"),
    "land_freed_mu": ("腾出用地", "亩"),
}
#: The planning-ratio CO2 is measured against the same indicator as the own-mix CO2.
_TARGET_OF = {"co2_reduced_planning_t": "co2_reduced_t"}

#: Action words understood (淘汰落后 / 整治提升) -> ``phase_out`` / ``upgrade``.
ACTIONS: dict[str, str] = {
    **dict.fromkeys(["phase_out", "phaseout", "淘汰", "淘汰落后", "淘汰落后产能", "关停",
                     "关停退出", "关停淘汰", "退出"], "phase_out"),
    **dict.fromkeys(["upgrade", "整治", "整治提升", "提升", "改造提升", "提升改造"], "upgrade"),
}
_ACTION_ZH = {"phase_out": "淘汰落后", "upgrade": "整治提升"}

#: Headers understood for the columns of the actions table.
ACTION_COLUMNS: dict[str, tuple[str, ...]] = {
    "enterprise": ("enterprise", "企业", "企业名称", "单位名称", "名称"),
    "credit_code": ("credit_code", "统一社会信用代码", "信用代码"),
    "town": ("town", "镇乡（街道）", "镇乡街道", "镇街", "镇乡", "所属乡镇", "所属镇街", "乡镇", "街道"),
    "action": ("action", "类型", "行动", "处置方式", "整治类型", "方式"),
    "date": ("date", "完成日期", "完成时间", "日期", "销号日期", "验收日期"),
    "energy_before_tce": ("energy_before_tce", "基准能耗", "整治前能耗", "淘汰前能耗", "原综合能耗",
                          "基准年综合能耗", "整治前综合能耗"),
    "energy_after_tce": ("energy_after_tce", "整治后能耗", "淘汰后能耗", "整治后综合能耗"),
    "energy_freed_tce": ("energy_freed_tce", "腾出用能", "腾出能耗"),
    "land_freed_mu": ("land_freed_mu", "腾出用地", "腾出土地", "腾出用地面积"),
    "co2_reduced_t": ("co2_reduced_t", "减少碳排放", "减排量", "减少二氧化碳排放"),
}
_STAGES = {**dict.fromkeys(["before", "baseline", "base", "基准", "基准年", "整治前", "淘汰前", "前"], "before"),
           **dict.fromkeys(["after", "整治后", "淘汰后", "后"], "after")}
_STAGE_HEADERS = ("stage", "阶段", "时点")

#: Basis of electricity in tce computed from energy records. 当量值: the statistical
#: 综合能源消费量 is "按照发热量" (policy.md §6, inference); the plan's own basis is not stated
#: (policy.md §9.3). Pass ``basis=`` to choose.
DEFAULT_BASIS = "当量值"
#: Grid region for electricity CO2 of energy records (诸暨 is in 浙江). Pass ``region=``.
DEFAULT_REGION = "浙江"
#: Towns marked as lowest in a ranking (五(二) calls in "排名靠后的镇乡（街道）" without a number).
DEFAULT_N_LOWEST = 3

#: Reason codes of `InputError` failures raised here.
REASONS: dict[str, str] = {
    "column_missing": "a required column is missing",
    "enterprise_missing": "no enterprise name",
    "town_missing": "no town (镇乡/街道)",
    "action_unknown": "action is neither 淘汰落后 nor 整治提升",
    "date_invalid": "completion date missing or not a date",
    "date_outside_plan": "completion date outside the plan window",
    "value_not_numeric": "value is not a number",
    "value_negative": "value is negative",
    "energy_missing": "no energy before/after and no energy freed",
    "energy_increased": "energy after a 淘汰 is higher than before",
    "energy_conflict": "energy freed disagrees with before − after",
    "enterprise_repeated": "enterprise counted twice for the same target",
    "stage_unknown": "energy-record stage is neither before nor after",
    "indicator_unknown": "no such indicator in the plan",
    "unit_dimension": "quantity cannot be converted to the indicator's unit",
    "town_repeated": "town listed twice in the town targets",
    "year_missing": "a year needed for the computation is missing",
    "growth_percent": "growth rate looks like a percentage",
    "options_conflict": "deflator and growth given together",
    "value_not_positive": "value must be positive",
}


def _failures(rows: Iterable[tuple[Any, str, Any, str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=["row", "column", "value", "reason", "message", "suggestion"])


# ---------------------------------------------------------------------------------------------
# month-end calendar


def _to_date(x: Any) -> dt.date:
    return pd.Timestamp(x).date()


def _month_pos(d: dt.date) -> float:
    """Months since year 0 on the month-end calendar (end of month m of year y = 12y + m)."""
    return 12 * d.year + (d.month - 1) + d.day / calendar.monthrange(d.year, d.month)[1]


def _months_between(a: dt.date, b: dt.date) -> float:
    return _month_pos(b) - _month_pos(a)


def _add_months(d: dt.date, months: float) -> dt.date:
    """The first date by which ``months`` (month-end calendar) have passed since ``d``."""
    x = _month_pos(d) + months
    k = math.floor(x + 1e-9)
    frac = x - k
    year, month0 = divmod(k, 12)
    if frac <= 1e-9:  # exactly a month end: the last day of the month before
        year, month0 = divmod(k - 1, 12)
        return dt.date(year, month0 + 1, calendar.monthrange(year, month0 + 1)[1])
    days = calendar.monthrange(year, month0 + 1)[1]
    return dt.date(year, month0 + 1, max(1, math.ceil(frac * days - 1e-9)))


# ---------------------------------------------------------------------------------------------
# Plan and Indicator


class Indicator(BaseModel):
    """One target of a plan (a row of its 指标体系).

    ``target`` is in ``unit``: a unit tanfeng parses where the quantity is physical (万亩,
    万吨标准煤, 万吨二氧化碳, 万元/亩), else a count word (家, 个, 项) or ``%``.
    ``direction``: ``at_least`` (达到…以上), ``at_most`` (不超过), ``decline_by`` (下降…%以上).
    ``measure`` names the `Tracker` series that feeds it (empty where progress comes from
    statistics).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    seq: int | None = None
    category: str
    name_zh: str
    unit: str
    unit_in_table: str = ""
    target: float
    direction: Direction
    period: Period = "cumulative"
    deadline: dt.date | None = None
    measure: str = ""
    text: str = ""
    note: str = ""

    @field_validator("measure")
    @classmethod
    def _known_measure(cls, v: str) -> str:
        if v and (v not in MEASURES or v in _TARGET_OF):
            raise ValueError(f"measure {v!r} is not one of {[m for m in MEASURES if m not in _TARGET_OF]}")
        return v

    @model_validator(mode="after")
    def _decline_positive(self) -> Indicator:
        if self.direction == "decline_by" and not self.target > 0:
            raise ValueError(f"{self.id}: a decline_by target must be a positive percentage")
        return self

    def target_in(self, unit: str) -> float:
        """The target converted to ``unit`` (``target_in("tce")`` of 8 万吨标准煤 is 80 000)."""
        if unit == self.unit:
            return float(self.target)
        from .units import unit_factor

        return float(self.target) * unit_factor(self.unit, unit)

    def share(self, actual: Any) -> Any:
        """Completion share, direction aware (a 10 % decline target reached by 12 % is 1.2)."""
        a = np.asarray(actual, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            s = self.target / a if self.direction == "at_most" else a / self.target
        return s if s.ndim else float(s)

    def gap(self, actual: Any) -> Any:
        """How far from the target in its unit: positive still to go, zero or negative met."""
        a = np.asarray(actual, dtype=float)
        g = a - self.target if self.direction == "at_most" else self.target - a
        return g if g.ndim else float(g)


class NamedValue(BaseModel):
    """A number derived from a plan (e.g. the planning ratio 2.0 tCO2/tce), with how."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    value: float
    unit: str = ""
    derivation: str = ""
    confidence: str = "unverified"
    note: str = ""


class Plan(BaseModel):
    """A plan's targets (指标体系) and window; load one with :meth:`from_toml`.

    Examples
    --------
    >>> from tanfeng.plans import ZHUJI_2023
    >>> len(ZHUJI_2023.indicators), ZHUJI_2023.indicator("energy_freed").target_in("tce")
    (15, 80000.0)
    >>> float(ZHUJI_2023.assess({"energy_intensity_decline": 12}).loc["energy_intensity_decline", "share"])
    1.2
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    title: str
    issuer: str = ""
    status: str = ""
    region: str = ""
    start: dt.date
    end: dt.date
    source: str = ""
    source_title: str = ""
    note: str = ""
    values: dict[str, NamedValue] = {}
    indicators: tuple[Indicator, ...]
    extras: tuple[Indicator, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _flatten(cls, data: Any) -> Any:
        if isinstance(data, Mapping) and isinstance(data.get("plan"), Mapping):
            data = {**data["plan"], **{k: v for k, v in data.items() if k != "plan"}}
        if isinstance(data, Mapping):  # each indicator's deadline defaults to the plan's end
            end = data.get("end")
            data = dict(data)
            for key in ("indicators", "extras"):
                data[key] = [({"deadline": end, **i} if isinstance(i, Mapping) else i)
                             for i in data.get(key, ())]
        return data

    @model_validator(mode="after")
    def _consistent(self) -> Plan:
        if self.end <= self.start:
            raise ValueError(f"plan end {self.end} is not after its start {self.start}")
        ids = [i.id for i in self.all_indicators]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ValueError(f"indicator ids repeated: {dup}")
        return self

    @classmethod
    def from_toml(cls, path: str | Path) -> Plan:
        """Load a plan from a TOML file shaped like ``factors/rules/plans/zhuji-2021-2023.toml``.

        Raises `RuleError` naming the file and every invalid field.
        """
        if sys.version_info >= (3, 11):
            import tomllib
        else:  # pragma: no cover
            import tomli as tomllib
        p = Path(path)
        try:
            with p.open("rb") as fh:
                data = tomllib.load(fh)
            return cls.model_validate(data)
        except (ValidationError, tomllib.TOMLDecodeError) as exc:
            raise RuleError(f"plan file {p}: {exc}") from exc

    @property
    def all_indicators(self) -> tuple[Indicator, ...]:
        """The table's indicators followed by the text's extras."""
        return self.indicators + self.extras

    def indicator(self, key: str) -> Indicator:
        """An indicator by id or by its Chinese name."""
        for i in self.all_indicators:
            if key in (i.id, i.name_zh):
                return i
        close = difflib.get_close_matches(key, [i.id for i in self.all_indicators] +
                                          [i.name_zh for i in self.all_indicators], n=3)
        raise KeyError(f"plan {self.id!r} has no indicator {key!r}" + (f"; did you mean {close}?" if close else ""))

    def for_measure(self, measure: str) -> Indicator | None:
        """The indicator a Tracker measure counts toward, or None."""
        m = _TARGET_OF.get(measure, measure)
        return next((i for i in self.all_indicators if i.measure == m), None)

    @property
    def planning_co2_per_tce(self) -> float | None:
        """The plan's planning ratio of CO2 to tce freed (诸暨: 16万 t / 8万 tce = 2.0), if given."""
        v = self.values.get("planning_co2_per_tce")
        return None if v is None else v.value

    def table(self, extras: bool = False) -> pd.DataFrame:
        """The indicators as a DataFrame indexed by id."""
        rows = [i.model_dump() for i in (self.all_indicators if extras else self.indicators)]
        return pd.DataFrame(rows).set_index("id")

    def assess(self, actuals: Mapping[str, Any] | pd.Series | pd.DataFrame) -> pd.DataFrame:
        """Compare actual values with the targets.

        Parameters
        ----------
        actuals : mapping, Series or DataFrame
            Indicator id (or Chinese name) -> actual value in the indicator's unit (a pint
            Quantity is converted). A DataFrame needs columns ``indicator`` and ``actual``.
            For ``decline_by`` give the decline reached, in % (e.g. 13.9).

        Returns
        -------
        DataFrame
            One row per table indicator (and per extra named in ``actuals``), indexed by id:
            ``seq, category, name_zh, unit, target, direction, actual, share`` (direction aware),
            ``status`` (达标 / 未达标 / 无数据) and ``gap`` (positive: still to go).
        """
        if isinstance(actuals, pd.DataFrame):
            actuals = pd.Series(actuals["actual"].to_numpy(), index=actuals["indicator"].to_numpy())
        items = list(actuals.items())
        fails, values = [], {}
        for key, v in items:
            try:
                ind = self.indicator(str(key))
            except KeyError as exc:
                fails.append((key, "indicator", key, "indicator_unknown", str(exc).strip("'\""),
                              "see plan.table(extras=True) for the ids"))
                continue
            if hasattr(v, "magnitude") and hasattr(v, "units"):
                try:
                    v = float(v.to(ind.unit).magnitude)
                except Exception:
                    fails.append((key, "actual", str(v), "unit_dimension",
                                  f"{v} cannot be expressed in {ind.unit}", f"give a number in {ind.unit}"))
                    continue
            num = pd.to_numeric(pd.Series([v], dtype=object), errors="coerce").iloc[0]
            if pd.isna(num) and not pd.isna(v):
                fails.append((key, "actual", v, "value_not_numeric", f"{v!r} is not a number",
                              f"give a number in {ind.unit}"))
                continue
            values[ind.id] = float(num)
        if fails:
            raise InputError(_failures(fails), what="actuals")
        inds = [i for i in self.all_indicators if i.seq is not None or i.id in values]
        out = pd.DataFrame(
            {"seq": [i.seq for i in inds], "category": [i.category for i in inds],
             "name_zh": [i.name_zh for i in inds], "unit": [i.unit for i in inds],
             "target": [float(i.target) for i in inds], "direction": [i.direction for i in inds],
             "actual": [values.get(i.id, np.nan) for i in inds]},
            index=pd.Index([i.id for i in inds], name="indicator"))
        out["seq"] = out["seq"].astype("Int64")
        out["share"] = [i.share(a) for i, a in zip(inds, out["actual"])]
        out["gap"] = [i.gap(a) for i, a in zip(inds, out["actual"])]
        tol = 1e-9 * out["target"].abs()
        out["status"] = np.where(out["actual"].isna(), "无数据", np.where(out["gap"] <= tol, "达标", "未达标"))
        return out[["seq", "category", "name_zh", "unit", "target", "direction", "actual", "share",
                    "status", "gap"]]


# ---------------------------------------------------------------------------------------------
# reading the actions table


def _header_key(h: Any) -> str:
    return normalize_name(re.sub(r"[（(\[【][^）)\]】]*[）)\]】]\s*$", "", str(h)))


def _find(df: pd.DataFrame, aliases: Mapping[str, tuple[str, ...]],
          columns: Mapping[str, str] | None) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for c in df.columns:
        lookup.setdefault(normalize_name(str(c)), c)
        lookup.setdefault(_header_key(c), c)
    found = {}
    for std, names in aliases.items():
        if columns and std in columns:
            if columns[std] not in df.columns:
                raise KeyError(f"columns={{{std!r}: {columns[std]!r}}}: no such column")
            found[std] = columns[std]
            continue
        c = next((lookup[k] for k in map(normalize_name, names) if k in lookup), None)
        if c is not None:
            found[std] = c
    return found


_FOLD = r"[\s()（）\[\]【】{}「」〔〕《》—·:：'\"“”]"


def _per_unique(col: pd.Series, func: Any, missing: Any) -> np.ndarray:
    """``func`` applied once per distinct value (``missing`` for empty cells), spread to rows."""
    codes, uniques = pd.factorize(col.astype(object), use_na_sentinel=True)
    table = np.array([*map(func, uniques.tolist()), missing], dtype=object)
    return table[np.where(codes < 0, len(uniques), codes)]


def _parse_number(v: Any) -> float:
    if isinstance(v, bool):
        return math.nan
    if isinstance(v, int | float | np.number):
        return float(v)
    t = str(v).replace(",", "").replace("，", "").strip()
    try:
        return float(t) if t else math.nan
    except ValueError:
        return math.inf  # marks text that is not a number (infinite values are refused too)


def _numbers(col: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Float values and a mask of cells that hold something that is not a number."""
    if pd.api.types.is_numeric_dtype(col.dtype) and not pd.api.types.is_bool_dtype(col.dtype):
        vals = col.to_numpy(dtype=float, na_value=np.nan)
    else:
        vals = _per_unique(col, _parse_number, math.nan).astype(float)
    bad = np.isinf(vals)  # text that is not a number, or an infinite value
    return np.where(bad, np.nan, vals), bad


def _text(col: pd.Series) -> pd.Series:
    return pd.Series(_per_unique(col, lambda v: str(v).strip(), ""), index=col.index, dtype=object)


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
        Passed to `account` for the energy records (`DEFAULT_BASIS`, `DEFAULT_REGION`).
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
        region: str | None = DEFAULT_REGION,
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
        self.failures = pd.DataFrame()
        self.actions = self._read(actions, energy, key, columns,
                                  dict(basis=basis, region=region, year=year, factors=factors, errors=errors),
                                  errors)

    # -- reading -------------------------------------------------------------------------------

    def _read(self, actions: pd.DataFrame, energy: pd.DataFrame | None, key: str,
              columns: Mapping[str, str] | None, account_kw: dict[str, Any], errors: str) -> pd.DataFrame:
        cols = _find(actions, ACTION_COLUMNS, columns)
        need = ["enterprise", "town", "action", "date"]
        missing = [c for c in need if c not in cols]
        if not ({"energy_before_tce", "energy_freed_tce"} & cols.keys()) and energy is None:
            missing.append("energy_before_tce")
        if missing:
            raise InputError(_failures(("<table>", m, None, "column_missing",
                                        f"the actions table has no {m!r} column (or {list(ACTION_COLUMNS[m][1:4])})",
                                        f"rename a column or pass columns={{{m!r}: '<your header>'}}")
                                       for m in missing), what="actions table")
        n, idx = len(actions), actions.index
        fails: list[pd.DataFrame] = []

        def fail(mask: np.ndarray, column: str, values: Any, reason: str, message: Any, suggestion: str = "") -> None:
            pos = np.flatnonzero(mask)
            if len(pos):
                vals = np.asarray(values, dtype=object)[pos] if np.ndim(values) else np.full(len(pos), values, dtype=object)
                msgs = [message(p) if callable(message) else message for p in pos]
                fails.append(pd.DataFrame({"pos": pos, "column": cols.get(column, column), "value": vals,
                                           "reason": reason, "message": msgs, "suggestion": suggestion}))

        ent = _text(actions[cols["enterprise"]])
        town = _text(actions[cols["town"]])
        fail((ent == "").to_numpy(), "enterprise", ent.to_numpy(), "enterprise_missing", "企业名称为空",
             "fill in the enterprise name")
        fail((town == "").to_numpy(), "town", town.to_numpy(), "town_missing", "镇乡（街道）为空",
             "fill in the town (镇乡/街道)")
        raw_action = _text(actions[cols["action"]])
        action = pd.Series(_per_unique(raw_action, lambda s: ACTIONS.get(normalize_name(s), ""), ""),
                           index=idx, dtype=object)
        fail((action == "").to_numpy(), "action", raw_action.to_numpy(), "action_unknown",
             lambda p: f"{raw_action.iloc[p]!r} 不是 淘汰落后 或 整治提升", "use 淘汰落后 (phase_out) or 整治提升 (upgrade)")
        date = pd.to_datetime(actions[cols["date"]], errors="coerce")
        fail(date.isna().to_numpy(), "date", actions[cols["date"]].to_numpy(), "date_invalid",
             "完成日期为空或无法识别", "write the date as 2022-06-30")
        start, end = pd.Timestamp(self.plan.start), pd.Timestamp(self.plan.end)
        outside = date.notna() & ((date < start) | (date > end))
        fail(outside.to_numpy(), "date", date.astype(str).to_numpy(), "date_outside_plan",
             f"完成日期不在方案期限 {self.plan.start} – {self.plan.end} 内", "check the date or the plan")

        num: dict[str, np.ndarray] = {}
        unreadable = np.zeros(n, dtype=bool)  # an energy cell that is not a number
        for c in ("energy_before_tce", "energy_after_tce", "energy_freed_tce", "land_freed_mu", "co2_reduced_t"):
            if c in cols:
                v, bad = _numbers(actions[cols[c]])
                fail(bad, c, actions[cols[c]].to_numpy(), "value_not_numeric", "不是数字", "give a number")
                num[c] = v
                if c.startswith("energy"):
                    unreadable |= bad
            else:
                num[c] = np.full(n, np.nan)
        for c in ("energy_before_tce", "energy_after_tce", "land_freed_mu"):
            fail(num[c] < 0, c, num[c], "value_negative", "不能为负", "give a value ≥ 0")

        before, after, freed = num["energy_before_tce"].copy(), num["energy_after_tce"].copy(), num["energy_freed_tce"]
        is_out = (action == "phase_out").to_numpy()
        rb, ra = np.full(n, np.nan), np.full(n, np.nan)
        if energy is not None:
            tb, cb, ta, ca = self._from_records(energy, key, actions, cols, account_kw)
            before = np.where(np.isnan(before), tb, before)
            after = np.where(np.isnan(after), ta, after)
            with np.errstate(divide="ignore", invalid="ignore"):
                rb = np.where(tb > 0, cb / tb, np.nan)
                ra = np.where(ta > 0, ca / ta, rb)
        after = np.where(np.isnan(after) & is_out & ~np.isnan(before), 0.0, after)
        diff = before - after
        fail(~np.isnan(freed) & ~np.isnan(diff) & ~np.isclose(freed, diff, rtol=1e-6, atol=1e-6),
             "energy_freed_tce", freed, "energy_conflict", lambda p: f"腾出用能 {freed[p]:g} ≠ 前 {before[p]:g} − 后 {after[p]:g}",
             "give either energy freed or before/after, or make them agree")
        freed = np.where(np.isnan(freed), diff, freed)
        fail(np.isnan(freed) & ~unreadable, "energy_before_tce", before, "energy_missing", "缺少整治前后能耗或腾出用能",
             "give energy_before_tce and energy_after_tce (or energy_freed_tce), or energy records")
        fail(is_out & (freed < 0), "energy_after_tce", after, "energy_increased",
             lambda p: f"淘汰后能耗 {after[p]:g} 高于淘汰前 {before[p]:g}", "check the figures")
        flag = np.where(~is_out & (action == "upgrade").to_numpy() & (freed < 0), "energy_increased", "")
        if not self.allow_repeat:
            self._repeats(ent, actions, cols, action.to_numpy(), date, before, after, fail)

        co2 = num["co2_reduced_t"]
        co2_mix = np.where(~np.isnan(before) & ~np.isnan(after), before * rb - after * ra, freed * rb)
        co2_source = np.where(~np.isnan(co2), "given", np.where(~np.isnan(co2_mix), "mix", ""))
        co2 = np.where(np.isnan(co2), co2_mix, co2)

        failures = pd.DataFrame(columns=["row", "column", "value", "reason", "message", "suggestion"])
        if fails:
            f = pd.concat(fails, ignore_index=True).sort_values(["pos"], kind="stable")
            f.insert(0, "row", idx.to_numpy()[f["pos"].to_numpy()])
            failures = f.drop(columns="pos").reset_index(drop=True)
            if errors == "raise":
                raise InputError(failures, what="actions table")
        self.failures = failures
        bad = np.zeros(n, dtype=bool)
        problem = np.full(n, "", dtype=object)
        if fails:
            allf = pd.concat(fails, ignore_index=True)
            bad[allf["pos"].to_numpy()] = True
            for p, g in allf.groupby("pos"):
                problem[p] = "; ".join(g["reason"] + ": " + g["message"].astype(str))
        if (flag != "").any():
            warnings.warn(f"{int((flag != '').sum())} 整治提升 row(s) raised energy use (flag "
                          "'energy_increased'); they are kept and reduce the energy freed", TanfengWarning, stacklevel=3)

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
        out["co2_reduced_planning_t"] = keep(freed * self.planning_co2_per_tce)
        out["land_freed_mu"] = keep(num["land_freed_mu"])
        out["flag"] = flag
        out["problem"] = problem
        out["valid"] = ~bad
        self._has_land = "land_freed_mu" in cols
        return out

    def _from_records(self, energy: pd.DataFrame, key: str, actions: pd.DataFrame, cols: dict[str, str],
                      kw: dict[str, Any]) -> tuple[np.ndarray, ...]:
        from .accounting import account

        if key not in energy.columns:
            raise InputError(_failures([("<table>", key, None, "column_missing",
                                         f"the energy records have no {key!r} column to link them to actions",
                                         "pass key='<column in both tables>'")]), what="energy records")
        res = account(energy, **kw)
        st = next((c for c in energy.columns if normalize_name(str(c)) in _STAGE_HEADERS), None)
        stage = (_text(energy[st]).map(lambda s: _STAGES.get(normalize_name(s), "?")) if st
                 else pd.Series("before", index=energy.index, dtype=object))
        if (stage == "?").any():
            bad = (stage == "?").to_numpy()
            raise InputError(_failures((r, str(st), v, "stage_unknown", f"{v!r} 不是 整治前/整治后",
                                        "use before/after (整治前/整治后)")
                                       for r, v in zip(energy.index[bad], energy[st][bad])), what="energy records")
        k = _text(energy[key]).to_numpy()
        frame = pd.DataFrame({"k": k, "stage": stage.to_numpy(), "tce": res["tce"].to_numpy(dtype=float),
                              "co2": res["co2_t"].to_numpy(dtype=float)})
        g = frame.groupby(["k", "stage"], sort=False)[["tce", "co2"]].sum(min_count=1)
        nan_any = frame.assign(t=frame["tce"].isna(), c=frame["co2"].isna()).groupby(["k", "stage"])[["t", "c"]].any()
        g["tce"] = g["tce"].mask(nan_any["t"].reindex(g.index))
        g["co2"] = g["co2"].mask(nan_any["c"].reindex(g.index))
        link_col = cols.get(key, key)
        if link_col not in actions.columns:
            raise InputError(_failures([("<table>", key, None, "column_missing",
                                         f"the actions table has no {key!r} column", "pass key=")]), what="actions table")
        akey = _text(actions[link_col]).to_numpy()
        unused = sorted(set(k) - set(akey))
        if unused:
            warnings.warn(f"energy records of {len(unused)} key(s) match no action and are unused: {unused[:5]}",
                          TanfengWarning, stacklevel=4)

        def pick(stage_name: str, col: str) -> np.ndarray:
            s = g.xs(stage_name, level="stage")[col] if stage_name in g.index.get_level_values("stage") else pd.Series(dtype=float)
            return s.reindex(akey).to_numpy(dtype=float)

        return pick("before", "tce"), pick("before", "co2"), pick("after", "tce"), pick("after", "co2")

    def _repeats(self, ent: pd.Series, actions: pd.DataFrame, cols: dict[str, str], action: np.ndarray,
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
        fail(mask, "enterprise", ent.to_numpy(), "enterprise_repeated", lambda p: msgs[p],
             "remove the repeat, chain the baselines, or pass allow_repeat=True")

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
        out.attrs["tanfeng"] = {"plan": self.plan.id, "planning_co2_per_tce": self.planning_co2_per_tce}
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
        allot = self._town_targets(town_targets) if town_targets is not None else pd.DataFrame()
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

    def _town_targets(self, tt: pd.DataFrame) -> pd.DataFrame:
        aliases = {"town": ACTION_COLUMNS["town"]}
        aliases.update({m: (m, MEASURES[m][0]) for m in MEASURES})
        aliases.update({"phase_out": ("phase_out", "淘汰落后", "淘汰", "淘汰落后产能企业"),
                        "upgrade": ("upgrade", "整治提升", "整治", "整治提升低效企业"),
                        "co2_reduced_t": ("co2_reduced_t", "减少碳排放")})
        cols = _find(tt, aliases, None)
        if "town" not in cols:
            raise InputError(_failures([("<table>", "town", None, "column_missing", "no town column",
                                         "add a 镇乡（街道） column")]), what="town targets")
        ignored = [c for c in tt.columns if c not in cols.values()]
        if ignored:
            warnings.warn(f"town targets: columns ignored (not a measure): {ignored}", TanfengWarning, stacklevel=3)
        town = _text(tt[cols["town"]])
        fails = [(r, cols["town"], t, "town_repeated", f"{t} 重复", "give one row per town")
                 for r, t in zip(tt.index[town.duplicated(keep=False)], town[town.duplicated(keep=False)])]
        out = pd.DataFrame(index=pd.Index(town.to_numpy(), name="town"))
        for m, c in cols.items():
            if m == "town":
                continue
            v, bad = _numbers(tt[c])
            fails += [(r, c, x, "value_not_numeric", "不是数字", "give a number") for r, x in zip(tt.index[bad], tt[c][bad])]
            neg = v < 0
            fails += [(r, c, x, "value_negative", "不能为负", "give a value ≥ 0") for r, x in zip(tt.index[neg], v[neg])]
            out[m] = v
        if fails:
            raise InputError(_failures(fails), what="town targets")
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


# ---------------------------------------------------------------------------------------------
# 单位工业增加值能耗


def _by_year(x: Any, name: str) -> pd.Series:
    s = pd.Series(x, dtype=object) if isinstance(x, Mapping) else pd.Series(x).astype(object)
    try:
        s.index = s.index.astype(int)
    except (TypeError, ValueError) as exc:
        raise InputError(_failures([("<index>", name, list(s.index), "year_missing",
                                     f"{name} must be indexed by year", "index by year, e.g. {2020: …}")]),
                         what="intensity inputs") from exc
    return s.sort_index()


def intensity_decline(
    energy_tce: Mapping[int, float] | pd.Series,
    value_added: Mapping[int, float] | pd.Series,
    *,
    base_year: int,
    deflator: Mapping[int, float] | pd.Series | None = None,
    growth: Mapping[int, float] | pd.Series | None = None,
    feedstock_tce: Mapping[int, float] | pd.Series | None = None,
) -> pd.DataFrame:
    """单位工业增加值能耗 at comparable prices and its decline against a base year.

    I_t = E_t / VA_t (tce per 万元, VA at ``base_year`` prices); decline = 1 − I_t / I_0,
    equal to 1 − (1 + g_E) / (1 + g_VA) (policy.md §6); annualised = 1 − (I_t / I_0)^(1/(t − t0)).

    Parameters
    ----------
    energy_tce : mapping or Series
        Year -> 综合能源消费量 (tce).
    value_added : mapping or Series
        Year -> 工业增加值 (万元). Nominal if ``deflator`` is given; with ``growth`` only the base
        year's value is used; with neither, already at comparable prices.
    base_year : int
        The year the decline is measured from (the 诸暨 plan: most likely 2020, policy.md §6 U).
    deflator : mapping or Series, optional
        Year -> price index of industrial value added (any base): VA_t × P_base / P_t.
    growth : mapping or Series, optional
        Year -> official comparable-price growth of value added as a fraction (0.08, not 8).
        Chained from the base year: VA_t = VA_base × Π(1 + g).
    feedstock_tce : mapping or Series, optional
        Year -> 原料用能, deducted from energy in every year, base year included
        (发改环资〔2022〕803号); value added is not adjusted. Adds ``*_excl_feedstock`` columns.

    Returns
    -------
    DataFrame
        Indexed by year: ``energy_tce, value_added_comparable, energy_intensity, decline_pct``
        (cumulative, %), ``annualised_decline_pct``, ``yoy_decline_pct`` (+ feedstock variants).

    Examples
    --------
    >>> r = intensity_decline({2020: 100, 2023: 99}, {2020: 100, 2023: 115}, base_year=2020)
    >>> r.loc[2023, ["decline_pct", "annualised_decline_pct"]].round(2).tolist()
    [13.91, 4.87]
    """
    fails: list[tuple[Any, str, Any, str, str, str]] = []
    e = _by_year(energy_tce, "energy_tce")
    va = _by_year(value_added, "value_added")
    if deflator is not None and growth is not None:
        fails.append(("<arguments>", "deflator", None, "options_conflict",
                      "give a deflator (nominal value added) or comparable growth rates, not both", ""))
    years = list(e.index)
    if base_year not in years:
        fails.append((base_year, "energy_tce", None, "year_missing", f"no energy for the base year {base_year}",
                      "include the base year"))

    def numeric(s: pd.Series, name: str, positive: bool) -> pd.Series:
        v = pd.to_numeric(s, errors="coerce").astype(float)
        for y in s.index[v.isna()]:
            fails.append((y, name, s[y], "value_not_numeric", f"{name} {y}: {s[y]!r} is not a number", ""))
        bad = (v <= 0) if positive else (v < 0)
        for y in s.index[bad.fillna(False)]:
            fails.append((y, name, v[y], "value_not_positive" if positive else "value_negative",
                          f"{name} {y} must be {'> 0' if positive else '≥ 0'}", ""))
        return v

    ev, vv = numeric(e, "energy_tce", False), numeric(va, "value_added", True)
    need_va = [base_year] if growth is not None else years
    for y in need_va:
        if y not in vv.index:
            fails.append((y, "value_added", None, "year_missing", f"no value added for {y}", ""))
    comp = pd.Series(np.nan, index=pd.Index(years, name="year"))
    if deflator is not None:
        p = numeric(_by_year(deflator, "deflator"), "deflator", True)
        for y in years:
            if y not in p.index:
                fails.append((y, "deflator", None, "year_missing", f"no deflator for {y}", ""))
        if not fails:
            comp = vv.reindex(years) * p[base_year] / p.reindex(years)
    elif growth is not None:
        g = pd.to_numeric(_by_year(growth, "growth"), errors="coerce").astype(float)
        for y in g.index[(g.abs() >= 1).fillna(False)]:
            fails.append((y, "growth", g[y], "growth_percent", f"growth {y} = {g[y]:g} looks like a percentage",
                          f"give a fraction: {g[y] / 100:g}"))
        for y in g.index[g.isna()]:
            fails.append((y, "growth", None, "value_not_numeric", f"growth {y} is not a number", ""))
        lo, hi = min(years), max(years)
        for y in range(min(lo, base_year) + 1, max(hi, base_year) + 1):
            if y not in g.index:
                fails.append((y, "growth", None, "year_missing", f"no comparable growth rate for {y}",
                              "give the official growth for every year between"))
        if not fails:
            idx = np.cumprod(1 + g.reindex(range(min(lo, base_year) + 1, max(hi, base_year) + 1)))
            level = pd.concat([pd.Series([1.0], index=[min(lo, base_year)]), idx])
            comp = vv[base_year] * level.reindex(years) / level[base_year]
    elif not fails:
        comp = vv.reindex(years)
    if fails:
        raise InputError(_failures(fails), what="intensity inputs")
    out = pd.DataFrame({"energy_tce": ev.reindex(years).to_numpy(), "value_added_comparable": comp.to_numpy()},
                       index=pd.Index(years, name="year"))
    dyears = np.asarray(years, dtype=float) - base_year

    def add(suffix: str, energy: pd.Series) -> None:
        i = energy / out["value_added_comparable"]
        rel = i / i[base_year]
        with np.errstate(divide="ignore", invalid="ignore"):
            ann = np.where(dyears != 0, 1 - np.power(rel.to_numpy(), 1 / np.where(dyears != 0, dyears, 1)), np.nan)
        out[f"energy_intensity{suffix}"] = i
        out[f"decline{suffix}_pct"] = (1 - rel) * 100
        out[f"annualised_decline{suffix}_pct"] = ann * 100
        out[f"yoy_decline{suffix}_pct"] = (1 - i / i.shift(1)) * 100

    add("", out["energy_tce"])
    if feedstock_tce is not None:
        fs = pd.to_numeric(_by_year(feedstock_tce, "feedstock_tce"), errors="coerce").astype(float)
        missing = [y for y in years if y not in fs.index or math.isnan(fs[y])]
        over = [y for y in years if y in fs.index and fs[y] > out.at[y, "energy_tce"]]
        if missing or over:
            raise InputError(_failures([(y, "feedstock_tce", None, "year_missing",
                                         f"no 原料用能 for {y}: it must be deducted in every year, base year included", "")
                                        for y in missing] +
                                       [(y, "feedstock_tce", fs[y], "value_negative",
                                         f"原料用能 {fs[y]:g} exceeds energy {out.at[y, 'energy_tce']:g}", "") for y in over]),
                             what="intensity inputs")
        out["energy_excl_feedstock_tce"] = out["energy_tce"] - fs.reindex(years).to_numpy()
        add("_excl_feedstock", out["energy_excl_feedstock_tce"])
    out.attrs["tanfeng"] = {"base_year": base_year,
                            "prices": "deflator" if deflator is not None else "growth" if growth is not None else "as given"}
    return out
