"""A plan's 指标体系 as data: :class:`Plan` and :class:`Indicator` (pydantic, loaded from TOML).

The 诸暨 2021–2023 plan ships as ``tanfeng.plans.ZHUJI_2023``. :meth:`Plan.assess` compares
actual values with every target, direction aware.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from .._rules import FileVersioned, Source, find_rule_file, from_files, read_toml
from ..cells import Failures, read_quantities
from ..errors import RuleError
from ._common import _TARGET_OF, MEASURES

__all__ = ["Direction", "Indicator", "NamedValue", "Period", "Plan"]

Direction = Literal["at_least", "at_most", "decline_by"]
Period = Literal["cumulative", "per_year", "level", "average_annual", "change_vs_base"]


class Indicator(BaseModel):
    """One target of a plan (a row of its 指标体系).

    Examples
    --------
    >>> from tanfeng.plans import ZHUJI_2023
    >>> i = next(i for i in ZHUJI_2023.indicators if i.name_zh == "腾出用能")
    >>> i.target, i.unit
    (8.0, '万吨标准煤')

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
        from ..units import unit_factor

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


class Plan(FileVersioned):
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
    grid_region: str = ""
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
        p = Path(path)
        data = read_toml(p)  # a syntax error is a RuleError naming the file
        try:
            return from_files(cls.model_validate(data), p)
        except ValidationError as exc:
            raise RuleError(f"plan file {p}: {exc}") from exc

    @classmethod
    def load(cls, id_or_path: str | Path) -> Plan:
        """A shipped plan by id (``"zhuji-2021-2023"``) or your own TOML file (cached by id).

        Examples
        --------
        >>> p = Plan.load("zhuji-2021-2023")
        >>> p.id in Plan.available(), list(p.sources), len(p.version)
        (True, ['zhuji-plan-2021'], 12)
        """
        if str(id_or_path) in cls.available() and not Path(id_or_path).is_file():
            return _shipped_plan(str(id_or_path))
        return cls.from_toml(find_rule_file(id_or_path, _plans_dir(), "plan", cls.available()))

    @classmethod
    def available(cls) -> list[str]:
        """Ids of the plans shipped with tanfeng (``factors/rules/plans``)."""
        return sorted(p.stem for p in _plans_dir().glob("*.toml"))

    @property
    def sources(self) -> dict[str, Source]:
        """``{source id: Source}`` of the plan's document."""
        if not (self.source or self.source_title):
            return {}
        return {self.source or self.id: Source(id=self.source or self.id, title=self.source_title or self.title,
                                               issuer=self.issuer, note=self.status)}

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
        fails, values = Failures(0, what="actuals"), {}
        for key, v in items:
            try:
                ind = self.indicator(str(key))
            except KeyError as exc:
                fails.add_at([key], "indicator", [key], "indicator_unknown", str(exc).strip("'\""))
                continue
            if hasattr(v, "magnitude") and hasattr(v, "units"):
                try:
                    v = float(v.to(ind.unit).magnitude)
                except Exception:
                    fails.add_at([key], "actual", [str(v)], "unit_dimension", f"{v} ≠ {ind.unit}", f"→ {ind.unit}")
                    continue
            nums, why = read_quantities(pd.Series([v], dtype=object), negative_ok=True)  # the kernel's cell reader
            num = nums[0]
            if why[0] and why[0] != "quantity_missing":
                fails.add_at([key], "actual", [v], why[0])
                continue
            values[ind.id] = float(num)
        fails.raise_if_any()
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


@functools.cache
def _shipped_plan(plan_id: str) -> Plan:
    """A shipped plan, read once (plans are frozen)."""
    return Plan.from_toml(_plans_dir() / f"{plan_id}.toml")


def _plans_dir() -> Path:
    from .._resources import data_dir

    return data_dir() / "rules" / "plans"
